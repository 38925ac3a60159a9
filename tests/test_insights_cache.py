"""HR counts kept month by month: the same figures as counting afresh, and only changed months counted again."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pandas as pd
import sqlalchemy as sa

from hcdev_match.catalogue.model import load_catalogue
from hcdev_match.storage.accounts import add_user
from hcdev_match.storage.demo import seed_demo
from hcdev_match.storage.insight_cache import MonthlyCounts
from hcdev_match.storage.insights import Filters, Insights, compute_insights, month_choices
from hcdev_match.storage.privacy import erase_candidate
from hcdev_match.storage.schema import assessments
from hcdev_match.storage.store import Store, utc_now

from .test_insights import save


def same(a: Insights, b: Insights) -> bool:
    return all(
        x.equals(y) if isinstance(x, pd.DataFrame) else x == y
        for x, y in ((getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(Insights))
    )


def test_counts_kept_by_month_give_the_fresh_figures_through_saves_decisions_and_erasures(database_url: str) -> None:
    store, catalogue = Store.from_url(database_url), load_catalogue()
    seed_demo(store, catalogue, assessments_count=400, seed=3)
    months = month_choices(utc_now().date())
    role = next(iter(catalogue.roles))
    settings = [Filters(), Filters(first_month=months[-6], last_month=months[-2]), Filters(include_demo=False),
                Filters(roles=(role,), sources=("recruiter",), first_month=months[-12])]  # fmt: skip
    cache = MonthlyCounts()

    def check() -> None:
        for filters in settings:
            kept = compute_insights(store, catalogue, filters, cache=cache)
            assert same(kept, compute_insights(store, catalogue, filters))

    check()
    counted = cache.months_counted
    when = utc_now() - timedelta(days=70)
    ids = save(store, catalogue, [({role: 70.0}, {"fhir"})] * 6, when=when)  # real rows, in one month
    check()
    assert cache.months_counted == counted + 1  # that month alone was counted again
    decisions = cache.decisions_counted
    user = add_user(store, "rita", role="recruiter", password="a long enough password")
    store.record_decision(ids[0], user_id=user.id, actor="rita", decision="shortlist", reason="strong FHIR work")
    check()
    assert (cache.months_counted, cache.decisions_counted) == (counted + 1, decisions + 1)
    with store.reading("find a candidate") as connection:
        ref = connection.execute(sa.select(assessments.c.candidate_ref).where(assessments.c.id == ids[0])).scalar_one()
    erase_candidate(store, ref, actor="dpo")
    check()
    assert cache.months_counted == counted + 2


def test_version_10_leads_the_assessment_and_fit_indexes_with_the_month(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = Store.from_url(f"sqlite:///{tmp_path / 'hr.sqlite3'}")
    with store.reading("list the indexes") as connection:
        names = set(connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'").scalars())
        plan = connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT substr(created_at, 1, 7), count(*), max(id) FROM assessments "
            "GROUP BY substr(created_at, 1, 7)"
        ).all()
        fits = connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'ix_assessment_fits_month'")
        fit_index = fits.scalar_one()
    assert {"ix_assessments_month", "ix_assessment_fits_month"} <= names
    assert "(substr(created_at, 1, 7), role," in fit_index  # version 8's fit index now leads with the month
    assert any("USING COVERING INDEX ix_assessments_month" in str(row) or "USING INDEX ix_assessments_month" in str(row)
               for row in plan)  # fmt: skip
