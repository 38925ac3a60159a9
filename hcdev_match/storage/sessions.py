"""Sign-ins that survive a reload: a server-side record per signed-in browser.

The browser keeps a random token (a cookie); the database keeps only the
token's hash, the account, and a hash of the browser's XSRF token that the
app binds a sign-in to. A session resumes only for the same browser, within
the lifetime and idle limits of ``access``, for an account that can still
sign in; signing out deletes the record, so a copied cookie opens nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from .access import SESSION_LIFETIME, session_expired
from .accounts import User
from .schema import users, web_sessions
from .store import Store, utc_now

__all__ = ["ResumedSession", "end_web_session", "open_web_session", "resume_web_session", "touch_web_session"]


@dataclass(frozen=True)
class ResumedSession:
    user: User
    signed_in_at: datetime
    last_seen: datetime


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_web_session(store: Store, user: User, *, browser: str, now: datetime | None = None) -> str:
    """Record a sign-in for ``browser`` (a hash of its XSRF token); return the token for its cookie."""
    now = now or utc_now()
    token = secrets.token_urlsafe(32)
    with store.writing("record the sign-in session") as connection:
        # Sessions past their lifetime are never resumed; forget them here.
        connection.execute(web_sessions.delete().where(web_sessions.c.signed_in_at < now - SESSION_LIFETIME))
        connection.execute(
            web_sessions.insert().values(
                token_hash=_hash(token), user_id=user.id, browser=browser[:64], signed_in_at=now, last_seen=now
            )
        )
    return token


def resume_web_session(
    store: Store, token: str, *, browser: str | None, now: datetime | None = None
) -> ResumedSession | None:
    """The signed-in session ``token`` names, if it is this browser's and still valid; else None (and it ends)."""
    if not token or browser is None or len(token) > 100:
        return None
    now = now or utc_now()
    with store.reading("look up the sign-in session") as connection:
        row = connection.execute(
            sa.select(web_sessions, users.c.name, users.c.role, users.c.password_hash)
            .join(users, users.c.id == web_sessions.c.user_id)
            .where(web_sessions.c.token_hash == _hash(token))
        ).first()
    if row is None:
        return None
    usable = (row.password_hash or "").startswith("scrypt$")  # a removed (disabled) account resumes nothing
    if row.browser != browser[:64] or not usable or session_expired(row.signed_in_at, row.last_seen, now):
        # Presented by another browser, for a disabled account, or too old: nobody may use it any more.
        end_web_session(store, token)
        return None
    touch_web_session(store, token, now=now)
    return ResumedSession(User(int(row.user_id), row.name, row.role), row.signed_in_at, now)


def touch_web_session(store: Store, token: str, *, now: datetime | None = None) -> bool:
    """Move the session's last activity to ``now`` (its idle limit counts from there).

    Return False when the session is gone: signed out elsewhere, or ended by
    a new password or the account's removal.
    """
    with store.writing("note the session's activity") as connection:
        touched = connection.execute(
            web_sessions.update().where(web_sessions.c.token_hash == _hash(token)).values(last_seen=now or utc_now())
        ).rowcount
    return bool(touched)


def end_web_session(store: Store, token: str) -> None:
    """Forget a session: its cookie opens nothing any more."""
    with store.writing("end the sign-in session") as connection:
        connection.execute(web_sessions.delete().where(web_sessions.c.token_hash == _hash(token)))
