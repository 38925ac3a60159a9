"""The fit check in a real browser: Debian's Chromium driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .browser import rank_the_batch, require_chromium, running_server, wait_idle
from .conftest import SAMPLES
from .files import CV_LINES, make_pdf

pytestmark = pytest.mark.browser

require_chromium()

from playwright.sync_api import Browser, Page, expect  # noqa: E402

TIMEOUT = 30_000


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running_server() as app:
        yield app.url


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(server)
    expect(page.locator(".st-key-cv_text textarea")).to_be_visible()
    yield page
    context.close()


def paste_and_score(page: Page, text: str) -> None:
    area = page.locator(".st-key-cv_text textarea")
    area.fill(text)
    area.press("Control+Enter")  # commit the value before the click
    wait_idle(page)
    page.locator(".st-key-score_cv button").click()


def open_why(page: Page) -> None:
    """Open "Why: the fit to each role explained" (drawn only when opened) and wait for its table."""
    page.locator(".st-key-explain_open summary").click()
    expect(page.locator(".st-key-explain_open [data-testid=stDataFrame]")).to_be_visible()
    wait_idle(page)


def test_paste_a_cv_and_see_the_best_fit_and_the_chart(page: Page) -> None:
    paste_and_score(page, (SAMPLES / "imaging_1.txt").read_text())
    expect(page.get_by_role("heading", name="Best fit: Medical imaging software developer")).to_be_visible()
    chart = page.locator(".st-key-fit_chart")
    expect(chart).to_be_visible()
    expect(chart.locator("canvas, svg").first).to_be_attached()
    expect(page.get_by_text("A person decides.").first).to_be_visible()


def test_upload_a_pdf_and_see_its_fit(page: Page, tmp_path: Path) -> None:
    pdf = tmp_path / "cv.pdf"
    pdf.write_bytes(make_pdf(CV_LINES))
    page.locator(".st-key-cv_file input[type=file]").set_input_files(str(pdf))
    expect(page.get_by_role("button", name="Remove cv.pdf")).to_be_visible()
    wait_idle(page)  # the upload's own rerun registers the file; a click before it would miss it
    page.locator(".st-key-score_cv button").click()
    expect(page.get_by_role("heading", name="Best fit: EHR developer")).to_be_visible()


def test_a_file_over_the_size_cap_is_refused_in_the_browser_before_it_is_sent(page: Page, tmp_path: Path) -> None:
    huge = tmp_path / "huge.pdf"
    huge.write_bytes(b"%PDF-1.7\n" + b"0" * (6 * 1024 * 1024))
    page.locator(".st-key-cv_file input[type=file]").set_input_files(str(huge))
    expect(page.locator(".st-key-cv_file").get_by_text("File must be 5.0MB or smaller.")).to_be_visible()


def test_html_in_a_cv_shows_as_text_and_never_runs(page: Page) -> None:
    payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script> HL7 FHIR EHR developer'
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    paste_and_score(page, (SAMPLES / "ehr_2.txt").read_text() + "\n" + payload)
    expect(page.get_by_role("heading", name="Best fit: EHR developer")).to_be_visible()
    page.get_by_text("The text that was scored").click()
    expect(page.get_by_text('<img src=x onerror="window.__xss=1">', exact=False).first).to_be_visible()
    assert page.evaluate("window.__xss") is None
    assert page.locator("img[src='x']").count() == 0
    assert dialogs == []


def test_a_recruiter_signs_in_through_the_form(browser: Browser, tmp_path: Path) -> None:
    from hcdev_match.storage.accounts import add_user
    from hcdev_match.storage.store import Store

    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    store = Store.from_url(url)
    add_user(store, "ana", role="recruiter", password="correct horse battery")
    store.engine.dispose()
    with running_server(env={"HCDEV_DATABASE_URL": url}) as app:
        server = app.url
        page = browser.new_page()
        page.set_default_timeout(TIMEOUT)
        page.goto(f"{server}/Privacy")
        expect(page.get_by_role("heading", name="Sign in to continue")).to_be_visible()
        page.locator(".st-key-signin_name input").fill("ana")
        page.locator(".st-key-signin_password input").fill("correct horse battery")
        page.locator(".st-key-signin button").click()
        expect(page.get_by_role("heading", name="Privacy: access requests, erasure and retention")).to_be_visible()
        page.close()


def test_a_recruiter_signs_in_uploads_three_cvs_and_sees_the_heatmap(browser: Browser, tmp_path: Path) -> None:
    from hcdev_match.storage.accounts import add_user
    from hcdev_match.storage.store import Store

    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    store = Store.from_url(url)
    add_user(store, "ana", role="recruiter", password="correct horse battery")
    store.engine.dispose()
    paths = []
    for name in ("telemedicine_1", "ehr_2", "mobile_3"):
        path = tmp_path / f"{name}.txt"
        path.write_text((SAMPLES / f"{name}.txt").read_text())
        paths.append(str(path))
    with running_server(env={"HCDEV_DATABASE_URL": url}) as app:
        server = app.url
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(TIMEOUT)
        page.goto(f"{server}/Recruiter")
        page.locator(".st-key-signin_name input").fill("ana")
        page.locator(".st-key-signin_password input").fill("correct horse battery")
        page.locator(".st-key-signin button").click()
        expect(page.get_by_role("heading", name="Rank a batch of CVs for an opening")).to_be_visible()
        page.locator(".st-key-batch_files input[type=file]").set_input_files(paths)
        expect(page.get_by_text("mobile_3.txt")).to_be_visible()
        wait_idle(page)
        rank_the_batch(page)
        heatmap = page.locator(".st-key-heatmap")
        expect(heatmap).to_be_visible()
        expect(heatmap.locator("canvas, svg").first).to_be_attached()
        page.close()


CONTRAST_JS = (Path(__file__).parent / "contrast.js").read_text()


def scale_bars(page: Page) -> list[float]:
    """The heights on screen (px) of the bars the fit scale chart draws: what a person can see of it."""
    chart = page.locator('[data-testid="stVegaLiteChart"]', has_text="How to read a fit").first
    expect(chart).to_be_visible()
    expect(chart.locator("svg").last).to_be_visible()
    heights: list[float] = chart.evaluate(
        """c => [...c.querySelectorAll('path[aria-roledescription="bar"]')]
            .map(p => p.getBoundingClientRect().height)"""
    )
    return heights


def test_the_fit_scale_is_drawn_on_the_landing_page_and_stays_beside_the_result(page: Page) -> None:
    wait_idle(page)
    bars = scale_bars(page)
    assert len(bars) == 4 and min(bars) >= 20, bars  # four bands, each tall enough to see (it was blank)
    paste_and_score(page, (SAMPLES / "imaging_1.txt").read_text())
    expect(page.locator(".st-key-fit_chart")).to_be_visible()
    bars = scale_bars(page)  # still there beside the result (it vanished after scoring)
    assert len(bars) == 4 and min(bars) >= 20, bars


def test_a_clinicians_cv_gets_the_no_fit_state_in_the_browser(page: Page) -> None:
    paste_and_score(page, (SAMPLES / "outside_nurse.txt").read_text())
    expect(page.get_by_role("heading", name="No healthcare software role fits this text")).to_be_visible()
    expect(page.get_by_text("clinical or care work rather than building software")).to_be_visible()
    assert page.get_by_text("Best fit").count() == 0
    assert page.locator(".st-key-fit_chart").count() == 0  # no empty chart, no axis reading 0.000000
    assert page.get_by_text("0.000000").count() == 0
    assert len(scale_bars(page)) == 4  # the scale, to read the verdict by


def test_the_fit_check_works_on_a_phone_390_px_wide(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.set_default_timeout(TIMEOUT)
    phone.goto(server)
    area = phone.locator(".st-key-cv_text textarea")
    expect(area).to_be_visible()
    paste_and_score(phone, (SAMPLES / "device_2.txt").read_text())
    expect(phone.get_by_role("heading", name="Best fit: Medical device software developer")).to_be_visible()
    chart = phone.locator(".st-key-fit_chart")
    expect(chart.locator("canvas, svg").first).to_be_visible()
    wait_idle(phone)
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, width  # nothing runs off the side: no sideways scrolling
    box = chart.bounding_box()
    assert box is not None and box["width"] >= 300, box  # the chart has the width of the screen
    plot = chart.locator(".role-axis-grid").first.bounding_box()  # where the bars are drawn
    assert plot is not None and plot["width"] >= 0.5 * box["width"], (plot, box)  # the labels took 2/3 of it
    assert len(scale_bars(phone)) == 4  # the scale stays beside the result on a phone too
    scale = phone.locator('[data-testid="stVegaLiteChart"]', has_text="How to read a fit").first.bounding_box()
    assert scale is not None and scale["width"] >= 300, scale
    for key in ("cv_text", "score_cv", "fit_chart"):
        element = phone.locator(f".st-key-{key}").bounding_box()
        assert element is not None and element["x"] >= 0 and element["x"] + element["width"] <= 390, (key, element)
    open_why(phone)  # the explanation, drawn when opened, fits the phone too
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, width
    table = phone.locator(".st-key-explain_open [data-testid=stDataFrame]").bounding_box()
    assert table is not None and table["x"] >= 0 and table["x"] + table["width"] <= 390, table
    context.close()


def test_the_text_of_the_fit_check_has_at_least_4_5_to_1_contrast(page: Page) -> None:
    wait_idle(page)
    low = [row for row in page.evaluate(CONTRAST_JS) if row[0] < 4.5]
    assert not low, low  # [ratio, text, tag, test id]: captions were 3.9:1
    paste_and_score(page, (SAMPLES / "mobile_1.txt").read_text())
    expect(page.locator(".st-key-fit_chart")).to_be_visible()
    wait_idle(page)
    low = [row for row in page.evaluate(CONTRAST_JS) if row[0] < 4.5]
    assert not low, low
    open_why(page)  # the explanation is drawn when opened: its text is checked open
    low = [row for row in page.evaluate(CONTRAST_JS) if row[0] < 4.5]
    assert not low, low
