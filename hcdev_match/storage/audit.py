"""Reading the audit log a page at a time, filtered by action and date (the Privacy page's view)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import sqlalchemy as sa

from ..errors import StoreError
from .schema import audit_log
from .store import Store, _explain

__all__ = ["PER_PAGE", "AuditPage", "audit_actions", "read_audit"]

PER_PAGE = 50


@dataclass(frozen=True)
class AuditPage:
    """One page of audit entries, newest first, and how many match the filter in all."""

    entries: list[dict[str, Any]]
    total: int
    page: int
    pages: int
    per_page: int

    @property
    def first(self) -> int:
        """The 1-based position of the page's first entry (0 when nothing matches)."""
        return (self.page - 1) * self.per_page + 1 if self.entries else 0


def read_audit(
    store: Store,
    *,
    action: str | None = None,
    start: date | None = None,
    end: date | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
    zone: tzinfo = UTC,
) -> AuditPage:
    """Entries of ``action`` (all when None) from ``start`` to ``end`` inclusive (days in ``zone``), page ``page``."""
    if per_page < 1:
        raise StoreError(f"a page holds 1 or more entries, got {per_page}")
    conditions = []
    if action:
        conditions.append(audit_log.c.action == action)
    if start is not None:
        conditions.append(audit_log.c.at >= _utc(datetime.combine(start, time(), tzinfo=zone)))
    if end is not None:
        conditions.append(audit_log.c.at < _utc(datetime.combine(end + timedelta(days=1), time(), tzinfo=zone)))
    try:
        with store.engine.connect() as connection, connection.begin():
            total = int(
                connection.execute(sa.select(sa.func.count()).select_from(audit_log).where(*conditions)).scalar_one()
            )
            pages = max(1, -(-total // per_page))
            page = min(max(1, page), pages)
            rows = connection.execute(
                sa.select(audit_log)
                .where(*conditions)
                .order_by(audit_log.c.id.desc())
                .limit(per_page)
                .offset((page - 1) * per_page)
            ).mappings()
            entries = [dict(row) for row in rows]
    except sa.exc.DatabaseError as exc:
        raise StoreError(_explain(exc, "read the audit log")) from None
    return AuditPage(entries, total, page, pages, per_page)


def _utc(moment: datetime) -> datetime:
    """A zoned time as the log stores times: UTC, without a zone."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def audit_actions(store: Store) -> list[str]:
    """The actions the log holds, for the filter's choices."""
    try:
        with store.engine.connect() as connection, connection.begin():
            return sorted(str(a) for a in connection.execute(sa.select(audit_log.c.action).distinct()).scalars())
    except sa.exc.DatabaseError as exc:
        raise StoreError(_explain(exc, "read the audit log")) from None
