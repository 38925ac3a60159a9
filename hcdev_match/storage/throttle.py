"""Rate limits on anonymous writes: per session and per source, counted in the database every replica shares.

A flood of sign-ins, candidate saves or erase-code tries is refused once a
session or a source (client address) has used its allowance in the current
window (which opens with the first attempt after the last one ended). The
counts live in the store's database (``rate_limit_counts``), not in a server
process, so one allowance holds across every replica and across restarts.
The refusals of one window are written to the audit log as one row, in the
transaction that closes the window, so a flood can neither fill the log nor
push real entries out of view, and no two replicas write a window twice.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from .audit import append_audit
from .schema import rate_limit_counts as counts

if TYPE_CHECKING:
    from .store import Store

__all__ = ["LIMITS", "Limit", "RateLimiter", "Refusals", "client_source", "close_ended_windows"]


@dataclass(frozen=True, kw_only=True)
class Limit:
    """How many attempts one session and one source may make per window."""

    per_session: int
    per_source: int
    window: timedelta
    #: What is counted, for the pages' messages ("failed sign-ins").
    what: str

    def __post_init__(self) -> None:
        if self.per_session < 1 or self.per_source < 1 or self.window <= timedelta(0):
            raise ValueError(f"a limit needs counts of 1 or more and a positive window, got {self}")


#: The limits the app applies, by kind of anonymous write.
LIMITS: dict[str, Limit] = {
    "sign_in": Limit(per_session=5, per_source=20, window=timedelta(minutes=15), what="failed sign-ins"),
    "candidate_save": Limit(per_session=3, per_source=20, window=timedelta(hours=1), what="saved results"),
    "erase_code": Limit(per_session=5, per_source=20, window=timedelta(minutes=15), what="erase-code tries"),
}


@dataclass(frozen=True)
class Refusals:
    """The refused attempts of one kind in one window: one audit row."""

    kind: str
    start: datetime
    end: datetime
    refused: int
    sessions: int
    sources: int

    def detail(self) -> str:
        return (
            f"{self.refused} {self.kind} attempt(s) refused from {self.sources} source(s) and "
            f"{self.sessions} session(s) between {self.start:%Y-%m-%d %H:%M} and {self.end:%H:%M} UTC"
        )


class RateLimiter:
    """Fixed-window counts of one kind of attempt, kept in the store's database (shared by every replica).

    Every operation locks the kind's window row first (SELECT ... FOR UPDATE
    on PostgreSQL; SQLite's write transactions take the database's one write
    lock), so a check and its count are one step for all processes at once.
    """

    def __init__(self, store: Store, kind: str, *, limit: Limit | None = None) -> None:
        self.store, self.kind = store, kind
        self.limit = limit or LIMITS[kind]

    def take(self, *, session: str, source: str, now: datetime) -> bool:
        """Use one attempt of the session's and the source's allowance, if both have one left.

        Checked and counted in one transaction under the kind's lock, so
        attempts arriving at once on any replica cannot all pass the check
        before any of them is counted. A refusal is counted for the window's
        audit row. A StoreError (the database unreachable or locked) means
        no attempt: the caller refuses it.
        """
        holders = _holders(session, source)
        with self.store.writing(f"check the limit on {self.limit.what}") as connection:
            window, _ = self._roll(connection, now, open_next=True)
            assert window is not None  # an attempt always finds a window open (it opens one)
            rows = connection.execute(sa.select(counts.c.scope, counts.c.used).where(self._of(holders)))
            used = {str(scope): int(n) for scope, n in rows}
            allowed = used.get("session", 0) < self.limit.per_session and used.get("source", 0) < self.limit.per_source
            for scope, holder in (("window", ""), *holders):
                connection.execute(_counted(connection, self.kind, scope, holder, window, allowed=allowed))
            return allowed

    def give_back(self, *, session: str, source: str, now: datetime) -> None:
        """Return an attempt that turned out not to count (a sign-in that succeeded)."""
        with self.store.writing(f"give back one of the {self.limit.what}") as connection:
            window, _ = self._roll(connection, now, open_next=False)
            if window is not None:
                connection.execute(
                    counts.update().where(self._of(_holders(session, source)), counts.c.used > 0)
                    .values(used=counts.c.used - 1)
                )  # fmt: skip

    def close_ended(self, now: datetime) -> Refusals | None:
        """Close a window that has ended: its refusals become one audit row, its counts go.

        Returns the refusals written, or None. Each window is written once,
        whichever replica closes it (the close is one transaction under the
        kind's lock); ``take`` closes an ended window too.
        """
        with self.store.reading(f"read the limit on {self.limit.what}") as connection:
            ended = connection.execute(
                sa.select(counts.c.kind).where(
                    counts.c.kind == self.kind, counts.c.window_end <= now,
                    sa.or_(counts.c.scope != "window", counts.c.refused > 0),
                ).limit(1)
            ).first()  # fmt: skip
        if ended is None:
            return None  # the usual case: no write lock taken
        with self.store.writing("write the refused attempts to the audit log") as connection:
            return self._roll(connection, now, open_next=False)[1]

    def refused_now(self, now: datetime) -> int:
        """Refusals so far in the current window (not yet in the audit log)."""
        with self.store.reading(f"read the limit on {self.limit.what}") as connection:
            refused = connection.execute(
                sa.select(counts.c.refused).where(self._of([("window", "")]), counts.c.window_end > now)
            ).scalar()
        return int(refused or 0)

    def _of(self, holders: list[tuple[str, str]]) -> Any:
        """The rows of this kind for these (scope, holder) pairs."""
        return sa.and_(
            counts.c.kind == self.kind,
            sa.or_(*(sa.and_(counts.c.scope == scope, counts.c.holder == holder) for scope, holder in holders)),
        )

    def _roll(
        self, connection: Connection, now: datetime, *, open_next: bool
    ) -> tuple[tuple[datetime, datetime] | None, Refusals | None]:
        """Lock the kind's window; close it once it has run its length; an attempt opens the next one.

        Returns the open window's start and end (None when none is open) and
        the refusals of the window it closed, if any.
        """
        if open_next:  # the kind's first attempt ever creates its window row (at once, on every replica)
            connection.execute(
                _insert(connection).values(kind=self.kind, scope="window", holder="", window_start=now,
                                           window_end=now + self.limit.window, used=0, refused=0)
                .on_conflict_do_nothing(index_elements=["kind", "scope", "holder"])
            )  # fmt: skip
        window = connection.execute(
            sa.select(counts.c.window_start, counts.c.window_end, counts.c.refused)
            .where(self._of([("window", "")])).with_for_update()
        ).first()  # fmt: skip
        if window is None:
            return None, None
        if now < window.window_end:
            return (window.window_start, window.window_end), None
        closed = None
        if window.refused:
            refused_by = sa.select(counts.c.scope, sa.func.count()).where(
                counts.c.kind == self.kind, counts.c.scope != "window", counts.c.refused > 0
            ).group_by(counts.c.scope)  # fmt: skip
            holders = {str(scope): int(n) for scope, n in connection.execute(refused_by)}
            closed = Refusals(self.kind, window.window_start, window.window_end, int(window.refused),
                              holders.get("session", 0), holders.get("source", 0))  # fmt: skip
            append_audit(connection, "anonymous", "rate_limited", self.kind, closed.detail(), now=now)
        # The ended window's session and source rows go with it: rows never outlive their window.
        connection.execute(counts.delete().where(counts.c.kind == self.kind, counts.c.scope != "window"))
        # An attempt opens the next window; a close alone leaves the ended one, now empty, in place.
        start, end = (now, now + self.limit.window) if open_next else (window.window_start, window.window_end)
        connection.execute(
            counts.update().where(self._of([("window", "")]))
            .values(window_start=start, window_end=end, used=0, refused=0)
        )  # fmt: skip
        return ((start, end) if open_next else None), closed


def close_ended_windows(store: Store, now: datetime) -> list[Refusals]:
    """Close every kind's ended window: its refusals one audit row each, its rows gone.

    The pages call it (an attempt, the Privacy page) and so does the daily
    purge, so an ended window's rows go within a day even on an idle app.
    """
    return [refused for kind in LIMITS if (refused := RateLimiter(store, kind).close_ended(now)) is not None]


def _holders(session: str, source: str) -> list[tuple[str, str]]:
    """The rows an attempt counts on: its session's and its source's, each named by a hash.

    Counting needs only to tell holders apart, never to read them, so the
    table keeps a SHA-256 of the session id and the address, not them (and
    the row goes when its window ends). A plain hash, not a keyed one: a key
    would have to be shared by every replica, the library reads no secrets,
    and one kept in this database would hide nothing from whoever reads the
    table. IPv4 addresses are few enough to hash them all, so the hash keeps
    addresses out of plain view; the short life is what keeps little.
    """
    return [
        (scope, hashlib.sha256(value.encode()).hexdigest())
        for scope, value in (("session", session), ("source", source))
    ]


def _insert(connection: Connection) -> Any:
    return (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(counts)


def _counted(
    connection: Connection, kind: str, scope: str, holder: str, window: tuple[datetime, datetime], *, allowed: bool
) -> Any:
    """Count one attempt (let through or refused) on a row, creating it for the window's first."""
    column = "used" if allowed else "refused"
    return (
        _insert(connection)
        .values(kind=kind, scope=scope, holder=holder, window_start=window[0], window_end=window[1],
                used=int(allowed), refused=int(not allowed))
        .on_conflict_do_update(index_elements=["kind", "scope", "holder"], set_={column: counts.c[column] + 1})
    )  # fmt: skip


def client_source(peer: str | None, forwarded_for: str | None, *, trusted_proxies: int = 0) -> str:
    """The client's address: the connection's peer, or X-Forwarded-For's entry only behind trusted proxies.

    With ``trusted_proxies`` = N, the N-th address from the right of
    X-Forwarded-For is the one the outermost trusted proxy saw; anything to
    its left was written by the client and is ignored. With none, the header
    counts for nothing: Streamlit's server (uvicorn) already replaces a
    loopback peer by the header's last address, and a peer equal to that
    address is taken as the loopback it was. "local" is the loopback.
    """
    hops = [hop.strip() for hop in (forwarded_for or "").split(",") if hop.strip()]
    if trusted_proxies > 0 and len(hops) >= trusted_proxies:
        source = hops[-trusted_proxies]
    elif hops and peer == hops[-1]:
        source = "local"
    else:
        source = peer or "local"
    try:
        return str(ipaddress.ip_address(source))
    except ValueError:
        return "local" if source == "local" else "unknown"
