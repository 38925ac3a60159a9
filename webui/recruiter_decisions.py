"""Decisions on the recruiter page: one form per candidate, confirmed before it is recorded, and in bulk.

Each candidate has a form of its own (its widgets are keyed by the code),
starting empty: nothing typed for one candidate can be sent for another.
A decision is recorded only after the recruiter confirms the question that
names the candidate; changing the candidate drops a question not confirmed.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from hcdev_match.errors import HcdevMatchError
from hcdev_match.present.privacy_view import local_time
from hcdev_match.present.report import escape_markdown
from hcdev_match.present.spreadsheet import neutralise_cell
from hcdev_match.storage.batches import DecisionEntry, decision_history, record_decisions, set_note
from hcdev_match.storage.store import DECISIONS
from hcdev_match.workflows.shortlist import PendingDecision, compare_frame, plan_decision
from webui import get_store, render_fit_check

from .opening_recruiter import opening_reasons
from .privacy import browser_zone
from .recruiter import user_id
from .recruiter_state import BULK_OPEN, HISTORY_OPEN, PENDING, VIEWED, Work


def histories(work: Work) -> dict[str, list[DecisionEntry]]:
    """Each saved candidate's decisions, oldest first, read from the database (every run: others decide too)."""
    if not work.saved:
        return {}
    try:
        found = decision_history(get_store(), list(work.saved.values()))
    except HcdevMatchError as exc:
        st.error(escape_markdown(str(exc)))
        return {}
    return {code: found.get(i, []) for code, i in work.saved.items()}


def candidate_panel(work: Work, codes: list[str], history: dict[str, list[DecisionEntry]], user: dict[str, Any],
                    *, blind: bool) -> None:  # fmt: skip
    """The selected candidate: current decision and history, the decision form, the note, the explanation."""
    if st.session_state.get("explain_candidate") not in codes:
        st.session_state["explain_candidate"] = codes[0]
    code = st.selectbox("Candidate", options=codes, key="explain_candidate")
    pending = st.session_state.get(PENDING)
    if isinstance(pending, PendingDecision) and pending.scope == "one" and pending.codes != (code,):
        del st.session_state[PENDING]  # asked for another candidate: never recorded for this one
    entries, zone = history.get(code, []), browser_zone()
    if entries:
        now = entries[-1]
        st.markdown(f"**Current decision on {code}: {now.decision}** (by {escape_markdown(now.by)}, "
                    f"{local_time(now.at, zone)}): {escape_markdown(now.reason)}")  # fmt: skip
        with st.expander(
            f"History of decisions on {code} ({len(entries)})", key=HISTORY_OPEN, on_change="rerun"
        ) as box:
            if box.open:  # drawn when opened
                st.table(pd.DataFrame({"when": [local_time(e.at, zone) for e in entries],
                                       "by": [e.by for e in entries], "decision": [e.decision for e in entries],
                                       "why": [e.reason for e in entries]}))  # fmt: skip
    elif code in work.saved:
        st.markdown(f"**No decision on {code} yet.**")
    decision_form(work, code, user)
    note_form(work, code, user)
    _audit_view(work, code, user)
    try:
        check = work.explained.get((code, blind)) or work.ranking.explain(code, blind=blind)  # scored unmasked
    except HcdevMatchError as exc:
        st.info(escape_markdown(str(exc)))
        return
    work.explained[(code, blind)] = check
    opening_reasons(work.ranking.matcher, check)  # with a posting in hand: the fit to it, in its terms
    render_fit_check(check, narrow=True)  # beside the table: stacked, not in columns of its narrow width


def decision_form(work: Work, code: str, user: dict[str, Any]) -> None:
    if code not in work.saved:
        st.caption("Save the batch first: a decision refers to a saved assessment.")
        return
    with st.form(f"decision_form_{code}", clear_on_submit=True):
        decision = st.radio(f"Decision on {code}", DECISIONS, index=None, horizontal=True, key=f"decision_{code}")
        reason = st.text_input("Why (recorded with your name)", key=f"decision_reason_{code}")
        asked = st.form_submit_button(f"Record the decision on {code}…", key=f"record_decision_{code}")
    if asked:
        _plan([code], decision, reason, work, scope="one")
    confirm(work, user, scope="one")


def bulk_decisions(work: Work, codes: list[str], user: dict[str, Any]) -> None:
    """One decision for several candidates at once, confirmed like a single one."""
    if not work.saved:
        return
    # Drawn when opened (a rerun), not sent closed with every result; its question is asked outside it.
    with st.expander("Decide on several candidates at once", key=BULK_OPEN, on_change="rerun") as box:
        if box.open:
            with st.form("bulk_form", clear_on_submit=True):
                chosen = st.multiselect("Candidates", codes, key="bulk_candidates")
                decision = st.radio("Decision", DECISIONS, index=None, horizontal=True, key="bulk_decision")
                reason = st.text_input("Why (recorded with your name, for each of them)", key="bulk_reason")
                asked = st.form_submit_button("Record the decision for the selected candidates…", key="record_bulk")
            if asked:
                _plan(chosen, decision, reason, work, scope="bulk")
    confirm(work, user, scope="bulk")


def _plan(codes: list[str], decision: str | None, reason: str, work: Work, *, scope: str) -> None:
    try:
        st.session_state[PENDING] = plan_decision(codes, decision, reason, saved=work.saved, scope=scope)
    except HcdevMatchError as exc:
        st.error(escape_markdown(str(exc)))


def confirm(work: Work, user: dict[str, Any], *, scope: str) -> None:
    """The question naming the candidates; recorded only on its confirmation."""
    pending = st.session_state.get(PENDING)
    if not isinstance(pending, PendingDecision) or pending.scope != scope:
        return
    st.warning(f"Record **{pending.decision}** for **{pending.who()}**, because: {escape_markdown(pending.reason)}?")
    yes, no = st.columns(2)
    if no.button("Cancel", key=f"cancel_decision_{scope}"):
        del st.session_state[PENDING]
        st.rerun()
    if not yes.button("Confirm and record", key=f"confirm_decision_{scope}", type="primary"):
        return
    try:
        record_decisions(get_store(), [work.saved[c] for c in pending.codes], user_id=user_id(user),
                         actor=str(user["name"]), decision=pending.decision, reason=pending.reason)  # fmt: skip
    except HcdevMatchError as exc:
        st.error(escape_markdown(str(exc)))
        return
    del st.session_state[PENDING]
    st.rerun()


def note_form(work: Work, code: str, user: dict[str, Any]) -> None:
    if work.batch_id is None:
        return
    with st.form(f"note_form_{code}"):
        note = st.text_area(f"Your note on {code} (kept with the batch)", value=work.notes.get(code, ""),
                            key=f"note_{code}", max_chars=4000)  # fmt: skip
        keep = st.form_submit_button("Keep the note", key=f"keep_note_{code}")
    if keep:
        try:
            set_note(get_store(), work.batch_id, code, note, actor=str(user["name"]))
        except HcdevMatchError as exc:
            st.error(escape_markdown(str(exc)))
        else:
            work.notes[code] = note
            st.success(f"Note on {code} kept.")


def compare(table: pd.DataFrame, codes: list[str], *, role_labels: dict[str, str], work: Work) -> None:
    """Two or three candidates side by side."""
    chosen = st.multiselect("Compare two or three candidates side by side", codes, max_selections=3,
                            key="compare_candidates")  # fmt: skip
    if len(chosen) < 2:
        return
    frame = compare_frame(table, chosen, role_labels=role_labels)
    frame.loc["note"] = [neutralise_cell(work.notes.get(c, "")) for c in chosen]  # the grid's CSV download
    st.dataframe(frame, width="stretch", key="comparison")


def _audit_view(work: Work, code: str, user: dict[str, Any]) -> None:
    """A saved candidate's view goes in the audit log once per session: reruns are not new views."""
    viewed: set[str] = st.session_state.setdefault(VIEWED, set())
    if code not in work.saved or code in viewed:
        return
    try:
        get_store().audit(str(user["name"]), "viewed", f"assessment:{work.saved[code]}")
        viewed.add(code)
    except HcdevMatchError as exc:  # the view is still shown; the log is retried on the next run
        st.error(escape_markdown(str(exc)))
