"""HR aggregates single nobody out: known answers on a hand-built pool, and differencing on a seeded one."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from datetime import date, datetime

import pandas as pd
import pytest
import sqlalchemy as sa

from hcdev_match.catalogue.model import Catalogue, load_catalogue
from hcdev_match.scoring.assessment import Assessment, DomainEvidence, RoleFit, SkillMatch
from hcdev_match.storage.accounts import add_user
from hcdev_match.storage.demo import seed_demo
from hcdev_match.storage.insights import (
    FIT_STEP,
    MIN_GROUP,
    Filters,
    Insights,
    compute_insights,
    data_version,
    month_choices,
)
from hcdev_match.storage.schema import assessments
from hcdev_match.storage.store import Store

JANUARY, FEBRUARY = datetime(2026, 1, 15), datetime(2026, 2, 10)


def make(catalogue: Catalogue, fits: dict[str, float], skills: set[str]) -> Assessment:
    """An assessment with these fits (other roles 2.0) and these skills shown."""
    role_fits = []
    for role in catalogue.roles:
        matched = tuple(SkillMatch(s, s, "must_have", 1.0, False) for s in sorted(skills))
        missing = {"must_have": tuple(s for s in catalogue.roles[role].must_have if s not in skills)}
        role_fits.append(RoleFit(role, role, fits.get(role, 2.0), 0.1, matched, missing))
    ordered = tuple(sorted(role_fits, key=lambda f: (-f.fit, f.role)))
    return Assessment("test", ordered, (), DomainEvidence(1, 1), 400)


def save(store: Store, catalogue: Catalogue, people: list[tuple[dict[str, float], set[str]]], *, when: datetime,
         source: str = "recruiter") -> list[int]:  # fmt: skip
    return [
        store.save_assessment(
            make(catalogue, fits, skills), actor="ana", source=source, legal_basis="contract", now=when
        ).id  # fmt: skip
        for fits, skills in people
    ]


@pytest.fixture
def pool(database_url: str) -> Iterator[tuple[Store, Catalogue]]:
    """Four groups (month x best role x source): A 12, B 4 (too small for anything), C 6, D 5.

    A, January, EHR, recruiter: EHR fits 45 (7 people) and 65 (5); all show EHR records and security,
        7 show HL7, 5 machine learning, 1 usability; 5 shortlisted and 1 held.
    B, January, imaging, recruiter: 4 people with an imaging fit of 99.
    C, February, EHR, recruiter: EHR fit 55, all show EHR records, security, machine learning, 2 show HL7;
        all 6 shortlisted (one was first rejected).
    D, February, EHR, candidate: EHR fit 80, all show EHR records; no decision.
    """
    catalogue = load_catalogue()
    store = Store.from_url(database_url)
    ana = add_user(store, "ana", role="recruiter", password="correct horse battery")
    a = [({"ehr": 45.0 if n < 7 else 65.0}, {"ehr", "security"} | ({"hl7"} if n < 7 else set())
          | ({"machine_learning"} if n < 5 else set()) | ({"usability"} if n == 0 else set()))
         for n in range(12)]  # fmt: skip
    a_ids = save(store, catalogue, a, when=JANUARY)
    save(store, catalogue, [({"imaging": 99.0}, set())] * 4, when=JANUARY)
    c = [({"ehr": 55.0}, {"ehr", "security", "machine_learning"} | ({"hl7"} if n < 2 else set())) for n in range(6)]
    c_ids = save(store, catalogue, c, when=FEBRUARY)
    save(store, catalogue, [({"ehr": 80.0}, {"ehr"})] * 5, when=FEBRUARY, source="candidate")

    def decide(assessment_id: int, decision: str) -> None:
        store.record_decision(assessment_id, user_id=ana.id, actor="ana", decision=decision, reason="r")

    for assessment_id in a_ids[:5]:
        decide(assessment_id, "shortlist")
    decide(a_ids[5], "hold")
    decide(c_ids[0], "reject")
    for assessment_id in c_ids:
        decide(assessment_id, "shortlist")
    yield store, catalogue
    store.engine.dispose()


def rows(frame: pd.DataFrame, key: str, value: str) -> dict[str, object]:
    return dict(zip(frame[key], frame[value], strict=True))


def test_totals_and_the_month_mix_count_only_groups_of_five_or_more(pool: tuple[Store, Catalogue]) -> None:
    insights = compute_insights(*pool)
    assert insights.total == 23  # A + C + D: the 4 of group B are in no figure, totals included
    assert insights.role_mix.to_dict("records") == [
        {"month": "2026-01", "role": "EHR developer", "candidates": 12},
        {"month": "2026-02", "role": "EHR developer", "candidates": 11},
    ]  # no imaging row at all: absent, not a blank


def test_a_skill_enters_a_figure_only_from_groups_whose_holders_and_others_are_both_0_or_5(
    pool: tuple[Store, Catalogue],
) -> None:
    insights = compute_insights(*pool)
    ehr = insights.skill_gaps[insights.skill_gaps["role"] == "EHR developer"].set_index("skill")
    # HL7: A (7 have it, 5 not) and D (0 and 5) count; C (2 and 4) is left out whole.
    assert (ehr.loc["HL7 v2", "people"], ehr.loc["HL7 v2", "missing"]) == (17, 10)
    assert ehr.loc["FHIR (R4)", "missing share"] == 1.0 and ehr.loc["FHIR (R4)", "people"] == 23
    assert "Electronic health records (EHR / EMR)" not in ehr.index  # nobody misses it: a 0 is not shown
    assert (insights.skill_gaps["missing"] >= MIN_GROUP).all()
    essentials = insights.essentials.set_index("skill")
    assert essentials.loc["Security of patient data", "candidates"] == 18  # A 12 + C 6, of 23
    assert essentials.loc["Security of patient data", "share"] == pytest.approx(18 / 23)
    # Nobody shows HIPAA and one person shows usability: neither is in the table, so the two look the same.
    assert set(essentials.index) == {"Security of patient data"}
    assert rows(insights.future, "skill", "candidates") == {"AI and machine learning": 11}


def test_decisions_come_from_whole_groups_and_each_assessments_latest_decision(pool: tuple[Store, Catalogue]) -> None:
    decisions = compute_insights(*pool).decisions
    # A (5 shortlisted, 1 held, 6 undecided) is left out whole: its one hold would show by difference.
    # C counts its 6 shortlisted, the first rejection replaced by the later shortlist.
    assert decisions.to_dict("records") == [
        {"role": "EHR developer", "source": "recruiter", "decision": "shortlist", "candidates": 6}
    ]


def test_the_spread_shows_quartile_steps_over_twenty_people_and_never_a_minimum_or_maximum(
    pool: tuple[Store, Catalogue],
) -> None:
    insights = compute_insights(*pool)
    assert list(insights.fit_spread.columns) == ["role", "middle half from", "middle half to", "median from",
                                                 "median to"]  # fmt: skip
    ehr = insights.fit_spread.set_index("role").loc["EHR developer"]
    # 23 EHR fits in steps 40 (7), 50 (6), 60 (5), 80 (5): the quartiles' steps, not the fits
    assert tuple(ehr) == (40, 70, 50, 60)
    bands = insights.bands[insights.bands["role"] == "EHR developer"]
    assert rows(bands, "band", "candidates") == {"30+": 23, "60+": 10}  # nobody at 90+: no row

    store, catalogue = pool
    five = compute_insights(store, catalogue, Filters(sources=("candidate",)))
    assert five.total == 5 and five.fit_spread.empty  # five people: no quartile, no box, no fits


def test_the_funnel_and_each_recruiters_decisions_come_from_whole_groups(pool: tuple[Store, Catalogue]) -> None:
    insights = compute_insights(*pool)
    # Funnel parts per group: each latest decision, after a shortlist or outright, and the rest.
    # A: 5 shortlisted and a lone hold never shortlisted (a part of 1): left out. C: 6 shortlisted, one
    # rejected first. D: nobody decided. B (4 people) is in no figure.
    assert rows(insights.funnel, "stage", "candidates") == {"assessed": 11, "shortlisted": 6}
    # Per recruiter: A's (ana, hold) part is one person, so A is left out; C counts.
    assert insights.recruiters.to_dict("records") == [
        {"recruiter": "ana", "decision": "shortlist", "candidates": 6, "decided": 6, "share": 1.0}
    ]
    store, catalogue = pool
    bea = add_user(store, "bea", role="recruiter", password="correct horse battery")
    later = save(store, catalogue, [({"ehr": 55.0}, {"ehr"})] * 10, when=datetime(2026, 3, 3))
    for n, assessment_id in enumerate(later):
        who, decision = (bea, "shortlist") if n < 5 else (bea, "reject")
        if n >= 5:  # shortlisted first, then rejected
            store.record_decision(assessment_id, user_id=who.id, actor="bea", decision="shortlist", reason="r")
        store.record_decision(assessment_id, user_id=who.id, actor="bea", decision=decision, reason="r")
    insights = compute_insights(store, catalogue)
    assert rows(insights.funnel, "stage", "candidates") == {
        "assessed": 21, "shortlisted": 16, "shortlisted, then rejected": 5}  # fmt: skip
    bea_rows = insights.recruiters[insights.recruiters["recruiter"] == "bea"]
    assert rows(bea_rows, "decision", "share") == {"shortlist": 0.5, "reject": 0.5}


def test_the_funnel_and_the_decisions_cannot_be_differenced_to_one_person_held_outright(database_url: str) -> None:
    """One group of 16: 5 shortlisted, 5 shortlisted then held, 1 held without a shortlist, 5 undecided.

    The decisions figure takes it whole (shortlist 5, hold 6, undecided 5) and shows 6 held. Had the funnel
    taken it too (its parts: 5, 5, 0 and the rest 6), it would show 5 "shortlisted, then held", and 6 - 5 tells
    that exactly one person was held outright. A figure and another may not differ by 1 to 4 in what they both
    count.
    """
    catalogue = load_catalogue()
    store = Store.from_url(database_url)
    ana = add_user(store, "ana", role="recruiter", password="correct horse battery")
    ids = save(store, catalogue, [({"ehr": 55.0}, {"ehr"})] * 16, when=JANUARY)
    for n, assessment_id in enumerate(ids[:11]):
        steps = ["shortlist"] if n < 5 else ["shortlist", "hold"] if n < 10 else ["hold"]
        for decision in steps:
            store.record_decision(assessment_id, user_id=ana.id, actor="ana", decision=decision, reason="r")
    insights = compute_insights(store, catalogue)
    held = int(insights.decisions.loc[insights.decisions["decision"] == "hold", "candidates"].sum())
    funnel = rows(insights.funnel, "stage", "candidates")
    shortlisted_then_held = int(funnel.get("shortlisted, then held", 0))  # type: ignore[call-overload]
    assert held == 6  # the decisions figure does show the group
    assert not 0 < held - shortlisted_then_held < MIN_GROUP, (held, funnel)
    store.engine.dispose()


def test_demo_rows_can_be_left_out_and_are_counted_as_whole_groups(pool: tuple[Store, Catalogue]) -> None:
    store, catalogue = pool
    for _ in range(9):  # demo rows in group A's month, role and source: a group of their own
        store.save_assessment(make(catalogue, {"ehr": 45.0}, {"ehr"}), actor="demo", source="recruiter",
                              legal_basis="contract", now=JANUARY, demo=True)  # fmt: skip
    with_demo = compute_insights(store, catalogue)
    assert (with_demo.total, with_demo.demo) == (32, 9)
    without = compute_insights(store, catalogue, Filters(include_demo=False))
    assert (without.total, without.demo) == (23, 0)
    assert rows(without.role_mix, "month", "candidates") == {"2026-01": 12, "2026-02": 11}
    assert rows(with_demo.role_mix, "month", "candidates") == {"2026-01": 21, "2026-02": 11}


def test_every_month_of_the_range_is_listed_those_with_nothing_shown_too(pool: tuple[Store, Catalogue]) -> None:
    store, catalogue = pool
    insights = compute_insights(store, catalogue, Filters(first_month=date(2025, 12, 1), last_month=date(2026, 3, 1)))
    assert insights.months == ("2025-12", "2026-01", "2026-02", "2026-03")
    assert set(insights.role_mix["month"]) == {"2026-01", "2026-02"}  # December and March: nothing shown
    assert compute_insights(store, catalogue).months == ("2026-01", "2026-02")


def test_the_spread_of_a_role_is_over_its_own_pool(pool: tuple[Store, Catalogue]) -> None:
    store, catalogue = pool
    save(store, catalogue, [({"imaging": 85.0 + n % 10}, {"dicom"}) for n in range(20)], when=FEBRUARY)
    spread = compute_insights(store, catalogue).fit_spread.set_index("role")
    # The imaging pool's own fits (80s), not everyone's fit to imaging (mostly 2.0 here)
    assert tuple(spread.loc[catalogue.roles["imaging"].label]) == (80, 100, 80, 90)
    assert tuple(spread.loc["EHR developer"]) == (40, 70, 50, 60)


def test_four_more_people_in_a_new_group_change_no_figure(pool: tuple[Store, Catalogue]) -> None:
    store, catalogue = pool
    before = compute_insights(store, catalogue)
    save(store, catalogue, [({"device": 97.0}, {"hipaa", "iec_62304"})] * 4, when=JANUARY, source="candidate")
    after = compute_insights(store, catalogue)
    assert counts(after) == counts(before)
    pd.testing.assert_frame_equal(after.fit_spread, before.fit_spread)


def test_filters_take_whole_months_roles_and_sources(pool: tuple[Store, Catalogue]) -> None:
    store, catalogue = pool
    february = Filters(first_month=date(2026, 2, 20), last_month=datetime(2026, 2, 1))
    assert february.first_month == february.last_month == date(2026, 2, 1)
    assert compute_insights(store, catalogue, february).total == 11
    assert compute_insights(store, catalogue, Filters(last_month=date(2026, 1, 31))).total == 12
    imaging = compute_insights(store, catalogue, Filters(roles=("imaging",)))
    assert imaging.total == 0 and all(frame.empty for frame in frames(imaging).values())
    assert compute_insights(store, catalogue, Filters(last_month=date(2025, 12, 1))).total == 0


def test_month_choices_are_whole_months_before_the_current_one() -> None:
    months = month_choices(date(2026, 3, 17), count=4)
    assert months == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]


# -- Differencing: every pair of filter settings one step apart ------------------------------------


def frames(insights: Insights) -> dict[str, pd.DataFrame]:
    return {f.name: getattr(insights, f.name) for f in dataclasses.fields(insights) if f.type == "pd.DataFrame"}


def counts(insights: Insights) -> dict[tuple[object, ...], int]:
    """Every count of people HR can see or download, by figure and cell (the spread holds none)."""
    cells: dict[tuple[object, ...], int] = {("total",): insights.total, ("demo",): insights.demo}
    for name, frame in frames(insights).items():
        if name == "fit_spread":
            continue
        keys = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
        numbers = [c for c in frame.columns if pd.api.types.is_integer_dtype(frame[c])]
        assert numbers, name
        for row in frame.to_dict("records"):
            for column in numbers:
                cells[(name, column, *(row[k] for k in keys))] = int(row[column])
    return cells


Setting = tuple[int, int, frozenset[str], frozenset[str], bool]


def steps(setting: Setting, *, months: int, roles: frozenset[str], sources: frozenset[str]) -> Iterator[Setting]:
    """The settings one step from ``setting``: a month more or less at either end, one role or source more or
    less, demo data in or out."""
    first, last, picked_roles, picked_sources, demo = setting
    for a, b in ((first - 1, last), (first + 1, last), (first, last - 1), (first, last + 1)):
        if 0 <= a <= b < months:
            yield a, b, picked_roles, picked_sources, demo
    for role in roles:
        if picked_roles ^ {role}:
            yield first, last, picked_roles ^ {role}, picked_sources, demo
    for source in sources:
        if picked_sources ^ {source}:
            yield first, last, picked_roles, picked_sources ^ {source}, demo
    yield first, last, picked_roles, picked_sources, not demo


def test_no_two_filter_settings_one_step_apart_differ_by_one_to_four_people(tmp_path: object) -> None:
    """A seeded SQLite database, three of the real roles, three months: all 252 settings, each against its neighbours.

    A third of the rows are made real (not demo) and half of the decisions another recruiter's, so demo in or
    out, the funnel and the per-recruiter figure all split groups. Every count shown is at least 5, and between
    neighbours every count moves by 0 or at least 5. Three roles and three months keep the run short while every
    role set (7), month range (6), source set (3) and demo choice (2) is tried: each kind of step (a role, a
    source, demo or a month at either end of a range, in or out) from settings of every size, a middle month
    included. Each setting costs a whole compute_insights, so a fourth role (540 settings) doubled the run and
    added no kind of step; the pool of these three still holds 15 groups of 1 to 4 people in the range.
    """
    full = load_catalogue()
    catalogue = dataclasses.replace(full, roles={r: full.roles[r] for r in ("ehr", "telemedicine", "device")})
    store = Store.from_url(f"sqlite:///{tmp_path}/pool.sqlite3")
    seed_demo(store, catalogue, assessments_count=1500, seed=11, now=datetime(2026, 7, 1))
    bea = add_user(store, "bea", role="recruiter", password="correct horse battery")
    with store.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE assessments SET demo = false WHERE id % 3 = 0")
        for table in ("assessment_fits", "assessment_skills"):
            connection.exec_driver_sql(f"UPDATE {table} SET demo = false WHERE assessment_id % 3 = 0")
        connection.exec_driver_sql(f"UPDATE decisions SET user_id = {bea.id} WHERE assessment_id % 2 = 0")
    # One real group decided in parts of 5 (shortlisted; shortlisted then held; rejected), so the decision
    # figures show numbers somewhere; 3 undecided beside 5 held in the next month keep that group out. The
    # seeded rows of these two groups go first, so the groups hold these people alone.
    with store.engine.begin() as connection:
        group = ("SELECT id FROM assessments WHERE substr(created_at, 1, 7) IN ('2026-02', '2026-03') "
                 "AND best_role = 'ehr' AND source = 'recruiter' AND demo = false")  # fmt: skip
        for table in ("decisions", "assessment_fits", "assessment_skills"):
            connection.exec_driver_sql(f"DELETE FROM {table} WHERE assessment_id IN ({group})")
        connection.exec_driver_sql(f"DELETE FROM assessments WHERE id IN ({group})")
    for when, parts, undecided in ((datetime(2026, 2, 9), ("shortlist", "hold", "reject"), 0),
                                   (datetime(2026, 3, 9), ("hold",), 3)):  # fmt: skip
        ids = save(store, catalogue, [({"ehr": 70.0}, {"ehr"})] * (5 * len(parts) + undecided), when=when)
        for n, assessment_id in enumerate(ids[: 5 * len(parts)]):
            decision = parts[n // 5]
            if decision == "hold":
                store.record_decision(assessment_id, user_id=bea.id, actor="bea", decision="shortlist", reason="r")
            store.record_decision(assessment_id, user_id=bea.id, actor="bea", decision=decision, reason="r")
    months = [date(2026, m, 1) for m in (1, 2, 3)]
    roles, sources = frozenset(catalogue.roles), frozenset({"recruiter", "candidate"})
    settings = [(a, b, frozenset(r), frozenset(s), d)
                for a, b in itertools.combinations_with_replacement(range(len(months)), 2)
                for r in subsets(roles) for s in subsets(sources) for d in (True, False)]  # fmt: skip
    seen: dict[Setting, dict[tuple[object, ...], int]] = {}
    for setting in settings:
        a, b, r, s, d = setting
        insights = compute_insights(
            store,
            catalogue,
            Filters(first_month=months[a], last_month=months[b], roles=tuple(sorted(r)), sources=tuple(sorted(s)),
                    include_demo=d),
        )  # fmt: skip
        seen[setting] = counts(insights)
        shown = {cell: n for cell, n in seen[setting].items() if n}
        assert all(n >= MIN_GROUP for n in shown.values()), (setting, shown)
        spread = insights.fit_spread.drop(columns="role")
        assert (spread % FIT_STEP == 0).all().all() and (spread.to_numpy() <= 100).all()
    assert len(seen) == 7 * 6 * 3 * 2
    figures = {cell[0] for cells in seen.values() for cell, n in cells.items() if n}
    assert {"funnel", "recruiters", "decisions", "demo"} <= figures  # the new figures do show numbers
    moved = 0
    for setting, cells in seen.items():
        for other in steps(setting, months=len(months), roles=roles, sources=sources):
            theirs = seen[other]
            for cell in cells.keys() | theirs.keys():
                difference = abs(cells.get(cell, 0) - theirs.get(cell, 0))
                assert not 0 < difference < MIN_GROUP, (setting, other, cell, difference)
                moved += difference > 0
    assert moved > 10_000, moved  # the neighbours do differ, by whole groups

    # The test has teeth: the raw pool holds groups of 1 to 4, so plain counts would differ by 1 to 4.
    month = sa.func.substr(assessments.c.created_at, 1, 7)
    with store.engine.connect() as connection:
        sizes = connection.execute(
            sa.select(sa.func.count()).where(month.between("2026-01", "2026-03"))
            .group_by(month, assessments.c.best_role, assessments.c.source, assessments.c.demo)
        ).scalars().all()  # fmt: skip
    assert sum(1 for n in sizes if 0 < n < MIN_GROUP) >= 5


def subsets(items: frozenset[str]) -> list[frozenset[str]]:
    """Every non-empty subset (choosing none means all, which is the full set)."""
    ordered = sorted(items)
    return [frozenset(c) for k in range(1, len(ordered) + 1) for c in itertools.combinations(ordered, k)]


def test_the_data_version_moves_with_every_save_decision_erasure_and_purge(pool: tuple[Store, Catalogue]) -> None:
    """(rows, newest id) per table names the data: ids are never reused, so a save always brings a new newest id
    and an erasure always fewer rows; only the very same rows give the same version again."""
    store, catalogue = pool
    seen = [data_version(store)]
    [new] = save(store, catalogue, [({"ehr": 50.0}, {"ehr"})], when=FEBRUARY)
    seen.append(data_version(store))
    store.record_decision(new, user_id=1, actor="ana", decision="hold", reason="r")
    seen.append(data_version(store))
    oldest = min(store.assessment_ids())
    store.erase_candidate(str(store.get_assessment(oldest)["candidate_ref"]), actor="ana")
    seen.append(data_version(store))
    store.erase_candidate(str(store.get_assessment(new)["candidate_ref"]), actor="ana")
    seen.append(data_version(store))
    store.purge_expired(actor="ana")  # everything here was saved in 2026's first months: long expired
    seen.append(data_version(store))
    assert len(set(seen)) == len(seen) == 6, seen
    [again] = save(store, catalogue, [({"ehr": 50.0}, {"ehr"})], when=FEBRUARY)
    store.erase_candidate(str(store.get_assessment(again)["candidate_ref"]), actor="ana")
    assert data_version(store) == seen[-1]  # the very same (no) rows: the same figures
