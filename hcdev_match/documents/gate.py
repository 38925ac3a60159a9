"""The upload gate: what every file passes before any parser sees it.

A known extension, a size cap, the file signature that extension promises,
no binary data in a text file, and for DOCX a look inside the zip (entry
count, expanded size, no DOCTYPE, which is how external entities and
"billion laughs" bombs arrive). ZIP members are expanded within a budget,
never trusting the sizes they declare.
"""

from __future__ import annotations

import codecs
import lzma
import os
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import NoReturn

from ..errors import DocumentError

__all__ = [
    "SUPPORTED_SUFFIXES",
    "ZIP_READ_ERRORS",
    "DocumentLimits",
    "decode_text",
    "expand_zip_member",
    "read_file_bytes",
    "too_large",
    "uploaded_name",
    "validate_file",
]

#: What reading a damaged ZIP member can raise, besides our own DocumentError:
#: a corrupt deflate or LZMA stream, an unknown compression method, a bad CRC.
ZIP_READ_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    NotImplementedError,
    OSError,
    EOFError,
    RuntimeError,
    ValueError,
)

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".pdf", ".docx")
_EXECUTABLE_SIGNATURES = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")
# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True, kw_only=True)
class DocumentLimits:
    """Caps on what one file may cost. Defaults suit a CV."""

    max_bytes: int = 5 * 1024 * 1024
    max_pages: int = 50
    max_chars: int = 200_000
    timeout_s: float = 10.0
    memory_bytes: int = 1024 * 1024 * 1024
    max_zip_entries: int = 500
    max_unzipped_bytes: int = 50 * 1024 * 1024
    #: The most one compressed part of a PDF (a page's content, a font's map) may expand to; a CV's are
    #: well under a megabyte, a "compression bomb" expands a few kilobytes to gigabytes.
    max_stream_bytes: int = 20 * 1024 * 1024
    #: A page with fewer characters than this is taken to be a scanned image;
    #: a PDF with a third of its pages like that is flagged.
    scanned_page_chars: int = 25
    #: Hidden text (white, 1 point or smaller, Word's hidden, PDF's invisible
    #: mode) is always left out of the text; this many letters of it raise
    #: ``keyword_stuffing`` with the detail ``hidden_text``, fewer may be a
    #: template's stray mark.
    hidden_text_chars: int = 20


def read_file_bytes(path: str | Path, *, limits: DocumentLimits | None = None) -> bytes:
    """A file's bytes, refused with a DocumentError when unreadable or over the size cap."""
    path = Path(path)
    limits = limits or DocumentLimits()
    try:
        with open(path, "rb") as fh:
            # One byte past the cap is enough to know the file is too large. The
            # buffer is sized by the file, not the cap (allocating the cap costs
            # more than reading a CV); a file that grows while read, or tells no
            # size (a pipe), is read on up to the cap.
            cap = limits.max_bytes + 1
            size = os.fstat(fh.fileno()).st_size
            data = fh.read(min(size + 1, cap))
            if size < len(data) < cap:
                data += fh.read(cap - len(data))
    except OSError as exc:
        raise DocumentError(f"{path.name}: cannot read the file ({exc.strerror}); check the path") from None
    if len(data) > limits.max_bytes:
        too_large(path.name, path.stat().st_size, limits)
    return data


def validate_file(data: bytes, name: str, limits: DocumentLimits) -> str:
    """The checks every file passes before any parser sees it; returns its kind (txt, md, pdf, docx)."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(
            f"{name}: files of type '{suffix or 'none'}' are not read; "
            f"upload one of {', '.join(SUPPORTED_SUFFIXES)}, or paste the text"
        )
    if len(data) > limits.max_bytes:
        too_large(name, len(data), limits)
    if not data.strip():
        raise DocumentError(f"{name}: the file is empty; upload the CV itself or paste its text")
    if suffix == ".pdf":
        if b"%PDF-" not in data[:1024]:
            raise DocumentError(
                f"{name}: the file is named .pdf but is not a PDF; upload the real PDF or paste the text"
            )
        return "pdf"
    if suffix == ".docx":
        if not data.startswith(b"PK\x03\x04"):
            raise DocumentError(
                f"{name}: the file is named .docx but is not a Word document; upload the real DOCX or paste the text"
            )
        _check_docx_container(data, name, limits)
        return "docx"
    marked = data.startswith(tuple(mark for mark, _ in _BYTE_ORDER_MARKS))
    # UTF-16 and UTF-32 hold NUL bytes: only a file without a mark is judged by them.
    if not marked and (data.startswith(_EXECUTABLE_SIGNATURES) or data.find(b"\x00", 0, 8192) != -1):
        raise DocumentError(
            f"{name}: this is not a text file (it holds binary data); upload the CV as TXT, MD, PDF or DOCX"
        )
    return suffix.lstrip(".")


def too_large(name: str, size: int, limits: DocumentLimits) -> NoReturn:
    """Refuse a file over the size cap, saying both sizes in units that tell them apart."""
    size_text, limit_text = (f"{n / 1_048_576:.1f} MB" for n in (size, limits.max_bytes))
    if size_text == limit_text:  # 5 MB and 10 bytes would read "5.0 MB and at most 5.0 MB"
        size_text, limit_text = f"{size:,} bytes", f"{limits.max_bytes:,} bytes"
    raise DocumentError(
        f"{name}: the file is {size_text} and at most {limit_text} are accepted; "
        "upload a smaller file or paste the text"
    )


def decode_text(data: bytes, name: str) -> str:
    """The text of ``data``: by its byte-order mark (UTF-8, UTF-16, UTF-32), else UTF-8, else cp1252.

    Editors on Windows save "Unicode" text as UTF-16 with a mark; without one,
    a file that is not UTF-8 is read as cp1252 (and latin-1, which decodes any byte).
    """
    for mark, encoding in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                if encoding == "utf-8-sig":
                    break  # a UTF-8 mark before cp1252 bytes: read as cp1252, as before
                raise DocumentError(
                    f"{name}: the file is marked as {encoding.upper()} text but does not "
                    "decode as it; save it again as UTF-8 text"
                ) from None
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _check_docx_container(data: bytes, name: str, limits: DocumentLimits) -> None:
    """Refuse zip bombs and XML with a DOCTYPE before python-docx opens it."""
    broken = DocumentError(f"{name}: the Word document is damaged (not a valid zip); save it again and retry")
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except ZIP_READ_ERRORS:
        raise broken from None
    with archive:
        entries = archive.infolist()
        if len(entries) > limits.max_zip_entries:
            raise DocumentError(
                f"{name}: the document holds {len(entries)} parts, at most {limits.max_zip_entries} are "
                "accepted; save it again as a plain DOCX"
            )
        if "word/document.xml" not in archive.namelist():
            raise DocumentError(f"{name}: the zip holds no Word document; upload a DOCX saved by a word processor")
        budget = limits.max_unzipped_bytes
        too_large = (
            f"{name}: the document expands to more than {limits.max_unzipped_bytes // 1_048_576} MB "
            "(a zip bomb?); upload a normal DOCX"
        )
        # Anywhere in any XML part, not just its head: a DOCTYPE can hide
        # behind a long comment before the root element.
        doctype = {
            b"<!DOCTYPE": f"{name}: the document declares a DOCTYPE, which Word never writes and attacks use; "
            "save it again from a word processor"
        }
        for entry in entries:
            xml = entry.filename.endswith((".xml", ".rels"))
            try:
                _, budget = expand_zip_member(
                    archive, entry, budget=budget, too_large=too_large, keep=0, refuse=doctype if xml else None
                )
            except ZIP_READ_ERRORS:
                raise broken from None


def expand_zip_member(
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    *,
    budget: int,
    too_large: str,
    keep: int | None = None,
    refuse: Mapping[bytes, str] | None = None,
) -> tuple[bytes, int]:
    """Expand one member for real, within ``budget`` bytes; return (its bytes, the budget left).

    Declared sizes can lie, so the member is expanded in chunks and stopped
    at the budget (raising ``DocumentError(too_large)``) rather than trusting
    its header. ``keep`` keeps only that many leading bytes. ``refuse`` maps
    upper-case byte patterns to messages: a member containing one anywhere
    (in any case) raises ``DocumentError`` with its message.
    """
    chunks: list[bytes] = []
    kept = 0
    overlap = max((len(pattern) for pattern in refuse or {}), default=1) - 1
    tail = b""
    with archive.open(member) as handle:
        while chunk := handle.read(65536):
            budget -= len(chunk)
            if budget < 0:
                raise DocumentError(too_large)
            if refuse:
                window = (tail + chunk).upper()  # a pattern may straddle two chunks
                for pattern, message in refuse.items():
                    if pattern in window:
                        raise DocumentError(message)
                tail = chunk[-overlap:] if overlap else b""
            if keep is None or kept < keep:
                chunks.append(chunk if keep is None else chunk[: keep - kept])
                kept += len(chunks[-1])
    return b"".join(chunks), budget


def uploaded_name(sent: str) -> str:
    """A browser upload's file name as the person named it.

    A browser writes a form's file name with ``"`` as ``%22`` (HTML's
    multipart/form-data encoding; Chromium and Firefox do), and the server
    hands it on as sent: ``=HYPERLINK("a";"b").txt`` arrived as
    ``=HYPERLINK(%22a%22;%22b%22).txt``. Only that escape is undone: the
    browser leaves ``%`` itself as it is, and its ``%0A`` and ``%0D`` (a line
    break) stay as sent, so a name never gains a control character or a
    path separator. (A name spelt ``%22`` on the person's disk reads ``"``.)
    """
    return sent.replace("%22", '"')
