"""The rate limits on anonymous writes, as the pages apply them (the counting is `hcdev_match.storage.throttle`).

Sign-ins, candidate saves and erase-code tries each check `allow_attempt`
first. The counts are in the app's database, shared by every replica; when
the database cannot count (unreachable, locked), the attempt is refused and
`refusal_message` says why. A refused flood is written to the audit log as
one row per kind and window when the window has ended (`write_refusals`).
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import TYPE_CHECKING

import streamlit as st

from hcdev_match.errors import HcdevMatchError
from hcdev_match.storage.throttle import LIMITS, RateLimiter, client_source, close_ended_windows

from .settings import read_settings

if TYPE_CHECKING:
    from hcdev_match.storage.store import Store


def trusted_proxies() -> int:
    """HCDEV_TRUSTED_PROXIES: how many proxies in front of the app add X-Forwarded-For (default 0: none)."""
    return read_settings().trusted_proxies


def store() -> Store:
    from .resources import get_store

    return get_store()


def _limiter(kind: str) -> RateLimiter:
    """The limit on ``kind``, counted in the app's database (a HcdevMatchError when it cannot be opened)."""
    return RateLimiter(store(), kind)


def visitor() -> tuple[str, str]:
    """The visitor's session id and source address (X-Forwarded-For only behind trusted proxies)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    headers = st.context.headers
    forwarded = headers.get("X-Forwarded-For") if headers is not None else None
    source = client_source(st.context.ip_address, forwarded, trusted_proxies=trusted_proxies())
    return (context.session_id if context is not None else "unknown"), source


def _now() -> datetime:
    from hcdev_match.storage.store import utc_now

    return utc_now()


#: Why this session's last attempt could not be counted (the database's words), for `refusal_message`.
UNCOUNTED = "limits_uncounted"


def allow_attempt(kind: str) -> bool:
    """Use one of this session's and source's anonymous writes of ``kind``; False when none is left.

    False too when the database cannot count it (fail closed: an attacker
    who can make the database slow or locked gains no attempts by it).
    """
    session, source = visitor()
    now = _now()
    st.session_state.pop(UNCOUNTED, None)
    try:
        allowed = _limiter(kind).take(session=session, source=source, now=now)
    except HcdevMatchError as exc:
        st.session_state[UNCOUNTED] = str(exc)
        return False
    write_refusals(now)
    return allowed


def give_back_attempt(kind: str) -> None:
    """An attempt that does not count after all (a sign-in that succeeded)."""
    session, source = visitor()
    # When the database cannot take it back, the attempt stays counted: one fewer this window, never one more.
    with contextlib.suppress(HcdevMatchError):
        _limiter(kind).give_back(session=session, source=source, now=_now())


def refusal_message(kind: str) -> str:
    """Why ``allow_attempt`` refused: the limit, or the database's reason it could not count."""
    uncounted = st.session_state.pop(UNCOUNTED, None)
    if uncounted:
        return str(uncounted)  # the guard's sentence: what failed and what to do
    limit = LIMITS[kind]
    minutes = int(limit.window.total_seconds() // 60)
    return (
        f"Too many {limit.what} from here: at most {limit.per_session} per session and {limit.per_source} "
        f"per address in {minutes} minutes. Wait a while and try again."
    )


def write_refusals(now: datetime | None = None) -> None:
    """Write each ended window's refused attempts to the audit log, one row per kind and window.

    Whichever replica gets here first writes a window's row; a database
    that refuses the write now leaves the window for the next call.
    """
    with contextlib.suppress(HcdevMatchError):
        close_ended_windows(store(), now or _now())


def refused_now() -> dict[str, int]:
    """Refusals of the current windows, not in the audit log until their window ends."""
    now = _now()
    try:
        return {kind: _limiter(kind).refused_now(now) for kind in LIMITS}
    except HcdevMatchError:
        return {}
