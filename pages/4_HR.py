"""HR sees the talent pool as a whole: aggregates only, small groups suppressed."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from hcdev_match import HcdevMatchError, charts, load_catalogue
from hcdev_match.insights import MIN_GROUP, Filters, compute_insights
from hcdev_match.report import escape_markdown
from ui import get_store, guard

st.set_page_config(page_title="hcdev-match: talent pool", page_icon="🩺", layout="wide")
guard("hr")
catalogue = load_catalogue()
role_labels = {r: catalogue.roles[r].label for r in catalogue.roles}

st.title("The talent pool at a glance")
st.caption(
    f"Aggregates over stored assessments only: no CV, name or individual is shown, and any group of fewer than "
    f"{MIN_GROUP} people is left out (and listed below)."
)

today = date.today()
dates, roles, sources = st.columns([2, 3, 2])
chosen = dates.date_input("Assessed between", value=(today - timedelta(days=365), today), key="hr_dates")
picked_roles = roles.multiselect(
    "Best role", options=list(role_labels), format_func=role_labels.get, key="hr_roles", placeholder="All roles"
)
picked_sources = sources.multiselect(
    "Source",
    options=["recruiter", "candidate"],
    format_func={"recruiter": "Recruiter batches", "candidate": "Candidate opt-ins"}.get,
    key="hr_sources",
    placeholder="All sources",
)
since, until = chosen if isinstance(chosen, tuple) and len(chosen) == 2 else (chosen, chosen)  # type: ignore[misc]
filters = Filters(
    since=datetime.combine(since, datetime.min.time()) if since else None,
    until=datetime.combine(until, datetime.min.time()) + timedelta(days=1) if until else None,
    roles=tuple(picked_roles),
    sources=tuple(picked_sources),
)
try:
    insights = compute_insights(get_store(), catalogue, filters)
except HcdevMatchError as exc:
    st.error(escape_markdown(str(exc)))
    st.stop()

if insights.total == 0:
    st.info(
        "No stored assessments match. Recruiters save assessments on the Recruiter page; "
        "`python -m hcdev_match demo --assessments 2000` adds demo data."
    )
    st.stop()
if insights.demo:
    st.warning(
        f"Demo data: {insights.demo:,} of the {insights.total:,} assessments shown are generated for demonstration."
    )
st.metric("Assessments in view", f"{insights.total:,}")


def show(chart: alt.TopLevelMixin, frame: pd.DataFrame, name: str, key: str) -> None:
    st.altair_chart(chart, width="stretch")
    st.download_button(
        "Numbers behind this chart (CSV)",
        frame.to_csv(index=False),
        file_name=f"hcdev-{name}.csv",
        mime="text/csv",
        key=key,
    )


left, right = st.columns(2)
with left:
    show(charts.build_spread_chart(insights.fit_spread), insights.fit_spread, "fit-spread", "csv_spread")
with right:
    show(charts.build_bands_chart(insights.bands), insights.bands, "fit-bands", "csv_bands")
show(charts.build_mix_chart(insights.role_mix), insights.role_mix, "role-mix", "csv_mix")
show(charts.build_gaps_chart(insights.skill_gaps), insights.skill_gaps, "skill-gaps", "csv_gaps")
left, right = st.columns(2)
with left:
    show(
        charts.build_share_chart(insights.essentials, title="The article's healthcare skills across the pool"),
        insights.essentials,
        "healthcare-skills",
        "csv_essentials",
    )
with right:
    show(
        charts.build_share_chart(insights.future, title="Readiness for future technologies"),
        insights.future,
        "future-tech",
        "csv_future",
    )
show(charts.build_decisions_chart(insights.decisions), insights.decisions, "decisions", "csv_decisions")

if insights.suppressed:
    st.caption("Left out to protect individuals: " + "; ".join(insights.suppressed) + ".")
