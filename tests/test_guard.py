"""One guard for every database statement: a driver's error always arrives as a StoreError that says what to do.

The faults are real: a second SQLite connection holds the write lock, the
tables are dropped under an open store, a server port answers nothing.
"""

from __future__ import annotations

import ast
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from hcdev_match.catalogue.model import load_catalogue
from hcdev_match.errors import StoreError
from hcdev_match.storage.accounts import list_users, sign_in
from hcdev_match.storage.audit import audit_actions, read_audit
from hcdev_match.storage.demo import seed_demo
from hcdev_match.storage.insights import compute_insights
from hcdev_match.storage.store import Store

from .conftest import ANA_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "hcdev_match"

PASSWORD = ANA_PASSWORD
LOCKED = "another process holds the database; try again in a moment"


def test_sign_in_under_a_held_write_lock_raises_a_store_error_that_says_to_try_again(
    ana_store: Store, held_lock: None
) -> None:
    with pytest.raises(StoreError) as refusal:
        sign_in(ana_store, "ana", PASSWORD)
    assert str(refusal.value) == f"could not record the sign-in: database is locked; {LOCKED}"


def test_demo_data_under_a_held_write_lock_raises_a_store_error(ana_store: Store, held_lock: None) -> None:
    # demo.py used to open its own transactions: the driver's OperationalError came through raw.
    with pytest.raises(StoreError) as refusal:
        seed_demo(ana_store, load_catalogue(), assessments_count=10)
    assert LOCKED in str(refusal.value)


def test_every_read_of_a_database_without_its_tables_says_so(ana_store: Store, ana_path: Path) -> None:
    with sqlite3.connect(ana_path) as other:  # another program's database, or one changed by hand
        for table in ("decisions", "assessment_skills", "assessment_fits", "assessments", "audit_log", "users"):
            other.execute(f"DROP TABLE {table}")
    reads: dict[str, Callable[[], object]] = {
        "count": ana_store.count_assessments,
        "get": lambda: ana_store.get_assessment(1),
        "ids": ana_store.assessment_ids,
        "audit entries": ana_store.audit_entries,
        "audit page": lambda: read_audit(ana_store),
        "audit actions": lambda: audit_actions(ana_store),
        "users": lambda: list_users(ana_store),
        "sign-in": lambda: sign_in(ana_store, "ana", PASSWORD),
        "insights": lambda: compute_insights(ana_store, load_catalogue()),
    }
    for what, read in reads.items():
        with pytest.raises(StoreError) as refusal:
            read()
        assert "no such table" in str(refusal.value), what
        assert "check that HCDEV_DATABASE_URL names this app's database" in str(refusal.value), what


def test_a_database_server_that_cannot_be_reached_is_explained() -> None:
    # Port 1 on loopback: nothing listens, the connection is refused at once.
    with pytest.raises(StoreError) as refusal:
        Store.from_url("postgresql+psycopg://hcdev:s3cret@127.0.0.1:1/hcdev")
    message = str(refusal.value)
    assert message.startswith("could not open the database: ")
    assert "the database server cannot be reached" in message and "HCDEV_DATABASE_URL" in message
    assert "s3cret" not in message


def _connections_opened(tree: ast.AST) -> list[str]:
    """Where a module opens a connection or a transaction itself."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in {"read_transaction", "write_transaction"}:
            found.append(f"line {node.lineno}: {func.id}()")
        elif isinstance(func, ast.Attribute) and func.attr in {"connect", "begin", "raw_connection"}:
            owner = ast.unparse(func.value)
            if "engine" in owner or "connection" in owner:
                found.append(f"line {node.lineno}: {owner}.{func.attr}()")
    return found


def test_only_the_guard_opens_connections() -> None:
    allowed = {LIBRARY / "storage" / "guard.py", LIBRARY / "storage" / "database.py"}
    offenders = {
        str(module.relative_to(ROOT)): opened
        for module in sorted(LIBRARY.rglob("*.py"))
        if module not in allowed and (opened := _connections_opened(ast.parse(module.read_text(encoding="utf-8"))))
    }
    assert offenders == {}
    # The check can fail: it finds the transactions database.py opens for the guard.
    assert _connections_opened(ast.parse((LIBRARY / "storage" / "database.py").read_text(encoding="utf-8")))
