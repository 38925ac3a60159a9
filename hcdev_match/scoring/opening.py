"""Openings: a recruiter's own job posting as a profile, and a CV's fit to it.

An :class:`Opening` is a posting read by text/opening.py: the catalogue
skills it requires and prefers, and from them a profile over the matcher's
term space, weighed like a role's (tier weight x reference idf x
specificity x healthcare boost), required skills as must-haves and
preferred ones as nice-to-haves. The profile of the closest catalogue role
stands under it, so that an opening naming few skills still knows what its
kind of work looks like; and each term is weighed by the share of its role
weight that belongs to that closest role, so that what every kind of
healthcare work shares (HIPAA, Python) tells openings apart less than what
only this kind has (DICOM for imaging, SMART on FHIR for EHR work). The
general professional skills a posting asks for (communication, problem
solving) stand in its lists but add no weight: every kind of work asks them.

The fit to an opening is the role fit's formula with the opening's profile
in place of a role's: the same strengths, the same domain factor (software x
healthcare x focus, read from the CV) and the same calibration. Full
coverage is the whole profile (a posting names what it asks for; a role's
list of everything its specialists might use is cut to its heaviest terms),
and for the same reason the domain factor weighs as its square root
(``OpeningConfig.domain_weight``): what the text shows of the posting's own
profile carries more of the verdict than it does for a role; a text without
software or healthcare evidence still fits 0.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from types import MappingProxyType

import numpy as np
import scipy.sparse as sp

from ..config import DEFAULT_TIER_WEIGHTS
from ..documents.document import Document, DocumentLimits, read_document
from ..errors import DocumentError
from ..text.canonicaliser import TextEvidence
from ..text.opening import PostingParts, read_posting
from ..text.posting import split_posting
from ..text.tokenizer import tokenize_phrase
from .assessment import Assessment, SkillMatch, TermContribution
from .matcher import Matcher
from .opening_model import Opening, OpeningConfig, OpeningFit
from .opening_profile import edit_required, make_profile, opening_totals, opening_weights, profile_weights

__all__ = [
    "Opening",
    "OpeningConfig",
    "OpeningFit",
    "build_opening",
    "edit_required",
    "explain_opening",
    "fit_opening",
    "fit_strengths",
    "opening_weights",
    "posting_text",
    "profile_weights",
    "read_opening",
    "refit_opening",
    "usable_opening",
    "whole_posting",
]


def build_opening(matcher: Matcher, text: str, *, config: OpeningConfig | None = None) -> Opening:
    """Read a posting's text into an :class:`Opening` (module docs)."""
    cfg = config or OpeningConfig()
    parts = read_posting(text, knows=lambda name: _knows(matcher, name))
    required, preferred, described = (_terms(matcher, chunk) for chunk in _chunks(parts))
    skills = matcher.catalogue.skills
    # Without requirements of its own, a posting's description says what it requires.
    if not parts.states_requirements:
        required, described = required + described, []
    req = [t for t in dict.fromkeys(required) if t in skills]
    pref = [t for t in dict.fromkeys(preferred + described) if t in skills and t not in req]
    # The posting's terms as one text (read once, by part): what its closest roles are judged on.
    whole = TextEvidence(tuple(required + preferred + described), frozenset(), (), 0, 0, 0, 0.0)
    kept = matcher.strengths([whole])
    _, coverage, _ = matcher.fit_matrix(kept)
    order = sorted(range(len(matcher.roles)), key=lambda j: (-coverage[0, j], j))
    weights = make_profile(matcher, req, pref, order[0] if coverage[0, order[0]] > 0 else None, cfg)
    named = set(required) | set(preferred) | set(described)
    return Opening(
        title=parts.title,
        text_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        catalogue_version=matcher.catalogue.version,
        required=tuple(req),
        preferred=tuple(pref),
        context=tuple(sorted(t for t in named if matcher.domain.healthcare[matcher.index[t]] > 0)),
        closest=tuple((matcher.roles[j], float(coverage[0, j])) for j in order[: cfg.closest_roles]),
        profile=MappingProxyType({matcher.terms[i]: float(weights[i]) for i in np.flatnonzero(weights)}),
        not_matched=parts.unknown,
        ignored_words=parts.ignored_words,
    )


def usable_opening(opening: Opening) -> Opening:
    """The opening, or refused when its profile is empty (no skill or term the catalogue knows, near no
    role): every fit to it would be 0, and a ranking by it would order nothing."""
    if not opening.profile:
        raise DocumentError(
            f"the job posting ({opening.title!r}) names no skill, tool or standard the catalogue knows, so every "
            "fit to it would be 0; give the posting with its requirements (the skills and tools it asks for)"
        )
    return opening


def read_opening(
    matcher: Matcher,
    data: bytes,
    name: str,
    *,
    limits: DocumentLimits | None = None,
    config: OpeningConfig | None = None,
) -> Opening:
    """An opening from a posting file (PDF, DOCX, TXT, MD), read through the same safe intake as a CV;
    refused whole when longer than a posting may be (a CV's text is cut, a posting's never: a cut posting
    would rank by a part of it)."""
    return build_opening(matcher, posting_text(read_document(data, name, limits=limits), limits=limits), config=config)


def posting_text(document: Document, *, limits: DocumentLimits | None = None) -> str:
    """The text of a posting read as a document, or refused when the intake had to cut it (see read_opening)."""
    if "truncated" in document.flags:
        raise DocumentError(
            f"the posting {document.name!r} holds more than the {(limits or DocumentLimits()).max_chars:,} "
            "characters a posting may have, so none of it was read (the posting read before, if any, is still in "
            "use); save the posting alone, without the pages around it, and upload it again"
        )
    return document.text


def whole_posting(text: str, *, limits: DocumentLimits | None = None) -> str:
    """A pasted posting as it is, or refused when longer than a posting may be (see read_opening)."""
    lim = limits or DocumentLimits()
    if len(text) > lim.max_chars:
        raise DocumentError(
            f"the pasted posting has {len(text):,} characters, more than the {lim.max_chars:,} a posting may "
            "have, so none of it was read (the posting read before, if any, is still in use); paste the posting "
            "alone, without the pages around it, and read it again"
        )
    return text


@lru_cache(maxsize=8)
def _label_words(matcher: Matcher) -> frozenset[str]:
    return frozenset(t for skill in matcher.catalogue.skills.values() for t in tokenize_phrase(skill.label))


def _knows(matcher: Matcher, name: str) -> bool:
    """The catalogue finds a term in ``name``, or names it in a skill's label ("ORU" in "ADT, ORM and ORU messages")."""
    return bool(_terms(matcher, name)) or set(tokenize_phrase(name)) <= _label_words(matcher)


def _chunks(parts: PostingParts) -> tuple[str, str, str]:
    return parts.required, parts.preferred, parts.described


def _as_text(chunk: str) -> str:
    # The canonicaliser reads a CV, whose first line may be its author's name:
    # a posting's first sentence ("Epic Bridges") must not be taken for one.
    return "posting section:\n" + chunk


def _terms(matcher: Matcher, chunk: str) -> list[str]:
    return list(matcher.canonicaliser.read(_as_text(chunk)).all_terms) if chunk.strip() else []


def fit_opening(
    matcher: Matcher, opening: Opening, evidence: Sequence[TextEvidence], *, config: OpeningConfig | None = None
) -> np.ndarray:
    """Fits (one per text) to the opening of texts already read."""
    if not evidence:
        return np.zeros(0)
    strengths = matcher.strengths(evidence)
    work = matcher.evidence_strengths(strengths, [e.listed_only for e in evidence])
    return fit_strengths(matcher, opening, strengths, work, config=config)


def fit_strengths(
    matcher: Matcher,
    opening: Opening,
    strengths: sp.csr_matrix,
    work: sp.csr_matrix,
    *,
    tier_weights: Mapping[str, float] = DEFAULT_TIER_WEIGHTS,
    config: OpeningConfig | None = None,
) -> np.ndarray:
    """Fits to the opening of a batch's kept strength matrices (texts x terms; ``work`` as
    Matcher.evidence_strengths gives it), under these tier weights: one product, no text read."""
    column = profile_weights(matcher, opening, tier_weights=tier_weights)
    return _fit_column(matcher, strengths, column, work, config)[0]


def _fit_column(
    matcher: Matcher, strengths: sp.csr_matrix, column: np.ndarray, work: sp.csr_matrix, config: OpeningConfig | None
) -> tuple[np.ndarray, np.ndarray]:
    """Fits and coverage (one per text) to a profile column: the role fit's with the domain factor
    weighed by ``domain_weight`` (module docs)."""
    fits, coverage, domain = matcher.fit_matrix(
        strengths, role_weights=column, evidence=work, totals=opening_totals(column)
    )
    power = (config or OpeningConfig()).domain_weight
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = np.where(domain > 0, fits[:, 0] * domain ** (power - 1.0), 0.0)
    return np.asarray(scaled), np.asarray(coverage[:, 0])


def refit_opening(
    matcher: Matcher,
    opening: Opening,
    strengths: Sequence[Mapping[str, float]],
    *,
    listed_only: Sequence[Iterable[str]] = (),
    tier_weights: Mapping[str, float] = DEFAULT_TIER_WEIGHTS,
    config: OpeningConfig | None = None,
) -> np.ndarray:
    """Fits to the opening from kept term strengths, under these tier weights: no text is read again."""
    kept = _matrix(matcher, strengths)
    work = matcher.evidence_strengths(kept, listed_only)
    return fit_strengths(matcher, opening, kept, work, tier_weights=tier_weights, config=config)


def _matrix(matcher: Matcher, strengths: Sequence[Mapping[str, float]]) -> sp.csr_matrix:
    rows, cols, values = [], [], []
    for row, terms in enumerate(strengths):
        for term, value in terms.items():
            if term in matcher.index:
                rows.append(row)
                cols.append(matcher.index[term])
                values.append(value)
    return sp.csr_matrix((values, (rows, cols)), shape=(len(strengths), len(matcher.terms)))


def explain_opening(
    matcher: Matcher,
    opening: Opening,
    assessment: Assessment,
    text: str = "",
    *,
    snippets: bool = True,
    tier_weights: Mapping[str, float] = DEFAULT_TIER_WEIGHTS,
    config: OpeningConfig | None = None,
) -> OpeningFit:
    """A text's fit to the opening, explained like a role fit, from its assessment
    (``text`` only supplies the snippets: it is not read again)."""
    strength = dict(assessment.strengths)
    kept = _matrix(matcher, [strength])
    work = matcher.evidence_strengths(kept, [assessment.listed_only])
    column = profile_weights(matcher, opening, tier_weights=tier_weights)
    fits, coverage = _fit_column(matcher, kept, column, work, config)
    fit = float(fits[0])
    products = {t: v * column[matcher.index[t], 0] for t, v in strength.items() if t in matcher.index}
    total = sum(products.values())
    terms = sorted(
        (TermContribution(t, matcher.label_of(t), fit * p / total) for t, p in products.items() if p > 0),
        key=lambda c: (-c.contribution, c.term),
    )
    if "posting_in_cv" in assessment.flags:
        text = split_posting(text)[0]  # snippets come from what was read, never a posting pasted into the CV
    skills = matcher.catalogue.skills
    tiers = {**{s: "preferred" for s in opening.preferred}, **{s: "required" for s in opening.required}}
    matched = sorted(
        (
            SkillMatch(
                skill=s,
                label=skills[s].label if s in skills else s,
                tier=tier,
                strength=strength[s],
                listed_only=s in assessment.listed_only,
                snippet=matcher.canonicaliser.find_snippet(text, s) if snippets and text else "",
            )
            for s, tier in tiers.items()
            if s in strength
        ),
        key=lambda m: (m.tier != "required", -m.strength, m.label),
    )
    missing = {
        "required": tuple(s for s in opening.required if s not in strength),
        "preferred": tuple(s for s in opening.preferred if s not in strength),
    }
    return OpeningFit(
        opening.title, fit, float(coverage[0]), tuple(matched), missing, tuple(terms), opening.not_matched
    )
