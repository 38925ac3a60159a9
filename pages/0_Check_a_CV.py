"""The home page: check a CV against the healthcare software roles.

Paste a CV or upload a file, and see how well it fits each role, and why.
The CV lives in this browser session only. The inputs are drawn before the
heavy imports (pandas, Altair): Streamlit sends elements as the script runs,
so the page is usable at once; the model (scikit-learn) is built in a
background thread (webui/resources.py `warm_up`).
"""

from __future__ import annotations

import streamlit as st

from hcdev_match.documents.document import DocumentLimits
from webui.auth import guard_with_banners_last
from webui.components import HUMAN_NOTE, render_fit_check, render_scale
from webui.fitcheck import PRIVACY_NOTE, erase_box, score, show_save_choice, source_choice
from webui.keys import CV_FILE, CV_TEXT, FIT_CHECK, FIT_ERROR
from webui.resources import get_matcher, warm_up

LIMITS = DocumentLimits()

st.set_page_config(page_title="hcdev-match: check a CV", page_icon="🩺", layout="wide")
show_banners = guard_with_banners_last("fit_check")
st.title("How well does a CV fit the healthcare software roles?")
st.caption(
    "Seven roles from EHR to medical imaging, telemedicine and medical devices. "
    "Paste a CV or upload one; see the fit to each role and what carried it. " + PRIVACY_NOTE
)

paste, upload = st.columns([3, 2])
paste.text_area("Paste the CV text", key=CV_TEXT, height=260, placeholder="Paste a CV or a job posting here…")
upload.file_uploader(
    f"…or upload a file (PDF, DOCX, TXT or MD, at most {LIMITS.max_bytes // 2**20} MB)",
    type=["pdf", "docx", "txt", "md"],
    key=CV_FILE,
    help="It is read in memory and never stored. With a pasted text as well, you choose which one is scored.",
)
with upload:
    source_choice()
upload.button("Score the CV", key="score_cv", type="primary", on_click=score, width="stretch")

if FIT_ERROR in st.session_state:
    from hcdev_match.present.report import escape_markdown

    st.error(escape_markdown(st.session_state[FIT_ERROR]))  # it may quote a file name, which the uploader chose
result = st.session_state.get(FIT_CHECK)
if result is not None:
    from webui.opening import candidate_compare

    render_fit_check(result)
    candidate_compare(get_matcher(), result)  # optional "Compare with a job posting"; stores nothing
    show_save_choice()
show_banners()  # at the top of the page; drawn now, once the inputs are on screen
if result is None and FIT_ERROR not in st.session_state:
    st.info(
        "Paste a CV or upload a file, then press **Score the CV**. You will see the fit to each of the "
        "seven roles, the skills found and missing, and what would raise the fit. " + HUMAN_NOTE
    )
    render_scale()
    st.caption(
        "90 and above: clear healthcare software work covering most of what the role needs. "
        "60: a credible candidate for the role. 30: related work, but another specialism or thin evidence."
    )
    warm_up()  # the shared model is built in the background while the person pastes a CV

erase_box()
