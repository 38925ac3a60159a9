"""Sign-in, the session's owner, and the guard every page calls first.

Each page calls `guard(page_id)` first: it decides from the one policy in
`hcdev_match.storage.access` (deny by default) and, when the visitor may not
see the page, shows a sign-in prompt and stops the page before it shows any
data.

Which browser a session belongs to, and the sign-in a reload resumes, are
`webui.sessions`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from hcdev_match.errors import HcdevMatchError
from hcdev_match.storage.access import CANDIDATE, is_allowed, role_for_email, session_expired

from .keys import AFRESH, AUTH_KEY, COOKIE_PENDING, SIGNIN_NOTICE
from .resources import get_store
from .sessions import (
    NO_BROWSER,
    TOUCH_EVERY,
    auth_record,
    browser_binding,
    claim_session,
    connection_is_owner,
    end_session,
    hold_for,
    identity_of,
    resume,
    start_afresh,
    touch,
    write_cookie,
)
from .settings import read_settings

__all__ = [
    "NO_BROWSER", "check_identity", "connection_is_owner", "current_user", "demo_banner", "end_session", "guard",
    "guard_sign_in_page", "guard_with_banners_last",
    "oidc_configured", "settings_banner", "sidebar_account", "sign_in_form",
]  # fmt: skip


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, AttributeError):
        return False
    except Exception:  # noqa: BLE001 - a secrets file that does not parse means no OIDC
        return False


def current_user() -> dict[str, Any] | None:
    """The signed-in recruiter or HR user, or None for a candidate; the session's state is theirs alone.

    Called first by every run: a change of who uses the tab since the last
    run (a sign-in, a sign-out, an expiry, another account) empties the
    session's state before the page draws anything (`sessions.hold_for`).
    """
    user = check_identity()
    start_afresh()
    return user


def check_identity() -> dict[str, Any] | None:
    """Who uses the tab now (its owner checked, a sign-in's expiry too); their change empties the session."""
    claim_session()
    user = _signed_in_user()
    hold_for(identity_of(user))
    return user


def _signed_in_user() -> dict[str, Any] | None:
    if oidc_configured():
        if not getattr(st.user, "is_logged_in", False):
            return None
        roles = st.secrets.get("hcdev_roles", {})
        role = role_for_email(getattr(st.user, "email", None), roles)
        # An organisation account without a mapped role is a candidate here.
        return {"name": str(getattr(st.user, "email", "")), "role": role or CANDIDATE, "user_id": None}
    auth = st.session_state.get(AUTH_KEY) or resume()
    if not auth:
        return None
    from hcdev_match.storage.store import utc_now

    now = utc_now()
    if session_expired(auth["signed_in_at"], auth["last_seen"], now):
        end_session("Your session ended; sign in again.")
        return None
    if auth.get("browser") != browser_binding():
        # Another connection presented this session's id: it gets nothing,
        # and the session it tried to take is ended for its owner too.
        end_session("You were signed out because this session was opened from another connection; sign in again.")
        return None
    auth["last_seen"] = now
    if auth.get("token") and now - auth["touched"] > TOUCH_EVERY and not touch(auth, now):
        # Its record was ended elsewhere: an open tab follows within TOUCH_EVERY.
        end_session("You were signed out: the account's password was changed or the account removed; sign in again.")
        return None
    return dict(auth)


def guard(page: str) -> dict[str, Any] | None:
    """Stop the page unless the policy lets the current visitor see it."""
    user, banners = _guard(page)
    banners()
    return user


def guard_with_banners_last(page: str) -> Callable[[], None]:
    """``guard``, but the banners (which open the database) are drawn at the top when the page calls back.

    For the first page a visitor sees: its inputs reach the browser before
    the database (SQLAlchemy, the schema check) is even imported.
    """
    return _guard(page)[1]


def _guard(page: str) -> tuple[dict[str, Any] | None, Callable[[], None]]:
    user = current_user()
    role = str(user["role"]) if user else CANDIDATE
    write_cookie()
    sidebar_account(user)
    holder = st.container()

    def banners() -> None:
        with holder:
            settings_banner()
            demo_banner()

    if is_allowed(page, role):
        return user, banners
    banners()
    if user is None:
        st.title("Sign in to continue")
        st.info("This page is for signed-in recruiters or HR staff. Candidates can use the fit check.")
        sign_in_form()
    else:
        st.title("Not available to your account")
        st.error(f"Your role ({role}) may not open this page. Ask an administrator if you need it.")
    st.stop()
    raise AssertionError("not reached: st.stop() ends the run")


def sign_in_form() -> None:
    if oidc_configured():
        st.button("Sign in with your organisation's account", key="signin_oidc", on_click=st.login)
        return
    notice = st.session_state.pop(SIGNIN_NOTICE, None)
    if notice:
        st.warning(notice)
    with st.form("signin_form"):
        st.text_input("User name", key="signin_name")
        st.text_input("Password", key="signin_password", type="password")
        submitted = st.form_submit_button("Sign in", key="signin")
    if submitted:
        _sign_in(st.session_state.get("signin_name", ""), st.session_state.get("signin_password", ""))


def _sign_in(name: str, password: str) -> None:
    from hcdev_match.storage.accounts import sign_in
    from hcdev_match.storage.store import utc_now

    from .limits import allow_attempt, give_back_attempt, refusal_message, visitor

    browser = browser_binding()
    if browser is None:
        st.error(
            "Your browser did not send the cookie this app binds a sign-in to; allow cookies for this "
            "site, reload the page and sign in again."
        )
        return
    if not allow_attempt("sign_in"):
        st.error(refusal_message("sign_in"))
        return
    try:
        user = sign_in(get_store(), name, password, source=visitor()[1])
    except HcdevMatchError as exc:  # a refusal, or the database's (a held lock, a read-only file)
        st.error(str(exc))
        return
    give_back_attempt("sign_in")  # only failures use the allowance
    from hcdev_match.storage.sessions import open_web_session

    now = utc_now()
    try:
        token: str | None = open_web_session(get_store(), user, browser=browser, now=now)
    except HcdevMatchError:
        token = None  # signed in for this tab only; a reload asks again
    auth = auth_record(user, token, signed_in_at=now, now=now)
    hold_for(identity_of(auth))  # the visitor's state goes now; the form's page shows nothing of theirs
    st.session_state.pop(AFRESH, None)
    st.session_state[AUTH_KEY] = auth
    if token:
        st.session_state[COOKIE_PENDING] = token
    st.rerun()


def settings_banner() -> None:
    """Each wrong setting, in words, on every page (what depends on it is refused where it is used)."""
    problems = read_settings().problems
    if problems:
        from hcdev_match.present.report import escape_markdown

        for problem in problems:
            st.error("This app's settings need fixing: " + escape_markdown(problem))


def demo_banner() -> None:
    """A warning on every page while a demo account (whose password was printed) can sign in."""
    from hcdev_match.storage.accounts import demo_account_names

    try:
        names = demo_account_names(get_store())
    except HcdevMatchError:
        return  # the page itself reports a database it cannot open
    if names:
        st.warning(
            f"Demo accounts can sign in to this database: {', '.join(names)}. Use it for trying the app out only; "
            "remove them with `python -m hcdev_match remove-user NAME` before any real use.",
            icon="⚠️",
        )


def sidebar_account(user: dict[str, Any] | None) -> None:
    with st.sidebar:
        if user is None:
            st.caption("You are using hcdev-match as a candidate: nothing is stored unless you choose to.")
            return
        st.text(f"Signed in as {user['name']} ({user['role']}).")  # a name is text, never Markdown
        if oidc_configured():
            st.button("Sign out", key="signout", on_click=_sign_out_of_oidc)
        elif st.button("Sign out", key="signout"):
            end_session()
            st.rerun()


def _sign_out_of_oidc() -> None:
    end_session()
    st.logout()


def guard_sign_in_page(landing: Callable[[str], str | None]) -> None:
    """The sign-in page: the form for a visitor; a signed-in user goes on to their role's first page."""
    user = current_user()
    first = landing(str(user["role"])) if user is not None else None
    if first is not None:
        st.switch_page(first)
    write_cookie()
    sidebar_account(user)
    settings_banner()
    demo_banner()
    st.title("Sign in")
    if user is not None:
        st.info("You are signed in. Choose a page in the menu.")
        return
    st.info("Recruiters and HR staff sign in here. Candidates need no account: use Check a CV.")
    sign_in_form()
