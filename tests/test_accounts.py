"""Accounts under attack: one KDF per sign-in, delays an outsider cannot put on everyone, the password rule."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from hcdev_match.errors import AccountError, HcdevMatchError, StoreError
from hcdev_match.storage.accounts import (
    SIGN_IN_POLICY,
    add_user,
    change_password,
    ensure_sso_user,
    hash_password,
    list_users,
    remove_user,
    sign_in,
    unlock_user,
)
from hcdev_match.storage.migrations import migrate
from hcdev_match.storage.schema import users
from hcdev_match.storage.store import Store, utc_now

from .conftest import ANA_PASSWORD

PASSWORD = ANA_PASSWORD
REFUSED = "the name or password is wrong; check both and try again"
ATTACKER, ANA = "203.0.113.9", "198.51.100.7"  # documentation addresses: strings only, never contacted


def spy_scrypt(monkeypatch: pytest.MonkeyPatch, also: Callable[[], None] | None = None) -> list[dict[str, Any]]:
    """Record every scrypt call (its cost parameters) made through hashlib."""
    real, calls = hashlib.scrypt, []

    def scrypt(password: bytes, **kwargs: Any) -> bytes:
        calls.append({k: kwargs[k] for k in ("n", "r", "p")})
        if also is not None:
            also()
        return real(password, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", scrypt)
    return calls


def refused(ana_store: Store, name: str, password: str, **kwargs: Any) -> str:
    with pytest.raises(AccountError) as refusal:
        sign_in(ana_store, name, password, **kwargs)
    return str(refusal.value)


def test_every_sign_in_runs_the_kdf_exactly_once_at_the_same_cost(
    ana_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    ensure_sso_user(ana_store, "sso@example.org", role="hr")  # a row with no password
    with ana_store.engine.begin() as connection:  # a disabled row, as remove-user and schema v4 leave them
        connection.execute(users.insert().values(name="gone", role="hr", password_hash="!", created_at=utc_now()))
    now = utc_now()
    refused(ana_store, "warm-up", "x", now=now)  # the process's throwaway hash is made once, here
    calls = spy_scrypt(monkeypatch)
    cases: list[tuple[str, Callable[[], object]]] = [
        ("unknown name", lambda: refused(ana_store, "nobody", PASSWORD, now=now)),
        ("wrong password", lambda: refused(ana_store, "ana", "not the password", now=now)),
        ("single sign-on row", lambda: refused(ana_store, "sso@example.org", PASSWORD, now=now)),
        ("disabled row", lambda: refused(ana_store, "gone", PASSWORD, now=now)),
        ("right password", lambda: sign_in(ana_store, "ana", PASSWORD, now=now)),
    ]
    for _ in range(SIGN_IN_POLICY.free_failures):
        refused(ana_store, "ana", "not the password", source=ATTACKER, now=now)
    cases.append(("delayed", lambda: refused(ana_store, "ana", PASSWORD, source=ATTACKER, now=now)))
    for what, attempt in cases:
        calls.clear()
        attempt()
        assert calls == [{"n": 2**14, "r": 8, "p": 1}], what


def test_the_kdf_never_runs_while_the_write_lock_is_held(
    ana_store: Store, ana_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held: list[bool] = []

    def probe() -> None:
        # Another connection asks for the write lock without waiting: it gets it
        # only when no transaction of ours holds it while the KDF runs.
        other = sqlite3.connect(ana_path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            held.append(False)
        except sqlite3.OperationalError:
            held.append(True)
        finally:
            other.close()

    spy_scrypt(monkeypatch, probe)
    refused(ana_store, "ana", "not the password")
    refused(ana_store, "nobody", "not the password")
    sign_in(ana_store, "ana", PASSWORD)
    change_password(ana_store, "ana", "a tidy violet walrus", actor="t")
    add_user(ana_store, "bo", role="hr", password="another fine phrase")
    assert held == [False] * 5


def test_an_outsider_cannot_lock_an_account_for_everyone_and_their_delays_grow(ana_store: Store) -> None:
    now = utc_now()
    delays = []
    for failures in range(1, 13):  # each guess as soon as the last delay allows
        assert refused(ana_store, "ana", "guess", source=ATTACKER, now=now) == REFUSED
        delay = SIGN_IN_POLICY.delay(failures)
        if delay:  # even the right password waits, from that address
            assert f"wait {delay.total_seconds():.0f} seconds" in refused(
                ana_store, "ana", PASSWORD, source=ATTACKER, now=now
            )
        # Meanwhile ana, from her own address, signs in at once.
        assert sign_in(ana_store, "ana", PASSWORD, source=ANA, now=now).name == "ana"
        delays.append(delay.total_seconds())
        now += delay
    assert delays == [0, 0, 0, 0, 2, 4, 8, 16, 32, 64, 128, 256]
    assert SIGN_IN_POLICY.delay(40) == timedelta(minutes=15)  # growing, but never past 15 minutes
    assert sign_in(ana_store, "ana", PASSWORD, source=ATTACKER, now=now).name == "ana"  # the delay has passed


def test_delays_say_nothing_about_which_names_exist(ana_store: Store) -> None:
    now = utc_now()
    answers = {
        name: [refused(ana_store, name, "guess", source=ATTACKER, now=now) for _ in range(8)]
        for name in ("ana", "ghost")
    }
    assert answers["ana"] == answers["ghost"]
    assert answers["ana"][:5] == [REFUSED] * 5 and all("wait" in a for a in answers["ana"][5:])


def test_unlock_lifts_the_delays_and_passwd_sets_a_new_password(ana_store: Store) -> None:
    now = utc_now()
    for _ in range(8):
        with pytest.raises(AccountError):
            sign_in(ana_store, "ana", "guess", source=ATTACKER, now=now)
    assert "wait" in refused(ana_store, "ana", PASSWORD, source=ATTACKER, now=now)
    assert unlock_user(ana_store, "ana", actor="admin") == 1
    assert sign_in(ana_store, "ana", PASSWORD, source=ATTACKER, now=now).name == "ana"
    change_password(ana_store, "ana", "a tidy violet walrus", actor="admin")
    refused(ana_store, "ana", PASSWORD, now=now)
    assert sign_in(ana_store, "ana", "a tidy violet walrus", now=now).role == "recruiter"
    assert remove_user(ana_store, "ana", actor="admin") is True
    refused(ana_store, "ana", "a tidy violet walrus", now=now)
    actions = [e["action"] for e in ana_store.audit_entries()]
    assert {"user_unlocked", "password_changed", "user_removed"} <= set(actions)


@pytest.mark.parametrize(
    ("password", "why"),
    [
        (" " * 12, "only spaces"),
        (" " * 40, "only spaces"),
        ("   short one    ", "characters"),
        ("aaaaaaaaaaaaaaaa", "one character"),
        ("abababababababab", "one character"),
        ("aaaaaaaaaaaaaaab", "one character"),
        ("hana2024hana!", "user name"),
        ("Password123456", "common"),
        ("password password", "common"),
        ("qwertyuiop12", "common"),
        ("Letmein!Letmein!", "common"),
        ("123456789012", "common"),
        ("iloveyou1234", "common"),
    ],
)
def test_the_password_rule_refuses_the_trivial_and_the_common(ana_store: Store, password: str, why: str) -> None:
    with pytest.raises(AccountError, match=why):
        add_user(ana_store, "hana", role="hr", password=password)
    with pytest.raises(AccountError, match=why):
        change_password(ana_store, "hana" if why == "user name" else "ana", password, actor="t")


@pytest.mark.parametrize("password", [PASSWORD, "a tidy violet walrus", "Seven!Quiet#Otters", "banana split sundae"])
def test_the_password_rule_accepts_phrases(ana_store: Store, password: str) -> None:
    add_user(ana_store, "hana", role="hr", password=password)
    assert sign_in(ana_store, "hana", password).name == "hana"
    remove_user(ana_store, "hana", actor="t")


@pytest.mark.parametrize(
    "name",
    ["![x](http://127.0.0.1:9/pixel.png)", "<img src=x>", "**ana**", "ana bob", "[ana](javascript:x)", "-ana",
     "demo-hr", "a" * 101, ""],
)  # fmt: skip
def test_names_are_limited_to_a_safe_set(ana_store: Store, name: str) -> None:
    with pytest.raises(AccountError):
        add_user(ana_store, name, role="hr", password="another fine phrase")


def test_safe_names_include_e_mail_addresses(ana_store: Store) -> None:
    assert add_user(ana_store, "ana.b-c_d+x@example.org", role="hr", password="another fine phrase").id


def test_every_account_call_under_a_held_lock_says_so_plainly(ana_store: Store, held_lock: None) -> None:
    calls: dict[str, Callable[[], object]] = {
        "add_user": lambda: add_user(ana_store, "bo", role="hr", password="another fine phrase"),
        "sign_in ok": lambda: sign_in(ana_store, "ana", PASSWORD),
        "sign_in wrong": lambda: sign_in(ana_store, "ana", "not the password"),
        "change_password": lambda: change_password(ana_store, "ana", "a tidy violet walrus", actor="t"),
        "unlock_user": lambda: unlock_user(ana_store, "ana", actor="t"),
        "remove_user": lambda: remove_user(ana_store, "ana", actor="t"),
        "ensure_sso_user": lambda: ensure_sso_user(ana_store, "sso@example.org", role="hr"),
    }
    errors: dict[str, BaseException | None] = {}

    def run(what: str, call: Callable[[], object]) -> None:
        try:
            call()
            errors[what] = None
        except BaseException as exc:  # noqa: BLE001 - recorded for the assertion below
            errors[what] = exc

    threads = [threading.Thread(target=run, args=item) for item in calls.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for what, error in errors.items():
        assert isinstance(error, StoreError), (what, error)
        assert "another process holds the database; try again in a moment" in str(error), what
    assert set(errors) == set(calls)


def test_a_read_only_database_refuses_a_new_user_without_showing_its_hash(ana_store: Store, ana_path: Path) -> None:
    read_only = Store.from_url(f"sqlite:///file:{ana_path}?mode=ro&uri=true")
    with pytest.raises(StoreError) as refusal:
        add_user(read_only, "bo", role="hr", password="another fine phrase")
    assert "read-only" in str(refusal.value) and "scrypt" not in str(refusal.value)
    read_only.engine.dispose()


def test_demo_accounts_from_before_version_4_lose_their_published_passwords(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        migrate(connection, target=3)
        for name in ("demo-hr", "demo-recruiter"):
            connection.execute(
                users.insert().values(
                    name=name, role="hr", password_hash=hash_password(f"{name}-password"), created_at=utc_now()
                )
            )
    engine.dispose()
    ana_store = Store.from_url(url)
    for name in ("demo-hr", "demo-recruiter"):
        with pytest.raises(HcdevMatchError, match="wrong"):
            sign_in(ana_store, name, f"{name}-password")


def test_delays_unlock_passwd_and_remove_work_on_both_backends(database_url: str) -> None:
    ana_store = Store.from_url(database_url)
    add_user(ana_store, "ana", role="recruiter", password=PASSWORD)
    now = utc_now()
    answers = [refused(ana_store, "ana", "guess", source=ATTACKER, now=now) for _ in range(7)]
    assert answers[:5] == [REFUSED] * 5 and "wait" in answers[6]
    assert sign_in(ana_store, "ana", PASSWORD, source=ANA, now=now).name == "ana"
    assert unlock_user(ana_store, "ana", actor="t") == 1
    change_password(ana_store, "ana", "a tidy violet walrus", actor="t")
    assert sign_in(ana_store, "ana", "a tidy violet walrus", source=ATTACKER, now=now).name == "ana"
    assert remove_user(ana_store, "ana", actor="t") is True
    refused(ana_store, "ana", "a tidy violet walrus", now=now)
    ana_store.engine.dispose()


def test_removing_an_account_that_decided_keeps_its_row_but_no_way_in(ana_store: Store) -> None:
    from hcdev_match.scoring.assessment import Assessment, DomainEvidence, RoleFit

    [ana] = [u for u in list_users(ana_store) if u.name == "ana"]
    assessment = Assessment("v", (RoleFit("ehr", "EHR developer", 70.0, 0.4),), (), DomainEvidence(1, 1), 300)
    saved = ana_store.save_assessment(assessment, actor="ana", source="recruiter", legal_basis="contract")
    ana_store.record_decision(saved.id, user_id=ana.id, actor="ana", decision="hold", reason="later")
    assert remove_user(ana_store, "ana", actor="admin") is False
    assert "ana" in [u.name for u in list_users(ana_store)]  # the decision keeps its author
    assert refused(ana_store, "ana", PASSWORD) == REFUSED
    [entry] = [e for e in ana_store.audit_entries() if e["action"] == "user_removed"]
    assert entry["detail"] == "disabled, kept as the author of 1 record(s)"  # the decision
