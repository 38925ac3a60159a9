"""Shared fixtures: the real catalogue and model, the project's samples, tiny corpora."""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings
from streamlit.testing.v1 import AppTest

from hcdev_match.scoring.matcher import Matcher
from hcdev_match.storage.accounts import add_user
from hcdev_match.storage.store import Store, utc_now
from webui.sessions import NO_BROWSER

from . import postgres
from .postgres import PostgresServer

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
# The real evaluation texts sit beside the clone (CI lays shared/ there; HCDEV_EVAL_DIR points elsewhere, e.g.
# from a worktree); read in place, never copied.
EVAL = Path(os.environ.get("HCDEV_EVAL_DIR", ROOT.parent / "shared" / "eval"))

# Property tests are derandomised in CI so a red build is reproducible.
settings.register_profile("ci", max_examples=60, derandomize=True, deadline=None)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# `make test` runs two workers taking whole files (--dist loadfile --no-loadscope-reorder) in collection order,
# each taking the next file as it nears the end of its own. xdist's own order, most tests first, left the files
# of a few slow tests (test_load.py, test_fuzz.py, the browser files) for the end, where one can run alone while
# the other worker has nothing left. Here the slowest files go first (the files of a fresh-clone run's 25
# slowest tests, on 2 cores with one busy, longest first by those tests' total), then the rest most tests
# first, as xdist did, so both workers end on short files. Only whole files move: each test keeps its place.
SLOWEST_FILES = (
    "test_faults.py",
    "test_abuse.py",
    "test_browser_recruiter.py",
    "test_load.py",
    "test_archive.py",
    "test_insights.py",
    "test_browser_sessions.py",
    "test_cluster.py",
    "test_recruiter_progress.py",
    "test_exports.py",
    "test_hr_page.py",
    "test_fuzz.py",
    "test_browser.py",
    "test_browser_openings.py",
    "test_hidden_text.py",
    "test_hostile_uploads.py",
    "test_browser_accounts.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: n for n, name in enumerate(SLOWEST_FILES)}
    tests = Counter(item.path for item in items)
    items.sort(key=lambda item: (rank.get(item.path.name, len(rank)), -tests[item.path]))  # stable: ties keep order


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium through Playwright (never a downloaded browser), one per test module."""
    from playwright.sync_api import sync_playwright

    from .browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


ANA_PASSWORD = "correct horse battery"


@pytest.fixture
def ana_path(tmp_path: Path) -> Path:
    return tmp_path / "ana.sqlite3"


@pytest.fixture
def ana_store(ana_path: Path) -> Iterator[Store]:
    """A real SQLite store at ``ana_path`` holding one recruiter, ana (password ANA_PASSWORD)."""
    store = Store.from_url(f"sqlite:///{ana_path}")
    add_user(store, "ana", role="recruiter", password=ANA_PASSWORD)
    yield store
    store.engine.dispose()


@pytest.fixture
def held_lock(ana_path: Path, ana_store: Store) -> Iterator[None]:
    """Another writer holds ana_store's write lock (a real second connection, BEGIN IMMEDIATE)."""
    holder = sqlite3.connect(ana_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    yield
    holder.execute("ROLLBACK")
    holder.close()


@pytest.fixture(scope="session")
def matcher() -> Matcher:
    return Matcher.from_paths()


@pytest.fixture(scope="session")
def samples() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))}


TINY_DESCRIPTION = " ".join(["word"] * 80)


def write_tiny_catalogue(folder: Path, *, extra: str = "", roles: str | None = None) -> Path:
    """A two-role catalogue whose numbers can be worked out by hand."""
    roles = (
        roles
        or f"""
[roles.one]
label = "Role one"
summary = "First role."
description = "{TINY_DESCRIPTION}"
must_have = ["alpha"]
nice_to_have = ["beta"]

[roles.two]
label = "Role two"
summary = "Second role."
description = "{TINY_DESCRIPTION}"
must_have = ["gamma"]
nice_to_have = ["beta"]
"""
    )
    path = folder / "catalogue.toml"
    path.write_text(
        f"""
[catalogue]
name = "tiny"

[categories.tech]
label = "Tech"
evidence = ["software", "healthcare"]

[skills.alpha]
label = "Alpha"
category = "tech"
aliases = ["alpha", "alfa"]

[skills.beta]
label = "Beta"
category = "tech"
aliases = ["beta"]

[skills.gamma]
label = "Gamma"
category = "tech"
aliases = ["gamma ray"]
{roles}
{extra}
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def tiny(tmp_path: Path) -> Matcher:
    catalogue = write_tiny_catalogue(tmp_path)
    reference = tmp_path / "reference"
    reference.mkdir()
    (reference / "a.txt").write_text("alpha beta", encoding="utf-8")
    (reference / "b.txt").write_text("gamma ray beta", encoding="utf-8")
    return Matcher.from_paths(catalogue, reference)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    if not postgres.available():
        if os.environ.get("CI"):
            raise RuntimeError("PostgreSQL 15 is missing: `make test` installs Debian's postgresql package")
        pytest.skip("PostgreSQL 15 not installed (apt-get install -y postgresql)")
    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db' / 'hcdev.sqlite3'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create_database()
    yield url
    server.drop_database(url)


def sign_in_session(at: AppTest, role: str, *, name: str | None = None, user_id: int = 1) -> AppTest:
    """Put a signed-in user in an AppTest's session, as the sign-in form would (AppTest has no browser)."""
    now = utc_now()
    at.session_state["auth"] = {
        "name": name or f"{role}-user",
        "role": role,
        "user_id": user_id,
        "signed_in_at": now,
        "last_seen": now,
        "browser": NO_BROWSER,  # what ui.browser_binding() says for a run without a browser connection
    }
    return at
