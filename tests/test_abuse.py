"""Anonymous floods against a running server, over Streamlit's own websocket protocol.

Sign-in guesses, erase-code tries and candidate saves are limited per
session and per source; what is refused writes nothing, so 100 tries (five
times the per-source limit) can neither fill the audit log nor push the
real entries out of the Privacy page's view. The limiter's own windows, shared by
replicas, are tested with a given clock in tests/test_shared_limits.py.
"""

from __future__ import annotations

import asyncio
import re
import threading
from pathlib import Path

import sqlalchemy as sa

from hcdev_match.storage.accounts import add_user
from hcdev_match.storage.audit import read_audit
from hcdev_match.storage.schema import audit_log
from hcdev_match.storage.store import Store
from hcdev_match.storage.throttle import LIMITS, client_source

from .browser import running_server
from .conftest import SAMPLES
from .streamlit_client import Run, StreamlitSession

ATTACKER, ANA, CANDIDATE = "203.0.113.9", "198.51.100.7", "192.0.2.44"  # documentation addresses, never contacted
SIGN_IN = LIMITS["sign_in"]


def audit_rows(store: Store) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar_one())


async def guess_passwords(url: str, *, sessions: int, tries: int, source: str) -> list[Run]:
    """`sessions` tabs from `source`, each sending `tries` wrong passwords for ana on the Privacy page."""
    runs = []
    for s in range(sessions):
        session = StreamlitSession(url, headers={"X-Forwarded-For": f"10.1.2.3, {source}"})
        await session.connect()
        await session.open_page("Privacy")
        for n in range(tries):
            state = {"signin_name": "ana", "signin_password": f"guess number {s}-{n}"}
            runs.append(await session.rerun(state, triggers=("signin",)))
        await session.close()
    return runs


async def sign_in_as_ana(url: str) -> Run:
    session = StreamlitSession(url, headers={"X-Forwarded-For": ANA})
    await session.connect()
    await session.open_page("Privacy")
    run = await session.rerun({"signin_name": "ana", "signin_password": "correct horse battery"}, triggers=("signin",))
    await session.close()
    return run


def test_100_sign_in_guesses_add_at_most_the_limit_to_the_log_and_lock_nobody_out(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    store = Store.from_url(url)
    add_user(store, "ana", role="recruiter", password="correct horse battery")
    for n in range(5):
        store.audit("ana", "exported", None, f"real entry {n}")
    before = audit_rows(store)
    with running_server(env={"HCDEV_DATABASE_URL": url, "HCDEV_TRUSTED_PROXIES": "1"}) as app:
        runs = asyncio.run(guess_passwords(app.url, sessions=10, tries=10, source=ATTACKER))
        added = audit_rows(store) - before
        ana = asyncio.run(sign_in_as_ana(app.url))
    assert len(runs) == 100 and not any(run.has("exception") for run in runs)
    errors = [run.errors for run in runs]
    assert all(len(e) == 1 for e in errors), errors[:3]
    refused = sum("Too many failed sign-ins" in e[0] for e in errors)
    assert refused >= 100 - SIGN_IN.per_source
    assert 1 <= added <= SIGN_IN.per_source  # not a row per try
    # Ana, from her own address, signs in at once and finds the real entries on the first page.
    assert "Privacy: access requests, erasure and retention" in ana.texts("heading"), ana.elements
    [shown] = [t for t in ana.texts("markdown") if t.startswith("Entries ")]
    total = int(re.search(r"of (\d+)", shown).group(1))  # type: ignore[union-attr]
    assert total == before + added + 1 and total <= 50  # + ana's own sign-in: all on page 1
    assert [e["detail"] for e in read_audit(store, action="exported").entries][::-1] == [
        f"real entry {n}" for n in range(5)
    ]
    assert any(f"{refused} sign_in" in t for t in ana.texts("markdown"))  # the window's refusals, counted


async def concurrent_guesses(url: str, count: int) -> list[Run]:
    """`count` tabs, opened first, then all sending a wrong password at the same moment."""
    sessions = [StreamlitSession(url) for _ in range(count)]
    for session in sessions:
        await session.connect()
        await session.open_page("Privacy")
    runs = await asyncio.gather(
        *(
            session.rerun({"signin_name": "ana", "signin_password": f"guess {n}"}, triggers=("signin",))
            for n, session in enumerate(sessions)
        )
    )
    for session in sessions:
        await session.close()
    return list(runs)


def test_40_sign_ins_at_once_hold_the_limit_and_block_no_write(tmp_path: Path, matcher, samples) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    store = Store.from_url(url)
    add_user(store, "ana", role="recruiter", password="correct horse battery")
    assessment = matcher.assess(samples["ehr_1"])
    failures: list[BaseException] = []

    def write() -> None:
        for _ in range(20):
            try:
                store.save_assessment(assessment, actor="t", source="recruiter", legal_basis="contract")
            except BaseException as exc:  # noqa: BLE001 - recorded for the assertion below
                failures.append(exc)

    with running_server(env={"HCDEV_DATABASE_URL": url}) as app:
        writer = threading.Thread(target=write)
        writer.start()
        runs = asyncio.run(concurrent_guesses(app.url, 40))
        writer.join(timeout=120)
    assert failures == [] and store.count_assessments() == 20
    assert not any(run.has("exception") for run in runs)
    answers = [run.errors for run in runs]
    assert all(len(a) == 1 for a in answers), answers
    checked = [a for a in answers if "Too many" not in a[0]]  # the tries that ran the KDF
    assert len(checked) <= SIGN_IN.per_source  # held even when all arrive at once
    assert all("wrong" in a[0] or "wait" in a[0] for a in checked)


def test_x_forwarded_for_is_ignored_without_a_trusted_proxy(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    add_user(Store.from_url(url), "ana", role="recruiter", password="correct horse battery")

    async def spoofing() -> list[Run]:
        runs = []
        for s in range(6):  # each tab claims a new address; the peer is the same
            runs += await guess_passwords(url_of_app, sessions=1, tries=5, source=f"198.18.0.{s}")
        return runs

    with running_server(env={"HCDEV_DATABASE_URL": url}) as app:
        url_of_app = app.url
        runs = asyncio.run(spoofing())
    refused = [run for run in runs if "Too many failed sign-ins" in " ".join(run.errors)]
    assert len(refused) == len(runs) - SIGN_IN.per_source == 10


async def erase_flood(url: str, *, sessions: int, tries: int) -> list[Run]:
    runs = []
    for s in range(sessions):
        session = StreamlitSession(url, headers={"X-Forwarded-For": ATTACKER})
        await session.connect()
        for n in range(tries):
            runs.append(await session.rerun({"erase_code": f"not-a-code-{s}-{n}"}, triggers=("erase_saved",)))
        await session.close()
    return runs


async def save_results(url: str, *, sessions: int, saves: int, text: str) -> list[Run]:
    runs = []
    for _ in range(sessions):
        session = StreamlitSession(url, headers={"X-Forwarded-For": CANDIDATE})
        await session.connect()
        for _ in range(saves):
            await session.rerun({"cv_text": text}, triggers=("score_cv",))
            await session.rerun({"cv_text": text, "consent_save": True})  # ticked: the button is enabled
            runs.append(await session.rerun({"cv_text": text, "consent_save": True}, triggers=("save_result",)))
        await session.close()
    return runs


def test_erase_code_tries_and_candidate_saves_are_limited(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    store = Store.from_url(url)
    before = audit_rows(store)
    with running_server(env={"HCDEV_DATABASE_URL": url, "HCDEV_TRUSTED_PROXIES": "1"}) as app:
        erased = asyncio.run(erase_flood(app.url, sessions=10, tries=10))
        erase_rows = audit_rows(store) - before
        saved = asyncio.run(save_results(app.url, sessions=2, saves=4, text=(SAMPLES / "ehr_1.txt").read_text()))
    assert not any(run.has("exception") for run in erased + saved)
    too_many = [run for run in erased if "Too many erase-code tries" in " ".join(run.errors)]
    assert len(too_many) == 100 - LIMITS["erase_code"].per_source
    assert erase_rows == LIMITS["erase_code"].per_source  # one row per try let through, none per refusal
    refused_saves = [run for run in saved if "Too many saved results" in " ".join(run.errors)]
    assert len(refused_saves) == 2  # the fourth save of each session
    assert store.count_assessments() == 2 * LIMITS["candidate_save"].per_session


def test_the_client_address_trusts_x_forwarded_for_only_behind_trusted_proxies() -> None:
    assert client_source(None, None) == "local"
    assert client_source("192.0.2.1", "198.51.100.7") == "192.0.2.1"  # no trusted proxy: the header is ignored
    assert client_source("10.0.0.2", "6.6.6.6, 198.51.100.7", trusted_proxies=1) == "198.51.100.7"
    assert client_source("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.1", trusted_proxies=2) == "198.51.100.7"
    assert client_source("10.0.0.2", "198.51.100.7", trusted_proxies=2) == "10.0.0.2"  # fewer hops than proxies
    assert client_source("10.0.0.2", "not an address", trusted_proxies=1) == "unknown"
    # Streamlit's server put the header's last address in place of a loopback peer: undone.
    assert client_source("198.51.100.7", "6.6.6.6, 198.51.100.7") == "local"
