"""Database engines: SQLite for one server, PostgreSQL for several.

The library is handed a URL (the app and the CLI read it from
``HCDEV_DATABASE_URL``); this module turns it into a SQLAlchemy engine with
the settings each backend needs to lose nothing under concurrency.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..config import DEFAULT_DATABASE
from ..errors import StoreError

__all__ = [
    "create_database_engine",
    "database_url",
    "mask_credentials",
    "read_transaction",
    "sqlite_path",
    "utc_now",
    "write_transaction",
]

# How long a write waits for another writer before it gives up with a clear
# "try again" message. Ordinary contention clears in milliseconds; a lock
# held longer (a backup, a stuck process) should be reported to the person,
# not leave them watching a spinner.
BUSY_TIMEOUT_MS = 5_000

# "scheme://user:password@": the password runs to the last "@" of the URL
# (passwords may hold "@"), and never across a space or a quote.
_CREDENTIALS = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s'\"]*):[^\s'\"]*@")


def database_url(configured: str | None, *, root: Path | None = None) -> str:
    """``configured`` (a URL from an option or HCDEV_DATABASE_URL), else :data:`DEFAULT_DATABASE` under ``root``.

    ``root`` defaults to the working directory; the app passes its checkout.
    """
    if configured and configured.strip():
        return configured.strip()
    return f"sqlite:///{((root or Path.cwd()) / DEFAULT_DATABASE).resolve()}"


def utc_now() -> datetime:
    """Now, in UTC, without a zone (how the database stores times)."""
    return datetime.now(UTC).replace(tzinfo=None)


def mask_credentials(text: str) -> str:
    """``text`` with the password of every URL in it replaced by ``***``.

    Works on URLs that do not parse too: a message quoting a broken URL must
    not show its password to whoever reads the message.
    """
    return _CREDENTIALS.sub(r"\g<head>:***@", text)


def create_database_engine(url: str) -> Engine:
    """An engine for ``url`` (``sqlite:///path`` or ``postgresql+psycopg://...``).

    SQLite gets WAL, a busy timeout, foreign keys and secure delete on every
    connection, and write transactions that start with ``BEGIN IMMEDIATE``
    so that two writers queue instead of failing with "database is locked".
    """
    try:
        parsed = sa.engine.make_url(url)
    except (sa.exc.ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise StoreError(
            f"database URL {_redact_unparsed(url)!r} is not a URL; use sqlite:///path/to/file.sqlite3 "
            "or postgresql+psycopg://user@host/dbname"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        sa.event.listen(engine, "connect", _sqlite_connect)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return sa.create_engine(url, pool_pre_ping=True)
    raise StoreError(
        f"database {parsed.get_backend_name()!r} is not supported; use SQLite (sqlite:///...) or "
        "PostgreSQL (postgresql+psycopg://...)"
    )


def _redact_unparsed(url: str) -> str:
    """A URL that does not parse, shown without anything before its last "@" (user and password)."""
    if "@" not in url:
        return url
    head, _, tail = url.rpartition("@")
    scheme = head.split("://", 1)[0] + "://" if "://" in head else ""
    return f"{scheme}***@{tail}"


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL, or None for in-memory and other databases."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    if parsed.query.get("uri") == "true" and parsed.database.startswith("file:"):
        # sqlite's URI form (file:PATH?mode=ro): the file is PATH, not a folder named "file:".
        return Path(parsed.database.removeprefix("file:"))
    return Path(parsed.database)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event decide how a transaction starts, instead
    # of the driver's implicit BEGIN before the first write.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    mode = "IMMEDIATE" if connection.get_execution_options().get("hcdev_write") else "DEFERRED"
    connection.exec_driver_sql(f"BEGIN {mode}")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that may write: on SQLite it takes the write lock first."""
    with engine.connect().execution_options(hcdev_write=True) as connection, connection.begin():
        yield connection


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """A read-only transaction (a consistent snapshot)."""
    with engine.connect() as connection, connection.begin():
        yield connection
