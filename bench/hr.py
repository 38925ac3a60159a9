"""The HR page at 100,000 stored assessments, before and after, in one run: sign-in to the last chart drawn.

A real `streamlit run` and Debian's Chromium (Playwright), a fresh browser
session each time: the clock starts at the click on *Sign in* and stops
when the page's last chart has drawn its marks. The page shares its
figures between sessions until the data changes, so both sides are also
timed with a change to the data before each session (the figures computed
afresh). "Before" is the code of
``--before`` (default: main as this branch began from), exported with `git
archive` into a temporary folder, seeding the database at its own schema
version; "after" is this checkout, which first upgrades the same database
(the upgrade is timed too). Also printed: the peak memory of the after
server. Floor: at most 2 s, median of 5, after.

    .venv/bin/python -m bench.hr [--count 100000] [--runs 5] [--before REF --before-charts N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from playwright.sync_api import Browser, sync_playwright  # noqa: E402

from hcdev_match.storage.store import Store  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS, free_port, start_server, wait_healthy  # noqa: E402

BEFORE = "17ca71d"  # main when this work began (the HR page of 7 charts, schema version 5)
FLOOR_S = 2.0
USER, PASSWORD = "bench-hr", "benchmark hr password"
CHARTS = '[data-testid="stVegaLiteChart"] svg.marks'


def run(code: Path, *args: str, stdin: str | None = None) -> None:
    """``python -m hcdev_match ARGS`` with the library of ``code``."""
    subprocess.run([sys.executable, "-m", "hcdev_match", *args], cwd=code, input=stdin, text=True, check=True,
                   capture_output=True, env={**os.environ, "PYTHONPATH": str(code)})  # fmt: skip


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def sign_in_to_last_chart(browser: Browser, url: str, charts: int) -> float:
    """Seconds from the click on Sign in to the last of ``charts`` charts drawn, in a fresh session."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(f"{url}/HR")
    page.locator(".st-key-signin_name input").fill(USER)
    page.locator(".st-key-signin_password input").fill(PASSWORD)
    start = time.perf_counter()
    page.locator(".st-key-signin button").click()
    page.wait_for_function(
        "([selector, n]) => document.querySelectorAll(selector).length >= n", arg=[CHARTS, charts], polling=20
    )
    elapsed = time.perf_counter() - start
    context.close()
    return elapsed


def change_the_data(code: Path, database: str) -> None:
    """One more demo assessment, written by ``code`` (its own schema version): the data's version moves,
    so the page computes its figures afresh."""
    run(code, "demo", "--assessments", "1", "--database", database)


def measure(
    code: Path, database: str, *, charts: int, runs: int, browser: Browser, cold: bool = False
) -> tuple[list[float], list[float], float]:
    """Fresh sessions after a warm-up; with ``cold``, also sessions each after a change to the data."""
    port = free_port()
    server = start_server(port, env={"HCDEV_DATABASE_URL": database, "PYTHONPATH": str(code)},
                          script=code / "dashboard.py")  # fmt: skip
    try:
        wait_healthy(port, server)
        url = f"http://127.0.0.1:{port}"
        sign_in_to_last_chart(browser, url, charts)  # warm: imports, the catalogue, the database's cache
        times = [sign_in_to_last_chart(browser, url, charts) for _ in range(runs)]
        changed = []
        for _ in range(runs if cold else 0):
            change_the_data(code, database)
            changed.append(sign_in_to_last_chart(browser, url, charts))
        return times, changed, peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=20)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--count", type=int, default=100_000)
    options.add_argument("--runs", type=int, default=5)
    options.add_argument("--before", default=BEFORE, help="the git commit to compare with")
    options.add_argument("--before-charts", type=int, default=7, help="charts its HR page draws (7 at BEFORE)")
    args = options.parse_args()
    with tempfile.TemporaryDirectory(prefix="hcdev-bench-hr-") as tmp:
        before = Path(tmp) / "before"
        before.mkdir()
        archive = subprocess.run(["git", "archive", args.before], cwd=ROOT, check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(before)], input=archive.stdout, check=True)
        database = f"sqlite:///{tmp}/hr.sqlite3"
        start = time.perf_counter()
        run(before, "demo", "--assessments", str(args.count), "--database", database)
        seeded = time.perf_counter() - start
        run(before, "add-user", USER, "--role", "hr", "--database", database, stdin=f"{PASSWORD}\n{PASSWORD}\n")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            old, old_cold, _ = measure(before, database, charts=args.before_charts, runs=args.runs, browser=browser,
                                       cold=True)  # fmt: skip
            start = time.perf_counter()
            Store.from_url(database).engine.dispose()  # this checkout upgrades the database
            upgraded = time.perf_counter() - start
            new, cold, memory = measure(ROOT, database, charts=9, runs=args.runs, browser=browser, cold=True)
            browser.close()
    print(f"HR page at {args.count:,} stored assessments (SQLite, seeded in {seeded:.0f} s), real Chromium, "
          f"fresh session each time, sign-in click to the last chart drawn, median of {args.runs}:")  # fmt: skip
    print(f"  before ({args.before}, {args.before_charts} charts): {statistics.median(old):.2f} s  (each: "
          + ", ".join(f"{t:.2f}" for t in old) + ")")  # fmt: skip
    print(f"  before, each session right after a change to the data: {statistics.median(old_cold):.2f} s  (each: "
          + ", ".join(f"{t:.2f}" for t in old_cold) + ")")  # fmt: skip
    for name, times in (
        ("after  (this checkout, 9 charts), figures already computed", new),
        ("after, each session right after a change to the data (figures computed afresh)", cold),
    ):
        verdict = "meets" if statistics.median(times) <= FLOOR_S else "MISSES"
        print(f"  {name}: {statistics.median(times):.2f} s  (each: " + ", ".join(f"{t:.2f}" for t in times)
              + f")  floor at most {FLOOR_S:g} s: {verdict}")  # fmt: skip
    print(f"  the upgrade to this schema version took {upgraded:.1f} s; after server's peak memory {memory:.0f} MB")
    print(
        f"  machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end (other work shares them)"
    )


if __name__ == "__main__":
    main()
