"""The store: one database, opened (and migrated) once, through which every storage operation runs.

A :class:`Store` holds the engine, the retention and the one guard
(:mod:`.guard`) that every statement passes. What is done with it lives in
one module per concept, and the store's methods are their short names:
keeping assessments (:mod:`.saving`), the candidate's rights and retention
(:mod:`.privacy`), the audit log (:mod:`.audit`); accounts, insights and
demo data take a store too.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..errors import StoreError
from . import privacy, saving
from .audit import append_audit
from .database import create_database_engine, utc_now
from .guard import guarded, guarded_connection
from .migrations import SCHEMA_VERSION, migrate, schema_version
from .privacy import Removal, Scrubber
from .rows import Scored
from .saving import DECISIONS, LEGAL_BASES, SavedAssessment, Terms
from .schema import audit_log

__all__ = [
    "DECISIONS",
    "LEGAL_BASES",
    "Removal",
    "SavedAssessment",
    "Store",
    "StoreConfig",
    "parse_retention_days",
    "utc_now",
]


@dataclass(frozen=True, kw_only=True)
class StoreConfig:
    #: Days an assessment is kept before ``purge_expired`` removes it (the
    #: setting in force when the purge runs, not when the row was saved).
    retention_days: int = 180
    #: WAL checkpoints an erase tries before it reports that the erased rows
    #: leave the files only when other readers finish; each attempt waits up
    #: to the busy timeout for them.
    scrub_attempts: int = 2
    #: When readers held an erase up, a background thread of the store tries
    #: the checkpoint again this often ...
    scrub_retry_s: float = 5.0
    #: ... until it succeeds or this long has passed (then the daily purge does it).
    scrub_give_up_s: float = 3600.0

    def __post_init__(self) -> None:
        if self.retention_days < 1:
            raise ValueError(f"retention_days must be at least 1, got {self.retention_days}")
        if self.scrub_attempts < 1:
            raise ValueError(f"scrub_attempts must be at least 1, got {self.scrub_attempts}")
        if self.scrub_retry_s <= 0 or self.scrub_give_up_s <= 0:
            raise ValueError("scrub_retry_s and scrub_give_up_s must be positive")


def parse_retention_days(text: str | None, *, setting: str) -> int:
    """A retention setting's days, from its text (an environment variable, an option).

    None or an empty text means the setting is not given: the default. A
    StoreError names the setting, what arrived and what to write instead.
    """
    if text is None or not text.strip():
        return StoreConfig().retention_days
    try:
        days = int(text.strip())
    except ValueError:
        days = None
    if days is None or days < 1:
        raise StoreError(
            f"{setting} must be a whole number of days, 1 or more (how long assessments are kept), "
            f"got {text!r}; set it to e.g. {StoreConfig().retention_days}"
        )
    return days


class Store:
    """Assessments, decisions, users and the audit log in one database."""

    def __init__(self, engine: Engine, *, config: StoreConfig | None = None) -> None:
        self.engine = engine
        self.config = config or StoreConfig()
        self.scrubber = Scrubber(self)
        # Read first: a current schema needs no write lock, so opening the
        # store works while another process holds it (or the file is read-only).
        if self.version != SCHEMA_VERSION:
            with self.writing("open the database") as connection:
                migrate(connection)

    @classmethod
    def from_url(cls, url: str, *, config: StoreConfig | None = None) -> Store:
        return cls(create_database_engine(url), config=config)

    # -- the guard: every statement of the storage package runs in one of these --

    def reading(self, what: str) -> AbstractContextManager[Connection]:
        """A read transaction (a consistent snapshot); ``what`` completes "could not ..." in its errors."""
        return guarded(self.engine, what)

    def writing(self, what: str) -> AbstractContextManager[Connection]:
        """A write transaction (on SQLite it takes the write lock first); all of it or none."""
        return guarded(self.engine, what, write=True)

    @property
    def version(self) -> int:
        with self.reading("open the database") as connection:
            return schema_version(connection)

    # -- assessments (saving.py) ---------------------------------------------------

    def save_assessment(
        self,
        assessment: Scored,
        *,
        actor: str,
        source: str,
        legal_basis: str,
        candidate_ref: str | None = None,
        created_by: int | None = None,
        batch: str | None = None,
        consent: bool = False,
        cv_text: str | None = None,
        with_erase_code: bool = False,
        now: datetime | None = None,
        demo: bool = False,
    ) -> SavedAssessment:
        """Keep an assessment's derived data (and the CV text only with consent)."""
        terms = Terms(actor=actor, source=source, legal_basis=legal_basis, created_by=created_by, batch=batch,
                      consent=consent, demo=demo)  # fmt: skip
        return saving.save_assessments(
            self, [assessment], terms, cv_texts=[cv_text], candidate_ref=candidate_ref,
            with_erase_code=with_erase_code, now=now,
        )[0]  # fmt: skip

    def save_assessments(
        self,
        batch_assessments: Sequence[Scored],
        *,
        actor: str,
        source: str,
        legal_basis: str,
        created_by: int | None = None,
        batch: str | None = None,
        consent: bool = False,
        cv_texts: Sequence[str | None] | None = None,
        file_names: Sequence[str | None] | None = None,
        now: datetime | None = None,
    ) -> list[SavedAssessment]:
        """Keep a whole batch in one transaction: all of it is saved, or none of it."""
        terms = Terms(actor=actor, source=source, legal_basis=legal_basis, created_by=created_by, batch=batch,
                      consent=consent)  # fmt: skip
        return saving.save_assessments(
            self, batch_assessments, terms, cv_texts=cv_texts, file_names=file_names, now=now
        )

    def record_decision(self, assessment_id: int, *, user_id: int, actor: str, decision: str, reason: str) -> int:
        """Record what a person decided about an assessment, and why."""
        return saving.record_decision(self, assessment_id, user_id=user_id, actor=actor, decision=decision,
                                      reason=reason)  # fmt: skip

    def get_assessment(self, assessment_id: int) -> dict[str, Any] | None:
        return saving.get_assessment(self, assessment_id)

    def count_assessments(self) -> int:
        return saving.count_assessments(self)

    def assessment_ids(self) -> list[int]:
        return saving.assessment_ids(self)

    # -- the candidate's rights and retention (privacy.py) ---------------------------

    def export_candidate(self, candidate_ref: str, *, actor: str) -> dict[str, Any]:
        """Everything kept about one candidate, as JSON-ready data (an access request)."""
        return privacy.export_candidate(self, candidate_ref, actor=actor)

    def erase_candidate(self, candidate_ref: str, *, actor: str) -> Removal:
        """Remove every assessment (and decision) of one candidate; scrub them from the files."""
        return privacy.erase_candidate(self, candidate_ref, actor=actor)

    def erase_with_code(self, code: str) -> Removal:
        """A candidate erases the result they saved, with the code they were shown."""
        return privacy.erase_with_code(self, code)

    def purge_expired(self, *, actor: str, now: datetime | None = None) -> Removal:
        """Remove every assessment past its saved expiry or older than this store's retention."""
        return privacy.purge_expired(self, actor=actor, now=now)

    @property
    def scrub_pending(self) -> bool:
        """True while a background thread waits for readers to end to finish an erase."""
        return self.scrubber.pending

    # -- the audit log (audit.py) and health -------------------------------------------

    def audit(self, actor: str, action: str, target: str | None = None, detail: str | None = None) -> None:
        """Append one entry to the audit log (who did what to which assessment)."""
        with self.writing("write the audit log") as connection:
            append_audit(connection, actor, action, target, detail)

    def audit_entries(self, *, limit: int = 200) -> list[dict[str, Any]]:
        with self.reading("read the audit log") as connection:
            rows = connection.execute(sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)).mappings()
            return [dict(row) for row in rows]

    def integrity_check(self) -> str:
        """SQLite's integrity check ("ok" when sound); PostgreSQL answers "ok" if reachable."""
        with guarded_connection(self.engine, "check the database") as connection:
            if self.engine.dialect.name == "sqlite":
                return str(connection.exec_driver_sql("PRAGMA integrity_check").scalar())
            connection.exec_driver_sql("SELECT 1")
            return "ok"
