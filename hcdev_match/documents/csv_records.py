"""The records of a CSV of ``id,text`` rows, read so that one bad record costs only itself."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator

from ..errors import DocumentError

__all__ = ["csv_records"]


class _Lines:
    """The lines of a text, counted, keeping those of the record being read."""

    def __init__(self, text: str) -> None:
        self._lines = iter(io.StringIO(text, newline=""))  # newline="" as the csv docs ask
        self.number = 0
        self.record: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.number += 1
        self.record.append(line)
        return line


def csv_records(text: str) -> Iterator[tuple[int, list[str], str | None]]:
    """(first line, cells, None) per record; (first line, its leading cells, why) for one the csv module refused.

    A refused record (most often a cell over the csv module's field limit)
    costs only itself: the csv module parses it again with every ordinary
    character removed, which keeps its quotes, commas and line ends, so it
    finds where the record ends and the next one is read as usual.
    """
    lines = _Lines(text)
    limit = csv.field_size_limit()
    while True:
        lines.record.clear()
        start = lines.number + 1
        try:
            cells = next(csv.reader(lines))
        except StopIteration:
            return
        except csv.Error as exc:
            # Its cells up to the limit (the id, most often), for the message.
            head = next(csv.reader(io.StringIO("".join(lines.record)[: limit - 1], newline="")), [])
            bones = (re.sub(r'[^",\r\n]+', "", line) for line in itertools.chain(tuple(lines.record), lines))
            try:
                next(csv.reader(bones), None)
            except csv.Error:
                raise DocumentError(
                    f"the CSV is malformed near line {lines.number} ({exc}); "
                    "save it again as CSV (UTF-8) with the columns id and text"
                ) from None
            if "field larger than field limit" in str(exc):
                why = (f"a cell holds more than {limit:,} characters, the most a CSV cell may (or a quote is "
                       "never closed); put that CV in a file of its own")  # fmt: skip
            else:
                why = f"the row is malformed ({exc}); save the CSV again"
            yield start, head, why
            continue
        if cells:  # a blank line is no record
            yield start, cells, None
