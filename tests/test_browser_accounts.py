"""Account names in a real browser: shown as text, so a name that is Markdown fetches nothing."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from .browser import CHROMIUM, CHROMIUM_ARGS, require_chromium, running_server

pytestmark = pytest.mark.browser

require_chromium()

from playwright.sync_api import expect, sync_playwright  # noqa: E402


@pytest.fixture
def pixel_server() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on loopback that records every path asked of it."""
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            asked.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", asked
    server.shutdown()
    server.server_close()


def test_a_markdown_name_is_shown_as_text_and_its_image_is_never_fetched(
    tmp_path: Path, pixel_server: tuple[str, list[str]]
) -> None:
    from hcdev_match.storage.accounts import hash_password
    from hcdev_match.storage.schema import users
    from hcdev_match.storage.store import Store, utc_now

    base, asked = pixel_server
    # A name from before the safe set (add-user refuses it now); it can still sign in.
    name = f"![x]({base}/pixel.png)"
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    store = Store.from_url(url)
    with store.engine.begin() as connection:
        connection.execute(
            users.insert().values(
                name=name, role="recruiter", password_hash=hash_password("correct horse battery"), created_at=utc_now()
            )
        )
    store.engine.dispose()
    with running_server(env={"HCDEV_DATABASE_URL": url}) as app, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_default_timeout(30_000)
        page.goto(f"{app.url}/Privacy")
        page.locator(".st-key-signin_name input").fill(name)
        page.locator(".st-key-signin_password input").fill("correct horse battery")
        page.locator(".st-key-signin button").click()
        expect(page.get_by_role("heading", name="Privacy: access requests, erasure and retention")).to_be_visible()
        sidebar = page.locator('[data-testid="stSidebar"]')
        expect(sidebar.get_by_text(f"Signed in as {name} (recruiter).")).to_be_visible()
        assert page.locator(f"img[src^='{base}']").count() == 0
        page.wait_for_load_state("networkidle")
        browser.close()
    assert asked == []
