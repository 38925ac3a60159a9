"""PDF and DOCX text extraction, run as a separate, limited process.

`sandbox.py` loads this file by path in a parser process of its own (an
isolated Python, ``python -I``) after the process has limited its own
memory; it calls `parse_one` for each file it is sent and answers one JSON
line per file. A hostile file costs at most that process, never the
server. Keep this file free of imports
from the rest of the package: it runs alone, and loads only the standalone
package beside it, hidden/, by path, to leave hidden text out of what is scored.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import io
import logging
import signal
import sys
from pathlib import Path
from typing import Any

__all__ = ["PAGE_TREE_ENTRIES", "ParseLimit", "ParseRejected", "load_parsers", "parse_docx", "parse_one", "parse_pdf"]

#: A page tree is walked up to this many entries for each page read: a long PDF is still told its page
#: count, a tree of millions of pages (a few kilobytes of references) is stopped early.
PAGE_TREE_ENTRIES = 100


class ParseRejected(Exception):
    """The file is well formed but breaks a limit (pages, characters)."""


class ParseLimit(Exception):
    """The file goes past a limit pypdf keeps against hostile files: ``limit`` says which ("stream",
    "pages" or "other"), ``detail`` the figure or pypdf's words."""

    def __init__(self, limit: str, detail: str) -> None:
        super().__init__(detail)
        self.limit, self.detail = limit, detail


def parse_pdf(data: bytes, *, max_pages: int, max_chars: int, max_stream_bytes: int) -> dict[str, Any]:
    """Extract the text of a PDF, page by page, within the caps (``max_stream_bytes``: the most one
    compressed stream may expand to)."""
    import pypdf
    from pypdf.errors import LimitReachedError

    entries = PAGE_TREE_ENTRIES * max_pages
    expanded = ("zlib", "lzw", "run_length", "brotli", "jbig2", "array_based_stream")
    configure = getattr(pypdf, "apply_configuration", None)  # pypdf 7; older ones keep their own limits
    limits = (
        configure(
            page_tree_maximum_entries=entries, **{f"{k}_maximum_output_length": max_stream_bytes for k in expanded}
        )
        if configure is not None
        else contextlib.nullcontext()
    )
    try:
        with limits:
            return _parse_pdf(data, max_pages=max_pages, max_chars=max_chars)
    except LimitReachedError as exc:
        said = str(exc)
        if "decompress" in said.lower() or "output length" in said.lower():
            raise ParseLimit("stream", said) from None
        if "page tree entry" in said.lower():
            raise ParseLimit("pages", f"{entries:,}") from None
        raise ParseLimit("other", said) from None


def _parse_pdf(data: bytes, *, max_pages: int, max_chars: int) -> dict[str, Any]:
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import PyPdfError

    # pypdf logs a warning for every malformed object; they are noise here.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        # A PDF with only an owner password opens with the empty one; any other
        # answer (a wrong password is returned, not raised) means it is locked.
        try:
            opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
        except (PyPdfError, NotImplementedError, ValueError):
            opened = False
        if not opened:
            raise ParseRejected(
                "the PDF is password-protected, so its text cannot be read; open it with its password, "
                "save or print it as a PDF without one, and upload that copy (or paste the text)"
            )
    pages = len(reader.pages)
    if pages > max_pages:
        raise ParseRejected(f"the PDF has {pages} pages and at most {max_pages} are read; upload the CV alone")
    parts: list[str] = []
    page_chars: list[int] = []
    hidden = _Hidden()
    size = 0
    for page in reader.pages:
        text, unseen, reasons = _hidden_text().split_pdf_page(page, reader)
        parts.append(text)
        page_chars.append(len(text.strip()) + len(unseen.strip()))  # hidden text is a text layer too
        hidden.add(unseen, reasons)
        size += len(text)
        if size > max_chars:
            break
    text = "\n".join(parts)
    return {
        "text": text[:max_chars],
        "pages": pages,
        "page_chars": page_chars,
        "truncated": len(text) > max_chars,
        **hidden.reply(),
    }


class _Hidden:
    """What was left out as hidden: its letters and why."""

    def __init__(self) -> None:
        self.chars = 0
        self.reasons: set[str] = set()

    def add(self, text: str, reasons: set[str]) -> None:
        self.chars += sum(1 for c in text if not c.isspace())
        self.reasons |= reasons

    def reply(self) -> dict[str, Any]:
        return {"hidden_chars": self.chars, "hidden_reasons": sorted(self.reasons)}


@functools.cache
def _hidden_text() -> Any:
    """The standalone ``hidden`` package beside this file, loaded by path (``python -I`` puts none on the path)."""
    folder = Path(__file__).with_name("hidden")
    name = "_hcdev_hidden"
    spec = importlib.util.spec_from_file_location(
        name, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"{folder} is missing beside parsers.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its modules import each other relative to this name
    spec.loader.exec_module(module)
    return module


def parse_docx(data: bytes, *, max_chars: int) -> dict[str, Any]:
    """Extract the visible text of the paragraphs and table cells of a DOCX, in document order."""
    import docx

    document = docx.Document(io.BytesIO(data))
    split = _hidden_text().docx_runs(document)
    hidden = _Hidden()
    parts: list[str] = []
    size = 0
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines = [split(block)]
        elif tag == "tbl":
            lines = [_row(split, row) for row in block.iter() if row.tag.endswith("}tr")]
        else:
            continue
        for seen, unseen, reasons in lines:
            hidden.add(unseen, reasons)
            if seen or not unseen:  # a line that was all hidden text leaves no blank behind
                parts.append(seen)
                size += len(seen)
        if size > max_chars:
            break
    text = "\n".join(parts)
    return {
        "text": text[:max_chars],
        "pages": None,
        "page_chars": [],
        "truncated": len(text) > max_chars,
        **hidden.reply(),
    }


def _row(split: Any, row: Any) -> tuple[str, str, set[str]]:
    """One table row as one line, cells joined by " | "."""
    cells = [split(cell) for cell in row if cell.tag.endswith("}tc")]
    reasons: set[str] = set().union(*(why for _, _, why in cells))
    return " | ".join(seen for seen, _, _ in cells if seen), "".join(unseen for _, unseen, _ in cells), reasons


def load_parsers() -> None:
    """Import pypdf, python-docx and the hidden-text package now: a long-lived child does it once, up front."""
    import docx  # noqa: F401
    import pypdf  # noqa: F401

    _hidden_text()


class _Timeout(Exception):
    pass


def _alarm(_signum: int, _frame: Any) -> None:
    raise _Timeout


def parse_one(
    kind: str, data: bytes, *, seconds: int, max_pages: int, max_chars: int, max_stream_bytes: int
) -> dict[str, Any]:
    """Parse one file within a wall-clock alarm; every failure becomes a status."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        if kind == "pdf":
            return {
                "status": "ok",
                **parse_pdf(data, max_pages=max_pages, max_chars=max_chars, max_stream_bytes=max_stream_bytes),
            }
        return {"status": "ok", **parse_docx(data, max_chars=max_chars)}
    except _Timeout:
        return {"status": "timeout", "message": ""}
    except ParseRejected as exc:
        return {"status": "rejected", "message": str(exc)}
    except ParseLimit as exc:
        return {"status": "limit", "limit": exc.limit, "message": exc.detail}
    except MemoryError:
        return {"status": "memory", "message": ""}
    except RecursionError:
        return {"status": "broken", "message": "its structure nests too deeply"}
    except Exception as exc:  # noqa: BLE001 - any parser failure means a broken file
        return {"status": "broken", "message": type(exc).__name__}
    finally:
        signal.alarm(0)
