"""What a match produces: fits per role, each explained, plus trust flags."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..config import band_of
from .trust import GOOD_FIT

__all__ = [
    "FLAG_MESSAGES",
    "Assessment",
    "DomainEvidence",
    "RoleFit",
    "SkillMatch",
    "TermContribution",
]

FLAG_MESSAGES: Mapping[str, str] = {
    "too_little_text": "Too little text to judge: the fit rests on a handful of words.",
    "keyword_stuffing": (
        "This text looks gamed: the notes below say how. What was gamed was left out or counted "
        "once, so it buys no fit; a person should read the CV itself."
    ),
    "repeated_keywords": (
        "A keyword list is pasted again and again: it counts once, and listed skills count less than described ones."
    ),
    "spammed_term": "One term is repeated far beyond any real description: it counts at most three times.",
    "posting_in_cv": (
        "Text written as a job posting (addressed to the reader: 'you will', 'we offer', requirements, "
        "benefits) was found inside the CV and left out: it describes a job, not the candidate's experience."
    ),
    "hidden_text": "Hidden text (white, tiny or invisible) was found in the file and left out of the fit.",
    "mostly_listed": (
        "Most skills are listed rather than described: listed skills count less than described ones and show "
        "no work setting. This is a note, not an accusation."
    ),
    "nearly_every_role": (
        f"This text reads as good or strong (a fit of {GOOD_FIT} or more) for nearly every role. Few careers show "
        "every specialism, and a sentence that names a role's skills raises that role's fit: check the evidence "
        "for each role (the must-haves it shows and the passages they come from) before relying on these fits. "
        "This is a note, not an accusation."
    ),
    "scanned_pdf": "Some pages of the PDF have no text layer (scanned?): the fit only covers the text found.",
    "truncated": "The text was longer than 200,000 characters: only the first part was scored.",
}


@dataclass(frozen=True)
class SkillMatch:
    skill: str
    label: str
    tier: str
    strength: float
    listed_only: bool
    snippet: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "skill": self.skill,
            "label": self.label,
            "tier": self.tier,
            "strength": round(self.strength, 3),
            "listed_only": self.listed_only,
            "snippet": self.snippet,
        }


@dataclass(frozen=True)
class TermContribution:
    term: str
    label: str
    contribution: float

    def to_dict(self) -> dict[str, Any]:
        return {"term": self.term, "label": self.label, "contribution": round(self.contribution, 3)}


@dataclass(frozen=True)
class RoleFit:
    """One role's fit (0 to 100) and why."""

    role: str
    label: str
    fit: float
    coverage: float
    matched: tuple[SkillMatch, ...] = ()
    #: Missing skill ids by tier: "must_have" and "nice_to_have".
    missing: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Every term that contributed, largest first; contributions sum to ``fit``.
    terms: tuple[TermContribution, ...] = ()

    @property
    def band(self) -> str:
        return band_of(self.fit)

    def to_dict(self, *, top_terms: int | None = None) -> dict[str, Any]:
        terms = self.terms if top_terms is None else self.terms[:top_terms]
        return {
            "role": self.role,
            "label": self.label,
            "fit": round(self.fit, 1),
            "band": self.band,
            "coverage": round(self.coverage, 4),
            "matched_skills": [m.to_dict() for m in self.matched],
            "missing_skills": {tier: list(ids) for tier, ids in self.missing.items()},
            "top_terms": [t.to_dict() for t in terms],
        }


@dataclass(frozen=True)
class DomainEvidence:
    """How clearly the text is about software work in a healthcare setting."""

    software: float
    healthcare: float
    #: Share of work evidence that is software rather than hands-on care.
    focus: float = 1.0

    @property
    def factor(self) -> float:
        return self.software * self.healthcare * self.focus

    def to_dict(self) -> dict[str, float]:
        return {
            "software": round(self.software, 4),
            "healthcare": round(self.healthcare, 4),
            "focus": round(self.focus, 4),
            "factor": round(self.factor, 4),
        }


@dataclass(frozen=True)
class Assessment:
    """The result of matching one text against every role."""

    catalogue_version: str
    fits: tuple[RoleFit, ...]  # sorted, best first
    flags: tuple[str, ...]
    domain: DomainEvidence
    words: int
    #: Strength in [0, 1] of every catalogue term found: derived data (no CV
    #: text), enough to recompute fits under other weights or what-ifs.
    strengths: Mapping[str, float] = field(default_factory=dict)
    #: Terms seen only in keyword lists: they count towards coverage, not as
    #: evidence of the kind of work (see Matcher.evidence_strengths).
    listed_only: frozenset[str] = frozenset()

    @property
    def best(self) -> RoleFit:
        return self.fits[0]

    def fit_of(self, role: str) -> RoleFit:
        for fit in self.fits:
            if fit.role == role:
                return fit
        raise KeyError(role)

    def to_dict(self, *, top_terms: int | None = None) -> dict[str, Any]:
        return {
            "catalogue_version": self.catalogue_version,
            "flags": list(self.flags),
            "words": self.words,
            "domain": self.domain.to_dict(),
            "fits": [f.to_dict(top_terms=top_terms) for f in self.fits],
        }
