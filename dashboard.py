"""hcdev-match: the entry point `streamlit run dashboard.py` starts.

Imported (by the server `streamlit run` starts, which finds `app` below) it
is the app itself: Streamlit's server with one route of our own, the one
that sets the sign-in cookie as HttpOnly (webui/session_cookie.py). Run (as
every page view runs it) it only routes: the page the URL names runs
(pages/, listed in webui/navigation.py), and the menu shows the pages the
visitor's role may use, plus a way to sign in. The home page is the fit
check, "Check a CV".
"""

from __future__ import annotations

import streamlit as st

if __name__ != "__main__":  # imported by the server: the app and its route
    from streamlit.runtime.pages_manager import PagesManager

    from webui.session_cookie import ROUTES

    # Streamlit takes a pages/ folder beside the entry point for an old-style multipage app until some run
    # has called st.navigation: the first page view of a fresh server, a bookmark of /Recruiter, ran
    # pages/3_Recruiter.py alone under a menu of every file ("dashboard", HR and Privacy to anyone), and
    # every session after it too. This app's menu is always the one webui/navigation.py builds.
    PagesManager.uses_pages_directory = False
    app = st.App(__file__, routes=ROUTES)
else:  # a page view's run
    from webui.navigation import navigate

    st.set_page_config(page_title="hcdev-match", page_icon="🩺", layout="wide")
    navigate()
