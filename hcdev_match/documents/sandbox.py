"""The parser sandbox: a limited child process that parses one PDF or DOCX at a time.

The child is this file run alone in a fresh, isolated Python (``python -I
sandbox.py ...``: no environment, no user site, no current directory on the
path). It limits its own memory before loading ``parsers.py`` beside it
(and the parsers it imports, so the first file waits for no import), then
reads files from standard input, each a line ``KIND SIZE`` and its bytes,
and answers each with one JSON line. Each file gets its own CPU limit and,
inside ``parsers.parse_one``, its own alarm.

The parent side, :class:`ParserProcess`, starts the child on first use and
keeps it for many files (a server keeps it for its life), so reading in
small steps costs no process starts. It sends a group of files at once,
from a thread, and reads the answers as they come: the child never waits
for the parent between two files. Each answer is waited for at most the
time limit and a second from the one before; a child that dies or hangs is
killed, its file gets a "memory" or "timeout" answer, and the files after it
go to a fresh child, so a hostile file costs only its own result. A child
is replaced after ``files_per_child`` files, so what a long life leaves in
its memory never adds up. Keep this file free of imports from the rest of
the package: the child runs it alone.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["ParserProcess"]


class _Hung(Exception):
    """No answer within the wait."""


class ParserProcess:
    """One sandboxed parser child, fed a group of files at a time; restarted after a death, a hang or
    ``files_per_child`` files. Not for two threads at once: a caller serialises its calls."""

    def __init__(
        self,
        *,
        memory_bytes: int,
        timeout_s: float,
        max_pages: int,
        max_chars: int,
        max_stream_bytes: int,
        files_per_child: int = 1000,
    ) -> None:
        self._command = [
            sys.executable,
            "-I",
            str(Path(__file__)),
            *(str(n) for n in (memory_bytes, math.ceil(timeout_s), max_pages, max_chars, max_stream_bytes)),
        ]
        self._wait = timeout_s + 1
        self._files_per_child = max(1, files_per_child)
        self._process: subprocess.Popen[bytes] | None = None
        self._buffer = b""  # bytes read past the end of the last answer: the start of the next
        self._served = 0  # files the current child has answered
        self.started = 0  #: children started so far
        self.answered = 0  #: files answered by the children so far (what reading a batch cost them)

    def start(self) -> None:
        """Start the child now (it loads its parsers while nothing waits for it), unless one is running."""
        if self._process is not None and self._process.poll() is not None:
            self.close()  # died between files (killed from outside): not the next file's doing
        if self._process is None:
            self._process = subprocess.Popen(
                self._command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
            )
            self.started += 1

    def parse(self, kind: str, data: bytes) -> dict[str, Any]:
        """The child's answer for one file: a status, and the text when it is "ok"."""
        return self.parse_many([(kind, data)])[0]

    def parse_many(self, files: Sequence[tuple[str, bytes]]) -> list[dict[str, Any]]:
        """The child's answer for each file, in order; a file that kills or hangs the child costs only itself."""
        answers: list[dict[str, Any]] = []
        while len(answers) < len(files):
            self.start()
            process = self._process
            assert process is not None and process.stdin is not None and process.stdout is not None
            group = files[len(answers) : len(answers) + self._files_per_child - self._served]
            feeder = threading.Thread(target=_feed, args=(process.stdin, group), daemon=True)
            feeder.start()
            try:
                for _ in group:
                    answer = json.loads(self._read_line(process.stdout.fileno()))
                    answers.append(answer if isinstance(answer, dict) else {"status": "broken", "message": "no answer"})
                    self._served += 1
                    self.answered += 1
            except _Hung:
                self.close()
                answers.append({"status": "timeout", "message": ""})
            except (OSError, EOFError, ValueError):  # an early end, or not JSON: the child died
                self.close()
                answers.append({"status": "memory", "message": ""})
            finally:
                feeder.join()
            if self._served >= self._files_per_child:
                self.close()
        return answers

    def close(self) -> None:
        """Stop the child, if there is one; the next file starts a fresh one."""
        process, self._process = self._process, None
        self._buffer, self._served = b"", 0
        if process is None:
            return
        if process.poll() is None:
            process.kill()
        process.wait()
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):  # unflushed bytes to a dead child
                    pipe.close()

    def _read_line(self, fd: int) -> bytes:
        deadline = time.monotonic() + self._wait
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise _Hung
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise EOFError("the parser process ended")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line


def _feed(pipe: Any, files: Sequence[tuple[str, bytes]]) -> None:
    """Write the files to the child; a child that died (and was killed) ends the writing."""
    try:
        for kind, data in files:
            pipe.write(f"{kind} {len(data)}\n".encode() + data)
        pipe.flush()
    except (OSError, ValueError):  # a broken pipe, or a pipe closed by close()
        pass


def _serve(argv: list[str]) -> int:
    """The child: ``sandbox.py MEMORY_BYTES SECONDS_PER_FILE MAX_PAGES MAX_CHARS MAX_STREAM_BYTES``, files on stdin."""
    import importlib.util
    import resource

    memory, seconds, max_pages, max_chars, max_stream_bytes = map(int, argv[:5])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    spec = importlib.util.spec_from_file_location("parsers", Path(__file__).with_name("parsers.py"))
    assert spec is not None and spec.loader is not None
    parsers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(parsers)
    parsers.load_parsers()  # under the limits, before the first file arrives
    source = sys.stdin.buffer
    while header := source.readline():
        kind, size = header.decode().split()
        data = source.read(int(size))
        # CPU for this file: what was used so far, the alarm's seconds and a margin.
        used = resource.getrusage(resource.RUSAGE_SELF)
        hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
        soft = int(used.ru_utime + used.ru_stime) + seconds + 2
        resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
        answer = parsers.parse_one(
            kind, data, seconds=seconds, max_pages=max_pages, max_chars=max_chars, max_stream_bytes=max_stream_bytes
        )
        del data
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_serve(sys.argv[1:]))
