"""The recruiter's flow over two days: decisions, saved batches, duplicates, filters, exports, the view at 200."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import docx
import pyarrow.ipc
import pytest
from streamlit.testing.v1 import AppTest

from hcdev_match.documents.document import DocumentLimits
from hcdev_match.documents.intake import BatchLimits
from hcdev_match.present.charts import build_heatmap
from hcdev_match.scoring.matcher import Matcher
from hcdev_match.storage.accounts import add_user
from hcdev_match.storage.batches import decision_history, list_batches
from hcdev_match.storage.store import Store
from hcdev_match.workflows.screening import Settings, read_screening, resolve_skills
from hcdev_match.workflows.shortlist import export_csv, ranked_table, unblind_csv

from .conftest import ROOT, SAMPLES, sign_in_session
from .files import CV_LINES, make_pdf

NAMES = ["cds_1", "cds_2", "cds_3", "analytics_1", "imaging_1"]


def sample(name: str) -> bytes:
    return (SAMPLES / f"{name}.txt").read_bytes()


def plain_docx(lines: list[str]) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[Store, int]:
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    monkeypatch.setenv("HCDEV_DATABASE_URL", url)
    store = Store.from_url(url)
    return store, add_user(store, "ana", role="recruiter", password="correct horse battery").id


def open_page(user_id: int, script: str = "pages/3_Recruiter.py", *, zone: str | None = None) -> AppTest:
    """A new session (a reload, or another day): signed in again, nothing of the last one in it."""
    at = AppTest.from_file(str(ROOT / script), default_timeout=60)
    if zone is not None:
        at.context = {"timezone": zone}  # as the browser reports it
    return sign_in_session(at, "recruiter", name="ana", user_id=user_id).run()


def upload(at: AppTest, files: list[tuple[str, bytes]]) -> AppTest:
    at.file_uploader(key="batch_files").set_value([(n, d, "application/octet-stream") for n, d in files]).run()
    return at.button(key="rank_batch").click().run()


def open_weights(at: AppTest) -> AppTest:
    at.session_state["weights_open"] = True  # "How much each kind of skill counts", opened: its sliders drawn
    return at.run()


def ranked(at: AppTest, files: list[tuple[str, bytes]] | None = None, *, basis: str = "contract") -> AppTest:
    at = upload(at, files or [(f"{n}.txt", sample(n)) for n in NAMES])
    at.radio(key="legal_basis").set_value(basis).run()
    return at.button(key="save_batch").click().run()


def table(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["candidate"])


def ask(at: AppTest, code: str, decision: str, reason: str) -> AppTest:
    at.radio(key=f"decision_{code}").set_value(decision)
    at.text_input(key=f"decision_reason_{code}").input(reason)
    return at.button(key=f"record_decision_{code}").click().run()


def texts(at: AppTest) -> str:
    return "\n".join(e.value for kind in (at.markdown, at.warning, at.info, at.caption, at.success) for e in kind)


# -- decisions ---------------------------------------------------------------------------------


def test_a_decision_is_confirmed_first_and_a_new_candidate_never_gets_the_last_ones_form(
    app: tuple[Store, int],
) -> None:
    store, uid = app
    at = ranked(open_page(uid))
    at.selectbox(key="explain_candidate").set_value("C003").run()
    at = ask(at, "C003", "reject", "No clinical work shown")
    assert not at.exception
    assert "Record **reject** for **C003**" in texts(at)  # asked, naming the candidate
    assert not any(decision_history(store, store.assessment_ids()).values())  # nothing recorded yet
    at.selectbox(key="explain_candidate").set_value("C002").run()  # another candidate before confirming
    assert at.radio(key="decision_C002").value is None and at.text_input(key="decision_reason_C002").value == ""
    assert "Record **reject**" not in texts(at)  # the question for C003 is gone, never sent for C002
    assert not [b for b in at.button if b.key and b.key.startswith("confirm_decision")]
    at.selectbox(key="explain_candidate").set_value("C003").run()
    at = ask(at, "C003", "reject", "No clinical work shown")
    at.button(key="confirm_decision_one").click().run()
    at = ask(at, "C003", "hold", "Second look: strong ML")
    at.button(key="confirm_decision_one").click().run()
    assert "Current decision on C003: hold" in texts(at)
    assert "History of decisions on C003 (2)" in [e.label for e in at.expander]
    assert not at.table  # the history is drawn when opened, not sent closed
    at.session_state["history_open"] = True
    at.run()
    assert list(at.table[0].value["decision"]) == ["reject", "hold"]
    history = [e for entries in decision_history(store, store.assessment_ids()).values() for e in entries]
    assert [(e.decision, e.by) for e in history] == [("reject", "ana"), ("hold", "ana")]
    rows = at.dataframe[0].value.set_index("candidate")
    assert rows.loc["C003", "decision"] == "hold" and rows.loc["C002", "decision"] == "undecided"


def test_decision_and_saved_batch_times_are_shown_as_on_the_privacy_page_in_the_readers_zone(
    app: tuple[Store, int],
) -> None:
    """They were in UTC ("01 Dec 2026 16:05 UTC") while the Privacy page said the reader's own time and zone."""
    from zoneinfo import ZoneInfo

    from hcdev_match.present.privacy_view import local_time

    store, uid = app
    berlin = ZoneInfo("Europe/Berlin")
    at = ask(ranked(open_page(uid, zone="Europe/Berlin")), "C001", "hold", "Ask for references")
    at.button(key="confirm_decision_one").click().run()
    [entry] = [e for entries in decision_history(store, store.assessment_ids()).values() for e in entries]
    shown = local_time(entry.at, berlin)
    assert shown.endswith(("CET (UTC+01:00)", "CEST (UTC+02:00)"))
    assert f"(by ana, {shown})" in texts(at) and " UTC)" not in texts(at)
    at.session_state["history_open"] = True  # the history of decisions, opened
    [history] = at.run().table
    assert list(history.value["when"]) == [shown]
    [batch] = list_batches(store, owner=uid)
    later = open_page(uid, zone="Europe/Berlin")
    assert later.selectbox(key="saved_batch").options == [
        f"{batch.name} ({batch.size} CVs, saved {local_time(batch.created_at, berlin)})"
    ]


def test_a_bulk_decision_is_confirmed_then_recorded_for_each_selected_candidate(app: tuple[Store, int]) -> None:
    store, uid = app
    at = ranked(open_page(uid))
    assert not [w for w in at.multiselect if w.key == "bulk_candidates"]  # closed: drawn when opened, not sent
    at.session_state["bulk_open"] = True  # "Decide on several candidates at once", opened
    at.run()
    at.multiselect(key="bulk_candidates").set_value(["C001", "C004"])
    at.radio(key="bulk_decision").set_value("shortlist")
    at.text_input(key="bulk_reason").input("Both show FHIR work")
    at.button(key="record_bulk").click().run()
    assert "Record **shortlist** for **2 candidates (C001, C004)**" in texts(at)
    assert not any(decision_history(store, store.assessment_ids()).values())
    at.button(key="confirm_decision_bulk").click().run()
    decided = at.dataframe[0].value.set_index("candidate")["decision"]
    assert decided["C001"] == decided["C004"] == "shortlist" and decided["C002"] == "undecided"


# -- saved batches -----------------------------------------------------------------------------


def test_a_named_batch_reopens_in_a_new_session_with_its_settings_decisions_and_notes(app: tuple[Store, int]) -> None:
    store, uid = app
    at = upload(open_page(uid), [(f"{n}.txt", sample(n)) for n in NAMES])
    at.multiselect(key="opening_roles").set_value(["imaging"]).run()
    open_weights(at).slider(key="weight_nice").set_value(1.5).run()
    at.toggle(key="blind_review").set_value(False).run()
    at.text_input(key="batch_name").input("Imaging lead, Leeds").run()
    at.radio(key="legal_basis").set_value("legitimate_interest").run()
    at.button(key="save_batch").click().run()
    order = table(at)
    at.selectbox(key="explain_candidate").set_value("C002").run()
    ask(at, "C002", "shortlist", "Strong pipeline work").button(key="confirm_decision_one").click().run()
    at.text_area(key="note_C002").input("Call on Tuesday")
    at.button(key="keep_note_C002").click().run()
    [batch] = list_batches(store, owner=uid)
    assert batch.name == "Imaging lead, Leeds" and batch.size == len(NAMES)

    later = open_page(uid)  # the next day: a new session, no batch in it
    assert not later.dataframe
    later.selectbox(key="saved_batch").set_value(batch.id).run()
    later.button(key="open_batch").click().run()
    assert not later.exception
    assert later.multiselect(key="opening_roles").value == ["imaging"]
    assert (
        open_weights(later).slider(key="weight_nice").value == 1.5 and later.toggle(key="blind_review").value is False
    )
    assert table(later) == order
    assert later.dataframe[0].value.set_index("candidate").loc["C002", "decision"] == "shortlist"
    later.selectbox(key="explain_candidate").set_value("C002").run()
    assert later.text_area(key="note_C002").value == "Call on Tuesday"
    assert "CV text was not kept" in texts(later)  # no consent to keep texts: ranked, not re-explained


def test_a_batch_name_is_shown_as_text_never_as_markdown(app: tuple[Store, int]) -> None:
    _, uid = app
    at = upload(open_page(uid), [(f"{n}.txt", sample(n)) for n in NAMES])
    at.text_input(key="batch_name").input("![x](http://127.0.0.1:9/pixel.png) **ICU**").run()
    at.radio(key="legal_basis").set_value("contract").run()
    at.button(key="save_batch").click().run()
    shown = [e.value for e in (*at.subheader, *at.success)]
    assert shown and all("![x](" not in v and "**ICU**" not in v for v in shown), shown


def test_uploading_a_saved_batch_again_reopens_it_and_saves_nothing_twice(app: tuple[Store, int]) -> None:
    store, uid = app
    files = [(f"{n}.txt", sample(n)) for n in NAMES]
    ranked(open_page(uid), files)
    count = store.count_assessments()
    again = upload(open_page(uid), [(f"renamed-{n}", d) for n, d in reversed(files)])  # other names and order
    assert not again.exception
    assert "saved before" in texts(again) and not [b for b in again.button if b.key == "save_batch"]
    assert store.count_assessments() == count and len(list_batches(store, owner=uid)) == 1
    assert "CV text was not kept" not in texts(again)  # the texts came back with the upload: explained


def test_the_same_cv_as_txt_md_docx_and_pdf_is_one_candidate(app: tuple[Store, int], matcher: Matcher) -> None:
    _, uid = app
    text = "\n".join(CV_LINES).encode()
    files = [("cv.txt", text), ("cv.md", text), ("cv.docx", plain_docx(CV_LINES)), ("cv.pdf", make_pdf(CV_LINES)),
             ("other.txt", sample("imaging_1"))]  # fmt: skip
    screening = read_screening(matcher, files, limits=DocumentLimits(), batch=BatchLimits())
    assert screening.ranking.sources == ["cv.txt", "other.txt"]
    assert screening.duplicates == {"C001": ("cv.md", "cv.docx", "cv.pdf")}
    at = upload(open_page(uid), files)
    assert sorted(table(at)) == ["C001", "C002"]
    assert "3 upload(s) held a CV already in the batch" in texts(at)


def test_an_upload_named_with_quotes_keeps_its_name_and_is_found_by_it(app: tuple[Store, int]) -> None:
    """Chromium sends a file name's quotes as %22 (as HTML's form encoding says) and Streamlit hands the name on
    as sent: the file was saved, exported and keyed as =HYPERLINK(%22http:evil%22;%22x%22).txt, and the Privacy
    page's search by its real name found nothing."""
    from hcdev_match.documents.gate import uploaded_name
    from hcdev_match.storage.lookup import find_by_batch_and_file

    real = '=HYPERLINK("http:evil";"x").txt'
    sent = real.replace('"', "%22")  # what the uploader holds (tests/test_browser_recruiter.py: Chromium's own)
    assert uploaded_name(sent) == real
    assert uploaded_name("100%_sure%0A%2F.txt") == "100%_sure%0A%2F.txt"  # nothing else is decoded
    store, uid = app
    at = ranked(open_page(uid), [(sent, sample("cds_1")), ("b.txt", sample("ehr_1"))])
    assert sorted(at.session_state["recruiter_work"].ranking.sources) == sorted([real, "b.txt"])
    [batch] = list_batches(store, owner=uid)
    [found] = find_by_batch_and_file(store, f"batch:{batch.id}", '("http:evil"', actor="ana")
    assert found.file_name == real
    at.toggle(key="blind_review").set_value(False).run()
    assert f"'{real}" in list(at.dataframe[0].value["source"])  # the grid's own CSV: never a formula


def test_roles_weights_and_blind_review_survive_a_visit_to_another_page(app: tuple[Store, int]) -> None:
    _, uid = app
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at = sign_in_session(at, "recruiter", name="ana", user_id=uid).run()
    at.switch_page("pages/3_Recruiter.py").run()
    at = upload(at, [(f"{n}.txt", sample(n)) for n in NAMES])
    at.multiselect(key="opening_roles").set_value(["analytics", "cds"]).run()
    assert not at.slider  # the weights' sliders are drawn when opened, not sent closed
    open_weights(at).slider(key="weight_must").set_value(0.4).run()
    at.toggle(key="blind_review").set_value(False).run()
    at.switch_page("pages/1_Catalogue.py").run()
    assert "opening_roles" not in at.session_state  # Streamlit dropped the widgets' own state
    at.switch_page("pages/3_Recruiter.py").run()
    assert not at.exception
    assert at.multiselect(key="opening_roles").value == ["analytics", "cds"]
    assert not at.slider and "Weights: must-have skills 0.4, nice-to-have skills" in texts(at)  # closed: said
    assert open_weights(at).slider(key="weight_must").value == 0.4 and at.toggle(key="blind_review").value is False
    at.text_input(key="required_skills").input("FHIR").run()
    at.switch_page("pages/1_Catalogue.py").run()
    at.switch_page("pages/3_Recruiter.py").run()
    assert at.text_input(key="required_skills").value == "FHIR (R4)"  # the skill it named, by its name


# -- the view --------------------------------------------------------------------------------------


def test_typing_fhir_requires_fhir_and_nothing_else(app: tuple[Store, int], matcher: Matcher) -> None:
    assert resolve_skills(matcher.catalogue, "FHIR") == (("fhir",), ())
    assert resolve_skills(matcher.catalogue, " hl7 fhir , SMART on FHIR, Fhirbase") == (
        ("fhir", "smart_on_fhir"), ("Fhirbase",))  # fmt: skip
    _, uid = app
    at = upload(open_page(uid), [(f"{n}.txt", sample(n)) for n in NAMES])
    at.text_input(key="required_skills").input("FHIR").run()
    assert "Required: FHIR (R4)" in texts(at)
    assert set(at.dataframe[0].value["required shown"]) <= {"0 of 1", "1 of 1"}


def test_all_four_weights_at_zero_rank_nothing_and_say_why(app: tuple[Store, int], matcher: Matcher) -> None:
    with pytest.raises(Exception, match="weighted 0"):
        Settings(weights=dict.fromkeys(("must_have", "nice_to_have", "general", "future"), 0.0)).tier_weights()
    _, uid = app
    at = open_weights(upload(open_page(uid), [(f"{n}.txt", sample(n)) for n in NAMES]))
    for key in ("weight_must", "weight_nice", "weight_general", "weight_future"):
        at.slider(key=key).set_value(0.0).run()
    assert not at.exception
    assert not at.dataframe  # no table of fits that no weight asked for (they reached 68 before)
    assert any("weighted 0" in w.value for w in at.warning)
    at.slider(key="weight_future").set_value(0.5).run()
    assert at.dataframe


def heatmap_candidates(at: AppTest) -> set[str]:
    """The candidates in the data of the heatmap the page sent (Arrow, as the browser gets it)."""

    def charts(node: object) -> list[object]:
        found = []
        for child in getattr(node, "children", {}).values():
            found += [child] if getattr(child, "type", "") == "vega_lite_chart" else charts(child)
        return found

    [heatmap] = [c for c in charts(at.main) if "Fit of each candidate" in c.proto.spec]  # type: ignore[attr-defined]
    [data] = heatmap.proto.datasets  # type: ignore[attr-defined]
    return set(pyarrow.ipc.open_stream(data.data.data).read_all().column("candidate").to_pylist())


def test_filters_best_n_and_side_by_side(app: tuple[Store, int]) -> None:
    _, uid = app
    files = [(f"cv{i:02d}.txt", sample(NAMES[i % 5]) + f"\nReference {i}\n".encode()) for i in range(30)]
    at = ranked(open_page(uid), files)
    assert len(at.dataframe[0].value) == 25  # the best 25, the rest on demand
    assert heatmap_candidates(at) == set(table(at))  # the heatmap's data sent to the browser: those 25 only
    at.toggle(key="show_all").set_value(True).run()
    everyone = at.dataframe[0].value
    assert len(everyone) == 30 and len(heatmap_candidates(at)) == 30
    at.session_state["bulk_open"] = at.session_state["filters_open"] = True  # both opened
    at.run()
    at.multiselect(key="bulk_candidates").set_value(["C001", "C002"])
    at.radio(key="bulk_decision").set_value("reject")
    at.text_input(key="bulk_reason").input("Not this opening")
    at.button(key="record_bulk").click().run()
    at.button(key="confirm_decision_bulk").click().run()
    at.multiselect(key="filter_decisions").set_value(["reject"]).run()
    assert sorted(at.dataframe[0].value["candidate"]) == ["C001", "C002"]
    at.multiselect(key="filter_decisions").set_value([]).run()
    band = everyone["band"].iloc[-1]
    at.multiselect(key="filter_bands").set_value([band]).run()
    assert (
        set(at.dataframe[0].value["band"]) == {band} and len(at.dataframe[0].value) == (everyone["band"] == band).sum()
    )
    at.multiselect(key="filter_bands").set_value([]).run()
    at.multiselect(key="compare_candidates").set_value(["C003", "C004", "C005"]).run()
    [side] = [d.value for d in at.dataframe if list(d.value.columns) == ["C003", "C004", "C005"]]
    assert "fit: EHR developer" in side.index and "missing must-haves" in side.index


def test_the_filters_are_drawn_when_opened_and_stay_in_force_closed(app: tuple[Store, int]) -> None:
    _, uid = app
    at = ranked(open_page(uid), [(f"cv{i:02d}.txt", sample(NAMES[i % 5]) + f"\nReference {i}\n".encode())
                                 for i in range(30)])  # fmt: skip
    assert "Filter the candidates" in [e.label for e in at.expander]
    assert not [w for w in at.multiselect if str(w.key).startswith("filter_")]  # closed: not sent
    at.session_state["filters_open"] = True
    at.run()
    band = at.dataframe[0].value["band"].iloc[-1]
    at.multiselect(key="filter_bands").set_value([band]).run()
    matching = list(at.dataframe[0].value["candidate"])
    assert set(at.dataframe[0].value["band"]) == {band} and len(matching) < 25
    at.session_state["filters_open"] = False  # closed again: the filter still in force, said above the table
    at.run()
    assert not [w for w in at.multiselect if str(w.key).startswith("filter_")]
    assert list(at.dataframe[0].value["candidate"]) == matching
    assert f"{len(matching)} of 30 candidates match the filters." in texts(at)
    at.session_state["filters_open"] = True  # reopened: the widget shows the filter in force
    at.run()
    assert at.multiselect(key="filter_bands").value == [band] and table(at) == matching


def test_the_export_has_every_roles_fit_and_the_key_to_the_files_comes_after_decisions(matcher: Matcher) -> None:
    screening = read_screening(matcher, [("=cmd.txt", sample("cds_1")), ("b.txt", sample("ehr_1"))],
                               limits=DocumentLimits(), batch=BatchLimits())  # fmt: skip
    ranking = screening.ranking
    frame = ranked_table(ranking.table(roles=["cds"]), decided={}, duplicates={})
    frame = frame.assign(source=[ranking.sources[ranking.ids.index(c)] for c in frame["candidate"]])
    labels = {r: matcher.catalogue.roles[r].label for r in matcher.roles}
    blind = export_csv(frame, role_labels=labels, blind=True, reasons={}, refs={}, context={"catalogue_version": "x"})
    rows = list(csv.DictReader(io.StringIO(blind)))
    assert all(f"fit: {label}" in rows[0] for label in labels.values()) and "source" not in rows[0]
    assert [float(r["fit: Clinical decision support developer"]) for r in rows] == list(frame["cds"])
    with pytest.raises(Exception, match="after the decisions"):
        unblind_csv(ranking.ids, sources=dict(zip(ranking.ids, ranking.sources, strict=True)), duplicates={},
                    decided={})  # fmt: skip
    key = unblind_csv(ranking.ids, sources=dict(zip(ranking.ids, ranking.sources, strict=True)), duplicates={},
                      decided={"C001": "shortlist"})  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(key)))
    assert rows[0] == {
        "candidate": "C001",
        "file": "'=cmd.txt",
        "same CV also uploaded as": "",
        "decision": "shortlist",
    }


def test_the_page_offers_the_key_to_the_files_only_after_a_decision(app: tuple[Store, int]) -> None:
    store, uid = app
    at = ranked(open_page(uid))
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Export the ranking (CSV)" in labels and not any(label.startswith("Unblind") for label in labels)
    at = ask(at, "C001", "hold", "Ask for references")
    at.button(key="confirm_decision_one").click().run()
    assert any(b.proto.label.startswith("Unblind") for b in at.get("download_button"))


def test_no_byte_of_the_key_to_the_files_is_served_before_its_download_is_in_the_audit_log(
    app: tuple[Store, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key was given to its button as bytes, served from /media/ as soon as the button was drawn, and the
    audit row was written only on the click's rerun: fetching the button's URL got the key unlogged."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    from hcdev_match.storage.audit import read_audit

    made = []  # what Streamlit runs when the button is clicked (its deferred data), in the order drawn
    add_deferred = MediaFileManager.add_deferred

    def keep(manager: MediaFileManager, data: object, *args: object, **kwargs: object) -> str:
        made.append(data)
        return add_deferred(manager, data, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    store, uid = app
    at = ask(ranked(open_page(uid)), "C001", "hold", "Ask for references")
    at.button(key="confirm_decision_one").click().run()
    [button] = [b for b in at.get("download_button") if b.proto.label.startswith("Unblind")]
    assert button.proto.url == "" and button.proto.deferred_file_id  # no file at /media/ to fetch
    assert "cds_1.txt" not in str(at.main) and read_audit(store, action="unblinded").total == 0  # blind review
    key = made[-1]()  # the click
    [entry] = read_audit(store, action="unblinded").entries  # written before the key was returned
    assert (entry["actor"], entry["target"]) == ("ana", f"batch:{list_batches(store, owner=uid)[0].id}")
    rows = list(csv.DictReader(io.StringIO(key)))
    assert sorted(r["file"] for r in rows) == sorted(f"{n}.txt" for n in NAMES) and rows[0]["decision"] == "hold"


def test_the_heatmap_labels_every_role_at_the_top_and_every_row(matcher: Matcher) -> None:
    screening = read_screening(matcher, [(f"{n}.txt", sample(n)) for n in NAMES], limits=DocumentLimits(),
                               batch=BatchLimits())  # fmt: skip
    labels = {r: matcher.catalogue.roles[r].label for r in matcher.roles}
    spec = build_heatmap(screening.ranking.table(roles=["cds"]), role_labels=labels).to_dict()
    x, y = spec["encoding"]["x"]["axis"], spec["encoding"]["y"]["axis"]
    assert x["orient"] == "top" and x["labelOverlap"] is False and y["labelOverlap"] is False
    assert spec["usermeta"]["embedOptions"]["renderer"] == "svg"  # labels a browser test can read
    # Its role labels, row codes, legend and title were in Streamlit's grey of 3.72:1 (the fit check's and HR's
    # charts set their own ink); its cells are one blue, light to dark: told apart by lightness, not red/green.
    config = spec["config"]
    inks = [config["axis"]["labelColor"], config["axis"]["titleColor"], config["legend"]["labelColor"],
            config["legend"]["titleColor"], config["title"]["color"]]  # fmt: skip
    assert all(contrast_on_white(ink) >= 4.5 for ink in inks), inks
    assert spec["encoding"]["color"]["scale"] == {"domain": [0, 100], "scheme": "blues"}


def test_the_pages_heatmap_spec_is_the_charts_own_built_once_per_set_of_roles(matcher: Matcher) -> None:
    """The page sends ``heatmap_spec``, Altair's chart built (and validated) once, only its rows filled in."""
    from hcdev_match.present.charts import _heatmap_template, heatmap_spec

    screening = read_screening(matcher, [(f"{n}.txt", sample(n)) for n in NAMES], limits=DocumentLimits(),
                               batch=BatchLimits())  # fmt: skip
    labels = {r: matcher.catalogue.roles[r].label for r in matcher.roles}
    _heatmap_template.cache_clear()
    for roles in (["cds"], ["imaging", "ehr"]):  # another order of the rows, the same chart
        frame = screening.ranking.table(roles=roles)
        built, sent = build_heatmap(frame, role_labels=labels).to_dict(), heatmap_spec(frame, role_labels=labels)
        assert sent["datasets"][sent["data"]["name"]] == built["datasets"][built["data"]["name"]]
        assert {k: v for k, v in sent.items() if k not in ("data", "datasets")} == {
            k: v for k, v in built.items() if k not in ("data", "datasets")}  # fmt: skip
        assert sent["encoding"]["y"]["sort"] == list(frame["candidate"])
    assert _heatmap_template.cache_info().misses == 1


def contrast_on_white(colour: str) -> float:
    """WCAG 2's contrast ratio of ``colour`` (#rrggbb) against white."""
    linear = [(v / 12.92) if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
              for v in (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))]  # fmt: skip
    return 1.05 / (0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2] + 0.05)


# -- reading ahead -------------------------------------------------------------------------------


def cv_pdfs(tag: str, count: int) -> list[tuple[str, bytes]]:
    return [(f"{tag}{n}.pdf", make_pdf([*CV_LINES, f"Reference {tag}-{n}"])) for n in range(count)]


def test_the_uploads_are_read_once_as_the_uploader_holds_them_and_the_click_only_scores(
    app: tuple[Store, int],
) -> None:
    from webui.recruiter_reading import READ_AHEAD, document_reader

    _, uid = app
    at = open_page(uid)
    parsed = document_reader().files_parsed
    at.file_uploader(key="batch_files").set_value([(n, d, "application/pdf") for n, d in cv_pdfs("a", 4)]).run()
    at.session_state[READ_AHEAD].future.result(timeout=60)  # read with no click (and no table yet)
    assert document_reader().files_parsed - parsed == 4 and not at.dataframe
    at.button(key="rank_batch").click().run()
    assert not at.exception
    assert sorted(at.session_state["recruiter_work"].ranking.sources) == [f"a{n}.pdf" for n in range(4)]
    assert document_reader().files_parsed - parsed == 4  # the click read nothing again


def test_a_click_right_after_the_upload_scores_the_whole_batch_and_new_files_are_never_mixed_with_the_last(
    app: tuple[Store, int],
) -> None:
    from webui.recruiter_reading import READ_AHEAD

    _, uid = app
    at = open_page(uid)
    at.file_uploader(key="batch_files").set_value([(n, d, "application/pdf") for n, d in cv_pdfs("a", 25)]).run()
    first = at.session_state[READ_AHEAD]
    others = [(n, d, "application/pdf") for n, d in cv_pdfs("b", 3)]
    at.file_uploader(key="batch_files").set_value(others).run()  # while the first ones are read
    assert at.session_state[READ_AHEAD] is not first and first.stopped.is_set()
    at.button(key="rank_batch").click().run()  # at once: the click waits for the reading, whole
    assert not at.exception
    assert sorted(at.session_state["recruiter_work"].ranking.sources) == ["b0.pdf", "b1.pdf", "b2.pdf"]
