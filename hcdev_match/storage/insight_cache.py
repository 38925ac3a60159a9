"""The HR figures' counts kept month by month, so that a change counts again only the months it touched.

Every count the figures are made of is grouped by month, best role, source
and demo or not, and every filter selects whole groups (``insight_queries``).
So the counts of all groups of a month, kept, give exactly what the filtered
queries give once the kept rows of the filter's groups are picked out: the
small-group rules then run on the very same numbers. A month's counts stay
valid while its assessments are the same rows: the same count and the same
newest id (ids are never handed out twice, schema version 8, and an
assessment, its fits and its skills are never changed after saving). The
decisions are kept while the decisions table is the same rows (count and
newest id: a decision is only ever added, or erased with its assessment).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .insight_queries import SOURCES, Counts, Filters, count_all, count_decisions, month_of
from .schema import assessments, decisions

__all__ = ["MonthlyCounts"]

Rows = list[Sequence[Any]]


class MonthlyCounts:
    """The counts of every group, month by month, each with the version of the rows it was counted from.

    One is shared by every reader of one database (a lock keeps its months consistent).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tracked: tuple[str, ...] = ()
        self._months: dict[str, tuple[tuple[int, int], tuple[Rows, Rows, Rows]]] = {}
        self._decisions: tuple[tuple[int, int], Rows] | None = None
        self.months_counted = 0  #: months counted (again) so far
        self.decisions_counted = 0  #: times the decisions were counted (again)

    def counts(self, connection: Connection, filters: Filters, tracked: Sequence[str]) -> Counts:
        """What ``count_all(connection, filters, tracked)`` returns, from the kept months, brought up to date."""
        with self._lock:
            if tuple(tracked) != self._tracked:  # another catalogue tracks other skills: start again
                self._tracked, self._months, self._decisions = tuple(tracked), {}, None
            versions = _month_versions(connection)
            for month in set(self._months) - set(versions):
                del self._months[month]  # all its assessments erased
            stale = sorted(m for m, v in versions.items() if m not in self._months or self._months[m][0] != v)
            if stale:
                span = Filters(first_month=_first_day(stale[0]), last_month=_first_day(stale[-1]))
                people, fits, held, _ = count_all(connection, span, tracked, decided=False)
                fresh: dict[str, list[Rows]] = defaultdict(lambda: [[], [], []])
                for k, rows in enumerate((people, fits, held)):
                    for row in rows:
                        fresh[str(row[0])][k].append(row)
                for month in (m for m in versions if stale[0] <= m <= stale[-1]):
                    a, b, c = fresh[month]
                    self._months[month] = (versions[month], (a, b, c))
                self.months_counted += len(stale)
            version = _decisions_version(connection)
            if self._decisions is None or self._decisions[0] != version:
                self._decisions = (version, list(count_decisions(connection, Filters())))
                self.decisions_counted += 1
            keep = _keeps(filters)
            months = [rows for month, (_, rows) in sorted(self._months.items()) if keep(month)]
            people, fits, held = ([row for rows in months for row in rows[k] if keep(*row[:4])] for k in range(3))
            return people, fits, held, [row for row in self._decisions[1] if keep(*row[:4])]


def _month_versions(connection: Connection) -> dict[str, tuple[int, int]]:
    """Each month's (assessments, newest id): one scan of schema version 10's month index on SQLite."""
    month = month_of(connection, assessments)
    query = sa.select(month, sa.func.count(), sa.func.max(assessments.c.id)).group_by(month)
    return {str(m): (int(n), int(top)) for m, n, top in connection.execute(query)}


def _decisions_version(connection: Connection) -> tuple[int, int]:
    query = sa.select(sa.func.count(), sa.func.coalesce(sa.func.max(decisions.c.id), 0))
    n, top = connection.execute(query).one()
    return int(n), int(top)


def _first_day(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def _keeps(filters: Filters) -> Callable[..., bool]:
    """Does the group (month[, best role, source, demo]) pass the filters? The SQL conditions, in Python."""
    first = f"{filters.first_month:%Y-%m}" if filters.first_month is not None else None
    last = f"{filters.last_month:%Y-%m}" if filters.last_month is not None else None
    sources = filters.sources or SOURCES

    def keep(month: str, best: str | None = None, source: str | None = None, demo: Any = False) -> bool:
        if (first is not None and month < first) or (last is not None and month > last):
            return False
        if best is None:  # a month alone
            return True
        return (not filters.roles or best in filters.roles) and source in sources and (filters.include_demo or not demo)

    return keep
