"""The one row builder: what an assessment leaves in the database, for saved and demo assessments alike.

An assessment is one ``assessments`` row, one ``assessment_fits`` row per
role and one ``assessment_skills`` row per skill shown; the fit and skill
rows carry copies of the month, source and best role so that reports need
no join (schema version 3). Storage reads an assessment through the
:class:`Scored` protocol, so it never imports the scoring code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.engine import Connection

from .schema import assessment_fits, assessment_skills, assessments

__all__ = ["Provenance", "Record", "Scored", "Scores", "insert_records"]


class _Match(Protocol):
    @property
    def skill(self) -> str: ...
    @property
    def strength(self) -> float: ...


class _Fit(Protocol):
    @property
    def role(self) -> str: ...
    @property
    def fit(self) -> float: ...
    @property
    def matched(self) -> Sequence[_Match]: ...
    @property
    def missing(self) -> Mapping[str, Sequence[str]]: ...


class Scored(Protocol):
    """What storage reads of an assessment (``scoring.assessment.Assessment`` has it)."""

    @property
    def catalogue_version(self) -> str: ...
    @property
    def fits(self) -> Sequence[_Fit]: ...
    @property
    def flags(self) -> Sequence[str]: ...


@dataclass(frozen=True, kw_only=True)
class Scores:
    """What is kept of a scored CV: derived data only, never its text."""

    catalogue_version: str
    #: Fit per role.
    fits: Mapping[str, float]
    best_role: str
    missing_must_have: Mapping[str, Sequence[str]] = field(default_factory=dict)
    #: Strength in [0, 1] of each skill the text shows.
    skills: Mapping[str, float] = field(default_factory=dict)
    flags: Sequence[str] = ()

    @classmethod
    def of(cls, assessment: Scored) -> Scores:
        """The scores of an assessment (its fits come best first)."""
        return cls(
            catalogue_version=assessment.catalogue_version,
            fits={fit.role: fit.fit for fit in assessment.fits},
            best_role=assessment.fits[0].role,
            missing_must_have={fit.role: tuple(fit.missing.get("must_have", ())) for fit in assessment.fits},
            skills={m.skill: m.strength for fit in assessment.fits for m in fit.matched},
            flags=tuple(assessment.flags),
        )


@dataclass(frozen=True, kw_only=True)
class Provenance:
    """Where an assessment comes from, why it may be kept, and until when."""

    source: str
    legal_basis: str
    created_at: datetime
    expires_at: datetime
    created_by: int | None = None
    batch: str | None = None
    consent_at: datetime | None = None
    demo: bool = False


@dataclass(frozen=True, kw_only=True)
class Record:
    """One assessment to insert: its scores, its provenance, and how it is found again."""

    scores: Scores
    provenance: Provenance
    candidate_ref: str
    cv_text: str | None = None
    erase_code_hash: str | None = None
    #: The uploaded file's name, kept for privacy requests ("the CV I sent as jane.pdf").
    file_name: str | None = None


def insert_records(connection: Connection, records: Sequence[Record]) -> list[int]:
    """Insert assessments with their fit and skill rows, in the caller's transaction; their ids, in order."""
    if not records:
        return []
    inserted = connection.execute(
        assessments.insert().returning(assessments.c.id, sort_by_parameter_order=True),
        [_assessment_row(record) for record in records],
    )
    ids = [int(row[0]) for row in inserted]
    fit_rows: list[dict[str, Any]] = []
    skill_rows: list[dict[str, Any]] = []
    for assessment_id, record in zip(ids, records, strict=True):
        scores, made = record.scores, record.provenance
        reporting = {"created_at": made.created_at, "source": made.source, "best_role": scores.best_role,
                     "demo": made.demo}  # fmt: skip
        fit_rows += [
            {
                "assessment_id": assessment_id,
                "role": role,
                "fit": round(fit, 2),
                "missing_must_have": ";".join(scores.missing_must_have.get(role, ())),
                **reporting,
            }
            for role, fit in scores.fits.items()
        ]
        skill_rows += [
            {"assessment_id": assessment_id, "skill": skill, "strength": round(strength, 3), **reporting}
            for skill, strength in sorted(scores.skills.items())
        ]
    connection.execute(assessment_fits.insert(), fit_rows)
    if skill_rows:
        connection.execute(assessment_skills.insert(), skill_rows)
    return ids


def _assessment_row(record: Record) -> dict[str, Any]:
    scores, made = record.scores, record.provenance
    return {
        "candidate_ref": record.candidate_ref,
        "created_at": made.created_at,
        "created_by": made.created_by,
        "source": made.source,
        "batch": made.batch,
        "best_role": scores.best_role,
        "best_fit": round(scores.fits[scores.best_role], 2),
        "flags": ";".join(scores.flags),
        "catalogue_version": scores.catalogue_version,
        "legal_basis": made.legal_basis,
        "consent_at": made.consent_at,
        "expires_at": made.expires_at,
        "cv_text": record.cv_text,
        "erase_code_hash": record.erase_code_hash,
        "demo": made.demo,
        "file_name": record.file_name[:255] if record.file_name else None,
    }
