"""Privacy requests: a candidate found by batch and file or by their erase code, and read in words and local time."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from streamlit.testing.v1 import AppTest

from hcdev_match.catalogue.model import load_catalogue
from hcdev_match.present.privacy_view import audit_table, local_time, readable_export
from hcdev_match.scoring.matcher import Matcher
from hcdev_match.storage.accounts import add_user
from hcdev_match.storage.audit import read_audit
from hcdev_match.storage.lookup import find_by_batch_and_file, find_by_erase_code, find_by_reference, list_batches
from hcdev_match.storage.schema import audit_log
from hcdev_match.storage.store import Store

from .conftest import ROOT, sign_in_session

FILES = ["Jane_Doe_CV.pdf", "jane-doe-2.docx", "100%_sure.txt", "a_b.txt", "ab.txt"]
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(scope="module")
def assessment(samples: dict[str, str], matcher: Matcher):  # type: ignore[no-untyped-def]
    return matcher.assess(samples["telemedicine_2"])


@pytest.fixture
def stored(database_url: str, assessment) -> Iterator[tuple[Store, list, object]]:  # type: ignore[no-untyped-def]
    store = Store.from_url(database_url)
    ana = add_user(store, "ana", role="recruiter", password="correct horse battery")
    batch = store.save_assessments([assessment] * len(FILES), actor="ana", source="recruiter", legal_basis="contract",
                                   created_by=ana.id, batch="batch-1", file_names=FILES)  # fmt: skip
    store.save_assessments([assessment], actor="ana", source="recruiter", legal_basis="contract",
                           created_by=ana.id, batch="batch-2", file_names=["Jane_Doe_CV.pdf"])  # fmt: skip
    own = store.save_assessment(assessment, actor="candidate", source="candidate", legal_basis="consent",
                                consent=True, with_erase_code=True)  # fmt: skip
    yield store, batch, own
    store.engine.dispose()


def test_a_candidate_is_found_by_batch_and_part_of_the_file_name(stored) -> None:  # type: ignore[no-untyped-def]
    store, batch, _ = stored
    found = find_by_batch_and_file(store, "batch-1", "JANE", actor="ana")
    assert [f.file_name for f in found] == ["Jane_Doe_CV.pdf", "jane-doe-2.docx"]  # this batch's only, any case
    assert [f.candidate_ref for f in found] == [batch[0].candidate_ref, batch[1].candidate_ref]
    assert found[0].saved_by == "ana" and found[0].batch == "batch-1"
    # "%" and "_" are letters of a file name here, not patterns
    assert [f.file_name for f in find_by_batch_and_file(store, "batch-1", "%", actor="ana")] == ["100%_sure.txt"]
    assert [f.file_name for f in find_by_batch_and_file(store, "batch-1", "a_b", actor="ana")] == ["a_b.txt"]
    assert len(find_by_batch_and_file(store, "batch-1", "", actor="ana")) == len(FILES)
    assert [(b.name, b.assessments, b.saved_by) for b in list_batches(store)] == [("batch-2", 1, "ana"),
                                                                                  ("batch-1", 5, "ana")]  # fmt: skip
    entries = [e for e in store.audit_entries() if e["action"] == "looked_up"]
    assert entries[-1]["target"] == f"assessment:{batch[0].id},{batch[1].id}"
    assert "jane" not in json.dumps([str(e) for e in store.audit_entries()]).lower()  # no file name in the log


def test_a_candidate_who_saved_their_result_is_found_by_their_erase_code(stored) -> None:  # type: ignore[no-untyped-def]
    store, _, own = stored
    [found] = find_by_erase_code(store, f"  {own.erase_code} ", actor="ana")
    assert (found.assessment_id, found.candidate_ref, found.source, found.saved_by) == (
        own.id, own.candidate_ref, "candidate", None)  # fmt: skip
    assert find_by_erase_code(store, "not-the-code", actor="ana") == []
    assert [f.assessment_id for f in find_by_reference(store, own.candidate_ref, actor="ana")] == [own.id]
    assert own.erase_code not in str(store.audit_entries())
    exported = store.export_candidate(own.candidate_ref, actor="ana")  # the reference found opens the request
    assert exported["assessments"][0]["id"] == own.id


def test_times_are_shown_in_the_readers_zone_with_its_name() -> None:
    assert local_time(datetime(2026, 1, 15, 12, 5), BERLIN) == "2026-01-15 13:05 CET (UTC+01:00)"
    assert local_time(datetime(2026, 7, 15, 12, 5), BERLIN) == "2026-07-15 14:05 CEST (UTC+02:00)"
    assert local_time("2026-07-15T12:05:00", ZoneInfo("UTC")) == "2026-07-15 12:05 UTC (UTC+00:00)"
    assert local_time(None, BERLIN) == ""


def written_actions() -> set[str]:
    """Every action the code passes to the audit log as a literal: ``append_audit(connection, actor, ACTION)``,
    ``store.audit(actor, ACTION)`` and privacy's ``_erase(..., action=ACTION)``, which hands it on."""
    import ast

    found: set[str] = set()
    for path in [*(ROOT / "hcdev_match").rglob("*.py"), *(ROOT / "webui").rglob("*.py"), *ROOT.glob("pages/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            given = {"append_audit": node.args[2:3], "audit": node.args[1:2]}.get(name, [])
            if name in {"append_audit", "audit", "_erase"}:
                given = [*given, *(k.value for k in node.keywords if k.arg == "action")]
            found |= {a.value for a in given if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    return found


def test_every_action_the_code_can_write_is_listed_and_worded_like_the_others(database_url: str) -> None:
    """The actions unblinded, noted and saved_batch read "Unblinded", "Noted", "Saved batch" (ids, capitalised)."""
    from hcdev_match.errors import HcdevMatchError
    from hcdev_match.present.privacy_view import ACTION_LABELS, action_label
    from hcdev_match.storage.audit import ACTIONS

    assert written_actions() == set(ACTIONS)  # the list is what the code writes, no more and no less
    assert {"unblinded", "noted", "saved_batch", "viewed", "erased"} <= set(ACTIONS)
    unworded = [a for a in ACTIONS if a not in ACTION_LABELS]
    assert not unworded, unworded
    assert action_label("unblinded") == "Downloaded the key from codes to files"
    store = Store.from_url(database_url)
    with pytest.raises(HcdevMatchError, match="ACTION_LABELS"):  # an unlisted action never reaches the log
        store.audit("ana", "unbinded", "batch:1")
    assert read_audit(store).total == 0
    store.engine.dispose()


def test_the_audit_log_reads_in_words_and_filters_by_local_days(database_url: str) -> None:
    store = Store.from_url(database_url)
    with store.engine.begin() as connection:
        connection.execute(audit_log.insert(), [
            {"at": datetime(2026, 1, 1, 23, 30), "actor": "ana", "action": "erased", "target": "assessment:3,4",
             "detail": None},
            {"at": datetime(2026, 1, 2, 10, 0), "actor": "ana", "action": "user_added", "target": "user:bea",
             "detail": "hr"},
            {"at": datetime(2026, 1, 2, 11, 0), "actor": "x", "action": "some_new_action", "target": None,
             "detail": None},
        ])  # fmt: skip
    table = audit_table(read_audit(store).entries, zone=BERLIN)
    assert "None" not in table.to_csv() and "nan" not in table.to_csv()
    assert list(table["action"]) == ["Some new action", "Added an account", "Erased a candidate's data"]
    assert list(table["about"]) == ["", "account bea", "assessments 3, 4"]
    assert table["when"].iloc[-1] == "2026-01-02 00:30 CET (UTC+01:00)"  # 23:30 UTC is the next day in Berlin
    berlin_jan_2 = read_audit(store, start=date(2026, 1, 2), end=date(2026, 1, 2), zone=BERLIN)
    assert berlin_jan_2.total == 3  # the erase at 00:30 Berlin time counts on 2 January there
    assert read_audit(store, start=date(2026, 1, 2), end=date(2026, 1, 2)).total == 2  # in UTC it does not
    store.engine.dispose()


def test_an_export_names_people_and_roles_and_says_times_in_the_zone(stored) -> None:  # type: ignore[no-untyped-def]
    store, batch, _ = stored
    ana = next(iter(find_by_reference(store, batch[0].candidate_ref, actor="ana")))
    store.record_decision(ana.assessment_id, user_id=1, actor="ana", decision="hold", reason="needs FHIR")
    catalogue = load_catalogue()
    readable = readable_export(
        store.export_candidate(batch[0].candidate_ref, actor="ana"), names={1: "ana"},
        role_labels={r: catalogue.roles[r].label for r in catalogue.roles},
        skill_labels={s: catalogue.skills[s].label for s in catalogue.skills}, zone=BERLIN,
    )  # fmt: skip
    [item] = readable["assessments"]
    assert item["saved by"] == "ana" and item["file"] == "Jane_Doe_CV.pdf" and item["batch"] == "batch-1"
    assert item["best role"] == catalogue.roles["telemedicine"].label
    assert item["decisions"][0]["by"] == "ana" and item["decisions"][0]["decision"] == "held"
    assert item["saved"].endswith(("CET (UTC+01:00)", "CEST (UTC+02:00)")) and readable["times are in"] == str(BERLIN)
    assert "None" not in json.dumps(readable["assessments"]) and "null" not in json.dumps(readable["assessments"])
    assert readable["as stored (UTC times, ids)"][0]["file_name"] == "Jane_Doe_CV.pdf"  # all of it, as stored too


def privacy_page(monkeypatch: pytest.MonkeyPatch, url: str) -> AppTest:
    monkeypatch.setenv("HCDEV_DATABASE_URL", url)
    at = AppTest.from_file(str(ROOT / "pages/2_Privacy.py"), default_timeout=60)
    return sign_in_session(at, "recruiter", name="ana").run()


def test_the_page_finds_by_batch_and_file_then_exports_and_erases(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    assessment,  # type: ignore[no-untyped-def]
) -> None:
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    store = Store.from_url(url)
    ana = add_user(store, "ana", role="recruiter", password="correct horse battery")
    store.save_assessments([assessment] * 2, actor="ana", source="recruiter", legal_basis="contract",
                           created_by=ana.id, batch="batch-7", file_names=["omar.pdf", "lena.pdf"])  # fmt: skip
    at = privacy_page(monkeypatch, url)
    assert not at.exception and [t.label for t in at.tabs][0] == "Find a candidate"
    at.selectbox(key="find_batch").select("batch-7").run()
    at.text_input(key="find_file").input("LENA").run()
    at.button(key="find_run").click().run()
    table = at.dataframe[0]  # the find tab comes first (every tab is drawn)
    assert list(table.value["file"]) == ["lena.pdf"] and list(table.value["saved by"]) == ["ana"]
    at.button(key="find_use_0").click().run()
    assert at.text_input(key="export_ref").value == at.text_input(key="erase_ref").value == table.value["reference"][0]
    at.button(key="export_run").click().run()
    assert at.success and "1 assessment(s) found" in at.success[0].value and at.get("download_button")
    at.checkbox(key="erase_confirm").check().run()
    at.button(key="erase_run").click().run()
    assert any("Erased 1 assessment(s)" in s.value for s in at.success)
    assert store.count_assessments() == 1
    # The audit tab: words, the zone, no "None"
    audit = at.dataframe[-1].value
    assert "None" not in audit.to_csv() and set(audit["who"]) == {"ana", "cli"}  # cli: add_user above
    assert {"Looked a candidate up", "Exported a candidate's data", "Erased a candidate's data"} <= set(audit["action"])
    zone = r"\d{4}-\d\d-\d\d \d\d:\d\d \S+( \(UTC[+-]\d\d:\d\d\))?"  # a time, then its zone
    assert all(re.fullmatch(zone, when) for when in audit["when"]), list(audit["when"])


def test_the_page_finds_a_candidate_by_their_erase_code(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    assessment,  # type: ignore[no-untyped-def]
) -> None:
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    store = Store.from_url(url)
    own = store.save_assessment(assessment, actor="candidate", source="candidate", legal_basis="consent",
                                consent=True, with_erase_code=True)  # fmt: skip
    at = privacy_page(monkeypatch, url)
    at.radio(key="find_how").set_value("code").run()
    at.text_input(key="find_code").input("wrong").run()
    at.button(key="find_run").click().run()
    assert any("Nothing is kept" in i.value for i in at.info)
    at.text_input(key="find_code").input(own.erase_code or "").run()
    at.button(key="find_run").click().run()
    assert list(at.dataframe[0].value["reference"]) == [own.candidate_ref]
    assert list(at.dataframe[0].value["saved by"]) == ["the candidate"]


def test_a_named_batch_saved_by_the_recruiters_workflow_is_found_by_its_file_names(
    database_url: str,
    assessment,  # type: ignore[no-untyped-def]
) -> None:
    from hcdev_match.storage.batches import save_batch

    store = Store.from_url(database_url)
    ana = add_user(store, "ana", role="recruiter", password="correct horse battery")
    members = [{"code": f"C00{n}", "source": name, "kind": "txt", "duplicates": ()}
               for n, name in enumerate(["omar_cv.pdf", "Lena_Surname.docx"], start=1)]  # fmt: skip
    save_batch(store, name="Night-shift EHR opening", owner=ana.id, actor="ana", legal_basis="contract",
               fingerprint="f" * 64, catalogue_version="v", settings={}, members=members,
               batch_assessments=[assessment, assessment])  # fmt: skip
    [batch] = list_batches(store)
    assert batch.label == "Night-shift EHR opening" and batch.assessments == 2 and batch.saved_by == "ana"
    [found] = find_by_batch_and_file(store, batch.name, "lena", actor="ana")
    assert found.file_name == "Lena_Surname.docx" and found.saved_by == "ana"
    store.engine.dispose()


def test_a_found_batch_reads_by_its_name_and_no_found_cell_is_a_formula(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    assessment,  # type: ignore[no-untyped-def]
) -> None:
    """The table showed the batch as "batch:1" and the file name as uploaded: its toolbar's CSV then opened
    ``=HYPERLINK(...)`` as a formula. The access request's export said "batch:1" too."""
    from hcdev_match.storage.batches import save_batch
    from webui.privacy import export_document

    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    store = Store.from_url(url)
    ana = add_user(store, "ana", role="recruiter", password="correct horse battery")
    formula = '=HYPERLINK("http://example.invalid";"open")'
    members = [{"code": "C001", "source": f"{formula}.pdf", "kind": "pdf", "duplicates": ()}]
    save_batch(store, name=f"{formula} ICU", owner=ana.id, actor="ana", legal_basis="contract",
               fingerprint="f" * 64, catalogue_version="v", settings={}, members=members,
               batch_assessments=[assessment])  # fmt: skip
    at = privacy_page(monkeypatch, url)
    at.selectbox(key="find_batch").select("batch:1").run()
    at.button(key="find_run").click().run()
    table = at.dataframe[0].value
    assert list(table["batch"]) == [f"'{formula} ICU"] and list(table["file"]) == [f"'{formula}.pdf"]
    readable = export_document(store, table["reference"][0], actor="ana", zone=BERLIN)
    assert readable["assessments"][0]["batch"] == f"{formula} ICU"  # JSON: the name as given, no formula risk
    assert readable["as stored (UTC times, ids)"][0]["batch"] == "batch:1"
    store.engine.dispose()
