"""The one intake of a batch of CVs (files, ZIPs, or a CSV of ``id,text`` rows): the recruiter's uploads and ``rank``.

Everything is expanded into items, each holding a readable document or the
reason it was refused, so that one bad file never stops the rest. The batch
is bounded by design, whatever its ZIPs claim: at most ``max_files`` CVs and
``max_bytes`` bytes in all, counted as ZIP members expand (a member is
stopped at the per-file cap while it expands, never after), and files are
read a small step at a time, so memory holds one step's bytes, not the batch.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..errors import DocumentError
from .csv_records import csv_records
from .document import Document, DocumentReader
from .gate import SUPPORTED_SUFFIXES, ZIP_READ_ERRORS, DocumentLimits, decode_text, expand_zip_member

__all__ = ["INTAKE_SUFFIXES", "BatchLimits", "Intake", "UploadItem", "ZipPart", "read_batch", "zip_member_count"]

#: What a batch takes: the CV files themselves, ZIPs of them and CSVs of ``id,text`` rows.
INTAKE_SUFFIXES: tuple[str, ...] = (*SUPPORTED_SUFFIXES, ".zip", ".csv")


@dataclass(frozen=True, kw_only=True)
class BatchLimits:
    """Caps on one batch; each of its files also meets DocumentLimits."""

    max_files: int = 200
    #: Bytes of CVs in the whole batch: files as uploaded, ZIP members as they expand, CSV rows.
    max_bytes: int = 200 * 1024 * 1024
    max_csv_bytes: int = 20 * 1024 * 1024
    #: A step (validated and parsed together) holds at most this many files and bytes.
    step_files: int = 10
    step_bytes: int = 10 * 1024 * 1024


@dataclass(frozen=True)
class UploadItem:
    """One CV of the batch: its document, or why it could not be read (``error`` never repeats ``name``)."""

    name: str
    document: Document | None
    error: str | None = None


@dataclass(frozen=True)
class Intake:
    """A batch as read: its items in upload order, and what the caps left unread."""

    items: tuple[UploadItem, ...]
    unread: int = 0
    note: str | None = None  # says how many were not read and why; None when all were


#: An upload's bytes, or a way to get them when its turn comes (``UploadedFile.getvalue``).
Content = bytes | Callable[[], bytes]


@dataclass(frozen=True)
class ZipPart:
    """A share of a ZIP upload: its members ``start`` to ``stop`` (as ``zip_member_count`` counts them), so
    that several readers (the command line's workers) can each read a share of one ZIP, as they do of loose
    files. Each share passes the same gate and caps as the whole ZIP would, in the batch it is read in."""

    content: Content
    start: int
    stop: int


class _OverAllowance(Exception):
    """A CV's bytes reached the allowance it was given."""


@dataclass(frozen=True)
class _Pending:
    """A CV to read: its name, the name its expansion fails under, and ``fetch(allowance)``, which
    returns fewer than ``allowance`` bytes or raises _OverAllowance having expanded no more."""

    name: str
    where: str
    fetch: Callable[[int], bytes]


def read_batch(
    files: Sequence[tuple[str, Content | ZipPart]],
    *,
    limits: DocumentLimits | None = None,
    batch: BatchLimits | None = None,
    progress: Callable[[float, int], None] | None = None,
    parsers: int = 2,
    reader: DocumentReader | None = None,
) -> Intake:
    """Expand ZIPs and CSVs and read every CV, in steps, keeping the order of the upload.

    ``progress`` is told, after each step and each upload, the share of the uploads gone through and how
    many CVs were read so far. ``parsers`` processes are started, unless the caller's ``reader`` (its limits).
    """
    limits = reader.limits if reader is not None else limits or DocumentLimits()
    batch = batch or BatchLimits()
    items: list[UploadItem | None] = []  # None: in the step being gathered
    step: list[tuple[int, str, bytes]] = []
    left, held, unread, stopped = batch.max_bytes, 0, 0, ""

    def report(share: float) -> None:
        if progress:
            progress(share, sum(1 for item in items if item is not None and item.document is not None))

    def read_step(share: float) -> None:
        nonlocal held
        documents = parsing.read([(name, data) for _, name, data in step])
        for (slot, name, _), result in zip(step, documents, strict=True):
            items[slot] = _refused(name, result) if isinstance(result, DocumentError) else UploadItem(name, result)
        step.clear()
        held = 0
        report(share)

    own = DocumentReader(limits=limits, workers=parsers) if reader is None else contextlib.nullcontext(reader)
    with own as parsing:  # its parser processes serve every step
        for done, (name, content) in enumerate(files, 1):
            for entry in _entries(name, content, limits, batch):
                if not stopped and len(items) == batch.max_files:
                    stopped = f"a batch holds at most {batch.max_files} CVs"
                if stopped:  # past a cap: counted, not expanded
                    unread += 1
                    continue
                if isinstance(entry, UploadItem):
                    items.append(entry)
                    continue
                allowance = min(left, limits.max_bytes + 1)  # one byte past the file cap is enough to refuse
                try:
                    data = entry.fetch(allowance)
                except _OverAllowance:
                    if allowance <= limits.max_bytes:  # the batch's budget ran out, not the file's cap
                        stopped = f"a batch reads at most {_mb(batch.max_bytes)} of files (ZIPs counted as they expand)"
                        unread += 1
                        continue
                    left -= allowance
                    items.append(_refused(entry.where, f"expands to more than {_mb(limits.max_bytes)}, the most one "
                                          "file may hold (a zip bomb?); zip the CVs again"))  # fmt: skip
                    continue
                except ZIP_READ_ERRORS:
                    items.append(_refused(entry.where, "damaged inside the ZIP; zip the CVs again"))
                    continue
                left -= min(len(data), allowance)
                if step and (len(step) >= batch.step_files or held + len(data) > batch.step_bytes):
                    read_step((done - 1) / len(files))
                step.append((len(items), entry.name, data))
                items.append(None)
                held += len(data)
            report(done / len(files))
        if step:
            read_step(1.0)
    note = f"{unread} CV(s) were not read: {stopped}; upload them as a second batch" if unread else None
    return Intake(tuple(item for item in items if item is not None), unread, note)


def _refused(name: str, reason: str | DocumentError) -> UploadItem:
    """The one place a failure's text is built: its reason, without the name (document.py's errors start with it)."""
    return UploadItem(name, None, str(reason).removeprefix(f"{name}: "))


def _mb(size: int) -> str:
    return f"{size / 1_048_576:g} MB"


def _given(data: bytes, max_bytes: int) -> Callable[[int], bytes]:
    """Fetch bytes in memory: over the budget they stop the batch; over the file cap the gate refuses them."""

    def fetch(allowance: int) -> bytes:
        if len(data) >= allowance and allowance <= max_bytes:
            raise _OverAllowance
        return data

    return fetch


def _entries(
    name: str, content: Content | ZipPart, limits: DocumentLimits, batch: BatchLimits
) -> Iterator[UploadItem | _Pending]:
    """The CVs of one upload, lazily: refusals, and CVs with a way to get their bytes."""
    suffix = PurePosixPath(name).suffix.lower()
    share = slice(content.start, content.stop) if isinstance(content, ZipPart) else slice(None)
    content = content.content if isinstance(content, ZipPart) else content
    try:
        data = content() if callable(content) else content  # a file on disk may be unreadable or too large
        if suffix == ".zip":
            yield from _zip_entries(name, data, share)
        elif suffix == ".csv":
            yield from _csv_entries(name, data, limits, batch)
        else:
            yield _Pending(name, name, _given(data, limits.max_bytes))
    except DocumentError as exc:
        yield _refused(name, exc)


def zip_member_count(name: str, data: bytes) -> int:
    """How many members of the ZIP ``data`` a batch reads (CVs, and files refused as not CVs), from its
    directory alone: nothing is expanded. A damaged ZIP raises the DocumentError its batch would give."""
    with _open_zip(name, data) as archive:
        return len(_members(archive))


def _open_zip(name: str, data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except ZIP_READ_ERRORS:
        raise DocumentError(f"{name}: the ZIP is damaged; make it again and retry") from None


def _members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    # A member with an empty name is skipped (zipfile's is_dir() fails on it).
    return [m for m in archive.infolist() if m.filename and not m.is_dir() and not m.filename.startswith("__MACOSX/")]


def _zip_entries(name: str, data: bytes, share: slice) -> Iterator[UploadItem | _Pending]:
    with _open_zip(name, data) as archive:
        for member in _members(archive)[share]:
            inner = PurePosixPath(member.filename).name
            if PurePosixPath(inner).suffix.lower() not in SUPPORTED_SUFFIXES:
                yield _refused(f"{name}/{inner}", f"not a CV file ({', '.join(SUPPORTED_SUFFIXES)})")
                continue
            yield _Pending(inner, f"{name}/{inner}", _expander(archive, member))


def _expander(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> Callable[[int], bytes]:
    def expand(allowance: int) -> bytes:
        # Expanded in chunks and stopped at the allowance: declared sizes can lie.
        try:
            return expand_zip_member(archive, member, budget=allowance - 1, too_large="")[0]
        except DocumentError:
            raise _OverAllowance from None

    return expand


def _csv_entries(name: str, data: bytes, limits: DocumentLimits, batch: BatchLimits) -> Iterator[UploadItem | _Pending]:
    if len(data) > batch.max_csv_bytes:
        raise DocumentError(f"{name}: the CSV is larger than {_mb(batch.max_csv_bytes)}; split it")
    records = csv_records(decode_text(data, name))
    header = next(records, None)
    if header is None or header[2]:
        raise DocumentError(f"{name}: the CSV is malformed at its first line; save it again as CSV (UTF-8)")
    fields = [f.strip().lower() for f in header[1]]
    if "id" not in fields or "text" not in fields:
        raise DocumentError(f"{name}: a CSV needs the columns id and text; it has {fields or 'none'}")
    at_id, at_text = fields.index("id"), fields.index("text")
    for line, cells, problem in records:
        ident = (cells[at_id] if at_id < len(cells) else "").strip()
        body = cells[at_text] if at_text < len(cells) else ""
        if problem or not body.strip():
            where = f"line {line} of {name}"
            reason = problem or "the text is empty"
            yield _refused(ident, f"{where}: {reason}") if ident else _refused(where, reason)
            continue
        # A CSV row becomes a text file of the batch, read like any other.
        yield _Pending(f"{ident or f'line {line}'}.txt", ident, _given(body.encode("utf-8"), limits.max_bytes))
