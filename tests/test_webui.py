"""The Streamlit glue: settings read in one place and explained on every page, never a crash."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from .conftest import ROOT, sign_in_session

# Each page, and who may open it (so the page itself runs, not the sign-in prompt).
PAGES = {
    "dashboard.py": None,
    "pages/1_Catalogue.py": None,
    "pages/2_Privacy.py": "recruiter",
    "pages/3_Recruiter.py": "recruiter",
    "pages/4_HR.py": "hr",
    "pages/5_Sign_in.py": None,
}


def plain(text: str) -> str:
    return text.replace("\\", "")  # Markdown escapes off, to compare words


def test_the_environment_is_read_in_one_place() -> None:
    readers = [p.name for p in (ROOT / "webui").glob("*.py") if re.search(r"os\.environ|getenv", p.read_text())]
    assert readers == ["settings.py"]


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("HCDEV_RETENTION_DAYS", "thirty", "HCDEV_RETENTION_DAYS must be a whole number of days, 1 or more"),
        ("HCDEV_RETENTION_DAYS", "0", "HCDEV_RETENTION_DAYS must be a whole number of days, 1 or more"),
        ("HCDEV_DATABASE_URL", "postgresql+psycopg://hcdev:Sup3r-secret@db:54x2/hcdev", "is not a URL"),
        ("HCDEV_DATABASE_URL", "mysql://hcdev@db/hcdev", "is not a URL"),
        ("HCDEV_TRUSTED_PROXIES", "two", "HCDEV_TRUSTED_PROXIES must be"),
    ],
)
def test_a_wrong_setting_is_explained_at_the_top_of_every_page(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, page: str, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv("HCDEV_DATABASE_URL", f"sqlite:///{tmp_path / 'app.sqlite3'}")
    monkeypatch.setenv(variable, value)
    at = AppTest.from_file(str(ROOT / page), default_timeout=30)
    if PAGES[page]:
        sign_in_session(at, str(PAGES[page]))
    at.run()
    assert not at.exception
    shown = [plain(e.value) for e in at.error]
    assert shown and message in shown[0] and shown[0].startswith("This app's settings need fixing"), shown
    assert not any("Sup3r-secret" in text for text in shown)


def test_a_wrong_setting_on_the_sign_in_prompt_is_explained_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HCDEV_DATABASE_URL", "postgresql:/hcdev:Sup3r-secret@db.internal/hcdev")
    at = AppTest.from_file(str(ROOT / "pages/3_Recruiter.py"), default_timeout=30).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in to continue"]
    shown = " ".join(plain(e.value) for e in at.error)
    assert "is not a URL" in shown and "Sup3r-secret" not in shown


@pytest.mark.parametrize("script", ["dashboard.py", "pages/0_Check_a_CV.py", "pages/1_Catalogue.py"])
def test_the_entry_the_home_page_and_the_catalogue_are_thin(script: str) -> None:
    lines = (ROOT / script).read_text().splitlines()
    assert len(lines) <= 80, len(lines)  # widgets, one workflow call, rendering, the empty state


def test_every_glue_module_is_under_300_lines() -> None:
    long = {p.name: n for p in (ROOT / "webui").glob("*.py") if (n := len(p.read_text().splitlines())) >= 300}
    assert not long, long
