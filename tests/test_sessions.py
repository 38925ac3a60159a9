"""Sessions on a real server, over Streamlit's own websocket protocol.

What is proved here is what the attacker's pass found: a sign-out (or an
expiry) leaves the next person on the tab nothing of the previous
recruiter, downloads included, and a websocket that presents a signed-in
session's id without that browser's cookie gets nothing.
"""

from __future__ import annotations

import asyncio
import urllib.request

import pytest

from hcdev_match.storage.accounts import add_user
from hcdev_match.storage.store import Store

from .browser import running_server
from .conftest import SAMPLES
from .streamlit_client import Run, StreamlitSession

PASSWORD = "correct horse battery"
BATCH = ("ehr_1", "cds_1", "device_1")
EXPLAINED = "**Skills the text shows** (must-haves first)"  # drawn by the explanation's fragment


def texts(run: Run) -> str:
    return " ".join(text for _, text in run.elements)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path_factory.mktemp('sessions') / 'app.sqlite3'}"
    store = Store.from_url(url)
    for name in ("ana", "bob"):
        add_user(store, name, role="recruiter", password=PASSWORD)
    store.engine.dispose()
    with running_server(env={"HCDEV_DATABASE_URL": url}) as server:
        DATABASES[server.url] = url
        yield server


DATABASES: dict[str, str] = {}


def app_url_database(app) -> str:  # type: ignore[no-untyped-def]
    return DATABASES[app.url]


async def sign_in(session: StreamlitSession, name: str) -> Run:
    if "Recruiter" not in session.pages or session.page_script_hash != session.pages["Recruiter"]:
        await session.open_page("Recruiter")
    return await session.rerun({"signin_name": name, "signin_password": PASSWORD}, triggers=("signin",))


async def rank_batch(session: StreamlitSession) -> Run:
    files = [await session.upload(f"{n}.txt", (SAMPLES / f"{n}.txt").read_bytes(), mime="text/plain") for n in BATCH]
    return await session.rerun({"batch_files": files}, triggers=("rank_batch",))


def test_sign_out_leaves_the_next_recruiter_nothing_of_the_batch_or_its_downloads(app) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        tab = StreamlitSession(app.url)
        await tab.connect()
        signed_in = await sign_in(tab, "ana")
        assert "Signed in as ana (recruiter)." in texts(signed_in), signed_in.elements
        ranked = await rank_batch(tab)
        assert "ranking_table" in texts(ranked), ranked.elements
        status, body = tab.get(tab.download_urls["export_ranking"])
        assert status == 200 and b"C003" in body  # the export is served while ana is signed in
        export_url = tab.download_urls["export_ranking"]
        signed_out = await tab.rerun({}, triggers=("signout",))
        assert "Sign in to continue" in texts(signed_out)
        assert tab.get(export_url)[0] == 404  # the download went with the session's state
        # The next person on the same tab signs in: nothing of ana's batch is there.
        bob = await sign_in(tab, "bob")
        assert "Signed in as bob (recruiter)." in texts(bob)
        assert "Upload the CVs of an opening" in texts(bob)
        assert "ranking_table" not in texts(bob) and "save_batch" not in texts(bob)
        assert "C001" not in texts(bob)
        await tab.close()

    asyncio.run(scenario())


def test_a_visitors_cv_is_gone_for_whoever_signs_in_next_on_the_tab(app) -> None:  # type: ignore[no-untyped-def]
    """The path a person clicks: a candidate checks their CV, then a recruiter signs in on that tab (the
    sign-in page, which goes on to Recruiter) and opens Check a CV: nothing of the candidate's is there."""
    cv = (SAMPLES / "telemedicine_1.txt").read_text() + "\nMy reference is ZQX-VISITOR-2718."

    async def scenario() -> None:
        tab = StreamlitSession(app.url)
        await tab.connect()
        scored = await tab.rerun({"cv_text": cv}, triggers=("score_cv",))
        assert any(t.startswith("Best fit") for t in scored.texts("heading")), scored.elements
        opened = await tab.rerun({"scored_text_open": True})  # "The text that was scored", opened
        assert "ZQX-VISITOR-2718" in texts(opened)
        await tab.open_page("Sign_in")
        signed_in = await tab.rerun({"signin_name": "ana", "signin_password": PASSWORD}, triggers=("signin",))
        assert "Signed in as ana (recruiter)." in texts(signed_in), signed_in.elements
        home = await tab.open_page("")
        assert "ZQX-VISITOR-2718" not in texts(home), home.elements
        assert not any(t.startswith("Best fit") for t in home.texts("heading"))
        await tab.close()

    asyncio.run(scenario())


def test_a_session_id_without_the_browser_cookie_gets_nothing(app) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        owner = StreamlitSession(app.url)
        await owner.connect()
        await sign_in(owner, "ana")
        ranked = await rank_batch(owner)
        assert "ranking_table" in texts(ranked)
        # The owner's browser reconnects (a dropped network): same cookie, same session, still signed in.
        again = StreamlitSession(app.url, cookies=owner.cookies)
        home = await again.connect(session_id=owner.session_id)
        assert "Signed in as ana (recruiter)." in texts(home)
        page = await again.open_page("Recruiter")
        assert "ranking_table" in texts(page)
        await again.close()
        # Someone who read the session id in an upload URL (a proxy log) presents it without the cookie.
        attacker = StreamlitSession(app.url)
        home = await attacker.connect(session_id=owner.session_id, browser=False)
        assert "Signed in as" not in texts(home)
        page = await attacker.open_page("Recruiter")
        assert "Sign in to continue" in texts(page)
        assert "ranking_table" not in texts(page) and "ehr_1" not in texts(page)
        # Another browser (its own cookie) presenting the id is refused the same way.
        other = StreamlitSession(app.url)
        home = await other.connect(session_id=owner.session_id)
        assert "Signed in as" not in texts(home)
        page = await other.open_page("Recruiter")
        assert "Sign in to continue" in texts(page) and "ranking_table" not in texts(page)
        await attacker.close()
        await other.close()
        # The session that was presented is ended for its owner too: nothing of it is left to take.
        back = StreamlitSession(app.url, cookies=owner.cookies)
        await back.connect(session_id=owner.session_id)
        page = await back.open_page("Recruiter")
        assert "Sign in to continue" in texts(page) and "ranking_table" not in texts(page)
        await back.close()
        await owner.close()

    asyncio.run(scenario())


def test_a_connection_without_the_cookie_cannot_sign_in(app) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        bare = StreamlitSession(app.url)
        await bare.connect(browser=False)
        run = await sign_in(bare, "ana")
        assert "Signed in as" not in texts(run)
        assert any("did not send the cookie" in e for e in run.errors), run.elements
        await bare.close()

    asyncio.run(scenario())


def test_no_parent_frame_may_drive_the_app_and_the_cookie_stays_same_site(app) -> None:  # type: ignore[no-untyped-def]
    import json

    tab = StreamlitSession(app.url)
    status, body = tab.get("/_stcore/host-config")
    assert status == 200 and json.loads(body)["allowedOrigins"] == []  # Streamlit's default trusts *.streamlit.app
    with urllib.request.urlopen(app.url + "/_stcore/health", timeout=30) as response:  # noqa: S310 - loopback
        cookies = response.headers.get_all("Set-Cookie") or []
    assert any(c.startswith("_streamlit_xsrf=") and "SameSite=Lax" in c for c in cookies), cookies


def test_a_candidates_session_taken_by_its_id_shows_nothing_and_saves_nothing(app) -> None:  # type: ignore[no-untyped-def]
    cv = (SAMPLES / "device_2.txt").read_text() + "\nMy reference is ZQX-OWNER-5521."

    async def scenario() -> None:
        owner = StreamlitSession(app.url)
        await owner.connect()
        scored = await owner.rerun({"cv_text": cv}, triggers=("score_cv",))
        assert any(t.startswith("Best fit") for t in scored.texts("heading")), scored.elements
        attacker = StreamlitSession(app.url)
        await attacker.connect(session_id=owner.session_id, browser=False)
        # Widget ids are derived from the page's code, so an attacker can know them all: ticks consent, saves.
        attacker.widget_ids |= owner.widget_ids
        run = await attacker.rerun({"consent_save": True}, triggers=("save_result",))
        assert "ZQX-OWNER-5521" not in texts(run)
        assert not any(t.startswith("Best fit") for t in run.texts("heading"))
        assert not any("erase code" in t for t in run.texts("markdown"))
        await attacker.close()
        await owner.close()

    url = app_url_database(app)
    before = Store.from_url(url).count_assessments()
    asyncio.run(scenario())
    assert Store.from_url(url).count_assessments() == before  # nothing saved on the owner's behalf


def test_a_fragment_rerun_sent_with_a_taken_session_id_shows_nothing_of_the_cv(app) -> None:  # type: ignore[no-untyped-def]
    """The explanation is an st.fragment, which reruns alone, without the page's checks before it; a hand-made
    client holding the session id (fragment ids derive from the code, so it can know them) asks for it first."""
    cv = (SAMPLES / "imaging_1.txt").read_text()

    async def scenario() -> None:
        owner = StreamlitSession(app.url)
        await owner.connect()
        await owner.rerun({"cv_text": cv}, triggers=("score_cv",))
        scored = await owner.rerun({"explain_open": True})  # "Why: the fit to each role explained", opened
        assert EXPLAINED in scored.texts("markdown"), scored.elements
        assert owner.fragment_ids, "the explanation is drawn as a fragment"
        shown = {t for t in scored.texts("markdown") if t.startswith("**")}  # the skills found and missing
        for browser in (False, True):  # a script without the cookie; another browser with its own
            attacker = StreamlitSession(app.url)
            await attacker.connect(session_id=owner.session_id, browser=browser, first_run=False)
            attacker.page_script_hash, attacker.widget_ids = owner.page_script_hash, dict(owner.widget_ids)
            for fragment_id in owner.fragment_ids:
                run = await attacker.rerun({}, fragment_id=fragment_id)
                assert EXPLAINED not in run.texts("markdown"), run.elements
                assert not shown & set(run.texts("markdown")) and not run.has("exception")
            await attacker.close()
        await owner.close()

    asyncio.run(scenario())
