"""HR sees the talent pool as a whole: whole groups of at least 5 people, never one person."""

from __future__ import annotations

import streamlit as st

from hcdev_match import HcdevMatchError
from hcdev_match.present.report import escape_markdown
from hcdev_match.storage.insights import HIDDEN_NOTE
from hcdev_match.storage.store import utc_now
from webui import get_catalogue, guard
from webui.hr import INTRO, figures, filter_widgets, show_charts, show_empty, show_totals

st.set_page_config(page_title="hcdev-match: talent pool", page_icon="🩺", layout="wide")
guard("hr")
catalogue = get_catalogue()  # a cached resource: loaded once per server process, not on every rerun

st.title("The talent pool at a glance")
st.caption(INTRO)
today = utc_now().date()
filters = filter_widgets(catalogue, today)
try:
    insights, specs = figures(filters, hidden=HIDDEN_NOTE)  # cached until the data changes
except HcdevMatchError as exc:
    st.error(escape_markdown(str(exc)))
    st.stop()

if insights.total == 0:
    show_empty(filters, today)
    st.stop()
show_totals(insights)
show_charts(insights, specs)
