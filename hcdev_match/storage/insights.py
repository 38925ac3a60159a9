"""HR insights: aggregates that single nobody out, computed from whole groups.

A *group* is the people assessed in one calendar month with one best role
from one source. Each figure splits every group by the figure's own
dimension (fit band, a skill shown or not, the latest decision, demo or
not) and takes a group whole or not at all: only when every part of the
split, the remainder included, is 0 or at least ``MIN_GROUP`` people. The
filters select whole groups (whole months, best roles, sources), so every
count shown is a sum of parts of at least ``MIN_GROUP`` people, and a
setting and any narrower one differ in any count by 0 or at least
``MIN_GROUP`` (the overlap of two settings is a setting too). A count of 0
is not shown either: a missing cell may be 0 or left out, and nothing
tells which. The fit spread shows no count at all:
quartiles to the ``FIT_STEP``, over at least ``MIN_SPREAD`` people, from
10-point bins of at least ``MIN_GROUP`` people of one group; never a
minimum or a maximum.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..catalogue.model import Catalogue
from .database import read_transaction
from .schema import assessment_fits, assessment_skills, assessments, decisions
from .store import DECISIONS, Store

__all__ = [
    "ESSENTIAL_SKILLS",
    "FIT_STEP",
    "FUTURE_SKILLS",
    "Filters",
    "HIDDEN_NOTE",
    "Insights",
    "MIN_GROUP",
    "MIN_SPREAD",
    "compute_insights",
    "month_choices",
]

MIN_GROUP = 5
MIN_SPREAD = 20
FIT_STEP = 10
#: What a chart with nothing to show says instead (the same for "nobody" and "too few").
HIDDEN_NOTE = f"Hidden: fewer than {MIN_GROUP} people"
#: The article's healthcare-specific skills, and the future technologies it expects.
ESSENTIAL_SKILLS = ("regulatory_compliance", "hipaa", "interoperability", "security", "usability")
FUTURE_SKILLS = ("machine_learning", "iot", "blockchain", "ar_vr")
BANDS = ((30, "30+"), (60, "60+"), (90, "90+"))  # the fit bands' lower bounds, multiples of FIT_STEP
SOURCES = ("recruiter", "candidate")

Group = tuple[str, str, str]  # month ("2026-01"), best role, source


@dataclass(frozen=True, kw_only=True)
class Filters:
    """Whole months (first and last included; any day stands for its month), best roles, sources."""

    first_month: date | None = None
    last_month: date | None = None
    roles: tuple[str, ...] = ()  # best role; () means all
    sources: tuple[str, ...] = ()  # recruiter, candidate; () means all

    def __post_init__(self) -> None:
        for name in ("first_month", "last_month"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, date(value.year, value.month, 1))


@dataclass(frozen=True)
class Insights:
    """Every table the HR page shows; a row that could single anyone out is absent, never blank."""

    total: int
    demo: int
    fit_spread: pd.DataFrame  # role, middle half from/to, median from/to
    bands: pd.DataFrame  # role, band, candidates
    role_mix: pd.DataFrame  # month, role, candidates
    skill_gaps: pd.DataFrame  # role, skill, people, missing, missing share
    essentials: pd.DataFrame  # skill, candidates, people, share
    future: pd.DataFrame  # skill, candidates, people, share
    decisions: pd.DataFrame  # role, source, decision, candidates


def month_choices(today: date, *, count: int = 24) -> list[date]:
    """The ``count`` whole months before ``today``'s, oldest first: a month is shown once it is complete."""
    index = today.year * 12 + today.month - 1
    return [date((index - n) // 12, (index - n) % 12 + 1, 1) for n in range(count, 0, -1)]


def compute_insights(store: Store, catalogue: Catalogue, filters: Filters | None = None) -> Insights:
    filters = filters or Filters()
    labels = {r: catalogue.roles[r].label for r in catalogue.roles}
    skill_label = {s: catalogue.skills[s].label for s in catalogue.skills}
    tracked = sorted({s for r in catalogue.roles.values() for s in r.must_have} | {*ESSENTIAL_SKILLS, *FUTURE_SKILLS})
    with read_transaction(store.engine) as connection:
        if connection.dialect.name == "postgresql":  # one snapshot for every query, as on SQLite
            connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        people = _count(connection, filters, assessments, assessments.c.demo)
        fits = _count(connection, filters, assessment_fits, assessment_fits.c.role, _step(connection, assessment_fits))
        held = _count(connection, filters, assessment_skills, assessment_skills.c.skill, where=(
            assessment_skills.c.skill.in_(tracked),))  # fmt: skip
        decided = _count_decisions(connection, filters)

    size: Counter[Group] = Counter()
    demo_part: Counter[Group] = Counter()
    for group, is_demo, n in _by_group(people):
        size[group] += n
        demo_part[group] += n if is_demo else 0
    whole = {g: n for g, n in size.items() if n >= MIN_GROUP}
    bins: dict[str, dict[Group, Counter[int]]] = defaultdict(lambda: defaultdict(Counter))
    for group, role, step, n in _by_group(fits):
        bins[role][group][min(int(step), 100 // FIT_STEP - 1)] += n
    has = {(group, skill): n for group, skill, n in _by_group(held)}
    latest = {(group, decision): n for group, decision, n in _by_group(decided)}

    spread_rows, band_rows = [], []
    for role in catalogue.roles:
        if spread := _spread(bins[role].values()):
            spread_rows.append((labels[role], *spread))
        cleared: Counter[int] = Counter()
        for group, steps in bins[role].items():
            parts = [0] * (len(BANDS) + 1)
            for step, n in steps.items():
                parts[_band(step)] += n
            if _whole(parts, size[group]):
                for band, (low, _) in enumerate(BANDS, start=1):
                    cleared[low] += sum(parts[band:])
        band_rows += [(labels[role], name, cleared[low]) for low, name in BANDS]
    mix: Counter[tuple[str, str]] = Counter()
    for (month, best, _), n in whole.items():
        mix[(month, labels.get(best, best))] += n
    gap_rows = []
    for role in catalogue.roles:
        pool = [g for g in size if g[1] == role]
        for skill in catalogue.roles[role].must_have:
            counted, showing = _split(pool, size, _holding(has, skill))
            gap_rows.append((labels[role], skill_label[skill], counted, counted - showing))
    shares = {}
    for skill in (*ESSENTIAL_SKILLS, *FUTURE_SKILLS):
        counted, showing = _split(size, size, _holding(has, skill))
        shares[skill] = (skill_label.get(skill, skill), showing, counted)
    decision_cells: Counter[tuple[str, str, str]] = Counter()
    for group in size:
        parts = [latest.get((group, d), 0) for d in DECISIONS]
        if _whole(parts, size[group]):
            for d, n in zip(DECISIONS, parts, strict=True):
                decision_cells[(labels.get(group[1], group[1]), group[2], d)] += n
    return Insights(
        total=sum(whole.values()),
        demo=sum(demo_part[g] for g in size if _whole([demo_part[g]], size[g])),
        fit_spread=pd.DataFrame(spread_rows, columns=["role", *SPREAD]).astype(dict.fromkeys(SPREAD, int)),
        bands=_frame(band_rows, ["role", "band", "candidates"]),
        role_mix=_frame([(*k, n) for k, n in sorted(mix.items())], ["month", "role", "candidates"]),
        skill_gaps=_frame(gap_rows, ["role", "skill", "people", "missing"], count="missing", share="missing share"),
        essentials=_frame([shares[s] for s in ESSENTIAL_SKILLS], ["skill", "candidates", "people"], share="share"),
        future=_frame([shares[s] for s in FUTURE_SKILLS], ["skill", "candidates", "people"], share="share"),
        decisions=_frame([(*k, n) for k, n in sorted(decision_cells.items())], ["role", "source", "decision",
                                                                               "candidates"]),
    )  # fmt: skip


SPREAD = ("middle half from", "middle half to", "median from", "median to")


def _whole(parts: Iterable[int], size: int) -> bool:
    """May a group of ``size`` enter a figure split into ``parts``? Each part, and the rest, is 0 or >= MIN_GROUP."""
    parts = list(parts)
    return all(p == 0 or p >= MIN_GROUP for p in (*parts, size - sum(parts)))


def _split(groups: Iterable[Group], size: Counter[Group], part: Callable[[Group], int]) -> tuple[int, int]:
    """People counted and those in ``part`` (a function of the group), over the groups that may enter."""
    counted = showing = 0
    for group in groups:
        n = part(group)
        if _whole([n], size[group]):
            counted, showing = counted + size[group], showing + n
    return counted, showing


def _holding(has: dict[tuple[Group, str], int], skill: str) -> Callable[[Group], int]:
    return lambda group: has.get((group, skill), 0)


def _band(step: int) -> int:
    """Which band a fit step falls in: 0 below the first band, 1 for the first, ..."""
    return sum(1 for low, _ in BANDS if step * FIT_STEP >= low)


def _spread(groups: Iterable[Counter[int]]) -> tuple[int, int, int, int] | None:
    """Quartiles to the FIT_STEP, from the steps holding at least MIN_GROUP people of a group."""
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


def _frame(
    rows: Sequence[tuple[Any, ...]], columns: list[str], *, count: str = "candidates", share: str | None = None
) -> pd.DataFrame:
    """The rows whose ``count`` is at least MIN_GROUP (a 0 is left out too: it reads as nothing).

    With ``share``, one more column: ``count`` over the people counted.
    """
    at = columns.index(count)
    frame = pd.DataFrame([row for row in rows if row[at] >= MIN_GROUP], columns=columns)
    frame = frame.astype({c: "int64" for c in columns if c in {"candidates", "people", "missing"}})
    if share is not None:
        frame[share] = frame[count] / frame["people"]
    return frame


def _by_group(rows: Iterable[Sequence[Any]]) -> Iterator[tuple[Any, ...]]:
    """(month, best role, source, *rest) rows as (group, *rest)."""
    for month, best, source, *rest in rows:
        yield ((str(month), str(best), str(source)), *rest)


def _month(connection: Connection, table: sa.Table) -> sa.ColumnElement[str]:
    # Written as schema version 5's SQLite indexes hold it (literal numbers, not parameters).
    if connection.dialect.name == "sqlite":
        return sa.func.substr(table.c.created_at, sa.literal_column("1"), sa.literal_column("7"))
    return sa.func.to_char(table.c.created_at, sa.literal_column("'YYYY-MM'"))


def _step(connection: Connection, table: sa.Table) -> sa.ColumnElement[int]:
    """The FIT_STEP a fit falls in (0 for 0 to 9.99...), as schema version 5's SQLite index holds it."""
    step = f"{table.name}.fit / {FIT_STEP}"  # text: SQLAlchemy would write the divisor as (10 + 0.0)
    if connection.dialect.name == "sqlite":
        return sa.literal_column(f"CAST({step} AS INTEGER)", sa.Integer)  # fits are never negative: it truncates
    return sa.literal_column(f"CAST(floor({step}) AS INTEGER)", sa.Integer)


def _conditions(connection: Connection, filters: Filters, table: sa.Table) -> list[sa.ColumnElement[bool]]:
    """The filters, on ``table``'s own copies of created_at, best_role and source: whole groups only."""
    month = _month(connection, table)
    conditions: list[sa.ColumnElement[bool]] = []
    if filters.first_month is not None:
        conditions.append(month >= f"{filters.first_month:%Y-%m}")
    if filters.last_month is not None:
        conditions.append(month <= f"{filters.last_month:%Y-%m}")
    if filters.roles:
        conditions.append(table.c.best_role.in_(filters.roles))
    conditions.append(table.c.source.in_(filters.sources or SOURCES))
    return conditions


def _count(
    connection: Connection,
    filters: Filters,
    table: sa.Table,
    *keys: sa.ColumnElement[Any],
    where: Sequence[sa.ColumnElement[bool]] = (),
) -> Sequence[sa.Row[Any]]:
    """People per group and per ``keys``, grouped in the order of the table's month index."""
    month = _month(connection, table)
    group = (month, table.c.best_role, table.c.source)
    ordered = (*keys, *group) if keys else group
    query = sa.select(*group, *keys, sa.func.count()).where(*_conditions(connection, filters, table), *where)
    return connection.execute(query.group_by(*ordered)).all()


def _count_decisions(connection: Connection, filters: Filters) -> Sequence[sa.Row[Any]]:
    """Each assessment's latest decision, per group and decision."""
    latest = sa.select(sa.func.max(decisions.c.id).label("id")).group_by(decisions.c.assessment_id).subquery()
    month = _month(connection, assessments)
    query = (
        sa.select(month, assessments.c.best_role, assessments.c.source, decisions.c.decision, sa.func.count())
        .select_from(
            decisions.join(latest, latest.c.id == decisions.c.id).join(
                assessments, assessments.c.id == decisions.c.assessment_id
            )
        )
        .where(*_conditions(connection, filters, assessments))
        .group_by(month, assessments.c.best_role, assessments.c.source, decisions.c.decision)
    )
    return connection.execute(query).all()
