"""The recruiter page in a real browser: 200 one-page PDF CVs from upload to heatmap.

One run measures both sides. "Before" is the page of ``--before`` (default
BEFORE, the page before the recruiter flow was rebuilt, which drew all 200
rows), checked out into a temporary folder and served by the same Python;
"after" is this checkout. Each flow is a fresh browser session: sign in, set
the 200 files on the uploader and click "Read and score the batch" as soon as
the uploader holds them (its widget state, naming the 200 files, is sent to
the server), then wait for the heatmap and the app idle. The floor, 3 s, is
timed from ``set_input_files`` to the heatmap drawn (the upload itself, which
is Streamlit's uploader, is in it), and the same flow is also timed from the
uploader holding the files and from the click. A second flow per run clicks
1.5 s after the uploader holds the files (a recruiter finding the button),
and times click to heatmap: the page may read the files meanwhile. A third
flow per run sets the same 200 PDFs as one ZIP (one request for the uploader,
where 200 files are 200) and clicks as soon as the uploader holds it: timed
from ``set_input_files`` and from the uploader holding it, beside the loose
files, in the same run.

Beside each wall-clock figure: the server's CPU seconds in the same span
(its parser processes apart), the page's main-thread busy seconds
(Chromium's TaskDuration), which drift less with the machine's load, and
the websocket messages the page got in it (each one the page redraws for),
the progress bar's moves among them: counts, which do not drift at all.

    .venv/bin/python -m bench.recruiter [--runs 3] [--before REF]

The baseline for the reading part is plain pypdf extraction of the same PDFs
in this process (no checks, no sandbox, no scoring).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from fpdf import FPDF  # noqa: E402
from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from bench.corpus import generate_cvs  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS, running_server  # noqa: E402

COUNT = 200
RUNS = 3
BEFORE = "17ca71d"  # main before the recruiter flow (issue 16) was rebuilt
PASSWORD = "benchmark password"
FLOOR = 3.0
PAUSE_MS = 1500  # a recruiter's time from the files shown to the click, in the second flow of each run
TICKS = os.sysconf("SC_CLK_TCK")


def one_page_pdf(text: str) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=9)
    pdf.add_page()
    pdf.multi_cell(0, 4.2, text.encode("latin-1", "replace").decode("latin-1"))
    return bytes(pdf.output())


def wait_idle(page: Page) -> None:
    page.wait_for_timeout(100)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=300_000)


# The page's clock for the moments the bench cannot see from outside: each websocket message it sends.
SENDS = """
window.__sends = [];
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) {
  const text = typeof data === "string" ? data : new TextDecoder("latin1").decode(data);
  window.__sends.push([performance.now(), data.byteLength || data.length || 0, text]);
  return send.call(this, data);
};
"""


def cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU seconds of the server process and of its descendants (the parser processes) so far (/proc)."""

    def own(p: int) -> float:
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def descendants(p: int) -> list[int]:
        kids = []
        for task in os.listdir(f"/proc/{p}/task"):
            try:
                kids += [int(k) for k in Path(f"/proc/{p}/task/{task}/children").read_text().split()]
            except OSError:
                continue
        return kids + [d for k in kids for d in descendants(k)]

    children = 0.0
    for child in descendants(pid):
        try:
            children += own(child)
        except OSError:  # ended meanwhile (a child replaced)
            continue
    return own(pid), children


@dataclass
class Flow:
    """One upload to heatmap: seconds from set_input_files, from the uploader holding the files and from the
    click to the heatmap; to the app idle; the server's CPU (and its parsers') and the page's busy seconds."""

    upload: float
    held: float
    click: float
    idle: float
    server: float
    parsers: float
    busy: float
    messages: int  # websocket messages the page got from set_input_files to the heatmap
    moves: int  # of which the progress bar's


class Inbox:
    """The websocket messages the page gets while ``counting`` is on, and the progress bar's among them."""

    def __init__(self, page: Page) -> None:
        self.counting, self.messages, self.moves = False, 0, 0
        page.on("websocket", lambda socket: socket.on("framereceived", self._got))

    def _got(self, payload: bytes | str) -> None:
        if not self.counting:
            return
        self.messages += 1
        message = ForwardMsg()
        message.ParseFromString(payload if isinstance(payload, bytes) else payload.encode())
        delta = message.delta if message.WhichOneof("type") == "delta" else None
        if delta is not None and delta.WhichOneof("type") == "new_element":
            self.moves += delta.new_element.WhichOneof("type") == "progress"


def upload_to_heatmap(page: Page, url: str, paths: list[str], pid: int, *, pause_ms: int) -> Flow:
    inbox = Inbox(page)
    page.goto(f"{url}/Recruiter")
    page.locator(".st-key-signin_name input").fill("bench")
    page.locator(".st-key-signin_password input").fill(PASSWORD)
    page.locator(".st-key-signin button").click()
    page.locator(".st-key-batch_files input[type=file]").wait_for(state="attached")
    wait_idle(page)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")

    def busy() -> float:
        return float({m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}["TaskDuration"])

    busy_0, cpu_0 = busy(), cpu_seconds(pid)
    inbox.counting = True
    page_0, start = page.evaluate("performance.now()"), time.perf_counter()
    page.locator(".st-key-batch_files input[type=file]").set_input_files(paths)
    # The uploader holds the files when it sends the widget state naming them all (over 100 bytes a file,
    # the last one's name among them: a ZIP is one file).
    last = json.dumps(Path(paths[-1]).name)
    held_at = page.wait_for_function(
        f"() => (window.__sends.find(([t, n, text]) => t > {page_0} && n > {100 * len(paths)} "
        f"&& text.includes({last})) || [0])[0]",
        timeout=300_000,
    ).json_value()
    held = start + (float(held_at) - page_0) / 1000
    if pause_ms:
        page.wait_for_timeout(pause_ms)
    clicked = time.perf_counter()
    page.locator(".st-key-rank_batch button").click()
    done = page.locator(".st-key-heatmap canvas, .st-key-heatmap svg").or_(page.get_by_text("Add some CV files"))
    done.first.wait_for(state="attached", timeout=120_000)
    drawn, busy_1, cpu_1 = time.perf_counter(), busy(), cpu_seconds(pid)
    inbox.counting = False
    if not page.locator(".st-key-heatmap canvas, .st-key-heatmap svg").count():
        raise RuntimeError("the click came before the uploader held the files")
    wait_idle(page)
    return Flow(drawn - start, drawn - held, drawn - clicked, time.perf_counter() - start, cpu_1[0] - cpu_0[0],
                cpu_1[1] - cpu_0[1], busy_1 - busy_0, inbox.messages, inbox.moves)  # fmt: skip


def database(path: Path, tree: Path) -> str:
    """A database made by ``tree``'s own code (the older one refuses a newer schema), with the bench's user."""
    url = f"sqlite:///{path}"
    code = (
        "import sys; from hcdev_match.storage.store import Store; from hcdev_match.storage.accounts import add_user; "
        f"add_user(Store.from_url(sys.argv[1]), 'bench', role='recruiter', password={PASSWORD!r})"
    )
    subprocess.run([sys.executable, "-c", code, url], cwd=tree, check=True)
    return url


#: The flows of each run: the 200 files, the click at once; the same, the click a recruiter's pause later; the
#: same 200 PDFs in one ZIP, the click at once.
FLOWS = {"loose": (False, 0), "later": (False, PAUSE_MS), "zip": (True, 0)}


def measure(script_root: Path, paths: list[str], zipped: str, database: str) -> dict[str, list[Flow]]:
    """For each of FLOWS, the flows after one warm-up, the three taken by turns in each run."""
    flows: dict[str, list[Flow]] = {name: [] for name in FLOWS}
    with (
        running_server(env={"HCDEV_DATABASE_URL": database}, script=script_root / "dashboard.py") as app,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for run in range(RUNS + 1):  # the first warms the server (the model, the parser processes)
            for name, (as_zip, pause) in FLOWS.items():
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.add_init_script(SENDS)
                page = context.new_page()
                page.set_default_timeout(120_000)
                try:
                    uploads = [zipped] if as_zip else paths
                    flow = upload_to_heatmap(page, app.url, uploads, app.process.pid, pause_ms=pause)
                except (PlaywrightError, RuntimeError) as exc:  # said, and left out of the median, never hidden
                    print(f"  {script_root.name}: {name} run {run} failed: {str(exc).splitlines()[0]}", flush=True)
                else:
                    if run:
                        flows[name].append(flow)
                context.close()
        browser.close()
    return flows


def rerank(pdfs: list[tuple[str, bytes]], database: str) -> list[float]:
    """Whole-page reruns after a weight change, server side (Streamlit's AppTest runs the page in this process)."""
    import os as environment

    from streamlit.testing.v1 import AppTest

    from hcdev_match.storage.store import utc_now
    from webui import NO_BROWSER

    environment.environ["HCDEV_DATABASE_URL"] = database
    at = AppTest.from_file(str(ROOT / "pages" / "3_Recruiter.py"), default_timeout=300)
    now = utc_now()
    at.session_state["auth"] = {"name": "bench", "role": "recruiter", "user_id": 1, "signed_in_at": now,
                                "last_seen": now, "browser": NO_BROWSER}  # fmt: skip
    at.run()
    at.file_uploader(key="batch_files").set_value([(n, d, "application/pdf") for n, d in pdfs]).run()
    at.button(key="rank_batch").click().run()
    assert not at.exception, at.exception
    at.session_state["weights_open"] = True  # the weights' sliders are drawn when opened
    at.run()
    times = []
    for n in range(10):
        start = time.perf_counter()
        at.slider(key="weight_must").set_value(0.5 + n * 0.1).run()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    global RUNS
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=RUNS)
    options.add_argument("--before", default=BEFORE, help="the git commit to compare with")
    args = options.parse_args()
    RUNS, before_ref = args.runs, args.before
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        texts = [p.read_text() for p in generate_cvs(folder / "cvs", COUNT, seed=5, length=(380, 450))]
        (folder / "pdf").mkdir()
        paths = []
        for n, text in enumerate(texts):
            path = folder / "pdf" / f"cv_{n:03d}.pdf"
            path.write_bytes(one_page_pdf(text))
            paths.append(str(path))
        zipped = folder / "cvs.zip"  # the same 200 PDFs as one upload, deflated as a recruiter's zip tool does
        with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                archive.write(path, Path(path).name)
        start = time.perf_counter()
        for path in paths:
            "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(Path(path).read_bytes())).pages)
        baseline = time.perf_counter() - start

        old = folder / "before"
        old.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", before_ref], capture_output=True, check=False)
        before: dict[str, list[Flow]] = {}
        if archive.returncode == 0:
            subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
            before = measure(old, paths, str(zipped), database(folder / "before.sqlite3", old))
        after = measure(ROOT, paths, str(zipped), database(folder / "after.sqlite3", ROOT))
        pdfs = [(Path(path).name, Path(path).read_bytes()) for path in paths]
        reranks = rerank(pdfs, database(folder / "rerank.sqlite3", ROOT))

    print(f"recruiter page: {COUNT} one-page PDF CVs, real Chromium at 1280 px, fresh session each time, "
          f"median of {RUNS} (after one warm-up)")  # fmt: skip
    for name, flows in ((f"before ({before_ref})", before), ("after (this checkout)", after)):
        now, later, zips = flows.get("loose", []), flows.get("later", []), flows.get("zip", [])
        if not now:
            print(f"  {name}: not measured (commit {before_ref} missing from this clone, or every run failed)")
            continue

        def median(part: str, spans: list[Flow]) -> float:
            return statistics.median(getattr(f, part) for f in spans) if spans else float("nan")

        upload = median("upload", now)
        print(f"  {name}:")
        print(f"    from set_input_files to the heatmap, the click at once: {upload:.2f} s "
              f"(runs {', '.join(f'{f.upload:.2f}' for f in now)}); floor at most {FLOOR:g} s: "
              f"{'meets' if upload <= FLOOR else 'MISSES'}")  # fmt: skip
        print(f"      from the uploader holding the files {median('held', now):.2f} s, from the click "
              f"{median('click', now):.2f} s, to the app idle {median('idle', now):.2f} s")  # fmt: skip
        print(f"      server CPU {median('server', now):.2f} s, its parser processes {median('parsers', now):.2f} s, "
              f"the page's main thread busy {median('busy', now):.2f} s; the page got {median('messages', now):.0f} "
              f"websocket messages, {median('moves', now):.0f} of them progress bar moves")  # fmt: skip
        print(f"    click {PAUSE_MS / 1000:g} s after the uploader holds the files, click to heatmap: "
              f"{median('click', later):.2f} s (runs {', '.join(f'{f.click:.2f}' for f in later)}); server CPU "
              f"{median('server', later):.2f} s and parsers {median('parsers', later):.2f} s from set_input_files, "
              f"page busy {median('busy', later):.2f} s, {median('messages', later):.0f} messages "
              f"({median('moves', later):.0f} progress)")  # fmt: skip
        print(f"    the same {COUNT} PDFs as one ZIP, the click at once: from set_input_files to the heatmap "
              f"{median('upload', zips):.2f} s (runs {', '.join(f'{f.upload:.2f}' for f in zips)}; floor at most "
              f"{FLOOR:g} s: {'meets' if median('upload', zips) <= FLOOR else 'MISSES'}), from the "
              f"uploader holding it {median('held', zips):.2f} s (runs {', '.join(f'{f.held:.2f}' for f in zips)}); "
              f"server CPU {median('server', zips):.2f} s, its parser processes {median('parsers', zips):.2f} s, "
              f"page busy {median('busy', zips):.2f} s, {median('messages', zips):.0f} messages "
              f"({median('moves', zips):.0f} progress)")  # fmt: skip
    middle = statistics.median(reranks) * 1000
    print(f"  re-rank after a weight change (whole page rerun, server side): {middle:.0f} ms median of 10"
          f" (max {max(reranks) * 1000:.0f} ms; floor: at most 300 ms)")  # fmt: skip
    print(f"  baseline, plain pypdf extraction of the same PDFs in one process: {baseline:.2f} s")
    print(
        f"  machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end (other work shares them)"
    )


if __name__ == "__main__":
    main()
