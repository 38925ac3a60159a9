"""The app's server: `streamlit run serve.py` (`make run`) serves dashboard.py, plus the route that sets the
sign-in cookie as HttpOnly (webui/session_cookie.py). Streamlit's `st.App` runs the same server as
`streamlit run dashboard.py`, with the app's own routes beside Streamlit's; under dashboard.py alone a sign-in
holds for its tab only (a reload asks again)."""

from __future__ import annotations

import streamlit as st

from webui.session_cookie import ROUTES

app = st.App("dashboard.py", routes=ROUTES)
