"""HR insights: aggregates over stored assessments, computed in SQL.

Only small, grouped results leave the database: histograms, counts and
shares. Any group of fewer than ``MIN_GROUP`` people is suppressed (its
value is None and the result says so), so no chart can single anyone out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from .catalogue import Catalogue
from .database import read_transaction
from .schema import assessment_fits, assessment_skills, assessments, decisions
from .store import Store

__all__ = ["ESSENTIAL_SKILLS", "FUTURE_SKILLS", "Filters", "Insights", "MIN_GROUP", "compute_insights"]

MIN_GROUP = 5
#: The article's healthcare-specific skills, and the future technologies it expects.
ESSENTIAL_SKILLS = ("regulatory_compliance", "hipaa", "interoperability", "security", "usability")
FUTURE_SKILLS = ("machine_learning", "iot", "blockchain", "ar_vr")
BANDS = ((30, "30+"), (60, "60+"), (90, "90+"))


@dataclass(frozen=True, kw_only=True)
class Filters:
    since: datetime | None = None
    until: datetime | None = None
    roles: tuple[str, ...] = ()  # best role
    sources: tuple[str, ...] = ()  # recruiter, candidate


@dataclass
class Insights:
    """Every table the HR page charts; suppressed cells are None."""

    total: int
    demo: int
    fit_spread: pd.DataFrame  # role, n, min, q1, median, q3, max
    bands: pd.DataFrame  # role, band, candidates
    role_mix: pd.DataFrame  # month, role, candidates
    skill_gaps: pd.DataFrame  # role, skill, pool, missing share
    essentials: pd.DataFrame  # skill, candidates, share
    future: pd.DataFrame  # skill, candidates, share
    decisions: pd.DataFrame  # role, source, decision, candidates
    suppressed: list[str] = field(default_factory=list)


def compute_insights(store: Store, catalogue: Catalogue, filters: Filters | None = None) -> Insights:
    filters = filters or Filters()
    where = _conditions(filters, assessments)
    labels = {r: catalogue.roles[r].label for r in catalogue.roles}
    skill_label = {s: catalogue.skills[s].label for s in catalogue.skills}
    suppressed: list[str] = []
    with read_transaction(store.engine) as connection:
        per_role = connection.execute(
            sa.select(assessments.c.best_role, sa.func.count(), sa.func.sum(sa.case((assessments.c.demo, 1), else_=0)))
            .where(*where)
            .group_by(assessments.c.best_role)
        ).all()
        pools: dict[str, int] = {role: int(n) for role, n, _ in per_role}
        total = sum(pools.values())
        demo = sum(int(d or 0) for _, _, d in per_role)
        histogram = connection.execute(
            sa.select(
                assessment_fits.c.role,
                sa.cast(assessment_fits.c.fit, sa.Integer).label("point"),
                sa.func.count().label("n"),
            )
            .where(*_conditions(filters, assessment_fits))
            .group_by(assessment_fits.c.role, "point")
        ).all()
        month = _month(connection.dialect.name)
        mix = connection.execute(
            sa.select(month.label("month"), assessments.c.best_role, sa.func.count().label("n"))
            .where(*where)
            .group_by("month", assessments.c.best_role)
            .order_by("month")
        ).all()
        tracked = sorted(
            {s for r in catalogue.roles.values() for s in r.must_have} | set(ESSENTIAL_SKILLS) | set(FUTURE_SKILLS)
        )
        having = connection.execute(
            sa.select(assessment_skills.c.best_role, assessment_skills.c.skill, sa.func.count())
            .where(*_conditions(filters, assessment_skills), assessment_skills.c.skill.in_(tracked))
            .group_by(assessment_skills.c.best_role, assessment_skills.c.skill)
        ).all()
        latest = (
            sa.select(sa.func.max(decisions.c.id).label("id")).group_by(decisions.c.assessment_id).subquery("latest")
        )
        decided = connection.execute(
            sa.select(assessments.c.best_role, assessments.c.source, decisions.c.decision, sa.func.count())
            .select_from(
                decisions.join(latest, latest.c.id == decisions.c.id).join(
                    assessments, assessments.c.id == decisions.c.assessment_id
                )
            )
            .where(*where)
            .group_by(assessments.c.best_role, assessments.c.source, decisions.c.decision)
        ).all()

    # Fit spread and bands from the 1-point histograms (exact to the point).
    spread_rows, band_rows = [], []
    by_role: dict[str, dict[int, int]] = {}
    for role, point, n in histogram:
        by_role.setdefault(role, {})[int(point)] = int(n)
    for role in catalogue.roles:
        counts = by_role.get(role, {})
        n = sum(counts.values())
        if n < MIN_GROUP:
            if n:
                suppressed.append(f"fit spread for {labels[role]} (fewer than {MIN_GROUP} people)")
            continue
        q = _quantiles(counts, n)
        spread_rows.append({"role": labels[role], "n": n, **q})
        for low, name in BANDS:
            cleared = sum(c for point, c in counts.items() if point >= low)
            band_rows.append({"role": labels[role], "band": name, "candidates": _suppress(cleared)})
    mix_rows = [{"month": m, "role": labels.get(r, r), "candidates": _suppress(int(n))} for m, r, n in mix]
    if any(row["candidates"] is None for row in mix_rows):
        suppressed.append(f"some months and roles (fewer than {MIN_GROUP} people)")

    have = {(r, s): int(n) for r, s, n in having}
    gap_rows = []
    for role in catalogue.roles:
        pool = int(pools.get(role, 0))
        for skill in catalogue.roles[role].must_have:
            missing = pool - have.get((role, skill), 0)
            share = None if pool < MIN_GROUP or missing < MIN_GROUP and missing != 0 else missing / pool
            gap_rows.append(
                {"role": labels[role], "skill": skill_label[skill], "pool": _suppress(pool), "missing share": share}
            )
    if any(row["missing share"] is None for row in gap_rows):
        suppressed.append(f"skill gaps of small role pools (fewer than {MIN_GROUP} people)")

    def pool_share(skills: Sequence[str]) -> pd.DataFrame:
        rows = []
        for skill in skills:
            n = sum(v for (r, s), v in have.items() if s == skill)
            rows.append(
                {
                    "skill": skill_label.get(skill, skill),
                    "candidates": _suppress(n),
                    "share": None if n < MIN_GROUP or total < MIN_GROUP else n / total,
                }
            )
        return pd.DataFrame(rows, columns=["skill", "candidates", "share"])

    decision_rows = [
        {"role": labels.get(r, r), "source": s, "decision": d, "candidates": _suppress(int(n))}
        for r, s, d, n in decided
    ]
    if any(row["candidates"] is None for row in decision_rows):
        suppressed.append(f"some decision counts (fewer than {MIN_GROUP} people)")
    return Insights(
        total=int(total),
        demo=int(demo),
        fit_spread=pd.DataFrame(spread_rows, columns=["role", "n", "min", "q1", "median", "q3", "max"]),
        bands=pd.DataFrame(band_rows, columns=["role", "band", "candidates"]),
        role_mix=pd.DataFrame(mix_rows, columns=["month", "role", "candidates"]),
        skill_gaps=pd.DataFrame(gap_rows, columns=["role", "skill", "pool", "missing share"]),
        essentials=pool_share(ESSENTIAL_SKILLS),
        future=pool_share(FUTURE_SKILLS),
        decisions=pd.DataFrame(decision_rows, columns=["role", "source", "decision", "candidates"]),
        suppressed=suppressed,
    )


def _conditions(filters: Filters, table: sa.Table) -> list[sa.ColumnElement[bool]]:
    """The filters, on ``table``'s own copies of created_at, best_role and source."""
    conditions: list[sa.ColumnElement[bool]] = []
    if filters.since is not None:
        conditions.append(table.c.created_at >= filters.since)
    if filters.until is not None:
        conditions.append(table.c.created_at < filters.until)
    if filters.roles:
        conditions.append(table.c.best_role.in_(filters.roles))
    if filters.sources:
        conditions.append(table.c.source.in_(filters.sources))
    return conditions


def _month(dialect: str) -> sa.ColumnElement[str]:
    if dialect == "sqlite":
        return sa.func.strftime("%Y-%m", assessments.c.created_at)
    return sa.func.to_char(assessments.c.created_at, "YYYY-MM")


def _suppress(count: int) -> int | None:
    return count if count >= MIN_GROUP or count == 0 else None


def _quantiles(counts: dict[int, int], n: int) -> dict[str, float]:
    """Min, quartiles and max of a histogram of whole points (nearest rank)."""
    points = sorted(counts)
    out: dict[str, float] = {"min": float(points[0]), "max": float(points[-1])}
    for name, q in (("q1", 0.25), ("median", 0.5), ("q3", 0.75)):
        rank = max(1, round(q * n + 0.5 - 1e-9))  # nearest-rank definition
        seen = 0
        for point in points:
            seen += counts[point]
            if seen >= rank:
                out[name] = float(point)
                break
    return out
