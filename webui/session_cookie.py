"""The sign-in cookie, set by the server itself as HttpOnly: no script in the page can read it.

A script run cannot set a cookie (Streamlit sends it over a websocket), but
Streamlit's server takes routes of the app's own (`st.App`, in dashboard.py).
At sign-in the run keeps the new token here under a one-time code and the
page gets a one-line script that posts the code to ``COOKIE_PATH``; the
route answers with the cookie (HttpOnly, SameSite=Strict, Secure over
HTTPS) when the code is fresh and the request comes from the browser that
signed in (the token of its XSRF cookie, as `webui.sessions` binds it). The
token itself never reaches the page, and a code is good once, for
``CODE_LIFETIME_S``: whoever reads it later, or elsewhere, gets nothing.
Sign-out asks the same route to forget the cookie. The codes live in this
process: behind nginx a browser's requests all reach the replica its route
cookie names (deploy/nginx.conf), the one that signed it in.
"""

from __future__ import annotations

import json
import secrets
import threading
import time

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hcdev_match.storage.access import SESSION_LIFETIME

__all__ = ["CODE_LIFETIME_S", "COOKIE_PATH", "ROUTES", "cookie_script", "hand_over"]

COOKIE_PATH = "/api/session"
CODE_LIFETIME_S = 60.0  # long enough for the page to post it back; a reload within it loses nothing either way
CODE_BYTES = 100  # a code is 43 characters: what is read of a posted body
MAX_PENDING = 10_000  # codes not yet exchanged (a flood of sign-ins cannot grow this without bound)

_lock = threading.Lock()
_pending: dict[str, tuple[str, str, float]] = {}  # code -> (token, browser binding, good until)


def hand_over(token: str, binding: str) -> str:
    """A one-time code the browser with this binding exchanges for the cookie holding ``token``."""
    code = secrets.token_urlsafe(32)
    now = time.monotonic()
    with _lock:
        for stale in [c for c, (_, _, until) in _pending.items() if until < now]:
            del _pending[stale]
        while len(_pending) >= MAX_PENDING:
            del _pending[next(iter(_pending))]  # the oldest: that sign-in holds for its tab only
        _pending[code] = (token, binding, now + CODE_LIFETIME_S)
    return code


def cookie_script(code: str | None) -> str:
    """The page's one line: post the code (the cookie comes back), or, with None, ask to forget the cookie."""
    method, body = ("POST", f", body: {json.dumps(code)}") if code else ("DELETE", "")
    return (
        f'<script>fetch("{COOKIE_PATH}", {{method: "{method}", credentials: "same-origin", cache: "no-store"'
        f"{body}}});</script>"
    )


async def _first_bytes(request: Request, most: int) -> bytes:
    """The body's first ``most`` bytes, the rest never read into memory (whoever posts may send gigabytes)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) >= most:
            break
    return body[:most]


async def _session_cookie(request: Request) -> Response:
    from .sessions import BROWSER_COOKIE, SESSION_COOKIE, binding_of

    secure = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
    if request.method == "DELETE":
        response = Response(status_code=204)
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=secure)
        return response
    code = (await _first_bytes(request, CODE_BYTES)).decode("ascii", "replace")
    with _lock:
        token, binding, until = _pending.pop(code, ("", "", 0.0))  # once, whoever asks
    browser = binding_of(request.cookies.get(BROWSER_COOKIE))
    if not token or until < time.monotonic() or browser is None or not secrets.compare_digest(binding, browser):
        return Response("This sign-in code is unknown, used or expired, or was given to another browser.\n",
                        status_code=403, media_type="text/plain")  # fmt: skip
    response = Response(status_code=204)
    response.set_cookie(SESSION_COOKIE, token, max_age=int(SESSION_LIFETIME.total_seconds()), path="/",
                        httponly=True, samesite="strict", secure=secure)  # fmt: skip
    return response


ROUTES = [Route(COOKIE_PATH, _session_cookie, methods=["POST", "DELETE"])]
