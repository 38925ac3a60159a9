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

from hcdev_match import FLAG_MESSAGES, HcdevMatchError
from ui import get_matcher, get_store, guard

if TYPE_CHECKING:
    from hcdev_match.fitcheck import FitCheck

HUMAN_NOTE = (
    "**A person decides.** The fit shows how much of each role's skill profile the text evidences; "
    "it assists a recruiter or a candidate and is never a hiring decision on its own."
)
PRIVACY_NOTE = (
    "What happens to the CV: it is read in this browser session only, scored, and forgotten when the "
    "session ends. Nothing is stored, logged or shared unless you choose to keep the derived result."
)
TIER_NAMES = {
    "must_have": "must-have",
    "nice_to_have": "nice-to-have",
    "general": "general skill",
    "future": "future tech",
    "keyword": "role keyword",
}


def score() -> None:
    """Button callback: score the upload if there is one, else the pasted text."""
    from hcdev_match.fitcheck import check_fit

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
    check = st.session_state.get("fit_check")
    if check is None or not st.session_state.get("consent_save"):
        return
    try:
        saved = get_store().save_assessment(
            check.assessment,
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
    try:
        get_store().erase_with_code(st.session_state.get("erase_code", ""))
    except HcdevMatchError as exc:
        st.session_state["erase_message"] = ("error", str(exc))
        return
    st.session_state["erase_message"] = ("success", "Your saved result was erased. Nothing of it is kept.")


def show_save_choice() -> None:
    """Candidates choose whether anything is kept; by default nothing is."""
    st.subheader("Keep this result? (optional)")
    saved = st.session_state.get("saved_result")
    if saved is not None:
        st.success(f"Saved until {saved.expires_at:%d %B %Y}: the fits and the names of the skills found, not your CV.")
        st.markdown("Your erase code (keep it; it is shown only once):")
        st.code(saved.erase_code, language=None)
        return
    st.caption(
        "Nothing about this CV is stored unless you tick the box. If you do, only the derived result is kept "
        "(the fit to each role and the names of the skills found, not the CV text) for anonymous statistics "
        "on the talent pool, for 180 days, and you get a code to erase it at any time."
    )
    st.checkbox("I agree that this derived result is kept as described.", key="consent_save")
    st.button(
        "Save my result", key="save_result", on_click=save_result, disabled=not st.session_state.get("consent_save")
    )
    if "save_error" in st.session_state:
        st.error(st.session_state.pop("save_error"))


def show_result(check: FitCheck) -> None:
    import pandas as pd

    from hcdev_match.charts import build_fit_chart, build_terms_chart
    from hcdev_match.report import format_csv, format_markdown

    matcher = get_matcher()
    best = check.best
    st.header(f"Best fit: {best.label}")
    left, right = st.columns([1, 2])
    left.metric("Fit", f"{best.fit:.0f} / 100 ({best.band})", help="90+ strong, 60+ good, 30+ partial, below 30 weak")
    right.markdown(
        f"**Closest next role:** {check.next_role.label}, {check.next_role.fit:.0f} / 100 ({check.next_role.band})"
    )
    st.info(HUMAN_NOTE)
    for flag in check.flags:
        st.warning(FLAG_MESSAGES.get(flag, flag))

    st.container(key="fit_chart").altair_chart(build_fit_chart(check.assessment), width="stretch")

    st.subheader("What would raise the fit")
    for role, advice in check.advice.items():
        label = check.assessment.fit_of(role).label
        if advice:
            gains = ", ".join(f"{g.label} (about +{g.gain:.0f})" for g in advice)
            st.markdown(f"**{label}**: the missing must-haves that would move the fit most are {gains}.")
        else:
            st.markdown(f"**{label}**: every must-have skill is already shown.")
    st.caption(
        "Only real experience counts: a skill raises the fit where the text shows it was used, and skills "
        "only listed count half. Adding words without the experience will not help, and a person reads the CV."
    )

    st.subheader("Why: the fit to each role explained")
    role = st.selectbox(
        "Explain the fit for",
        options=[f.role for f in check.assessment.fits],
        format_func=lambda r: f"{check.assessment.fit_of(r).label} ({check.assessment.fit_of(r).fit:.0f})",
        key="explain_role",
    )
    fit = check.assessment.fit_of(role)
    skills, terms = st.columns([3, 2])
    with skills:
        if fit.matched:
            st.markdown("**Skills the text shows** (must-haves first)")
            st.dataframe(
                pd.DataFrame(
                    {
                        "skill": [m.label for m in fit.matched],
                        "tier": [TIER_NAMES[m.tier] for m in fit.matched],
                        "strength": [m.strength for m in fit.matched],
                        "where the text shows it": [m.snippet for m in fit.matched],
                    }
                ),
                hide_index=True,
                column_config={
                    "strength": st.column_config.ProgressColumn(
                        "strength", min_value=0.0, max_value=1.0, format="%.2f", width="small"
                    ),
                    "where the text shows it": st.column_config.TextColumn(width="large"),
                },
            )
        else:
            st.markdown("The text shows none of this role's skills.")
        for tier in ("must_have", "nice_to_have"):
            missing = [matcher.label_of(s) for s in fit.missing.get(tier, ())]
            st.markdown(f"**Missing {TIER_NAMES[tier]} skills:** " + (", ".join(missing) or "none"))
    with terms:
        if fit.terms:
            st.altair_chart(build_terms_chart(fit), width="stretch")
        d = check.assessment.domain
        st.caption(
            f"Healthcare software evidence {d.factor:.2f} = software work {d.software:.2f} "
            f"x healthcare setting {d.healthcare:.2f} x focus on building software {d.focus:.2f}."
        )

    with st.expander("The text that was scored"):
        st.text(f"Source: {check.source} ({check.kind}), {check.assessment.words} words")
        st.text(check.text)

    st.subheader("Download")
    csv_col, md_col = st.columns(2)
    csv_col.download_button(
        "Fits as CSV", format_csv(check), file_name="fit-check.csv", mime="text/csv", key="download_csv"
    )
    md_col.download_button(
        "Readable report (Markdown)",
        format_markdown(check, skill_labels={s: matcher.label_of(s) for s in matcher.catalogue.skills}),
        file_name="fit-check.md",
        mime="text/markdown",
        key="download_md",
    )
    st.caption(f"Catalogue version {check.assessment.catalogue_version}. {PRIVACY_NOTE}")
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
    from hcdev_match.report import escape_markdown

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
    from hcdev_match.charts import build_band_chart

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
