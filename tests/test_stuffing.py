"""Gaming the fit buys nothing, and the flag says so; honest CVs are not accused.

Every text here is written for the test. The same kinds of stuffing are
measured on real CVs by bench/stuffing.py.
"""

from __future__ import annotations

import pytest

from hcdev_match.scoring.matcher import Matcher
from hcdev_match.text.career import weigh_lines
from hcdev_match.text.posting import split_posting

# Written for the test: a healthcare integration engineer's posting, in a posting's voice.
POSTING = """Senior Integration Engineer, Clinical Interfaces
About the role: you will own the HL7 v2 and FHIR interfaces between our EHR and partner labs.
What you'll do: build ADT and ORU feeds in Mirth Connect, map LOINC and SNOMED CT codes, and keep PHI safe.
You will work with our clinicians and our security team on HIPAA audits.
Requirements: 5+ years of experience with HL7 interfaces; FHIR R4 is a plus.
Familiarity with Epic Bridges or Cerner interfaces is preferred.
We offer a competitive salary, 401(k) matching, paid time off and parental leave.
We are an equal opportunity employer. Apply now through our careers page.
"""

KEYWORDS = (
    "Keywords: clinical decision support, CDS Hooks, sepsis alerts, risk scores, order sets, FHIR, HL7, "
    "HIPAA, EHR, Epic, predictive models, machine learning, evidence-based medicine, alert fatigue"
)


def test_a_keyword_line_pasted_again_and_again_is_flagged_and_shows_no_healthcare_setting(
    matcher: Matcher, samples: dict[str, str]
) -> None:
    base = matcher.assess(samples["outside_webshop"])
    stuffed = matcher.assess(samples["outside_webshop"] + "\n" + "\n".join([KEYWORDS] * 5))
    assert "keyword_stuffing" in stuffed.flags and "repeated_keywords" in stuffed.flags
    # Listed terms are claims, not a workplace: the healthcare factor does not move.
    assert stuffed.domain.healthcare == pytest.approx(base.domain.healthcare)
    assert stuffed.best.fit < 30


def test_a_keyword_line_pasted_three_times_buys_nothing(matcher: Matcher, samples: dict[str, str]) -> None:
    # Once it is an honest skills line (counted at a quarter); pasted again and again it is gamed.
    for name in ("outside_webshop", "outside_nurse", "ehr_1"):
        base = matcher.assess(samples[name])
        stuffed = matcher.assess(samples[name] + "\n" + "\n".join([KEYWORDS] * 3))
        assert "repeated_keywords" in stuffed.flags
        for fit in base.fits:
            assert stuffed.fit_of(fit.role).fit == pytest.approx(fit.fit), (name, fit.role)


# Written for the test: a short, terse posting whose first lines (title, employer,
# pay, mission) are in no one's voice, and a UK-style one with essential criteria.
TERSE_POSTING = """Staff Engineer, EHR Platform
Carewell Labs
Boston, MA / Remote
$180-210k base + equity
The Mission: help clinics and patients share lab results between hospitals in real time.
The Challenge: build the EHR integration platform that connects hundreds of health systems.
What You'll Build: HL7 and FHIR adapters for Epic and Cerner, and patient record APIs.
Healthcare experience helpful but not required; we'll teach you the domain.
"""
UK_POSTING = """PACS Systems Manager
An exciting opportunity has arisen for a PACS manager in our radiology department.
Main duties will be to run the PACS and RIS and the DICOM links to the modalities.
You will work with radiologists and the imaging IT team.
Experience of diagnostic imaging is essential; knowledge of HL7 is desirable.
For further details and informal visits contact the radiology manager.
"""


# Written for the test: a posting whose page about the employer has a year and
# little of a posting's voice, around a dense block of requirements.
LONG_POSTING = (
    "Senior FHIR Engineer\nCarewell Health\n"
    "Since 2014 Carewell has connected community hospitals and clinics across three states.\n"
    + POSTING
    + "Carewell runs the regional health information exchange for 40 hospitals.\n"
    "Its platform carries lab results, discharge summaries and referrals between clinicians.\n"
    "The engineering group is spread over Boston and Denver.\n"
    "Teams ship weekly and own their services in production.\n"
    "Most engineers came from hospitals, payers or health IT vendors.\n"
    "The office is near the river.\n"
)


def test_a_posting_is_set_apart_whole_where_its_voice_thins(matcher: Matcher, samples: dict[str, str]) -> None:
    for name in ("outside_fintech", "outside_webshop"):
        for text in (samples[name] + "\n\n" + LONG_POSTING, LONG_POSTING + "\n\n" + samples[name]):
            cv, cut = split_posting(text)
            assert all(line in cut and line not in cv for line in POSTING.splitlines()), name
            assert "Since 2014" in cut and "Senior FHIR Engineer" not in cv, name
            assert matcher.assess(text).best.fit < 30, name


def test_a_long_posting_pasted_after_a_short_cv_is_set_apart(matcher: Matcher) -> None:
    cv = (
        "Game Developer, Fun Co (2019 - Present)\nBuilt gameplay systems in C++ and Unity.\n"
        "Junior Developer, Pixel Ltd (2015 - 2019)\nWrote tools in C# for level designers.\n"
    )
    text = cv + "\n" + LONG_POSTING
    assert len(cv.split()) < 0.2 * len(text.split())  # the CV is a small part of the text
    kept, cut = split_posting(text)
    assert "Game Developer" in kept and all(line in cut for line in LONG_POSTING.splitlines())
    assert matcher.assess(text).best.fit < 30


def test_a_short_posting_is_set_apart_from_its_title_on(matcher: Matcher, samples: dict[str, str]) -> None:
    for name in ("outside_fintech", "outside_consumer_ios", "outside_webshop"):
        base = matcher.assess(samples[name])
        for posting in (TERSE_POSTING, UK_POSTING):
            cv, cut = split_posting(samples[name] + "\n\n" + posting)
            # Every line of the posting is in the part set apart, its title and pay too.
            assert all(line in cut and line not in cv for line in posting.splitlines()), (name, posting[:20])
            stuffed = matcher.assess(samples[name] + "\n\n" + posting)
            assert "posting_in_cv" in stuffed.flags
            assert stuffed.best.fit <= base.best.fit + 1e-9, (name, posting[:20])


def test_one_term_spammed_is_left_out(matcher: Matcher, samples: dict[str, str]) -> None:
    text = samples["ehr_1"]
    base = matcher.assess(text)
    for spam in (" ".join(["FHIR"] * 50), "\n".join(["FHIR"] * 50)):
        stuffed = matcher.assess(text + "\n" + spam)
        assert {"keyword_stuffing", "spammed_term"} <= set(stuffed.flags)
        assert stuffed.fit_of("ehr").fit <= base.fit_of("ehr").fit + 1e-9


def test_a_pasted_posting_is_set_apart_and_said(matcher: Matcher, samples: dict[str, str]) -> None:
    text = samples["outside_fintech"]
    base = matcher.assess(text)
    for stuffed_text in (text + "\n" + POSTING, POSTING + "\n" + text):
        stuffed = matcher.assess(stuffed_text)
        assert {"keyword_stuffing", "posting_in_cv"} <= set(stuffed.flags)
        assert stuffed.best.fit < 30
        assert stuffed.fit_of("ehr").fit == pytest.approx(base.fit_of("ehr").fit, abs=3)
        # No snippet is taken from the pasted posting.
        assert all("Mirth" not in m.snippet for f in stuffed.fits for m in f.matched)


def test_a_posting_on_its_own_is_scored_as_the_posting_it_is(matcher: Matcher) -> None:
    cv, posting = split_posting(POSTING)
    assert (cv, posting) == (POSTING, "")
    assessment = matcher.assess(POSTING)
    assert "keyword_stuffing" not in assessment.flags
    assert assessment.best.role == "ehr"


def test_honest_cvs_raise_no_stuffing_flag(matcher: Matcher, samples: dict[str, str]) -> None:
    for name, text in samples.items():
        assert "keyword_stuffing" not in matcher.assess(text).flags, name


def test_a_long_skills_section_is_a_note_not_an_accusation(matcher: Matcher) -> None:
    skills = [
        "Languages: Python, Java, SQL, TypeScript, C++, Kotlin, Swift",
        "Healthcare: HL7, FHIR, DICOM, HIPAA, EHR, Epic, Cerner, LOINC",
        "Tools: Docker, Kubernetes, Git, Terraform, Jenkins, Spark, pandas",
    ]
    assessment = matcher.assess("Software engineer.\n" + "\n".join(skills))
    assert "keyword_stuffing" not in assessment.flags
    assert "mostly_listed" in assessment.flags


def test_the_current_job_weighs_more_than_an_old_one(matcher: Matcher) -> None:
    ehr_job = (
        "- Built HL7 v2 ADT feeds and FHIR R4 APIs for the hospital's EHR, on Epic and Mirth Connect.\n"
        "- Mapped LOINC and SNOMED CT codes for lab results and kept patient records HIPAA compliant.\n"
    )
    games_job = (
        "- Built gameplay systems in C++ and Unity for a mobile puzzle game with two million players.\n"
        "- Wrote the matchmaking service in Go and tuned its PostgreSQL queries.\n"
    )
    hospital, games = "Integration Engineer, City Hospital", "Game Developer, Fun Co"
    now_ehr = f"{hospital} (2021 - Present)\n{ehr_job}{games} (2012 - 2015)\n{games_job}"
    then_ehr = f"{games} (2021 - Present)\n{games_job}{hospital} (2012 - 2015)\n{ehr_job}"
    assert matcher.assess(now_ehr).fit_of("ehr").fit > matcher.assess(then_ehr).fit_of("ehr").fit


def test_one_mention_in_a_long_past_job_still_counts_a_little(matcher: Matcher) -> None:
    text = (
        "Game Developer, Fun Co (2020 - Present)\nBuilt gameplay systems in C++ for a puzzle game.\n"
        "Intern, City Hospital (2001 - 2002)\nWrote one HL7 interface.\n"
    )
    strengths = matcher.assess(text).strengths
    assert 0 < strengths["hl7"] < strengths["cpp"]
    assert all(value > 0 for value in strengths.values())


def test_line_weights_follow_the_dates_of_each_entry() -> None:
    lines = [
        "Summary: developer",
        "Engineer, A (May 2019 - Present)",
        "built things",
        "Engineer, B (2014 - 2017)",
        "built older things",
        "Skills",
        "Python",
    ]
    weights = weigh_lines(lines)
    assert weights[0] == weights[1] == weights[2] == 1.0  # summary and the current job
    assert 0.4 <= weights[3] == weights[4] < 1.0  # the older job
    assert weights[5] == weights[6] == 1.0  # a heading ends the entry
    assert weigh_lines(["Engineer (2014 - 2017)", "did things"]) == [1.0, 1.0]  # one entry: nothing is older


def test_blind_review_takes_no_snippet_from_a_pasted_posting(matcher: Matcher, samples: dict[str, str]) -> None:
    from hcdev_match.documents.intake import read_batch
    from hcdev_match.workflows.ranking import Ranking

    cv = (POSTING + "\n" + samples["ehr_1"]).encode()
    ranking = Ranking(matcher, read_batch([("cv.txt", cv)]).items)
    for blind in (False, True):
        check = ranking.explain("C001", blind=blind)
        assert "posting_in_cv" in check.flags
        assert all("you will" not in m.snippet.lower() for f in check.assessment.fits for m in f.matched), blind
