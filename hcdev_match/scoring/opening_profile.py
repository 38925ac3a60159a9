"""An opening's profile: its term weights over the matcher's term space (see scoring/opening.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from types import MappingProxyType

import numpy as np

from ..config import DEFAULT_TIER_WEIGHTS
from .matcher import Matcher
from .opening_model import Opening, OpeningConfig

__all__ = ["edit_required", "make_profile", "opening_totals", "opening_weights", "profile_weights", "role_index"]


@lru_cache(maxsize=8)
def _base_weights(matcher: Matcher) -> np.ndarray:
    """Every term's weight in a tier weighing 1 (see Matcher.term_weight)."""
    return np.array([matcher.term_weight(i, 1.0) for i in range(len(matcher.terms))])


def make_profile(
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
    skills = matcher.catalogue.skills
    for terms, tier in ((preferred, "nice_to_have"), (required, "must_have")):
        weighed = [t for t in terms if t not in skills or skills[t].category not in cfg.unweighed_categories]
        tiers[[matcher.index[t] for t in weighed]] = tier_weights[tier]
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
    weights = make_profile(
        matcher,
        opening.required,
        opening.preferred,
        role_index(matcher, opening),
        config or OpeningConfig(),
        tier_weights,
    )
    return weights[:, None]


def role_index(matcher: Matcher, opening: Opening) -> int | None:
    closest = opening.closest[0] if opening.closest else None
    return matcher.roles.index(closest[0]) if closest and closest[1] > 0 and closest[0] in matcher.roles else None


def edit_required(
    matcher: Matcher, opening: Opening, required: Iterable[str], *, config: OpeningConfig | None = None
) -> Opening:
    """The opening with the recruiter's list of required skills; the others it named become preferred."""
    cfg = config or OpeningConfig()
    req = [s for s in dict.fromkeys(required) if s in matcher.catalogue.skills]
    pref = [s for s in dict.fromkeys(opening.required + opening.preferred) if s not in req]
    weights = make_profile(matcher, req, pref, role_index(matcher, opening), cfg)
    profile = MappingProxyType({matcher.terms[i]: float(weights[i]) for i in np.flatnonzero(weights)})
    return replace(opening, required=tuple(req), preferred=tuple(pref), profile=profile)


def opening_weights(matcher: Matcher, opening: Opening) -> np.ndarray:
    """The opening's profile as a column over the matcher's terms (terms x 1)."""
    column = np.zeros((len(matcher.terms), 1))
    for term, weight in opening.profile.items():
        index = matcher.index.get(term)
        if index is not None:
            column[index, 0] = weight
    return column


def opening_totals(column: np.ndarray) -> np.ndarray:
    """Full coverage of an opening: its whole profile (module docs)."""
    total = column.sum(axis=0)
    total[total == 0] = 1.0
    return np.asarray(total)
