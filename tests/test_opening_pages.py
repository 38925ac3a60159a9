"""The opening box on both pages, driven in-process with Streamlit's AppTest."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from hcdev_match.config import band_of
from hcdev_match.storage.accounts import User, add_user
from hcdev_match.storage.batches import list_batches
from hcdev_match.storage.openings import load_openings
from hcdev_match.storage.store import Store
from hcdev_match.workflows.ranking import ranking_csv
from hcdev_match.workflows.screening import resolve_skills
from webui.opening import opening_context

from .conftest import ROOT, SAMPLES, sign_in_session
from .files import make_docx
from .test_openings import CV_PREFERRED, CV_REQUIRED, INTEGRATION, SCRAPED


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Store:
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    monkeypatch.setenv("HCDEV_DATABASE_URL", url)
    return Store.from_url(url)


def open_compare(at: AppTest) -> AppTest:
    """The candidate's "Compare with a job posting", opened as a person does (it is drawn only then)."""
    if not at.session_state["compare_open"]:
        at.session_state["compare_open"] = True
        at.run()
    return at


def paste_posting(at: AppTest, prefix: str, text: str) -> AppTest:
    if prefix == "candidate":
        at = open_compare(at)
    at.text_area(key=f"{prefix}_posting_text").input(text)
    return at.button(key=f"{prefix}_posting_read").click().run()


def test_a_candidate_compares_their_cv_with_a_posting_and_nothing_is_stored(store: Store) -> None:
    at = AppTest.from_file(str(ROOT / "pages/0_Check_a_CV.py"), default_timeout=60).run()
    at.text_area(key="cv_text").input((SAMPLES / "ehr_1.txt").read_text())
    at = at.button(key="score_cv").click().run()
    assert not at.exception and not [m for m in at.metric if m.label.startswith("Fit to ")]  # no posting yet
    # Closed, the comparison sends nothing with the result (a click waits for less); opened, its box is there.
    assert "candidate_posting_text" not in [t.key for t in at.text_area]
    assert "candidate_posting_text" in [t.key for t in open_compare(at).text_area]
    at = paste_posting(at, "candidate", INTEGRATION)
    assert not at.exception
    metric = next(m for m in at.metric if m.label.startswith("Fit to Senior Integration Engineer"))
    assert metric.value.endswith("/ 100")
    markdown = "\n".join(m.value for m in at.markdown)
    assert "Required skills the CV shows:" in markdown and "Required skills it misses:" in markdown
    table = next(d.value for d in at.dataframe if "against" in d.value.columns)
    assert len(table) == 8 and table["against"][0].startswith("This posting")  # beside the seven roles
    assert store.count_assessments() == 0


def test_a_recruiter_ranks_against_a_posting_edits_it_re_ranks_and_saves_it(store: Store) -> None:
    user = add_user(store, "ana", role="recruiter", password="correct horse battery")
    at = AppTest.from_file(str(ROOT / "pages/3_Recruiter.py"), default_timeout=60)
    at = sign_in_session(at, "recruiter", name="ana", user_id=user.id).run()
    files = [("a_required.txt", CV_REQUIRED.encode()), ("b_preferred.txt", CV_PREFERRED.encode())]
    files.append(("c_imaging.txt", (SAMPLES / "imaging_1.txt").read_bytes()))
    at.file_uploader(key="batch_files").set_value([(n, d, "text/plain") for n, d in files]).run()
    at = at.button(key="rank_batch").click().run()
    ranking = at.session_state["recruiter_work"].ranking
    at = paste_posting(at, "recruiter", INTEGRATION)
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns[:2]) == ["candidate", "opening fit"]
    assert list(table["candidate"][:2]) == ["C001", "C002"]  # the CV showing every required skill first
    # The required list starts from the posting's required skills, and the recruiter edits it.
    skills = ranking.matcher.catalogue.skills
    required = at.text_input(key="required_skills")
    assert (
        resolve_skills(ranking.matcher.catalogue, required.value)[0]
        == at.session_state["recruiter_posting_opening"].required
    )
    before = dict(zip(table["candidate"], table["opening fit"], strict=True))
    at = required.input(f"{skills['fhir'].label}, {skills['python'].label}").run()
    after = dict(zip(at.dataframe[0].value["candidate"], at.dataframe[0].value["opening fit"], strict=True))
    assert after["C002"] > before["C002"] and after["C001"] < before["C001"]
    # Another posting re-ranks the same batch: nothing uploaded or read again.
    at = paste_posting(at, "recruiter", SCRAPED)
    assert at.dataframe[0].value["candidate"][0] == "C003"
    assert at.session_state["recruiter_work"].ranking is ranking
    # Saved: the opening goes with the assessments.
    at.radio(key="legal_basis").set_value("contract").run()
    at = at.button(key="save_batch").click().run()
    assert not at.exception and store.count_assessments() == 3
    kept = load_openings(store, store.assessment_ids())
    assert len(kept) == 3 and {o["title"] for o in kept.values()} == {"Imaging Platform Engineer"}
    assert max(o["fit"] for o in kept.values()) == at.dataframe[0].value["opening fit"][0]


def test_the_export_names_the_opening_and_carries_its_fit(store: Store) -> None:
    user = add_user(store, "ana", role="recruiter", password="correct horse battery")
    at = AppTest.from_file(str(ROOT / "pages/3_Recruiter.py"), default_timeout=60)
    at = sign_in_session(at, "recruiter", name="ana", user_id=user.id).run()
    at.file_uploader(key="batch_files").set_value([("a.txt", CV_REQUIRED.encode(), "text/plain")]).run()
    at = paste_posting(at.button(key="rank_batch").click().run(), "recruiter", INTEGRATION)
    opening = at.session_state["recruiter_posting_opening"]
    table = at.dataframe[0].value
    rows = list(csv.DictReader(io.StringIO(ranking_csv(table, context=opening_context(opening)))))
    assert rows[0]["opening"] == "Senior Integration Engineer" and float(rows[0]["opening fit"]) > 0
    assert rows[0]["opening text sha256"] == opening.text_hash and "hl7" in rows[0]["opening required"]


def candidate_with_a_posting_file() -> AppTest:
    """The candidate's page with a CV scored and the integration posting read from a DOCX through the box."""
    at = AppTest.from_file(str(ROOT / "pages/0_Check_a_CV.py"), default_timeout=60).run()
    at.text_area(key="cv_text").input((SAMPLES / "ehr_1.txt").read_text())
    at = open_compare(at.button(key="score_cv").click().run())
    docx = make_docx(INTEGRATION.split("\n"))
    at.file_uploader(key="candidate_posting_file").set_value([("posting.docx", docx, "application/octet-stream")])
    return at.button(key="candidate_posting_read").click().run()


def test_a_posting_file_is_read_through_the_box_and_a_broken_one_loses_nothing(store: Store) -> None:
    at = candidate_with_a_posting_file()
    assert not at.exception and not at.error
    assert any(m.label.startswith("Fit to Senior Integration Engineer") for m in at.metric)
    at.file_uploader(key="candidate_posting_file").set_value([("posting.pdf", b"not a PDF at all", "application/pdf")])
    at = at.button(key="candidate_posting_read").click().run()
    assert not at.exception and at.error and "Traceback" not in at.error[0].value
    assert any(m.label.startswith("Fit to Senior Integration Engineer") for m in at.metric)  # the last one read stays


def test_a_posting_read_before_the_batch_keeps_its_required_skills_when_the_batch_is_read(store: Store) -> None:
    user = add_user(store, "ana", role="recruiter", password="correct horse battery")
    at = AppTest.from_file(str(ROOT / "pages/3_Recruiter.py"), default_timeout=60)
    at = paste_posting(sign_in_session(at, "recruiter", name="ana", user_id=user.id).run(), "recruiter", INTEGRATION)
    files = [("a_required.txt", CV_REQUIRED.encode()), ("b_preferred.txt", CV_PREFERRED.encode())]
    at.file_uploader(key="batch_files").set_value([(n, d, "text/plain") for n, d in files]).run()
    at = at.button(key="rank_batch").click().run()
    opening = at.session_state["recruiter_posting_opening"]
    catalogue = at.session_state["recruiter_work"].ranking.matcher.catalogue
    # The box says the posting requires HL7 v2, ADT ...: the ranking under it must rank by them too.
    assert resolve_skills(catalogue, at.text_input(key="required_skills").value)[0] == opening.required
    first = dict(zip(at.dataframe[0].value["candidate"], at.dataframe[0].value["opening fit"], strict=True))
    at = paste_posting(at, "recruiter", INTEGRATION)  # read again, now that the batch is there
    again = dict(zip(at.dataframe[0].value["candidate"], at.dataframe[0].value["opening fit"], strict=True))
    assert first == again


def ranked_by_the_integration_posting(store: Store) -> tuple[AppTest, User]:
    """Ana signed in on the recruiter page, two CVs read (one shows the required skills, one the preferred) and
    ranked by the integration posting pasted into the box."""
    user = add_user(store, "ana", role="recruiter", password="correct horse battery")
    at = AppTest.from_file(str(ROOT / "pages/3_Recruiter.py"), default_timeout=60)
    at = sign_in_session(at, "recruiter", name="ana", user_id=user.id).run()
    files = [("a_required.txt", CV_REQUIRED.encode()), ("b_preferred.txt", CV_PREFERRED.encode())]
    at.file_uploader(key="batch_files").set_value([(n, d, "text/plain") for n, d in files]).run()
    return paste_posting(at.button(key="rank_batch").click().run(), "recruiter", INTEGRATION), user


NOTHING_TO_FIT = "Chief Happiness Officer\n\nRequirements:\n- a warm smile\n- good vibes every morning\n"


def test_a_posting_with_nothing_the_catalogue_knows_is_refused_and_the_last_opening_stays(store: Store) -> None:
    at, _ = ranked_by_the_integration_posting(store)
    ranked = at.dataframe[0].value
    at = paste_posting(at, "recruiter", NOTHING_TO_FIT)
    # Every fit to it would be 0: a ranking by it orders nothing, and saving it would keep 0 for everyone.
    assert not at.exception and at.error and "every fit to it would be 0" in at.error[0].value
    assert at.session_state["recruiter_posting_opening"].title == "Senior Integration Engineer"
    assert at.dataframe[0].value.equals(ranked)


def test_a_pasted_posting_over_the_limit_is_refused_whole_never_cut_and_the_text_stays(store: Store) -> None:
    from hcdev_match.documents.document import DocumentLimits

    limit = DocumentLimits().max_chars
    at, _ = ranked_by_the_integration_posting(store)
    ranked = at.dataframe[0].value
    too_long = SCRAPED + "\n\nAbout us\n" + "We care about patients. " * (limit // 24)  # its start alone would read
    assert len(too_long) > limit
    at = paste_posting(at, "recruiter", too_long)
    assert not at.exception and at.error, "an over-long posting was read, cut to its first characters"
    message = at.error[0].value.replace("\\", "")
    assert f"{len(too_long):,} characters" in message and f"more than the {limit:,}" in message
    assert "paste the posting alone" in message
    assert at.session_state["recruiter_posting_opening"].title == "Senior Integration Engineer"  # unchanged
    assert at.dataframe[0].value.equals(ranked)
    assert at.text_area(key="recruiter_posting_text").value == too_long  # nothing of what was pasted is lost


def test_a_postings_title_is_shown_as_text_in_the_candidates_fit_never_as_markdown(store: Store) -> None:
    at = AppTest.from_file(str(ROOT / "pages/0_Check_a_CV.py"), default_timeout=60).run()
    at.text_area(key="cv_text").input((SAMPLES / "ehr_1.txt").read_text())
    at = paste_posting(
        at.button(key="score_cv").click().run(), "candidate", "Senior *FHIR* Engineer_at_**Acme**\n" + INTEGRATION
    )
    # A metric's label is Markdown (a browser shows *FHIR* in italics, and links and images too).
    [metric] = [m for m in at.metric if m.label.startswith("Fit to ")]
    assert metric.label == "Fit to Senior \\*FHIR\\* Engineer\\_at\\_\\*\\*Acme", metric.label


def test_a_saved_batch_opened_with_another_posting_in_hand_never_ranks_by_a_mix_of_both(store: Store) -> None:
    at, user = ranked_by_the_integration_posting(store)
    at.radio(key="legal_basis").set_value("contract").run()
    assert not at.button(key="save_batch").click().run().exception
    # Another day: the imaging posting in hand, the integration batch opened (its required list is HL7 v2 ...).
    at = AppTest.from_file(str(ROOT / "pages/3_Recruiter.py"), default_timeout=60)
    at = paste_posting(sign_in_session(at, "recruiter", name="ana", user_id=user.id).run(), "recruiter", SCRAPED)
    at = at.button(key="open_batch").click().run()
    catalogue = at.session_state["recruiter_work"].ranking.matcher.catalogue
    required = resolve_skills(catalogue, at.text_input(key="required_skills").value)[0]
    opening = at.session_state.get("recruiter_posting_opening")
    # Either the box's posting ranks with its own required skills, or no posting ranks: never the
    # imaging posting's profile with the integration posting's required list under the imaging title.
    assert opening is None or required == opening.required, (opening and opening.required, required)
    # The batch comes back with the opening it was saved with; the posting in hand is put away, said so.
    assert opening is not None and opening.title == "Senior Integration Engineer"
    assert any("read it again" in i.value for i in at.info)
    assert at.text_area(key="recruiter_posting_text").value == SCRAPED  # nothing lost: one click reads it again
    at = at.button(key="recruiter_posting_read").click().run()
    opening = at.session_state["recruiter_posting_opening"]
    assert resolve_skills(catalogue, at.text_input(key="required_skills").value)[0] == opening.required


def opened(at: AppTest, batch_id: int) -> AppTest:
    at.selectbox(key="saved_batch").set_value(batch_id)
    return at.button(key="open_batch").click().run()


def test_a_batch_saved_with_a_posting_reopens_another_day_ranked_by_it_and_one_without_reopens_without(
    store: Store,
) -> None:
    at, user = ranked_by_the_integration_posting(store)
    table = at.dataframe[0].value
    ranked = dict(zip(table["candidate"], table["opening fit"], strict=True))
    catalogue = at.session_state["recruiter_work"].ranking.matcher.catalogue
    required = resolve_skills(catalogue, at.text_input(key="required_skills").value)[0]
    at.radio(key="legal_basis").set_value("contract").run()
    assert not at.button(key="save_batch").click().run().exception
    saved_fits = sorted(o["fit"] for o in load_openings(store, store.assessment_ids()).values())
    at = AppTest.from_file(str(ROOT / "pages/3_Recruiter.py"), default_timeout=60)  # no posting in hand
    at = sign_in_session(at, "recruiter", name="ana", user_id=user.id).run()
    at.file_uploader(key="batch_files").set_value([("c.txt", (SAMPLES / "imaging_1.txt").read_bytes(), "text/plain")])
    at = at.button(key="rank_batch").click().run()
    at.radio(key="legal_basis").set_value("contract").run()
    assert not at.button(key="save_batch").click().run().exception
    integration, plain = sorted(b.id for b in list_batches(store, owner=user.id))
    # Another day, a new session: the batch saved with the posting is ranked by it again, as saved.
    at = AppTest.from_file(str(ROOT / "pages/3_Recruiter.py"), default_timeout=60)
    at = opened(sign_in_session(at, "recruiter", name="ana", user_id=user.id).run(), integration)
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns[:2]) == ["candidate", "opening fit"]
    assert dict(zip(table["candidate"], table["opening fit"], strict=True)) == ranked
    assert sorted(ranked.values()) == saved_fits
    assert "**Opening: Senior Integration Engineer**" in [m.value for m in at.markdown]
    assert any("text is not kept" in c.value for c in at.caption)
    assert resolve_skills(catalogue, at.text_input(key="required_skills").value)[0] == required
    assert at.session_state["recruiter_posting_opening"].required == required
    # The batch saved without one reopens without one, never ranked by the opening last in hand.
    at = opened(at, plain)
    assert not at.exception and at.session_state["recruiter_work"].batch_id == plain
    assert at.session_state.get("recruiter_posting_opening") is None
    assert not [m.value for m in at.markdown if m.value.startswith("**Opening: Senior")]


def test_a_pasted_posting_beside_an_uploaded_one_is_never_silently_ignored(store: Store) -> None:
    at = candidate_with_a_posting_file()
    assert [m.label for m in at.metric if m.label.startswith("Fit to ")] == ["Fit to Senior Integration Engineer"]
    at = paste_posting(at, "candidate", SCRAPED)  # another posting pasted; the file is still in the uploader
    # Which one was read must not be a guess: the pasted one, or a message saying both are given.
    read = [m.label for m in at.metric if m.label.startswith("Fit to ")]
    assert read == ["Fit to Imaging Platform Engineer"] or (at.error and "both" in at.error[0].value), read


def test_the_recruiter_sees_why_a_candidate_fits_the_posting_in_the_postings_terms(store: Store) -> None:
    at, _ = ranked_by_the_integration_posting(store)
    at = at.selectbox(key="explain_candidate").set_value("C002").run()
    fit = at.dataframe[0].value.set_index("candidate")["opening fit"]["C002"]
    markdown = [m.value for m in at.markdown]
    # The "reasons in the posting's terms": the candidate explained gets the fit to the posting
    # (the table's), the posting's required skills it misses and its preferred ones it shows.
    assert f"**Fit to the posting Senior Integration Engineer: {fit:.0f} / 100** ({band_of(fit)})" in markdown
    required = next(m for m in markdown if m.startswith("Required skills of the posting shown: "))
    preferred = next(m for m in markdown if m.startswith("Preferred skills of the posting shown: "))
    assert "missing: HL7 v2" in required and "FHIR" in preferred.split("; missing")[0]
    assert any("Zorblax Studio" in c.value for c in at.caption)  # not matched automatically: a person reads it
