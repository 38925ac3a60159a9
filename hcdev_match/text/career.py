"""A career's timeline: the current job weighs more than an old one.

A CV lists jobs with their dates ("Software Engineer at Acme (May 2019 -
Present)", "2015 - 2018", "2020-09-20 – "). Each dated line opens an entry
that runs until the next dated line or section heading. What someone did in
their latest job says more about the role they fit now than a summer
internship ten years ago, so the lines of older entries count less: their
weight halves for every ``half_life`` years between the end of the entry and
the end of the latest one, down to ``floor``. Lines outside any entry (the
summary, skills, a text with no dates at all) keep a weight of 1.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["CareerRules", "holds_date_range", "weigh_lines"]

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = rf"(?:{_MONTH}\s*,?\s*)?(?:19[5-9]\d|20[0-4]\d)(?:[-/.]\d{{1,2}}(?:[-/.]\d{{1,2}})?)?|{_MONTH}"
_OPEN = r"present|current|now|today|ongoing|date"
# "May 2019 - Present", "2015 - 2018", "2020-09-20 – )", "August 2024 to February 2025"
_RANGE = re.compile(
    rf"(?<![\w-])(?P<start>{_DATE})\s*(?:-|–|—|to|until|till)\s*(?P<end>{_DATE}|{_OPEN}|(?=[)\]_]|$))",
    re.I,
)
_YEAR = re.compile(r"(?:19[5-9]\d|20[0-4]\d)")
# Headings that close the entry above them: what follows is not that job.
_HEADING = re.compile(
    r"^[#*_\s]*(?:technical |core |key )?(?:skills|competencies|education|projects|publications|"
    r"certifications?|licen[sc]es|awards|honou?rs|languages|interests|volunteering|references|summary|"
    r"profile|about me|talks|patents|courses|training)\b[\s:*_#]*$",
    re.I,
)
_HEADING_MAX = 60


@dataclass(frozen=True, kw_only=True)
class CareerRules:
    """How fast an old job's weight falls, and how low."""

    half_life: float = 3.0
    #: Above 1/e, so that one mention in an old job keeps a positive strength
    #: (the matcher's sublinear term frequency is 1 + ln of the weighed count).
    floor: float = 0.4


def holds_date_range(line: str) -> bool:
    """Whether ``line`` holds the dates of a job or a degree ("2015 - 2018", "May 2019 - Present")."""
    return bool(_YEAR.search(line)) and bool(_RANGE.search(line))


def weigh_lines(lines: Sequence[str], *, rules: CareerRules | None = None) -> list[float]:
    """One weight in [floor, 1] per line: 1 for the latest entry and for lines outside entries."""
    rules = rules or CareerRules()
    # Every range has a year (19xx or 20xx): most lines are never searched.
    dated = [i for i, line in enumerate(lines) if ("19" in line or "20" in line) and _YEAR.search(line)]
    if len(dated) < 2:
        return [1.0] * len(lines)  # at most one dated line: nothing is older than anything else
    latest_year = max(int(y) for i in dated for y in _YEAR.findall(lines[i]))
    ranges = {i: m for i in dated if (m := _RANGE.search(lines[i]))}
    ends: list[float | None] = []  # per line: the end year of the entry it belongs to, or None
    current: float | None = None
    for i, line in enumerate(lines):
        match = ranges.get(i)
        if match:
            current = _end_year(match.group("end"), match.group("start"), latest_year)
        elif current is not None and len(line) <= _HEADING_MAX and _HEADING.match(line):
            current = None
        ends.append(current)
    known = [e for e in ends if e is not None]
    if len(set(known)) < 2:
        return [1.0] * len(lines)  # one entry or none: nothing is older than anything else
    newest = max(known)
    return [1.0 if e is None else max(rules.floor, 0.5 ** ((newest - e) / rules.half_life)) for e in ends]


def _end_year(end: str, start: str, latest_year: int) -> float:
    """The year an entry ended: its end date, the latest year for "present", else its start."""
    years = _YEAR.findall(end)
    if years:
        return float(years[0])
    if not end or re.fullmatch(_OPEN, end, re.I):
        return float(latest_year) + 0.5  # still going: newer than anything that ended this year
    years = _YEAR.findall(start)  # "March - June 2018" has its year at the end only
    return float(years[0]) if years else float(latest_year)
