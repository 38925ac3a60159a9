"""Recruiters rank a batch of CVs for an opening, weigh what matters, decide and export."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from hcdev_match.config import DEFAULT_TIER_WEIGHTS
from hcdev_match.documents.document import DocumentLimits
from hcdev_match.documents.intake import BatchLimits, read_batch
from hcdev_match.errors import HcdevMatchError
from hcdev_match.present.charts import build_heatmap
from hcdev_match.present.report import escape_markdown
from hcdev_match.present.spreadsheet import neutralise_cell
from hcdev_match.storage.accounts import ensure_sso_user
from hcdev_match.storage.store import DECISIONS, LEGAL_BASES
from hcdev_match.workflows.ranking import Ranking, ranking_csv
from webui import (
    BATCH_ID,
    BATCH_NOTE,
    DECIDED,
    HUMAN_NOTE,
    RANKING,
    SAVED,
    SAVED_BASIS,
    VIEWED,
    get_matcher,
    get_store,
    guard,
    render_fit_check,
    retention_days,
)

BATCH, LIMITS = BatchLimits(), DocumentLimits()

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

files = st.file_uploader(
    f"CVs: PDF, DOCX, TXT or MD files, a ZIP of them, or a CSV with id and text columns (up to {BATCH.max_files} "
    f"CVs, {LIMITS.max_bytes // 2**20} MB a file, {BATCH.max_bytes // 2**20} MB in all as ZIPs expand)",
    type=["pdf", "docx", "txt", "md", "zip", "csv"],
    accept_multiple_files=True,
    key="batch_files",
)
if st.button("Read and score the batch", key="rank_batch", type="primary"):
    if not files:
        st.warning("Add some CV files first.")
    else:
        progress = st.progress(0.0, text="Reading the CVs…")
        intake = read_batch(
            [(f.name, f.getvalue) for f in files],  # each file's bytes are copied only when its turn comes
            limits=LIMITS,
            batch=BATCH,
            progress=lambda share, read: progress.progress(share, text=f"Read {read} CV(s)…"),
        )
        progress.progress(1.0, text="Scoring…")
        st.session_state[RANKING] = Ranking(matcher, intake.items)
        st.session_state[BATCH_NOTE] = intake.note
        st.session_state[SAVED] = {}
        st.session_state[DECIDED] = {}
        st.session_state[VIEWED] = set()
        st.session_state[BATCH_ID] = datetime.now(UTC).strftime("batch-%Y%m%d-%H%M%S")
        progress.empty()

ranking: Ranking | None = st.session_state.get(RANKING)
if ranking is None:
    st.info("Upload the CVs of an opening and press **Read and score the batch**.")
    st.stop()
assert ranking is not None

blind = st.toggle(
    "Blind review: hide names, contact details, addresses, birth dates, ages, gender, photo captions and file names",
    value=True,
    key="blind_review",
)
if note := st.session_state.get(BATCH_NOTE):
    st.warning(note)
if ranking.failures:
    st.warning(f"{len(ranking.failures)} file(s) could not be read; the other {len(ranking)} were scored.")
    with st.expander("Files that could not be read"):
        for line in ranking.failure_lines(blind=blind):
            st.text(line)
if not len(ranking):
    st.stop()

controls, weights = st.columns([2, 3])
default_role = pd.Series(ranking.table(roles=list(matcher.roles))["best role"]).mode()
labels_to_roles = {v: k for k, v in role_labels.items()}
opening = controls.multiselect(
    "Roles of the opening",
    options=list(matcher.roles),
    default=[labels_to_roles[default_role.iloc[0]]] if not default_role.empty else [matcher.roles[0]],
    format_func=role_labels.get,
    key="opening_roles",
)
required = controls.multiselect(
    "Skills this opening requires (optional)",
    options=sorted(matcher.catalogue.skills, key=lambda s: matcher.catalogue.skills[s].label.lower()),
    format_func=lambda s: matcher.catalogue.skills[s].label,
    key="required_skills",
)
with weights:
    st.markdown("**How much each kind of skill counts**")
    left, right = st.columns(2)
    tier_weights = dict(DEFAULT_TIER_WEIGHTS)
    tier_weights["must_have"] = left.slider("Must-have skills", 0.0, 2.0, 1.0, 0.05, key="weight_must")
    tier_weights["nice_to_have"] = left.slider("Nice-to-have skills", 0.0, 2.0, 0.5, 0.05, key="weight_nice")
    tier_weights["general"] = right.slider("General skills (the article's)", 0.0, 2.0, 0.25, 0.05, key="weight_general")
    tier_weights["future"] = right.slider("Future technologies", 0.0, 2.0, 0.25, 0.05, key="weight_future")

table = ranking.table(roles=opening or list(matcher.roles), tier_weights=tier_weights, required=required)
shown = table.drop(columns=["source"]) if blind else table
decided = st.session_state.get(DECIDED, {})
shown = shown.assign(decision=[decided.get(c, ("", ""))[0] for c in shown["candidate"]])

st.container(key="heatmap").altair_chart(build_heatmap(shown, role_labels=role_labels), width="stretch")
columns = ["candidate"] + ([] if blind else ["source"]) + [
    "opening fit", "best role", "best fit", "must-haves shown", "missing must-haves", "required shown", "flags",
    "decision",
]  # fmt: skip
# A selection is a row position: a new batch or a new order (opening, weights,
# required skills) gets a new table, so no old position picks another candidate.
order_key = hash((st.session_state.get(BATCH_ID), tuple(opening), tuple(sorted(tier_weights.items())), tuple(required)))
event = st.dataframe(
    shown[columns].assign(**({} if blind else {"source": shown["source"].map(neutralise_cell)})),
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key=f"ranking_table_{order_key}",
    column_config={
        "opening fit": st.column_config.ProgressColumn("opening fit", min_value=0, max_value=100, format="%.0f"),
        "best fit": st.column_config.NumberColumn(format="%.0f"),
    },
)
rows = event.selection.rows if event is not None and hasattr(event, "selection") else []
if rows and rows[0] < len(shown):
    st.session_state["explain_candidate"] = shown.iloc[rows[0]]["candidate"]

st.subheader("One candidate, explained")
candidate = st.selectbox("Explain a candidate", options=list(shown["candidate"]), key="explain_candidate")
try:
    render_fit_check(ranking.explain(candidate, blind=blind))  # scored unmasked, like its row; masked for display
except HcdevMatchError as exc:
    st.error(escape_markdown(str(exc)))
saved = st.session_state.get(SAVED, {})
viewed: set[str] = st.session_state.setdefault(VIEWED, set())
if candidate in saved and candidate not in viewed:
    # Once per candidate and session: reruns (a slider moved) are not new views.
    try:
        get_store().audit(str(user["name"]), "viewed", f"assessment:{saved[candidate].id}")
        viewed.add(candidate)
    except HcdevMatchError as exc:  # the view is still shown; the log is retried on the next run
        st.error(escape_markdown(str(exc)))

st.subheader("Save the assessments and record decisions")
# No basis is preselected: the recruiter states one, or nothing is saved.
legal_basis: str | None = st.radio(
    "Legal basis for keeping this batch's assessments (choose one; there is no default)",
    options=list(LEGAL_BASES),
    format_func=lambda b: f"{b.replace('_', ' ')}: {LEGAL_BASES[b]}",
    index=None,
    key="legal_basis",
)
keep_text = st.checkbox(
    "The candidates consented to their CV text being kept (otherwise only fits and skill ids are kept)",
    key="keep_cv_text",
    disabled=legal_basis != "consent",
)


def user_id() -> int:
    if user["user_id"] is not None:
        return int(user["user_id"])
    return ensure_sso_user(get_store(), str(user["name"]), role=str(user["role"])).id


saving = st.button(
    f"Save the {len(ranking)} assessments", key="save_batch", disabled=bool(saved) or legal_basis is None
)
if saving and legal_basis is None:  # a click the disabled button should not have sent
    st.error("Choose the legal basis for keeping these assessments first; nothing was saved.")
elif saving and legal_basis is not None and not saved:
    try:
        store = get_store()
        kept = store.save_assessments(
            ranking.assessments(),
            actor=str(user["name"]),
            source="recruiter",
            legal_basis=legal_basis,
            created_by=user_id(),
            batch=st.session_state.get(BATCH_ID),
            consent=legal_basis == "consent",
            cv_texts=ranking.texts if keep_text and legal_basis == "consent" else None,
        )
    except HcdevMatchError as exc:
        # Nothing of the batch was kept; the button stays, to save again once the fault is fixed.
        st.error(escape_markdown(str(exc)))
    else:
        saved.update(zip(ranking.ids, kept, strict=True))
        st.session_state[SAVED] = saved
        st.session_state[SAVED_BASIS] = legal_basis  # what was saved, whatever the radio shows later
        st.rerun()
if saved:
    basis = str(st.session_state.get(SAVED_BASIS, "")).replace("_", " ")
    st.success(f"{len(saved)} assessments are saved under {basis}; they expire in {retention_days()} days.")
elif legal_basis is None:
    st.caption("Choose the legal basis first: nothing is saved without one.")

decision = st.radio("Decision on " + candidate, DECISIONS, horizontal=True, key="decision")
reason = st.text_input("Why (recorded with your name)", key="decision_reason")
if st.button("Record the decision", key="record_decision", disabled=candidate not in saved):
    if not reason.strip():
        st.error("Write the reason for the decision first.")
    else:
        try:
            get_store().record_decision(
                saved[candidate].id, user_id=user_id(), actor=str(user["name"]), decision=decision, reason=reason
            )
        except HcdevMatchError as exc:
            st.error(escape_markdown(str(exc)))
        else:
            decided[candidate] = (decision, reason)
            st.session_state[DECIDED] = decided
            st.rerun()
if candidate not in saved:
    st.caption("Save the batch's assessments first: a decision refers to a saved assessment.")


export = shown[columns].assign(
    **{
        "decision reason": [decided.get(c, ("", ""))[1] for c in shown["candidate"]],
        "candidate_ref": [saved[c].candidate_ref if c in saved else "" for c in shown["candidate"]],
    }
)
context = {
    "opening roles": ";".join(opening),
    "required skills": ";".join(required),
    "weights": ";".join(f"{k}={v:g}" for k, v in tier_weights.items() if k != "keyword"),
    "catalogue_version": matcher.catalogue.version,
    "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
}
st.download_button(
    "Export the ranking (CSV)",
    ranking_csv(export, context=context),
    file_name="ranking.csv",
    mime="text/csv",
    key="export_ranking",
)
