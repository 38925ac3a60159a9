"""What an opening is, and what a fit to it says: the types scoring/opening.py makes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ..config import band_of
from .assessment import SkillMatch, TermContribution

__all__ = ["Opening", "OpeningConfig", "OpeningFit", "saved_opening"]


@dataclass(frozen=True, kw_only=True)
class OpeningConfig:
    """How a posting's parts weigh in its profile (module docs); its required skills weigh as
    must-haves and its preferred ones as nice-to-haves, under the tier weights in use."""

    #: Share of the closest role's own tier weights standing under the posting's.
    role_blend: float = 1.0
    #: Power of a term's share of role weight in the closest role (0: not weighed by it).
    specificity: float = 0.5
    #: How many closest roles an opening names.
    closest_roles: int = 3
    #: Power of the domain factor in an opening fit (1: as in a role fit). A posting says what it asks
    #: for, so coverage of its profile carries more of the verdict than coverage of a role's catalogue
    #: list; the factor is the role fit's, and a text with no software or healthcare evidence still fits 0.
    domain_weight: float = 0.5
    #: Catalogue categories whose skills a posting asking for them adds no weight to (communication,
    #: problem solving: every kind of work asks for them, so they tell no opening apart); they
    #: still stand in its required and preferred lists, matched or missing, for a person to read.
    unweighed_categories: tuple[str, ...] = ("general",)

    def __post_init__(self) -> None:
        if not 0 <= self.domain_weight <= 1:
            raise ValueError(f"domain_weight must be from 0 to 1 (1: as in a role fit), got {self.domain_weight}")


@dataclass(frozen=True)
class Opening:
    """A job posting as the matcher sees it (derived data: no posting text is kept)."""

    title: str
    #: SHA-256 of the posting text, to tell which posting a stored fit was made against.
    text_hash: str
    catalogue_version: str
    required: tuple[str, ...]
    preferred: tuple[str, ...]
    #: Healthcare terms the posting names (its setting: FHIR, clinical, patients ...).
    context: tuple[str, ...]
    #: Closest catalogue roles and how much of each role's profile the posting covers (0..1), closest first.
    closest: tuple[tuple[str, float], ...]
    #: Weight of each term in the profile.
    profile: Mapping[str, float] = field(default_factory=dict)
    #: Tool-like words of the requirements the catalogue does not know: a person reads them.
    not_matched: tuple[str, ...] = ()
    #: Words of boilerplate (benefits, salary, equal opportunity, how to apply) left out.
    ignored_words: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "text_hash": self.text_hash,
            "catalogue_version": self.catalogue_version,
            "required": list(self.required),
            "preferred": list(self.preferred),
            "context": list(self.context),
            "closest_roles": [[role, round(share, 4)] for role, share in self.closest],
            "profile": {t: round(w, 6) for t, w in sorted(self.profile.items())},
            "not_matched": list(self.not_matched),
            "ignored_words": self.ignored_words,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Opening:
        """The opening :meth:`to_dict` wrote (as stored with an assessment)."""
        return cls(
            title=str(data["title"]),
            text_hash=str(data["text_hash"]),
            catalogue_version=str(data["catalogue_version"]),
            required=tuple(data["required"]),
            preferred=tuple(data["preferred"]),
            context=tuple(data["context"]),
            closest=tuple((str(r), float(f)) for r, f in data["closest_roles"]),
            profile=MappingProxyType({str(t): float(w) for t, w in data["profile"].items()}),
            not_matched=tuple(data["not_matched"]),
            ignored_words=int(data["ignored_words"]),
        )


def saved_opening(
    stored: Mapping[int, Mapping[str, Any]], assessment_ids: Sequence[int]
) -> tuple[Opening, dict[int, float]] | None:
    """The opening a saved batch was ranked against, and each assessment's saved fit to it, from what
    ``storage.openings.load_openings`` reads; None unless every assessment was saved with one and the
    same opening (a batch saved without one, or a mix, has none to restore)."""
    if not assessment_ids or any(i not in stored for i in assessment_ids):
        return None
    kept = [{k: v for k, v in stored[i].items() if k != "fit"} for i in assessment_ids]
    if any(k != kept[0] for k in kept):
        return None
    return Opening.from_dict(kept[0]), {i: float(stored[i]["fit"]) for i in assessment_ids}


@dataclass(frozen=True)
class OpeningFit:
    """One text's fit (0 to 100) to an opening, and why."""

    title: str
    fit: float
    coverage: float
    #: Required and preferred skills the text shows (tier "required" or "preferred"), with snippets.
    matched: tuple[SkillMatch, ...]
    #: Skills the posting names that the text does not show: "required" and "preferred".
    missing: Mapping[str, tuple[str, ...]]
    #: Every term that contributed, largest first; contributions sum to ``fit``.
    terms: tuple[TermContribution, ...]
    #: The posting's terms the catalogue does not know: "not matched automatically".
    not_matched: tuple[str, ...] = ()

    @property
    def band(self) -> str:
        return band_of(self.fit)

    @property
    def matched_ids(self) -> list[str]:
        return [m.skill for m in self.matched]

    @property
    def missing_ids(self) -> list[str]:
        """Missing skill ids, the required ones first."""
        return list(self.missing.get("required", ())) + list(self.missing.get("preferred", ()))

    def summary(self) -> dict[str, Any]:
        """What a CLI result or an export carries: title, fit, matched and missing skill ids."""
        return {
            "title": self.title,
            "fit": round(self.fit, 1),
            "matched": self.matched_ids,
            "missing": self.missing_ids,
        }

    def to_dict(self, *, top_terms: int | None = None) -> dict[str, Any]:
        terms = self.terms if top_terms is None else self.terms[:top_terms]
        return {
            **self.summary(),
            "band": self.band,
            "coverage": round(self.coverage, 4),
            "matched_skills": [m.to_dict() for m in self.matched],
            "missing_skills": {tier: list(ids) for tier, ids in self.missing.items()},
            "top_terms": [t.to_dict() for t in terms],
            "not_matched_automatically": list(self.not_matched),
        }
