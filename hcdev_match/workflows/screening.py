"""The recruiter's batch: the capped intake, duplicate CVs found once, and the opening's settings.

``read_screening`` reads a batch through the one intake (``documents.intake``,
which holds the caps) and then keeps one candidate per distinct CV: the same
text uploaded as a PDF, a DOCX and a TXT is one person, whatever the file
names say. ``Settings`` is what a recruiter chose for the opening (roles,
weights, required skills, blind review); it is saved with a batch and
restored with it.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..catalogue.model import Catalogue
from ..config import DEFAULT_TIER_WEIGHTS
from ..documents.document import DocumentLimits, DocumentReader
from ..documents.intake import BatchLimits, Content, UploadItem, read_batch
from ..errors import HcdevMatchError
from ..scoring.matcher import Matcher
from .ranking import Ranking

__all__ = [
    "WEIGHTED_TIERS",
    "Screening",
    "Settings",
    "SettingsError",
    "batch_fingerprint",
    "read_screening",
    "resolve_skills",
    "suggest_skills",
    "text_fingerprint",
    "upload_label",
]

#: The tiers a recruiter weighs on the page (role keywords keep their default weight).
WEIGHTED_TIERS: tuple[str, ...] = ("must_have", "nice_to_have", "general", "future")


class SettingsError(HcdevMatchError):
    """Settings that cannot rank anything (every weight at 0)."""


@dataclass(frozen=True, kw_only=True)
class Settings:
    """What a recruiter chose for an opening; saved with a batch and restored with it."""

    roles: tuple[str, ...] = ()
    weights: Mapping[str, float] = field(default_factory=lambda: {t: DEFAULT_TIER_WEIGHTS[t] for t in WEIGHTED_TIERS})
    required: tuple[str, ...] = ()
    blind: bool = True

    def tier_weights(self) -> dict[str, float]:
        """The weights the ranking uses; refuses all four at 0, where no skill would count at all.

        (At 0 each, the role keywords alone would still give fits up to 68: a
        number that says nothing the recruiter asked for.)
        """
        if all(float(self.weights.get(t, 0.0)) <= 0 for t in WEIGHTED_TIERS):
            raise SettingsError(
                "every kind of skill is weighted 0, so no skill would count and the fits would mean nothing; "
                "raise at least one weight above 0"
            )
        return {**DEFAULT_TIER_WEIGHTS, **{t: float(self.weights.get(t, 0.0)) for t in WEIGHTED_TIERS}}

    def key(self) -> str:
        """The settings as one string: what orders the table."""
        return json.dumps(self.to_dict(), sort_keys=True)

    def to_dict(self) -> dict[str, Any]:
        return {"roles": list(self.roles), "weights": dict(self.weights), "required": list(self.required),
                "blind": self.blind}  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Settings:
        default = cls()
        weights = data.get("weights") or default.weights
        return cls(
            roles=tuple(str(r) for r in data.get("roles", ())),
            weights={t: float(weights.get(t, default.weights[t])) for t in WEIGHTED_TIERS},
            required=tuple(str(s) for s in data.get("required", ())),
            blind=bool(data.get("blind", True)),
        )


@dataclass(frozen=True)
class Screening:
    """A batch as read and de-duplicated: one ranking row per distinct CV."""

    ranking: Ranking
    #: Candidate code -> the other uploads holding the same CV (shown once, under that code).
    duplicates: Mapping[str, tuple[str, ...]]
    #: One fingerprint per candidate, in the ranking's order.
    fingerprints: tuple[str, ...]
    note: str | None = None  # what the caps left unread

    @property
    def fingerprint(self) -> str:
        return batch_fingerprint(self.fingerprints)

    @property
    def duplicate_count(self) -> int:
        return sum(len(d) for d in self.duplicates.values())


def upload_label(limits: DocumentLimits, batch: BatchLimits) -> str:
    """The uploader's label, its caps phrased from the configs that hold them."""
    return (
        f"CVs: PDF, DOCX, TXT or MD files, a ZIP of them, or a CSV with id and text columns (up to {batch.max_files} "
        f"CVs, {limits.max_bytes // 2**20} MB a file, {batch.max_bytes // 2**20} MB in all as ZIPs expand)"
    )


def text_fingerprint(text: str) -> str:
    """The same CV gives the same fingerprint however it was saved: its words, case-folded, in order."""
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())
    return hashlib.sha256(" ".join(words).encode()).hexdigest()


def batch_fingerprint(fingerprints: Sequence[str]) -> str:
    """A batch's identity: the set of its distinct CVs, whatever their order or file names."""
    return hashlib.sha256("\n".join(sorted(set(fingerprints))).encode()).hexdigest()


def read_screening(
    matcher: Matcher,
    files: Sequence[tuple[str, Content]],
    *,
    limits: DocumentLimits,
    batch: BatchLimits,
    progress: Callable[[float, int], None] | None = None,
    reader: DocumentReader | None = None,
) -> Screening:
    """Read a batch (capped by ``batch``), keep each distinct CV once, and score it.

    ``reader`` is the caller's long-lived parser processes (its limits must be ``limits``); without one,
    the batch starts its own.
    """
    intake = read_batch(files, limits=limits, batch=batch, progress=progress, reader=reader)
    kept: list[UploadItem] = []
    first: dict[str, int] = {}  # fingerprint -> its position among the readable items
    extra: dict[int, list[str]] = {}
    for item in intake.items:
        if item.document is None:
            kept.append(item)
            continue
        key = text_fingerprint(item.document.text)
        if key in first:
            extra.setdefault(first[key], []).append(item.name)
            continue
        first[key] = len(first)
        kept.append(item)
    ranking = Ranking(matcher, kept)
    duplicates = {ranking.ids[n]: tuple(names) for n, names in extra.items()}
    return Screening(ranking, duplicates, tuple(first), intake.note)


def resolve_skills(catalogue: Catalogue, typed: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Skill ids for a comma-separated list of names: exact names or aliases only (case aside).

    Returns (ids found, names not found). "FHIR" is FHIR, never every skill
    whose name happens to contain those letters.
    """
    names: dict[str, str] = {}
    for skill_id, skill in catalogue.skills.items():
        for name in (skill.label, skill_id, *skill.aliases):
            names.setdefault(name.strip().casefold(), skill_id)
    found: list[str] = []
    unknown: list[str] = []
    for part in typed.split(","):
        wanted = part.strip()
        if not wanted:
            continue
        match = names.get(wanted.casefold())
        if match is None:
            unknown.append(wanted)
        elif match not in found:
            found.append(match)
    return tuple(found), tuple(unknown)


def suggest_skills(catalogue: Catalogue, name: str) -> list[str]:
    """Up to three skill names close to one that is not in the catalogue."""
    labels = [s.label for s in catalogue.skills.values()]
    return difflib.get_close_matches(name, labels, n=3, cutoff=0.5)
