"""hcdev-match home page: the fit check.

Paste a CV or upload a file, and see how well it fits each healthcare
software role, and why. Thin by design: widgets, one library call
(`check_fit`), rendering. The CV lives in this browser session only.

The inputs are drawn before the heavy imports (pandas, Altair, and
scikit-learn through the model): Streamlit sends elements as the script
runs, so the page is usable while the model loads at the end of the run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from hcdev_match import HcdevMatchError
from webui.auth import connection_is_owner, guard
from webui.components import HUMAN_NOTE, render_fit_check
from webui.resources import get_matcher, get_store
from webui.settings import retention_days

if TYPE_CHECKING:
    from hcdev_match.workflows.fitcheck import FitCheck

PRIVACY_NOTE = (
    "What happens to the CV: it is read in this browser session only, scored, and forgotten when the "
    "session ends. Nothing is stored, logged or shared unless you choose to keep the derived result."
)


ERASED_PENDING = (
    "Your saved result was erased: nothing can read it any more. Its old copy leaves the database file "
    "by itself as soon as the reads in progress end."
)


def score() -> None:
    """Button callback: score the upload if there is one, else the pasted text."""
    if not connection_is_owner():  # callbacks run before guard() empties a session taken over
        return
    from hcdev_match.workflows.fitcheck import check_fit

    upload = st.session_state.get("cv_file")
    try:
        check = check_fit(
            get_matcher(),
            text=st.session_state.get("cv_text", ""),
            upload=(upload.name, upload.getvalue()) if upload is not None else None,
        )
    except HcdevMatchError as exc:
        st.session_state["fit_error"] = str(exc)
        st.session_state.pop("fit_check", None)
        return
    st.session_state["fit_check"] = check
    st.session_state["explain_role"] = check.best.role
    st.session_state.pop("fit_error", None)
    st.session_state.pop("saved_result", None)


def save_result() -> None:
    """Button callback: keep the derived result, only because the candidate asked."""
    from webui.limits import allow_attempt, refusal_message

    if not connection_is_owner():  # callbacks run before guard() empties a session taken over
        return
    check = st.session_state.get("fit_check")
    if check is None or not st.session_state.get("consent_save"):
        return
    if not allow_attempt("candidate_save"):
        st.session_state["save_error"] = refusal_message("candidate_save")
        return
    try:
        saved = get_store().save_assessment(
            check.kept,
            actor="candidate",
            source="candidate",
            legal_basis="consent",
            consent=True,
            with_erase_code=True,
        )
    except HcdevMatchError as exc:
        st.session_state["save_error"] = str(exc)
        return
    st.session_state["saved_result"] = saved


def erase_saved() -> None:
    """Button callback: a candidate erases a result they saved, with its code."""
    from webui.limits import allow_attempt, refusal_message

    if not connection_is_owner():  # callbacks run before guard() empties a session taken over
        return
    if not allow_attempt("erase_code"):
        st.session_state["erase_message"] = ("error", refusal_message("erase_code"))
        return
    try:
        removal = get_store().erase_with_code(st.session_state.get("erase_code", ""))
    except HcdevMatchError as exc:
        st.session_state["erase_message"] = ("error", str(exc))
        return
    if removal.scrubbed:
        st.session_state["erase_message"] = ("success", "Your saved result was erased. Nothing of it is kept.")
    else:
        st.session_state["erase_message"] = ("success", ERASED_PENDING)


def show_save_choice() -> None:
    """Candidates choose whether anything is kept; by default nothing is."""
    st.subheader("Keep this result? (optional)")
    saved = st.session_state.get("saved_result")
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
    if "save_error" in st.session_state:
        st.error(st.session_state.pop("save_error"))


def show_result(check: FitCheck) -> None:
    render_fit_check(check)
    show_save_choice()


st.set_page_config(page_title="hcdev-match: fit check", page_icon="🩺", layout="wide")
guard("fit_check")
st.title("How well does a CV fit the healthcare software roles?")
st.caption(
    "Seven roles from EHR to medical imaging, telemedicine and medical devices. "
    "Paste a CV or upload one; see the fit to each role and what carried it. " + PRIVACY_NOTE
)

paste, upload = st.columns([3, 2])
paste.text_area("Paste the CV text", key="cv_text", height=260, placeholder="Paste a CV or a job posting here…")
upload.file_uploader(
    "…or upload a file (PDF, DOCX, TXT or MD, at most 5 MB)",
    type=["pdf", "docx", "txt", "md"],
    key="cv_file",
    help="An uploaded file is scored instead of the pasted text. It is read in memory and never stored.",
)
upload.button("Score the CV", key="score_cv", type="primary", on_click=score, width="stretch")

if "fit_error" in st.session_state:
    from hcdev_match.present.report import escape_markdown

    # The message may quote a file name, which the uploader chose.
    st.error(escape_markdown(st.session_state["fit_error"]))
result = st.session_state.get("fit_check")
if result is not None:
    show_result(result)
elif "fit_error" not in st.session_state:
    st.info(
        "Paste a CV or upload a file, then press **Score the CV**. You will see the fit to each of the "
        "seven roles, the skills found and missing, and what would raise the fit. " + HUMAN_NOTE
    )
    from hcdev_match.present.charts import build_band_chart

    st.altair_chart(build_band_chart(), width="stretch")
    st.caption(
        "90 and above: clear healthcare software work covering most of what the role needs. "
        "60: a credible candidate for the role. 30: related work, but another specialism or thin evidence."
    )
    get_matcher()  # warm the shared model while the person pastes a CV

with st.expander("Erase a result you saved earlier"):
    st.text_input("Erase code", key="erase_code", type="password")
    st.button("Erase my saved result", key="erase_saved", on_click=erase_saved)
    if "erase_message" in st.session_state:
        kind, message = st.session_state.pop("erase_message")
        (st.success if kind == "success" else st.error)(message)
