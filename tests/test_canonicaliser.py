"""From text to catalogue terms: aliases, phrases, case, boilerplate and repeats."""

from __future__ import annotations

import pytest

from hcdev_match.catalogue.model import load_catalogue
from hcdev_match.text.canonicaliser import Canonicaliser


@pytest.fixture(scope="module")
def canon() -> Canonicaliser:
    return Canonicaliser(load_catalogue())


def terms(canon: Canonicaliser, text: str) -> list[str]:
    return list(canon.read(text).all_terms)


@pytest.mark.parametrize(
    ("text", "term"),
    [("Built the EMR integration", "ehr"), ("electronic medical records", "ehr"), ("Wrote C++17 code", "cpp"),
     ("services in C# and .NET", "csharp"), ("ASP.NET Core APIs", "dotnet"), ("HL7 v2 feeds", "hl7"),
     ("FHIR R4 resources", "fhir"), ("X-ray and MRI", "imaging_modalities"), ("Node.js back end", "javascript"),
     ("REST APIs", "rest_api"), ("worked on telemedicine", "telehealth")],
)  # fmt: skip
def test_aliases_become_their_canonical_skill(canon: Canonicaliser, text: str, term: str) -> None:
    assert term in terms(canon, text)


def test_longest_phrase_wins(canon: Canonicaliser) -> None:
    assert terms(canon, "SMART on FHIR apps").count("smart_on_fhir") == 1
    assert "fhir" not in terms(canon, "SMART on FHIR")


def test_plural_of_a_phrase_matches(canon: Canonicaliser) -> None:
    assert terms(canon, "medical devices") == terms(canon, "medical device")


def test_short_acronyms_match_only_in_their_case(canon: Canonicaliser) -> None:
    assert "machine_learning" in terms(canon, "applied AI to triage")
    assert "machine_learning" not in terms(canon, "ai")


def test_one_letter_languages_need_a_list_context(canon: Canonicaliser) -> None:
    assert "c_lang" in terms(canon, "Languages: Java, C, Python")
    assert "c_lang" not in terms(canon, "I met John C. Smith in 2019")
    assert "r_lang" not in terms(canon, "Plan B or R. Jones")


def test_name_line_and_name_field_are_not_read(canon: Canonicaliser) -> None:
    assert terms(canon, "Jane Swift\nSwift developer") == terms(canon, "Maria Lopez\nSwift developer")
    assert "ci_cd" not in terms(canon, "Name: Sam Jenkins\nbackend work")
    assert "ci_cd" in terms(canon, "Deployed with Jenkins")


def test_job_title_on_the_first_line_is_read(canon: Canonicaliser) -> None:
    assert "software engineer" in terms(canon, "Senior Software Engineer\nsummary")


def test_addresses_and_emails_are_not_read(canon: Canonicaliser) -> None:
    text = "Contact fhir.dev@hospital.net or https://example.org/fhir-healthcare-jobs"
    assert terms(canon, text) == []


def test_benefits_boilerplate_is_not_healthcare_evidence(canon: Canonicaliser) -> None:
    assert terms(canon, "We offer health insurance and medical, dental and vision") == []


def test_repeated_lines_count_once(canon: Canonicaliser) -> None:
    once = canon.read("Built FHIR APIs for the hospital")
    thrice = canon.read("Built FHIR APIs for the hospital\n" * 3)
    assert thrice.all_terms == once.all_terms
    assert thrice.duplicate_lines == 2


def test_phrases_do_not_run_across_lines(canon: Canonicaliser) -> None:
    assert "data_warehouse" not in terms(canon, "clinical data\nwarehouse staff")


def test_keyword_list_lines_are_marked(canon: Canonicaliser) -> None:
    evidence = canon.read("Skills: FHIR, HL7, Epic, Cerner, DICOM\nI built a FHIR server in Java.")
    assert {"hl7", "epic", "cerner", "dicom"} <= evidence.listed_only
    assert "fhir" not in evidence.listed_only  # it also stands in a sentence


def test_snippet_shows_where_a_skill_was_found(canon: Canonicaliser) -> None:
    text = "Summary line.\nFor five years I maintained HL7 v2 interfaces between the lab and the EHR."
    snippet = canon.find_snippet(text, "hl7", context=20)
    assert "HL7 v2" in snippet and snippet.startswith("… ")


def test_protected_words_are_not_in_the_vocabulary(canon: Canonicaliser) -> None:
    protected = {
        "he", "she", "him", "her", "his", "hers", "man", "woman", "male", "female", "mr", "mrs", "ms",
        "mother", "father", "husband", "wife", "married", "single", "young", "old", "age", "aged",
        "years", "born", "birth", "pregnant", "religion", "nationality",
    }  # fmt: skip
    assert not protected & canon.terms
