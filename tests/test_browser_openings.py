"""An opening in a real browser: a recruiter pastes a posting and the ranking's first score is the fit to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from .browser import rank_the_batch, require_chromium, running_server, wait_idle
from .test_openings import CV_PREFERRED, CV_REQUIRED, INTEGRATION

pytestmark = pytest.mark.browser

require_chromium()

from playwright.sync_api import Browser, expect  # noqa: E402

TIMEOUT = 60_000
PASSWORD = "correct horse battery"


def test_a_recruiter_pastes_a_posting_and_sees_the_opening_column(browser: Browser, tmp_path: Path) -> None:
    from hcdev_match.storage.accounts import add_user
    from hcdev_match.storage.store import Store

    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    store = Store.from_url(url)
    add_user(store, "ana", role="recruiter", password=PASSWORD)
    store.engine.dispose()
    paths = []
    for name, text in (("a_required.txt", CV_REQUIRED), ("b_preferred.txt", CV_PREFERRED)):
        (tmp_path / name).write_text(text)
        paths.append(str(tmp_path / name))
    with running_server(env={"HCDEV_DATABASE_URL": url}) as app:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(TIMEOUT)
        page.goto(f"{app.url}/Recruiter")
        page.locator(".st-key-signin_name input").fill("ana")
        page.locator(".st-key-signin_password input").fill(PASSWORD)
        page.locator(".st-key-signin button").click()
        expect(page.get_by_role("heading", name="Rank a batch of CVs for an opening")).to_be_visible()
        page.locator(".st-key-batch_files input[type=file]").set_input_files(paths)
        expect(page.get_by_text("b_preferred.txt")).to_be_visible()
        wait_idle(page)
        rank_the_batch(page)
        expect(page.locator("[data-testid=stDataFrame]").first).to_be_visible()  # the batch is ranked
        wait_idle(page)
        area = page.locator(".st-key-recruiter_posting_text textarea")
        area.fill(INTEGRATION)
        area.press("Control+Enter")  # commit the value before the click
        wait_idle(page)
        page.locator(".st-key-recruiter_posting_read button").click()
        expect(page.get_by_text("Opening: Senior Integration Engineer")).to_be_visible()
        # The table's header row: the opening fit is the first score, after the candidate's code.
        grid = page.locator("[data-testid=stDataFrame]").first
        expect(grid).to_be_visible()
        headers = grid.locator("[role=columnheader]")
        expect(headers.nth(1)).to_have_text("fit")  # headed "fit", its help says the fit to the opening
        page.close()
