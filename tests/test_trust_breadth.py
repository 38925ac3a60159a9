"""The ``nearly_every_role`` note: a text whose fits were bought by naming every role's skills says so.

A sentence that names a role's skills raises that role's fit, so prose that
names the skills of every role, with no line twice and no keyword list,
reads as good or strong for all of them while none of the gaming flags sees
it. No real text of the development sets is good on more than four of the
seven roles; such a text is on six or seven. The texts here are written for
these tests: two generated name-droppers, a focused CV and an honest broad one.
"""

from __future__ import annotations

import json
from itertools import zip_longest
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from hcdev_match.catalogue.reference import DEFAULT_REFERENCE_DIR, load_reference_corpus
from hcdev_match.config import MatchConfig
from hcdev_match.documents.document import Document
from hcdev_match.documents.intake import UploadItem
from hcdev_match.scoring.assessment import FLAG_MESSAGES
from hcdev_match.scoring.matcher import Matcher
from hcdev_match.scoring.trust import BROAD, GOOD_FIT, broad_rows
from hcdev_match.storage.accounts import add_user
from hcdev_match.storage.store import Store
from hcdev_match.workflows.fitcheck import check_fit
from hcdev_match.workflows.ranking import Ranking

from .conftest import EVAL, ROOT, SAMPLES, sign_in_session

#: Phrases naming each role's must-haves ...
MUST_HAVES = {
    "ehr": ["HL7 v2 and FHIR interfaces", "the Epic EHR", "interoperability", "clinical workflow reviews"],
    "imaging": ["DICOM routing", "a PACS viewer", "CT and MRI series", "radiology worklists"],
    "mobile": ["an iOS app in Swift", "an Android app in Kotlin", "accessibility audits"],
    "cds": ["clinical decision support alerts", "predictive models", "evidence-based medicine"],
    "telemedicine": ["telehealth video visits", "WebRTC calls", "remote patient monitoring", "secure messaging"],
    "device": ["embedded C firmware", "IEC 62304 software items", "ISO 14971 files", "verification and validation"],
    "analytics": ["ETL jobs", "a data warehouse", "population health reports", "clinical data marts"],
}
#: ... and phrases naming hardly any must-have: each role's nice-to-haves.
NICE_TO_HAVES = {
    "ehr": ["MUMPS routines", "HAPI FHIR servers", "a Mirth interface engine", "C-CDA exports", "SMART on FHIR apps"],
    "imaging": ["an Orthanc archive", "an OHIF viewer", "a 3D Slicer plugin", "MONAI models", "DICOMweb endpoints"],
    "mobile": ["HealthKit sync", "Health Connect data", "a patient portal", "consumer health tracking"],
    "cds": ["sepsis alerts", "CDS Hooks services", "clinical pathways", "order sets", "drug interaction checks"],
    "telemedicine": ["a virtual waiting room", "eConsent screens", "care delivery routing", "a clinician network"],
    "device": ["21 CFR Part 11 audit trails", "IEC 60601 test rigs", "ISO 13485 records", "an FDA 510(k) file"],
    "analytics": ["OMOP tables", "cohort analysis", "revenue cycle reports", "health outcomes studies"],
}
PLACES = (
    "a regional hospital group", "a children's hospital", "a network of clinics", "a university medical centre",
    "a home care provider", "a cancer centre", "an integrated health system", "a rehabilitation clinic",
    "a maternity hospital", "a cardiology practice", "a primary care group", "a dialysis network",
)  # fmt: skip


def scattershot(phrases: dict[str, list[str]]) -> str:
    """Prose naming every role's skills: each sentence mixes three roles; no line twice, no keyword list."""
    mixed = [p for row in zip_longest(*phrases.values()) for p in row if p]
    lines = ["Chris Sample", "Software engineer for healthcare.", ""]
    for n in range(0, len(mixed), 3):
        *first, last = mixed[n : n + 3]
        built = f"{', '.join(first)} alongside {last}" if first else last
        lines.append(f"At {PLACES[n // 3 % len(PLACES)]} I built {built} for the care teams there.")
    return "\n".join(lines) + "\n"


FOCUSED = """Morgan Fielding
Embedded software engineer, medical devices

EXPERIENCE
Senior Firmware Engineer - Corvane Medical, insulin pump division (2019 - present)
- Own the pump's motor control and occlusion detection firmware, in embedded C on an ARM Cortex-M4 with FreeRTOS.
- Keep our software items and their architecture documents current for IEC 62304 class C, and write the unit and
  integration tests that verification runs.
- Take part in ISO 14971 hazard analysis: I trace each software risk control to a requirement and a test.
- Ran the verification and validation of two firmware releases with the test team, from protocols to the final report.

Firmware Engineer - Halden Diagnostics, patient monitors (2015 - 2019)
- Wrote drivers for the SpO2 and ECG front ends in C and C++, and the alarm logic the bedside monitor raises.
- Moved the build to CMake and added static analysis (MISRA C checks) to the nightly pipeline.
- Supported the 510(k) submission with software documentation and anomaly lists.

EDUCATION
MSc Electrical Engineering, 2015

SKILLS
C, C++, FreeRTOS, ARM Cortex-M, CMake, Python for test tooling, IEC 62304, ISO 14971, ISO 13485
"""

#: A real kind of broad career: interfaces, then the warehouse they feed, then decision support on that data.
HONEST_BROAD = """Jordan Okafor
Integration and data engineer in hospital IT

SUMMARY
Twelve years in a hospital's IT department: first the interfaces between our clinical systems, then the data
warehouse those interfaces feed, and lately the decision support built on that data.

EXPERIENCE
Clinical Data Engineer - St. Elsewhere University Hospital (2020 - present)
- Built the nightly ETL from our Epic EHR into the enterprise data warehouse in SQL and Python, with data quality
  checks the analysts trust.
- Wrote the population health dashboards the diabetes and heart failure programmes use to find patients overdue for
  review.
- With two intensivists, turned a sepsis early warning score into a clinical decision support alert in Epic, and
  trained a predictive model (gradient boosting in scikit-learn) to cut false alarms; we follow alert fatigue monthly.

Interface Analyst, later Interface Engineer - St. Elsewhere University Hospital (2013 - 2020)
- Ran the hospital's Mirth interface engine: HL7 v2 ADT, ORM and ORU feeds between the EHR, the lab system and
  radiology.
- Built our first FHIR R4 APIs for the patient app team and mapped lab results to LOINC codes.
- Sat with ward nurses to learn their clinical workflow before each go-live, and handled HIPAA access reviews for the
  interfaces.

EDUCATION
BSc Computer Science, 2012

SKILLS
SQL, Python, Mirth Connect, HL7 v2, FHIR, Epic Clarity, scikit-learn, Tableau
"""

TEXTS = {
    "names every role's must-haves": scattershot(MUST_HAVES),
    "names every role's nice-to-haves": scattershot(NICE_TO_HAVES),
    "focused device CV": FOCUSED,
    "honest broad CV": HONEST_BROAD,
}
NAME_DROPPERS = ["names every role's must-haves", "names every role's nice-to-haves"]


def good_roles(fits: list[float]) -> int:
    return sum(fit >= GOOD_FIT for fit in fits)


@pytest.mark.parametrize("name", NAME_DROPPERS)
def test_a_text_naming_every_roles_skills_reads_good_for_nearly_every_role_and_is_noted(
    matcher: Matcher, name: str
) -> None:
    assessment = matcher.assess(TEXTS[name])
    assert good_roles([f.fit for f in assessment.fits]) >= 6  # what was bought: good or strong on 6 of 7
    assert assessment.flags == (BROAD,)  # the only flag: no gaming flag sees such prose


def test_the_note_separates_name_dropping_from_a_focused_and_an_honest_broad_cv(matcher: Matcher) -> None:
    assessed = {name: matcher.assess(text) for name, text in TEXTS.items()}
    assert [name for name, a in assessed.items() if BROAD in a.flags] == NAME_DROPPERS
    broad = assessed["honest broad CV"]
    assert good_roles([f.fit for f in broad.fits]) == 3 and broad.best.band == "strong"  # broad, and not noted
    assert assessed["focused device CV"].best.role == "device" and not assessed["focused device CV"].flags


def test_nearly_every_role_is_six_of_seven_roles_good_and_never_fewer_than_five() -> None:
    fits = np.array(
        [
            [60.0] * 6 + [0.0],  # six good roles of seven: noted
            [99.0] * 5 + [59.9, 0.0],  # five good, one just below the band: not
            [GOOD_FIT - 0.01] * 7,
        ]
    )
    assert broad_rows(fits, MatchConfig()).tolist() == [True, False, False]
    assert broad_rows(np.full((1, 4), 95.0), MatchConfig()).tolist() == [False]  # a catalogue of four roles: never
    assert broad_rows(np.full((1, 4), 95.0), MatchConfig(broad_roles_min=4)).tolist() == [True]
    with pytest.raises(ValueError, match="broad_roles_share"):
        MatchConfig(broad_roles_share=0.0)


def test_the_note_changes_no_fit(matcher: Matcher) -> None:
    quiet = Matcher(
        matcher.catalogue, load_reference_corpus(DEFAULT_REFERENCE_DIR), config=MatchConfig(broad_roles_min=8)
    )
    text = TEXTS["names every role's nice-to-haves"]
    noted, plain = matcher.assess(text), quiet.assess(text)
    assert BROAD in noted.flags and BROAD not in plain.flags
    assert [(f.role, f.fit, f.coverage) for f in noted.fits] == [(f.role, f.fit, f.coverage) for f in plain.fits]


def test_every_way_of_scoring_raises_it_the_ranking_and_the_fit_check_too(matcher: Matcher) -> None:
    texts = [TEXTS["names every role's must-haves"], FOCUSED, TEXTS["names every role's nice-to-haves"]]
    noted = [True, False, True]
    assert [BROAD in flags for flags in matcher.fit_table(texts).flags] == noted  # rank, archive, evaluation
    assert [BROAD in a.flags for a in matcher.assess_many(texts, snippets=False)] == noted
    assert [BROAD in check_fit(matcher, text=t).flags for t in texts] == noted
    assert [BROAD in matcher.flags_of(e) for e in matcher.read(texts)] == noted  # without its fits: made for it
    items = [UploadItem(f"cv{n}.txt", Document(f"cv{n}.txt", "txt", t)) for n, t in enumerate(texts)]
    ranking = Ranking(matcher, items)
    table = ranking.table(roles=["device"])  # an opening for one role: the note reads the texts' own fits
    assert [BROAD in row.split(", ") for row in table.sort_values("candidate")["flags"]] == noted
    assert BROAD in ranking.explain("C001", blind=True).flags


def test_of_the_real_texts_the_samples_and_the_name_droppers_only_the_name_droppers_are_noted(
    matcher: Matcher,
) -> None:
    folder = EVAL
    if not all((folder / n).exists() for n in ("dev.jsonl", "dev_cvs.jsonl")):
        pytest.skip("the development sets are not beside the clone")
    real = [
        json.loads(line)["text"]
        for n in ("dev.jsonl", "dev_cvs.jsonl")
        for line in (folder / n).read_text(encoding="utf-8").splitlines()
    ]
    samples = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    dropped = [TEXTS[n] for n in NAME_DROPPERS]
    table = matcher.fit_table(real + samples + dropped)
    honest = len(real) + len(samples)
    assert max(good_roles(list(row)) for row in table.fits[:honest]) <= 4  # the broadest real text: good on 4 of 7
    assert [n for n, flags in enumerate(table.flags) if BROAD in flags] == list(range(honest, len(table.flags)))


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    monkeypatch.setenv("HCDEV_DATABASE_URL", url)
    return url


def test_the_fit_check_page_shows_the_note_beside_the_fits(database: str) -> None:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30).run()
    at.text_area(key="cv_text").input(TEXTS["names every role's nice-to-haves"])
    at = at.button(key="score_cv").click().run()
    assert not at.exception
    assert FLAG_MESSAGES[BROAD] in [w.value for w in at.warning]
    at.text_area(key="cv_text").input(HONEST_BROAD)
    at = at.button(key="score_cv").click().run()
    assert FLAG_MESSAGES[BROAD] not in [w.value for w in at.warning]


def test_the_recruiter_tables_flags_column_shows_it(database: str) -> None:
    user = add_user(Store.from_url(database), "ana", role="recruiter", password="correct horse battery")
    at = AppTest.from_file(str(ROOT / "pages/3_Recruiter.py"), default_timeout=60)
    at = sign_in_session(at, "recruiter", name="ana", user_id=user.id).run()
    files = [("dropper.txt", TEXTS["names every role's must-haves"].encode()), ("focused.txt", FOCUSED.encode())]
    at.file_uploader(key="batch_files").set_value([(n, d, "text/plain") for n, d in files]).run()
    at = at.button(key="rank_batch").click().run()
    assert not at.exception
    table = at.dataframe[0].value
    # Blind review is on by default: the candidates are codes, in upload order.
    assert dict(zip(table["candidate"], table["flags"], strict=True)) == {"C001": BROAD, "C002": ""}
