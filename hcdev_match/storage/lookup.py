"""Finding a candidate for a privacy request: by reference, by batch and file, or by their own erase code.

A candidate rarely knows the opaque reference the store gives them: a
recruiter's candidate is known by the batch and the file the CV came in,
and a candidate who saved their own result holds the erase code they were
shown. Each look-up is written to the audit log, naming the assessments it
found by id (never the reference, the file name or the code).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..errors import StoreError
from .audit import append_audit, assessment_target
from .saving import hash_erase_code
from .schema import assessments, recruiter_batches, users
from .store import Store

__all__ = ["Batch", "Found", "find_by_batch_and_file", "find_by_erase_code", "find_by_reference", "list_batches"]


@dataclass(frozen=True)
class Found:
    """One stored assessment that a look-up found (what a person needs to tell two apart)."""

    assessment_id: int
    candidate_ref: str
    saved_at: datetime  # UTC, without a zone (as stored)
    source: str
    batch: str | None
    file_name: str | None
    best_role: str
    saved_by: str | None  # the account's name; None for a candidate's own save


@dataclass(frozen=True)
class Batch:
    name: str  # as the assessments hold it ("batch:12" for a recruiter's named batch)
    first_saved: datetime
    assessments: int
    saved_by: str | None
    label: str  # the name the recruiter gave it, where they did


def list_batches(store: Store) -> list[Batch]:
    """The saved batches, newest first (for choosing one)."""
    query = (
        sa.select(assessments.c.batch, sa.func.min(assessments.c.created_at), sa.func.count(),
                  sa.func.min(users.c.name))
        .select_from(assessments.outerjoin(users, users.c.id == assessments.c.created_by))
        .where(assessments.c.batch.is_not(None))
        .group_by(assessments.c.batch)
        .order_by(sa.func.min(assessments.c.created_at).desc())
    )  # fmt: skip
    with store.reading("list the saved batches") as connection:
        rows = connection.execute(query).all()
        batches = connection.execute(sa.select(recruiter_batches.c.id, recruiter_batches.c.name))
        named = {f"batch:{i}": str(n) for i, n in batches}
    return [Batch(str(b), when, int(n), who, named.get(str(b), str(b))) for b, when, n, who in rows]


def find_by_reference(store: Store, reference: str, *, actor: str) -> list[Found]:
    return _find(store, assessments.c.candidate_ref == reference.strip(), actor=actor, how="by reference")


def find_by_batch_and_file(store: Store, batch: str, file_name: str, *, actor: str) -> list[Found]:
    """The assessments of ``batch`` whose file name contains ``file_name`` (any case; all of the batch if empty)."""
    condition = assessments.c.batch == batch
    if file_name.strip():
        pattern = "%" + file_name.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        condition = sa.and_(condition, sa.func.lower(assessments.c.file_name).like(pattern, escape="\\"))
    return _find(store, condition, actor=actor, how="by batch and file")


def find_by_erase_code(store: Store, code: str, *, actor: str) -> list[Found]:
    """The result a candidate saved, found with the erase code they were shown (it is stored only hashed)."""
    if not code.strip():
        raise StoreError("type the erase code the candidate was shown when they saved their result")
    return _find(
        store, assessments.c.erase_code_hash == hash_erase_code(code.strip()), actor=actor, how="by erase code"
    )


def _find(store: Store, condition: sa.ColumnElement[bool], *, actor: str, how: str) -> list[Found]:
    query = (
        sa.select(assessments.c.id, assessments.c.candidate_ref, assessments.c.created_at, assessments.c.source,
                  assessments.c.batch, assessments.c.file_name, assessments.c.best_role, users.c.name)
        .select_from(assessments.outerjoin(users, users.c.id == assessments.c.created_by))
        .where(condition)
        .order_by(assessments.c.id)
        .limit(500)
    )  # fmt: skip
    with store.writing("look the candidate up") as connection:
        found = [Found(int(row[0]), *row[1:]) for row in connection.execute(query)]
        append_audit(connection, actor, "looked_up", assessment_target([f.assessment_id for f in found]),
                     f"{how}: {len(found)} found")  # fmt: skip
    return found
