"""The small-group rules of the HR figures, as plain arithmetic on counts (no database here).

A *group* is the people assessed in one calendar month, with one best role,
from one source, demo or not. A figure splits each group by its own
dimension and takes the group whole or not at all: only when every part of
the split, the remainder included, is 0 or at least ``MIN_GROUP`` people.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import pandas as pd

__all__ = [
    "FIT_STEP",
    "MIN_GROUP",
    "MIN_SPREAD",
    "Group",
    "by_group",
    "frame",
    "is_whole",
    "quartile_steps",
    "split",
]

MIN_GROUP = 5
MIN_SPREAD = 20
FIT_STEP = 10

Group = tuple[str, str, str, bool]  # month ("2026-01"), best role, source, demo


def is_whole(parts: Iterable[int], size: int) -> bool:
    """May a group of ``size`` enter a figure split into ``parts``? Each part, and the rest, is 0 or >= MIN_GROUP."""
    parts = list(parts)
    return all(p == 0 or p >= MIN_GROUP for p in (*parts, size - sum(parts)))


def split(groups: Iterable[Group], size: Counter[Group], part: Callable[[Group], int]) -> tuple[int, int]:
    """People counted and those in ``part`` (a function of the group), over the groups that may enter."""
    counted = showing = 0
    for group in groups:
        n = part(group)
        if is_whole([n], size[group]):
            counted, showing = counted + size[group], showing + n
    return counted, showing


def quartile_steps(groups: Iterable[Counter[int]]) -> tuple[int, int, int, int] | None:
    """Quartiles to the FIT_STEP (middle half from, to, median from, to), from steps of >= MIN_GROUP of a group.

    None under MIN_SPREAD people: no box is drawn from a handful.
    """
    histogram: Counter[int] = Counter()
    for steps in groups:
        histogram.update({s: n for s, n in steps.items() if n >= MIN_GROUP})
    n = sum(histogram.values())
    if n < MIN_SPREAD:
        return None
    quartile = {}
    for name, q in (("q1", 0.25), ("median", 0.5), ("q3", 0.75)):
        rank, seen = max(1, round(q * n + 0.5 - 1e-9)), 0  # nearest rank
        for step in sorted(histogram):
            seen += histogram[step]
            if seen >= rank:
                quartile[name] = step * FIT_STEP
                break
    return quartile["q1"], quartile["q3"] + FIT_STEP, quartile["median"], quartile["median"] + FIT_STEP


COUNTS = {"candidates", "people", "missing"}


def frame(
    rows: Sequence[tuple[Any, ...]], columns: list[str], *, count: str = "candidates", share: str | None = None,
    of: str = "people",
) -> pd.DataFrame:  # fmt: skip
    """The rows whose ``count`` is at least MIN_GROUP (a 0 is left out too: it reads as nothing).

    With ``share``, one more column: ``count`` over the ``of`` column.
    """
    at = columns.index(count)
    table = pd.DataFrame([row for row in rows if row[at] >= MIN_GROUP], columns=columns)
    table = table.astype({c: "int64" for c in columns if c in COUNTS})
    if share is not None:
        table[share] = (table[count] / table[of]).astype(float)
    return table


def by_group(rows: Iterable[Sequence[Any]]) -> Iterator[tuple[Any, ...]]:
    """(month, best role, source, demo, *rest) rows as (group, *rest)."""
    for month, best, source, demo, *rest in rows:
        yield ((str(month), str(best), str(source), bool(demo)), *rest)
