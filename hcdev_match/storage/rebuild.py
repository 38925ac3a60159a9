"""Rebuilding SQLite tables so their ids are never handed out twice (AUTOINCREMENT).

Without AUTOINCREMENT, SQLite gives a new row the largest id in the table
plus one: after the newest assessment is erased, the next one gets its id,
and the audit log names two people with one id. SQLite cannot add
AUTOINCREMENT to a table in place, so each table is rebuilt: its rows, and
those of every table that refers to it (directly or through another), are
copied aside, the tables are dropped children first and made again from
their own stored definitions (parents first), the rows copied back, and
their indexes and triggers made again. It all runs in the caller's
transaction, with foreign keys enforced: a failure leaves the database as
it was. PostgreSQL's sequences never hand an id out twice; it needs none
of this.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy.engine import Connection

from ..errors import StoreError

__all__ = ["has_autoincrement", "rebuild_with_autoincrement"]

_ID_COLUMN = re.compile(r"\bid INTEGER NOT NULL,")
_ID_KEY = re.compile(r",\s*PRIMARY KEY \(id\)")


def has_autoincrement(connection: Connection, table: str) -> bool:
    return "AUTOINCREMENT" in _definition(connection, table).upper()


def rebuild_with_autoincrement(connection: Connection, tables: Sequence[str], *, floors: dict[str, int]) -> None:
    """Give ``tables`` AUTOINCREMENT ids, keeping every row, index and trigger of them and their dependants.

    ``floors``: per table, an id already handed out once (from the audit log,
    say) that no new row may get either, even if its row is gone.
    """
    targets = [t for t in tables if not has_autoincrement(connection, t)]
    if targets:
        order = _with_dependants(connection, targets)  # parents first
        definitions = {t: _definition(connection, t) for t in order}
        for table in targets:
            definitions[table] = _autoincrement(table, definitions[table])
        extras = [
            str(sql)
            for (sql,) in connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL "
                f"AND tbl_name IN ({', '.join('?' * len(order))}) ORDER BY type, name",
                tuple(order),
            )
        ]
        for table in order:
            connection.exec_driver_sql(f'CREATE TEMP TABLE "_keep_{table}" AS SELECT * FROM "{table}"')
        for table in reversed(order):  # children first: dropping a parent never cascades into a child
            connection.exec_driver_sql(f'DROP TABLE "{table}"')
        for table in order:
            connection.exec_driver_sql(definitions[table])
            connection.exec_driver_sql(f'INSERT INTO "{table}" SELECT * FROM temp."_keep_{table}"')
            connection.exec_driver_sql(f'DROP TABLE temp."_keep_{table}"')
        for sql in extras:
            connection.exec_driver_sql(sql)
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
        if broken:
            raise StoreError(f"rebuilding {', '.join(targets)} broke {len(broken)} reference(s); nothing was changed")
    for table in tables:
        _raise_sequence(connection, table, floors.get(table, 0))


def _definition(connection: Connection, table: str) -> str:
    sql = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).scalar()
    if sql is None:
        raise StoreError(f"the database has no table {table!r}; it is not an hcdev-match database")
    return str(sql)


def _autoincrement(table: str, sql: str) -> str:
    new, columns = _ID_COLUMN.subn("id INTEGER PRIMARY KEY AUTOINCREMENT,", sql, count=1)
    new, keys = _ID_KEY.subn("", new, count=1)
    if columns != 1 or keys != 1:
        raise StoreError(
            f"table {table!r} does not have the id column this upgrade expects (id INTEGER, PRIMARY KEY (id)); "
            "nothing was changed: restore the database from a backup made by hcdev-match"
        )
    return new


def _with_dependants(connection: Connection, targets: Sequence[str]) -> list[str]:
    """``targets`` and every table referring to one of them, directly or not, parents before children."""
    names = [
        str(n)
        for (n,) in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    parents = {
        name: {
            str(row[2])
            for row in connection.exec_driver_sql(f'PRAGMA foreign_key_list("{name}")')
            if str(row[2]) != name
        }
        for name in names
    }
    chosen = set(targets)
    while grown := {n for n in names if n not in chosen and parents[n] & chosen}:
        chosen |= grown
    order: list[str] = []
    while len(order) < len(chosen):
        ready = sorted(n for n in chosen if n not in order and not (parents[n] & chosen) - set(order))
        if not ready:
            raise StoreError(f"the tables {sorted(chosen - set(order))} refer to each other in a cycle")
        order += ready
    return order


def _raise_sequence(connection: Connection, table: str, floor: int) -> None:
    """Make sure the next id of ``table`` is above ``floor`` (SQLite keeps the last one in sqlite_sequence)."""
    current = connection.exec_driver_sql("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).scalar()
    if current is None:
        connection.exec_driver_sql("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, floor))
    elif int(current) < floor:
        connection.exec_driver_sql("UPDATE sqlite_sequence SET seq = ? WHERE name = ?", (floor, table))
