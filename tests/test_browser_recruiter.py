"""The recruiter page in a real browser: the decision form, a saved batch after a reload, the heatmap's labels."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .browser import rank_the_batch, require_chromium, server_with_accounts, wait_idle
from .conftest import ROOT, SAMPLES

pytestmark = pytest.mark.browser

require_chromium()

from playwright.sync_api import Browser, Page, expect  # noqa: E402

TIMEOUT = 60_000
PASSWORD = "correct horse battery"
NAMES = ["cds_1", "cds_2", "cds_3", "analytics_1", "imaging_1", "ehr_1", "mobile_1"]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The app's address and its database's URL."""
    with server_with_accounts(tmp_path_factory.mktemp("db"), {"ana": "recruiter"}, password=PASSWORD) as (app, url):
        yield app.url, url


@pytest.fixture(scope="module")
def server(served: tuple[str, str]) -> str:
    return served[0]


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{server}/Recruiter")
    sign_in(page)
    yield page
    context.close()


def sign_in(page: Page) -> None:
    page.locator(".st-key-signin_name input").fill("ana")
    page.locator(".st-key-signin_password input").fill(PASSWORD)
    page.locator(".st-key-signin button").click()
    expect(page.get_by_role("heading", name="Rank a batch of CVs for an opening")).to_be_visible()
    wait_idle(page)


def upload(page: Page, folder: Path, files: dict[str, str]) -> None:
    paths = []
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(str(folder / name))
    page.locator(".st-key-batch_files input[type=file]").set_input_files(paths)
    expect(page.get_by_text(next(iter(files)))).to_be_visible()
    wait_idle(page)
    rank_the_batch(page)


def samples(suffix: str = "") -> dict[str, str]:
    return {f"{n}{suffix}.txt": (SAMPLES / f"{n}.txt").read_text() + suffix for n in NAMES}


def save(page: Page, name: str) -> None:
    box = page.locator(".st-key-batch_name input")
    box.fill(name)
    box.press("Enter")
    wait_idle(page)
    page.locator(".st-key-legal_basis").get_by_text("contract:", exact=False).click()
    wait_idle(page)
    page.locator(".st-key-save_batch button").click()
    expect(page.get_by_text(f"assessments are saved as '{name}'")).to_be_visible()
    wait_idle(page)


def choose(page: Page, code: str) -> None:
    page.locator(".st-key-explain_candidate input[role=combobox]").click()
    page.get_by_role("option", name=code, exact=True).click()
    expect(page.locator(f".st-key-decision_{code}")).to_be_visible()
    wait_idle(page)


def unblinded(database_url: str) -> int:
    """How many downloads of the key from codes to files the audit log holds."""
    from hcdev_match.storage.audit import read_audit
    from hcdev_match.storage.store import Store

    store = Store.from_url(database_url)
    try:
        return read_audit(store, action="unblinded").total
    finally:
        store.engine.dispose()


def test_the_decision_form_of_another_candidate_is_empty_and_nothing_is_recorded_unconfirmed(
    page: Page, tmp_path: Path, served: tuple[str, str]
) -> None:
    upload(page, tmp_path, samples("-a"))
    save(page, "Decisions")
    choose(page, "C003")
    page.locator(".st-key-decision_C003").get_by_text("reject", exact=True).click()
    page.locator(".st-key-decision_reason_C003 input").fill("No clinical work shown, see www.example.org")
    page.locator(".st-key-record_decision_C003 button").click()
    expect(page.get_by_text("Record reject for C003", exact=False)).to_be_visible()
    expect(page.locator("a[href*='example.org']")).to_have_count(0)  # a typed address stays text, not a link
    choose(page, "C002")
    form = page.locator(".st-key-decision_C002")
    assert form.locator("input[type=radio]:checked").count() == 0  # nothing pre-chosen from C003
    assert page.locator(".st-key-decision_reason_C002 input").input_value() == ""
    expect(page.get_by_text("Record reject for C003", exact=False)).to_have_count(0)
    expect(page.locator("[class*='st-key-confirm_decision']")).to_have_count(0)
    expect(page.get_by_text("No decision on C002 yet.")).to_be_visible()
    # After a decision, the key from codes to files downloads, and only with its row in the audit log.
    page.locator(".st-key-decision_C002").get_by_text("hold", exact=True).click()
    page.locator(".st-key-decision_reason_C002 input").fill("Ask for references")
    page.locator(".st-key-record_decision_C002 button").click()
    wait_idle(page)
    page.locator(".st-key-confirm_decision_one button").click()
    wait_idle(page)
    before = unblinded(served[1])
    with page.expect_download() as download:
        page.locator(".st-key-export_unblind button").click()
    key = Path(download.value.path()).read_text(encoding="utf-8")
    assert "C002,cds_2-a.txt,,hold" in key.splitlines() and unblinded(served[1]) == before + 1


QUOTED = '=HYPERLINK("http:evil";"x").txt'  # Chromium sends its quotes as %22 (HTML's form encoding)


def test_a_saved_batch_reopens_after_a_reload(page: Page, tmp_path: Path, served: tuple[str, str]) -> None:
    upload(page, tmp_path, {**samples("-b"), QUOTED: (SAMPLES / "imaging_2.txt").read_text()})
    page.locator(".st-key-blind_review label").click()  # blind review off: saved with the batch
    wait_idle(page)
    save(page, "ICU opening")
    from hcdev_match.storage.lookup import find_by_batch_and_file, list_batches
    from hcdev_match.storage.store import Store

    store = Store.from_url(served[1])
    [batch] = [b.name for b in list_batches(store) if b.label == "ICU opening"]
    [kept] = find_by_batch_and_file(store, batch, '("http:evil"', actor="test")  # the Privacy page's search
    store.engine.dispose()
    assert kept.file_name == QUOTED  # as the person named it, found by it (it was saved as ...(%22http:evil%22...)
    page.reload()
    signed_in = page.get_by_role("heading", name="Rank a batch of CVs for an opening")
    expect(page.locator(".st-key-signin_name input").or_(signed_in).first).to_be_visible()
    if page.locator(".st-key-signin_name input").count():  # sign-in surviving a reload is another change
        sign_in(page)
    expect(page.locator(".st-key-heatmap")).to_have_count(0)  # a new session: nothing of the batch in it
    page.locator(".st-key-saved_batch input[role=combobox]").click()
    page.get_by_role("option", name="ICU opening", exact=False).click()
    wait_idle(page)
    page.locator(".st-key-open_batch button").click()
    expect(page.get_by_role("heading", name="ICU opening")).to_be_visible()
    expect(page.locator(".st-key-heatmap svg").first).to_be_attached()
    expect(page.get_by_text("assessments are saved as 'ICU opening'")).to_be_visible()
    assert page.locator(".st-key-blind_review input[type=checkbox]").is_checked() is False


def test_the_heatmap_labels_all_seven_roles_at_the_top_and_every_row_at_1280_px(page: Page, tmp_path: Path) -> None:
    files = {f"cv{i:02d}.txt": (SAMPLES / f"{NAMES[i % 7]}.txt").read_text() + f"\nReference {i}\n" for i in range(30)}
    upload(page, tmp_path, files)
    page.locator(".st-key-show_all label").click()
    wait_idle(page)
    chart = page.locator(".st-key-heatmap")
    expect(chart.locator("svg").first).to_be_visible()
    labels = chart.locator("svg text").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return {text: e.textContent, left: r.left, right: r.right, top: r.top, width: r.width}; })"
    )
    from hcdev_match.catalogue.model import load_catalogue

    roles = [role.label for role in load_catalogue().roles.values()]
    assert len(roles) == 7
    shown = {label["text"]: label for label in labels}
    missing = [r for r in roles if r not in shown]
    assert not missing, (missing, sorted(shown))
    rows = [label for label in labels if label["text"].startswith("C0")]
    assert sorted(label["text"] for label in rows) == [f"C{n:03d}" for n in range(1, 31)]  # every row
    first_row = min(label["top"] for label in rows)
    for role in roles:
        box = shown[role]
        assert box["top"] < first_row, role  # at the top, above the first row
        assert box["left"] >= 0 and box["right"] <= 1280 and box["width"] > 0, role  # on screen at 1280 px
    # Its text was Streamlit's chart grey, 3.72:1: role labels, row codes, legend and title at least 4.5:1 now.
    contrast = page.evaluate((ROOT / "tests/contrast.js").read_text())
    drawn = {label["text"] for label in labels}
    measured = [row for row in contrast if row[1] in drawn and row[3] == "stVegaLiteChart" and row[0] > 1]
    assert {"C001", "EHR developer", "Fit of each candidate to each role", "100"} <= {row[1] for row in measured}
    assert all(row[0] >= 4.5 for row in measured), [row for row in measured if row[0] < 4.5][:10]
    # Beside the table at 1280 px (the sidebar open) the candidate's fit reads whole (it was "10…" and "99…"),
    # and the table's key columns are all in its visible part.
    value = page.locator('[data-testid="stMetricValue"]').first
    expect(value).to_contain_text("/ 100")
    text_width, box_width = value.evaluate(
        "e => { const r = document.createRange(); r.selectNodeContents(e);"
        " return [r.getBoundingClientRect().width, e.getBoundingClientRect().width]; }"
    )
    assert text_width <= box_width, (text_width, box_width)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()  # the grid draws (its header included) once on screen
    expect(grid.locator("th[role=columnheader]").first).to_be_attached()
    headers = grid.locator("th[role=columnheader]").evaluate_all("els => els.map(e => e.textContent.trim())")
    assert [h for h in headers if h][:5] == ["candidate", "fit", "band", "decision", "best role"], headers


def test_typing_fhir_and_enter_requires_fhir_only(page: Page, tmp_path: Path) -> None:
    upload(page, tmp_path, samples("-c"))
    box = page.locator(".st-key-required_skills input")
    box.fill("FHIR")
    box.press("Enter")
    wait_idle(page)
    expect(page.get_by_text("Required: FHIR (R4)", exact=True)).to_be_visible()  # that one skill, nothing else
