"""The one guard every database statement passes: a driver's error becomes a StoreError with advice.

Reads, writes, migrations, accounts, the audit log, insights, demo data and
maintenance all open their connection here, so a held lock, a read-only
file, a full disk or a lost server reaches the person as one sentence that
says what happened and what to do, never as a driver's traceback. Errors
can come from BEGIN (a lock held elsewhere), from a statement (a read-only
file) or from COMMIT (a full disk); each is translated after the
transaction has been rolled back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..errors import StoreError
from .database import mask_credentials, read_transaction, write_transaction

__all__ = ["DRIVER_ERRORS", "explain", "guarded", "guarded_connection"]

#: What a driver raises (through SQLAlchemy) and the pool raises when no connection is free.
DRIVER_ERRORS = (sa.exc.DBAPIError, sa.exc.TimeoutError)

# (words in the driver's message, what to tell the person); the first match wins.
_ADVICE = (
    (("locked", "busy"), "another process holds the database; try again in a moment"),
    (("readonly", "read-only"), "the database file is read-only; give the app write access to it and its folder"),
    (("database or disk is full", "no space left"), "the disk is full; free space and try again (nothing was saved)"),
    # What SQLite reports when a write is refused part-way: a full disk or a
    # file-size limit, or a failing disk.
    (("disk i/o error",), "the disk may be full or failing; free space or check the disk, then try again "
                          "(nothing was saved)"),
    (("unable to open",), "the database file cannot be opened; check HCDEV_DATABASE_URL and the folder's permissions"),
    (("connection refused", "could not connect", "server closed the connection", "connection is closed",
      "terminating connection", "connection timeout", "timeout expired", "connection to server"),
     "the database server cannot be reached (down, restarting, or the connection was lost); check that it runs "
     "and that HCDEV_DATABASE_URL names it, then try again"),
    (("malformed", "not a database"), "the database file is damaged or is not a database; restore it from a backup"),
    (("no such table", "does not exist", "no such column"),
     "the database lacks hcdev-match's tables; check that HCDEV_DATABASE_URL names this app's database"),
)  # fmt: skip


def explain(exc: BaseException, what: str) -> str:
    """``could not WHAT: the driver's first line; what to do``, with any password in it masked."""
    orig = getattr(exc, "orig", None)
    message = mask_credentials(str(orig if orig is not None else exc)).strip() or type(exc).__name__
    lowered = message.lower()
    advice = next(
        (advice for words, advice in _ADVICE if any(word in lowered for word in words)),
        "check the database and try again",
    )
    return f"could not {what}: {message.splitlines()[0]}; {advice}"


@contextmanager
def guarded(engine: Engine, what: str, *, write: bool = False) -> Iterator[Connection]:
    """One transaction (taking the write lock first when ``write``); driver errors become a StoreError.

    ``what`` completes "could not ...": "save the assessment".
    """
    try:
        with (write_transaction if write else read_transaction)(engine) as connection:
            yield connection
    except DRIVER_ERRORS as exc:
        raise StoreError(explain(exc, what)) from None


@contextmanager
def guarded_connection(engine: Engine, what: str, *, autocommit: bool = False) -> Iterator[Connection]:
    """A connection for statements outside the app's transactions (checkpoints, VACUUM, health checks).

    ``autocommit`` for statements PostgreSQL refuses inside a transaction (VACUUM).
    """
    try:
        connection = engine.connect()
        if autocommit:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        with connection:
            yield connection
    except DRIVER_ERRORS as exc:
        raise StoreError(explain(exc, what)) from None
