"""The recruiter page's parts: reading a batch, saved batches, the ranked view and the exports."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd
import streamlit as st

from hcdev_match.errors import HcdevMatchError
from hcdev_match.present.charts import heatmap_spec
from hcdev_match.present.privacy_view import local_time
from hcdev_match.present.report import escape_markdown
from hcdev_match.present.spreadsheet import neutralise_cell
from hcdev_match.scoring.matcher import Matcher
from hcdev_match.storage.accounts import ensure_sso_user
from hcdev_match.storage.batches import find_batch, list_batches, load_batch, save_batch, update_settings
from hcdev_match.storage.store import LEGAL_BASES
from hcdev_match.workflows.ranking import Ranking
from hcdev_match.workflows.screening import Screening, Settings, upload_label
from hcdev_match.workflows.shortlist import (
    DETAIL_COLUMNS,
    KEY_COLUMNS,
    export_csv,
    filter_table,
    unblind_csv,
)
from webui import get_matcher, get_store, retention_days

from .opening import keep_recruiter_opening, recruiter_context, recruiter_opening
from .opening_recruiter import restore_opening
from .privacy import browser_zone
from .recruiter_reading import BATCH, LIMITS, read_ahead, screening_of
from .recruiter_state import FAILURES_OPEN, Work, filter_controls, first_settings, start_work

BEST_N = 25  # rows the heatmap and the table show first; the rest on demand


def user_id(user: dict[str, Any]) -> int:
    if user["user_id"] is not None:
        return int(user["user_id"])
    return ensure_sso_user(get_store(), str(user["name"]), role=str(user["role"])).id


def opening_box() -> None:
    """Where the opening (a job posting, pasted or uploaded) is given: webui/opening.py."""
    recruiter_opening(get_matcher(), required_labels=True)


def saved_batches(matcher: Matcher, user: dict[str, Any]) -> None:
    """The recruiter's saved batches, to reopen one (after a reload, or on another day)."""
    try:
        batches = list_batches(get_store(), owner=user_id(user))
    except HcdevMatchError as exc:
        st.error(escape_markdown(str(exc)))
        return
    if not batches:
        return
    with st.expander(f"Your saved batches ({len(batches)})", expanded=st.session_state.get("recruiter_work") is None):
        zone = browser_zone()
        chosen = st.selectbox(
            "Saved batch", [b.id for b in batches], key="saved_batch",
            format_func=lambda i: next(f"{b.name} ({b.size} CVs, saved {local_time(b.created_at, zone)})"
                                       for b in batches if b.id == i),
        )  # fmt: skip
        if st.button("Open the batch", key="open_batch") and chosen is not None:
            reopen(matcher, user, int(chosen))


def reopen(matcher: Matcher, user: dict[str, Any], batch_id: int, *, screening: Screening | None = None) -> None:
    """Open a saved batch; with ``screening`` (the same CVs uploaded again) its texts come from the upload."""
    try:
        batch, members = load_batch(get_store(), batch_id, owner=user_id(user))
    except HcdevMatchError as exc:
        st.error(escape_markdown(str(exc)))
        return
    uploaded: dict[str, str | None] = {}
    if screening is not None:
        uploaded = dict(zip(screening.fingerprints, screening.ranking.texts, strict=True))
    rows = [{"code": m.code, "source": m.source, "kind": m.kind, "flags": m.ranking.get("flags", ()),
             "strengths": m.ranking.get("strengths", {}), "evidence": m.ranking.get("evidence", {}),
             "text": m.text if m.text is not None else uploaded.get(str(m.ranking.get("fingerprint")))}
            for m in members]  # fmt: skip
    ranking = Ranking.restore(matcher, rows)
    work = Work(
        ranking, {m.code: m.duplicates for m in members if m.duplicates},
        tuple(str(m.ranking.get("fingerprint", "")) for m in members), batch.name, batch.id, batch.legal_basis,
        {m.code: m.assessment_id for m in members}, {m.code: m.candidate_ref for m in members},
        {m.code: m.note for m in members if m.note}, Settings.from_dict(batch.settings),
    )  # fmt: skip
    if screening is not None:
        work.messages.append(f"These CVs were saved before as '{escape_markdown(batch.name)}': that batch is open "
                             "again, with its decisions and notes, and nothing was saved twice.")  # fmt: skip
    if batch.catalogue_version != matcher.catalogue.version:
        work.messages.append("The role catalogue changed since this batch was saved; upload its files again to "
                             "score them with the current one.")  # fmt: skip
    restore_opening(get_store(), matcher, work.saved)  # the opening it was saved with, or none in hand
    start_work(work, Settings.from_dict(batch.settings))
    st.rerun()


def read_uploads(matcher: Matcher, user: dict[str, Any]) -> None:
    """The uploader and its button: reads the batch (capped), finds duplicates, or reopens it if saved."""
    files = st.file_uploader(
        upload_label(LIMITS, BATCH), type=["pdf", "docx", "txt", "md", "zip", "csv"],
        accept_multiple_files=True, key="batch_files",
    )  # fmt: skip
    read_ahead(matcher, files or [])  # while the recruiter finds the button
    clicked = st.button("Read and score the batch", key="rank_batch", type="primary")
    slot = st.empty()  # in every run, so the progress bar's going moves no element after it
    if not clicked:
        return
    if not files:
        slot.warning("Add some CV files first.")
        return
    screening = screening_of(matcher, files, slot=slot)
    try:
        existing = find_batch(get_store(), owner=user_id(user), fingerprint=screening.fingerprint)
    except HcdevMatchError as exc:
        st.error(escape_markdown(str(exc)))
        existing = None
    if existing is not None and len(screening.ranking):
        reopen(matcher, user, existing.id, screening=screening)
        return
    name = datetime.now(browser_zone()).strftime("Batch of %d %b %Y %H:%M")  # the recruiter's own clock
    work = Work(screening.ranking, dict(screening.duplicates), screening.fingerprints, name)
    work.messages += [m for m in (screening.note,) if m]
    if screening.duplicate_count:
        work.messages.append(
            f"{screening.duplicate_count} upload(s) held a CV already in the batch (the same text "
            "in another file or format): each CV is shown once, its other files listed with it."
        )
    st.session_state["batch_name"] = name
    start_work(work, first_settings(matcher, screening.ranking))


def batch_report(work: Work, *, blind: bool) -> None:
    """What the intake left out, duplicates, and the files that could not be read."""
    for message in work.messages:
        st.warning(message)
    ranking = work.ranking
    if ranking.failures:
        st.warning(f"{len(ranking.failures)} file(s) could not be read; the other {len(ranking)} were scored.")
        with st.expander("Files that could not be read", key=FAILURES_OPEN, on_change="rerun") as box:
            for line in ranking.failure_lines(blind=blind) if box.open else ():  # drawn when opened
                st.text(line)


def save_controls(work: Work, user: dict[str, Any], settings: Settings) -> None:
    """Name the batch and state the legal basis; nothing is saved without one."""
    if work.batch_id is not None:
        st.success(f"{len(work.saved)} assessments are saved as '{escape_markdown(work.name)}' under "
                   f"{str(work.basis).replace('_', ' ')}; they expire in {retention_days()} days from saving. "
                   "Reopen the batch from your saved batches after a reload.")  # fmt: skip
        if work.stored_settings != settings:
            try:
                update_settings(get_store(), work.batch_id, settings.to_dict(), owner=user_id(user))
                work.stored_settings = settings
            except HcdevMatchError as exc:
                st.error(escape_markdown(str(exc)))
        return
    st.subheader("Save the batch, to decide and to reopen it later")
    name = st.text_input("Name of the batch", key="batch_name", max_chars=100)
    basis: str | None = st.radio(
        "Legal basis for keeping this batch's assessments (choose one; there is no default)",
        options=list(LEGAL_BASES), format_func=lambda b: f"{b.replace('_', ' ')}: {LEGAL_BASES[b]}",
        index=None, key="legal_basis",
    )  # fmt: skip
    keep_text = st.checkbox(
        "The candidates consented to their CV text being kept (otherwise only fits and skill ids are kept)",
        key="keep_cv_text", disabled=basis != "consent",
    )  # fmt: skip
    if basis is None:
        st.caption("Choose the legal basis first: nothing is saved without one.")
    if not st.button(f"Save the {len(work.ranking)} assessments", key="save_batch", disabled=basis is None):
        return
    if basis is None:  # a click the disabled button should not have sent
        st.error("Choose the legal basis for keeping these assessments first; nothing was saved.")
        return
    ranking, consent = work.ranking, basis == "consent"
    members = [{**ranking.row_of(n), "fingerprint": work.fingerprints[n],
                "duplicates": work.duplicates.get(ranking.ids[n], ())} for n in range(len(ranking))]  # fmt: skip
    try:
        store, owner = get_store(), user_id(user)
        batch_id = save_batch(
            store, name=name, owner=owner, actor=str(user["name"]), legal_basis=basis,
            fingerprint=Screening(ranking, work.duplicates, work.fingerprints).fingerprint,
            catalogue_version=ranking.matcher.catalogue.version, settings=settings.to_dict(), members=members,
            batch_assessments=ranking.assessments(), consent=consent,
            cv_texts=ranking.texts if keep_text and consent else None,
        )  # fmt: skip
        _, saved = load_batch(store, batch_id, owner=owner)
    except HcdevMatchError as exc:  # nothing of the batch was kept; save again once the fault is fixed
        st.error(escape_markdown(str(exc)))
        return
    work.batch_id, work.basis, work.name, work.stored_settings = batch_id, basis, name.strip(), settings
    work.saved = {m.code: m.assessment_id for m in saved}
    work.refs = {m.code: m.candidate_ref for m in saved}
    keep_recruiter_opening(store, work.saved, ranking, required=settings.required, tier_weights=settings.tier_weights())
    st.rerun()


def ranked_view(table: pd.DataFrame, *, role_labels: dict[str, str], blind: bool) -> tuple[pd.DataFrame, int]:
    """Filters, the best N (the rest on demand) and the heatmap; returns the rows shown and the table key."""
    bands, flagged, decided = filter_controls(table)
    rows = filter_table(table, bands=bands, flags=flagged, decisions=decided)
    show_all = st.toggle(f"Show all {len(rows)} candidates (the best {BEST_N} first otherwise)", key="show_all")
    shown = rows if show_all else rows.head(BEST_N)
    if len(rows) < len(table):
        st.caption(f"{len(rows)} of {len(table)} candidates match the filters.")
    if not shown.empty:
        st.container(key="heatmap").vega_lite_chart(heatmap_spec(shown, role_labels=role_labels), width="stretch")
    return shown, hash((tuple(bands), tuple(flagged), tuple(decided), show_all, blind))


def ranking_table(shown: pd.DataFrame, *, blind: bool, order: object) -> None:
    """The table, its key columns first; a row picked in it becomes the candidate explained."""
    columns = list(KEY_COLUMNS) + ([] if blind else ["source"]) + list(DETAIL_COLUMNS)
    # A selection is a row position: a new order gets a new table, so no old position picks another candidate.
    # The grid's own CSV download writes cells as they are: a file name that is a formula is neutralised here too.
    frame = shown[columns] if blind else shown[columns].assign(source=shown["source"].map(neutralise_cell))
    # Beside the explanation at 1280 px the key columns get about 500 px: each as wide as its words, and every
    # role (all of them developer roles) named without "developer", so no best role is cut off.
    frame = frame.assign(**{"best role": frame["best role"].str.removesuffix(" developer")})
    event = st.dataframe(
        frame, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
        key=f"ranking_table_{hash(order)}",
        column_config={
            "candidate": st.column_config.TextColumn("candidate", width=72, pinned=True),
            "opening fit": st.column_config.ProgressColumn(
                "fit", min_value=0, max_value=100, format="%.0f", width=64,
                help="The fit to the opening: the mean of its roles' fits, or the fit to its posting"),
            "band": st.column_config.TextColumn("band", width=60),
            "decision": st.column_config.TextColumn("decision", width=78),
            "best role": st.column_config.TextColumn("best role", help="The role the CV fits best (a developer role)"),
            "flags": st.column_config.TextColumn("flags", width="small"),
            "best fit": st.column_config.NumberColumn(format="%.0f", width="small"),
            "duplicates": st.column_config.NumberColumn("duplicate uploads", width="small"),
        },
    )  # fmt: skip
    rows = event.selection.rows if event is not None and hasattr(event, "selection") else []
    picked = str(shown.iloc[rows[0]]["candidate"]) if rows and rows[0] < len(shown) else None
    if picked != st.session_state.get("picked_candidate"):  # a new pick, not the old one seen again
        st.session_state["picked_candidate"] = picked
        if picked is not None:
            st.session_state["explain_candidate"] = picked


def exports(
    work: Work, table: pd.DataFrame, *, settings: Settings, history: dict[str, Any], user: dict[str, Any]
) -> None:
    """The ranking's CSV (every role's fit) and, after decisions, the key from codes to files."""
    matcher, ranking = work.ranking.matcher, work.ranking
    role_labels = {r: matcher.catalogue.roles[r].label for r in matcher.roles}
    last = {c: h[-1] for c, h in history.items() if h}
    context = {
        "batch": work.name, "opening roles": ";".join(settings.roles), "required skills": ";".join(settings.required),
        **recruiter_context(matcher, settings.required),
        "weights": ";".join(f"{k}={v:g}" for k, v in settings.weights.items()),
        "catalogue_version": matcher.catalogue.version,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }  # fmt: skip
    data = export_csv(table.assign(source=[ranking.sources[ranking.ids.index(c)] for c in table["candidate"]]),
                      role_labels=role_labels, blind=settings.blind, reasons={c: e.reason for c, e in last.items()},
                      refs=work.refs, context=context)  # fmt: skip
    left, right = st.columns(2)
    left.download_button("Export the ranking (CSV)", data, file_name="ranking.csv", mime="text/csv",
                         key="export_ranking")  # fmt: skip
    try:
        key = unblind_csv(ranking.ids, sources=dict(zip(ranking.ids, ranking.sources, strict=True)),
                          duplicates=work.duplicates, decided={c: e.decision for c, e in last.items()})  # fmt: skip
    except HcdevMatchError as exc:
        right.caption(f"The key from codes to files: {exc}.")
        return
    store, actor, target = get_store(), str(user["name"]), f"batch:{work.batch_id}"

    def audited_key() -> str:
        """Run on the click, off the page's run: the audit row first, so no byte of the key is served unlogged
        (bytes given to the button are served from /media/ as soon as it is drawn; a failed write serves none)."""
        store.audit(actor, "unblinded", target)
        return key

    right.download_button("Unblind: the key from codes to files (CSV)", audited_key, file_name="candidate-files.csv",
                          mime="text/csv", key="export_unblind", on_click="ignore")  # fmt: skip
