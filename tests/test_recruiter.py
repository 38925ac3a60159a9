"""The recruiter page and the ranking behind it."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from hcdev_match.accounts import add_user
from hcdev_match.matcher import Matcher
from hcdev_match.ranking import Ranking, ranking_csv
from hcdev_match.redaction import MASK, mask_personal_details
from hcdev_match.store import Store
from hcdev_match.uploads import BatchLimits, read_batch

from .conftest import ROOT, SAMPLES, sign_in_session
from .files import CV_LINES, make_docx, make_pdf

BATCH = ["cds_1", "cds_2", "cds_3", "analytics_1"]
PERSONAL = "Jane Swift\njane.swift@example.com | +44 7700 900123\nDate of birth: 03/04/1987\n12 Harbour Street\n"


def sample(name: str) -> bytes:
    return (SAMPLES / f"{name}.txt").read_bytes()


@pytest.fixture
def recruiter_page(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[AppTest, Store]:
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    monkeypatch.setenv("HCDEV_DATABASE_URL", url)
    store = Store.from_url(url)
    user = add_user(store, "ana", role="recruiter", password="correct horse battery")
    at = AppTest.from_file(str(ROOT / "pages/3_Recruiter.py"), default_timeout=60)
    return sign_in_session(at, "recruiter", name="ana", user_id=user.id).run(), store


def upload(at: AppTest, files: list[tuple[str, bytes]]) -> AppTest:
    at.file_uploader(key="batch_files").set_value([(n, d, "application/octet-stream") for n, d in files]).run()
    return at.button(key="rank_batch").click().run()


def order(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["candidate"])


def test_a_recruiter_ranks_reweights_decides_and_exports(recruiter_page: tuple[AppTest, Store]) -> None:
    at, store = recruiter_page
    files = [(f"{n}.txt", sample(n)) for n in BATCH] + [("broken.pdf", b"%PDF-1.4 truncated")]
    at = upload(at, files)
    assert not at.exception
    assert at.warning and "1 file(s) could not be read" in at.warning[0].value
    at.multiselect(key="opening_roles").set_value(["cds"]).run()
    assert order(at) == ["C001", "C003", "C002", "C004"]  # cds_1, cds_3, cds_2, analytics_1
    at.slider(key="weight_must").set_value(0.0).run()
    at.slider(key="weight_nice").set_value(2.0).run()
    assert order(at) == ["C001", "C003", "C004", "C002"]  # what the opening values changed the order
    at.button(key="save_batch").click().run()
    assert store.count_assessments() == 4
    at.selectbox(key="explain_candidate").set_value("C003").run()
    at.radio(key="decision").set_value("shortlist").run()
    at.text_input(key="decision_reason").input("Strong clinical ML work").run()
    at.button(key="record_decision").click().run()
    assert not at.exception
    table = at.dataframe[0].value
    assert table.loc[table["candidate"] == "C003", "decision"].item() == "shortlist"
    entries = [e["action"] for e in store.audit_entries()]
    assert "decided" in entries and "saved" in entries
    at.slider(key="weight_future").set_value(1.0).run()
    at.slider(key="weight_future").set_value(0.5).run()
    views = [e for e in store.audit_entries() if e["action"] == "viewed"]
    assert len(views) == len({e["target"] for e in views})  # one view per candidate, however many reruns


def test_the_export_has_the_rows_of_the_table_and_its_context(matcher: Matcher) -> None:
    ranking = Ranking(matcher, read_batch([(f"{n}.txt", sample(n)) for n in BATCH]))
    table = ranking.table(roles=["cds"])
    text = ranking_csv(table, context={"catalogue_version": matcher.catalogue.version, "weights": "must_have=1"})
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["candidate"] for r in rows] == list(table["candidate"])
    assert [float(r["opening fit"]) for r in rows] == list(table["opening fit"])
    assert {r["catalogue_version"] for r in rows} == {matcher.catalogue.version}


def test_blind_review_hides_personal_details_and_changes_no_fit(recruiter_page: tuple[AppTest, Store]) -> None:
    at, _ = recruiter_page
    files = [("jane-swift-cv.txt", PERSONAL.encode() + sample("ehr_1")), ("other.txt", sample("imaging_1"))]
    at = upload(at, files)
    blind_table = at.dataframe[0].value
    shown_text = "\n".join(t.value for t in at.text)
    assert "Jane" not in shown_text and "jane.swift@example.com" not in shown_text and "7700" not in shown_text
    assert "1987" not in shown_text and "Harbour Street" not in shown_text
    assert "source" not in blind_table.columns
    at.toggle(key="blind_review").set_value(False).run()
    open_table = at.dataframe[0].value
    assert "jane-swift-cv.txt" in list(open_table["source"])
    fits = ["opening fit", "best fit"]
    assert blind_table[fits].equals(open_table[fits])


def test_masking_hides_contact_details_but_keeps_the_work(matcher: Matcher) -> None:
    text = PERSONAL + (SAMPLES / "ehr_1.txt").read_text()
    masked = mask_personal_details(text)
    for secret in ("Jane", "Swift", "jane.swift@example.com", "+44 7700 900123", "03/04/1987", "12 Harbour Street"):
        assert secret not in masked, secret
    assert MASK in masked and "HL7" in masked
    assert [f.fit for f in matcher.assess(masked).fits] == [f.fit for f in matcher.assess(text).fits]


def test_batches_take_zips_and_csvs_and_report_what_failed() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("cvs/one.txt", sample("mobile_1"))
        archive.writestr("cvs/two.pdf", make_pdf(CV_LINES))
        archive.writestr("cvs/notes.exe", b"MZ")
    csv_data = b"id,text\ncand-1," + b'"' + sample("device_1").replace(b'"', b'""') + b'"\ncand-2,\n'
    items = read_batch([("batch.zip", buffer.getvalue()), ("more.csv", csv_data), ("cv.docx", make_docx(CV_LINES))])
    by_name = {item.name: item for item in items}
    assert by_name["one.txt"].document and by_name["two.pdf"].document and by_name["cv.docx"].document
    assert by_name["cand-1.txt"].document and "cand-2" in by_name and by_name["cand-2"].error
    assert by_name["batch.zip/notes.exe"].error


def test_a_batch_is_capped_and_says_what_it_left_out() -> None:
    items = read_batch([(f"{i}.txt", sample("ehr_1")) for i in range(5)], batch=BatchLimits(max_files=3))
    assert sum(1 for i in items if i.document) == 3
    assert items[-1].error and "at most 3" in items[-1].error


def test_a_csv_without_the_columns_is_refused() -> None:
    [item] = read_batch([("bad.csv", b"name,cv\nx,y\n")])
    assert item.error and "needs the columns id and text" in item.error


# Found by tests/fuzz_documents.py: a bare carriage return raised csv.Error.
def test_a_csv_with_old_mac_line_endings_is_read() -> None:
    items = read_batch([("mac.csv", b"id,text\r1,EHR developer with FHIR\r2,imaging with DICOM\r")])
    assert [item.name for item in items] == ["1.txt", "2.txt"] and all(item.document for item in items)


def test_a_csv_with_a_broken_quote_is_refused_with_the_line() -> None:
    [item] = read_batch([("bad.csv", b'id,text\n1,"never closed\n2,x\n' + b"y" * 200_000 + b"\n")])
    assert item.error and "the CSV is malformed near line" in item.error


# Found by tests/fuzz_documents.py: a member with an empty name raised IndexError in zipfile.
def test_a_zip_with_a_nameless_member_reads_the_rest() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo(""), b"nameless")
        archive.writestr("cv.txt", sample("ehr_1"))
    items = read_batch([("odd.zip", buffer.getvalue())])
    assert [item.name for item in items] == ["cv.txt"] and items[0].document


def test_a_batch_zip_bomb_is_refused_without_expanding_it() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("cv.txt", b" " * (120 * 1024 * 1024))
    [item] = read_batch([("bomb.zip", buffer.getvalue())])
    assert item.error and "zip bomb" in item.error
