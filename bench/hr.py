"""The HR page at 100,000 stored assessments: time to ready, and the app's memory.

Ready time is the page's whole server-side run (its SQL aggregates and its
charts) through Streamlit's AppTest, median of 5; the baseline in the same
run is the bare aggregate queries. Memory is the peak resident size of a
real `streamlit run` process after it served the page to a browser three
times (Debian Chromium via Playwright).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from hcdev_match.catalogue.model import load_catalogue  # noqa: E402
from hcdev_match.storage.accounts import add_user  # noqa: E402
from hcdev_match.storage.insights import compute_insights  # noqa: E402
from hcdev_match.storage.store import Store, utc_now  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS, free_port, start_server, wait_healthy  # noqa: E402
from webui import NO_BROWSER  # noqa: E402

COUNT = 100_000


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/hr.sqlite3"
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "hcdev_match", "demo", "--assessments", str(COUNT), "--database", url],
            cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
        seeded = time.perf_counter() - start
        store, catalogue = Store.from_url(url), load_catalogue()
        add_user(store, "bench-hr", role="hr", password="benchmark hr password")  # demo accounts have random ones
        queries = []
        for _ in range(5):
            start = time.perf_counter()
            compute_insights(store, catalogue)
            queries.append(time.perf_counter() - start)
        os.environ["HCDEV_DATABASE_URL"] = url
        at = AppTest.from_file(str(ROOT / "pages" / "4_HR.py"), default_timeout=120)
        now = utc_now()
        at.session_state["auth"] = {"name": "bench", "role": "hr", "user_id": 1, "signed_in_at": now,
                                    "last_seen": now, "browser": NO_BROWSER}  # fmt: skip
        at.run()  # first run: imports
        pages = []
        for _ in range(5):
            start = time.perf_counter()
            at.run()
            pages.append(time.perf_counter() - start)
        assert not at.exception and len(at.get("vega_lite_chart")) == 7

        port = free_port()
        server = start_server(port, env={"HCDEV_DATABASE_URL": url})
        try:
            wait_healthy(port, server)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.set_default_timeout(60_000)
                page.goto(f"http://127.0.0.1:{port}/HR")
                page.locator(".st-key-signin_name input").fill("bench-hr")
                page.locator(".st-key-signin_password input").fill("benchmark hr password")
                page.locator(".st-key-signin button").click()
                for _ in range(3):  # a reload would start a new session; the page's own link reruns it
                    page.get_by_text("Assessments in view").wait_for()
                    page.locator('[data-testid="stVegaLiteChart"]').nth(6).wait_for()
                    page.wait_for_timeout(1000)
                    page.get_by_role("link", name="HR").click()
                memory = peak_rss_mb(server.pid)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=20)
    print(f"HR page: {COUNT:,} stored assessments (SQLite; seeded in {seeded:.0f} s)")
    ready = statistics.median(pages) * 1000
    print(
        f"  page ready, server side (4 SQL aggregates, 7 charts): {ready:.0f} ms median of 5 (floor: at most 1500 ms)"
    )
    print(f"  baseline, the aggregate queries alone: {statistics.median(queries) * 1000:.0f} ms median of 5")
    print(
        f"  peak memory of the `streamlit run` process after serving it 3 times: {memory:.0f} MB (floor: under 400 MB)"
    )


if __name__ == "__main__":
    main()
