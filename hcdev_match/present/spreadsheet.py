"""CSV that a spreadsheet opens as data, never as formulas.

Every CSV the app and the CLI write goes through :func:`csv_writer`. A text
cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
would be read by Excel, LibreOffice or Google Sheets as a formula (or as the
start of one), and file names, CSV ids and decision reasons are chosen by
whoever sent the CV. Such a cell gets a leading single quote, as OWASP
advises for CSV injection; numbers are written as numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

__all__ = ["FORMULA_STARTS", "SafeCSVWriter", "csv_writer", "neutralise_cell"]

#: What a cell may not start with (OWASP "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """A text cell that could start a formula, prefixed with a single quote; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeCSVWriter:
    """``csv.writer`` whose every row has its cells neutralised."""

    def __init__(self, out: TextIO) -> None:
        # RFC 4180's CRLF: the csv module quotes a cell holding any character
        # of the line terminator, so a CR inside a cell (a decision reason, a
        # file name) is quoted too, and cannot end the row early.
        self._writer = csv.writer(out, lineterminator="\r\n")

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutralise_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: TextIO) -> SafeCSVWriter:
    """The one CSV writer of hcdev-match (CRLF line ends, formula cells neutralised)."""
    return SafeCSVWriter(out)
