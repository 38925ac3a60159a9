"""Local accounts: recruiters and HR sign in; candidates never need an account.

Passwords are hashed with scrypt (memory-hard, from hashlib) and a random
salt, compared in constant time; repeated failures lock the account for a
while, and every sign-in, good or bad, is in the audit log.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from .database import read_transaction, write_transaction
from .errors import AccountError
from .schema import users
from .store import Store, append_audit, utc_now

__all__ = [
    "ROLES",
    "User",
    "add_user",
    "ensure_sso_user",
    "hash_password",
    "list_users",
    "sign_in",
    "verify_password",
]

ROLES = ("recruiter", "hr")
MIN_PASSWORD = 12
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
# Checked against when the name is unknown, so that a wrong name costs as
# long as a wrong password and names cannot be probed by timing.
_DUMMY_HASH: str | None = None


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt$hash``, all that is needed to check it later."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    b64 = base64.b64encode
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    return hmac.compare_digest(candidate, base64.b64decode(digest))


def add_user(store: Store, name: str, *, role: str, password: str, actor: str = "cli") -> User:
    """Create a recruiter or HR account."""
    name = name.strip()
    if not name or len(name) > 100 or any(c.isspace() for c in name):
        raise AccountError(f"user name {name!r} is not valid; use one word of at most 100 characters")
    if role not in ROLES:
        raise AccountError(f"role {role!r} is not known; use one of {list(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password has {len(password)} characters; use at least {MIN_PASSWORD}")
    hashed = hash_password(password)
    now = utc_now()
    with write_transaction(store.engine) as connection:
        if connection.execute(sa.select(users.c.id).where(users.c.name == name)).first() is not None:
            raise AccountError(f"user {name!r} exists already; choose another name")
        user_id = connection.execute(
            users.insert().values(name=name, role=role, password_hash=hashed, created_at=now).returning(users.c.id)
        ).scalar_one()
        append_audit(connection, actor, "user_added", f"user:{name}", role, now=now)
    return User(int(user_id), name, role)


def list_users(store: Store) -> list[User]:
    with read_transaction(store.engine) as connection:
        rows = connection.execute(sa.select(users.c.id, users.c.name, users.c.role).order_by(users.c.name))
        return [User(int(row.id), row.name, row.role) for row in rows]


def sign_in(store: Store, name: str, password: str, *, now: datetime | None = None) -> User:
    """Check a name and password; raise AccountError (one message for any failure).

    The outcome (failure count, lock, audit entry) is committed before the
    refusal is raised: raising inside the transaction would roll it back.
    """
    global _DUMMY_HASH
    now = now or utc_now()
    user: User | None = None
    with write_transaction(store.engine) as connection:
        row = connection.execute(sa.select(users).where(users.c.name == name.strip())).mappings().first()
        if row is None or row["password_hash"] is None:
            _DUMMY_HASH = _DUMMY_HASH or hash_password(secrets.token_hex(8))
            verify_password(password, _DUMMY_HASH)
            append_audit(connection, "anonymous", "sign_in_failed", now=now)
        elif row["locked_until"] is not None and row["locked_until"] > now:
            append_audit(connection, row["name"], "sign_in_refused", detail="locked", now=now)
        elif not verify_password(password, row["password_hash"]):
            failures = row["failed_attempts"] + 1
            locked = now + LOCKOUT if failures >= MAX_FAILURES else None
            connection.execute(
                users.update()
                .where(users.c.id == row["id"])
                .values(failed_attempts=0 if locked else failures, locked_until=locked)
            )
            append_audit(connection, row["name"], "sign_in_failed", detail="locked" if locked else None, now=now)
        else:
            connection.execute(
                users.update().where(users.c.id == row["id"]).values(failed_attempts=0, locked_until=None)
            )
            append_audit(connection, row["name"], "signed_in", now=now)
            user = User(int(row["id"]), row["name"], row["role"])
    if user is None:
        raise AccountError("the name or password is wrong, or the account is locked for a while; try again later")
    return user


def ensure_sso_user(store: Store, email: str, *, role: str) -> User:
    """The account row of a single sign-on user (no password), created on first use."""
    if role not in ROLES:
        raise AccountError(f"role {role!r} is not known; use one of {list(ROLES)}")
    name = email.strip().lower()[:100]
    with write_transaction(store.engine) as connection:
        row = connection.execute(sa.select(users.c.id, users.c.role).where(users.c.name == name)).first()
        if row is not None:
            if row.role != role:
                connection.execute(users.update().where(users.c.id == row.id).values(role=role))
            return User(int(row.id), name, role)
        user_id = connection.execute(
            users.insert().values(name=name, role=role, password_hash=None, created_at=utc_now()).returning(users.c.id)
        ).scalar_one()
    return User(int(user_id), name, role)
