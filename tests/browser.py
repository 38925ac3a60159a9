"""A real Streamlit server and a real Chromium, for tests and benchmarks."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_chromium() -> None:
    """Skip the calling test module without Debian's Chromium, except in CI, where it must be there."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            raise RuntimeError(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium)", allow_module_level=True)


# Playwright's assertions wait 5 s by default, whatever a page's default timeout
# says; a 2-core machine with a busy core can take longer than that to render,
# so every browser test's assertions wait as long as its actions may.
BROWSER_WAIT_MS = 60_000
with contextlib.suppress(ImportError):
    from playwright.sync_api import expect

    expect.set_options(timeout=BROWSER_WAIT_MS)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    port: int, *, env: dict[str, str] | None = None, script: Path = ROOT / "dashboard.py"
) -> subprocess.Popen[bytes]:
    """`streamlit run` as `make run` starts it, from the script's folder so its .streamlit/config.toml applies."""
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script.name, "--server.address", "127.0.0.1",
         "--server.port", str(port), "--browser.gatherUsageStats", "false", "--server.headless", "true"],
        cwd=script.parent,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip


def wait_healthy(port: int, process: subprocess.Popen[bytes], *, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited: {process.stderr.read().decode() if process.stderr else ''}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.1)
    raise TimeoutError(f"streamlit on port {port} not healthy after {timeout} s")


@dataclass(frozen=True)
class Server:
    url: str
    process: subprocess.Popen[bytes]


@contextlib.contextmanager
def running_server(*, env: dict[str, str] | None = None, script: Path = ROOT / "dashboard.py") -> Iterator[Server]:
    """A `streamlit run` of the app on loopback; its own temporary database unless env names one."""
    port = free_port()
    folder = tempfile.mkdtemp(prefix="hcdev-app-")
    env = {"HCDEV_DATABASE_URL": f"sqlite:///{folder}/app.sqlite3", **(env or {})}
    process = start_server(port, env=env, script=script)
    try:
        wait_healthy(port, process)
        yield Server(f"http://127.0.0.1:{port}", process)
    finally:
        # Killed, not asked to stop: Streamlit's graceful stop of this app takes 1 to 3 s, about 20 times
        # over in the suite, and no test needs it (what a test checks is committed before it gets here;
        # tests/test_faults.py kills servers in the middle of a save on purpose).
        process.kill()
        process.wait()
        if process.stderr is not None:
            process.stderr.close()  # left open, its pipe is a ResourceWarning (an error in this suite)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def server_with_accounts(folder: Path, accounts: dict[str, str], *, password: str) -> Iterator[tuple[Server, str]]:
    """A running app on a fresh SQLite database in ``folder`` holding these accounts (name -> role), with the
    database's URL for the test's own checks."""
    from hcdev_match.storage.accounts import add_user
    from hcdev_match.storage.store import Store

    url = f"sqlite:///{folder / 'app.sqlite3'}"
    store = Store.from_url(url)
    for name, role in accounts.items():
        add_user(store, name, role=role, password=password)
    store.engine.dispose()
    with running_server(env={"HCDEV_DATABASE_URL": url}) as server:
        yield server, url


def wait_idle(page: Any, *, settle_ms: int = 200) -> None:
    """Wait until the app runs no script: the app root's own run state, which the frontend sets as soon as it
    asks for a run (Streamlit's status widget shows only after a delay, so a slow run could pass for none)."""
    page.wait_for_timeout(settle_ms)
    page.wait_for_function(
        "() => { const app = document.querySelector('[data-testid=\"stApp\"]');"
        " return app && app.getAttribute('data-test-script-state') === 'notRunning'"
        " && !document.querySelector('[data-testid=\"stStatusWidget\"]'); }"
    )


def rank_the_batch(page: Any, *, attempts: int = 5) -> None:
    """Click "Read and score the batch" until the heatmap is there. A click made while the uploader is still
    sending its files is lost (Streamlit starts the run the arriving files ask for instead), as a person
    would see and click again; bounded, so a click that never works still fails."""
    for _ in range(attempts):
        page.locator(".st-key-rank_batch button").click()
        wait_idle(page)
        if page.locator(".st-key-heatmap svg, .st-key-heatmap canvas").count():
            return
    raise AssertionError(f"no heatmap after {attempts} clicks on 'Read and score the batch'")
