"""Privacy operations for recruiters: access requests, erasure, retention, audit."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import streamlit as st

from hcdev_match.errors import HcdevMatchError
from hcdev_match.report import escape_markdown
from ui import get_store, guard

T = TypeVar("T")

st.set_page_config(page_title="hcdev-match: privacy", page_icon="🩺", layout="wide")
user = guard("privacy")
assert user is not None  # guard() stops the page for anyone the policy refuses
actor = str(user["name"])
st.title("Privacy: access requests, erasure and retention")
st.caption(
    "Every action here is written to the audit log with your name. The log keeps who did what and when, "
    "never CV text or candidate references."
)


def attempt(action: Callable[[], T]) -> T | None:
    """Run a store operation; show its refusal as a message instead of a traceback."""
    try:
        return action()
    except HcdevMatchError as exc:
        st.error(escape_markdown(str(exc)))
        return None


store = attempt(get_store)
if store is None:
    st.stop()

export_tab, erase_tab, purge_tab, audit_tab = st.tabs(["Access request", "Erase", "Retention", "Audit log"])

with export_tab:
    st.markdown("Give a candidate everything kept about them, as JSON.")
    ref = st.text_input("Candidate reference", key="export_ref")
    if st.button("Prepare the export", key="export_run") and ref.strip():
        data = attempt(lambda: store.export_candidate(ref.strip(), actor=actor))
        if data is not None:
            st.success(f"{len(data['assessments'])} assessment(s) found.")
            st.download_button(
                "Download the JSON",
                json.dumps(data, indent=2, ensure_ascii=False),
                file_name=f"hcdev-export-{ref.strip()}.json",
                mime="application/json",
                key="export_download",
            )

with erase_tab:
    st.markdown("Remove everything kept about one candidate: assessments, fits, skills and decisions.")
    ref = st.text_input("Candidate reference", key="erase_ref")
    sure = st.checkbox("I understand this cannot be undone.", key="erase_confirm")
    if st.button("Erase", key="erase_run", disabled=not sure) and ref.strip():
        removed = attempt(lambda: store.erase_candidate(ref.strip(), actor=actor))
        if removed is not None:
            st.success(f"Erased {removed} assessment(s); no trace is left in the database files.")

with purge_tab:
    st.markdown(
        f"Assessments are kept for {store.config.retention_days} days, then removed. Expired ones are "
        "purged by `python -m hcdev_match purge` (run it daily) or here."
    )
    if st.button("Purge expired assessments now", key="purge_run"):
        purged = attempt(lambda: store.purge_expired(actor=actor))
        if purged is not None:
            st.success(f"Purged {purged} expired assessment(s).")

with audit_tab:
    entries = attempt(lambda: store.audit_entries(limit=200))
    if entries is None:
        pass  # the reason is shown above
    elif entries:
        st.dataframe(pd.DataFrame(entries), hide_index=True, width="stretch")
    else:
        st.info("The audit log is empty.")
