"""The fit check's callbacks and its keep-or-erase choices (the home page draws the rest)."""

from __future__ import annotations

import streamlit as st

from hcdev_match.errors import HcdevMatchError

from .keys import CV_FILE, CV_TEXT, ERASE_MESSAGE, EXPLAIN_ROLE, FIT_CHECK, FIT_ERROR, SAVE_ERROR, SAVED_RESULT
from .resources import get_matcher, get_store
from .sessions import connection_is_owner
from .settings import retention_days

__all__ = ["CHOICE", "ERASED_PENDING", "PRIVACY_NOTE", "erase_box", "score", "show_save_choice", "source_choice"]

PRIVACY_NOTE = (
    "What happens to the CV: it is read in this browser session only, scored, and forgotten when the "
    "session ends. Nothing is stored, logged or shared unless you choose to keep the derived result."
)
ERASED_PENDING = (
    "Your saved result was erased: nothing can read it any more. Its old copy leaves the database file "
    "by itself as soon as the reads in progress end."
)
CHOICE = "cv_choice"  # which of a pasted text and an attached file is scored, when both are there
SOURCES = {"file": "the attached file", "text": "the pasted text"}


def source_choice() -> None:
    """With both a pasted text and an attached file, the person chooses which is scored (never silently)."""
    if st.session_state.get(CV_FILE) is None or not str(st.session_state.get(CV_TEXT) or "").strip():
        return
    st.radio("You gave both. Score:", list(SOURCES), format_func=SOURCES.__getitem__, key=CHOICE, horizontal=True)


def score() -> None:
    """Button callback: score what the person chose (the only one given, or the one picked)."""
    if not connection_is_owner():  # callbacks run before guard() empties a session taken over
        return
    from hcdev_match.documents.gate import uploaded_name
    from hcdev_match.workflows.fitcheck import check_fit

    upload = st.session_state.get(CV_FILE)
    text = st.session_state.get(CV_TEXT, "")
    if upload is not None and str(text or "").strip():
        if st.session_state.get(CHOICE, "file") == "file":
            text = None
        else:
            upload = None
    try:
        check = check_fit(
            get_matcher(),
            text=text,
            upload=(uploaded_name(upload.name), upload.getvalue()) if upload is not None else None,
        )
    except HcdevMatchError as exc:
        st.session_state[FIT_ERROR] = str(exc)
        st.session_state.pop(FIT_CHECK, None)
        return
    st.session_state[FIT_CHECK] = check
    st.session_state[EXPLAIN_ROLE] = check.best.role
    st.session_state.pop(FIT_ERROR, None)
    st.session_state.pop(SAVED_RESULT, None)


def save_result() -> None:
    """Button callback: keep the derived result, only because the candidate asked."""
    from .limits import allow_attempt, refusal_message

    if not connection_is_owner():
        return
    check = st.session_state.get(FIT_CHECK)
    if check is None or not st.session_state.get("consent_save"):
        return
    if not allow_attempt("candidate_save"):
        st.session_state[SAVE_ERROR] = refusal_message("candidate_save")
        return
    try:
        saved = get_store().save_assessment(
            check.kept, actor="candidate", source="candidate", legal_basis="consent", consent=True,
            with_erase_code=True,
        )  # fmt: skip
    except HcdevMatchError as exc:
        st.session_state[SAVE_ERROR] = str(exc)
        return
    st.session_state[SAVED_RESULT] = saved


def erase_saved() -> None:
    """Button callback: a candidate erases a result they saved, with its code."""
    from .limits import allow_attempt, refusal_message

    if not connection_is_owner():
        return
    if not allow_attempt("erase_code"):
        st.session_state[ERASE_MESSAGE] = ("error", refusal_message("erase_code"))
        return
    try:
        removal = get_store().erase_with_code(st.session_state.get("erase_code", ""))
    except HcdevMatchError as exc:
        st.session_state[ERASE_MESSAGE] = ("error", str(exc))
        return
    done = "Your saved result was erased. Nothing of it is kept." if removal.scrubbed else ERASED_PENDING
    st.session_state[ERASE_MESSAGE] = ("success", done)


def show_save_choice() -> None:
    """Candidates choose whether anything is kept; by default nothing is."""
    st.subheader("Keep this result? (optional)")
    saved = st.session_state.get(SAVED_RESULT)
    if saved is not None:
        st.success(f"Saved until {saved.expires_at:%d %B %Y}: the fits and the names of the skills found, not your CV.")
        st.markdown("Your erase code (keep it; it is shown only once):")
        st.code(saved.erase_code, language=None)
        return
    try:
        days = retention_days()
    except HcdevMatchError:  # a bad HCDEV_RETENTION_DAYS: the page's top says which; offer no save
        st.error("Saving is switched off until the retention setting named at the top of the page is fixed.")
        return
    st.caption(
        "Nothing about this CV is stored unless you tick the box. If you do, only the derived result is kept "
        "(the fit to each role and the names of the skills found, not the CV text) for anonymous statistics "
        f"on the talent pool, for {days} days, and you get a code to erase it at any time."
    )
    st.checkbox("I agree that this derived result is kept as described.", key="consent_save")
    st.button(
        "Save my result", key="save_result", on_click=save_result, disabled=not st.session_state.get("consent_save")
    )
    if SAVE_ERROR in st.session_state:
        st.error(st.session_state.pop(SAVE_ERROR))


def erase_box() -> None:
    with st.expander("Erase a result you saved earlier"):
        st.text_input("Erase code", key="erase_code", type="password")
        st.button("Erase my saved result", key="erase_saved", on_click=erase_saved)
        if ERASE_MESSAGE in st.session_state:
            kind, message = st.session_state.pop(ERASE_MESSAGE)
            (st.success if kind == "success" else st.error)(message)
