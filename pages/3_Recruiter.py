"""Recruiters rank a batch of CVs for an opening, weigh what matters, decide and export."""

from __future__ import annotations

import streamlit as st

from hcdev_match.errors import HcdevMatchError
from hcdev_match.present.report import escape_markdown
from hcdev_match.workflows.shortlist import ranked_table
from webui import HUMAN_NOTE, get_matcher, guard
from webui.opening import opening_key, with_opening
from webui.recruiter import (
    batch_report,
    exports,
    opening_box,
    ranked_view,
    ranking_table,
    read_uploads,
    save_controls,
    saved_batches,
)
from webui.recruiter_decisions import bulk_decisions, candidate_panel, compare, histories
from webui.recruiter_state import current_work, settings_controls

st.set_page_config(page_title="hcdev-match: rank a batch", page_icon="🩺", layout="wide")
user = guard("recruiter")
assert user is not None  # guard() stops the page for anyone the policy refuses
matcher = get_matcher()
role_labels = {r: matcher.catalogue.roles[r].label for r in matcher.roles}

st.title("Rank a batch of CVs for an opening")
st.caption(
    HUMAN_NOTE + " Nothing here rejects anyone automatically: the ranking orders CVs for a person to read, "
    "and every decision is recorded with the name of who took it and why."
)
saved_batches(matcher, user)
opening_box()
read_uploads(matcher, user)

work = current_work()
if work is None:
    st.info("Upload the CVs of an opening and press **Read and score the batch**, or open a saved batch.")
    st.stop()
assert work is not None
st.subheader(escape_markdown(work.name))  # a name the recruiter typed: text, never Markdown
settings = settings_controls(matcher)
batch_report(work, blind=settings.blind)
if not len(work.ranking):
    st.stop()
try:
    weights = settings.tier_weights()
except HcdevMatchError as exc:
    message = escape_markdown(str(exc))
    st.warning(message[:1].upper() + message[1:] + ".")
    st.stop()

history = histories(work)
decided = {code: entries[-1].decision for code, entries in history.items() if entries}
scored = work.ranking.table(
    roles=settings.roles or list(matcher.roles), tier_weights=weights, required=settings.required
)
scored = with_opening(scored, work.ranking, required=settings.required, tier_weights=weights)  # a posting ranks first
table = ranked_table(scored, decided=decided, duplicates=work.duplicates)
save_controls(work, user, settings)
shown, view = ranked_view(table, role_labels=role_labels, blind=settings.blind)
codes = list(shown["candidate"])
if not codes:
    st.info("No candidate matches the filters; widen them to see more.")
    st.stop()
left, right = st.columns([7, 4], gap="small")  # at 1280 px: the table's key columns, the explanation beside
with left:
    order = (work.batch_id, work.fingerprints[:1], settings.key(), view, opening_key())
    ranking_table(shown, blind=settings.blind, order=order)
    bulk_decisions(work, codes, user)
    compare(table, codes, role_labels=role_labels, work=work)
with right:
    candidate_panel(work, codes, history, user, blind=settings.blind)
exports(work, table, settings=settings, history=history, user=user)
