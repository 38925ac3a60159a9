"""The tab's session: which browser owns it, and the sign-in record a reload resumes.

A signed-in session is bound to the browser that signed in: to the token of
Streamlit's XSRF cookie, which the browser sends with every websocket it
opens and which a session id (visible in upload URLs, so in proxy logs)
does not carry. Streamlit re-masks the cookie on every response, so the
token inside it is what is compared, never the cookie's text. A sign-in is
also kept server-side (`hcdev_match.storage.sessions`) under a random token
in a cookie of its own, so a reload (a new Streamlit session) resumes it in
the same browser, and only there.

A session's state belongs to one person: every change of who uses the tab
(a sign-in, a sign-out, an expiry or an ended record, another account or
role) clears it in `hold_for`, which `auth.current_user` calls on every
run and `owned_fragment` on every fragment rerun. Nothing is kept across
the change but the sign-in machinery (`keys.SIGN_IN_KEYS`): the app has no
preference worth the risk of being wrong about what is personal.
"""

from __future__ import annotations

import binascii
import contextlib
import functools
import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import streamlit as st

from hcdev_match.errors import HcdevMatchError

from .keys import AFRESH, AUTH_KEY, COOKIE_PENDING, IDENTITY, OWNER, RESUME_TRIED, SIGN_IN_KEYS, SIGNIN_NOTICE
from .resources import get_store

__all__ = [
    "BROWSER_COOKIE",
    "NO_BROWSER",
    "NO_COOKIE",
    "SESSION_COOKIE",
    "TOUCH_EVERY",
    "auth_record",
    "binding_of",
    "browser_binding",
    "claim_session",
    "connection_is_owner",
    "end_session",
    "hold_for",
    "identity_of",
    "owned_fragment",
    "resume",
    "start_afresh",
    "touch",
    "write_cookie",
]  # fmt: skip

BROWSER_COOKIE = "_streamlit_xsrf"
NO_BROWSER = "no-browser-connection"  # a run with no websocket at all (Streamlit's AppTest)
NO_COOKIE = "no-cookie"  # a browser connection that sent no readable cookie
SESSION_COOKIE = "hcdev_session"  # the random token of a sign-in (storage.sessions keeps its hash)
TOUCH_EVERY = timedelta(minutes=5)  # how often a signed-in session's activity is written down


def resume() -> dict[str, Any] | None:
    """The sign-in this browser's cookie names, looked up once per session (after a reload, a new tab)."""
    token = st.context.cookies.get(SESSION_COOKIE) if len(st.context.headers) else None
    if not token or st.session_state.get(RESUME_TRIED):
        return None
    st.session_state[RESUME_TRIED] = True
    from hcdev_match.storage.sessions import resume_web_session

    try:
        resumed = resume_web_session(get_store(), token, browser=browser_binding())
    except HcdevMatchError:
        return None  # the database cannot be read: sign in again (the form says why)
    if resumed is None:
        st.session_state[COOKIE_PENDING] = ""  # a cookie that opens nothing: the browser forgets it
        return None
    auth = auth_record(resumed.user, token, signed_in_at=resumed.signed_in_at, now=resumed.last_seen)
    st.session_state[AUTH_KEY] = auth
    return auth


def auth_record(user: Any, token: str | None, *, signed_in_at: Any, now: Any) -> dict[str, Any]:
    return {
        "name": user.name,
        "role": user.role,
        "user_id": user.id,
        "signed_in_at": signed_in_at,
        "last_seen": now,
        "touched": now,
        "browser": browser_binding(),
        "token": token,
    }


def touch(auth: dict[str, Any], now: Any) -> bool:
    """Note the session's activity; False when its record is gone (a new password, the account removed)."""
    from hcdev_match.storage.sessions import touch_web_session

    try:
        alive = touch_web_session(get_store(), auth["token"], now=now)
        auth["touched"] = now
    except HcdevMatchError:
        return True  # a busy database: the next run notes the activity (and checks again)
    return alive


def write_cookie() -> None:
    """Give the browser the sign-in cookie this session owes it (or tell it to forget one).

    A script run cannot set a cookie, and a cookie set by a script in the
    page is one any script there can read. So the server sets it, HttpOnly
    (`webui.session_cookie`, mounted by dashboard.py): the page gets a one-line
    script, sent once over the websocket (never in a URL), that posts a
    one-time code for it. SameSite=Strict: a page of another site never
    sends it, so a framed copy of the app resumes nothing.
    """
    token = st.session_state.pop(COOKIE_PENDING, None)
    if token is None or not len(st.context.headers):
        return
    from .session_cookie import cookie_script, hand_over

    binding = browser_binding()
    if token and binding is None:
        return  # not reached: a connection without the XSRF cookie cannot sign in
    st.html(cookie_script(hand_over(token, str(binding)) if token else None), unsafe_allow_javascript=True)


def claim_session() -> None:
    """Record which browser this session belongs to; empty it if another connection presents its id."""
    current = browser_binding() or NO_COOKIE
    owner = st.session_state.get(OWNER)
    if owner is not None and owner != current:
        end_session("This session was opened from another connection, so it was emptied; start again.")
    st.session_state[OWNER] = current


def identity_of(user: dict[str, Any] | None) -> str:
    """Who a run's state is for: a visitor, or one sign-in of one account in one role."""
    if user is None:
        return "visitor"
    return f"{user['role']}:{user['user_id'] or user['name']}:{user.get('signed_in_at') or ''}"


def hold_for(identity: str) -> bool:
    """Make the session's state belong to ``identity``; True when it belonged to another, and was emptied.

    Everything goes but the sign-in machinery: the previous person's CV,
    batch, decisions, opening, codes-to-files key, HR and privacy results,
    widget values (a pasted text, an attached file, a password), and with
    them the downloads and fragments drawn from them (Streamlit drops those
    after the next run that does not draw them). A session that holds no
    identity yet is new, or was just emptied by ``end_session``.
    """
    held = st.session_state.get(IDENTITY)
    st.session_state[IDENTITY] = identity
    if held is None or held == identity:
        return False
    for key in list(st.session_state.keys()):
        if key not in SIGN_IN_KEYS:
            del st.session_state[key]
    st.session_state[AFRESH] = True
    return True


def start_afresh() -> None:
    """After a change of who uses the tab: a run that draws nothing, then at once a whole run.

    Emptying the session's state is not enough for a widget still on the
    screen: the browser keeps what was typed into it (a pasted CV) and
    sends it back with the next run. A run that draws no widget makes the
    browser drop them all; a fragment that reruns by itself (drawn alone
    in that run, it holds nothing) then asks for the whole run. A tab's own
    sign-in form skips this: the page it is on holds no one's data.
    """
    if not st.session_state.get(AFRESH):
        return
    if not len(st.context.headers):  # no browser (AppTest): no widget holds anything of its own
        del st.session_state[AFRESH]
        return
    st.fragment(_rerun_the_app, run_every=0.1)()
    st.stop()


_WAITING = "waiting"  # the run that drew nothing is done: the fragment's own rerun asks for the whole run


def _rerun_the_app() -> None:
    # Drawn in a whole run, a fragment's body runs at once; its reruns come from the browser afterwards.
    if st.session_state.get(AFRESH) == _WAITING:
        del st.session_state[AFRESH]
        st.rerun(scope="app")
    st.session_state[AFRESH] = _WAITING


_Fragment = TypeVar("_Fragment", bound=Callable[..., None])


def owned_fragment(function: _Fragment) -> _Fragment:
    """``st.fragment``, whose reruns first make sure the connection owns the session.

    A fragment reruns alone, without the page's checks before it, and any
    client holding the session id can ask for it (fragment ids derive from
    the code): another connection gets nothing and the session is emptied,
    as a whole run would do. It also holds the arguments it was drawn with
    (a CV's assessment): a sign-in that expired or was ended since, or
    another identity, gets a whole run instead, which draws what the tab's
    person now may see. Every fragment of the app goes through here, but
    ``start_afresh``'s, which holds nothing and only asks for a whole run.
    """

    @functools.wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> None:
        if not connection_is_owner():
            claim_session()
            st.stop()
        from .auth import check_identity  # auth builds on this module

        check_identity()
        if st.session_state.get(AFRESH):  # someone else's now: a whole run draws what they may see
            st.rerun(scope="app")
        function(*args, **kwargs)

    return st.fragment(guarded)  # type: ignore[return-value]


def connection_is_owner() -> bool:
    """Whether this run comes from the browser that opened the session (for callbacks, which run first)."""
    owner = st.session_state.get(OWNER)
    return owner is None or owner == (browser_binding() or NO_COOKIE)


def browser_binding() -> str | None:
    """What this run's connection proves about its browser: a hash of its XSRF cookie's token.

    None when a browser connection carries no readable cookie (it cannot be
    signed in); NO_BROWSER for a run without any connection (AppTest).
    """
    if not len(st.context.headers):
        return NO_BROWSER
    return binding_of(st.context.cookies.get(BROWSER_COOKIE))


def binding_of(cookie: str | None) -> str | None:
    """The binding an XSRF cookie's text gives (a hash of the token inside it), or None for no token."""
    token = _xsrf_token(cookie)
    return hashlib.sha256(b"hcdev-session:" + token).hexdigest() if token else None


def _xsrf_token(cookie: str | None) -> bytes | None:
    """The token inside a "2|mask|masked token|time" cookie (Tornado's and Streamlit's format)."""
    parts = (cookie or "").strip("\"'").split("|")
    if len(parts) != 4 or parts[0] != "2":
        return None
    try:
        mask, masked = binascii.unhexlify(parts[1]), binascii.unhexlify(parts[2])
    except (binascii.Error, ValueError):
        return None
    if len(mask) != 4 or not masked:
        return None
    return bytes(b ^ mask[i % 4] for i, b in enumerate(masked))


def end_session(notice: str | None = None) -> None:
    """Forget everything this tab's session holds: sign-in, batch, selections, forms, downloads, identity.

    Downloads go with it: Streamlit serves a download only while a run of the
    session still shows its button, and the next run shows the sign-in page.
    """
    token = (st.session_state.get(AUTH_KEY) or {}).get("token")
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if notice:
        st.session_state[SIGNIN_NOTICE] = notice
    st.session_state[AFRESH] = True
    if token:
        from hcdev_match.storage.sessions import end_web_session

        with contextlib.suppress(HcdevMatchError):  # a busy database: the record expires by itself
            end_web_session(get_store(), token)
        st.session_state[COOKIE_PENDING] = ""  # the next run tells the browser to forget the cookie
