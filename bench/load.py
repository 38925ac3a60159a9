"""Thirty people on the fit check at once, on a real `streamlit run`.

Load: 30 users, each in a new session, paste a CV nobody pasted before,
click "Score the CV", read the result for 7 to 22 s (uniform), and score
again until the cycle's minute is over; then every tab closes. Three such
cycles. Users are driven by tests/streamlit_client.py, which speaks
Streamlit's websocket protocol (a browser per user would measure the
browsers on a 2-core machine, not the server).

Pass: no errors, p95 click to result at most 2 s, and the server's peak
memory grows by under 10% from cycle 2 to cycle 3. Exits 1 on a failure.

Stress: the same users with no reading time, for requests per second. The
baseline, in the same run, is a bare page (a heading, a metric and one
small chart, served with the same config), so the ratio says what scoring
and the full result page cost on top of Streamlit's own rerun.

    .venv/bin/python bench/load.py                  # the full run (about 5 minutes)
    .venv/bin/python bench/load.py --cycle-seconds 20 --stress-seconds 10   # a quick look
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from bench.verdict import print_verdict  # noqa: E402
from tests.browser import running_server  # noqa: E402
from tests.load import LoadResult, percentile, run_load  # noqa: E402

BARE_PAGE = """\
import altair as alt
import pandas as pd
import streamlit as st

st.title("Bare page")
st.text_area("CV", key="cv_text")
st.button("Score", key="score_cv")
words = st.session_state.get("cv_text", "").split()
st.metric("Words", len(words))
fits = pd.DataFrame({"role": list("abcdefg"), "fit": range(7)})
st.altair_chart(alt.Chart(fits).mark_bar().encode(x="fit", y="role"))
"""


def _stress(url: str, pid: int, *, users: int, seconds: float) -> LoadResult:
    return run_load([url], [pid], users=users, cycles=1, cycle_seconds=seconds, reading=(0, 0), pause=0, stagger=1)


def _rate(result: LoadResult) -> float:
    return len(result.latencies) / result.cycles[0].seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--cycle-seconds", type=float, default=60)
    parser.add_argument("--stress-seconds", type=float, default=30)
    args = parser.parse_args()

    with running_server() as app:
        pid = app.process.pid
        load = run_load([app.url], [pid], users=args.users, cycles=args.cycles, cycle_seconds=args.cycle_seconds)
        stress = _stress(app.url, pid, users=args.users, seconds=args.stress_seconds)

    folder = Path(tempfile.mkdtemp(prefix="hcdev-bare-"))
    try:
        shutil.copytree(ROOT / ".streamlit", folder / ".streamlit")
        (folder / "bare.py").write_text(BARE_PAGE)
        with running_server(script=folder / "bare.py") as bare:
            baseline = _stress(bare.url, bare.process.pid, users=args.users, seconds=args.stress_seconds)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    print(f"load: {args.users} users, {args.cycles} cycles of {args.cycle_seconds:.0f} s, reading 7 to 22 s")
    for n, cycle in enumerate(load.cycles, 1):
        print(
            f"  cycle {n}: {cycle.seconds:.0f} s, {len(cycle.latencies)} scores, "
            f"median {statistics.median(cycle.latencies or [0]):.3f} s, p95 {cycle.p95:.3f} s, "
            f"max {max(cycle.latencies or [0]):.3f} s, errors {len(cycle.errors)}, "
            f"server peak {cycle.peak_rss / 2**20:.0f} MB, after {cycle.end_rss / 2**20:.0f} MB"
        )
    print(f"  all: {len(load.latencies)} scores, median {load.median:.3f} s, p95 {load.p95:.3f} s")
    print(f"  peak memory growth, cycle {args.cycles - 1} to {args.cycles}: {load.memory_growth:+.1%}")
    ours, bare_rate = _rate(stress), _rate(baseline)
    print(f"stress: {args.users} users, no reading time, {args.stress_seconds:.0f} s")
    print(
        f"  fit check: {ours:.1f} scores/s, median {stress.median:.3f} s, p95 {stress.p95:.3f} s, "
        f"errors {len(stress.errors)}"
    )
    print(
        f"  bare page (baseline): {bare_rate:.1f} reruns/s, median {baseline.median:.3f} s, "
        f"p95 {percentile(baseline.latencies, 0.95):.3f} s"
    )
    print(f"  ratio fit check / bare page: {ours / bare_rate:.2f}")

    failures = []
    if load.errors or stress.errors:
        failures.append(f"errors: {sorted(set(load.errors + stress.errors))[:5]}")
    if load.p95 > 2.0:
        failures.append(f"p95 click to result {load.p95:.2f} s is over 2 s")
    if load.memory_growth >= 0.10:
        failures.append(f"memory grew {load.memory_growth:.1%} from cycle 2 to 3 (limit 10%)")
    return print_verdict(failures)


if __name__ == "__main__":
    sys.exit(main())
