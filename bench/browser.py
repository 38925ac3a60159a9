"""The fit check in a real browser: click to chart, and cold start of `make run`.

Click to chart: a new browser session pastes a generated 1,000-word CV,
clicks "Score the CV" and waits for the fit chart; the baseline, measured in
the same run, is the same round trip for a click that scores nothing (the
empty-box message), so the ratio shows what scoring and drawing add to
Streamlit's own round trip.

Cold start: from launching `make run` (installed) to the page showing its
text box in the browser; the baseline is the same for a one-line Streamlit
script, so the ratio shows what importing the library and building the
model add to Streamlit's own start.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from corpus import generate_cvs  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402

from tests.browser import CHROMIUM, CHROMIUM_ARGS, free_port, running_server  # noqa: E402

RUNS = 7


def _fresh(page: Page, url: str) -> None:
    page.goto(url)
    page.locator(".st-key-cv_text textarea").wait_for()


def click_to_chart(page: Page, url: str, text: str) -> float:
    _fresh(page, url)
    area = page.locator(".st-key-cv_text textarea")
    area.fill(text)
    area.press("Control+Enter")
    page.wait_for_timeout(300)  # let the commit's rerun finish before timing the click
    start = time.perf_counter()
    page.locator(".st-key-score_cv button").click()
    page.locator(".st-key-fit_chart canvas, .st-key-fit_chart svg").first.wait_for()
    return time.perf_counter() - start


def click_to_message(page: Page, url: str) -> float:
    _fresh(page, url)
    start = time.perf_counter()
    page.locator(".st-key-score_cv button").click()
    page.locator('[data-testid="stAlertContentError"]').first.wait_for()
    return time.perf_counter() - start


def cold_start(page: Page, command: list[str], port: int, *, ready: str) -> float:
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                page.goto(f"http://127.0.0.1:{port}", timeout=2000)
                page.locator(ready).first.wait_for(timeout=30_000)
                return time.perf_counter() - start
            except Exception:  # noqa: BLE001 - not listening yet
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
    finally:
        process.terminate()
        process.wait(timeout=20)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cvs = [p.read_text() for p in generate_cvs(Path(tmp), RUNS, seed=11, length=(1000, 1000))]
        hello = Path(tmp) / "hello.py"
        hello.write_text("import streamlit as st\nst.text_area('x', key='cv_text')\n")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            with running_server() as server:
                url = server.url
                click_to_chart(page, url, cvs[0])  # warm the server's model once
                charts = [click_to_chart(page, url, text) for text in cvs]
                messages = [click_to_message(page, url) for _ in range(RUNS)]
            starts, baselines = [], []
            for _ in range(3):
                port = free_port()
                make = ["make", "--no-print-directory", "run", f"PORT={port}"]
                starts.append(cold_start(page, make, port, ready=".st-key-cv_text textarea"))
                port = free_port()
                plain = [sys.executable, "-m", "streamlit", "run", str(hello), "--server.port", str(port),
                         "--server.address", "127.0.0.1", "--server.headless", "true",
                         "--browser.gatherUsageStats", "false"]  # fmt: skip
                baselines.append(cold_start(page, plain, port, ready=".st-key-cv_text textarea"))
            browser.close()
    chart, message = statistics.median(charts), statistics.median(messages)
    start, base = statistics.median(starts), statistics.median(baselines)
    print(f"browser: Debian Chromium via Playwright, {RUNS} sessions, 1,000-word CVs")
    print(f"  click to chart: {chart * 1000:.0f} ms median (max {max(charts) * 1000:.0f} ms; floor: at most 1000 ms)")
    print(f"  baseline, click to a message that scores nothing: {message * 1000:.0f} ms median")
    print(f"  ratio click-to-chart / baseline: {chart / message:.2f}")
    print(f"  cold start of `make run` to an interactive page: {start:.2f} s median of 3 (floor: at most 5 s)")
    print(f"  baseline, a one-line Streamlit page: {base:.2f} s; ratio {start / base:.2f}")


if __name__ == "__main__":
    main()
