"""Sign-in that survives a reload: the server-side session record, its cookie, its browser binding; the menu.

The record is tested on both databases; the cookie over Streamlit's own
websocket protocol on a running server (tests/streamlit_client.py), the
browser's side in tests/test_browser_sessions.py.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest

from hcdev_match.storage.accounts import add_user, list_users, remove_user
from hcdev_match.storage.sessions import end_web_session, open_web_session, resume_web_session, touch_web_session
from hcdev_match.storage.store import Store, utc_now
from webui.sessions import SESSION_COOKIE, binding_of

from .browser import Server, server_with_accounts
from .streamlit_client import Run, StreamlitSession

PASSWORD = "correct horse battery"
EXPLAINED = "**Skills the text shows** (must-haves first)"  # drawn by the explanation's fragment


def test_a_session_resumes_only_for_its_browser_within_its_limits(database_url: str) -> None:
    store = Store.from_url(database_url)
    ana = add_user(store, "ana", role="recruiter", password=PASSWORD)
    now = utc_now()
    token = open_web_session(store, ana, browser="browser-a", now=now)
    resumed = resume_web_session(store, token, browser="browser-a", now=now + timedelta(minutes=1))
    assert resumed is not None and resumed.user == ana and resumed.signed_in_at == now
    assert resume_web_session(store, token + "x", browser="browser-a") is None  # an unknown token
    # Idle for over an hour: ended. Activity noted keeps it going, up to its lifetime.
    idle = open_web_session(store, ana, browser="browser-a", now=now)
    assert resume_web_session(store, idle, browser="browser-a", now=now + timedelta(minutes=61)) is None
    busy = open_web_session(store, ana, browser="browser-a", now=now)
    for hour in range(1, 8):
        touch_web_session(store, busy, now=now + timedelta(hours=hour))
    assert resume_web_session(store, busy, browser="browser-a", now=now + timedelta(hours=7, minutes=30))
    assert resume_web_session(store, busy, browser="browser-a", now=now + timedelta(hours=8, minutes=1)) is None
    # Sign-out ends it.
    end_web_session(store, token)
    assert resume_web_session(store, token, browser="browser-a") is None


def test_a_copied_cookie_in_another_browser_opens_nothing_and_ends_the_session(database_url: str) -> None:
    store = Store.from_url(database_url)
    ana = add_user(store, "ana", role="recruiter", password=PASSWORD)
    token = open_web_session(store, ana, browser="browser-a")
    assert resume_web_session(store, token, browser="browser-b") is None
    assert resume_web_session(store, token, browser=None) is None
    assert resume_web_session(store, token, browser="browser-a") is None  # ended for its owner too


def test_a_removed_account_resumes_nothing(database_url: str) -> None:
    store = Store.from_url(database_url)
    ana = add_user(store, "ana", role="recruiter", password=PASSWORD)
    bob = add_user(store, "bob", role="recruiter", password=PASSWORD)
    from hcdev_match.scoring.assessment import Assessment, DomainEvidence, RoleFit

    saved = store.save_assessment(
        Assessment("v", (RoleFit("ehr", "EHR developer", 70.0, 0.4),), (), DomainEvidence(1, 1), 300),
        actor="t", source="recruiter", legal_basis="contract",
    )  # fmt: skip
    # bob authors a decision, so his row stays, disabled.
    store.record_decision(saved.id, user_id=bob.id, actor="bob", decision="hold", reason="later")
    tokens = {user.name: open_web_session(store, user, browser="b") for user in (ana, bob)}
    remove_user(store, "ana", actor="admin")  # deleted
    remove_user(store, "bob", actor="admin")  # disabled, kept as the author of a decision
    assert resume_web_session(store, tokens["ana"], browser="b") is None
    assert resume_web_session(store, tokens["bob"], browser="b") is None


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    accounts = {"ana": "recruiter", "hanna": "hr"}
    with server_with_accounts(tmp_path_factory.mktemp("web-sessions"), accounts, password=PASSWORD) as app:
        yield app


def texts(run: Run) -> str:
    return " ".join(text for _, text in run.elements)


def with_session_cookie(jar: http.cookiejar.CookieJar, token: str) -> None:
    xsrf = next(c for c in jar if c.name == "_streamlit_xsrf")
    jar.set_cookie(
        http.cookiejar.Cookie(
            0, SESSION_COOKIE, token, None, False, xsrf.domain, xsrf.domain_specified, False, "/", True, False,
            None, False, None, None, {},
        )
    )  # fmt: skip


def test_a_new_connection_of_the_browser_that_signed_in_is_signed_in(app: tuple[Server, str]) -> None:
    server, url = app

    async def scenario() -> None:
        owner = StreamlitSession(server.url)
        await owner.connect()  # gets the browser's XSRF cookie
        xsrf = next(c.value for c in owner.cookies if c.name == "_streamlit_xsrf")
        await owner.close()
        store = Store.from_url(url)
        [ana] = [u for u in list_users(store) if u.name == "ana"]
        token = open_web_session(store, ana, browser=str(binding_of(xsrf)))
        # A reload: a new connection, a new Streamlit session, the same browser's cookies.
        with_session_cookie(owner.cookies, token)
        reloaded = StreamlitSession(server.url, cookies=owner.cookies)
        home = await reloaded.connect()
        assert "Signed in as ana (recruiter)." in texts(home), home.elements
        page = await reloaded.open_page("Recruiter")
        assert "Rank a batch of CVs for an opening" in texts(page)
        await reloaded.close()
        # The same cookie copied into another browser (its own XSRF cookie): nothing, and the session ends.
        other = StreamlitSession(server.url)
        await other.connect()
        with_session_cookie(other.cookies, token)
        thief = StreamlitSession(server.url, cookies=other.cookies)
        home = await thief.connect()
        assert "Signed in as" not in texts(home)
        page = await thief.open_page("Recruiter")
        assert "Sign in to continue" in texts(page)
        await thief.close()
        await other.close()
        again = StreamlitSession(server.url, cookies=owner.cookies)
        home = await again.connect()
        assert "Signed in as" not in texts(home)
        await again.close()

    asyncio.run(scenario())


def test_sign_out_ends_the_record_so_the_cookie_opens_nothing(app: tuple[Server, str]) -> None:
    server, url = app

    async def scenario() -> None:
        tab = StreamlitSession(server.url)
        await tab.connect()
        await tab.open_page("Recruiter")
        run = await tab.rerun({"signin_name": "ana", "signin_password": PASSWORD}, triggers=("signin",))
        assert "Signed in as ana (recruiter)." in texts(run)
        assert any(kind == "html" for kind, _ in run.elements)  # the one-line script that sets the cookie
        store = Store.from_url(url)
        with store.engine.connect() as connection:
            live = connection.exec_driver_sql("SELECT count(*) FROM web_sessions").scalar_one()
        signed_out = await tab.rerun({}, triggers=("signout",))
        assert "Sign in to continue" in texts(signed_out)
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM web_sessions").scalar_one() == live - 1
        await tab.close()

    asyncio.run(scenario())


def test_each_visitor_sees_only_the_pages_their_role_may_use_and_every_url_still_works(
    app: tuple[Server, str],
) -> None:
    server, _ = app

    async def scenario() -> None:
        tab = StreamlitSession(server.url)
        await tab.connect()
        assert tab.menu == {"": "Check a CV", "Catalogue": "Roles and skills", "Sign_in": "Sign in"}
        assert {"Recruiter", "Privacy", "HR", "Catalogue"} <= set(tab.pages)  # hidden, still reachable
        page = await tab.open_page("HR")
        assert "Sign in to continue" in texts(page)
        await tab.open_page("Sign_in")
        run = await tab.rerun({"signin_name": "ana", "signin_password": PASSWORD}, triggers=("signin",))
        assert "Rank a batch of CVs for an opening" in texts(run)  # signed in, on to the recruiter's page
        assert tab.menu == {
            "": "Check a CV", "Catalogue": "Roles and skills", "Recruiter": "Recruiter: rank CVs",
            "Privacy": "Privacy requests",
        }  # fmt: skip
        await tab.close()
        hr = StreamlitSession(server.url)
        await hr.connect()
        await hr.open_page("HR")
        run = await hr.rerun({"signin_name": "hanna", "signin_password": PASSWORD}, triggers=("signin",))
        assert "Signed in as hanna (hr)." in texts(run)
        assert set(hr.menu) == {"", "Catalogue", "HR"}
        await hr.close()

    asyncio.run(scenario())


def test_a_new_password_or_a_removal_ends_every_session_of_the_account(database_url: str) -> None:
    from hcdev_match.storage.accounts import change_password
    from hcdev_match.storage.audit import read_audit

    store = Store.from_url(database_url)
    ana = add_user(store, "ana", role="recruiter", password=PASSWORD)
    bob = add_user(store, "bob", role="recruiter", password=PASSWORD)
    laptop, phone = (open_web_session(store, ana, browser=b) for b in ("laptop", "phone"))
    bobs = open_web_session(store, bob, browser="laptop")
    change_password(store, "ana", "a tidy violet walrus", actor="cli")
    assert resume_web_session(store, laptop, browser="laptop") is None
    assert not touch_web_session(store, phone)  # an open tab learns it at its next activity note
    assert touch_web_session(store, bobs) and resume_web_session(store, bobs, browser="laptop") is not None
    [entry] = read_audit(store, action="password_changed").entries
    assert entry["detail"] == "2 sign-in session(s) ended"
    again = open_web_session(store, bob, browser="phone")
    remove_user(store, "bob", actor="admin")
    assert not touch_web_session(store, again) and not touch_web_session(store, bobs)


def test_an_open_tab_is_signed_out_once_its_session_was_ended_by_a_new_password(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from streamlit.testing.v1 import AppTest

    from hcdev_match.storage.accounts import change_password
    from webui.sessions import NO_BROWSER, TOUCH_EVERY, auth_record

    from .conftest import ROOT

    url = f"sqlite:///{tmp_path_factory.mktemp('password') / 'app.sqlite3'}"
    monkeypatch.setenv("HCDEV_DATABASE_URL", url)
    store = Store.from_url(url)
    ana = add_user(store, "ana", role="recruiter", password=PASSWORD)
    token = open_web_session(store, ana, browser=NO_BROWSER)
    at = AppTest.from_file(str(ROOT / "pages/3_Recruiter.py"), default_timeout=30)
    at.session_state["auth"] = auth_record(ana, token, signed_in_at=utc_now(), now=utc_now()) | {"browser": NO_BROWSER}
    at.run()
    assert not at.exception and at.file_uploader(key="batch_files")  # signed in
    change_password(store, "ana", "a tidy violet walrus", actor="cli")
    at.session_state["auth"]["touched"] = utc_now() - TOUCH_EVERY - timedelta(seconds=1)
    at.run()
    assert not at.exception
    assert "password was changed" in " ".join(i.value for i in [*at.info, *at.warning, *at.error, *at.markdown])
    assert not [w for w in at.file_uploader if w.key == "batch_files"]  # the batch form is gone


def test_a_fragment_rerun_of_a_tab_that_turns_out_signed_in_shows_nothing_of_the_visitor(
    app: tuple[Server, str],
) -> None:
    """A fragment reruns alone, with the arguments it was drawn with (here a visitor's assessment). The tab
    reconnects after another tab of its browser signed in (its cookie now names ana's sign-in), and the first
    thing it asks for is that fragment: ana gets the page as she may see it, nothing of the visitor's CV."""
    from .conftest import SAMPLES

    server, url = app
    cv = (SAMPLES / "mobile_1.txt").read_text() + "\nMy reference is ZQX-VISITOR-1618."

    async def scenario() -> None:
        tab = StreamlitSession(server.url)
        await tab.connect()
        await tab.rerun({"cv_text": cv}, triggers=("score_cv",))
        scored = await tab.rerun({"explain_open": True})  # "Why: the fit to each role explained", opened
        assert EXPLAINED in scored.texts("markdown") and tab.fragment_ids
        await tab.close()  # the network drops
        xsrf = next(c.value for c in tab.cookies if c.name == "_streamlit_xsrf")
        [ana] = [u for u in list_users(Store.from_url(url)) if u.name == "ana"]
        with_session_cookie(tab.cookies, open_web_session(Store.from_url(url), ana, browser=str(binding_of(xsrf))))
        back = StreamlitSession(server.url, cookies=tab.cookies)
        await back.connect(session_id=tab.session_id, first_run=False)
        back.page_script_hash, back.widget_ids = tab.page_script_hash, dict(tab.widget_ids)
        for fragment_id in tab.fragment_ids:
            run = await back.rerun({}, fragment_id=fragment_id)
            assert EXPLAINED not in run.texts("markdown"), run.elements
            assert "ZQX-VISITOR-1618" not in texts(run) and not run.has("exception")
            assert "Signed in as ana (recruiter)." in texts(run)  # a whole run, as ana
        await back.close()

    asyncio.run(scenario())


def cookie_code(run: Run) -> str:
    """The one-time code the sign-in run's one-line script posts back for the cookie."""
    [script] = [text for kind, text in run.elements if kind == "html" and "/api/session" in text]
    match = re.search(r'method: "POST".*body: "([\w-]+)"', script)
    assert match, script
    return match.group(1)


def test_the_server_sets_the_sign_in_cookie_http_only_once_for_the_browser_that_signed_in(
    app: tuple[Server, str],
) -> None:
    server, _ = app

    async def scenario() -> None:
        tab = StreamlitSession(server.url)
        await tab.connect()
        await tab.open_page("Recruiter")
        run = await tab.rerun({"signin_name": "ana", "signin_password": PASSWORD}, triggers=("signin",))
        code = cookie_code(run)
        status, cookies = tab.send("/api/session", method="POST", data=code.encode())
        [cookie] = [c for c in cookies if c.startswith(f"{SESSION_COOKIE}=")]
        assert status == 204 and "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
        token = next(c.value for c in tab.cookies if c.name == SESSION_COOKIE)
        assert token not in texts(run)  # the page never held the token, only a code for it
        assert tab.send("/api/session", method="POST", data=code.encode())[0] == 403  # a code is good once
        reloaded = StreamlitSession(server.url, cookies=tab.cookies)
        assert "Signed in as ana (recruiter)." in texts(await reloaded.connect())  # the cookie resumes
        await reloaded.close()
        signed_out = await tab.rerun({}, triggers=("signout",))
        assert any(k == "html" and 'method: "DELETE"' in t for k, t in signed_out.elements), signed_out.elements
        status, cookies = tab.send("/api/session", method="DELETE")
        assert status == 204 and any(c.startswith(f'{SESSION_COOKIE}=""') and "Max-Age=0" in c for c in cookies)
        # Signed in again, but the code is posted by another browser (its own XSRF cookie): no cookie, ever.
        await tab.open_page("Recruiter")
        run = await tab.rerun({"signin_name": "ana", "signin_password": PASSWORD}, triggers=("signin",))
        code = cookie_code(run)
        other = StreamlitSession(server.url)
        await other.connect()
        assert other.send("/api/session", method="POST", data=code.encode()) == (403, [])
        assert tab.send("/api/session", method="POST", data=code.encode()) == (403, [])  # spent by that try
        await other.close()
        await tab.close()

    asyncio.run(scenario())


def test_a_huge_post_to_the_cookie_route_is_refused_without_reading_it_into_memory(app: tuple[Server, str]) -> None:
    # Whoever can reach the app may post to /api/session: the whole body was read before its first 100
    # bytes were looked at (a 200 MB post grew the server by 195 MB). Memory, not time.
    import http.client

    from bench.processes import tree_rss

    server, _ = app
    before = tree_rss(server.process.pid)
    connection = http.client.HTTPConnection("127.0.0.1", int(server.url.rsplit(":", 1)[1]), timeout=120)
    try:
        connection.request("POST", "/api/session", body=b"x" * (128 * 1024 * 1024))
        assert connection.getresponse().status == 403
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered and closed before the client had sent it all: refused unread, too
    finally:
        connection.close()
    assert tree_rss(server.process.pid) - before < 32 * 1024 * 1024
