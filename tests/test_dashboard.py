"""Every page, driven in-process with Streamlit's AppTest: paste, upload, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from .conftest import ROOT, SAMPLES
from .files import CV_LINES, make_docx, make_docx_with_entity, make_pdf, make_zip_bomb

CV = (SAMPLES / "device_2.txt").read_text()


@pytest.fixture(autouse=True)
def temporary_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HCDEV_DATABASE_URL", f"sqlite:///{tmp_path / 'default.sqlite3'}")


def home() -> AppTest:
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30).run()


def score_text(at: AppTest, text: str) -> AppTest:
    at.text_area(key="cv_text").input(text)
    return at.button(key="score_cv").click().run()


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "error", "header", "text") for e in
             getattr(at, kind)]  # fmt: skip
    return "\n".join(str(p) for p in parts)


def test_home_page_shows_the_empty_state_and_the_human_note() -> None:
    at = home()
    assert not at.exception
    assert "Paste a CV or upload a file" in at.info[0].value
    assert "A person decides" in at.info[0].value


def open_why(at: AppTest) -> AppTest:
    """The explanation ("Why: the fit to each role explained") opened, as a person does: it is drawn only then."""
    at.session_state["explain_open"] = True
    return at.run()


def test_pasting_a_cv_shows_best_fit_chart_explanation_and_downloads() -> None:
    at = score_text(home(), CV)
    assert not at.exception
    assert at.header[0].value == "Best fit: Medical device software developer"
    assert "A person decides" in texts(at)
    charts = [chart.proto.spec for chart in at.get("vega_lite_chart")]
    assert len(charts) == 2 and "Fit to each role" in charts[0]
    assert "How to read a fit" in charts[1]  # the scale beside the result
    assert "What would raise the fit" in [s.value for s in at.subheader]
    assert len(at.get("download_button")) == 2
    at = open_why(at)
    charts = [chart.proto.spec for chart in at.get("vega_lite_chart")]
    assert len(charts) == 3 and "What carried" in charts[2]
    assert at.selectbox(key="explain_role").value == "device"  # the best fit's role first
    assert at.dataframe[0].value["skill"].tolist()  # matched skills with snippets


def test_the_explanation_is_drawn_when_opened_not_sent_closed_with_every_result() -> None:
    """A scoring click waits for what the browser draws: the explanation's table, chart and selectbox were a
    third of it. Closed, it is one expander under the cause of the fit ("What held the fit down")."""
    at = score_text(home(), (SAMPLES / "ehr_2.txt").read_text())
    assert [e.label for e in at.expander if e.label.startswith("Why")] == ["Why: the fit to each role explained"]
    assert not at.selectbox and not at.dataframe and len(at.get("vega_lite_chart")) == 2
    assert "**What held the fit down:**" in texts(at)  # why the number is what it is, without a click
    at = open_why(at)
    assert at.selectbox(key="explain_role").value == "ehr" and at.dataframe
    at.selectbox(key="explain_role").set_value("cds").run()
    assert at.selectbox(key="explain_role").value == "cds"  # another role, explained in the open expander
    at = score_text(at, CV)  # a new CV while it is open: it stays open, on the new best fit
    assert at.selectbox(key="explain_role").value == "device"


@pytest.mark.parametrize("sample", ["telemedicine_1", "mobile_2", "outside_medical_receptionist", "cds_3"])
def test_every_role_can_be_explained(sample: str) -> None:
    at = open_why(score_text(home(), (SAMPLES / f"{sample}.txt").read_text()))
    for role in ("ehr", "imaging", "mobile", "cds", "telemedicine", "device", "analytics"):
        at.selectbox(key="explain_role").set_value(role).run()
        assert not at.exception, (sample, role)
        assert at.selectbox(key="explain_role").value == role


def test_an_empty_box_asks_for_a_cv() -> None:
    at = home()
    at.button(key="score_cv").click().run()
    assert at.error and "nothing to score" in at.error[0].value


@pytest.mark.parametrize(
    ("name", "data", "mime"),
    [("cv.pdf", make_pdf(CV_LINES), "application/pdf"),
     ("cv.docx", make_docx(CV_LINES), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
     ("cv.md", "\n".join(CV_LINES).encode(), "text/markdown")],
)  # fmt: skip
def test_uploaded_files_are_scored_and_their_text_shown(name: str, data: bytes, mime: str) -> None:
    at = home()
    at.file_uploader(key="cv_file").upload(name, data, mime).run()
    at.button(key="score_cv").click().run()
    assert not at.exception
    assert at.header[0].value == "Best fit: EHR developer"
    at.session_state["scored_text_open"] = True  # "The text that was scored", opened
    assert any("Mirth Connect" in t.value for t in at.run().text)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [("empty.pdf", b"", "the file is empty"),
     ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 512, "is not a PDF"),
     ("cut.pdf", make_pdf(CV_LINES)[:300], "damaged"),
     ("long.pdf", make_pdf(["page"], pages=1000), "1000 pages and at most 50"),
     ("bomb.docx", make_zip_bomb(), "zip bomb"),
     ("entity.docx", make_docx_with_entity(), "DOCTYPE")],
)  # fmt: skip
def test_bad_uploads_get_a_message_and_the_page_then_scores_a_good_cv(name: str, data: bytes, message: str) -> None:
    at = home()
    at.text_area(key="cv_text").input(CV)
    at.file_uploader(key="cv_file").upload(name, data).run()
    at.button(key="score_cv").click().run()
    assert not at.exception
    assert at.error and message in at.error[0].value
    assert at.text_area(key="cv_text").value == CV  # nothing the user gave is lost
    at.file_uploader(key="cv_file").set_value(None).run()
    at.button(key="score_cv").click().run()
    assert at.header[0].value == "Best fit: Medical device software developer"


def test_catalogue_page_lists_the_seven_roles_and_filters_skills() -> None:
    at = AppTest.from_file(str(ROOT / "pages" / "1_Catalogue.py"), default_timeout=30).run()
    assert not at.exception
    assert len(at.expander) == 7
    at.text_input(key="skill_filter").input("dicom").run()
    skills = at.dataframe[0].value["skill"].tolist()
    assert "DICOM" in skills and len(skills) < 10


def test_a_hostile_file_name_is_shown_as_text() -> None:
    at = home()
    at.file_uploader(key="cv_file").upload("![x](http://evil.test/p.png)<b>.pdf", b"not a pdf").run()
    at.button(key="score_cv").click().run()
    assert at.error
    shown = at.error[0].value
    assert "![x](http" not in shown and "<b>" not in shown
    assert "\\!\\[x\\]" in shown


def test_the_self_check_stores_nothing_unless_the_candidate_opts_in(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from hcdev_match.storage.store import Store

    caplog.set_level("DEBUG")
    canary = "ZQX-CANARY-4410"
    folder = tmp_path / "db"
    url = f"sqlite:///{folder / 'app.sqlite3'}"
    monkeypatch.setenv("HCDEV_DATABASE_URL", url)
    at = score_text(home(), CV + f"\nMy reference is {canary}.")
    assert at.header[0].value == "Best fit: Medical device software developer"
    assert at.button(key="save_result").disabled  # no consent, no saving
    store = Store.from_url(url)
    assert store.count_assessments() == 0
    at.checkbox(key="consent_save").check().run()
    at.button(key="save_result").click().run()
    assert not at.exception
    assert at.success and "not your CV" in at.success[0].value
    code = at.code[0].value
    assert store.count_assessments() == 1
    row = store.get_assessment(store.assessment_ids()[0])
    assert row["source"] == "candidate" and row["cv_text"] is None and row["legal_basis"] == "consent"
    data = canary.encode()
    assert not [p.name for p in folder.rglob("*") if p.is_file() and data in p.read_bytes()]
    assert canary not in caplog.text
    at.text_input(key="erase_code").input(code)
    at.button(key="erase_saved").click().run()
    assert any("erased" in s.value for s in at.success)
    assert store.count_assessments() == 0


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://hcdev:Sup3r-secret@db.internal:54x2/hcdev",  # a port that is not a number
        "postgresql:/hcdev:Sup3r-secret@db.internal/hcdev",  # one slash: not a URL at all
    ],
)
def test_an_unparsable_database_url_never_shows_its_password_to_a_visitor(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("HCDEV_DATABASE_URL", url)
    at = score_text(home(), CV)
    at.checkbox(key="consent_save").check().run()
    at.button(key="save_result").click().run()  # an anonymous candidate's save opens the store
    assert not at.exception
    assert at.error and "is not a URL" in at.error[0].value
    at.text_input(key="erase_code").input("some-code")
    at.button(key="erase_saved").click().run()
    assert not at.exception and "Sup3r-secret" not in texts(at)
    signin = AppTest.from_file(str(ROOT / "pages/3_Recruiter.py"), default_timeout=30).run()
    signin.text_input(key="signin_name").input("ana")
    signin.text_input(key="signin_password").input("correct horse battery")
    signin.button(key="signin").click().run()  # the sign-in form opens the store too
    assert not signin.exception and "Sup3r-secret" not in texts(signin)
    assert any("is not a URL" in e.value for e in signin.error)


@pytest.mark.parametrize("days", ["thirty", "0", "-7"])
def test_a_bad_retention_setting_is_explained_on_the_page_not_a_crash(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, days: str
) -> None:
    from hcdev_match.storage.store import Store

    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    monkeypatch.setenv("HCDEV_DATABASE_URL", url)
    monkeypatch.setenv("HCDEV_RETENTION_DAYS", days)
    at = score_text(home(), CV)
    assert not at.exception
    assert any(
        "HCDEV_RETENTION_DAYS must be a whole number of days, 1 or more" in e.value.replace("\\", "") for e in at.error
    )
    assert "save_result" not in {b.key for b in at.button}  # no save is offered under a setting that is wrong
    assert Store.from_url(url).count_assessments() == 0
