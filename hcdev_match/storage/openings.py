"""The opening saved assessments were ranked against: its title, profile and text hash, and each fit to it.

Kept beside the assessments they belong to (``assessment_openings``, one row
per assessment), under the same legal basis and retention; erasure, purge
and access requests treat them as part of the assessment. The posting's text
is never kept: its SHA-256 says which posting it was.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..errors import StoreError
from .guard import guarded
from .schema import assessment_openings

if TYPE_CHECKING:
    from .store import Store

__all__ = ["load_openings", "save_openings"]


def save_openings(
    store: Store, assessment_ids: Sequence[int], opening: Mapping[str, Any], fits: Sequence[float]
) -> None:
    """Keep the opening (``Opening.to_dict()``) and each saved assessment's fit to it, all or none."""
    if len(assessment_ids) != len(fits):
        raise StoreError(
            f"{len(assessment_ids)} assessments but {len(fits)} opening fits; give one fit per saved assessment"
        )
    if not assessment_ids:
        return
    stored = json.dumps(dict(opening), sort_keys=True, ensure_ascii=False)
    rows = [
        {
            "assessment_id": int(i),
            "title": str(opening["title"])[:200],
            "text_hash": str(opening["text_hash"]),
            "opening": stored,
            "fit": float(fit),
        }
        for i, fit in zip(assessment_ids, fits, strict=True)
    ]
    with guarded(store.engine, "save the opening with the assessments", write=True) as connection:
        connection.execute(assessment_openings.insert(), rows)


def load_openings(store: Store, assessment_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Each given assessment's opening, with its fit under ``"fit"`` (assessments saved without one are left out)."""
    if not assessment_ids:
        return {}
    with guarded(store.engine, "read the openings of the assessments") as connection:
        rows = connection.execute(
            sa.select(assessment_openings).where(assessment_openings.c.assessment_id.in_(list(assessment_ids)))
        ).mappings()
        return {int(r["assessment_id"]): {**json.loads(r["opening"]), "fit": float(r["fit"])} for r in rows}
