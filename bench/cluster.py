"""Two replicas behind nginx against one alone, in the same run; then a replica killed.

`deploy/local-cluster up 2` starts PostgreSQL, two replicas and nginx on
127.0.0.1. The stress run of bench/load.py (30 users, no reading time,
each scoring a CV nobody pasted before, again and again) goes first to one
replica directly, then through nginx to both; the ratio of scores per
second is what is reported, since absolute rates drift on a shared
machine. Then one replica is killed with SIGKILL and new sessions, opened
at once, must all score through nginx; the time from the kill to the last
of them scoring is printed.

Pass: ratio at least 1.3, no errors, every new session scored within 5 s
of the kill. Exits 1 on a failure.

    .venv/bin/python bench/cluster.py                     # about 2 minutes
    .venv/bin/python bench/cluster.py --stress-seconds 10 # a quick look
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from bench.verdict import print_verdict  # noqa: E402
from tests.load import SAMPLES, LoadResult, run_load, vary_cv  # noqa: E402
from tests.streamlit_client import StreamlitSession  # noqa: E402

LOCAL_CLUSTER = ROOT / "deploy" / "local-cluster"


def stress(urls: list[str], pids: list[int], *, users: int, seconds: float) -> LoadResult:
    return run_load(urls, pids, users=users, cycles=1, cycle_seconds=seconds, reading=(0, 0), pause=0, stagger=1)


def rate(result: LoadResult) -> float:
    return len(result.latencies) / result.cycles[0].seconds


async def score_once(url: str, serial: int) -> float:
    """A new session scores one CV; return the moment its result arrived."""
    session = StreamlitSession(url, timeout=60)
    try:
        await session.connect()
        text = vary_cv(SAMPLES[serial % len(SAMPLES)].read_text(encoding="utf-8"), random.Random(serial), serial)
        run = await session.rerun({"cv_text": text}, triggers=("score_cv",))
        if run.errors or not run.has("metric"):
            raise RuntimeError(f"no fit shown: {run.errors or run.elements[:3]}")
        return time.monotonic()
    finally:
        await session.close()


async def after_kill(url: str, pid: int, sessions: int) -> tuple[float, list[str]]:
    """SIGKILL `pid`, open `sessions` new sessions at once; seconds from the kill to the last score, errors."""
    killed = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    done = await asyncio.gather(*(score_once(url, 10_000 + n) for n in range(sessions)), return_exceptions=True)
    errors = [f"{type(d).__name__}: {d}" for d in done if isinstance(d, BaseException)]
    last = max((d for d in done if isinstance(d, float)), default=killed)
    return last - killed, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--stress-seconds", type=float, default=30)
    parser.add_argument("--new-sessions", type=int, default=10)
    args = parser.parse_args()
    state = Path(tempfile.mkdtemp(prefix="hcdev-bench-cluster-"))
    up = subprocess.run([str(LOCAL_CLUSTER), "--state", str(state), "up", "2"], capture_output=True, text=True)
    if up.returncode != 0:
        raise SystemExit(up.stderr)
    cluster = json.loads(up.stdout)
    try:
        replicas = cluster["replicas"]
        direct = [f"http://127.0.0.1:{r['port']}" for r in replicas]
        pids = [r["pid"] for r in replicas]
        # Warm both replicas (each imports the app on its first session), not measured.
        stress(direct, pids, users=4, seconds=3)
        one = stress(direct[:1], pids[:1], users=args.users, seconds=args.stress_seconds)
        two = stress([cluster["url"].rstrip("/")], pids, users=args.users, seconds=args.stress_seconds)
        recovery, kill_errors = asyncio.run(after_kill(cluster["url"].rstrip("/"), pids[0], args.new_sessions))
    finally:
        subprocess.run([str(LOCAL_CLUSTER), "--state", str(state), "down"], check=False)
    ratio = rate(two) / rate(one)
    print(f"cluster: {args.users} users, no reading time, {args.stress_seconds:.0f} s each, {os.cpu_count()} cores")
    print(
        f"  one replica, direct:          {rate(one):.1f} scores/s, median {one.median:.3f} s, "
        f"p95 {one.p95:.3f} s, errors {len(one.errors)}"
    )
    print(
        f"  two replicas, through nginx:  {rate(two):.1f} scores/s, median {two.median:.3f} s, "
        f"p95 {two.p95:.3f} s, errors {len(two.errors)}"
    )
    print(f"  ratio two / one: {ratio:.2f} (at least 1.3)")
    print(
        f"  replica killed (SIGKILL): {args.new_sessions} new sessions opened at once all scored "
        f"{recovery:.2f} s after the kill (within 5 s), errors {len(kill_errors)}"
    )
    failures = []
    if ratio < 1.3:
        failures.append(f"ratio {ratio:.2f} is under 1.3")
    if one.errors or two.errors or kill_errors:
        failures.append(f"errors: {sorted(set(one.errors + two.errors + kill_errors))[:5]}")
    if recovery > 5:
        failures.append(f"new sessions took {recovery:.1f} s to score after the kill")
    return print_verdict(failures)


if __name__ == "__main__":
    sys.exit(main())
