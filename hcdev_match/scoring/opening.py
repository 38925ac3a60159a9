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
only this kind has (DICOM for imaging, SMART on FHIR for EHR work).

The fit to an opening is the role fit's formula with the opening's profile
in place of a role's: the same strengths, the same domain factor (software x
healthcare x focus, read from the CV) and the same calibration. Full
coverage is the whole profile (a posting names what it asks for; a role's
list of everything its specialists might use is cut to its heaviest terms).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from types import MappingProxyType

import numpy as np
import scipy.sparse as sp

from ..config import DEFAULT_TIER_WEIGHTS
from ..documents.document import DocumentLimits, read_document
from ..text.canonicaliser import TextEvidence
from ..text.opening import PostingParts, read_posting
from ..text.tokenizer import tokenize_phrase
from .assessment import Assessment, SkillMatch, TermContribution
from .matcher import Matcher
from .opening_model import Opening, OpeningConfig, OpeningFit

__all__ = [
    "Opening",
    "OpeningConfig",
    "OpeningFit",
    "build_opening",
    "edit_required",
    "explain_opening",
    "fit_opening",
    "opening_weights",
    "profile_weights",
    "read_opening",
    "refit_opening",
]


@lru_cache(maxsize=8)
def _base_weights(matcher: Matcher) -> np.ndarray:
    """Every term's weight in a tier weighing 1 (see Matcher.term_weight)."""
    return np.array([matcher.term_weight(i, 1.0) for i in range(len(matcher.terms))])


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
    weights = _profile(matcher, req, pref, order[0] if coverage[0, order[0]] > 0 else None, cfg)
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


def _profile(
    matcher: Matcher,
    required: Sequence[str],
    preferred: Sequence[str],
    role: int | None,
    cfg: OpeningConfig,
    tier_weights: Mapping[str, float] = DEFAULT_TIER_WEIGHTS,
) -> np.ndarray:
    """Term weights (module docs): each term in the higher of the posting's tier (required as a
    must-have, preferred as a nice-to-have) and the closest role's, x its term weight x its share
    of role weight in that role."""
    base = _base_weights(matcher)
    tiers = np.zeros(len(matcher.terms))
    for terms, tier in ((preferred, "nice_to_have"), (required, "must_have")):
        tiers[[matcher.index[t] for t in terms]] = tier_weights[tier]
    if role is None:
        alone: np.ndarray = tiers * base  # no role comes near: the posting's own skills, unweighed by any role
        return alone
    roles = matcher.role_weights
    own_role = roles[:, role] if tier_weights == DEFAULT_TIER_WEIGHTS else matcher.weigh_roles(tier_weights)[:, role]
    with np.errstate(invalid="ignore", divide="ignore"):
        tiers = np.maximum(tiers, cfg.role_blend * np.where(base > 0, own_role / base, 0.0))
        # A term no role values is taken to be as common as one every role shares.
        total = roles.sum(axis=1)
        share = np.where(total > 0, roles[:, role] / total, 1.0 / len(matcher.roles))
    weights: np.ndarray = tiers * base * share**cfg.specificity
    return weights


def profile_weights(
    matcher: Matcher,
    opening: Opening,
    *,
    tier_weights: Mapping[str, float] = DEFAULT_TIER_WEIGHTS,
    config: OpeningConfig | None = None,
) -> np.ndarray:
    """The opening's profile under other tier weights (the recruiter's sliders), as a column (terms x 1)."""
    if tier_weights == DEFAULT_TIER_WEIGHTS:
        return opening_weights(matcher, opening)
    weights = _profile(
        matcher,
        opening.required,
        opening.preferred,
        _role_of(matcher, opening),
        config or OpeningConfig(),
        tier_weights,
    )
    return weights[:, None]


def _role_of(matcher: Matcher, opening: Opening) -> int | None:
    closest = opening.closest[0] if opening.closest else None
    return matcher.roles.index(closest[0]) if closest and closest[1] > 0 and closest[0] in matcher.roles else None


def edit_required(
    matcher: Matcher, opening: Opening, required: Iterable[str], *, config: OpeningConfig | None = None
) -> Opening:
    """The opening with the recruiter's list of required skills; the others it named become preferred."""
    cfg = config or OpeningConfig()
    req = [s for s in dict.fromkeys(required) if s in matcher.catalogue.skills]
    pref = [s for s in dict.fromkeys(opening.required + opening.preferred) if s not in req]
    weights = _profile(matcher, req, pref, _role_of(matcher, opening), cfg)
    profile = MappingProxyType({matcher.terms[i]: float(weights[i]) for i in np.flatnonzero(weights)})
    return replace(opening, required=tuple(req), preferred=tuple(pref), profile=profile)


def read_opening(
    matcher: Matcher,
    data: bytes,
    name: str,
    *,
    limits: DocumentLimits | None = None,
    config: OpeningConfig | None = None,
) -> Opening:
    """An opening from a posting file (PDF, DOCX, TXT, MD), read through the same safe intake as a CV."""
    return build_opening(matcher, read_document(data, name, limits=limits).text, config=config)


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


def opening_weights(matcher: Matcher, opening: Opening) -> np.ndarray:
    """The opening's profile as a column over the matcher's terms (terms x 1)."""
    column = np.zeros((len(matcher.terms), 1))
    for term, weight in opening.profile.items():
        index = matcher.index.get(term)
        if index is not None:
            column[index, 0] = weight
    return column


def _totals(column: np.ndarray) -> np.ndarray:
    """Full coverage of an opening: its whole profile (module docs)."""
    total = column.sum(axis=0)
    total[total == 0] = 1.0
    return np.asarray(total)


def fit_opening(matcher: Matcher, opening: Opening, evidence: Sequence[TextEvidence]) -> np.ndarray:
    """Fits (one per text) to the opening of texts already read."""
    if not evidence:
        return np.zeros(0)
    strengths = matcher.strengths(evidence)
    column = opening_weights(matcher, opening)
    work = matcher.evidence_strengths(strengths, [e.listed_only for e in evidence])
    fits, _, _ = matcher.fit_matrix(strengths, role_weights=column, evidence=work, totals=_totals(column))
    return np.asarray(fits[:, 0])


def refit_opening(
    matcher: Matcher,
    opening: Opening,
    strengths: Sequence[Mapping[str, float]],
    *,
    listed_only: Sequence[Iterable[str]] = (),
    tier_weights: Mapping[str, float] = DEFAULT_TIER_WEIGHTS,
) -> np.ndarray:
    """Fits to the opening from kept term strengths, under these tier weights: no text is read again."""
    kept = _matrix(matcher, strengths)
    column = profile_weights(matcher, opening, tier_weights=tier_weights)
    work = matcher.evidence_strengths(kept, listed_only)
    fits, _, _ = matcher.fit_matrix(kept, role_weights=column, evidence=work, totals=_totals(column))
    return np.asarray(fits[:, 0])


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
) -> OpeningFit:
    """A text's fit to the opening, explained like a role fit, from its assessment
    (``text`` only supplies the snippets: it is not read again)."""
    strength = dict(assessment.strengths)
    kept = _matrix(matcher, [strength])
    work = matcher.evidence_strengths(kept, [assessment.listed_only])
    column = profile_weights(matcher, opening, tier_weights=tier_weights)
    fits, coverage, _ = matcher.fit_matrix(kept, role_weights=column, evidence=work, totals=_totals(column))
    fit = float(fits[0, 0])
    products = {t: v * column[matcher.index[t], 0] for t, v in strength.items() if t in matcher.index}
    total = sum(products.values())
    terms = sorted(
        (TermContribution(t, matcher.label_of(t), fit * p / total) for t, p in products.items() if p > 0),
        key=lambda c: (-c.contribution, c.term),
    )
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
        opening.title, fit, float(coverage[0, 0]), tuple(matched), missing, tuple(terms), opening.not_matched
    )
