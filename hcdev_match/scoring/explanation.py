"""Explaining a fit: which skills matched (with their passage), which are missing, which terms carried it.

The matcher computes fits for many texts at once; this module turns one row
of those matrices into the :class:`~.assessment.Assessment` a person reads.
Contributions are the fit split in proportion to each term's share of the
role's dot product, so they add up to the fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import scipy.sparse as sp

from ..config import TIERS
from ..text.canonicaliser import TextEvidence
from ..text.posting import split_posting
from .assessment import Assessment, DomainEvidence, RoleFit, SkillMatch, TermContribution

if TYPE_CHECKING:
    from .matcher import Matcher

__all__ = ["assess_evidence", "explain_role"]


def assess_evidence(
    matcher: Matcher, texts: Sequence[str], evidence: Sequence[TextEvidence], *, snippets: bool = True
) -> list[Assessment]:
    """Assessments of texts already read (``evidence[i]`` is ``matcher.read(texts)[i]``), explained."""
    strengths = matcher.strengths(evidence)
    work = matcher.evidence_strengths(strengths, [e.listed_only for e in evidence])
    fits, coverage, _ = matcher.fit_matrix(strengths, evidence=work)
    software, healthcare, focus = matcher.domain.parts(work)
    out = []
    for row, text in enumerate(texts):
        s = strengths.getrow(row)
        if evidence[row].posting_words:
            text = split_posting(text)[0]  # snippets come from what was read, never the pasted posting
        found: dict[str, str] = {}  # a skill of several roles is looked for once in this text, not once a role
        role_fits = [
            explain_role(
                matcher, text, s, evidence[row], j, float(fits[row, j]), float(coverage[row, j]), snippets, found=found
            )
            for j in range(len(matcher.roles))
        ]
        role_fits.sort(key=lambda f: (-f.fit, matcher.roles.index(f.role)))
        out.append(
            Assessment(
                catalogue_version=matcher.catalogue.version,
                fits=tuple(role_fits),
                flags=matcher.flags_of(evidence[row], fits=fits[row]),
                domain=DomainEvidence(float(software[row]), float(healthcare[row]), float(focus[row])),
                words=evidence[row].words,
                strengths={matcher.terms[i]: float(v) for i, v in zip(s.indices, s.data, strict=True)},
                listed_only=evidence[row].listed_only,
            )
        )
    return out


def explain_role(
    matcher: Matcher,
    text: str,
    s: sp.csr_matrix,
    evidence: TextEvidence,
    j: int,
    fit: float,
    coverage: float,
    snippets: bool,
    *,
    found: dict[str, str] | None = None,
) -> RoleFit:
    """The fit to role ``j`` of one text (its strengths ``s``) with matched and missing skills and contributions.

    ``found`` holds the snippets already found in ``text`` (skill -> passage), shared by the calls for one text.
    """
    found = {} if found is None else found
    role_id = matcher.roles[j]
    role = matcher.catalogue.roles[role_id]
    tiers = matcher.role_tiers[role_id]
    strength = {matcher.terms[i]: float(v) for i, v in zip(s.indices, s.data, strict=True)}
    products = {t: v * matcher.role_weights[matcher.index[t], j] for t, v in strength.items()}
    total = sum(products.values())
    terms = sorted(
        (TermContribution(t, matcher.label_of(t), fit * p / total) for t, p in products.items() if p > 0 and total > 0),
        key=lambda c: (-c.contribution, c.term),
    )
    skills = matcher.catalogue.skills
    matched = [
        SkillMatch(
            skill=t,
            label=skills[t].label,
            tier=tiers[t],
            strength=v,
            listed_only=t in evidence.listed_only,
            snippet=_snippet(matcher, text, t, found) if snippets else "",
        )
        for t, v in strength.items()
        if t in skills and t in tiers
    ]
    matched.sort(key=lambda m: (TIERS.index(m.tier), -m.strength, m.label))
    missing = {
        "must_have": tuple(s for s in role.must_have if s not in strength),
        "nice_to_have": tuple(s for s in role.nice_to_have if s not in strength),
    }
    return RoleFit(role_id, role.label, fit, coverage, tuple(matched), missing, tuple(terms))


def _snippet(matcher: Matcher, text: str, skill: str, found: dict[str, str]) -> str:
    if skill not in found:
        found[skill] = matcher.canonicaliser.find_snippet(text, skill)
    return found[skill]
