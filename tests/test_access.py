"""Who sees which page: the policy, and every page x role in the running app."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from hcdev_match.storage.access import is_allowed, role_for_email
from hcdev_match.storage.store import utc_now

from .conftest import ROOT, sign_in_session

VISITORS = ("nobody", "candidate", "recruiter", "hr", "admin")
# What the policy must give, written out (not derived from the policy itself).
EXPECTED = {
    "dashboard.py": {"nobody": True, "candidate": True, "recruiter": True, "hr": True, "admin": False},
    "pages/0_Check_a_CV.py": {"nobody": True, "candidate": True, "recruiter": True, "hr": True, "admin": False},
    "pages/1_Catalogue.py": {"nobody": True, "candidate": True, "recruiter": True, "hr": True, "admin": False},
    "pages/2_Privacy.py": {"nobody": False, "candidate": False, "recruiter": True, "hr": False, "admin": False},
    "pages/3_Recruiter.py": {"nobody": False, "candidate": False, "recruiter": True, "hr": False, "admin": False},
    "pages/4_HR.py": {"nobody": False, "candidate": False, "recruiter": False, "hr": True, "admin": False},
    "pages/5_Sign_in.py": {"nobody": True, "candidate": True, "recruiter": True, "hr": True, "admin": True},
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
    if page == "pages/5_Sign_in.py":  # it sends a signed-in user on to a page of the menu: run it in the menu
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
        if visitor != "nobody":
            sign_in_session(at, visitor)
        return at.run().switch_page(page).run()
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
    from hcdev_match.storage.accounts import add_user
    from hcdev_match.storage.store import Store

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
    from hcdev_match.scoring.assessment import Assessment, DomainEvidence, RoleFit
    from hcdev_match.storage.store import Store

    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    store = Store.from_url(url)
    fit = RoleFit("ehr", "EHR developer", 70.0, 0.4)
    saved = store.save_assessment(Assessment("v", (fit,), (), DomainEvidence(1, 1), 300), actor="t",
                                  source="recruiter", legal_basis="contract", candidate_ref="cand-7")  # fmt: skip
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
    # The audit log names what was exported and erased: the assessment, never the candidate's reference.
    entries = store.audit_entries()  # newest first
    assert [e["target"] for e in entries if e["action"] == "exported"] == [f"assessment:{saved.id}"]
    # The erase, then the retry that found nothing (and so names nothing).
    assert [e["target"] for e in entries if e["action"] == "erased"] == [None, f"assessment:{saved.id}"]
    assert "cand-7" not in str(entries)


def test_the_sign_in_form_reports_a_held_lock_plainly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import sqlite3

    from hcdev_match.storage.accounts import add_user
    from hcdev_match.storage.store import Store

    path = tmp_path / "app.sqlite3"
    store = Store.from_url(f"sqlite:///{path}")
    add_user(store, "ana", role="recruiter", password="correct horse battery")
    store.engine.dispose()
    at = run_page("pages/2_Privacy.py", "nobody", monkeypatch, tmp_path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock for the whole sign-in
    try:
        at.text_input(key="signin_name").input("ana")
        at.text_input(key="signin_password").input("correct horse battery")
        at.button(key="signin").click().run()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not at.exception
    assert [e.value for e in at.error] == [  # the attempt is counted in the database first: refused, not let through
        "could not check the limit on failed sign-ins: database is locked; another process holds the database; "
        "try again in a moment"
    ]
    assert [t.value for t in at.title] == ["Sign in to continue"]
    at.button(key="signin").click().run()  # the lock is gone: the same form signs in
    assert [t.value for t in at.title] == ["Privacy: access requests, erasure and retention"]


def test_a_user_name_is_shown_as_text_never_markdown(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    name = "![x](http://127.0.0.1:9/pixel.png)**bold**"  # a name from before the safe set (or a proxy's)
    monkeypatch.setenv("HCDEV_DATABASE_URL", f"sqlite:///{tmp_path / 'app.sqlite3'}")
    at = AppTest.from_file(str(ROOT / "pages/1_Catalogue.py"), default_timeout=30)
    sign_in_session(at, "recruiter", name=name).run()
    assert not at.exception
    assert [t.value for t in at.sidebar.text] == [f"Signed in as {name} (recruiter)."]
    assert not any(name in m.value for m in at.sidebar.markdown)


def test_a_banner_shows_while_a_demo_account_can_sign_in(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from hcdev_match.storage.accounts import remove_user
    from hcdev_match.storage.demo import add_demo_accounts
    from hcdev_match.storage.store import Store

    def banners() -> list[str]:
        at = run_page("dashboard.py", "nobody", monkeypatch, tmp_path)
        assert not at.exception
        return [w.value for w in at.warning if "Demo accounts" in w.value]

    assert banners() == []
    store = Store.from_url(f"sqlite:///{tmp_path / 'app.sqlite3'}")
    add_demo_accounts(store)
    [banner] = banners()
    assert "demo-hr, demo-recruiter" in banner and "remove-user" in banner
    for name in ("demo-hr", "demo-recruiter"):
        remove_user(store, name, actor="t")
    assert banners() == []


def test_the_audit_view_is_paginated_and_filtered_by_action_and_date(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from datetime import timedelta

    from hcdev_match.storage.schema import audit_log
    from hcdev_match.storage.store import Store

    store = Store.from_url(f"sqlite:///{tmp_path / 'app.sqlite3'}")
    today = utc_now()
    with store.engine.begin() as connection:
        connection.execute(
            audit_log.insert(),
            [{"at": today - timedelta(days=i % 3), "actor": "t", "action": "viewed" if i % 2 else "exported",
              "target": f"assessment:{i}", "detail": None} for i in range(120)],
        )  # fmt: skip
    at = run_page("pages/2_Privacy.py", "recruiter", monkeypatch, tmp_path)

    def caption() -> str:
        return next(c.value for c in at.caption if c.value.startswith("Entries"))

    assert caption().startswith("Entries 1–50 of 120") and len(at.dataframe[0].value) == 50
    at.number_input(key="audit_page").set_value(3).run()
    assert caption().startswith("Entries 101–120 of 120") and len(at.dataframe[0].value) == 20
    at.selectbox(key="audit_action").select("exported").run()
    assert caption().startswith("Entries 1–50 of 60") or caption().startswith("Entries 51–60 of 60")
    assert set(at.dataframe[0].value["action"]) == {"Exported a candidate's data"}
    at.number_input(key="audit_page").set_value(1).run()
    at.date_input(key="audit_from").set_value(today.date()).run()
    at.date_input(key="audit_to").set_value(today.date()).run()
    assert caption().startswith("Entries 1–20 of 20")  # exported on today: i even and i % 3 == 0
    assert set(at.dataframe[0].value["action"]) == {"Exported a candidate's data"}
