"""The rate limits on anonymous writes hold across replicas and restarts: their counts are in the shared database.

Two Store objects over one database are two replicas (each server process
opens its own); a new Store is a restart. Real SQLite and real PostgreSQL
(tests/postgres.py), with a given clock: no test waits for a window to end.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from hcdev_match.errors import StoreError
from hcdev_match.storage.audit import read_audit
from hcdev_match.storage.schema import rate_limit_counts
from hcdev_match.storage.store import Store, utc_now
from hcdev_match.storage.throttle import LIMITS, Limit, RateLimiter

from .browser import running_server
from .streamlit_client import Run, StreamlitSession

ATTACKER, OTHER = "203.0.113.9", "198.51.100.7"  # documentation addresses, never contacted
# Smaller than the app's (LIMITS): each try is a committed write, and fewer keep the suite quick.
LIMIT = Limit(per_session=3, per_source=8, window=timedelta(minutes=15), what="failed sign-ins")
ERASE = LIMITS["erase_code"]  # the running app's own limit
START = utc_now().replace(minute=0, second=0, microsecond=0)


@pytest.fixture
def replicas(database_url: str) -> Iterator[tuple[Store, Store]]:
    """Two stores over one database, each with its own engine, as two server processes have."""
    first, second = Store.from_url(database_url), Store.from_url(database_url)
    yield first, second
    first.engine.dispose()
    second.engine.dispose()


def limiters(*stores: Store) -> list[RateLimiter]:
    return [RateLimiter(store, "sign_in", limit=LIMIT) for store in stores]


def counter_rows(store: Store) -> list[dict[str, object]]:
    with store.engine.connect() as connection:
        return [dict(row) for row in connection.execute(sa.select(rate_limit_counts)).mappings()]


def test_two_replicas_share_one_allowance_per_source_and_per_session(replicas: tuple[Store, Store]) -> None:
    a, b = limiters(*replicas)
    # One source, a new session for each try, alternating between the replicas: 8 in all, not 8 on each.
    allowed = [(a, b)[n % 2].take(session=f"s{n}", source=ATTACKER, now=START) for n in range(12)]
    assert allowed == [True] * LIMIT.per_source + [False] * 4
    # One session's allowance is one too, whichever replica counts it.
    session = [(a, b)[n % 2].take(session="tab", source=OTHER, now=START) for n in range(5)]
    assert session == [True] * LIMIT.per_session + [False] * 2
    assert a.refused_now(START) == b.refused_now(START) == 6


def test_a_restart_keeps_the_count_and_a_given_back_attempt(database_url: str) -> None:
    first = Store.from_url(database_url)
    [limiter] = limiters(first)
    for _ in range(LIMIT.per_session):
        assert limiter.take(session="tab", source=ATTACKER, now=START)
    limiter.give_back(session="tab", source=ATTACKER, now=START)  # a sign-in that succeeded
    first.engine.dispose()
    [restarted] = limiters(Store.from_url(database_url))  # a new process: new objects, the same database
    assert restarted.take(session="tab", source=ATTACKER, now=START + timedelta(minutes=1))  # the one given back
    assert not restarted.take(session="tab", source=ATTACKER, now=START + timedelta(minutes=2))
    assert restarted.refused_now(START) == 1
    restarted.store.engine.dispose()


def test_a_window_ends_its_rows_go_and_no_address_is_stored(replicas: tuple[Store, Store]) -> None:
    a, b = limiters(*replicas)
    for n in range(10):
        a.take(session=f"s{n}", source=ATTACKER, now=START + timedelta(seconds=n))
    rows = counter_rows(a.store)
    assert len(rows) == 1 + 10 + 1  # the window, 10 sessions, one source
    stored = " ".join(str(value) for row in rows for value in row.values())
    assert ATTACKER not in stored and not any(f"s{n} " in f"{stored} " for n in range(10))  # hashes only
    assert not b.take(session="new", source=ATTACKER, now=START + timedelta(minutes=14, seconds=59))
    # The window opened with the first try; at its end the source has its allowance again ...
    assert b.take(session="new", source=ATTACKER, now=START + LIMIT.window)
    # ... and the ended window's rows are gone: the window, the one session and the source that tried since.
    assert len(counter_rows(a.store)) == 3
    # With no further attempt, closing the ended window leaves only the kind's (empty) window row.
    later = START + 2 * LIMIT.window
    assert a.close_ended(later) is None  # nothing was refused in it: no audit row
    [window] = counter_rows(a.store)
    assert (window["scope"], window["used"], window["refused"]) == ("window", 0, 0)
    assert a.refused_now(later) == 0


def test_a_flood_on_two_replicas_is_one_audit_row_per_window(replicas: tuple[Store, Store]) -> None:
    a, b = limiters(*replicas)
    allowed = 0
    for n in range(60):
        now = START + timedelta(seconds=n)
        allowed += (a, b)[n % 2].take(session=f"s{n % 12}", source=ATTACKER, now=now)
        if n % 10 == 0:
            assert a.close_ended(now) is None and b.close_ended(now) is None  # nothing written while open
    assert allowed == 8 and a.refused_now(START) == 52
    end = START + LIMIT.window
    summaries = [a.close_ended(end), b.close_ended(end), a.close_ended(end + LIMIT.window)]
    assert summaries[1:] == [None, None]  # each window once, whichever replica closes it
    assert summaries[0] is not None
    assert (summaries[0].refused, summaries[0].sources, summaries[0].sessions) == (52, 1, 12)
    [row] = read_audit(b.store, action="rate_limited").entries
    assert row["target"] == "sign_in" and row["actor"] == "anonymous"
    assert row["detail"].startswith("52 sign_in attempt(s) refused from 1 source(s) and 12 session(s)")
    # An attempt after the window also closes it, once: the next flood's row is its own.
    for n in range(10):
        b.take(session="late", source=ATTACKER, now=end + LIMIT.window + timedelta(seconds=n))
    a.take(session="later", source=OTHER, now=end + 3 * LIMIT.window)
    assert [e["detail"][:24] for e in read_audit(a.store, action="rate_limited").entries] == [
        "7 sign_in attempt(s) ref",
        "52 sign_in attempt(s) re",
    ]


def test_the_daily_purge_closes_an_ended_window_of_an_idle_app(tmp_path: Path) -> None:
    import io

    from hcdev_match.cli.main import main

    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    [limiter] = limiters(Store.from_url(url))
    long_ago = utc_now() - 2 * LIMIT.window  # a flood in a window that has ended, and no attempt since
    for n in range(LIMIT.per_session + 2):
        limiter.take(session="tab", source=ATTACKER, now=long_ago + timedelta(seconds=n))
    assert main(["purge", "--database", url], stdout=io.StringIO()) == 0
    [window] = counter_rows(limiter.store)  # the session's and the address's rows are gone
    assert window["scope"] == "window" and window["refused"] == 0
    [row] = read_audit(limiter.store, action="rate_limited").entries
    assert row["detail"].startswith("2 sign_in attempt(s) refused from 1 source(s) and 1 session(s)")
    limiter.store.engine.dispose()


def test_attempts_at_once_on_two_replicas_hold_the_limit(replicas: tuple[Store, Store]) -> None:
    a, b = limiters(*replicas)
    tries = 24  # three times the per-source allowance, all released at once
    barrier = threading.Barrier(tries)
    answers: list[bool] = []
    failures: list[BaseException] = []

    def attempt(n: int) -> None:
        barrier.wait()
        try:
            answers.append((a, b)[n % 2].take(session=f"s{n}", source=ATTACKER, now=START))
        except BaseException as exc:  # noqa: BLE001 - recorded for the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(tries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert answers.count(True) == LIMIT.per_source and answers.count(False) == tries - LIMIT.per_source
    assert a.refused_now(START) == tries - LIMIT.per_source


def test_a_database_that_cannot_count_refuses_the_attempt_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "app.sqlite3"
    [limiter] = limiters(Store.from_url(f"sqlite:///{path}"))
    with sqlite3.connect(path) as other:  # the table lost (another program's database, or changed by hand)
        other.execute("DROP TABLE rate_limit_counts")
    with pytest.raises(StoreError) as refusal:
        limiter.take(session="tab", source=ATTACKER, now=START)
    assert str(refusal.value).startswith("could not check the limit on failed sign-ins: no such table")
    assert "check that HCDEV_DATABASE_URL names this app's database" in str(refusal.value)
    limiter.store.engine.dispose()


async def erase_tries(url: str, *, tries: int) -> list[Run]:
    """``tries`` wrong erase codes from ATTACKER (behind a trusted proxy), five to a tab as its allowance is."""
    runs: list[Run] = []
    while len(runs) < tries:
        session = StreamlitSession(url, headers={"X-Forwarded-For": ATTACKER})
        await session.connect()
        for n in range(min(ERASE.per_session, tries - len(runs))):
            runs.append(await session.rerun({"erase_code": f"not-a-code-{len(runs)}-{n}"}, triggers=("erase_saved",)))
        await session.close()
    return runs


def refused(runs: list[Run]) -> int:
    return sum("Too many erase-code tries" in " ".join(run.errors) for run in runs)


def test_a_running_app_counts_in_the_shared_database_and_refuses_when_it_cannot_count(tmp_path: Path) -> None:
    path = tmp_path / "app.sqlite3"
    url = f"sqlite:///{path}"
    elsewhere = RateLimiter(Store.from_url(url), "erase_code")  # another replica, over the same database ...
    used = ERASE.per_source // 2
    for n in range(used):  # ... has let half of the address's erase-code tries through
        assert elsewhere.take(session=f"other-{n}", source=ATTACKER, now=utc_now())
    elsewhere.store.engine.dispose()
    tries = used + 1  # within one process's allowance, one over what the two have left
    with running_server(env={"HCDEV_DATABASE_URL": url, "HCDEV_TRUSTED_PROXIES": "1"}) as app:
        runs = asyncio.run(erase_tries(app.url, tries=tries))
        with sqlite3.connect(path) as other:  # and then the database cannot count
            other.execute("DROP TABLE rate_limit_counts")
        uncounted = asyncio.run(erase_tries(app.url, tries=1))
    assert not any(run.has("exception") for run in runs + uncounted)
    assert refused(runs) == 1  # the app's process counted the other replica's tries (it used to count its own)
    [[message]] = [run.errors for run in uncounted]  # refused with the guard's words, not let through
    assert message.startswith("could not check the limit on erase-code tries: no such table")
