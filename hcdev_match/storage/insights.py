"""HR insights: aggregates that single nobody out, computed from whole groups.

A *group* is the people assessed in one calendar month with one best role
from one source, demo or not (``small_groups``). Each figure splits every
group by the figure's own dimension (fit band, a skill shown or not, the
latest decision, the decision history, who decided) and takes a group whole
or not at all: only when every part of the split, the remainder included,
is 0 or at least ``MIN_GROUP`` people. The filters select whole groups
(whole months, best roles, sources, demo or not), so every count shown is a
sum of parts of at least ``MIN_GROUP`` people, and a setting and any
narrower one differ in any count by 0 or at least ``MIN_GROUP`` (the
overlap of two settings is a setting too). A count of 0 is not shown
either: a missing cell may be 0 or left out, and nothing tells which. The
fit spread shows no count at all: quartiles to the ``FIT_STEP``, over at
least ``MIN_SPREAD`` people, from 10-point bins of at least ``MIN_GROUP``
people of one group; never a minimum or a maximum.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd
import sqlalchemy as sa

from ..catalogue.model import ESSENTIAL_SKILLS, Catalogue
from ..config import BAND_FLOORS
from .insight_cache import MonthlyCounts
from .insight_queries import Filters, count_all, recruiter_names
from .saving import DECISIONS
from .schema import assessments, decisions, users
from .small_groups import FIT_STEP, MIN_GROUP, MIN_SPREAD, Group, by_group, frame, is_whole, quartile_steps, split
from .store import Store

__all__ = [
    "FIT_STEP",
    "FUNNEL",
    "HIDDEN_NOTE",
    "MIN_GROUP",
    "MIN_SPREAD",
    "Filters",
    "Insights",
    "compute_insights",
    "data_version",
    "month_choices",
]

#: What a chart with nothing to show says instead (the same for "nobody" and "too few").
HIDDEN_NOTE = f"Hidden: fewer than {MIN_GROUP} people"
#: The article's healthcare-specific skills, and the future technologies it expects.
BANDS = BAND_FLOORS  # the fit bands' lower bounds (30+, 60+, 90+), multiples of FIT_STEP
#: The decision funnel's stages, in order: each counts people of the stage before.
FUNNEL = ("assessed", "shortlisted", "shortlisted, then held", "shortlisted, then rejected")
SPREAD = ("middle half from", "middle half to", "median from", "median to")


@dataclass(frozen=True)
class Insights:
    """Every table the HR page shows; a row that could single anyone out is absent, never blank."""

    total: int
    demo: int
    months: tuple[str, ...]  # every month of the range ("2026-01"), those with nothing shown too
    fit_spread: pd.DataFrame  # role, middle half from/to, median from/to (over the role's own pool)
    bands: pd.DataFrame  # role, band, candidates
    role_mix: pd.DataFrame  # month, role, candidates
    skill_gaps: pd.DataFrame  # role, skill, people, missing, missing share
    essentials: pd.DataFrame  # skill, candidates, people, share
    future: pd.DataFrame  # skill, candidates, people, share
    decisions: pd.DataFrame  # role, source, decision, candidates
    funnel: pd.DataFrame  # stage, candidates
    recruiters: pd.DataFrame  # recruiter, decision, candidates, decided, share


def month_choices(today: date, *, count: int = 24) -> list[date]:
    """The ``count`` whole months before ``today``'s, oldest first: a month is shown once it is complete."""
    index = today.year * 12 + today.month - 1
    return [date((index - n) // 12, (index - n) % 12 + 1, 1) for n in range(count, 0, -1)]


def compute_insights(
    store: Store, catalogue: Catalogue, filters: Filters | None = None, *, cache: MonthlyCounts | None = None
) -> Insights:
    """The figures for ``filters``; with ``cache``, counted again only for the months whose rows changed."""
    filters = filters or Filters()
    labels = {r: catalogue.roles[r].label for r in catalogue.roles}
    skill_label = {s: catalogue.skills[s].label for s in catalogue.skills}
    future = catalogue.future  # the future technologies the article expects
    tracked = sorted({s for r in catalogue.roles.values() for s in r.must_have} | {*ESSENTIAL_SKILLS, *future})
    with store.reading("read the talent pool's figures") as connection:
        if connection.dialect.name == "postgresql":  # one snapshot for every query, as on SQLite
            connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        counts = (
            count_all(connection, filters, tracked) if cache is None else cache.counts(connection, filters, tracked)
        )
        people, fits, held, decisions_made = counts
        decided = [(g, d, int(u), bool(s), n) for g, d, u, s, n in by_group(decisions_made)]
        names = recruiter_names(connection, {u for _, _, u, _, _ in decided})

    size: Counter[Group] = Counter({group: n for group, n in by_group(people)})
    whole = {g: n for g, n in size.items() if n >= MIN_GROUP}
    bins: dict[str, dict[Group, Counter[int]]] = defaultdict(lambda: defaultdict(Counter))
    for group, role, step, n in by_group(fits):
        bins[role][group][min(int(step), 100 // FIT_STEP - 1)] += n
    has = {(group, skill): n for group, skill, n in by_group(held)}

    spread_rows, band_rows = [], []
    for role in catalogue.roles:
        if spread := quartile_steps(steps for group, steps in bins[role].items() if group[1] == role):
            spread_rows.append((labels[role], *spread))
        cleared: Counter[int] = Counter()
        for group, steps in bins[role].items():
            parts = [0] * (len(BANDS) + 1)
            for step, n in steps.items():
                parts[sum(1 for low, _ in BANDS if step * FIT_STEP >= low)] += n
            if is_whole(parts, size[group]):
                for band, (low, _) in enumerate(BANDS, start=1):
                    cleared[low] += sum(parts[band:])
        band_rows += [(labels[role], name, cleared[low]) for low, name in BANDS]
    mix: Counter[tuple[str, str]] = Counter()
    for (month, best, _, _), n in whole.items():
        mix[(month, labels.get(best, best))] += n
    gap_rows = []
    for role in catalogue.roles:
        pool = [g for g in size if g[1] == role]
        for skill in catalogue.roles[role].must_have:
            counted, showing = split(pool, size, _holding(has, skill))
            gap_rows.append((labels[role], skill_label[skill], counted, counted - showing))
    shares = {}
    for skill in (*ESSENTIAL_SKILLS, *future):
        counted, showing = split(size, size, _holding(has, skill))
        shares[skill] = (skill_label.get(skill, skill), showing, counted)

    latest: Counter[tuple[Group, str]] = Counter()
    history: Counter[tuple[Group, str]] = Counter()  # shortlisted once, by their latest decision
    by_recruiter: Counter[tuple[Group, int, str]] = Counter()
    for group, decision, user, shortlisted, n in decided:
        latest[(group, decision)] += n
        by_recruiter[(group, user, decision)] += n
        if shortlisted:
            history[(group, decision)] += n
    decision_cells: Counter[tuple[str, str, str]] = Counter()
    funnel: Counter[str] = Counter()
    recruiter_cells: Counter[tuple[str, str]] = Counter()
    authors = sorted({u for _, u, _ in by_recruiter})
    for group, n in size.items():
        parts = [latest[(group, d)] for d in DECISIONS]
        if is_whole(parts, n):
            for d, part in zip(DECISIONS, parts, strict=True):
                decision_cells[(labels.get(group[1], group[1]), group[2], d)] += part
        # Split by the latest decision *and* whether it followed a shortlist: the decisions figure shows the
        # latest decisions whole, so a held-or-rejected part never shortlisted must be 0 or 5+ too, else a
        # decision's count minus the funnel's would single out the 1 to 4 people held or rejected outright.
        parts = [history[(group, d)] for d in DECISIONS]
        outright = [latest[(group, d)] - history[(group, d)] for d in DECISIONS]
        if is_whole([*parts, *outright], n):
            funnel.update({FUNNEL[0]: n, FUNNEL[1]: sum(parts), FUNNEL[2]: parts[1], FUNNEL[3]: parts[2]})
        cells = {(u, d): by_recruiter[(group, u, d)] for u in authors for d in DECISIONS}
        if is_whole(cells.values(), n):
            for (u, d), part in cells.items():
                recruiter_cells[(names.get(u, f"account {u} (removed)"), d)] += part
    decided_by = Counter({r: sum(recruiter_cells[(r, d)] for d in DECISIONS) for r, _ in recruiter_cells})
    return Insights(
        total=sum(whole.values()),
        demo=sum(n for g, n in whole.items() if g[3]),
        months=_months(filters, whole),
        fit_spread=pd.DataFrame(spread_rows, columns=["role", *SPREAD]).astype(dict.fromkeys(SPREAD, int)),
        bands=frame(band_rows, ["role", "band", "candidates"]),
        role_mix=frame([(*k, n) for k, n in sorted(mix.items())], ["month", "role", "candidates"]),
        skill_gaps=frame(gap_rows, ["role", "skill", "people", "missing"], count="missing", share="missing share"),
        essentials=frame([shares[s] for s in ESSENTIAL_SKILLS], ["skill", "candidates", "people"], share="share"),
        future=frame([shares[s] for s in future], ["skill", "candidates", "people"], share="share"),
        decisions=frame([(*k, n) for k, n in sorted(decision_cells.items())],
                        ["role", "source", "decision", "candidates"]),
        funnel=frame([(stage, funnel[stage]) for stage in FUNNEL], ["stage", "candidates"]),
        recruiters=frame([(r, d, n, decided_by[r]) for (r, d), n in sorted(recruiter_cells.items())],
                         ["recruiter", "decision", "candidates", "people"], share="share").rename(
            columns={"people": "decided"}),
    )  # fmt: skip


def data_version(store: Store) -> tuple[int, ...]:
    """What changes whenever a figure could: rows and newest ids of assessments, decisions and accounts.

    Ids are never handed out twice (schema version 8), so a save or a decision always brings a newest id
    never seen before and an erasure or a purge always fewer rows: only the very same rows give the same
    version again, and a page may keep the figures it computed for as long as this stays the same.
    """
    query = sa.select(*(
        column for table in (assessments, decisions, users)
        for column in (sa.select(sa.func.count()).select_from(table).scalar_subquery(),
                       sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0)).scalar_subquery())
    ))  # fmt: skip
    with store.reading("read the talent pool's figures") as connection:
        return tuple(int(n) for n in connection.execute(query).one())


def _holding(has: dict[tuple[Group, str], int], skill: str) -> Callable[[Group], int]:
    return lambda group: has.get((group, skill), 0)


def _months(filters: Filters, whole: dict[Group, int]) -> tuple[str, ...]:
    """Every month of the filter's range; without a range, from the first to the last month shown."""
    shown = sorted({g[0] for g in whole})
    first = filters.first_month or (date.fromisoformat(shown[0] + "-01") if shown else None)
    last = filters.last_month or (date.fromisoformat(shown[-1] + "-01") if shown else None)
    if first is None or last is None:
        return ()
    index, end = first.year * 12 + first.month - 1, last.year * 12 + last.month - 1
    return tuple(f"{n // 12:04d}-{n % 12 + 1:02d}" for n in range(index, end + 1))
