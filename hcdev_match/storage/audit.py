"""The audit log: appended to in the writer's transaction, read a page at a time (the Privacy page's view).

It records who did what to which assessment (by id), never CV text or
candidate references, and cannot be changed (database triggers refuse
UPDATE and DELETE).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..errors import StoreError
from .database import utc_now
from .schema import audit_log

if TYPE_CHECKING:
    from .store import Store

__all__ = ["ACTIONS", "PER_PAGE", "AuditPage", "append_audit", "assessment_target", "audit_actions", "read_audit"]

PER_PAGE = 50
#: Every action the code writes to the log; ``append_audit`` refuses any other (the Privacy page words each one).
ACTIONS = (
    "decided", "demo_seeded", "erased", "exported", "looked_up", "noted", "password_changed", "purged",
    "rate_limited", "saved", "saved_batch", "sign_in_failed", "signed_in", "unblinded", "user_added",
    "user_removed", "user_unlocked", "viewed",
)  # fmt: skip


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
        conditions.append(audit_log.c.at < datetime.combine(end + timedelta(days=1), time()))
    with store.reading("read the audit log") as connection:
        counted = sa.select(sa.func.count()).select_from(audit_log).where(*conditions)
        total = int(connection.execute(counted).scalar_one())
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
    return AuditPage(entries, total, page, pages, per_page)


def _utc(moment: datetime) -> datetime:
    """A zoned time as the log stores times: UTC, without a zone."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def audit_actions(store: Store) -> list[str]:
    """The actions the log holds, for the filter's choices."""
    with store.reading("read the audit log") as connection:
        return sorted(str(a) for a in connection.execute(sa.select(audit_log.c.action).distinct()).scalars())


def append_audit(
    connection: Connection,
    actor: str,
    action: str,
    target: str | None = None,
    detail: str | None = None,
    *,
    now: datetime | None = None,
) -> None:
    """Append one audit entry inside the caller's transaction (never CV text or references)."""
    if action not in ACTIONS:  # a new action is listed first, so that the audit log's readers have words for it
        raise StoreError(f"the audit log takes one of the actions {', '.join(ACTIONS)}; got {action!r}: list it in "
                         "storage/audit.py ACTIONS (and word it in present/privacy_view.py ACTION_LABELS)")  # fmt: skip
    connection.execute(
        audit_log.insert().values(at=now or utc_now(), actor=actor[:100], action=action, target=target, detail=detail)
    )


def assessment_target(ids: Sequence[int]) -> str | None:
    """The audit target of an operation on assessments: their ids, within the column's 100 characters."""
    if not ids:
        return None
    listed = "assessment:" + ",".join(str(i) for i in ids)
    if len(listed) <= 100:
        return listed
    return f"assessment:{ids[0]},...,{ids[-1]} ({len(ids)} in all)"
