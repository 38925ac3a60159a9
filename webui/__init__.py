"""What every page shares: the access guard, sign-in, and the shared resources.

Streamlit code lives here and in the pages, never in `hcdev_match`. Each page
calls `guard(page_id)` first: it decides from the one policy in
`hcdev_match.storage.access` (deny by default) and, when the visitor may not see the
page, shows a sign-in prompt and stops the page before it shows any data.
"""

from __future__ import annotations

import binascii
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st

from hcdev_match.errors import HcdevMatchError
from hcdev_match.scoring.assessment import FLAG_MESSAGES
from hcdev_match.storage.access import CANDIDATE, is_allowed, role_for_email, session_expired

if TYPE_CHECKING:
    from hcdev_match import Matcher
    from hcdev_match.catalogue.model import Catalogue
    from hcdev_match.storage.store import Store
    from hcdev_match.workflows.fitcheck import FitCheck

# The store (SQLAlchemy) is imported where it is used, not here: a
# candidate's first view of the fit check needs no database, and importing
# it would delay the first paint.

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = ROOT / "var" / "hcdev.sqlite3"

# The session_state keys the app sets itself (widgets add theirs under their
# `key=`). Sign-out and expiry clear the whole session state, these and the
# widgets' alike, so a key forgotten here still cannot outlive a sign-out.
AUTH_KEY = "auth"  # {"name", "role", "user_id", "signed_in_at", "last_seen", "browser"}
SIGNIN_NOTICE = "signin_notice"  # the only thing a sign-out leaves: why it happened
RANKING = "ranking"  # the recruiter's scored batch (CV texts and file names)
SAVED = "saved"  # candidate id -> SavedAssessment of that batch
SAVED_BASIS = "saved_basis"  # the legal basis that batch was saved under
DECIDED = "decided"  # candidate id -> (decision, reason)
BATCH_ID = "batch_id"
BATCH_NOTE = "batch_note"  # what the capped intake left out
VIEWED = "viewed"  # candidate ids whose view is in the audit log

# A signed-in session is bound to the browser that signed in: to the token of
# Streamlit's XSRF cookie, which the browser sends with every websocket it
# opens and which a session id (visible in upload URLs, so in proxy logs)
# does not carry. Streamlit re-masks the cookie on every response, so the
# token inside it is what is compared, never the cookie's text.
BROWSER_COOKIE = "_streamlit_xsrf"
NO_BROWSER = "no-browser-connection"  # a run with no websocket at all (Streamlit's AppTest)
NO_COOKIE = "no-cookie"  # a browser connection that sent no readable cookie
# Every session, a candidate's too (their CV is in it), belongs to the
# browser that opened it: another connection presenting its id finds it empty.
OWNER = "owner"
HUMAN_NOTE = (
    "**A person decides.** The fit shows how much of each role's skill profile the text evidences; "
    "it assists a recruiter or a candidate and is never a hiring decision on its own."
)
TIER_NAMES = {
    "must_have": "must-have",
    "nice_to_have": "nice-to-have",
    "general": "general skill",
    "future": "future tech",
    "keyword": "role keyword",
}


def database_url() -> str:
    """HCDEV_DATABASE_URL, or an SQLite file in the git-ignored var/ folder."""
    return os.environ.get("HCDEV_DATABASE_URL") or f"sqlite:///{DEFAULT_DATABASE}"


def retention_days() -> int:
    """HCDEV_RETENTION_DAYS, else the store's default; a clear HcdevMatchError when it is not 1 or more."""
    from hcdev_match.storage.store import parse_retention_days

    return parse_retention_days(os.environ.get("HCDEV_RETENTION_DAYS"), setting="HCDEV_RETENTION_DAYS")


@st.cache_resource(show_spinner=False)
def _store(url: str, days: int) -> Store:
    from hcdev_match.storage.store import Store, StoreConfig

    return Store.from_url(url, config=StoreConfig(retention_days=days))


def get_store() -> Store:
    """The shared store (one engine per server process, per database URL)."""
    return _store(database_url(), retention_days())


@st.cache_resource(show_spinner="Loading the role catalogue…")
def get_matcher() -> Matcher:
    """Built once per server process and shared: it holds the catalogue, never a CV."""
    from hcdev_match import Matcher

    return Matcher.from_paths()


@st.cache_resource(show_spinner=False)
def get_catalogue() -> Catalogue:
    """The role catalogue, loaded once per server process, for pages that need no model (HR)."""
    from hcdev_match.catalogue.model import load_catalogue

    return load_catalogue()


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, AttributeError):
        return False
    except Exception:  # noqa: BLE001 - a secrets file that does not parse means no OIDC
        return False


def current_user() -> dict[str, Any] | None:
    """The signed-in recruiter or HR user, or None for a candidate."""
    claim_session()
    if oidc_configured():
        if not getattr(st.user, "is_logged_in", False):
            return None
        roles = st.secrets.get("hcdev_roles", {})
        role = role_for_email(getattr(st.user, "email", None), roles)
        # An organisation account without a mapped role is a candidate here.
        return {"name": str(getattr(st.user, "email", "")), "role": role or CANDIDATE, "user_id": None}
    auth = st.session_state.get(AUTH_KEY)
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
    return dict(auth)


def claim_session() -> None:
    """Record which browser this session belongs to; empty it if another connection presents its id."""
    current = browser_binding() or NO_COOKIE
    owner = st.session_state.get(OWNER)
    if owner is not None and owner != current:
        end_session("This session was opened from another connection, so it was emptied; start again.")
    st.session_state[OWNER] = current


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
    token = _xsrf_token(st.context.cookies.get(BROWSER_COOKIE))
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
    """Forget everything this tab's session holds: sign-in, batch, selections, forms, downloads.

    Downloads go with it: Streamlit serves a download only while a run of the
    session still shows its button, and the next run shows the sign-in page.
    """
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if notice:
        st.session_state[SIGNIN_NOTICE] = notice


def current_role() -> str:
    user = current_user()
    return str(user["role"]) if user else CANDIDATE


def guard(page: str) -> dict[str, Any] | None:
    """Stop the page unless the policy lets the current visitor see it."""
    user = current_user()
    role = str(user["role"]) if user else CANDIDATE
    sidebar_account(user)
    demo_banner()
    if is_allowed(page, role):
        return user
    if user is None:
        st.title("Sign in to continue")
        st.info("This page is for signed-in recruiters or HR staff. Candidates can use the fit check.")
        sign_in_form()
    else:
        st.title("Not available to your account")
        st.error(f"Your role ({role}) may not open this page. Ask an administrator if you need it.")
    st.stop()
    return None  # not reached: st.stop() ends the run


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
    now = utc_now()
    st.session_state[AUTH_KEY] = {
        "name": user.name,
        "role": user.role,
        "user_id": user.id,
        "signed_in_at": now,
        "last_seen": now,
        "browser": browser,
    }
    st.rerun()


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


def render_fit_check(check: FitCheck) -> None:
    """Everything the fit check shows about one scored CV (also used on the recruiter page)."""
    import pandas as pd

    from hcdev_match.present.charts import build_fit_chart, build_terms_chart
    from hcdev_match.present.report import format_csv, format_markdown

    matcher = get_matcher()
    best = check.best
    st.header(f"Best fit: {best.label}")
    left, right = st.columns([1, 2])
    left.metric("Fit", f"{best.fit:.0f} / 100 ({best.band})", help="90+ strong, 60+ good, 30+ partial, below 30 weak")
    right.markdown(
        f"**Closest next role:** {check.next_role.label}, {check.next_role.fit:.0f} / 100 ({check.next_role.band})"
    )
    st.info(HUMAN_NOTE)
    for flag in check.flags:
        st.warning(FLAG_MESSAGES.get(flag, flag))

    st.container(key="fit_chart").altair_chart(build_fit_chart(check.assessment), width="stretch")

    st.subheader("What would raise the fit")
    for role, advice in check.advice.items():
        label = check.assessment.fit_of(role).label
        if advice:
            gains = ", ".join(f"{g.label} (about +{g.gain:.0f})" for g in advice)
            st.markdown(f"**{label}**: the missing must-haves that would move the fit most are {gains}.")
        else:
            st.markdown(f"**{label}**: every must-have skill is already shown.")
    st.caption(
        "Only real experience counts: a skill raises the fit where the text shows it was used, and skills "
        f"only listed count {matcher.config.listed_only_weight:.0%} as much. Adding words without the experience "
        "will not help, and a person reads the CV."
    )

    st.subheader("Why: the fit to each role explained")
    role = st.selectbox(
        "Explain the fit for",
        options=[f.role for f in check.assessment.fits],
        format_func=lambda r: f"{check.assessment.fit_of(r).label} ({check.assessment.fit_of(r).fit:.0f})",
        key="explain_role",
    )
    fit = check.assessment.fit_of(role)
    skills, terms = st.columns([3, 2])
    with skills:
        if fit.matched:
            st.markdown("**Skills the text shows** (must-haves first)")
            st.dataframe(
                pd.DataFrame(
                    {
                        "skill": [m.label for m in fit.matched],
                        "tier": [TIER_NAMES[m.tier] for m in fit.matched],
                        "strength": [m.strength for m in fit.matched],
                        "where the text shows it": [m.snippet for m in fit.matched],
                    }
                ),
                hide_index=True,
                column_config={
                    "strength": st.column_config.ProgressColumn(
                        "strength", min_value=0.0, max_value=1.0, format="%.2f", width="small"
                    ),
                    "where the text shows it": st.column_config.TextColumn(width="large"),
                },
            )
        else:
            st.markdown("The text shows none of this role's skills.")
        for tier in ("must_have", "nice_to_have"):
            missing = [matcher.label_of(s) for s in fit.missing.get(tier, ())]
            st.markdown(f"**Missing {TIER_NAMES[tier]} skills:** " + (", ".join(missing) or "none"))
    with terms:
        if fit.terms:
            st.altair_chart(build_terms_chart(fit), width="stretch")
        d = check.assessment.domain
        st.caption(
            f"Healthcare software evidence {d.factor:.2f} = software work {d.software:.2f} "
            f"x healthcare setting {d.healthcare:.2f} x focus on building software {d.focus:.2f}."
        )

    with st.expander("The text that was scored"):
        st.text(f"Source: {check.source} ({check.kind}), {check.assessment.words} words")
        st.text(check.text)

    st.subheader("Download")
    csv_col, md_col = st.columns(2)
    csv_col.download_button(
        "Fits as CSV", format_csv(check), file_name="fit-check.csv", mime="text/csv", key="download_csv"
    )
    md_col.download_button(
        "Readable report (Markdown)",
        format_markdown(check, skill_labels={s: matcher.label_of(s) for s in matcher.catalogue.skills}),
        file_name="fit-check.md",
        mime="text/markdown",
        key="download_md",
    )
    st.caption(f"Catalogue version {check.assessment.catalogue_version}.")
