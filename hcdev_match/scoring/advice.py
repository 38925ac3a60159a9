"""Gap advice: which missing skills would move a role's fit most.

The advice is a what-if on the skills themselves (the fit if the CV showed
clear, in-context experience of the skill), never a suggestion to add words
to a CV: a skill only counts where the text shows it was used.
"""

from __future__ import annotations

from dataclasses import dataclass

from .assessment import Assessment
from .matcher import Matcher

__all__ = ["GapAdvice", "advise_gaps"]


@dataclass(frozen=True)
class GapAdvice:
    role: str
    skill: str
    label: str
    tier: str
    #: Fit points the role would gain with clear experience of this skill.
    gain: float


def advise_gaps(matcher: Matcher, assessment: Assessment, role: str, *, limit: int = 5) -> list[GapAdvice]:
    """The missing must-have skills of ``role`` that would raise its fit most."""
    fit = assessment.fit_of(role)
    missing = list(fit.missing.get("must_have", ()))
    if not missing:
        return []
    column = matcher.roles.index(role)
    # One what-if per missing skill, scored together in one matrix pass.
    scenarios = [{**assessment.strengths, skill: 1.0} for skill in missing]
    fits = matcher.refit(scenarios, listed_only=[assessment.listed_only - {s} for s in missing])[:, column]
    advice = [
        GapAdvice(role, skill, matcher.catalogue.skills[skill].label, "must_have", float(new) - fit.fit)
        for skill, new in zip(missing, fits, strict=True)
    ]
    advice.sort(key=lambda a: (-a.gain, a.label))
    return advice[:limit]
