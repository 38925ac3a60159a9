"""Who sees which page: the policy, and every page x role in the running app."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from hcdev_match.access import is_allowed, role_for_email
from hcdev_match.store import utc_now

from .conftest import ROOT, sign_in_session

VISITORS = ("nobody", "candidate", "recruiter", "hr", "admin")
# What the policy must give, written out (not derived from the policy itself).
EXPECTED = {
    "dashboard.py": {"nobody": True, "candidate": True, "recruiter": True, "hr": True, "admin": False},
    "pages/1_Catalogue.py": {"nobody": True, "candidate": True, "recruiter": True, "hr": True, "admin": False},
    "pages/2_Privacy.py": {"nobody": False, "candidate": False, "recruiter": True, "hr": False, "admin": False},
    "pages/3_Recruiter.py": {"nobody": False, "candidate": False, "recruiter": True, "hr": False, "admin": False},
    "pages/4_HR.py": {"nobody": False, "candidate": False, "recruiter": False, "hr": True, "admin": False},
}


def test_every_page_is_in_the_matrix() -> None:
    pages = {"dashboard.py"} | {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")}
    assert pages == set(EXPECTED)


def test_unknown_pages_and_roles_are_denied() -> None:
    assert not is_allowed("admin_console", "recruiter")
    assert not is_allowed("fit_check", "superuser")
    assert is_allowed("fit_check", None)


def test_oidc_roles_come_from_email_addresses_and_domains() -> None:
    mapping = {"recruiter": ["Ana@Example.org"], "hr": ["@hr.example.org"]}
    assert role_for_email("ana@example.org", mapping) == "recruiter"
    assert role_for_email("bo@hr.example.org", mapping) == "hr"
    assert role_for_email("bo@evil-hr.example.org.attacker.test", mapping) is None
    assert role_for_email("someone@example.org", mapping) is None
    assert role_for_email(None, mapping) is None


def run_page(page: str, visitor: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AppTest:
    monkeypatch.setenv("HCDEV_DATABASE_URL", f"sqlite:///{tmp_path / 'app.sqlite3'}")
    at = AppTest.from_file(str(ROOT / page), default_timeout=30)
    if visitor != "nobody":
        sign_in_session(at, visitor)
    return at.run()


@pytest.mark.parametrize("page", sorted(EXPECTED))
@pytest.mark.parametrize("visitor", VISITORS)
def test_page_by_role_matrix(page: str, visitor: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = run_page(page, visitor, monkeypatch, tmp_path)
    assert not at.exception
    titles = [t.value for t in at.title]
    if EXPECTED[page][visitor]:
        assert titles and titles[0] not in ("Sign in to continue", "Not available to your account"), titles
    else:
        assert titles == ["Sign in to continue" if visitor == "nobody" else "Not available to your account"]
        assert not at.tabs and not at.dataframe  # no data at all
        if visitor == "nobody":
            assert at.text_input(key="signin_name") is not None
            assert at.text_input(key="signin_password") is not None


def test_an_expired_session_signs_out(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HCDEV_DATABASE_URL", f"sqlite:///{tmp_path / 'app.sqlite3'}")
    at = AppTest.from_file(str(ROOT / "pages/2_Privacy.py"), default_timeout=30)
    long_ago = utc_now().replace(year=2020)
    at.session_state["auth"] = {
        "name": "ana", "role": "recruiter", "user_id": 1, "signed_in_at": long_ago, "last_seen": long_ago,
    }  # fmt: skip
    at.run()
    assert [t.value for t in at.title] == ["Sign in to continue"]
    assert any("session ended" in w.value for w in at.warning)


def test_sign_in_form_signs_a_recruiter_in_and_refuses_a_wrong_password(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from hcdev_match.accounts import add_user
    from hcdev_match.store import Store

    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    store = Store.from_url(url)
    add_user(store, "ana", role="recruiter", password="correct horse battery")
    store.engine.dispose()
    at = run_page("pages/2_Privacy.py", "nobody", monkeypatch, tmp_path)
    at.text_input(key="signin_name").input("ana")
    at.text_input(key="signin_password").input("wrong password here")
    at.button(key="signin").click().run()
    assert at.error and "wrong" in at.error[0].value
    at.text_input(key="signin_password").input("correct horse battery")
    at.button(key="signin").click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Privacy: access requests, erasure and retention"]


def test_with_oidc_configured_the_prompt_offers_single_sign_on(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HCDEV_DATABASE_URL", f"sqlite:///{tmp_path / 'app.sqlite3'}")
    at = AppTest.from_file(str(ROOT / "pages/2_Privacy.py"), default_timeout=30)
    at.secrets["auth"] = {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "test-secret",
        "client_id": "hcdev",
        "client_secret": "x",
        "server_metadata_url": "https://login.example.org/.well-known/openid-configuration",
    }
    at.secrets["hcdev_roles"] = {"recruiter": ["ana@example.org"]}
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in to continue"]
    assert at.button(key="signin_oidc") is not None
    assert not at.text_input  # no local password form in single sign-on mode


def test_privacy_page_exports_and_erases_a_candidate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from hcdev_match.assessment import Assessment, DomainEvidence, RoleFit
    from hcdev_match.store import Store

    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    store = Store.from_url(url)
    fit = RoleFit("ehr", "EHR developer", 70.0, 0.4)
    store.save_assessment(Assessment("v", (fit,), (), DomainEvidence(1, 1), 300), actor="t", source="recruiter",
                          legal_basis="contract", candidate_ref="cand-7")  # fmt: skip
    at = run_page("pages/2_Privacy.py", "recruiter", monkeypatch, tmp_path)
    at.text_input(key="export_ref").input("cand-7")
    at.button(key="export_run").click().run()
    assert at.success and "1 assessment(s) found" in at.success[0].value
    at.text_input(key="erase_ref").input("cand-7")
    at.checkbox(key="erase_confirm").check().run()
    at.button(key="erase_run").click().run()
    assert any("Erased 1 assessment(s)" in s.value for s in at.success)
    at.button(key="erase_run").click().run()
    assert at.error and "nothing is kept" in at.error[0].value
    assert store.count_assessments() == 0
