"""Privacy operations for recruiters: access requests, erasure, retention, audit."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import streamlit as st

from hcdev_match.errors import HcdevMatchError
from hcdev_match.present.report import escape_markdown
from webui import get_store, guard

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
        removal = attempt(lambda: store.erase_candidate(ref.strip(), actor=actor))
        if removal is not None and removal.scrubbed:
            st.success(f"Erased {removal.count} assessment(s); no trace is left in the database files.")
        elif removal is not None:
            st.warning(
                f"Erased {removal.count} assessment(s): no query can reach them. Another connection is still "
                "reading, so their old pages stay in the database file until it ends; the app removes them "
                "by itself then (or the next purge does)."
            )

with purge_tab:
    st.markdown(
        f"Assessments are kept for {store.config.retention_days} days (HCDEV_RETENTION_DAYS), counted when the "
        "purge runs, and never past the expiry they were saved with. Expired ones are purged by "
        "`python -m hcdev_match purge` (run it daily) or here."
    )
    if st.button("Purge expired assessments now", key="purge_run"):
        purged = attempt(lambda: store.purge_expired(actor=actor))
        if purged is not None and purged.scrubbed:
            st.success(f"Purged {purged.count} expired assessment(s); no trace of erased ones is left in the files.")
        elif purged is not None:
            st.warning(
                f"Purged {purged.count} expired assessment(s); another connection is still reading, so old pages "
                "stay in the database file until it ends; the app removes them by itself then."
            )

with audit_tab:
    from hcdev_match.storage.audit import PER_PAGE, audit_actions, read_audit
    from webui.limits import refused_now, write_refusals

    write_refusals()  # ended windows of refused floods, one row each
    actions = attempt(lambda: audit_actions(store)) or []
    action_col, from_col, to_col, page_col = st.columns([2, 1, 1, 1])
    action = action_col.selectbox("Action", ["all actions", *actions], key="audit_action")
    start = from_col.date_input("From (UTC)", value=None, key="audit_from")
    end = to_col.date_input("To (UTC)", value=None, key="audit_to")
    page = page_col.number_input("Page", min_value=1, value=1, step=1, key="audit_page")
    view = attempt(
        lambda: read_audit(
            store, action=None if action == "all actions" else action, start=start, end=end, page=int(page)
        )
    )
    if view is None:
        pass  # the reason is shown above
    elif view.entries:
        st.caption(
            f"Entries {view.first}–{view.first + len(view.entries) - 1} of {view.total}, newest first "
            f"(page {view.page} of {view.pages}, {PER_PAGE} a page)."
        )
        st.dataframe(pd.DataFrame(view.entries), hide_index=True, width="stretch")
    else:
        st.info(
            "No audit entries match."
            if view.total == 0 and (action != "all actions" or start or end)
            else "The audit log is empty."
        )
    pending = {kind: n for kind, n in refused_now().items() if n}
    if pending:
        st.caption(
            "Refused in the current window, written as one row each when it ends: "
            + ", ".join(f"{n} {kind}" for kind, n in pending.items())
        )
