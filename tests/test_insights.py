"""HR aggregates: known answers on a small hand-built database, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from hcdev_match.accounts import add_user
from hcdev_match.assessment import Assessment, DomainEvidence, RoleFit, SkillMatch
from hcdev_match.catalogue import Catalogue, load_catalogue
from hcdev_match.insights import Filters, compute_insights
from hcdev_match.store import Store

JANUARY, MARCH = datetime(2026, 1, 15), datetime(2026, 3, 10)


def make(catalogue: Catalogue, best: str, fits: dict[str, float], skills: set[str]) -> Assessment:
    role_fits = []
    for role in catalogue.roles:
        matched = tuple(SkillMatch(s, s, "must_have", 1.0, False) for s in sorted(skills))
        missing = {"must_have": tuple(s for s in catalogue.roles[role].must_have if s not in skills)}
        role_fits.append(RoleFit(role, role, fits.get(role, 1.0), 0.1, matched, missing))
    ordered = tuple(sorted(role_fits, key=lambda f: (-f.fit, f.role)))
    assert ordered[0].role == best
    return Assessment("test", ordered, (), DomainEvidence(1, 1), 400)


@pytest.fixture
def pool(database_url: str) -> Iterator[tuple[Store, Catalogue]]:
    """Ten assessments: six with EHR as best role, four (a small group) with imaging."""
    catalogue = load_catalogue()
    store = Store.from_url(database_url)
    ana = add_user(store, "ana", role="recruiter", password="correct horse battery")
    ehr_fits = [10, 20, 30, 40, 50, 60, 70, 80, 90, 95]  # role ehr, for all ten
    ids = []
    for n in range(10):
        best = "ehr" if n < 6 else "imaging"
        fits = {"ehr": ehr_fits[n], "imaging": 99.0 if best == "imaging" else 2.0}
        if best == "ehr":
            fits["ehr"] = max(ehr_fits[n], 3.0)
        skills = {"ehr"} if best == "ehr" else set()
        if n < 3:
            skills |= {"hl7"}
        if n < 7:
            skills |= {"security"}
        if n < 2:
            skills |= {"usability"}
        if n < 5:
            skills |= {"machine_learning"}
        saved = store.save_assessment(
            make(catalogue, best, fits, skills), actor="ana", source="recruiter" if n < 8 else "candidate",
            legal_basis="contract", created_by=ana.id, now=JANUARY if n < 9 else MARCH,
        )  # fmt: skip
        ids.append(saved.id)
    for assessment_id in ids[:5]:
        store.record_decision(assessment_id, user_id=ana.id, actor="ana", decision="shortlist", reason="r")
    store.record_decision(ids[5], user_id=ana.id, actor="ana", decision="reject", reason="first")
    store.record_decision(ids[5], user_id=ana.id, actor="ana", decision="hold", reason="second thoughts")
    yield store, catalogue
    store.engine.dispose()


def test_fit_spread_is_exact_from_the_histogram(pool: tuple[Store, Catalogue]) -> None:
    store, catalogue = pool
    insights = compute_insights(store, catalogue)
    ehr = insights.fit_spread.set_index("role").loc["EHR developer"]
    # fits 10..95 on the EHR role; nearest-rank quartiles
    assert (ehr["n"], ehr["min"], ehr["q1"], ehr["median"], ehr["q3"], ehr["max"]) == (10, 10, 30, 50, 80, 95)
    bands = insights.bands[insights.bands["role"] == "EHR developer"].set_index("band")["candidates"]
    assert bands["30+"] == 8 and bands["60+"] == 5
    assert bands.isna()["90+"]  # only 2 people: suppressed


def test_role_mix_counts_months_and_suppresses_small_groups(pool: tuple[Store, Catalogue]) -> None:
    store, catalogue = pool
    mix = compute_insights(store, catalogue).role_mix
    january = mix[mix["month"] == "2026-01"].set_index("role")["candidates"]
    assert january["EHR developer"] == 6
    assert january.isna()["Medical imaging software developer"]  # 3 people
    assert any("months" in s for s in compute_insights(store, catalogue).suppressed)


def test_skill_gaps_are_shares_of_each_role_pool(pool: tuple[Store, Catalogue]) -> None:
    store, catalogue = pool
    gaps = compute_insights(store, catalogue).skill_gaps
    ehr = gaps[gaps["role"] == "EHR developer"].set_index("skill")["missing share"]
    assert ehr["Electronic health records (EHR / EMR)"] == 0.0  # all six have it
    assert ehr["FHIR (R4)"] == 1.0  # none has it
    assert pd_isna(ehr["HL7 v2"])  # 3 of 6 missing: fewer than 5, suppressed
    imaging = gaps[gaps["role"] == "Medical imaging software developer"]
    assert imaging["missing share"].isna().all() and imaging["pool"].isna().all()  # a pool of 4


def test_pool_shares_of_healthcare_and_future_skills(pool: tuple[Store, Catalogue]) -> None:
    store, catalogue = pool
    insights = compute_insights(store, catalogue)
    essentials = insights.essentials.set_index("skill")
    assert essentials.loc["Security of patient data", "share"] == 0.7
    assert pd_isna(essentials.loc["Usability for clinicians and patients", "share"])  # 2 people
    future = insights.future.set_index("skill")
    assert future.loc["AI and machine learning", "share"] == 0.5
    assert future.loc["Blockchain", "share"] is None or pd_isna(future.loc["Blockchain", "share"])


def test_decisions_count_each_assessments_latest_decision(pool: tuple[Store, Catalogue]) -> None:
    store, catalogue = pool
    decisions = compute_insights(store, catalogue).decisions
    shortlisted = decisions[(decisions["decision"] == "shortlist") & (decisions["role"] == "EHR developer")]
    assert shortlisted["candidates"].tolist() == [5]
    held = decisions[decisions["decision"] == "hold"]
    assert held["candidates"].isna().all()  # one person: suppressed
    assert decisions[decisions["decision"] == "reject"].empty  # superseded by the later hold


def test_filters_narrow_by_date_role_and_source(pool: tuple[Store, Catalogue]) -> None:
    store, catalogue = pool
    assert compute_insights(store, catalogue, Filters(since=datetime(2026, 2, 1))).total == 1
    assert compute_insights(store, catalogue, Filters(roles=("imaging",))).total == 4
    candidates = compute_insights(store, catalogue, Filters(sources=("candidate",)))
    assert candidates.total == 2 and candidates.fit_spread.empty  # fewer than 5: nothing to show
    assert compute_insights(store, catalogue, Filters(until=datetime(2025, 1, 1))).total == 0


def pd_isna(value: object) -> bool:
    import pandas as pd

    return bool(pd.isna(value))
