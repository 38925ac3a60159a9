"""Reading CV files safely: through the gate first (gate.py), then parsed in a limited process.

PDF and DOCX are parsed in a separate, isolated Python process with a time
limit, a memory limit, a page cap and a character cap, so a hostile file
costs one child process and a clear message, never the server.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DocumentError
from .gate import DocumentLimits, decode_text, read_file_bytes, validate_file
from .sandbox import ParserProcess

# DocumentLimits is the gate's; it is named here too, beside the readers callers hand it to.
__all__ = [
    "Document",
    "DocumentLimits",
    "DocumentReader",
    "parser_workers",
    "read_document",
    "read_documents",
    "read_path",
]


@dataclass(frozen=True)
class Document:
    """The text of one file, ready to score, and what was noticed reading it."""

    name: str
    kind: str
    text: str
    flags: tuple[str, ...] = ()


def read_path(path: str | Path, *, limits: DocumentLimits | None = None) -> Document:
    """Read a file from disk through :func:`read_document`."""
    return read_document(read_file_bytes(path, limits=limits), Path(path).name, limits=limits)


def read_document(data: bytes, name: str, *, limits: DocumentLimits | None = None) -> Document:
    """Validate ``data`` as the file ``name`` and return its text.

    Raises :class:`DocumentError` with a message for the person who gave the
    file: what was expected, what arrived and what to do.
    """
    result = read_documents([(name, data)], limits=limits)[0]
    if isinstance(result, DocumentError):
        raise result
    return result


def read_documents(
    files: Sequence[tuple[str, bytes]], *, limits: DocumentLimits | None = None, workers: int = 2
) -> list[Document | DocumentError]:
    """Read many files at once through a :class:`DocumentReader` of ``workers`` parser processes."""
    with DocumentReader(limits=limits, workers=workers) as reader:
        return reader.read(files)


def parser_workers(*, most: int = 4) -> int:
    """Parser processes worth running here: one for each core this process may use, at most ``most``."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1  # macOS
    return max(1, min(most, cores))


class DocumentReader:
    """Reads files, step after step, through the gate and up to ``workers`` parser processes.

    Every file is validated first; PDFs and DOCX are then parsed by sandboxed
    children (sandbox.py) that live until :meth:`close`, each fed its share
    of a step at once, so reading a batch in many small steps starts no more
    processes than reading it at once, and a reader kept for a server's life
    starts none per batch. A child that dies or hangs costs only the file it
    was reading: the files after it go to a fresh child. One thread reads at
    a time (a lock); another waits for the step in progress, not the batch.
    """

    def __init__(self, *, limits: DocumentLimits | None = None, workers: int = 2) -> None:
        self.limits = limits or DocumentLimits()
        self._children = [
            ParserProcess(
                memory_bytes=self.limits.memory_bytes,
                timeout_s=self.limits.timeout_s,
                max_pages=self.limits.max_pages,
                max_chars=self.limits.max_chars,
                max_stream_bytes=self.limits.max_stream_bytes,
            )
            for _ in range(max(1, workers))
        ]
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    @property
    def processes_started(self) -> int:
        """Parser processes started so far (restarts after a death or a hang included)."""
        return sum(child.started for child in self._children)

    @property
    def files_parsed(self) -> int:
        """PDF and DOCX files the parser processes answered so far (text files never reach them)."""
        return sum(child.answered for child in self._children)

    def __enter__(self) -> DocumentReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def start(self) -> None:
        """Start every parser process now, so that the first step waits for none of them."""
        with self._lock:
            for child in self._children:
                child.start()

    def close(self) -> None:
        with self._lock:
            for child in self._children:
                child.close()
            if self._pool is not None:
                self._pool.shutdown()
                self._pool = None

    def read(self, files: Sequence[tuple[str, bytes]]) -> list[Document | DocumentError]:
        """Each file's Document, or the DocumentError that refused it, in order."""
        limits = self.limits
        results: list[Document | DocumentError | None] = [None] * len(files)
        pending: list[tuple[int, str, bytes, str]] = []
        for index, (name, data) in enumerate(files):
            try:
                kind = validate_file(data, name, limits)
                if kind in ("pdf", "docx"):
                    pending.append((index, kind, data, name))
                else:
                    results[index] = _read_text(data, name, kind, limits)
            except DocumentError as exc:
                results[index] = exc
        with self._lock:
            replies = self._parse(pending)
        for (index, kind, data, name), answer in zip(pending, replies, strict=True):
            try:
                results[index] = _finish(kind, name, answer, limits, size=len(data))
            except DocumentError as exc:
                results[index] = exc
        return [r if r is not None else DocumentError("internal: file not read") for r in results]

    def _parse(self, pending: list[tuple[int, str, bytes, str]]) -> list[dict[str, Any]]:
        """The children's answers, in the order of ``pending``: file k goes to child k modulo their number."""
        count = len(self._children)
        groups = [(child, [(kind, data) for _, kind, data, _ in pending[k::count]])
                  for k, child in enumerate(self._children) if pending[k::count]]  # fmt: skip
        if len(groups) <= 1:
            replies = [child.parse_many(group) for child, group in groups]
        else:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=count, thread_name_prefix="hcdev-parser")
            replies = list(self._pool.map(lambda g: g[0].parse_many(g[1]), groups))
        answers: list[dict[str, Any]] = [{}] * len(pending)
        for k, reply in enumerate(replies):
            answers[k::count] = reply
        return answers


def _past_a_limit(limit: str, size: int | None, limits: DocumentLimits, detail: str) -> str:
    """What a PDF built to exhaust the parser (a compression bomb, a page tree of millions) is told."""
    weight = f"{size:,} bytes" if size is not None and size < 10_240 else f"{(size or 0) / 1024:,.0f} KB"
    arrived = f"the file is {weight} but " if size is not None else ""
    if limit == "stream":
        return (
            f"{arrived}a compressed part of it expands to more than {limits.max_stream_bytes // 1_048_576} MB, "
            "the most one part of a PDF may (a compression bomb?); export the CV again as a PDF from a word "
            "processor, or paste the text"
        )
    if limit == "pages":
        return (
            f"{arrived}its page tree lists more than {detail} pages or page groups, and at most {limits.max_pages} "
            f"pages are read; upload the CV alone (at most {limits.max_pages} pages), or paste the text"
        )
    return (
        f"{arrived}its structure goes past a limit a CV never reaches ({detail}); export the CV again as a PDF "
        "from a word processor, or paste the text"
    )


def _finish(
    kind: str, name: str, reply: dict[str, Any], limits: DocumentLimits, *, size: int | None = None
) -> Document:
    result = _accept(reply, kind, name, limits, size=size)
    text = str(result["text"])
    flags = ["truncated"] if result["truncated"] else []
    hidden = int(result.get("hidden_chars", 0))
    if hidden >= limits.hidden_text_chars:
        flags += ["keyword_stuffing", "hidden_text"]  # text a reader cannot see was written for the machine
    if not text.strip():
        if hidden:
            raise DocumentError(
                f"{name}: all the text of the file is hidden (white, tiny or invisible), so nothing can be "
                "scored; upload the CV as it is meant to be read"
            )
        if kind == "pdf":
            raise DocumentError(
                f"{name}: the PDF has no text layer (it looks like a scan); "
                "upload a PDF exported from a word processor, or paste the text"
            )
        raise DocumentError(f"{name}: the document has no text; upload the CV itself or paste its text")
    if kind == "pdf":
        page_chars = list(result["page_chars"])
        empty = sum(1 for chars in page_chars if chars < limits.scanned_page_chars)
        if empty * 3 >= len(page_chars):
            flags.append("scanned_pdf")  # some pages are images: their text is missing
    return Document(name, kind, text, tuple(flags))


def _read_text(data: bytes, name: str, kind: str, limits: DocumentLimits) -> Document:
    text = decode_text(data, name)
    # Judged on what is kept: a file blank up to the cap has nothing to score.
    if not text[: limits.max_chars].strip():
        raise DocumentError(f"{name}: the file is empty; upload the CV itself or paste its text")
    flags = ("truncated",) if len(text) > limits.max_chars else ()
    return Document(name, kind, text[: limits.max_chars], flags)


def _accept(reply: dict[str, Any], kind: str, name: str, limits: DocumentLimits, *, size: int | None) -> dict[str, Any]:
    """The parsed result, or the DocumentError that explains the failure."""
    reply = dict(reply)
    status, message = reply.pop("status"), reply.pop("message", "")
    label = "PDF" if kind == "pdf" else "Word document"
    if status == "ok":
        return reply
    if status == "rejected":
        raise DocumentError(f"{name}: {message}")
    if status == "limit":
        raise DocumentError(f"{name}: {_past_a_limit(str(reply.get('limit', '')), size, limits, message)}")
    if status == "timeout":
        raise DocumentError(
            f"{name}: reading the file took longer than {limits.timeout_s:g} s and was stopped; "
            "upload a simpler file or paste the text"
        )
    if status == "memory":
        raise DocumentError(
            f"{name}: reading the {label} needed more than {limits.memory_bytes // 1_048_576} MB of memory "
            "or too much time, and was stopped; upload a simpler file or paste the text"
        )
    raise DocumentError(f"{name}: the {label} is damaged or not readable ({message}); save it again or paste the text")
