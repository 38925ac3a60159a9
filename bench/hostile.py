"""Hostile uploads on a running app: time to refusal and the server's memory, per file.

Each file of the test corpus (tests/files.py) is uploaded to the fit check
through Streamlit's own upload endpoint and scored, while a second session
scores a sample CV. Prints, per file: the time from upload to both users
done, the refusal shown, the other user's click-to-result time, and the
growth of the server process's resident memory (peak and after). The
baseline, in the same run, is a real one-page PDF CV uploaded the same way.
Last, a recruiter signs in and ranks a batch of ZIP bombs (10 ZIPs, under
1 MB, 960 MB expanded) on the Recruiter page; its row gives the server's
peak growth from the kernel's high-water mark (VmHWM).

    .venv/bin/python bench/hostile.py
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from hcdev_match.documents.document import DocumentLimits  # noqa: E402
from hcdev_match.storage.accounts import add_user  # noqa: E402
from hcdev_match.storage.store import Store  # noqa: E402
from tests.browser import running_server  # noqa: E402
from tests.files import CV_LINES, hostile_corpus, make_batch_zip_bombs, make_pdf  # noqa: E402
from tests.load import upload_beside_another_user  # noqa: E402
from tests.test_hostile_uploads import RECRUITER, rank_batch_on_the_recruiter_page  # noqa: E402


def main() -> int:
    limits = DocumentLimits()
    cases = {"real one-page PDF (baseline)": ("cv.pdf", make_pdf(CV_LINES)), **hostile_corpus(limits.max_bytes)}
    failures = 0
    print(f"limits: {limits.max_bytes / 2**20:.0f} MB, {limits.max_pages} pages, {limits.timeout_s:.0f} s per file")
    print(f"{'case':30} {'bytes':>9} {'done s':>7} {'other s':>8} {'peak MB':>8} {'after MB':>9}  outcome")
    folder = tempfile.TemporaryDirectory(prefix="hcdev-hostile-")
    url = f"sqlite:///{folder.name}/app.sqlite3"
    add_user(Store.from_url(url), RECRUITER["signin_name"], role="recruiter", password=RECRUITER["signin_password"])
    with folder, running_server(env={"HCDEV_DATABASE_URL": url}) as app:
        asyncio.run(upload_beside_another_user(app.url, app.process.pid, *cases["real one-page PDF (baseline)"]))
        for case, (name, data) in cases.items():
            r = asyncio.run(upload_beside_another_user(app.url, app.process.pid, name, data))
            if isinstance(r.outcome, str):
                shown = f"upload refused ({r.outcome})"
            else:
                # The page shows the message as escaped Markdown; print it as the person reads it.
                shown = r.outcome.errors[0].replace("\\", "") if r.outcome.errors else "scored"
            ok = (
                r.seconds < limits.timeout_s + 1
                and r.peak_growth < 50 * 2**20
                and not r.other.errors
                and (case.startswith("real") or shown != "scored")
            )
            failures += not ok
            print(
                f"{case:30} {len(data):>9} {r.seconds:>7.2f} {r.other.seconds:>8.2f} "
                f"{r.peak_growth / 2**20:>8.1f} {r.growth / 2**20:>9.1f}  {'' if ok else 'FAIL '}{shown[:90]}"
            )
        bombs = make_batch_zip_bombs()
        started = time.perf_counter()
        run, growth = asyncio.run(rank_batch_on_the_recruiter_page(app.url, app.process.pid, bombs))
        seconds = time.perf_counter() - started
        ok = growth < 100 * 2**20 and not run.errors
        failures += not ok
        shown = " / ".join(run.texts("alert")) or "scored"
        size = sum(len(data) for _, data in bombs)
        print(
            f"{'recruiter: 10 ZIP bombs':30} {size:>9} {seconds:>7.2f} {'-':>8} {growth / 2**20:>8.1f} {'-':>9}  "
            f"{'' if ok else 'FAIL '}{shown[:90]}"
        )
    print("PASS" if not failures else f"FAILED: {failures} case(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
