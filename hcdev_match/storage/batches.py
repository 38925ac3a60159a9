"""A recruiter's saved batches: named, listed, reopened on another day, never saved twice.

A batch is saved with its assessments in one transaction, under the legal
basis the recruiter stated (the same rules as any assessment: the CV text
only with consent). Each member keeps what ranks it again (flags and term
strengths), its file name, the other uploads of the same CV and the
recruiter's note; it goes when its assessment is erased or purged. Decisions
stay in the decisions table, read back here as each candidate's history.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from ..errors import StoreError
from .audit import append_audit
from .database import utc_now
from .rows import Scored
from .saving import DECISIONS, Terms, insert_assessments
from .schema import assessments, decisions, recruiter_batch_members, recruiter_batches, users
from .store import Store

__all__ = [
    "BatchMember",
    "DecisionEntry",
    "SavedBatch",
    "decision_history",
    "find_batch",
    "list_batches",
    "load_batch",
    "record_decisions",
    "save_batch",
    "set_note",
    "update_settings",
]


@dataclass(frozen=True)
class SavedBatch:
    id: int
    name: str
    created_at: datetime
    expires_at: datetime
    legal_basis: str
    catalogue_version: str
    settings: Mapping[str, Any]
    size: int


@dataclass(frozen=True)
class BatchMember:
    code: str
    assessment_id: int
    candidate_ref: str
    source: str
    kind: str
    duplicates: tuple[str, ...]
    ranking: Mapping[str, Any]  # flags and term strengths (Ranking.row_of without its code, source, kind)
    note: str
    text: str | None  # the CV text, only where the candidate consented to its keeping


@dataclass(frozen=True)
class DecisionEntry:
    decision: str
    reason: str
    by: str
    at: datetime


def save_batch(
    store: Store,
    *,
    name: str,
    owner: int,
    actor: str,
    legal_basis: str,
    fingerprint: str,
    catalogue_version: str,
    settings: Mapping[str, Any],
    members: Sequence[Mapping[str, Any]],
    batch_assessments: Sequence[Scored],
    cv_texts: Sequence[str | None] | None = None,
    consent: bool = False,
) -> int:
    """Save the batch and its assessments together (all or nothing); refuse one this owner already saved."""
    name = name.strip()
    if not name or len(name) > 100:
        raise StoreError(f"a batch needs a name of 1 to 100 characters, got {len(name)}; name it after the opening")
    if len(members) != len(batch_assessments):
        raise StoreError(f"got {len(members)} members but {len(batch_assessments)} assessments; give one each")
    texts = list(cv_texts) if cv_texts is not None else [None] * len(members)
    terms = Terms(actor=actor, source="recruiter", legal_basis=legal_basis, created_by=owner, consent=consent)
    terms.check(texts)
    existing = find_batch(store, owner=owner, fingerprint=fingerprint)
    if existing is not None:
        raise StoreError(f"this batch is already saved as {existing.name!r}; reopen it instead of saving it again")
    now = utc_now()
    with store.writing(f"save the {len(members)} assessments") as connection:
        batch_id = connection.execute(
            recruiter_batches.insert()
            .values(name=name, created_by=owner, created_at=now, legal_basis=legal_basis, fingerprint=fingerprint,
                    expires_at=now + timedelta(days=store.config.retention_days),
                    catalogue_version=catalogue_version, settings=json.dumps(dict(settings)))
            .returning(recruiter_batches.c.id)
        ).scalar_one()  # fmt: skip
        kept = insert_assessments(connection, store, batch_assessments, replace(terms, batch=f"batch:{batch_id}"),
                                  cv_texts=texts, file_names=[m["source"] for m in members], now=now)  # fmt: skip
        for member, saved in zip(members, kept, strict=True):
            rank = {k: v for k, v in member.items() if k not in ("code", "source", "kind", "duplicates")}
            connection.execute(
                recruiter_batch_members.insert().values(
                    batch_id=batch_id, code=member["code"], assessment_id=saved.id, source=member["source"][:300],
                    kind=member["kind"], duplicates=json.dumps(list(member.get("duplicates", ()))),
                    ranking=json.dumps(rank),
                )
            )  # fmt: skip
        append_audit(connection, actor, "saved_batch", f"batch:{batch_id}", f"{len(members)} candidates", now=now)
    return int(batch_id)


def find_batch(store: Store, *, owner: int, fingerprint: str) -> SavedBatch | None:
    """The owner's saved batch of exactly these CVs, if there is one."""
    found = [b for b in list_batches(store, owner=owner, fingerprint=fingerprint)]
    return found[0] if found else None


def list_batches(store: Store, *, owner: int, fingerprint: str | None = None) -> list[SavedBatch]:
    """The owner's batches that still hold a candidate, newest first."""
    size = sa.func.count(recruiter_batch_members.c.code)
    query = (
        sa.select(recruiter_batches, size.label("size"))
        .join(recruiter_batch_members, recruiter_batch_members.c.batch_id == recruiter_batches.c.id)
        .where(recruiter_batches.c.created_by == owner)
        .group_by(recruiter_batches.c.id)
        .order_by(recruiter_batches.c.created_at.desc(), recruiter_batches.c.id.desc())
    )
    if fingerprint is not None:
        query = query.where(recruiter_batches.c.fingerprint == fingerprint)
    with store.reading("list the saved batches") as connection:
        rows = connection.execute(query).mappings().all()
    return [_batch(row) for row in rows]


def load_batch(store: Store, batch_id: int, *, owner: int) -> tuple[SavedBatch, list[BatchMember]]:
    """A saved batch and its members in code order; only its owner may open it."""
    m, a = recruiter_batch_members, assessments
    with store.reading("open the saved batch") as connection:
        batches = [b for b in list_batches(store, owner=owner) if b.id == batch_id]
        if not batches:
            raise StoreError(f"batch {batch_id} is not one of your saved batches (expired, erased or another's)")
        rows = connection.execute(
            sa.select(m, a.c.candidate_ref, a.c.cv_text)
            .join(a, a.c.id == m.c.assessment_id)
            .where(m.c.batch_id == batch_id)
            .order_by(m.c.code)
        ).mappings()
        members = [
            BatchMember(row["code"], int(row["assessment_id"]), row["candidate_ref"], row["source"], row["kind"],
                        tuple(json.loads(row["duplicates"])), json.loads(row["ranking"]), row["note"], row["cv_text"])
            for row in rows
        ]  # fmt: skip
    return batches[0], members


def update_settings(store: Store, batch_id: int, settings: Mapping[str, Any], *, owner: int) -> None:
    """Keep the batch's latest roles, weights, required skills and blind setting."""
    with store.writing("keep the batch's settings") as connection:
        connection.execute(
            recruiter_batches.update()
            .where(recruiter_batches.c.id == batch_id, recruiter_batches.c.created_by == owner)
            .values(settings=json.dumps(dict(settings)))
        )


def set_note(store: Store, batch_id: int, code: str, note: str, *, actor: str) -> None:
    """The recruiter's note on one candidate of a saved batch (replaces the last one)."""
    if len(note) > 4000:
        raise StoreError(f"a note holds at most 4000 characters, got {len(note)}; shorten it")
    with store.writing("keep the note") as connection:
        done = connection.execute(
            recruiter_batch_members.update()
            .where(recruiter_batch_members.c.batch_id == batch_id, recruiter_batch_members.c.code == code)
            .values(note=note)
        ).rowcount
        if not done:
            raise StoreError(f"{code} is not in this saved batch any more (erased or purged?)")
        append_audit(connection, actor, "noted", f"batch:{batch_id}", code)


def record_decisions(
    store: Store, assessment_ids: Sequence[int], *, user_id: int, actor: str, decision: str, reason: str
) -> None:
    """Record one decision for several assessments in one transaction: all of them, or none."""
    if decision not in DECISIONS:
        raise StoreError(f"decision {decision!r} is not one of {list(DECISIONS)}")
    if not reason.strip():
        raise StoreError("a decision needs a reason; write one sentence on why")
    if not assessment_ids:
        raise StoreError("no candidate is selected; select the candidates the decision is for")
    now = utc_now()
    with store.writing(f"record the decision for {len(assessment_ids)}") as connection:
        found = set(
            connection.execute(sa.select(assessments.c.id).where(assessments.c.id.in_(assessment_ids))).scalars()
        )
        if missing := [i for i in assessment_ids if i not in found]:
            raise StoreError(f"assessment(s) {missing} do not exist (erased or purged?); nothing was recorded")
        connection.execute(
            decisions.insert(),
            [{"assessment_id": i, "user_id": user_id, "decision": decision, "reason": reason, "created_at": now}
             for i in assessment_ids],
        )  # fmt: skip
        for i in assessment_ids:
            append_audit(connection, actor, "decided", f"assessment:{i}", decision, now=now)


def decision_history(store: Store, assessment_ids: Sequence[int]) -> dict[int, list[DecisionEntry]]:
    """Each assessment's decisions, oldest first (the last is the current one), with who took them."""
    d = decisions
    query = (
        sa.select(d.c.assessment_id, d.c.decision, d.c.reason, d.c.created_at, users.c.name)
        .join(users, users.c.id == d.c.user_id, isouter=True)
        .where(d.c.assessment_id.in_(list(assessment_ids)))
        .order_by(d.c.created_at, d.c.id)
    )
    history: dict[int, list[DecisionEntry]] = {i: [] for i in assessment_ids}
    with store.reading("read the decisions") as connection:
        for row in connection.execute(query).mappings():
            entry = DecisionEntry(row["decision"], row["reason"], row["name"] or "a removed user", row["created_at"])
            history[int(row["assessment_id"])].append(entry)
    return history


def _batch(row: Mapping[Any, Any]) -> SavedBatch:
    return SavedBatch(int(row["id"]), row["name"], row["created_at"], row["expires_at"], row["legal_basis"],
                      row["catalogue_version"], json.loads(row["settings"]), int(row["size"]))  # fmt: skip
