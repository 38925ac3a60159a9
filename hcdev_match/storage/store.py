"""Stored assessments: save, decide, export, erase, purge, and the audit log.

Only derived data is kept by default (fits, skill ids, flags); the raw CV
text is kept only with explicit consent. Every assessment carries its legal
basis (there is no default one) and the expiry it was saved with;
``purge_expired`` removes what has passed that expiry or the retention in
force when it runs, whichever comes first, and ``erase_candidate`` removes
one candidate entirely. The audit log records who did what to which
assessment (by id), never CV text or candidate references, and cannot be
changed (database triggers refuse UPDATE and DELETE).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ..errors import StoreError
from ..scoring.assessment import Assessment
from .database import create_database_engine, mask_credentials, read_transaction, write_transaction
from .schema import (
    SCHEMA_VERSION,
    assessment_fits,
    assessment_skills,
    assessments,
    audit_log,
    decisions,
    migrate,
    schema_version,
)

__all__ = [
    "DECISIONS",
    "LEGAL_BASES",
    "Removal",
    "SavedAssessment",
    "Store",
    "StoreConfig",
    "append_audit",
    "parse_retention_days",
    "utc_now",
]

#: Why an assessment may be kept (GDPR Art. 6 terms, as a recruiter states them).
LEGAL_BASES: dict[str, str] = {
    "consent": "the candidate consented",
    "contract": "steps the candidate asked for before a contract (their application)",
    "legitimate_interest": "legitimate interest in filling the opening, balanced against the candidate's",
}
DECISIONS = ("shortlist", "hold", "reject")
SOURCES = ("recruiter", "candidate", "demo")


def utc_now() -> datetime:
    """Now, in UTC, without a zone (how the database stores times)."""
    return datetime.now(UTC).replace(tzinfo=None)


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


@dataclass(frozen=True)
class SavedAssessment:
    id: int
    candidate_ref: str
    expires_at: datetime
    #: Shown once to a candidate who saved their own result: erases it later.
    erase_code: str | None = None


@dataclass(frozen=True)
class Removal:
    """What an erase or a purge removed, and whether its traces left the files."""

    count: int
    #: False while another connection still reads an older snapshot (SQLite
    #: WAL): the rows are gone from every query, but their old pages stay in
    #: the database file until that reader ends and a later erase or purge
    #: checkpoints the log. Say so; never claim "no trace" then.
    scrubbed: bool


class Store:
    """Assessments, decisions, users and the audit log in one database."""

    def __init__(self, engine: Engine, *, config: StoreConfig | None = None) -> None:
        self.engine = engine
        self.config = config or StoreConfig()
        self._finisher: threading.Thread | None = None
        self._finisher_lock = threading.Lock()
        try:
            # Read first: a current schema needs no write lock, so opening the
            # store works while another process holds it (or the file is read-only).
            with read_transaction(engine) as connection:
                current = schema_version(connection)
            if current != SCHEMA_VERSION:
                with write_transaction(engine) as connection:
                    migrate(connection)
        except sa.exc.DatabaseError as exc:
            raise StoreError(_explain(exc, "open the database")) from None

    @classmethod
    def from_url(cls, url: str, *, config: StoreConfig | None = None) -> Store:
        return cls(create_database_engine(url), config=config)

    @property
    def version(self) -> int:
        with read_transaction(self.engine) as connection:
            return schema_version(connection)

    # -- assessments ---------------------------------------------------------------

    def save_assessment(
        self,
        assessment: Assessment,
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
        self._check(source=source, legal_basis=legal_basis, consent=consent, cv_texts=[cv_text])
        now = now or utc_now()
        with self._write("save the assessment") as connection:
            return self._insert(
                connection, assessment, actor=actor, source=source, legal_basis=legal_basis,
                candidate_ref=candidate_ref, created_by=created_by, batch=batch, consent=consent, cv_text=cv_text,
                with_erase_code=with_erase_code, now=now, demo=demo,
            )  # fmt: skip

    def save_assessments(
        self,
        batch_assessments: Sequence[Assessment],
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
        """Keep a whole batch in one transaction: all of it is saved, or none of it.

        A full disk, a lock held too long or a killed server part-way through
        leaves no half batch behind, so saving again after the fault is safe.
        """
        texts = list(cv_texts) if cv_texts is not None else [None] * len(batch_assessments)
        if len(texts) != len(batch_assessments):
            raise StoreError(
                f"got {len(batch_assessments)} assessments but {len(texts)} CV texts; give one text (or None) each"
            )
        self._check(source=source, legal_basis=legal_basis, consent=consent, cv_texts=texts)
        names = list(file_names) if file_names is not None else [None] * len(batch_assessments)
        if len(names) != len(batch_assessments):
            raise StoreError(f"got {len(batch_assessments)} assessments but {len(names)} file names; give one each")
        now = now or utc_now()
        with self._write(f"save the {len(batch_assessments)} assessments") as connection:
            return [
                self._insert(
                    connection,
                    assessment,
                    actor=actor,
                    source=source,
                    legal_basis=legal_basis,
                    candidate_ref=None,
                    created_by=created_by,
                    batch=batch,
                    consent=consent,
                    cv_text=text,
                    with_erase_code=False,
                    now=now,
                    demo=False,
                    file_name=name,
                )  # fmt: skip
                for assessment, text, name in zip(batch_assessments, texts, names, strict=True)
            ]

    @staticmethod
    def _check(*, source: str, legal_basis: str, consent: bool, cv_texts: Sequence[str | None]) -> None:
        if legal_basis not in LEGAL_BASES:
            raise StoreError(f"legal basis {legal_basis!r} is not known; choose one of {sorted(LEGAL_BASES)}")
        if consent and legal_basis != "consent":
            raise StoreError(
                f"a consent time is recorded only under the consent basis, not {legal_basis!r}; "
                "choose consent if the candidate gave it, or save without consent"
            )
        if legal_basis == "consent" and not consent:
            raise StoreError("the consent basis needs the candidate's consent; confirm it or choose another basis")
        if source not in SOURCES:
            raise StoreError(f"source {source!r} is not known; use one of {list(SOURCES)}")
        if not consent and any(text is not None for text in cv_texts):
            raise StoreError("the CV text is kept only with the candidate's explicit consent; tick consent or omit it")

    def _insert(
        self,
        connection: Any,
        assessment: Assessment,
        *,
        actor: str,
        source: str,
        legal_basis: str,
        candidate_ref: str | None,
        created_by: int | None,
        batch: str | None,
        consent: bool,
        cv_text: str | None,
        with_erase_code: bool,
        now: datetime,
        demo: bool,
        file_name: str | None = None,
    ) -> SavedAssessment:
        """Insert one assessment, its fits, skills and audit entry, in the caller's transaction."""
        ref = candidate_ref or "c-" + secrets.token_hex(8)
        code = secrets.token_urlsafe(12) if with_erase_code else None
        expires = now + timedelta(days=self.config.retention_days)
        assessment_id = connection.execute(
            assessments.insert()
            .values(
                candidate_ref=ref,
                created_at=now,
                created_by=created_by,
                source=source,
                batch=batch,
                best_role=assessment.best.role,
                best_fit=round(assessment.best.fit, 2),
                flags=";".join(assessment.flags),
                catalogue_version=assessment.catalogue_version,
                legal_basis=legal_basis,
                consent_at=now if consent and legal_basis == "consent" else None,
                expires_at=expires,
                cv_text=cv_text,
                erase_code_hash=_hash_code(code) if code else None,
                demo=demo,
                file_name=file_name[:255] if file_name else None,
            )
            .returning(assessments.c.id)
        ).scalar_one()
        # Copied onto the fit and skill rows so reports need no join (schema v3).
        reporting = {"created_at": now, "source": source, "best_role": assessment.best.role, "demo": demo}
        connection.execute(
            assessment_fits.insert(),
            [
                {
                    "assessment_id": assessment_id,
                    "role": fit.role,
                    "fit": round(fit.fit, 2),
                    "missing_must_have": ";".join(fit.missing.get("must_have", ())),
                    **reporting,
                }
                for fit in assessment.fits
            ],
        )
        found = {m.skill: m.strength for fit in assessment.fits for m in fit.matched}
        skills = [
            {"assessment_id": assessment_id, "skill": skill, "strength": round(strength, 3), **reporting}
            for skill, strength in sorted(found.items())
        ]
        if skills:
            connection.execute(assessment_skills.insert(), skills)
        append_audit(connection, actor, "saved", f"assessment:{assessment_id}", f"source={source}", now=now)
        return SavedAssessment(assessment_id, ref, expires, code)

    def record_decision(self, assessment_id: int, *, user_id: int, actor: str, decision: str, reason: str) -> int:
        """Record what a person decided about an assessment, and why."""
        if decision not in DECISIONS:
            raise StoreError(f"decision {decision!r} is not one of {list(DECISIONS)}")
        if not reason.strip():
            raise StoreError("a decision needs a reason; write one sentence on why")
        now = utc_now()
        with self._write("record the decision") as connection:
            if connection.execute(sa.select(assessments.c.id).where(assessments.c.id == assessment_id)).first() is None:
                raise StoreError(f"assessment {assessment_id} does not exist (erased or purged?)")
            decision_id = connection.execute(
                decisions.insert()
                .values(assessment_id=assessment_id, user_id=user_id, decision=decision, reason=reason, created_at=now)
                .returning(decisions.c.id)
            ).scalar_one()
            append_audit(connection, actor, "decided", f"assessment:{assessment_id}", decision, now=now)
        return int(decision_id)

    def get_assessment(self, assessment_id: int) -> dict[str, Any] | None:
        with read_transaction(self.engine) as connection:
            row = connection.execute(sa.select(assessments).where(assessments.c.id == assessment_id)).mappings().first()
            return dict(row) if row else None

    def count_assessments(self) -> int:
        with read_transaction(self.engine) as connection:
            return int(connection.execute(sa.select(sa.func.count()).select_from(assessments)).scalar_one())

    def assessment_ids(self) -> list[int]:
        with read_transaction(self.engine) as connection:
            return [
                int(i) for i in connection.execute(sa.select(assessments.c.id).order_by(assessments.c.id)).scalars()
            ]

    # -- privacy operations ----------------------------------------------------------------

    def export_candidate(self, candidate_ref: str, *, actor: str) -> dict[str, Any]:
        """Everything kept about one candidate, as JSON-ready data (an access request)."""
        with self._write("export the candidate's data") as connection:
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
                item["skills"] = [
                    dict(skill)["skill"]
                    for skill in connection.execute(
                        sa.select(assessment_skills.c.skill).where(assessment_skills.c.assessment_id == row["id"])
                    ).mappings()
                ]
                item["decisions"] = [
                    {k: _jsonable(v) for k, v in dict(d).items() if k not in ("assessment_id",)}
                    for d in connection.execute(
                        sa.select(decisions).where(decisions.c.assessment_id == row["id"])
                    ).mappings()
                ]
                exported.append(item)
            target = _target([int(item["id"]) for item in exported])
            append_audit(connection, actor, "exported", target, f"{len(exported)} assessment(s)")
        if not exported:
            raise StoreError(f"nothing is kept under the reference {candidate_ref!r}; check the reference")
        return {"candidate_ref": candidate_ref, "exported_at": utc_now().isoformat(), "assessments": exported}

    def erase_candidate(self, candidate_ref: str, *, actor: str) -> Removal:
        """Remove every assessment (and decision) of one candidate; scrub them from the files."""
        condition = assessments.c.candidate_ref == candidate_ref
        removal = self._erase(condition, actor=actor, action="erased")
        if removal.count == 0:
            raise StoreError(f"nothing is kept under the reference {candidate_ref!r}; check the reference")
        return removal

    def erase_with_code(self, code: str) -> Removal:
        """A candidate erases the result they saved, with the code they were shown."""
        removal = self._erase(
            assessments.c.erase_code_hash == _hash_code(code.strip()), actor="candidate", action="erased"
        )
        if removal.count == 0:
            raise StoreError("no saved result has that erase code; check the code (it was shown when you saved)")
        return removal

    def purge_expired(self, *, actor: str, now: datetime | None = None) -> Removal:
        """Remove every assessment past its saved expiry or older than the current retention.

        The retention is the one this store was opened with, so shortening
        ``retention_days`` shortens it for rows saved earlier too; a longer
        one never keeps a row past the expiry it was saved (and shown) with.
        A purge always checkpoints, so it finishes an earlier erase that a
        reader held up.
        """
        now = now or utc_now()
        cutoff = now - timedelta(days=self.config.retention_days)
        condition = sa.or_(assessments.c.expires_at <= now, assessments.c.created_at <= cutoff)
        return self._erase(condition, actor=actor, action="purged", scrub_always=True)

    def _erase(self, condition: Any, *, actor: str, action: str, scrub_always: bool = False) -> Removal:
        with self._write(f"{action.rstrip('d')} assessments") as connection:
            ids = [int(i) for i in connection.execute(sa.select(assessments.c.id).where(condition)).scalars()]
            if ids:
                # Children first, explicitly: the same on every backend.
                for table in (decisions, assessment_skills, assessment_fits):
                    connection.execute(table.delete().where(table.c.assessment_id.in_(ids)))
                connection.execute(assessments.delete().where(assessments.c.id.in_(ids)))
            append_audit(connection, actor, action, _target(ids), f"{len(ids)} assessment(s)")
        scrubbed = self._scrub() if ids or scrub_always else True
        if not scrubbed:
            self._finish_scrub_later()
        return Removal(len(ids), scrubbed)

    @property
    def scrub_pending(self) -> bool:
        """True while a background thread waits for readers to end to finish an erase."""
        return self._finisher is not None and self._finisher.is_alive()

    def _finish_scrub_later(self) -> None:
        """Finish an erase in the background once the readers holding it up have ended."""
        with self._finisher_lock:
            if self.scrub_pending:
                return
            self._finisher = threading.Thread(target=self._retry_scrub, name="hcdev-scrub", daemon=True)
            self._finisher.start()

    def _retry_scrub(self) -> None:
        deadline = time.monotonic() + self.config.scrub_give_up_s
        while time.monotonic() < deadline:
            time.sleep(self.config.scrub_retry_s)
            try:
                if self._scrub():
                    return
            except (sa.exc.SQLAlchemyError, OSError):
                return  # the database went away (a test's folder, a closed store): nothing is left to scrub

    def _scrub(self) -> bool:
        """Make deleted rows unrecoverable from the database files; False if a reader held it up."""
        if self.engine.dialect.name == "sqlite":
            # secure_delete zeroes freed pages; the checkpoint moves every page
            # into the main file and empties the write-ahead log, which still
            # held the old page images. A reader on an older snapshot makes it
            # answer busy (after the busy timeout) with the old pages still in
            # the main file: try again, then say so.
            for _ in range(self.config.scrub_attempts):
                with self.engine.connect() as connection:
                    busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()[0]
                if not busy:
                    return True
            return False
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            # VACUUM FULL waits for readers of the table, then rewrites it.
            for table in ("decisions", "assessment_skills", "assessment_fits", "assessments"):
                connection.exec_driver_sql(f"VACUUM FULL {table}")
        return True

    # -- audit -----------------------------------------------------------------------------

    def audit(self, actor: str, action: str, target: str | None = None, detail: str | None = None) -> None:
        """Append one entry to the audit log (who did what to which assessment)."""
        with self._write("write the audit log") as connection:
            append_audit(connection, actor, action, target, detail)

    def audit_entries(self, *, limit: int = 200) -> list[dict[str, Any]]:
        with read_transaction(self.engine) as connection:
            rows = connection.execute(sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)).mappings()
            return [dict(row) for row in rows]

    # -- health ------------------------------------------------------------------------------

    def integrity_check(self) -> str:
        """SQLite's integrity check ("ok" when sound); PostgreSQL answers "ok" if reachable."""
        with self.engine.connect() as connection:
            if self.engine.dialect.name == "sqlite":
                return str(connection.exec_driver_sql("PRAGMA integrity_check").scalar())
            connection.exec_driver_sql("SELECT 1")
            return "ok"

    def _write(self, what: str) -> Any:
        return _Guarded(self.engine, what)


class _Guarded:
    """A write transaction whose database errors become a StoreError with advice.

    Errors can come from BEGIN (a lock held elsewhere), from a statement in
    the body (a read-only file) or from COMMIT (a full disk); all three are
    translated, after the transaction has been rolled back.
    """

    def __init__(self, engine: Engine, what: str) -> None:
        self.engine, self.what = engine, what

    def __enter__(self) -> Any:
        self._context = write_transaction(self.engine)
        try:
            return self._context.__enter__()
        except sa.exc.DatabaseError as exc:
            raise StoreError(_explain(exc, self.what)) from None

    def __exit__(self, *exc_info: Any) -> bool:
        try:
            suppressed = bool(self._context.__exit__(*exc_info))
        except sa.exc.DatabaseError as exc:
            raise StoreError(_explain(exc, self.what)) from None
        if isinstance(exc_info[1], sa.exc.DatabaseError) and not suppressed:
            raise StoreError(_explain(exc_info[1], self.what)) from None
        return suppressed


def append_audit(
    connection: Any,
    actor: str,
    action: str,
    target: str | None = None,
    detail: str | None = None,
    *,
    now: datetime | None = None,
) -> None:
    """Append one audit entry inside the caller's transaction (never CV text or references)."""
    connection.execute(
        audit_log.insert().values(at=now or utc_now(), actor=actor[:100], action=action, target=target, detail=detail)
    )


def _target(ids: Sequence[int]) -> str | None:
    """The audit target of an operation on assessments: their ids, within the column's 100 characters."""
    if not ids:
        return None
    listed = "assessment:" + ",".join(str(i) for i in ids)
    if len(listed) <= 100:
        return listed
    return f"assessment:{ids[0]},...,{ids[-1]} ({len(ids)} in all)"


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _explain(exc: sa.exc.DBAPIError, what: str) -> str:
    message = mask_credentials(str(exc.orig) if exc.orig is not None else str(exc))
    lowered = message.lower()
    if "locked" in lowered or "busy" in lowered:
        advice = "another process holds the database; try again in a moment"
    elif "readonly" in lowered or "read-only" in lowered:
        advice = "the database file is read-only; give the app write access to it and its folder"
    elif "disk" in lowered and "full" in lowered:
        advice = "the disk is full; free space and try again (nothing was saved)"
    elif "disk i/o error" in lowered:
        # What SQLite reports when a write is refused part-way: a full disk or
        # a file-size limit, or a failing disk.
        advice = "the disk may be full or failing; free space or check the disk, then try again (nothing was saved)"
    elif "unable to open" in lowered:
        advice = "the database file cannot be opened; check HCDEV_DATABASE_URL and the folder's permissions"
    else:
        advice = "check the database and try again"
    return f"could not {what}: {message.splitlines()[0]}; {advice}"
