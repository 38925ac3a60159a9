"""The Streamlit glue beside the pages; the library (`hcdev_match`) never imports Streamlit.

settings   the environment, read in one place and validated
resources  the model, catalogue and store each server process builds once
auth       sign-in, the banners and the page guard
sessions   which browser owns a session; the sign-in a reload resumes (its cookie)
session_cookie the route that sets that cookie as HttpOnly (dashboard.py mounts it)
navigation the pages, and the menu each role sees
keys       the session_state keys the app sets
components what the fit check shows (home page and recruiter)
fitcheck   the fit check's callbacks and its keep-or-erase choices
limits     the rate limits on anonymous writes

Pages import from the concrete modules; the names below stay importable from
`webui` itself so pages written before the split keep working.
"""

from __future__ import annotations

from .auth import current_user, guard
from .components import HUMAN_NOTE, TIER_NAMES, render_fit_check
from .keys import AUTH_KEY, BATCH_ID, BATCH_NOTE, DECIDED, OWNER, RANKING, SAVED, SAVED_BASIS, SIGNIN_NOTICE, VIEWED
from .resources import get_catalogue, get_matcher, get_store
from .sessions import NO_BROWSER, browser_binding, connection_is_owner, end_session
from .settings import database_url, retention_days

__all__ = [
    "AUTH_KEY", "BATCH_ID", "BATCH_NOTE", "DECIDED", "HUMAN_NOTE", "NO_BROWSER", "OWNER", "RANKING", "SAVED",
    "SAVED_BASIS", "SIGNIN_NOTICE", "TIER_NAMES", "VIEWED", "browser_binding", "connection_is_owner", "current_user",
    "database_url", "end_session", "get_catalogue", "get_matcher", "get_store", "guard", "render_fit_check",
    "retention_days",
]  # fmt: skip
