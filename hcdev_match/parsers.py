"""PDF and DOCX text extraction, run as a separate, limited process.

`documents.py` starts this file as a script in a fresh, isolated Python
(``python -I parsers.py ...``), sends the files' bytes on standard input
and reads one JSON list from standard output. The child limits its own
memory and CPU before importing any parser, so a hostile file costs one
short-lived process and never the server. Keep this file free of imports
from the rest of the package: it runs alone.
"""

from __future__ import annotations

import io
import json
import logging
import resource
import signal
import sys
from typing import Any

__all__ = ["parse_docx", "parse_pdf"]


class ParseRejected(Exception):
    """The file is well formed but breaks a limit (pages, characters)."""


def parse_pdf(data: bytes, *, max_pages: int, max_chars: int) -> dict[str, Any]:
    """Extract the text of a PDF, page by page, within the caps."""
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


class _Timeout(Exception):
    pass


def _alarm(_signum: int, _frame: Any) -> None:
    raise _Timeout


def parse_one(kind: str, data: bytes, *, seconds: int, max_pages: int, max_chars: int) -> dict[str, Any]:
    """Parse one file within a wall-clock alarm; every failure becomes a status."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        if kind == "pdf":
            return {"status": "ok", **parse_pdf(data, max_pages=max_pages, max_chars=max_chars)}
        return {"status": "ok", **parse_docx(data, max_chars=max_chars)}
    except _Timeout:
        return {"status": "timeout", "message": ""}
    except ParseRejected as exc:
        return {"status": "rejected", "message": str(exc)}
    except MemoryError:
        return {"status": "memory", "message": ""}
    except RecursionError:
        return {"status": "broken", "message": "its structure nests too deeply"}
    except Exception as exc:  # noqa: BLE001 - any parser failure means a broken file
        return {"status": "broken", "message": type(exc).__name__}
    finally:
        signal.alarm(0)


def main(argv: list[str]) -> int:
    """``parsers.py MEMORY_BYTES SECONDS_PER_FILE MAX_PAGES MAX_CHARS KIND:SIZE ...``

    The files' bytes follow each other on stdin in the order of the
    ``KIND:SIZE`` arguments; the answer is one JSON list, one object per file.
    """
    memory, seconds, max_pages, max_chars = map(int, argv[:4])
    files = [(kind, int(size)) for kind, size in (item.split(":") for item in argv[4:])]
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = seconds * len(files) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    results = []
    for kind, size in files:
        data = sys.stdin.buffer.read(size)
        results.append(parse_one(kind, data, seconds=seconds, max_pages=max_pages, max_chars=max_chars))
        del data
    sys.stdout.write(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
