"""Rate limits on anonymous writes: per session and per source, refusals counted not logged one by one.

A flood of sign-ins, candidate saves or erase-code tries is refused once a
session or a source (client address) has used its allowance in the current
window (which opens with the first attempt after the last one ended). The
refusals of one window are written to the audit log as one row
when the window has closed, so a flood can neither fill the log nor push
real entries out of view. The counters live in the server process.
"""

from __future__ import annotations

import ipaddress
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["LIMITS", "Limit", "RateLimiter", "Refusals", "client_source"]


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
    """Fixed-window counters for one kind of attempt, safe to share between sessions."""

    def __init__(self, kind: str, limit: Limit) -> None:
        self.kind, self.limit = kind, limit
        self._lock = threading.Lock()
        self._start: datetime | None = None  # the current window opened with its first attempt
        self._used: Counter[tuple[str, str]] = Counter()
        self._refused: Counter[tuple[str, str]] = Counter()
        self._closed: list[Refusals] = []

    def take(self, *, session: str, source: str, now: datetime) -> bool:
        """Use one attempt of the session's and the source's allowance, if both have one left.

        Checked and counted at once, so sessions running at the same moment
        cannot all pass the check before any of them is counted. A refusal
        is counted for the window's audit row.
        """
        with self._lock:
            self._roll(now, open_next=True)
            session_key, source_key = ("session", session), ("source", source)
            if self._used[session_key] < self.limit.per_session and self._used[source_key] < self.limit.per_source:
                self._used[session_key] += 1
                self._used[source_key] += 1
                return True
            self._refused[session_key] += 1
            self._refused[source_key] += 1
            self._refused[("all", "")] += 1
            return False

    def give_back(self, *, session: str, source: str, now: datetime) -> None:
        """Return an attempt that turned out not to count (a sign-in that succeeded)."""
        with self._lock:
            self._roll(now)
            for key in (("session", session), ("source", source)):
                if self._used[key] > 0:
                    self._used[key] -= 1

    def take_closed(self, now: datetime) -> list[Refusals]:
        """The refusals of windows that have ended, each once (the caller writes them to the audit log)."""
        with self._lock:
            self._roll(now)
            closed, self._closed = self._closed, []
            return closed

    def keep(self, refusals: Refusals) -> None:
        """Give back a summary that could not be written, for the next ``take_closed``."""
        with self._lock:
            self._closed.insert(0, refusals)

    def refused_now(self, now: datetime) -> int:
        """Refusals so far in the current window (not yet in the audit log)."""
        with self._lock:
            self._roll(now)
            return self._refused[("all", "")]

    def _roll(self, now: datetime, *, open_next: bool = False) -> None:
        """Close the window once it has run its length; an attempt opens the next one."""
        if self._start is not None and now < self._start + self.limit.window:
            return
        if self._start is not None and self._refused:
            self._closed.append(
                Refusals(
                    self.kind,
                    self._start,
                    self._start + self.limit.window,
                    self._refused[("all", "")],
                    sum(1 for kind, _ in self._refused if kind == "session"),
                    sum(1 for kind, _ in self._refused if kind == "source"),
                )
            )
        self._used, self._refused = Counter(), Counter()
        self._start = now if open_next else None


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
