"""hcdev-match home page: check how well one CV fits the healthcare software roles."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from hcdev_match import FLAG_MESSAGES, HcdevMatchError, Matcher

HUMAN_NOTE = (
    "The fit assists a person who decides; it is not a hiring decision. "
    "The CV stays in this browser session: nothing is stored."
)


@st.cache_resource(show_spinner=False)
def load_matcher() -> Matcher:
    """The model is built once per server process and shared; CVs never are."""
    return Matcher.from_paths()


st.set_page_config(page_title="hcdev-match: fit check", page_icon="🩺", layout="wide")
st.title("How well does a CV fit the healthcare software roles?")
st.caption(HUMAN_NOTE)

text = st.text_area("Paste the CV text", key="cv_text", height=240, placeholder="Paste a CV here…")
if st.button("Score the CV", key="score_cv", type="primary"):
    if not text.strip():
        st.warning("Paste a CV first: the box is empty.")
    else:
        try:
            st.session_state["assessment"] = load_matcher().assess(text)
        except HcdevMatchError as exc:
            st.error(str(exc))

assessment = st.session_state.get("assessment")
if assessment is None:
    st.info("Paste a CV and press **Score the CV** to see its fit to each of the seven roles.")
else:
    best = assessment.best
    st.subheader(f"Best fit: {best.label}")
    st.metric("Fit (0 to 100)", f"{best.fit:.0f}", help="90+: strong, 60+: good, 30+: partial, below: weak")
    for flag in assessment.flags:
        st.warning(FLAG_MESSAGES.get(flag, flag))
    table = pd.DataFrame(
        {
            "Role": [f.label for f in assessment.fits],
            "Fit": [round(f.fit, 1) for f in assessment.fits],
            "Band": [f.band for f in assessment.fits],
            "Missing must-haves": [len(f.missing.get("must_have", ())) for f in assessment.fits],
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        column_config={"Fit": st.column_config.ProgressColumn("Fit", min_value=0, max_value=100, format="%.0f")},
    )
