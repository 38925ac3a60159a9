"""Reading CV files safely: validate first, then parse in a limited process.

Every upload passes the same gate before any parser sees it: a known
extension, a size cap, the file signature that extension promises, and for
DOCX a look inside the zip (entry count, expanded size, no DOCTYPE, which
is how external entities and "billion laughs" bombs arrive). PDF and DOCX
are then parsed in a separate, isolated Python process with a time limit,
a memory limit, a page cap and a character cap, so a hostile file costs one
child process and a clear message, never the server.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from .errors import DocumentError

__all__ = ["Document", "DocumentLimits", "SUPPORTED_SUFFIXES", "read_document", "read_path"]

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".pdf", ".docx")
_EXECUTABLE_SIGNATURES = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")


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
    #: A page with fewer characters than this is taken to be a scanned image;
    #: a PDF with a third of its pages like that is flagged.
    scanned_page_chars: int = 25


@dataclass(frozen=True)
class Document:
    """The text of one file, ready to score, and what was noticed reading it."""

    name: str
    kind: str
    text: str
    flags: tuple[str, ...] = ()


def read_path(path: str | Path, *, limits: DocumentLimits | None = None) -> Document:
    """Read a file from disk through :func:`read_document`."""
    path = Path(path)
    limits = limits or DocumentLimits()
    try:
        with open(path, "rb") as fh:
            # One byte past the cap is enough to know the file is too large.
            data = fh.read(limits.max_bytes + 1)
    except OSError as exc:
        raise DocumentError(f"{path.name}: cannot read the file ({exc.strerror}); check the path") from None
    if len(data) > limits.max_bytes:
        _too_large(path.name, path.stat().st_size, limits)
    return read_document(data, path.name, limits=limits)


def read_document(data: bytes, name: str, *, limits: DocumentLimits | None = None) -> Document:
    """Validate ``data`` as the file ``name`` and return its text.

    Raises :class:`DocumentError` with a message for the person who gave the
    file: what was expected, what arrived and what to do.
    """
    limits = limits or DocumentLimits()
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(
            f"{name}: files of type '{suffix or 'none'}' are not read; "
            f"upload one of {', '.join(SUPPORTED_SUFFIXES)}, or paste the text"
        )
    if len(data) > limits.max_bytes:
        _too_large(name, len(data), limits)
    if not data.strip():
        raise DocumentError(f"{name}: the file is empty; upload the CV itself or paste its text")
    if suffix == ".pdf":
        return _read_pdf(data, name, limits)
    if suffix == ".docx":
        return _read_docx(data, name, limits)
    return _read_text(data, name, suffix, limits)


def _too_large(name: str, size: int, limits: DocumentLimits) -> None:
    raise DocumentError(
        f"{name}: the file is {size / 1_048_576:.1f} MB and at most "
        f"{limits.max_bytes / 1_048_576:.0f} MB are accepted; upload a smaller file or paste the text"
    )


def _read_text(data: bytes, name: str, suffix: str, limits: DocumentLimits) -> Document:
    if data.startswith(_EXECUTABLE_SIGNATURES) or data.find(b"\x00", 0, 8192) != -1:
        raise DocumentError(
            f"{name}: this is not a text file (it holds binary data); upload the CV as TXT, MD, PDF or DOCX"
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("latin-1")
    flags = ("truncated",) if len(text) > limits.max_chars else ()
    return Document(name, suffix.lstrip("."), text[: limits.max_chars], flags)


def _read_pdf(data: bytes, name: str, limits: DocumentLimits) -> Document:
    if b"%PDF-" not in data[:1024]:
        raise DocumentError(f"{name}: the file is named .pdf but is not a PDF; upload the real PDF or paste the text")
    result = _run_sandboxed("pdf", data, name, limits)
    text = str(result["text"])
    flags = ["truncated"] if result["truncated"] else []
    if not text.strip():
        raise DocumentError(
            f"{name}: the PDF has no text layer (it looks like a scan); "
            "upload a PDF exported from a word processor, or paste the text"
        )
    page_chars = list(result["page_chars"])
    empty = sum(1 for chars in page_chars if chars < limits.scanned_page_chars)
    if empty * 3 >= len(page_chars):
        flags.append("scanned_pdf")  # some pages are images: their text is missing
    return Document(name, "pdf", text, tuple(flags))


def _read_docx(data: bytes, name: str, limits: DocumentLimits) -> Document:
    if not data.startswith(b"PK\x03\x04"):
        raise DocumentError(
            f"{name}: the file is named .docx but is not a Word document; upload the real DOCX or paste the text"
        )
    _check_docx_container(data, name, limits)
    result = _run_sandboxed("docx", data, name, limits)
    text = str(result["text"])
    if not text.strip():
        raise DocumentError(f"{name}: the document has no text; upload the CV itself or paste its text")
    return Document(name, "docx", text, ("truncated",) if result["truncated"] else ())


def _check_docx_container(data: bytes, name: str, limits: DocumentLimits) -> None:
    """Refuse zip bombs and XML with a DOCTYPE before python-docx opens it."""
    broken = DocumentError(f"{name}: the Word document is damaged (not a valid zip); save it again and retry")
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
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
        for entry in entries:
            # Declared sizes can lie, so expand for real, in chunks, and stop
            # at the budget rather than trusting the header.
            head = b""
            try:
                with archive.open(entry) as part:
                    while chunk := part.read(65536):
                        budget -= len(chunk)
                        if budget < 0:
                            raise DocumentError(
                                f"{name}: the document expands to more than "
                                f"{limits.max_unzipped_bytes // 1_048_576} MB (a zip bomb?); "
                                "upload a normal DOCX"
                            )
                        if len(head) < 4096:
                            head += chunk[:4096]
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError):
                raise broken from None
            if entry.filename.endswith((".xml", ".rels")) and b"<!DOCTYPE" in head.upper():
                raise DocumentError(
                    f"{name}: the document declares a DOCTYPE, which Word never writes and attacks use; "
                    "save it again from a word processor"
                )


# -- the sandbox -----------------------------------------------------------------

_PARSER_SCRIPT = Path(__file__).with_name("parsers.py")


def _run_sandboxed(kind: str, data: bytes, name: str, limits: DocumentLimits) -> dict[str, Any]:
    # A fresh, isolated interpreter (-I: no environment, no user site, no
    # current directory on the path) runs parsers.py alone: it imports
    # nothing of the app that started it, sets its own memory and CPU
    # limits, and is killed if it outlives the time limit.
    command = [
        sys.executable,
        "-I",
        str(_PARSER_SCRIPT),
        kind,
        str(limits.memory_bytes),
        str(math.ceil(limits.timeout_s)),
        str(limits.max_pages),
        str(limits.max_chars),
    ]
    label = "PDF" if kind == "pdf" else "Word document"
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=limits.timeout_s, check=False)
    except subprocess.TimeoutExpired:
        raise DocumentError(
            f"{name}: reading the file took longer than {limits.timeout_s:g} s and was stopped; "
            "upload a simpler file or paste the text"
        ) from None
    try:
        reply = json.loads(done.stdout)
    except ValueError:
        # No answer: the child was killed (memory or CPU limit) before replying.
        reply = {"status": "memory", "message": ""}
    status, message = reply.pop("status"), reply.pop("message", "")
    if status == "ok":
        return dict(reply)
    if status == "rejected":
        raise DocumentError(f"{name}: {message}")
    if status == "memory":
        raise DocumentError(
            f"{name}: reading the {label} needed more than {limits.memory_bytes // 1_048_576} MB of memory "
            "or too much time, and was stopped; upload a simpler file or paste the text"
        )
    raise DocumentError(f"{name}: the {label} is damaged or not readable ({message}); save it again or paste the text")
