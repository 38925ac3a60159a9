"""HR sees the talent pool as a whole: whole groups of at least 5 people, never one person."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from hcdev_match import HcdevMatchError
from hcdev_match.present import charts
from hcdev_match.present.report import escape_markdown
from hcdev_match.storage.insights import (
    FIT_STEP,
    HIDDEN_NOTE,
    MIN_GROUP,
    MIN_SPREAD,
    Filters,
    compute_insights,
    month_choices,
)
from hcdev_match.storage.store import utc_now
from webui import get_catalogue, get_store, guard

st.set_page_config(page_title="hcdev-match: talent pool", page_icon="🩺", layout="wide")
guard("hr")
catalogue = get_catalogue()
role_labels = {r: catalogue.roles[r].label for r in catalogue.roles}

st.title("The talent pool at a glance")
st.caption(
    f"Aggregates only, never one person. People count in groups (one whole month, one best role, one source), and "
    f"small groups are left out of every figure: a group enters a figure only when each part it adds there has 0 or "
    f"at least {MIN_GROUP} people, so figures can count fewer than the pool. Counts of 0 are not shown. No minimum or "
    f"maximum is shown; quartiles are given to {FIT_STEP}-point steps, over at least {MIN_SPREAD} people."
)

months = month_choices(utc_now().date())
dates, roles, sources = st.columns([2, 3, 2])
first, last = dates.select_slider(
    "Assessed in (whole months, up to the last complete one)",
    options=months,
    value=(months[-12], months[-1]),
    format_func=lambda month: f"{month:%b %Y}",
    key="hr_months",
)
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
filters = Filters(first_month=first, last_month=last, roles=tuple(picked_roles), sources=tuple(picked_sources))
try:
    insights = compute_insights(get_store(), catalogue, filters)
except HcdevMatchError as exc:
    st.error(escape_markdown(str(exc)))
    st.stop()

if insights.total == 0:
    st.info(
        f"Nothing to show: no stored assessments match, or only groups of fewer than {MIN_GROUP} people (the page "
        "does not say which). Recruiters save assessments on the Recruiter page; "
        "`python -m hcdev_match demo --assessments 2000` adds demo data."
    )
    st.stop()
if insights.demo:
    st.warning(f"Demo data: {insights.demo:,} of the {insights.total:,} assessments counted are generated.")
st.metric("Assessments in view", f"{insights.total:,}")


def show(chart: alt.TopLevelMixin, frame: pd.DataFrame) -> None:
    st.altair_chart(chart, width="stretch")
    if not frame.empty:
        # The table's own toolbar downloads it as CSV in the browser, from this session's data: no file is
        # left on the server for anyone with its link (download buttons serve theirs from /media/ to anyone).
        st.expander("The numbers behind this chart").dataframe(frame, hide_index=True)


left, right = st.columns(2)
with left:
    show(charts.build_spread_chart(insights.fit_spread, hidden=HIDDEN_NOTE), insights.fit_spread)
with right:
    show(charts.build_bands_chart(insights.bands, hidden=HIDDEN_NOTE), insights.bands)
show(charts.build_mix_chart(insights.role_mix, hidden=HIDDEN_NOTE), insights.role_mix)
show(charts.build_gaps_chart(insights.skill_gaps, hidden=HIDDEN_NOTE), insights.skill_gaps)
left, right = st.columns(2)
with left:
    title = "The article's healthcare skills across the pool"
    show(charts.build_share_chart(insights.essentials, title=title, hidden=HIDDEN_NOTE), insights.essentials)
with right:
    title = "Readiness for future technologies"
    show(charts.build_share_chart(insights.future, title=title, hidden=HIDDEN_NOTE), insights.future)
show(charts.build_decisions_chart(insights.decisions, hidden=HIDDEN_NOTE), insights.decisions)
