"""Openings: a posting read into required and preferred skills, and CVs fitted to it."""

from __future__ import annotations

import time

import numpy as np
import pytest

from hcdev_match.config import DEFAULT_TIER_WEIGHTS
from hcdev_match.documents.document import DocumentLimits, read_document
from hcdev_match.errors import DocumentError
from hcdev_match.scoring.matcher import Matcher
from hcdev_match.scoring.opening import (
    Opening,
    OpeningConfig,
    build_opening,
    edit_required,
    explain_opening,
    fit_opening,
    opening_weights,
    read_opening,
    refit_opening,
    whole_posting,
)
from hcdev_match.text.opening import read_posting

from .files import make_docx, make_pdf

KINDS = ("required", "preferred", "described")

INTEGRATION = """\
# Senior Integration Engineer

About the role
You will build and run the interfaces between our hospital's EHR and partner laboratories.

Requirements:
- 5+ years building HL7 v2 ADT and ORU interfaces
- Mirth Connect, in production
- Strong SQL
- Experience with Zorblax Studio

Nice to have
- FHIR R4 APIs
- Python scripting is a plus

Benefits
- Kubernetes training budget, 401(k), dental and vision insurance

We are an equal opportunity employer: DICOM, Swift and Android never decide who we hire.
How to apply: send your CV to jobs@example.org
"""

# Scraped from a job board: the line breaks are gone, headings are glued to sentences.
SCRAPED = (
    "Imaging Platform Engineer. We build radiology software used by 40 hospitals.Must Have Skills: DICOM "
    "and PACS integration, C++ on Linux.Preferred Qualifications: Experience with MONAI or PyTorch. "
    "Salary range $150k, full benefits including React Native workshops."
)

CV_REQUIRED = """\
Integration engineer at a regional hospital network, 2017 to 2024.
I built HL7 v2 ADT and ORU interfaces for the hospital's EHR and ran Mirth Connect in production.
I wrote SQL reports on interface traffic for the clinical systems team and patient registration.
I supported nurses and clinicians on the wards when an interface failed.
"""

CV_PREFERRED = """\
Software engineer at a regional hospital network, 2017 to 2024.
I built FHIR R4 APIs for the hospital's EHR and wrote Python scripts for the clinical systems team.
I supported nurses and clinicians on the wards and worked on patient registration screens.
"""


def test_requirements_and_preferences_come_from_the_postings_own_sections_and_wording(matcher: Matcher) -> None:
    opening = build_opening(matcher, INTEGRATION)
    assert opening.title == "Senior Integration Engineer"
    assert {"hl7", "adt", "interface_engine", "sql"} <= set(opening.required)
    # "Nice to have" is a section; "... is a plus" says so in its own sentence.
    assert {"fhir", "python"} <= set(opening.preferred)
    assert not set(opening.required) & set(opening.preferred)
    assert opening.closest[0][0] == "ehr"
    assert {"hl7", "fhir"} <= set(opening.context)


def test_boilerplate_buys_no_skill(matcher: Matcher) -> None:
    opening = build_opening(matcher, INTEGRATION)
    named = set(opening.required) | set(opening.preferred)
    # Kubernetes stands in the benefits, DICOM, Swift and Android in the equal-opportunity line.
    assert not named & {"containers", "dicom", "swift", "android"}
    assert opening.ignored_words > 20
    # The same posting without its boilerplate gives the same skills.
    lean = build_opening(matcher, INTEGRATION.split("Benefits")[0])
    assert (lean.required, lean.preferred) == (opening.required, opening.preferred)


def test_a_scraped_posting_without_line_breaks_is_cut_at_its_glued_headings(matcher: Matcher) -> None:
    parts = read_posting(SCRAPED)
    assert "DICOM" in parts.required and "MONAI" in parts.preferred and "Salary" not in parts.described
    opening = build_opening(matcher, SCRAPED)
    assert opening.title == "Imaging Platform Engineer"
    assert {"dicom", "pacs", "cpp", "linux"} <= set(opening.required)
    assert {"monai", "pytorch"} <= set(opening.preferred)
    assert "react_native" not in set(opening.required) | set(opening.preferred)
    assert opening.closest[0][0] == "imaging"


def test_a_posting_without_requirements_requires_what_it_describes(matcher: Matcher) -> None:
    opening = build_opening(matcher, "EHR developer\nYou will build FHIR APIs and HL7 interfaces for our clinics.")
    assert {"fhir", "hl7"} <= set(opening.required) and not opening.preferred


def test_terms_the_catalogue_does_not_know_are_listed_for_a_person(matcher: Matcher) -> None:
    opening = build_opening(matcher, INTEGRATION)
    assert "Zorblax Studio" in opening.not_matched
    # Catalogue names are matched, never listed; nor is the plain English of a requirement.
    assert not {"Mirth Connect", "Mirth", "SQL", "FHIR", "Strong", "Experience"} & set(opening.not_matched)
    fit = explain_opening(matcher, opening, matcher.assess(CV_REQUIRED), CV_REQUIRED)
    assert fit.to_dict()["not_matched_automatically"] == list(opening.not_matched)


def test_a_cv_showing_every_required_skill_outranks_one_showing_only_preferred_ones(matcher: Matcher) -> None:
    opening = build_opening(matcher, INTEGRATION)
    evidence = matcher.read([CV_REQUIRED, CV_PREFERRED])
    fits = fit_opening(matcher, opening, evidence)
    assert fits[0] > fits[1] > 0
    assessed = [explain_opening(matcher, opening, matcher.assess(t), t) for t in (CV_REQUIRED, CV_PREFERRED)]
    assert not assessed[0].missing["required"][:-1] or assessed[0].missing["required"] == ()
    assert set(assessed[1].missing["required"]) >= {"hl7", "adt", "interface_engine"}
    # Missing lists the required skills first.
    assert assessed[1].missing_ids[: len(assessed[1].missing["required"])] == list(assessed[1].missing["required"])


def test_an_opening_fit_is_explained_like_a_role_fit(matcher: Matcher) -> None:
    opening = build_opening(matcher, INTEGRATION)
    assessment = matcher.assess(CV_REQUIRED)
    fit = explain_opening(matcher, opening, assessment, CV_REQUIRED)
    assert fit.fit == pytest.approx(fit_opening(matcher, opening, matcher.read([CV_REQUIRED]))[0])
    assert sum(t.contribution for t in fit.terms) == pytest.approx(fit.fit)
    hl7 = next(m for m in fit.matched if m.skill == "hl7")
    assert hl7.tier == "required" and "HL7" in hl7.snippet
    assert [m.tier for m in fit.matched] == sorted((m.tier for m in fit.matched), key=lambda t: t != "required")
    # Re-fitting from the kept strengths reads no text and agrees.
    again = refit_opening(matcher, opening, [assessment.strengths], listed_only=[assessment.listed_only])
    assert again[0] == pytest.approx(fit.fit)


def test_an_opening_uses_the_same_domain_evidence_as_a_role_fit(matcher: Matcher) -> None:
    opening = build_opening(matcher, INTEGRATION)
    outside = "Backend developer at an online shop.\nI built SQL reporting, Python services and REST APIs."
    assessment = matcher.assess(outside)
    assert assessment.domain.healthcare == 0
    assert explain_opening(matcher, opening, assessment).fit == 0.0 == assessment.best.fit


def test_the_recruiters_edit_of_the_required_list_changes_the_ranking(matcher: Matcher) -> None:
    opening = build_opening(matcher, INTEGRATION)
    edited = edit_required(matcher, opening, ["fhir", "python"])
    assert edited.required == ("fhir", "python") and "hl7" in edited.preferred
    # The edit re-tiers the profile, so re-ranking needs the strengths only: FHIR and Python
    # required now, the CV showing them gains on the one that does not.
    strengths = [matcher.assess(t).strengths for t in (CV_REQUIRED, CV_PREFERRED)]
    before = refit_opening(matcher, opening, strengths)
    after = refit_opening(matcher, edited, strengths)
    assert after[1] > before[1] and after[0] < before[0]
    # So do the recruiter's tier weights: must-haves weighing double, the CV showing them gains more.
    heavy = refit_opening(matcher, opening, strengths, tier_weights={**DEFAULT_TIER_WEIGHTS, "must_have": 2.0})
    assert heavy[0] - heavy[1] > before[0] - before[1]
    nothing = refit_opening(matcher, opening, strengths, tier_weights=dict.fromkeys(DEFAULT_TIER_WEIGHTS, 0.0))
    assert not nothing.any()


def test_an_opening_survives_storage_as_json(matcher: Matcher) -> None:
    opening = build_opening(matcher, INTEGRATION)
    again = Opening.from_dict(opening.to_dict())
    assert again.to_dict() == opening.to_dict()
    assert len(opening.text_hash) == 64 and "Zorblax" not in str(opening.to_dict()["profile"])
    strengths = [matcher.assess(CV_REQUIRED).strengths]
    assert refit_opening(matcher, again, strengths)[0] == pytest.approx(refit_opening(matcher, opening, strengths)[0])


@pytest.mark.parametrize("kind", ["docx", "pdf", "md"])
def test_a_posting_file_goes_through_the_safe_intake(matcher: Matcher, kind: str) -> None:
    lines = INTEGRATION.split("\n")
    data = {"docx": make_docx, "pdf": make_pdf}.get(kind, lambda ls: "\n".join(ls).encode())(lines)
    opening = read_opening(matcher, data, f"posting.{kind}")
    assert {"hl7", "adt", "interface_engine"} <= set(opening.required)
    assert {"fhir", "python"} <= set(opening.preferred)
    assert opening.text_hash == build_opening(matcher, read_document(data, f"posting.{kind}").text).text_hash


def test_a_posting_file_over_the_limit_is_refused_whole_never_cut(matcher: Matcher) -> None:
    # A CV's text is cut at the limit and flagged; a posting's must not be: ranked by its first part,
    # the opening would silently lose what its later sections require.
    limit = DocumentLimits().max_chars
    data = (INTEGRATION + "\nAbout us\n" + "We care about patients. " * (limit // 24)).encode()
    with pytest.raises(DocumentError, match=f"more than the {limit:,} characters a posting may have") as refusal:
        read_opening(matcher, data, "posting.txt")
    assert "'posting.txt'" in str(refusal.value) and "upload it again" in str(refusal.value)
    with pytest.raises(DocumentError, match="paste the posting alone"):
        whole_posting(data.decode())
    assert whole_posting(INTEGRATION) == INTEGRATION


def test_a_posting_of_nothing_but_names_asks_the_catalogue_a_bounded_number_of_times() -> None:
    asked: list[str] = []

    def knows(name: str) -> bool:
        asked.append(name)
        return False

    text = "Requirements:\n" + " ".join(f"Tool{i} with Zorb{i}," for i in range(5000))
    parts = read_posting(text, knows=knows, max_unknown=20)
    assert len(parts.unknown) == 20 and len(asked) <= 200
    # Names the catalogue knows are asked about too, and still the count is bounded.
    asked.clear()
    read_posting(text, knows=lambda name: asked.append(name) is None, max_unknown=20)
    assert 0 < len(asked) <= 200


def test_no_snippet_of_an_opening_fit_comes_from_a_posting_pasted_into_the_cv(matcher: Matcher) -> None:
    opening = build_opening(matcher, INTEGRATION)
    posting = [
        "About the role: you will build FHIR R4 APIs and Python tools for our HL7 v2 ADT feeds.",
        "We offer a competitive salary and paid time off.",
        "You will work with Mirth Connect every day.",
        "Requirements: your experience with HL7 v2 interfaces.",
        "The ideal candidate has years of experience with HL7 v2.",
        "Apply now: we are an equal opportunity employer.",
        "You will report to the integration lead; this role is remote.",
    ]
    pasted = "\n".join(posting) + "\n" + CV_PREFERRED + "I developed dashboards in 2019 and 2021.\n"
    assessment = matcher.assess(pasted)
    assert "posting_in_cv" in assessment.flags
    fit = explain_opening(matcher, opening, assessment, pasted)
    fhir = next(m for m in fit.matched if m.skill == "fhir")
    assert fhir.snippet and "you will" not in fhir.snippet.lower()
    assert "hl7" not in fit.matched_ids  # the pasted posting's HL7 is no evidence, so it has no snippet either


def test_headings_that_lost_their_colon_or_their_space_still_open_their_sections() -> None:
    text = (
        "Interface developer. Work with the clinical team----------Required Qualifications 4+ years of HL7 v2 "
        "interfaces. Mentor others.Preferred Qualifications FHIR experience. A track record of continuous "
        "improvementNice to have: DICOM. Requirements analysis is part of the job."
    )
    parts = read_posting(text)
    assert "HL7 v2" in parts.required and "HL7" not in parts.preferred + parts.described
    assert "FHIR" in parts.preferred and "DICOM" in parts.preferred
    assert "Work with the clinical team" in parts.described


def test_conversational_headings_open_their_sections() -> None:
    # Headings phrased as questions to the reader, as many postings put them.
    text = (
        "Clinical Data Engineer\n"
        "What you'll be working on:\n- Pipelines from the wards' monitors\n"
        "What you need to succeed:\n- Kafka in production\n"
        "We'd love to see:\n- Airflow\n"
        "What we can offer you:\n- Share options and a Peloton\n"
        "For further details contact:\n- Jo Bloggs\n"
    )
    parts = read_posting(text)
    lines = {kind: [line.strip("- ") for line in getattr(parts, kind).splitlines()] for kind in KINDS}
    assert lines == {
        "required": ["Kafka in production"],
        "preferred": ["Airflow"],
        "described": ["Clinical Data Engineer", "Pipelines from the wards' monitors"],
    }
    assert parts.ignored_words == 9  # "- Share options and a Peloton" and "- Jo Bloggs"


def test_skills_every_kind_of_work_asks_for_weigh_nothing_of_their_own(matcher: Matcher) -> None:
    asking = INTEGRATION.replace("- Strong SQL", "- Strong SQL\n- Clear communication and problem solving")
    opening, plain = build_opening(matcher, asking), build_opening(matcher, INTEGRATION)
    assert {"communication", "problem_solving"} <= set(opening.required)  # still listed, for a person
    assert opening.profile == plain.profile
    talker = (
        "Software engineer at a hospital, 2019 to 2024. I built the ward's patient screens in Java. "
        "I am known for clear communication with clinicians and problem solving."
    )
    fits = [fit_opening(matcher, o, matcher.read([talker]))[0] for o in (opening, plain)]
    assert fits[0] == fits[1] > 0
    assert "communication" in explain_opening(matcher, opening, matcher.assess(talker)).matched_ids


def test_the_domain_factor_weighs_as_its_square_root_in_an_opening_fit(matcher: Matcher) -> None:
    opening = build_opening(matcher, INTEGRATION)
    evidence = matcher.read([CV_REQUIRED, CV_PREFERRED])
    strengths = matcher.strengths(evidence)
    work = matcher.evidence_strengths(strengths, [e.listed_only for e in evidence])
    column = opening_weights(matcher, opening)
    as_a_role, _, domain = matcher.fit_matrix(strengths, role_weights=column, evidence=work, totals=column.sum(axis=0))
    assert ((domain > 0) & (domain < 0.9)).all()  # the square root shows
    assert fit_opening(matcher, opening, evidence) == pytest.approx(as_a_role[:, 0] / np.sqrt(domain))
    assert fit_opening(matcher, opening, evidence, config=OpeningConfig(domain_weight=1)) == pytest.approx(
        as_a_role[:, 0]
    )
    assert explain_opening(matcher, opening, matcher.assess(CV_REQUIRED)).fit == pytest.approx(
        fit_opening(matcher, opening, evidence)[0]
    )
    with pytest.raises(ValueError, match="domain_weight must be from 0 to 1"):
        OpeningConfig(domain_weight=2)


@pytest.mark.parametrize("unit", ["A-", " ", "[", "[a]("])
def test_a_hostile_posting_is_read_in_linear_work(unit: str) -> None:
    # A run the reading's patterns scanned again from each of its characters ("A-A-A-...", a line of
    # spaces, unclosed brackets) cost quadratic time: 200,000 characters pasted into the candidate's
    # box, which anyone may use, held a core for minutes. Work, not seconds: one long line must cost
    # about what ten lines of a tenth of its length cost (quadratic: ten times as much), measured as
    # this process's CPU time, so other processes' load does not enter the ratio.
    short, long = ("x" + unit * 5_000 + "x\n") * 10, "x" + unit * 50_000 + "x\n"

    def cpu(text: str) -> float:
        start = time.process_time()
        read_posting(text)
        return time.process_time() - start

    cpu(short)  # warm the patterns' caches
    assert cpu(long) <= 4 * cpu(short) + 0.05


def test_a_title_is_a_title_even_when_the_first_line_is_one_endless_word(matcher: Matcher) -> None:
    # A title is shown on the page and repeated on every row of the exported CSV: 200,000
    # characters of it made a 200-candidate export 40 MB.
    opening = build_opening(matcher, "Engineer" + "x" * 200_000 + "\n" + INTEGRATION)
    assert 0 < len(opening.title) <= 120 and opening.title.startswith("Engineerxx")
