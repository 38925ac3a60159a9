"""Sign in: the form for recruiters and HR staff; a signed-in user goes on to their first page."""

from __future__ import annotations

import streamlit as st

from webui.auth import guard_sign_in_page
from webui.navigation import landing_page

st.set_page_config(page_title="hcdev-match: sign in", page_icon="🩺", layout="wide")
guard_sign_in_page(landing_page)
