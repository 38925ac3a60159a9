"""Blind review: what it hides (the person), what it keeps (the work), and that it never moves a score.

Every name, number and address here is invented.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from hcdev_match.documents.intake import read_batch
from hcdev_match.scoring.matcher import Matcher
from hcdev_match.text.redaction import MASK, mask_file_names, mask_personal_details
from hcdev_match.workflows.fitcheck import FitCheck
from hcdev_match.workflows.ranking import Ranking

from .conftest import EVAL, SAMPLES

EVAL_FILES = ("dev.jsonl", "dev_cvs.jsonl")

WORK = (
    "Experience\n"
    "2015 - 2019 Software engineer, Northwind Health\n"
    "Image analysis and segmentation pipelines for CT and MRI in Python with PyTorch\n"
    "Built HL7 v2 and FHIR R4 interfaces for an EHR; IEC 62304 and ISO 13485:2016 documentation\n"
    "Mobile: iOS, Android\n"
)

# (header, what must disappear). Real-world header shapes, invented people.
HEADERS: list[tuple[str, tuple[str, ...]]] = [
    ("Jane Doe", ("Jane", "Doe")),
    ("Jane Doe, MSc", ("Jane", "Doe")),
    ("Grace Adeyemi-Okoro, RN, BSN", ("Grace", "Adeyemi-Okoro")),
    ("Jane Doe | Senior Developer", ("Jane", "Doe")),
    ("Jane Doe - Clinical Data Engineer", ("Jane", "Doe")),
    ("Jane Doe – Nurse Informaticist", ("Jane", "Doe")),
    ("Jane Doe (she/her)", ("Jane", "Doe", "she/her")),
    ("Curriculum Vitae\n\nJane Doe\nSenior developer", ("Jane", "Doe")),
    ("RESUME\nJANE DOE", ("JANE", "DOE")),
    ("Résumé\nLucas Ferreira da Silva", ("Lucas", "Ferreira", "Silva")),
    ("# Dr. Anneke van der Berg", ("Anneke", "Berg", "Dr.")),
    ("**Mrs Ottoline Pemberton-Shaw**", ("Ottoline", "Pemberton-Shaw", "Mrs")),
    ("Name: Kofi Mensah-Arthur", ("Kofi", "Mensah-Arthur")),
    ("Full name - Ines Carvalho", ("Ines", "Carvalho")),
    ("Tomasz Zielinski\nDOB 01/01/1990", ("Zielinski", "01/01/1990")),
    ("Tomasz Zielinski\nD.O.B.: 3 March 1990", ("Zielinski", "3 March 1990")),
    ("Tomasz Zielinski\nDate of birth 1990-03-03", ("Zielinski", "1990-03-03")),
    ("Tomasz Zielinski\nBorn 1990", ("Zielinski", "1990")),
    ("Tomasz Zielinski\nBorn in Gdansk, Poland", ("Zielinski", "Gdansk")),
    ("Tomasz Zielinski\nAge 34", ("Zielinski", "34")),
    ("Tomasz Zielinski | Age: 34 | Male", ("Zielinski", "34", "Male")),
    ("Tomasz Zielinski\n34 years old", ("Zielinski", "34 years")),
    ("Priya Natarajan\nPronouns: she/her", ("Natarajan", "she/her")),
    ("Priya Natarajan\nGender: Female", ("Natarajan", "Female")),
    ("Priya Natarajan\nNationality: Ruritanian | Marital status: married", ("Ruritanian", "married")),
    ("Priya Natarajan\npriya.n@example.com | +44 7700 900123", ("priya.n@example.com", "7700", "900123")),
    ("Priya Natarajan\nlinkedin.com/in/priya-n-123 | github.com/priyan", ("priya-n-123", "priyan")),
    ("Priya Natarajan\nLinkedIn: priya-natarajan | GitHub: @priyacodes", ("priya-natarajan", "priyacodes")),
    ("Priya Natarajan\nhttps://www.linkedin.com/in/pnatarajan/", ("pnatarajan",)),
    ("Priya Natarajan\n@priyacodes", ("priyacodes",)),
    ("Priya Natarajan\nPhone: (555) 123-4567", ("123-4567",)),
    ("Priya Natarajan\n555-123-4567 · 555.987.6543", ("123-4567", "987.6543")),
    ("Priya Natarajan\nMobile: +49 (0) 30 1234567", ("1234567",)),
    ("Priya Natarajan\nTel 0161 496 0000", ("496 0000",)),
    ("Priya Natarajan\n+91 98765 43210 | 06 12 34 56 78", ("98765", "34 56 78")),
    ("Priya Natarajan\n12 Harbour Street, Leeds LS1 4AP", ("Harbour", "LS1 4AP", "Leeds")),
    ("Priya Natarajan\nFlat 3, 221B Baker Street, London NW1 6XE", ("Baker", "NW1 6XE")),
    ("Priya Natarajan\n742 Evergreen Terrace, Springfield, IL 62704", ("Evergreen", "62704", "Springfield")),
    ("Priya Natarajan\nHauptstraße 5, 10115 Berlin", ("Hauptstraße", "10115")),
    ("Priya Natarajan\nAddress: Keizersgracht 1, 1015 CJ Amsterdam", ("Keizersgracht", "1015 CJ")),
    ("Priya Natarajan\n[Photo]", ("[Photo]",)),
    ("Priya Natarajan\n![headshot](portrait.jpg)", ("headshot", "portrait.jpg")),
]


@pytest.mark.parametrize(("header", "secrets"), HEADERS, ids=[h.split("\n")[-1][:40] for h, _ in HEADERS])
def test_blind_review_hides_the_person_in_common_cv_headers(header: str, secrets: tuple[str, ...]) -> None:
    masked = mask_personal_details(header + "\n" + WORK)
    assert masked.endswith(WORK), masked  # the work after the header is all still there, as written
    head = masked[: -len(WORK)]
    for secret in secrets:
        assert secret not in head, (secret, head)
    assert MASK in head


# Work lines that look like something personal to a careless pattern; none is.
WORK_LINES = [
    "Image analysis and segmentation pipelines",
    "Images: DICOM, NIfTI",
    "2015 - 2019 Software engineer",
    "2015-2019 | 2019 – present",
    "Jan 2015 – Mar 2019",
    "01/2015 - 03/2019",
    "05.2015-07.2019 Developer at a hospital trust",
    "September 2012 - June 2016: BSc Computer Science",
    "ISO 13485:2016 and IEC 62304 compliance for 1,200,000 patients",
    "Reduced report turnaround from 2400 to 1800 minutes",
    "Mobile: iOS, Android",
    "Mobile - React Native and Flutter",
    "GitHub: Actions, Copilot",
    "Age-related macular degeneration screening models",
    "Patients aged 65 and over",
    "Name resolution and master patient index (EMPI) matching",
    "Address validation service for patient registration",
    "Born-digital records migration",
    "Gender-affirming care pathways in the EHR",
    "@Override annotations in the Java HL7 listeners",
    "Worked with Swift, Go and Rust",
]


@pytest.mark.parametrize("line", WORK_LINES)
def test_blind_review_keeps_work_that_looks_personal(line: str) -> None:
    text = "Jane Doe\nSenior developer\n\nExperience\n" + line + "\n"
    assert mask_personal_details(text).endswith("\n" + line + "\n")


def test_a_surname_that_is_a_skill_is_hidden_in_the_name_only(matcher: Matcher) -> None:
    cv = "Jane Swift\n\nPublications: Swift, J. (2021). Mobile triage.\nBuilt the iOS app in Swift and SwiftUI.\n"
    ranking = Ranking(matcher, read_batch([("cv.txt", cv.encode())]).items)
    shown = ranking.explain("C001", blind=True).text
    assert "Jane" not in shown and "Swift, J." not in shown
    assert "in Swift and SwiftUI" in shown  # the language, a catalogue word, stays


def test_file_and_member_names_are_hidden_in_failure_messages() -> None:
    names = ["cvs.zip/jane-swift-cv.exe", "Priya Natarajan", "priya_natarajan_resume.pdf"]
    messages = [
        "jane-swift-cv.exe: not a CV file (.pdf, .docx, .txt, .md)",
        "batch.csv, line 3: the text is empty (Priya Natarajan)",
        "priya_natarajan_resume.pdf: the PDF has no text layer (it looks like a scan)",
    ]
    for message in messages:
        masked = mask_file_names(message, names, label="file 1")
        for secret in ("jane", "swift", "priya", "natarajan"):
            assert secret not in masked.lower(), masked
        assert "file 1" in masked


def _assessed(check: FitCheck) -> dict[str, Any]:
    """Everything scored about a candidate: fits, matched skills, contributions, domain, flags; no snippet."""
    out = check.assessment.to_dict()
    for fit in out["fits"]:
        for skill in fit["matched_skills"]:
            del skill["snippet"]
    out["flags"] = list(check.flags)
    return out


def _check_ranking_blind_and_open(ranking: Ranking) -> list[str]:
    """Problems found: an explanation that differs from its row or from the other view."""
    problems = []
    rows = ranking.table(roles=list(ranking.matcher.roles)).set_index("candidate")
    for n, candidate in enumerate(ranking.ids):
        blind, shown = ranking.explain(candidate, blind=True), ranking.explain(candidate, blind=False)
        if _assessed(blind) != _assessed(shown):
            problems.append(f"{ranking.sources[n]}: blind review changed the assessment")
        for fit in blind.assessment.fits:
            if round(fit.fit, 1) != rows.loc[candidate, fit.role]:
                problems.append(
                    f"{ranking.sources[n]}: {fit.role} explained {fit.fit:.1f}, ranked {rows.loc[candidate, fit.role]}"
                )
        for before, after in zip(shown.assessment.fits, blind.assessment.fits, strict=True):
            for a, b in zip(before.matched, after.matched, strict=True):
                if a.snippet and (not b.snippet or b.snippet == MASK):
                    problems.append(f"{ranking.sources[n]}: masking hid every mention of {a.skill}")
    return problems


def _eval_texts() -> list[tuple[str, str]]:
    missing = [name for name in EVAL_FILES if not (EVAL / name).is_file()]
    if missing:
        pytest.skip(
            f"the real evaluation texts are not beside the clone ({EVAL}: {', '.join(missing)} missing); "
            "set HCDEV_EVAL_DIR to the folder that holds them"
        )
    texts = []
    for name in EVAL_FILES:
        with (EVAL / name).open(encoding="utf-8") as lines:
            texts += [(f"{name}:{row['id']}", row["text"]) for row in map(json.loads, lines)]
    return texts


def test_blind_review_changes_nothing_scored_on_any_real_text(matcher: Matcher) -> None:
    texts = _eval_texts()
    ranking = Ranking(matcher, read_batch([(f"{n:03d}.txt", text.encode()) for n, (_, text) in enumerate(texts)]).items)
    assert len(ranking) == len(texts), [f.error for f in ranking.failures]
    problems = _check_ranking_blind_and_open(ranking)
    assert not problems, problems


def test_blind_review_changes_nothing_scored_on_the_samples(matcher: Matcher) -> None:
    files = [(p.name, p.read_bytes()) for p in sorted(SAMPLES.glob("*.txt"))]
    files.append(("imaging-extra.txt", (HEADERS[0][0] + "\n" + WORK).encode()))
    ranking = Ranking(matcher, read_batch(files).items)
    assert not _check_ranking_blind_and_open(ranking)
    for candidate, text in zip(ranking.ids, ranking.texts, strict=True):
        name = text.split("\n", 1)[0]  # every sample starts with its author's (invented) name
        snippets = [m.snippet for f in ranking.explain(candidate, blind=True).assessment.fits for m in f.matched]
        assert not [s for s in snippets if name in s or "@" in s], (candidate, name)
    blind = ranking.explain(ranking.ids[-1], blind=True)
    assert WORK in blind.text and blind.source == ranking.ids[-1]
