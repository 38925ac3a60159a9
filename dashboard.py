"""hcdev-match: the entry point `streamlit run dashboard.py` starts.

It only routes: the page the URL names runs (pages/, listed in
webui/navigation.py), and the menu shows the pages the visitor's role may
use, plus a way to sign in. The home page is the fit check, "Check a CV".
"""

from __future__ import annotations

import streamlit as st

from webui.navigation import navigate

st.set_page_config(page_title="hcdev-match", page_icon="🩺", layout="wide")
navigate()
