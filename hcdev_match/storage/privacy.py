"""The candidate's rights and retention: export everything kept, erase it, purge what has expired.

``purge_expired`` removes what has passed its saved expiry or the retention
in force when it runs, whichever comes first; ``erase_candidate`` removes
one candidate entirely. Both then scrub the database files, so the erased
rows cannot be recovered from them; when a reader holds that up, the
:class:`Scrubber` says so and finishes in the background.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..errors import StoreError
from .audit import append_audit, assessment_target
from .database import utc_now
from .guard import DRIVER_ERRORS, guarded_connection
from .saving import hash_erase_code
from .schema import assessment_fits, assessment_openings, assessment_skills, assessments, decisions

if TYPE_CHECKING:
    from .store import Store

__all__ = ["Removal", "Scrubber", "erase_candidate", "erase_with_code", "export_candidate", "purge_expired"]


@dataclass(frozen=True)
class Removal:
    """What an erase or a purge removed, and whether its traces left the files."""

    count: int
    #: False while another connection still reads an older snapshot (SQLite
    #: WAL): the rows are gone from every query, but their old pages stay in
    #: the database file until that reader ends and a later erase or purge
    #: checkpoints the log. Say so; never claim "no trace" then.
    scrubbed: bool


def export_candidate(store: Store, candidate_ref: str, *, actor: str) -> dict[str, Any]:
    """Everything kept about one candidate, as JSON-ready data (an access request)."""
    with store.writing("export the candidate's data") as connection:
        rows = connection.execute(
            sa.select(assessments).where(assessments.c.candidate_ref == candidate_ref).order_by(assessments.c.id)
        ).mappings()
        exported = []
        for row in rows:
            item = {k: _jsonable(v) for k, v in dict(row).items() if k != "erase_code_hash"}
            item["fits"] = [
                {k: _jsonable(v) for k, v in dict(fit).items() if k != "assessment_id"}
                for fit in connection.execute(
                    sa.select(assessment_fits).where(assessment_fits.c.assessment_id == row["id"])
                ).mappings()
            ]
            item["skills"] = list(
                connection.execute(
                    sa.select(assessment_skills.c.skill).where(assessment_skills.c.assessment_id == row["id"])
                ).scalars()
            )
            item["openings"] = [
                {**json.loads(o["opening"]), "fit": o["fit"]}
                for o in connection.execute(
                    sa.select(assessment_openings).where(assessment_openings.c.assessment_id == row["id"])
                ).mappings()
            ]
            item["decisions"] = [
                {k: _jsonable(v) for k, v in dict(d).items() if k != "assessment_id"}
                for d in connection.execute(
                    sa.select(decisions).where(decisions.c.assessment_id == row["id"])
                ).mappings()
            ]
            exported.append(item)
        target = assessment_target([int(item["id"]) for item in exported])
        append_audit(connection, actor, "exported", target, f"{len(exported)} assessment(s)")
    if not exported:
        raise StoreError(f"nothing is kept under the reference {candidate_ref!r}; check the reference")
    return {"candidate_ref": candidate_ref, "exported_at": utc_now().isoformat(), "assessments": exported}


def erase_candidate(store: Store, candidate_ref: str, *, actor: str) -> Removal:
    """Remove every assessment (and decision) of one candidate; scrub them from the files."""
    removal = _erase(store, assessments.c.candidate_ref == candidate_ref, actor=actor, action="erased")
    if removal.count == 0:
        raise StoreError(f"nothing is kept under the reference {candidate_ref!r}; check the reference")
    return removal


def erase_with_code(store: Store, code: str) -> Removal:
    """A candidate erases the result they saved, with the code they were shown."""
    condition = assessments.c.erase_code_hash == hash_erase_code(code.strip())
    removal = _erase(store, condition, actor="candidate", action="erased")
    if removal.count == 0:
        raise StoreError("no saved result has that erase code; check the code (it was shown when you saved)")
    return removal


def purge_expired(store: Store, *, actor: str, now: datetime | None = None) -> Removal:
    """Remove every assessment past its saved expiry or older than the store's current retention.

    Shortening ``retention_days`` shortens it for rows saved earlier too; a
    longer one never keeps a row past the expiry it was saved (and shown)
    with. A purge always checkpoints, so it finishes an earlier erase that a
    reader held up.
    """
    now = now or utc_now()
    cutoff = now - timedelta(days=store.config.retention_days)
    condition = sa.or_(assessments.c.expires_at <= now, assessments.c.created_at <= cutoff)
    return _erase(store, condition, actor=actor, action="purged", scrub_always=True)


def _erase(store: Store, condition: Any, *, actor: str, action: str, scrub_always: bool = False) -> Removal:
    with store.writing(f"{action.rstrip('d')} assessments") as connection:
        ids = [int(i) for i in connection.execute(sa.select(assessments.c.id).where(condition)).scalars()]
        if ids:
            # Children first, explicitly: the same on every backend.
            for table in (decisions, assessment_skills, assessment_fits, assessment_openings):
                connection.execute(table.delete().where(table.c.assessment_id.in_(ids)))
            connection.execute(assessments.delete().where(assessments.c.id.in_(ids)))
        append_audit(connection, actor, action, assessment_target(ids), f"{len(ids)} assessment(s)")
    scrubbed = store.scrubber.scrub() if ids or scrub_always else True
    if not scrubbed:
        store.scrubber.finish_later()
    return Removal(len(ids), scrubbed)


class Scrubber:
    """Makes deleted rows unrecoverable from the database files, now or once the readers holding it up end."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def pending(self) -> bool:
        """True while a background thread waits for readers to end to finish an erase."""
        return self._thread is not None and self._thread.is_alive()

    def join(self, timeout: float | None = None) -> None:
        """Wait for a pending background scrub (tests, and a clean shutdown)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def finish_later(self) -> None:
        with self._lock:
            if self.pending:
                return
            self._thread = threading.Thread(target=self._retry, name="hcdev-scrub", daemon=True)
            self._thread.start()

    def _retry(self) -> None:
        config = self.store.config
        deadline = time.monotonic() + config.scrub_give_up_s
        while time.monotonic() < deadline:
            time.sleep(config.scrub_retry_s)
            try:
                if self.scrub():
                    return
            except (StoreError, *DRIVER_ERRORS, OSError):
                return  # the database went away (a test's folder, a closed store): nothing is left to scrub

    def scrub(self) -> bool:
        """Scrub now; False if a reader held it up."""
        engine, attempts = self.store.engine, self.store.config.scrub_attempts
        if engine.dialect.name == "sqlite":
            # secure_delete zeroes freed pages; the checkpoint moves every page
            # into the main file and empties the write-ahead log, which still
            # held the old page images. A reader on an older snapshot makes it
            # answer busy (after the busy timeout) with the old pages still in
            # the main file: try again, then say so.
            for _ in range(attempts):
                with guarded_connection(engine, "scrub the erased rows from the database file") as connection:
                    busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()[0]
                if not busy:
                    return True
            return False
        with guarded_connection(engine, "scrub the erased rows from the database", autocommit=True) as connection:
            # VACUUM FULL waits for readers of the table, then rewrites it.
            for table in ("decisions", "assessment_skills", "assessment_fits", "assessment_openings", "assessments"):
                connection.exec_driver_sql(f"VACUUM FULL {table}")
        return True


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
