"""The rate limits on anonymous writes, as the pages apply them (the counting is `hcdev_match.storage.throttle`).

Sign-ins, candidate saves and erase-code tries each check `allow_attempt`
first; a refused flood is written to the audit log as one row per kind and
window (`write_refusals`), when the window has ended.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import streamlit as st

from hcdev_match.errors import HcdevMatchError
from hcdev_match.storage.throttle import LIMITS, RateLimiter, client_source

from .settings import read_settings

if TYPE_CHECKING:
    from hcdev_match.storage.store import Store


def trusted_proxies() -> int:
    """HCDEV_TRUSTED_PROXIES: how many proxies in front of the app add X-Forwarded-For (default 0: none)."""
    return read_settings().trusted_proxies


def store() -> Store:
    from .resources import get_store

    return get_store()


@st.cache_resource(show_spinner=False)
def _limiters() -> dict[str, RateLimiter]:
    """One set of rate limits per server process, shared by its sessions."""
    return {kind: RateLimiter(kind, limit) for kind, limit in LIMITS.items()}


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


def allow_attempt(kind: str) -> bool:
    """Use one of this session's and source's anonymous writes of ``kind``; False when none is left."""
    session, source = visitor()
    now = _now()
    allowed = _limiters()[kind].take(session=session, source=source, now=now)
    write_refusals(now)
    return allowed


def give_back_attempt(kind: str) -> None:
    """An attempt that does not count after all (a sign-in that succeeded)."""
    session, source = visitor()
    _limiters()[kind].give_back(session=session, source=source, now=_now())


def refusal_message(kind: str) -> str:
    limit = LIMITS[kind]
    minutes = int(limit.window.total_seconds() // 60)
    return (
        f"Too many {limit.what} from here: at most {limit.per_session} per session and {limit.per_source} "
        f"per address in {minutes} minutes. Wait a while and try again."
    )


def write_refusals(now: datetime | None = None) -> None:
    """Write each ended window's refused attempts to the audit log, one row per kind and window."""
    now = now or _now()
    for limiter in _limiters().values():
        for refusals in limiter.take_closed(now):
            try:
                store().audit("anonymous", "rate_limited", refusals.kind, refusals.detail())
            except HcdevMatchError:
                limiter.keep(refusals)  # the database refuses writes now; the next attempt writes the row
                return


def refused_now() -> dict[str, int]:
    """Refusals of the current windows, not in the audit log until their window ends."""
    now = _now()
    return {kind: limiter.refused_now(now) for kind, limiter in _limiters().items()}
