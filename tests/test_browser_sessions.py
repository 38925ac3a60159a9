"""Sign-in bound to the browser, seen from a real Chromium (Debian's, driven by Playwright).

tests/test_sessions.py proves that a websocket without the browser's cookie
gets nothing; this file proves the other side: the browser that signed in
stays signed in across its own reruns and pages, and a copy of the app framed
by another site cannot be signed in at all (its cookie is SameSite=Lax, so
the framed app never gets one), and the sign-in cookie is the server's,
HttpOnly: no script in the page can read it.
"""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from .browser import free_port, rank_the_batch, require_chromium, server_with_accounts, wait_idle
from .conftest import SAMPLES

pytestmark = pytest.mark.browser

require_chromium()

from playwright.sync_api import Browser, Frame, Page, expect  # noqa: E402

TIMEOUT = 60_000
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("browser-sessions")
    with server_with_accounts(folder, {"ana": "recruiter"}, password=PASSWORD) as (server, _):
        yield server.url


def sign_in(target: Page | Frame) -> None:
    target.locator(".st-key-signin_name input").fill("ana")
    target.locator(".st-key-signin_password input").fill(PASSWORD)
    target.locator(".st-key-signin button").click()


def test_the_browser_that_signed_in_stays_signed_in_across_its_reruns_and_pages(
    browser: Browser, app: str, tmp_path: Path
) -> None:
    paths = []
    for name in ("telemedicine_1", "ehr_2", "mobile_3"):
        path = tmp_path / f"{name}.txt"
        path.write_text((SAMPLES / f"{name}.txt").read_text())
        paths.append(str(path))
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{app}/Recruiter")
    sign_in(page)
    expect(page.get_by_role("heading", name="Rank a batch of CVs for an opening")).to_be_visible(timeout=TIMEOUT)
    page.locator(".st-key-batch_files input[type=file]").set_input_files(paths)
    expect(page.get_by_text("mobile_3.txt")).to_be_visible(timeout=TIMEOUT)
    wait_idle(page)
    rank_the_batch(page)
    expect(page.locator(".st-key-heatmap")).to_be_visible(timeout=TIMEOUT)
    # Reruns of its own: a toggle, another page, back again. Every run checks the binding.
    page.locator(".st-key-blind_review label").click()
    wait_idle(page)
    page.get_by_role("link", name="Privacy").click()
    expect(page.get_by_role("heading", name="Privacy: access requests, erasure and retention")).to_be_visible(
        timeout=TIMEOUT
    )
    page.get_by_role("link", name="Recruiter").click()
    expect(page.locator(".st-key-heatmap")).to_be_visible(timeout=TIMEOUT)  # the batch is still this session's
    expect(page.get_by_text("Signed in as")).to_be_visible(timeout=TIMEOUT)
    # Signing out leaves the tab nothing of it.
    page.locator(".st-key-signout button").click()
    expect(page.get_by_role("heading", name="Sign in to continue")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(".st-key-heatmap")).to_have_count(0, timeout=TIMEOUT)
    page.close()


@contextlib.contextmanager
def framing_site(target: str) -> Iterator[str]:
    """Another site (localhost, not 127.0.0.1) whose page frames the app."""
    html = f'<!doctype html><title>framing</title><iframe src="{target}" width="1300" height="900"></iframe>'.encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args: object) -> None:
            pass

    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{port}/"
    finally:
        server.shutdown()
        server.server_close()


def test_the_app_framed_by_another_site_cannot_be_signed_in(browser: Browser, app: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(TIMEOUT)
    with framing_site(f"{app}/Recruiter") as outer:
        page.goto(outer)
        frame = page.frame_locator("iframe")
        expect(frame.get_by_role("heading", name="Sign in to continue")).to_be_visible(timeout=TIMEOUT)
        [inner] = [f for f in page.frames if f.url.startswith(app)]
        sign_in(inner)
        expect(frame.get_by_text("did not send the cookie")).to_be_visible(timeout=TIMEOUT)
        expect(frame.get_by_text("Signed in as")).to_have_count(0, timeout=TIMEOUT)
    page.close()


def test_a_reload_keeps_the_sign_in_and_sign_out_ends_it(browser: Browser, app: str) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{app}/Recruiter")
    with page.expect_response(lambda r: r.url.endswith("/api/session") and r.request.method == "POST") as posted:
        sign_in(page)  # the page posts a one-time code; the server's answer sets the cookie
    assert posted.value.status == 204
    expect(page.get_by_role("heading", name="Rank a batch of CVs for an opening")).to_be_visible(timeout=TIMEOUT)
    wait_idle(page)
    cookie = next(c for c in context.cookies() if c["name"] == "hcdev_session")
    assert cookie["sameSite"] == "Strict" and cookie["expires"] > 0  # kept across a reload, never sent cross-site
    assert cookie["httpOnly"] and "hcdev_session" not in page.evaluate("document.cookie")  # no script reads it
    assert cookie["value"] not in page.url and cookie["value"] not in page.content()
    page.reload()
    expect(page.get_by_text("Signed in as ana (recruiter).")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("heading", name="Rank a batch of CVs for an opening")).to_be_visible(timeout=TIMEOUT)
    page.goto(f"{app}/Privacy")  # a new page load, like a bookmark: still signed in
    expect(page.get_by_role("heading", name="Privacy: access requests, erasure and retention")).to_be_visible(
        timeout=TIMEOUT
    )
    with page.expect_response(lambda r: r.url.endswith("/api/session") and r.request.method == "DELETE"):
        page.locator(".st-key-signout button").click()
    expect(page.get_by_role("heading", name="Sign in to continue")).to_be_visible(timeout=TIMEOUT)
    wait_idle(page)
    page.reload()
    expect(page.get_by_role("heading", name="Sign in to continue")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Signed in as")).to_have_count(0, timeout=TIMEOUT)
    assert not [c for c in context.cookies() if c["name"] == "hcdev_session"]  # the browser forgot it too
    context.close()


def test_after_sign_out_the_fit_check_box_holds_nothing_the_recruiter_pasted(browser: Browser, app: str) -> None:
    """Emptying the session is not enough for a widget still on the screen: the browser keeps what was typed
    into it and sends it back with the next run. After a sign-out on Check a CV (a page the next person may
    use too), the box is empty in the browser, not only on the server."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{app}/Recruiter")
    sign_in(page)
    expect(page.get_by_text("Signed in as ana (recruiter).")).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("link", name="Check a CV").click()
    box = page.locator(".st-key-cv_text textarea")
    box.fill((SAMPLES / "ehr_3.txt").read_text() + "\nReference ZQX-RECRUITER-4669")
    wait_idle(page)
    page.locator(".st-key-score_cv button").click()
    expect(page.get_by_text("Why: the fit to each role explained")).to_be_visible(timeout=TIMEOUT)
    page.locator(".st-key-signout button").click()
    expect(page.get_by_text("You are using hcdev-match as a candidate")).to_be_visible(timeout=TIMEOUT)
    wait_idle(page)
    expect(box).to_have_value("", timeout=TIMEOUT)
    expect(page.get_by_text("Why: the fit to each role explained")).to_have_count(0, timeout=TIMEOUT)
    assert "ZQX-RECRUITER-4669" not in page.content()
    page.close()


def test_opening_the_sign_in_page_by_its_address_shows_the_form_and_no_page_not_found(
    browser: Browser, app: str
) -> None:
    # A reload or a bookmark of /Sign_in is looked up before the first run lists the menu, among the files
    # in pages/: as a function in the menu only, it drew Streamlit's "Page not found" over the form.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{app}/Sign_in")
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    wait_idle(page)
    expect(page.get_by_text("Page not found")).to_have_count(0)
    sign_in(page)  # the form works, and a recruiter goes on to their page
    expect(page.get_by_role("heading", name="Rank a batch of CVs for an opening")).to_be_visible()
    context.close()


def test_a_bookmark_opened_first_on_a_fresh_server_gets_the_apps_menu(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Streamlit took the pages/ folder for an old-style multipage app until some run had called
    # st.navigation: /Recruiter as a fresh server's first page view ran that file alone, under a menu of
    # every file ("dashboard", HR, Privacy), for every session after it too. Its own server: the first view.
    def menu(page: Page) -> list[str]:
        return [t.split("\n")[-1] for t in page.locator("[data-testid=stSidebarNav] a").all_inner_texts()]

    folder = tmp_path_factory.mktemp("first-view")
    with server_with_accounts(folder, {"ana": "recruiter"}, password=PASSWORD) as (server, _):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        page.goto(f"{server.url}/Recruiter")
        expect(page.get_by_role("heading", name="Sign in to continue")).to_be_visible()
        wait_idle(page)
        assert menu(page) == ["Check a CV", "Roles and skills", "Sign in"]
        sign_in(page)
        expect(page.get_by_role("heading", name="Rank a batch of CVs for an opening")).to_be_visible()
        wait_idle(page)
        assert menu(page) == ["Check a CV", "Roles and skills", "Recruiter: rank CVs", "Privacy requests"]
        context.close()
