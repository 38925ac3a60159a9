"""Keeping assessments: save one or a batch (with a legal basis, never a default one), decide, read back.

Only derived data is kept by default (fits, skill ids, flags); the raw CV
text is kept only with explicit consent. Every assessment carries its legal
basis and the expiry it was saved with.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..errors import StoreError
from .audit import append_audit
from .database import utc_now
from .rows import Provenance, Record, Scored, Scores, insert_records
from .schema import assessments, decisions

if TYPE_CHECKING:
    from .store import Store

__all__ = [
    "DECISIONS",
    "LEGAL_BASES",
    "SOURCES",
    "SavedAssessment",
    "Terms",
    "assessment_ids",
    "count_assessments",
    "get_assessment",
    "hash_erase_code",
    "insert_assessments",
    "record_decision",
    "save_assessments",
]

#: Why an assessment may be kept (GDPR Art. 6 terms, as a recruiter states them).
LEGAL_BASES: dict[str, str] = {
    "consent": "the candidate consented",
    "contract": "steps the candidate asked for before a contract (their application)",
    "legitimate_interest": "legitimate interest in filling the opening, balanced against the candidate's",
}
DECISIONS = ("shortlist", "hold", "reject")
SOURCES = ("recruiter", "candidate", "demo")


@dataclass(frozen=True)
class SavedAssessment:
    id: int
    candidate_ref: str
    expires_at: datetime
    #: Shown once to a candidate who saved their own result: erases it later.
    erase_code: str | None = None


@dataclass(frozen=True, kw_only=True)
class Terms:
    """On what terms a save keeps assessments: who, from where, why, and with what consent."""

    actor: str
    source: str
    legal_basis: str
    created_by: int | None = None
    batch: str | None = None
    consent: bool = False
    #: Generated data (demo rows are counted apart by HR and marked as demo).
    demo: bool = False

    def check(self, cv_texts: Sequence[str | None]) -> None:
        """Refuse terms the law or the schema does not allow, before anything is written."""
        if self.legal_basis not in LEGAL_BASES:
            raise StoreError(f"legal basis {self.legal_basis!r} is not known; choose one of {sorted(LEGAL_BASES)}")
        if self.consent and self.legal_basis != "consent":
            raise StoreError(
                f"a consent time is recorded only under the consent basis, not {self.legal_basis!r}; "
                "choose consent if the candidate gave it, or save without consent"
            )
        if self.legal_basis == "consent" and not self.consent:
            raise StoreError("the consent basis needs the candidate's consent; confirm it or choose another basis")
        if self.source not in SOURCES:
            raise StoreError(f"source {self.source!r} is not known; use one of {list(SOURCES)}")
        if not self.consent and any(text is not None for text in cv_texts):
            raise StoreError("the CV text is kept only with the candidate's explicit consent; tick consent or omit it")


def save_assessments(
    store: Store,
    scored: Sequence[Scored],
    terms: Terms,
    *,
    cv_texts: Sequence[str | None] | None = None,
    file_names: Sequence[str | None] | None = None,
    candidate_ref: str | None = None,
    with_erase_code: bool = False,
    now: datetime | None = None,
) -> list[SavedAssessment]:
    """Keep assessments in one transaction: all of them are saved, or none.

    A full disk, a lock held too long or a killed server part-way through
    leaves no half batch behind, so saving again after the fault is safe.
    ``candidate_ref`` and ``with_erase_code`` are for a single assessment.
    """
    texts = list(cv_texts) if cv_texts is not None else [None] * len(scored)
    if len(texts) != len(scored):
        raise StoreError(f"got {len(scored)} assessments but {len(texts)} CV texts; give one text (or None) each")
    names = list(file_names) if file_names is not None else [None] * len(scored)
    if len(names) != len(scored):
        raise StoreError(f"got {len(scored)} assessments but {len(names)} file names; give one each")
    terms.check(texts)
    what = "save the assessment" if len(scored) == 1 else f"save the {len(scored)} assessments"
    with store.writing(what) as connection:
        return insert_assessments(
            connection, store, scored, terms, cv_texts=texts, file_names=names, candidate_ref=candidate_ref,
            with_erase_code=with_erase_code, now=now,
        )  # fmt: skip


def insert_assessments(
    connection: Connection,
    store: Store,
    scored: Sequence[Scored],
    terms: Terms,
    *,
    cv_texts: Sequence[str | None],
    file_names: Sequence[str | None] | None = None,
    candidate_ref: str | None = None,
    with_erase_code: bool = False,
    now: datetime | None = None,
) -> list[SavedAssessment]:
    """Insert checked assessments (see :meth:`Terms.check`) and their audit entries in the caller's transaction."""
    texts = list(cv_texts)
    names = list(file_names) if file_names is not None else [None] * len(scored)
    now = now or utc_now()
    made = Provenance(
        source=terms.source,
        legal_basis=terms.legal_basis,
        created_at=now,
        expires_at=now + timedelta(days=store.config.retention_days),
        created_by=terms.created_by,
        batch=terms.batch,
        consent_at=now if terms.consent else None,
        demo=terms.demo,
    )
    codes = [secrets.token_urlsafe(12) if with_erase_code else None for _ in scored]
    refs = [candidate_ref or "c-" + secrets.token_hex(8) for _ in scored]
    records = [
        Record(
            scores=Scores.of(assessment),
            provenance=made,
            candidate_ref=ref,
            cv_text=text,
            erase_code_hash=hash_erase_code(code) if code else None,
            file_name=name,
        )
        for assessment, text, ref, code, name in zip(scored, texts, refs, codes, names, strict=True)
    ]
    ids = insert_records(connection, records)
    for assessment_id in ids:
        append_audit(connection, terms.actor, "saved", f"assessment:{assessment_id}", f"source={terms.source}",
                     now=now)  # fmt: skip
    return [SavedAssessment(i, ref, made.expires_at, code) for i, ref, code in zip(ids, refs, codes, strict=True)]


def record_decision(store: Store, assessment_id: int, *, user_id: int, actor: str, decision: str, reason: str) -> int:
    """Record what a person decided about an assessment, and why."""
    if decision not in DECISIONS:
        raise StoreError(f"decision {decision!r} is not one of {list(DECISIONS)}")
    if not reason.strip():
        raise StoreError("a decision needs a reason; write one sentence on why")
    now = utc_now()
    with store.writing("record the decision") as connection:
        if connection.execute(sa.select(assessments.c.id).where(assessments.c.id == assessment_id)).first() is None:
            raise StoreError(f"assessment {assessment_id} does not exist (erased or purged?)")
        decision_id = connection.execute(
            decisions.insert()
            .values(assessment_id=assessment_id, user_id=user_id, decision=decision, reason=reason, created_at=now)
            .returning(decisions.c.id)
        ).scalar_one()
        append_audit(connection, actor, "decided", f"assessment:{assessment_id}", decision, now=now)
    return int(decision_id)


def get_assessment(store: Store, assessment_id: int) -> dict[str, Any] | None:
    with store.reading("read the assessment") as connection:
        row = connection.execute(sa.select(assessments).where(assessments.c.id == assessment_id)).mappings().first()
        return dict(row) if row else None


def count_assessments(store: Store) -> int:
    with store.reading("count the assessments") as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(assessments)).scalar_one())


def assessment_ids(store: Store) -> list[int]:
    with store.reading("list the assessments") as connection:
        return [int(i) for i in connection.execute(sa.select(assessments.c.id).order_by(assessments.c.id)).scalars()]


def hash_erase_code(code: str) -> str:
    """What is kept of an erase code: its SHA-256 (the code itself is shown once, kept nowhere)."""
    return hashlib.sha256(code.encode()).hexdigest()
