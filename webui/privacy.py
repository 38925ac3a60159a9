"""The Privacy page's Streamlit glue: find a candidate, export, erase, purge, and read the audit log."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st

from hcdev_match.errors import HcdevMatchError
from hcdev_match.present.report import escape_markdown
from hcdev_match.present.spreadsheet import neutralise_cell

if TYPE_CHECKING:
    import pandas as pd

    from hcdev_match.storage.store import Store

__all__ = [
    "attempt",
    "audit_view",
    "browser_zone",
    "erase_form",
    "export_document",
    "export_form",
    "find_form",
    "found_rows",
    "purge_form",
]

T = TypeVar("T")
FOUND = "privacy_found"  # the last look-up's matches, kept across reruns
HOW = {"batch": "Batch and file", "code": "The candidate's erase code", "reference": "Candidate reference"}


def attempt(action: Callable[[], T]) -> T | None:
    """Run a store operation; show its refusal as a message instead of a traceback."""
    try:
        return action()
    except HcdevMatchError as exc:
        st.error(escape_markdown(str(exc)))
        return None


def browser_zone() -> tzinfo:
    """The visitor's time zone as the browser reports it; else the server's own."""
    name = st.context.timezone
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return datetime.now().astimezone().tzinfo or ZoneInfo("UTC")


def _labels() -> tuple[dict[str, str], dict[str, str]]:
    from . import get_catalogue

    catalogue = get_catalogue()
    return ({r: catalogue.roles[r].label for r in catalogue.roles},
            {s: catalogue.skills[s].label for s in catalogue.skills})  # fmt: skip


def _batch_names(store: Store) -> dict[str, str]:
    """Each saved batch's name as the recruiter gave it, by the name the assessments hold ("batch:12")."""
    from hcdev_match.storage.lookup import list_batches

    return {b.name: b.label for b in list_batches(store)}


def found_rows(store: Store, found: list[Any], *, zone: tzinfo) -> pd.DataFrame:
    """The look-up's matches as the table shows them: the batch by its name, and no cell a spreadsheet would
    run (file and batch names are chosen by whoever sent the CV or named the batch; the table's own toolbar
    downloads it as CSV)."""
    from hcdev_match.present.privacy_view import found_table

    table = found_table(found, zone=zone, role_labels=_labels()[0])
    names = _batch_names(store)
    table["batch"] = [names.get(b, b) for b in table["batch"]]
    return table.assign(**{c: table[c].map(neutralise_cell) for c in ("batch", "file", "saved by")})


def export_document(store: Store, reference: str, *, actor: str, zone: tzinfo) -> dict[str, Any]:
    """Everything kept about one candidate, in words (a batch by its name) and as stored."""
    from hcdev_match.present.privacy_view import readable_export
    from hcdev_match.storage.accounts import list_users

    data = store.export_candidate(reference, actor=actor)
    names = {u.id: u.name for u in list_users(store)}
    roles, skills = _labels()
    readable = readable_export(data, names=names, role_labels=roles, skill_labels=skills, zone=zone)
    batches = _batch_names(store)
    for shown, kept in zip(readable["assessments"], data["assessments"], strict=True):
        if kept.get("batch") in batches:
            shown["batch"] = batches[kept["batch"]]
    return readable


def _use(reference: str) -> None:
    """Button callback: put a found reference into the access-request and erase forms."""
    st.session_state["export_ref"] = st.session_state["erase_ref"] = reference


def find_form(store: Store, *, actor: str, zone: tzinfo) -> None:
    from hcdev_match.storage.lookup import find_by_batch_and_file, find_by_erase_code, find_by_reference, list_batches

    st.markdown("Find what is kept about a candidate, then use their reference for an access request or erasure.")
    how = st.radio("Find by", list(HOW), format_func=HOW.get, horizontal=True, key="find_how")
    search: Callable[[], object] | None = None
    if how == "batch":
        batches = attempt(lambda: list_batches(store)) or []
        names = {b.name: f"{b.label}: {b.assessments} assessment(s), first saved {b.first_saved:%Y-%m-%d}"
                 + (f" by {b.saved_by}" if b.saved_by else "") for b in batches}  # fmt: skip
        batch = st.selectbox("Batch", list(names), format_func=names.get, index=None, key="find_batch",
                             placeholder="No batch saved yet" if not names else "Choose the batch")  # fmt: skip
        part = st.text_input("File name, or part of it (empty: the whole batch)", key="find_file")
        if batch is not None:
            search = lambda: find_by_batch_and_file(store, batch, part, actor=actor)  # noqa: E731
    elif how == "code":
        code = st.text_input("Erase code (the candidate was shown it when they saved)", type="password",
                             key="find_code")  # fmt: skip
        search = lambda: find_by_erase_code(store, code, actor=actor)  # noqa: E731
    else:
        ref = st.text_input("Candidate reference (from the recruiter's export)", key="find_ref")
        search = lambda: find_by_reference(store, ref, actor=actor)  # noqa: E731
    if st.button("Find", key="find_run", disabled=search is None) and search is not None:
        st.session_state[FOUND] = attempt(search)
    found = st.session_state.get(FOUND)
    if found == []:
        st.info("Nothing is kept that matches.")
    elif found:
        table = attempt(lambda: found_rows(store, found, zone=zone))
        if table is not None:
            st.dataframe(table, hide_index=True, width="stretch")
        for n, ref in enumerate(dict.fromkeys(f.candidate_ref for f in found)):
            st.button(f"Use {ref} for the access request and erasure", key=f"find_use_{n}", on_click=_use, args=(ref,))


def export_form(store: Store, *, actor: str, zone: tzinfo) -> None:
    st.markdown("Give a candidate everything kept about them, as JSON: in words, and as stored.")
    ref = st.text_input("Candidate reference", key="export_ref").strip()
    if st.button("Prepare the export", key="export_run") and ref:
        readable = attempt(lambda: export_document(store, ref, actor=actor, zone=zone))
        if readable is not None:
            st.success(f"{len(readable['assessments'])} assessment(s) found.")
            st.download_button("Download the JSON", json.dumps(readable, indent=2, ensure_ascii=False),
                               file_name=f"hcdev-export-{ref}.json", mime="application/json",
                               key="export_download")  # fmt: skip


def erase_form(store: Store, *, actor: str) -> None:
    st.markdown("Remove everything kept about one candidate: assessments, fits, skills and decisions.")
    ref = st.text_input("Candidate reference", key="erase_ref").strip()
    sure = st.checkbox("I understand this cannot be undone.", key="erase_confirm")
    if st.button("Erase", key="erase_run", disabled=not sure) and ref:
        removal = attempt(lambda: store.erase_candidate(ref, actor=actor))
        st.session_state.pop(FOUND, None)  # what was found may be gone now
        if removal is not None and removal.scrubbed:
            st.success(f"Erased {removal.count} assessment(s); no trace is left in the database files.")
        elif removal is not None:
            st.warning(
                f"Erased {removal.count} assessment(s): no query can reach them. Another connection is still "
                "reading, so their old pages stay in the database file until it ends; the app removes them "
                "by itself then (or the next purge does)."
            )


def purge_form(store: Store, *, actor: str) -> None:
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


def audit_view(store: Store, *, zone: tzinfo) -> None:
    from hcdev_match.present.privacy_view import action_label, audit_table
    from hcdev_match.storage.audit import PER_PAGE, audit_actions, read_audit

    from .limits import refused_now, write_refusals

    write_refusals()  # ended windows of refused floods, one row each
    actions = attempt(lambda: audit_actions(store)) or []
    action_col, from_col, to_col, page_col = st.columns([2, 1, 1, 1])
    action = action_col.selectbox("Action", [None, *actions], format_func=lambda a: "All actions" if a is None
                                  else action_label(a), key="audit_action")  # fmt: skip
    start = from_col.date_input(f"From ({zone})", value=None, key="audit_from")
    end = to_col.date_input(f"To ({zone})", value=None, key="audit_to")
    page = page_col.number_input("Page", min_value=1, value=1, step=1, key="audit_page")
    view = attempt(lambda: read_audit(store, action=action, start=start, end=end, page=int(page), zone=zone))
    if view is not None and view.entries:
        st.caption(
            f"Entries {view.first}–{view.first + len(view.entries) - 1} of {view.total}, newest first "
            f"(page {view.page} of {view.pages}, {PER_PAGE} a page); times in {zone}."
        )
        st.dataframe(audit_table(view.entries, zone=zone), hide_index=True, width="stretch")
    elif view is not None:
        st.info("No audit entries match." if action or start or end else "The audit log is empty.")
    pending = {kind: n for kind, n in refused_now().items() if n}
    if pending:
        st.caption(
            "Refused in the current window, written as one row each when it ends: "
            + ", ".join(f"{n} {kind}" for kind, n in pending.items())
        )
