"""The matcher: known answers on a tiny corpus, and behaviour on the project's samples."""

from __future__ import annotations

import math

import pytest

from hcdev_match.scoring.matcher import Matcher

ROLES = ("ehr", "imaging", "mobile", "cds", "telemedicine", "device", "analytics")


def test_tiny_corpus_fit_matches_the_documented_formula(tiny: Matcher) -> None:
    # Reference corpus: "alpha beta", "gamma ray beta" (2 documents).
    idf_alpha = math.log(3 / 2) + 1  # smooth idf, alpha in 1 of 2 documents
    assert tiny.idf[tiny.index["alpha"]] == pytest.approx(idf_alpha)
    assert tiny.idf[tiny.index["beta"]] == pytest.approx(1.0)
    # Role one: alpha must-have (1.0), beta nice-to-have (0.5); alpha is specific
    # to role one (specificity idf over 2 roles = idf_alpha), beta is shared (1.0).
    # Both show a healthcare setting, so both weigh 1 + domain_term_boost (3) more;
    # the profile has fewer than profile_terms (10) terms, so all of it is full coverage.
    boost = 3.0
    weight_alpha, weight_beta = 1.0 * idf_alpha * idf_alpha * boost, 0.5 * 1.0 * 1.0 * boost
    strength = 1 / (1 + math.log(3))  # one mention, term_cap 3
    coverage = strength * weight_alpha / (weight_alpha + weight_beta)
    software = 1 - math.exp(-strength / 2.0)  # software scale 2
    healthcare = 1 - math.exp(-((strength / 4.0) ** 2))  # healthcare scale 4, shape 2
    calibrated = (1 - math.exp(-coverage / 0.15)) / (1 - math.exp(-1 / 0.15))
    expected = 100 * software * healthcare * 1.0 * calibrated

    assessment = tiny.assess("alpha")
    assert assessment.fit_of("one").coverage == pytest.approx(coverage)
    assert assessment.fit_of("one").fit == pytest.approx(expected)
    assert assessment.fit_of("two").fit == 0.0
    assert assessment.best.role == "one"


def test_repeats_beyond_the_cap_add_nothing(tiny: Matcher) -> None:
    def mentions(n: int) -> str:
        return "\n".join(f"In project {i} I used alpha." for i in range(n))

    three = tiny.assess(mentions(3)).fit_of("one").fit
    assert tiny.assess(mentions(9)).fit_of("one").fit == pytest.approx(three)
    assert three > tiny.assess(mentions(1)).fit_of("one").fit


def test_alias_scores_as_its_skill_on_the_tiny_corpus(tiny: Matcher) -> None:
    assert tiny.assess("alfa").fit_of("one").fit == tiny.assess("alpha").fit_of("one").fit


def test_every_sample_cv_fits_its_own_role_best(matcher: Matcher, samples: dict[str, str]) -> None:
    for name, text in samples.items():
        if name.startswith("outside_"):
            continue
        role = name.rsplit("_", 1)[0]
        assessment = matcher.assess(text)
        assert assessment.best.role == role, (name, [(f.role, round(f.fit)) for f in assessment.fits[:3]])
        assert assessment.best.fit >= 45, name


def test_texts_from_outside_healthcare_software_fit_clearly_lower(matcher: Matcher, samples: dict[str, str]) -> None:
    inside = [matcher.assess(t).best.fit for n, t in samples.items() if not n.startswith("outside_")]
    outside = {n: matcher.assess(t).best.fit for n, t in samples.items() if n.startswith("outside_")}
    assert {"outside_nurse", "outside_webshop"} <= set(outside)
    assert max(outside.values()) < 15
    assert min(inside) - max(outside.values()) > 30


def test_fits_are_sorted_and_cover_all_roles(matcher: Matcher, samples: dict[str, str]) -> None:
    assessment = matcher.assess(samples["ehr_1"])
    fits = [f.fit for f in assessment.fits]
    assert fits == sorted(fits, reverse=True)
    assert {f.role for f in assessment.fits} == set(ROLES)
    assert all(0 <= f <= 100 for f in fits)


def test_term_contributions_add_up_to_the_fit(matcher: Matcher, samples: dict[str, str]) -> None:
    for name in ("ehr_1", "imaging_2", "outside_nurse"):
        for fit in matcher.assess(samples[name]).fits:
            assert sum(t.contribution for t in fit.terms) == pytest.approx(fit.fit, abs=1e-9)


def test_explanation_lists_matched_skills_with_snippets_and_missing_by_tier(
    matcher: Matcher, samples: dict[str, str]
) -> None:
    fit = matcher.assess(samples["ehr_1"]).fit_of("ehr")
    matched = {m.skill: m for m in fit.matched}
    assert "hl7" in matched and "HL7" in matched["hl7"].snippet
    assert matched["hl7"].tier == "must_have"
    role = matcher.catalogue.roles["ehr"]
    assert set(fit.missing["must_have"]) == set(role.must_have) - set(matched)
    assert set(fit.missing["nice_to_have"]) <= set(role.nice_to_have)


def test_scores_are_deterministic_across_models(samples: dict[str, str]) -> None:
    first, second = Matcher.from_paths(), Matcher.from_paths()
    for text in list(samples.values())[:5]:
        assert first.assess(text).to_dict() == second.assess(text).to_dict()


def test_catalogue_version_is_reported_with_every_result(matcher: Matcher) -> None:
    assert matcher.assess("FHIR developer").catalogue_version == matcher.catalogue.version


def test_too_little_text_is_flagged(matcher: Matcher) -> None:
    assert "too_little_text" in matcher.assess("EHR developer, HL7 and FHIR.").flags


def test_repeated_keyword_block_is_flagged_and_buys_nothing(matcher: Matcher, samples: dict[str, str]) -> None:
    base = samples["outside_webshop"]
    block = "EHR HL7 FHIR Epic Cerner HIPAA interoperability clinical workflows SQL security"
    once = matcher.assess(base + "\n" + block)
    stuffed = matcher.assess(base + ("\n" + block) * 40)
    assert "keyword_stuffing" in stuffed.flags and "repeated_keywords" in stuffed.flags
    # Forty copies are spam: left out, so they buy less than the line once.
    assert stuffed.fit_of("ehr").fit <= once.fit_of("ehr").fit
    assert stuffed.best.fit < 30


def test_keyword_list_counts_less_than_the_same_skills_in_sentences(matcher: Matcher) -> None:
    listed = matcher.assess("Skills: DICOM, PACS, MRI, OpenCV, C++, Python, radiology")
    prose = matcher.assess(
        "Wrote DICOM routing for the PACS.\nTuned MRI reconstruction with OpenCV.\n"
        "Wrote C++ and Python tools.\nWorked with radiology."
    )
    assert listed.fit_of("imaging").coverage < prose.fit_of("imaging").coverage


def test_a_web_stack_does_not_decide_which_healthcare_role_fits(matcher: Matcher) -> None:
    # Written for the test: a full-stack engineer on an EHR product. The web stack
    # is shared by every role; the EHR and FHIR work decide the role.
    cv = (
        "Software Engineer, Brightside Health (2019 - Present)\n"
        "Built the electronic health record's FHIR API middleware in Go.\n"
        "Wrote the React and TypeScript front end and the Node.js microservices behind it.\n"
        "Deployed the back end on AWS with Docker and Kubernetes, and wrote the REST API tests.\n"
        "Built the web application for medical practices and their patients.\n"
    )
    assert matcher.assess(cv).best.role == "ehr"


def test_a_sentence_naming_many_skills_is_prose_and_a_bare_run_of_names_a_list(matcher: Matcher) -> None:
    sentence = matcher.canonicaliser.read(
        "Integrated HealthKit and Fitbit REST APIs to gather patient data for clinics."
    )
    assert not sentence.listed_only and {"healthkit", "wearables", "rest_api", "clinical_data"} <= set(
        sentence.all_terms
    )
    for line in ("Python Java SQL Docker Kubernetes", "Skills: HealthKit, Fitbit, REST APIs, patient data"):
        assert matcher.canonicaliser.read(line).listed_only, line


def test_clinical_practice_lowers_the_fit_only_against_software_evidence(
    matcher: Matcher, samples: dict[str, str]
) -> None:
    developer = samples["ehr_3"]
    career_changer = developer + "\nBefore moving into software I was a registered nurse on a surgical ward."
    d, c, n = (matcher.assess(t).domain.focus for t in (developer, career_changer, samples["outside_nurse"]))
    assert c < d and c > 0.8  # a developer who once nursed still reads as a developer
    assert n < 0.2  # a nurse who uses the EHR does not
