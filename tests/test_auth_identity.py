"""A tab's session belongs to one person: a change of who uses it empties it (webui/sessions.py `hold_for`).

Sign-out and expiry emptied the session before; a sign-in did not, so an
anonymous visitor's CV (the pasted text, the result) was still there for
whoever signed in on the same tab next. Here through Streamlit's AppTest,
and over the websocket on a real server in tests/test_sessions.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from hcdev_match.storage.accounts import add_user
from hcdev_match.storage.store import Store
from webui.keys import CV_TEXT, FIT_CHECK

from .conftest import ROOT, SAMPLES

PASSWORD = "correct horse battery"
MARK = "Reference ZQX-VISITOR-3141"  # a line of the visitor's own CV, to look for afterwards


def shown(at: AppTest) -> str:
    kinds = ("markdown", "caption", "info", "warning", "error", "header", "subheader", "text", "text_area")
    return "\n".join(str(e.value) for kind in kinds for e in getattr(at, kind))


@pytest.fixture
def accounts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    monkeypatch.setenv("HCDEV_DATABASE_URL", url)
    store = Store.from_url(url)
    add_user(store, "ana", role="recruiter", password=PASSWORD)
    add_user(store, "hanna", role="hr", password=PASSWORD)
    store.engine.dispose()


def sign_in(at: AppTest, name: str) -> AppTest:
    at.switch_page("pages/3_Recruiter.py").run()
    at.text_input(key="signin_name").input(name)
    at.text_input(key="signin_password").input(PASSWORD)
    return at.button(key="signin").click().run()


def test_a_visitors_cv_is_gone_once_someone_signs_in_on_the_tab(accounts: None) -> None:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    at.text_area(key=CV_TEXT).input((SAMPLES / "ehr_1.txt").read_text() + "\n" + MARK)
    at.button(key="score_cv").click().run()
    assert FIT_CHECK in at.session_state and MARK in shown(at)
    sign_in(at, "ana")
    assert not at.exception and "Signed in as ana (recruiter)." in shown(at)
    at.switch_page("pages/0_Check_a_CV.py").run()  # back to the fit check, where the visitor's CV was
    assert not at.exception
    assert FIT_CHECK not in at.session_state
    assert at.text_area(key=CV_TEXT).value in ("", None)
    assert MARK not in shown(at) and not any(h.value.startswith("Best fit") for h in at.header)


def test_another_single_sign_on_account_on_the_tab_finds_nothing_of_the_previous_one(accounts: None) -> None:
    """With OIDC, who is signed in is Streamlit's (st.user): an account switched under an open tab (another
    role, here) ends no session of ours, so the change itself must empty the tab."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.secrets["auth"] = {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "test-secret", "client_id": "hcdev",
        "client_secret": "x", "server_metadata_url": "https://login.example.org/.well-known/openid-configuration",
    }  # fmt: skip
    at.secrets["hcdev_roles"] = {"recruiter": ["ana@example.org"], "hr": ["hanna@example.org"]}
    at.user = {"is_logged_in": True, "email": "ana@example.org"}
    at.run()
    at.text_area(key=CV_TEXT).input((SAMPLES / "cds_1.txt").read_text() + "\n" + MARK)
    at.button(key="score_cv").click().run()
    assert "Signed in as ana@example.org (recruiter)." in shown(at) and MARK in shown(at)
    at.user = {"is_logged_in": True, "email": "hanna@example.org"}
    at.run()
    assert not at.exception and "Signed in as hanna@example.org (hr)." in shown(at)
    assert FIT_CHECK not in at.session_state and MARK not in shown(at)
