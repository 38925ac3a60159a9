"""PDF and DOCX text extraction, run inside a limited child process.

This module is what the sandbox child imports: keep it free of anything
heavy besides the two parsers.
"""

from __future__ import annotations

import io
import logging
from typing import Any

__all__ = ["parse_docx", "parse_pdf"]


class ParseRejected(Exception):
    """The file is well formed but breaks a limit (pages, characters)."""


def parse_pdf(data: bytes, *, max_pages: int, max_chars: int) -> dict[str, Any]:
    """Extract the text of a PDF; report pages and whether it looks scanned."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    # pypdf logs warnings for every malformed object; they are noise here.
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
    truncated = len(text) > max_chars
    page_chars = [len(part.strip()) for part in parts]
    return {"text": text[:max_chars], "pages": pages, "page_chars": page_chars, "truncated": truncated}


def parse_docx(data: bytes, *, max_chars: int) -> dict[str, Any]:
    """Extract the paragraphs and table cells of a DOCX, in document order."""
    import docx

    document = docx.Document(io.BytesIO(data))
    parts: list[str] = []
    size = 0
    body = document.element.body
    for block in body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(node.text or "" for node in block.iter() if node.tag.endswith("}t"))
            parts.append(text)
        elif tag == "tbl":
            for row in block.iter():
                if row.tag.endswith("}tr"):
                    cells = []
                    for cell in row:
                        if cell.tag.endswith("}tc"):
                            cells.append("".join(n.text or "" for n in cell.iter() if n.tag.endswith("}t")))
                    parts.append(" | ".join(c for c in cells if c))
        size += len(parts[-1]) if parts else 0
        if size > max_chars:
            break
    text = "\n".join(parts)
    return {"text": text[:max_chars], "pages": None, "truncated": len(text) > max_chars}
