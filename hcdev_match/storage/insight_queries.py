"""The SQL behind the HR figures: counts of people per group and per a figure's own dimension.

Only counts leave the database. The same queries run on SQLite and
PostgreSQL; on SQLite each is a search or a scan of one of the month
indexes (schema versions 8 and 10), never of the tables themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .schema import assessment_fits, assessment_skills, assessments, decisions, users
from .small_groups import FIT_STEP

__all__ = [
    "SOURCES",
    "Counts",
    "Filters",
    "count_all",
    "count_decisions",
    "count_people",
    "month_of",
    "recruiter_names",
    "step_of",
]

SOURCES = ("recruiter", "candidate")


@dataclass(frozen=True, kw_only=True)
class Filters:
    """Whole months (first and last included; any day stands for its month), best roles, sources, demo or not."""

    first_month: date | None = None
    last_month: date | None = None
    roles: tuple[str, ...] = ()  # best role; () means all
    sources: tuple[str, ...] = ()  # recruiter, candidate; () means all
    include_demo: bool = True  # False leaves out the generated rows (``demo = true``, made by `demo`)

    def __post_init__(self) -> None:
        for name in ("first_month", "last_month"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, date(value.year, value.month, 1))


def month_of(connection: Connection, table: sa.Table) -> sa.ColumnElement[str]:
    # Written as schema version 5's SQLite indexes hold it (literal numbers, not parameters).
    if connection.dialect.name == "sqlite":
        return sa.func.substr(table.c.created_at, sa.literal_column("1"), sa.literal_column("7"))
    return sa.func.to_char(table.c.created_at, sa.literal_column("'YYYY-MM'"))


def step_of(connection: Connection, table: sa.Table) -> sa.ColumnElement[int]:
    """The FIT_STEP a fit falls in (0 for 0 to 9.99...), as the SQLite month index holds it."""
    step = f"{table.name}.fit / {FIT_STEP}"  # text: SQLAlchemy would write the divisor as (10 + 0.0)
    if connection.dialect.name == "sqlite":
        return sa.literal_column(f"CAST({step} AS INTEGER)", sa.Integer)  # fits are never negative: it truncates
    return sa.literal_column(f"CAST(floor({step}) AS INTEGER)", sa.Integer)


def _conditions(connection: Connection, filters: Filters, table: sa.Table) -> list[sa.ColumnElement[bool]]:
    """The filters, on ``table``'s own copies of created_at, best_role, source and demo: whole groups only."""
    month = month_of(connection, table)
    conditions: list[sa.ColumnElement[bool]] = []
    if filters.first_month is not None:
        conditions.append(month >= f"{filters.first_month:%Y-%m}")
    if filters.last_month is not None:
        conditions.append(month <= f"{filters.last_month:%Y-%m}")
    if filters.roles:
        conditions.append(table.c.best_role.in_(filters.roles))
    conditions.append(table.c.source.in_(filters.sources or SOURCES))
    if not filters.include_demo:
        conditions.append(table.c.demo == sa.false())
    return conditions


def _group(connection: Connection, table: sa.Table) -> tuple[sa.ColumnElement[Any], ...]:
    return month_of(connection, table), table.c.best_role, table.c.source, table.c.demo


def count_people(
    connection: Connection,
    filters: Filters,
    table: sa.Table,
    *keys: sa.ColumnElement[Any],
    where: Sequence[sa.ColumnElement[bool]] = (),
) -> Sequence[Sequence[Any]]:
    """(month, best role, source, demo, *keys, people) rows, grouped in the order of the table's month index."""
    group = _group(connection, table)
    ordered = (*keys, *group) if keys else group
    query = sa.select(*group, *keys, sa.func.count()).where(*_conditions(connection, filters, table), *where)
    return connection.execute(query.group_by(*ordered)).all()


def count_decisions(connection: Connection, filters: Filters) -> Sequence[Sequence[Any]]:
    """(group..., latest decision, its author's id, ever shortlisted 0/1, people) for each decided assessment."""
    shortlisted = sa.func.max(sa.case((decisions.c.decision == "shortlist", 1), else_=0))
    history = (
        sa.select(decisions.c.assessment_id, sa.func.max(decisions.c.id).label("last"),
                  shortlisted.label("shortlisted"))
        .group_by(decisions.c.assessment_id)
        .subquery()
    )  # fmt: skip
    group = _group(connection, assessments)
    keys = (decisions.c.decision, decisions.c.user_id, history.c.shortlisted)
    query = (
        sa.select(*group, *keys, sa.func.count())
        .select_from(
            history.join(decisions, decisions.c.id == history.c.last).join(
                assessments, assessments.c.id == history.c.assessment_id
            )
        )
        .where(*_conditions(connection, filters, assessments))
        .group_by(*group, *keys)
    )
    return connection.execute(query).all()


#: The rows of every HR figure: people, fits, tracked skills held, decisions (each row starts with its group).
Counts = tuple[Sequence[Sequence[Any]], Sequence[Sequence[Any]], Sequence[Sequence[Any]], Sequence[Sequence[Any]]]


def count_all(connection: Connection, filters: Filters, tracked: Sequence[str], *, decided: bool = True) -> Counts:
    """The four counts the figures are made of (without ``decided``, no decisions: an empty fourth)."""
    people = count_people(connection, filters, assessments)
    fits = count_people(
        connection, filters, assessment_fits, assessment_fits.c.role, step_of(connection, assessment_fits)
    )
    held = count_people(connection, filters, assessment_skills, assessment_skills.c.skill,
                        where=(assessment_skills.c.skill.in_(tracked),))  # fmt: skip
    return people, fits, held, count_decisions(connection, filters) if decided else ()


def recruiter_names(connection: Connection, ids: set[int]) -> dict[int, str]:
    """The account names of the people who made decisions (a consistency check names its recruiters)."""
    if not ids:
        return {}
    rows = connection.execute(sa.select(users.c.id, users.c.name).where(users.c.id.in_(sorted(ids))))
    return {int(i): str(n) for i, n in rows}
