"""Privacy operations for recruiters: find a candidate, access requests, erasure, retention, audit."""

from __future__ import annotations

import streamlit as st

from webui import get_store, guard
from webui.privacy import attempt, audit_view, browser_zone, erase_form, export_form, find_form, purge_form

st.set_page_config(page_title="hcdev-match: privacy", page_icon="🩺", layout="wide")
user = guard("privacy")
assert user is not None  # guard() stops the page for anyone the policy refuses
actor = str(user["name"])
st.title("Privacy: access requests, erasure and retention")
st.caption(
    "Every action here is written to the audit log with your name. The log keeps who did what and when, "
    "never CV text, candidate references, file names or erase codes."
)
store = attempt(get_store)
if store is None:
    st.stop()
zone = browser_zone()

find_tab, export_tab, erase_tab, purge_tab, audit_tab = st.tabs(
    ["Find a candidate", "Access request", "Erase", "Retention", "Audit log"]
)
with find_tab:
    find_form(store, actor=actor, zone=zone)
with export_tab:
    export_form(store, actor=actor, zone=zone)
with erase_tab:
    erase_form(store, actor=actor)
with purge_tab:
    purge_form(store, actor=actor)
with audit_tab:
    audit_view(store, zone=zone)
