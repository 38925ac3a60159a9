"""A recruiter's batch: files, ZIPs of files, or a CSV of ``id,text`` rows.

Everything is expanded into items, each holding a readable document or the
reason it was refused, so that one bad file never stops the rest.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from .documents import SUPPORTED_SUFFIXES, ZIP_READ_ERRORS, Document, DocumentLimits, expand_zip_member, read_documents
from .errors import DocumentError

__all__ = ["BatchLimits", "UploadItem", "read_batch"]


@dataclass(frozen=True, kw_only=True)
class BatchLimits:
    max_files: int = 200
    max_zip_bytes: int = 100 * 1024 * 1024  # expanded size of one ZIP
    max_csv_bytes: int = 20 * 1024 * 1024


@dataclass(frozen=True)
class UploadItem:
    """One CV of the batch: its document, or why it could not be read."""

    name: str
    document: Document | None
    error: str | None = None


def read_batch(
    files: Sequence[tuple[str, bytes]],
    *,
    limits: DocumentLimits | None = None,
    batch: BatchLimits | None = None,
) -> list[UploadItem]:
    """Expand ZIPs and CSVs, read every CV, and keep the order of the upload."""
    limits = limits or DocumentLimits()
    batch = batch or BatchLimits()
    entries: list[tuple[str, bytes] | UploadItem] = []
    for name, data in files:
        suffix = PurePosixPath(name).suffix.lower()
        try:
            if suffix == ".zip":
                entries.extend(_expand_zip(name, data, batch))
            elif suffix == ".csv":
                entries.extend(_expand_csv(name, data, batch))
            else:
                entries.append((name, data))
        except DocumentError as exc:
            entries.append(UploadItem(name, None, str(exc)))
    if len(entries) > batch.max_files:
        dropped = len(entries) - batch.max_files
        entries = entries[: batch.max_files] + [
            UploadItem(
                f"{dropped} more file(s)",
                None,
                f"a batch holds at most {batch.max_files} CVs; {dropped} were not read; upload them as a second batch",
            )
        ]
    raw = [(i, e) for i, e in enumerate(entries) if isinstance(e, tuple)]
    documents = read_documents([e for _, e in raw], limits=limits)
    read: dict[int, UploadItem] = {}
    for (index, (name, _)), result in zip(raw, documents, strict=True):
        if isinstance(result, DocumentError):
            read[index] = UploadItem(name, None, str(result))
        else:
            read[index] = UploadItem(name, result)
    return [read[i] if isinstance(e, tuple) else e for i, e in enumerate(entries)]


def _expand_zip(name: str, data: bytes, batch: BatchLimits) -> list[tuple[str, bytes] | UploadItem]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except ZIP_READ_ERRORS:
        raise DocumentError(f"{name}: the ZIP is damaged; make it again and retry") from None
    out: list[tuple[str, bytes] | UploadItem] = []
    budget = batch.max_zip_bytes
    with archive:
        # A member with an empty name is skipped (zipfile's is_dir() fails on it).
        members = [
            m for m in archive.infolist() if m.filename and not m.is_dir() and not m.filename.startswith("__MACOSX/")
        ]
        if len(members) > batch.max_files:
            raise DocumentError(
                f"{name}: the ZIP holds {len(members)} files and a batch holds at most {batch.max_files}; split it"
            )
        for member in members:
            inner = PurePosixPath(member.filename).name
            if PurePosixPath(inner).suffix.lower() not in SUPPORTED_SUFFIXES:
                out.append(
                    UploadItem(f"{name}/{inner}", None, f"{inner}: not a CV file ({', '.join(SUPPORTED_SUFFIXES)})")
                )
                continue
            too_large = (
                f"{name}: the ZIP expands to more than {batch.max_zip_bytes // 1_048_576} MB (a zip bomb?); "
                "zip the CVs again"
            )
            try:
                data, budget = expand_zip_member(archive, member, budget=budget, too_large=too_large)
            except ZIP_READ_ERRORS:
                out.append(UploadItem(f"{name}/{inner}", None, f"{inner}: damaged inside the ZIP"))
                continue
            out.append((inner, data))
    return out


def _expand_csv(name: str, data: bytes, batch: BatchLimits) -> list[tuple[str, bytes] | UploadItem]:
    if len(data) > batch.max_csv_bytes:
        raise DocumentError(f"{name}: the CSV is larger than {batch.max_csv_bytes // 1_048_576} MB; split it")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    # newline="" lets the csv module see every line ending itself, as its docs ask.
    reader = csv.DictReader(io.StringIO(text, newline=""))
    out: list[tuple[str, bytes] | UploadItem] = []
    try:
        fields = [f.strip().lower() for f in reader.fieldnames or []]
        if "id" not in fields or "text" not in fields:
            raise DocumentError(f"{name}: a CSV needs the columns id and text; it has {fields or 'none'}")
        reader.fieldnames = fields
        for number, row in enumerate(reader, start=2):
            ident = (row.get("id") or "").strip() or f"row {number}"
            body = row.get("text") or ""
            if not body.strip():
                out.append(UploadItem(ident, None, f"{name}, line {number}: the text is empty"))
                continue
            # A CSV row becomes a text file of the batch, read like any other.
            out.append((f"{ident}.txt", body.encode("utf-8")))
    except csv.Error as exc:
        raise DocumentError(
            f"{name}: the CSV is malformed near line {reader.line_num} ({exc}); "
            "save it again as CSV (UTF-8) with the columns id and text"
        ) from None
    return out
