"""The HR page's Streamlit glue: its filters, and each chart with its sentence and its numbers."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import streamlit as st

from hcdev_match.storage.insights import FIT_STEP, MIN_GROUP, MIN_SPREAD, Filters, month_choices

if TYPE_CHECKING:
    from hcdev_match.catalogue.model import Catalogue
    from hcdev_match.storage.insight_cache import MonthlyCounts
    from hcdev_match.storage.insights import Insights

__all__ = ["INTRO", "figures", "filter_widgets", "show_charts", "show_empty", "show_totals"]

INTRO = (
    f"Aggregates only, never one person. People count in groups (one whole month, one best role, one source, demo "
    f"or not), and small groups are left out of every figure: a group enters a figure only when each part it adds "
    f"there has 0 or at least {MIN_GROUP} people, so figures can count fewer than the pool. Counts of 0 are not "
    f"shown. No minimum or maximum is shown; quartiles are given to {FIT_STEP}-point steps, over at least "
    f"{MIN_SPREAD} people."
)
SOURCES = {"recruiter": "Recruiter batches", "candidate": "Candidate opt-ins"}
#: The charts, row by row (by the Insights table each draws): the wide ones alone on their row.
ROWS = (("fit_spread",), ("bands", "funnel"), ("role_mix",), ("skill_gaps",), ("essentials", "future"),
        ("decisions",), ("recruiters",))  # fmt: skip


def filter_widgets(catalogue: Catalogue, today: date) -> Filters:
    """The month range, best roles, sources and the demo switch, as one Filters."""
    labels = {r: catalogue.roles[r].label for r in catalogue.roles}
    months = month_choices(today)
    dates, roles, sources, demo = st.columns([3, 3, 2, 2], vertical_alignment="bottom")
    first, last = dates.select_slider(
        "Assessed in (whole months, up to the last complete one)",
        options=months,
        value=(months[-12], months[-1]),
        format_func=lambda month: f"{month:%b %Y}",
        key="hr_months",
    )
    picked_roles = roles.multiselect(
        "Best role", options=list(labels), format_func=labels.get, key="hr_roles", placeholder="All roles"
    )
    picked_sources = sources.multiselect(
        "Source", options=list(SOURCES), format_func=SOURCES.get, key="hr_sources", placeholder="All sources"
    )
    without_demo = demo.toggle(
        "Real data only", key="hr_no_demo", help="Leave out the rows the `demo` command generated"
    )
    return Filters(
        first_month=first,
        last_month=last,
        roles=tuple(picked_roles),
        sources=tuple(picked_sources),
        include_demo=not without_demo,
    )


def figures(filters: Filters, *, hidden: str) -> tuple[Insights, list[dict[str, Any]]]:
    """The figures and their charts' specs, shared by every HR session until the data changes.

    Only aggregates are kept, and only while ``data_version`` stays the same: the next view after a save,
    a decision, an erasure or a purge computes them afresh.
    """
    from hcdev_match.storage.insights import data_version

    from . import database_url, get_store

    f = filters
    key = (f.first_month, f.last_month, f.roles, f.sources, f.include_demo)
    return _figures(database_url(), data_version(get_store()), key, hidden)


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def _figures(url: str, version: tuple[int, ...], key: tuple[Any, ...], hidden: str) -> tuple[Insights, list[Any]]:
    from hcdev_match.present.hr_figures import HR_CHARTS
    from hcdev_match.storage.insights import compute_insights

    from . import get_catalogue, get_store

    first, last, roles, sources, demo = key
    filters = Filters(first_month=first, last_month=last, roles=roles, sources=sources, include_demo=demo)
    insights = compute_insights(get_store(), get_catalogue(), filters, cache=_monthly_counts(url))
    # Validated by the chart tests; unvalidated here, which halves the time to a spec.
    return insights, [chart.build(insights, hidden).to_dict(validate=False) for chart in HR_CHARTS]


@st.cache_resource(show_spinner=False)
def _monthly_counts(url: str) -> MonthlyCounts:
    """The database's counts, month by month: after a change only the months it touched are counted again."""
    from hcdev_match.storage.insight_cache import MonthlyCounts

    return MonthlyCounts()


def show_empty(filters: Filters, today: date) -> None:
    demo = "" if filters.include_demo else " (demo data is left out: switch it back on to see it)"
    st.info(
        f"Nothing to show: no stored assessments match, or only groups of fewer than {MIN_GROUP} people (the page "
        f"does not say which){demo}. This month's assessments ({today:%B %Y}) are shown once the month is "
        "complete, so that no figure moves while they arrive. Recruiters save assessments on the Recruiter page; "
        "`python -m hcdev_match demo --assessments 2000` adds demo data."
    )


def show_totals(insights: Insights) -> None:
    if insights.demo:
        st.warning(
            f"Demo data: {insights.demo:,} of the {insights.total:,} assessments counted are generated. "
            "**Real data only** leaves them out."
        )
    st.metric("Assessments in view", f"{insights.total:,}")


def show_charts(insights: Insights, specs: list[dict[str, Any]]) -> None:
    """Every HR chart, each with its sentence and, on request, the table of its numbers."""
    from hcdev_match.present.hr_figures import HR_CHARTS

    # The tables are drawn only on request: nine grids on every view would slow the page down for all.
    numbers = st.toggle("Show the numbers behind each chart", key="hr_numbers")
    charts = {chart.table: (chart, spec) for chart, spec in zip(HR_CHARTS, specs, strict=True)}
    for row in ROWS:
        for column, (chart, spec) in zip(st.columns(len(row)), (charts[name] for name in row), strict=True):
            with column:
                st.vega_lite_chart(spec, width="stretch", alt=chart.reading)
                st.caption(chart.reading)
                table = getattr(insights, chart.table)
                if numbers and not table.empty:
                    # The table's own toolbar downloads it as CSV in the browser, from this session's data: no
                    # file is left on the server for anyone with its link (download buttons serve theirs from
                    # /media/ to anyone).
                    st.dataframe(table, hide_index=True)
