"""Sign in: the form for recruiters and HR staff; a signed-in user goes on to their first page.

A page of its own in pages/ (not a function in the menu) so that opening or
reloading /Sign_in finds it from the first moment: before the first run has
listed the menu, Streamlit looks a URL up among the files in pages/.
"""

from __future__ import annotations

import streamlit as st

from webui.auth import guard_sign_in_page
from webui.navigation import landing_page

st.set_page_config(page_title="hcdev-match: sign in", page_icon="🩺", layout="wide")
guard_sign_in_page(landing_page)
