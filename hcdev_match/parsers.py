"""PDF and DOCX text extraction, run as a separate, limited process.

`documents.py` starts this file as a script in a fresh, isolated Python
(``python -I parsers.py KIND``), sends the file's bytes on standard input
and reads one JSON object from standard output. The child limits its own
memory and CPU before importing any parser, so a hostile file costs one
short-lived process and never the server. Keep this file free of imports
from the rest of the package: it runs alone.
"""

from __future__ import annotations

import io
import json
import logging
import resource
import sys
from typing import Any

__all__ = ["parse_docx", "parse_pdf"]


class ParseRejected(Exception):
    """The file is well formed but breaks a limit (pages, characters)."""


def parse_pdf(data: bytes, *, max_pages: int, max_chars: int) -> dict[str, Any]:
    """Extract the text of a PDF, page by page, within the caps."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    # pypdf logs a warning for every malformed object; they are noise here.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            reader.decrypt("")
        except (PyPdfError, NotImplementedError, ValueError):
            raise ParseRejected("the PDF is password-protected; upload an unprotected copy") from None
    pages = len(reader.pages)
    if pages > max_pages:
        raise ParseRejected(f"the PDF has {pages} pages and at most {max_pages} are read; upload the CV alone")
    parts: list[str] = []
    size = 0
    for page in reader.pages:
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size > max_chars:
            break
    text = "\n".join(parts)
    return {
        "text": text[:max_chars],
        "pages": pages,
        "page_chars": [len(part.strip()) for part in parts],
        "truncated": len(text) > max_chars,
    }


def parse_docx(data: bytes, *, max_chars: int) -> dict[str, Any]:
    """Extract the paragraphs and table cells of a DOCX, in document order."""
    import docx

    body = docx.Document(io.BytesIO(data)).element.body
    parts: list[str] = []
    size = 0
    for block in body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            parts.append(_text_of(block))
        elif tag == "tbl":
            for row in block.iter():
                if row.tag.endswith("}tr"):
                    cells = [_text_of(cell) for cell in row if cell.tag.endswith("}tc")]
                    parts.append(" | ".join(c for c in cells if c))
        else:
            continue
        size += len(parts[-1])
        if size > max_chars:
            break
    text = "\n".join(parts)
    return {"text": text[:max_chars], "pages": None, "page_chars": [], "truncated": len(text) > max_chars}


def _text_of(element: Any) -> str:
    return "".join(node.text or "" for node in element.iter() if node.tag.endswith("}t"))


def main(argv: list[str]) -> int:
    """``parsers.py KIND MEMORY_BYTES CPU_SECONDS MAX_PAGES MAX_CHARS``; bytes on stdin."""
    kind, memory, cpu, max_pages, max_chars = argv[0], *map(int, argv[1:5])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    data = sys.stdin.buffer.read()
    try:
        if kind == "pdf":
            result = {"status": "ok", **parse_pdf(data, max_pages=max_pages, max_chars=max_chars)}
        else:
            result = {"status": "ok", **parse_docx(data, max_chars=max_chars)}
    except ParseRejected as exc:
        result = {"status": "rejected", "message": str(exc)}
    except MemoryError:
        result = {"status": "memory", "message": ""}
    except RecursionError:
        result = {"status": "broken", "message": "its structure nests too deeply"}
    except Exception as exc:  # noqa: BLE001 - any parser failure means a broken file
        result = {"status": "broken", "message": type(exc).__name__}
    sys.stdout.write(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
