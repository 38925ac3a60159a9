"""What held a fit down, in one plain sentence, and whether any role fits the text at all.

The fit is the role profile's match times the healthcare-software evidence
(software work x healthcare setting x focus on building software), so when
that evidence is low it caps every role, whatever skills are named; this
module says which part of it did, and what a candidate can do about it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..scoring.assessment import Assessment

__all__ = ["NO_FIT_BELOW", "Verdict", "read_verdict"]

#: A best fit under this many points: no healthcare software role fits the text.
NO_FIT_BELOW = 5.0
#: Below this, a part of the evidence is what holds the fits down.
LOW_EVIDENCE = 0.6
#: Fewer words than this are too little text to judge.
FEW_WORDS = 80


@dataclass(frozen=True)
class Verdict:
    #: What held the fit down: too_little_text, clinical, no_software, no_healthcare, missing_skills or None.
    cause: str | None
    #: One plain sentence saying so (empty when nothing held the fit down).
    sentence: str
    #: What the person could do about it (empty when the skill advice covers it).
    advice: str
    #: True when no role fits at all: no best fit, no chart, just this verdict.
    no_fit: bool


def read_verdict(assessment: Assessment) -> Verdict:
    """Name the one thing that held ``assessment``'s fits down, most basic first."""
    best, domain = assessment.fits[0], assessment.domain
    no_fit = best.fit < NO_FIT_BELOW
    if "too_little_text" in assessment.flags or assessment.words < FEW_WORDS:
        return Verdict(
            "too_little_text",
            f"There is too little text to judge: {assessment.words} words, where a CV describes work in a few hundred.",
            "Paste or attach the whole CV: what you built, for whom, with which tools and standards.",
            no_fit,
        )
    if domain.focus < LOW_EVIDENCE and domain.healthcare >= LOW_EVIDENCE:
        return Verdict(
            "clinical",
            "The text describes clinical or care work rather than building software, and these roles are for "
            "people who build healthcare software.",
            "If you have built software (tools, integrations, scripts, data pipelines), describe that work and "
            "where it was used; clinical experience alone does not raise these fits.",
            no_fit,
        )
    if domain.software < LOW_EVIDENCE:
        return Verdict(
            "no_software",
            "The text shows little software development work, which every one of these roles needs.",
            "Describe software you designed, wrote or maintained: what it did, the languages and the systems.",
            no_fit,
        )
    if domain.healthcare < LOW_EVIDENCE:
        return Verdict(
            "no_healthcare",
            "No healthcare setting is shown: the software work is not placed in hospitals, clinics, health data "
            "or medical devices, and that holds every role's fit down.",
            "If your software served patients, clinicians or health data, say where: the hospital or health app, "
            "the clinical data it handled, the health standards (HL7, FHIR, DICOM) it used.",
            no_fit,
        )
    if best.missing.get("must_have"):
        return Verdict(
            "missing_skills",
            f"the text does not show some of the must-have skills of {best.label} (listed below).",
            "",
            no_fit,
        )
    return Verdict(None, "", "", no_fit)
