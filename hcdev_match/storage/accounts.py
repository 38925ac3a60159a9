"""Local accounts: recruiters and HR sign in; candidates never need an account.

Passwords are hashed with scrypt (memory-hard, from hashlib) and a random
salt, compared in constant time. Every sign-in runs the KDF exactly once,
whether the name exists, is delayed or not, and runs it outside any write
transaction. Repeated failures delay further tries of that name from that
source (growing delays, never a lock an outsider can put on everyone), and
every sign-in, good or bad, is in the audit log.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..errors import AccountError
from .audit import append_audit
from .database import utc_now
from .passwords import check_password
from .schema import assessments, decisions, sign_in_throttle, users, web_sessions

if TYPE_CHECKING:
    from .store import Store

__all__ = [
    "DEMO_PREFIX", "NAME_RULE", "ROLES", "SIGN_IN_POLICY", "SignInPolicy", "User", "add_user", "change_password",
    "demo_account_names", "ensure_sso_user", "hash_password", "list_users", "remove_user", "sign_in", "unlock_user",
    "verify_password",
]  # fmt: skip

ROLES = ("recruiter", "hr")
#: Names start with a letter or digit, then letters, digits and . _ @ + -
#: (no spaces, no Markdown or HTML syntax); pages show them as plain text.
NAME_RULE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}")
#: Reserved for the demo accounts; the app shows a banner while one exists.
DEMO_PREFIX = "demo-"
MAX_PASSWORD = 1024  # a longer one is refused without hashing it in full
DISABLED = "!"  # a password hash no password matches
# One cost for every hash, so every check takes as long; raising it means
# accepting the old parameters too until each account has signed in again.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
REFUSED = "the name or password is wrong; check both and try again"


@dataclass(frozen=True, kw_only=True)
class SignInPolicy:
    """How failed sign-ins of one name from one source slow further tries."""

    #: Failures allowed before any delay.
    free_failures: int = 5
    #: The first delay; each further failure doubles it ...
    first_delay: timedelta = timedelta(seconds=2)
    #: ... up to this.
    max_delay: timedelta = timedelta(minutes=15)
    #: A name and source with no failure for this long start afresh.
    forget_after: timedelta = timedelta(days=1)

    def delay(self, failures: int) -> timedelta:
        if failures < self.free_failures:
            return timedelta(0)
        delay: timedelta = self.first_delay * 2 ** min(failures - self.free_failures, 30)
        return min(delay, self.max_delay)


SIGN_IN_POLICY = SignInPolicy()


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


def verify_password(password: str, stored: str | None) -> bool:
    """Check ``password`` against a stored hash; scrypt runs exactly once at the same cost, whatever is stored."""
    parts = (stored or "").split("$")
    usable = len(parts) == 6 and parts[0] == "scrypt" and parts[1:4] == [str(v) for v in _SCRYPT.values()]
    if not usable:
        parts = _dummy_hash().split("$")
    salt, digest = base64.b64decode(parts[4]), base64.b64decode(parts[5])
    candidate = hashlib.scrypt(password[:MAX_PASSWORD].encode(), salt=salt, dklen=32, **_SCRYPT)
    return hmac.compare_digest(candidate, digest) and usable and len(password) <= MAX_PASSWORD


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_hex(16))


def _check_name(name: str, *, demo: bool = False) -> str:
    name = name.strip()
    if not NAME_RULE.fullmatch(name):
        raise AccountError(
            f"user name {name[:100]!r} is not valid; use at most 100 letters, digits and . _ @ + -, "
            "starting with a letter or digit"
        )
    if name.startswith(DEMO_PREFIX) and not demo:
        raise AccountError(f"user names starting with {DEMO_PREFIX!r} are kept for demo accounts; choose another")
    return name


def add_user(store: Store, name: str, *, role: str, password: str, actor: str = "cli", demo: bool = False) -> User:
    """Create a recruiter or HR account (the password must follow the rule in ``passwords``)."""
    name = _check_name(name, demo=demo)
    if role not in ROLES:
        raise AccountError(f"role {role!r} is not known; use one of {list(ROLES)}")
    check_password(password, name=name)
    hashed = hash_password(password)  # before the transaction: the KDF holds no lock
    now = utc_now()
    with store.writing("add the user") as connection:
        if connection.execute(sa.select(users.c.id).where(users.c.name == name)).first() is not None:
            raise AccountError(f"user {name!r} exists already; choose another name")
        user_id = connection.execute(
            users.insert().values(name=name, role=role, password_hash=hashed, created_at=now).returning(users.c.id)
        ).scalar_one()
        append_audit(connection, actor, "user_added", f"user:{name}", role, now=now)
    return User(int(user_id), name, role)


def list_users(store: Store) -> list[User]:
    with store.reading("list the users") as connection:
        rows = connection.execute(sa.select(users.c.id, users.c.name, users.c.role).order_by(users.c.name))
        return [User(int(row.id), row.name, row.role) for row in rows]


def demo_account_names(store: Store) -> list[str]:
    """The demo accounts that can sign in (the app shows a banner while there is one)."""
    with store.reading("look for demo accounts") as connection:
        rows = connection.execute(
            sa.select(users.c.name)
            .where(users.c.name.startswith(DEMO_PREFIX), users.c.password_hash.startswith("scrypt$"))
            .order_by(users.c.name)
        )
        return [str(name) for name in rows.scalars()]


def sign_in(
    store: Store,
    name: str,
    password: str,
    *,
    source: str = "local",
    now: datetime | None = None,
    policy: SignInPolicy = SIGN_IN_POLICY,
) -> User:
    """Check a name and password from ``source`` (a client address); raise AccountError if refused.

    Reads, hashes with no transaction open, then writes the outcome: the KDF
    never holds the write lock. An unknown name and a wrong password get one
    message; a delay (counted per name and source, unknown names too) says
    how long to wait.
    """
    now = now or utc_now()
    name, source = name.strip()[:100], source[:64]
    _dummy_hash()  # made once per process, before any branch
    with store.reading("check the sign-in") as connection:
        row = connection.execute(sa.select(users).where(users.c.name == name)).mappings().first()
        failures = connection.execute(
            sa.select(sign_in_throttle.c.failures, sign_in_throttle.c.last_failed_at).where(
                sign_in_throttle.c.name == name, sign_in_throttle.c.source == source
            )
        ).first()
    good = verify_password(password, row["password_hash"] if row is not None else None)
    if failures is not None and failures.last_failed_at > now - policy.forget_after:
        wait = failures.last_failed_at + policy.delay(failures.failures) - now
        if wait > timedelta(0):
            raise AccountError(
                f"too many failed sign-ins with this name from your address; wait {wait.total_seconds():.0f} "
                "seconds and try again"
            )
    if not good or row is None:
        with store.writing("record the failed sign-in") as connection:
            connection.execute(
                sign_in_throttle.delete().where(sign_in_throttle.c.last_failed_at < now - policy.forget_after)
            )
            connection.execute(_count_failure(connection, name, source, now))
            target = f"user:{name}" if row is not None else None
            append_audit(connection, "anonymous", "sign_in_failed", target, f"source={source}", now=now)
        raise AccountError(REFUSED)
    with store.writing("record the sign-in") as connection:
        connection.execute(
            sign_in_throttle.delete().where(sign_in_throttle.c.name == name, sign_in_throttle.c.source == source)
        )
        connection.execute(users.update().where(users.c.id == row["id"]).values(failed_attempts=0, locked_until=None))
        append_audit(connection, row["name"], "signed_in", None, f"source={source}", now=now)
    return User(int(row["id"]), row["name"], row["role"])


def _count_failure(connection: Any, name: str, source: str, now: datetime) -> Any:
    insert = (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(sign_in_throttle)
    return insert.values(name=name, source=source, failures=1, last_failed_at=now).on_conflict_do_update(
        index_elements=["name", "source"],
        set_={"failures": sign_in_throttle.c.failures + 1, "last_failed_at": now},
    )


def change_password(store: Store, name: str, password: str, *, actor: str) -> None:
    """Set a new password (the rule applies) and forget the account's failed sign-ins."""
    name = name.strip()
    check_password(password, name=name)
    hashed = hash_password(password)
    with store.writing("change the password") as connection:
        user_id = _existing(connection, name)
        connection.execute(users.update().where(users.c.name == name).values(password_hash=hashed))
        connection.execute(sign_in_throttle.delete().where(sign_in_throttle.c.name == name))
        # A new password is often the answer to a leaked one: no browser stays signed in with the old one.
        ended = _end_sessions(connection, user_id)
        append_audit(connection, actor, "password_changed", f"user:{name}", f"{ended} sign-in session(s) ended")


def unlock_user(store: Store, name: str, *, actor: str) -> int:
    """Lift every sign-in delay on an account; return how many sources were delayed."""
    name = name.strip()
    with store.writing("unlock the account") as connection:
        _existing(connection, name)
        cleared = connection.execute(sign_in_throttle.delete().where(sign_in_throttle.c.name == name)).rowcount
        connection.execute(users.update().where(users.c.name == name).values(failed_attempts=0, locked_until=None))
        append_audit(connection, actor, "user_unlocked", f"user:{name}", f"{cleared} source(s)")
    return int(cleared)


def remove_user(store: Store, name: str, *, actor: str) -> bool:
    """Remove an account; return False when its row stays, disabled, as the author of decisions it made."""
    name = name.strip()
    with store.writing("remove the user") as connection:
        user_id = _existing(connection, name)
        authored = (
            connection.execute(
                sa.select(sa.func.count()).select_from(decisions).where(decisions.c.user_id == user_id)
            ).scalar_one()
            + connection.execute(
                sa.select(sa.func.count()).select_from(assessments).where(assessments.c.created_by == user_id)
            ).scalar_one()
        )
        connection.execute(sign_in_throttle.delete().where(sign_in_throttle.c.name == name))
        _end_sessions(connection, user_id)  # a kept (disabled) row would otherwise keep its sessions
        if authored:
            connection.execute(users.update().where(users.c.id == user_id).values(password_hash=DISABLED))
        else:
            connection.execute(users.delete().where(users.c.id == user_id))
        detail = f"disabled, kept as the author of {authored} record(s)" if authored else "deleted"
        append_audit(connection, actor, "user_removed", f"user:{name}", detail)
    return not authored


def _end_sessions(connection: Any, user_id: int) -> int:
    """End every sign-in session of the account; return how many there were."""
    return int(connection.execute(web_sessions.delete().where(web_sessions.c.user_id == user_id)).rowcount)


def _existing(connection: Any, name: str) -> int:
    user_id = connection.execute(sa.select(users.c.id).where(users.c.name == name)).scalar()
    if user_id is None:
        raise AccountError(f"there is no user {name!r}; check the name")
    return int(user_id)


def ensure_sso_user(store: Store, email: str, *, role: str) -> User:
    """The account row of a single sign-on user (no password), created on first use."""
    if role not in ROLES:
        raise AccountError(f"role {role!r} is not known; use one of {list(ROLES)}")
    name = email.strip().lower()[:100]
    with store.writing("record the single sign-on user") as connection:
        row = connection.execute(sa.select(users.c.id, users.c.role).where(users.c.name == name)).first()
        if row is not None:
            if row.role != role:
                connection.execute(users.update().where(users.c.id == row.id).values(role=role))
            return User(int(row.id), name, role)
        user_id = connection.execute(
            users.insert().values(name=name, role=role, password_hash=None, created_at=utc_now()).returning(users.c.id)
        ).scalar_one()
    return User(int(user_id), name, role)
