"""The fit check as a candidate meets it: a number explained, an honest no-fit, one source scored, a scale."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from hcdev_match.scoring.assessment import Assessment, DomainEvidence, RoleFit
from hcdev_match.scoring.matcher import Matcher
from hcdev_match.workflows.verdict import Verdict, read_verdict

from .conftest import ROOT, SAMPLES
from .files import CV_LINES, make_pdf


@pytest.fixture(autouse=True)
def temporary_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HCDEV_DATABASE_URL", f"sqlite:///{tmp_path / 'app.sqlite3'}")


def home() -> AppTest:
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30).run()


def score_text(at: AppTest, text: str) -> AppTest:
    at.text_area(key="cv_text").input(text)
    return at.button(key="score_cv").click().run()


def shown(at: AppTest) -> str:
    kinds = ("markdown", "caption", "info", "warning", "error", "header", "subheader", "text", "metric")
    return "\n".join(str(e.value) for kind in kinds for e in getattr(at, kind))


def chart_titles(at: AppTest) -> list[str]:
    titles = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        titles.append(spec.get("title", ""))
    return titles


@pytest.mark.parametrize("sample", ["outside_nurse", "outside_pharmacist"])
def test_a_clinicians_cv_gets_an_honest_no_fit_not_a_best_fit_of_zero(sample: str) -> None:
    at = score_text(home(), (SAMPLES / f"{sample}.txt").read_text())
    assert not at.exception
    assert [h.value for h in at.header] == ["No healthcare software role fits this text"]
    text = shown(at)
    assert "Best fit" not in text and "0 / 100" not in text and "about +0" not in text
    assert "clinical or care work rather than building software" in text
    assert "describe that work" in text  # the advice covers what held it down
    assert not at.metric and not at.dataframe
    assert chart_titles(at) == ["How to read a fit"]  # the scale only: no empty fit or terms chart
    assert "A person decides" in text


def test_software_outside_healthcare_is_told_so_in_one_sentence_with_advice_that_covers_it() -> None:
    at = score_text(home(), (SAMPLES / "outside_fintech.txt").read_text())
    assert [h.value for h in at.header] == ["No healthcare software role fits this text"]
    text = shown(at)
    assert "No healthcare setting is shown" in text
    assert "If your software served patients, clinicians or health data, say where" in text


def test_a_fit_held_down_says_why_above_the_advice() -> None:
    at = score_text(home(), (SAMPLES / "ehr_2.txt").read_text())
    assert at.header[0].value == "Best fit: EHR developer"
    assert "**What held the fit down:** the text does not show some of the must-have skills of EHR developer" in (
        shown(at)
    )


def test_too_little_text_is_what_held_the_fit_down() -> None:
    at = score_text(home(), "Python developer. Built HL7 FHIR interfaces for a hospital EHR.")
    assert "There is too little text to judge" in shown(at)
    assert "Paste or attach the whole CV" in shown(at)


def test_no_advice_line_offers_a_gain_of_nothing() -> None:
    for sample in ("outside_medical_receptionist", "mobile_1", "ehr_2"):
        at = score_text(home(), (SAMPLES / f"{sample}.txt").read_text())
        assert "about +0)" not in shown(at), sample


def test_the_scale_is_on_the_landing_page_and_beside_the_result() -> None:
    at = home()
    assert chart_titles(at) == ["How to read a fit"]
    scale = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert scale["height"] >= 60  # tall enough to show its bars (it was 40 px: blank under its title)
    at = score_text(at, (SAMPLES / "device_2.txt").read_text())
    titles = chart_titles(at)
    assert titles[:2] == ["Fit to each role", "How to read a fit"]  # the scale beside the fit chart
    marks = json.dumps(json.loads(at.get("vega_lite_chart")[1].proto.spec)["layer"])
    assert "triangle-down" in marks  # this CV's fit marked on the scale


def test_snippets_are_plain_words_without_the_cvs_markdown() -> None:
    cv = (SAMPLES / "ehr_1.txt").read_text().replace("HL7", "**HL7**").replace("FHIR", "`FHIR`")
    cv = "## Experience\n" + cv.replace("\n", "\n- ", 3)
    at = score_text(home(), cv)
    at.session_state["explain_open"] = True  # "Why: the fit to each role explained", opened
    snippets = " ".join(at.run().dataframe[0].value["where the text shows it"])
    assert "HL7" in snippets and "FHIR" in snippets
    for mark in ("**", "`", "## ", "\n- "):
        assert mark not in snippets, mark


def test_a_pasted_text_and_an_attached_file_never_silently_compete() -> None:
    at = home()
    at.text_area(key="cv_text").input((SAMPLES / "device_2.txt").read_text()).run()
    assert not at.radio  # one source given: nothing to choose
    at.file_uploader(key="cv_file").upload("cv.pdf", make_pdf(CV_LINES), "application/pdf").run()
    choice = at.radio(key="cv_choice")  # both given: the person picks which one is scored
    assert choice.value == "file" and choice.options == ["the attached file", "the pasted text"]
    at.button(key="score_cv").click().run()
    assert at.header[0].value == "Best fit: EHR developer"  # the file
    at.radio(key="cv_choice").set_value("text").run()
    at.button(key="score_cv").click().run()
    assert at.header[0].value == "Best fit: Medical device software developer"  # the pasted text
    at.session_state["scored_text_open"] = True  # "The text that was scored", opened
    assert any("Source: pasted text" in t.value for t in at.run().text)


def verdict_of(*, fit: float, software: float, healthcare: float, focus: float = 1.0, words: int = 300) -> Verdict:
    role = RoleFit("ehr", "EHR developer", fit, 0.5, missing={"must_have": ("hl7",)})
    return read_verdict(Assessment("v", (role,), (), DomainEvidence(software, healthcare, focus), words))


def test_the_verdict_names_the_most_basic_cause_first() -> None:
    assert verdict_of(fit=15, software=0.95, healthcare=0.3).cause == "no_healthcare"  # an iOS health-data app
    assert not verdict_of(fit=15, software=0.95, healthcare=0.3).no_fit
    assert verdict_of(fit=0, software=0.05, healthcare=1.0, focus=0.0).cause == "clinical"
    assert verdict_of(fit=0, software=0.05, healthcare=1.0, focus=0.0).no_fit
    assert verdict_of(fit=2, software=0.3, healthcare=0.2).cause == "no_software"
    assert verdict_of(fit=3, software=0.9, healthcare=0.9, words=12).cause == "too_little_text"
    assert verdict_of(fit=70, software=0.95, healthcare=0.95).cause == "missing_skills"
    assert verdict_of(fit=4.9, software=0.95, healthcare=0.95).no_fit  # under NO_FIT_BELOW: no role fits


def test_no_sample_in_a_healthcare_software_role_reads_as_no_fit(matcher: Matcher, samples: dict[str, str]) -> None:
    verdicts = {name: read_verdict(matcher.assess(text)) for name, text in samples.items()}
    assert verdicts["outside_nurse"].cause == "clinical" and verdicts["outside_nurse"].no_fit
    assert verdicts["outside_fintech"].cause == "no_healthcare" and verdicts["outside_fintech"].no_fit
    assert not any(v.no_fit for name, v in verdicts.items() if not name.startswith("outside_"))


def test_the_charts_drawn_without_validation_are_valid_vega_lite(matcher: Matcher, samples: dict[str, str]) -> None:
    from hcdev_match.present.charts import build_fit_chart, build_terms_chart
    from hcdev_match.present.scale import band_chart_spec, build_band_chart

    assessment = matcher.assess(samples["ehr_1"])
    for chart in (build_fit_chart(assessment), build_terms_chart(assessment.best), build_band_chart(42.4)):
        chart.to_dict(validate=True)  # raises on a spec Vega-Lite would not draw
    assert band_chart_spec(42.4) is not band_chart_spec(42)
    for fit in (None, 0.2, 42.4, 99.6):
        drawn = build_band_chart(None if fit is None else round(fit)).to_dict()
        assert _datasets_inlined(band_chart_spec(fit)) == _datasets_inlined(drawn)


def _datasets_inlined(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with each layer's rows in place of its dataset's name (a name is a hash of the rows)."""
    spec = copy.deepcopy(spec)
    datasets = spec.pop("datasets")
    for part in (spec, *spec["layer"]):
        if "data" in part:
            part["data"] = datasets[part["data"]["name"]]
    return spec


def test_the_scale_is_built_once_whatever_the_fit() -> None:
    from hcdev_match.present import scale

    for fit in range(0, 101, 5):
        assert scale.band_chart_spec(fit + 0.3)["datasets"]  # a new fit, a new marker
    assert scale._spec.cache_info().currsize <= 2  # with a marker and without; it was one chart per point


# Run in a fresh interpreter: which thread first imports scikit-learn (the model) on the home page's first run.
FIRST_RUN = """
import sys, threading
importers = {}
def note(event, args):
    if event == "import" and args[0] == "sklearn":
        importers.setdefault("sklearn", threading.current_thread().name)
sys.addaudithook(note)
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=60).run()
assert not at.exception and at.text_area(key="cv_text") is not None
from webui.resources import WARM_UP_THREAD, get_matcher
for thread in threading.enumerate():
    if thread.name == WARM_UP_THREAD:
        thread.join(120)
print(importers.get("sklearn"), WARM_UP_THREAD, get_matcher() is get_matcher())
"""


def test_the_home_pages_first_run_leaves_building_the_model_to_a_background_thread(tmp_path: Path) -> None:
    env = {"HCDEV_DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite3'}", "PATH": ""}
    done = subprocess.run(
        [sys.executable, "-c", FIRST_RUN, str(ROOT / "dashboard.py")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    importer, warm_up_thread, shared = done.stdout.split()
    assert importer == warm_up_thread  # it was the script's own thread: the page's first run waited for the model
    assert shared == "True"


def test_an_uploaded_cvs_name_reads_as_the_person_named_it() -> None:
    # Chromium sends a file name's quotes as %22 and Streamlit hands the name on as sent.
    at = home()
    at.file_uploader(key="cv_file").upload("Ana %22final%22 CV.pdf", make_pdf(CV_LINES), "application/pdf").run()
    at.button(key="score_cv").click().run()
    assert not any("Source:" in t.value for t in at.text)  # closed, the scored text is not sent with the result
    at.session_state["scored_text_open"] = True  # opened, as a person does
    assert any('Source: Ana "final" CV.pdf' in t.value for t in at.run().text), [t.value for t in at.text]


def test_a_skill_that_several_roles_share_is_looked_for_once_in_the_text() -> None:
    """A scoring click looked for each matched skill's passage once per role that has the skill (about 150
    regular-expression searches of a 1,000-word CV for about 60 skills, half the click's server CPU): the
    passage is the same, so it is found once per text. Each search asks ``snippet_pattern`` for its pattern."""
    from hcdev_match.text.snippets import snippet_pattern
    from webui.resources import get_matcher

    matcher = get_matcher()
    text = (SAMPLES / "ehr_1.txt").read_text() + "\n" + (SAMPLES / "imaging_1.txt").read_text()
    before = snippet_pattern.cache_info()
    assessment = matcher.assess(text)
    after = snippet_pattern.cache_info()
    skills = [m.skill for fit in assessment.fits for m in fit.matched]
    assert len(skills) > len(set(skills))  # some skills belong to several roles: the case that matters
    assert (after.hits + after.misses) - (before.hits + before.misses) == len(set(skills))
    assert all(m.snippet for fit in assessment.fits for m in fit.matched)  # each still has its passage
