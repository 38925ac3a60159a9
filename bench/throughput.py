"""Throughput of `rank` over 10,000 generated CVs, against a plain-Python floor.

The floor is a fresh Python process that reads the same files and
regex-tokenises them. Both are whole processes (start-up included), timed
in the same run on the same warm files; the ratio is what is reported,
since absolute times drift on shared machines. Peak memory is the largest
sum of resident memory over `rank`'s process and its workers.
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

from bench.corpus import ROOT, generate_cvs

FLOOR = (
    "import re, sys, pathlib\n"
    "token = re.compile(r'\\w+')\n"
    "n = 0\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.txt')):\n"
    "    n += len(token.findall(p.read_text(encoding='utf-8').lower()))\n"
    "print(n)\n"
)


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def _timed(cmd: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "cvs"
        paths = generate_cvs(folder, args.count)
        words = sum(len(p.read_text().split()) for p in paths)  # also warms the page cache
        floor_runs, rank_runs, peaks = [], [], []
        for _ in range(args.repeat):
            floor_runs.append(_timed([sys.executable, "-c", FLOOR, str(folder)])[0])
            elapsed, peak = _timed([sys.executable, "-m", "hcdev_match", "rank", str(folder)])
            rank_runs.append(elapsed)
            peaks.append(peak)
    floor, rank = statistics.median(floor_runs), statistics.median(rank_runs)
    print(f"throughput: {args.count} generated CVs, {words / args.count:.0f} words on average, {os.cpu_count()} cores")
    print(f"  floor (read + regex-tokenise, plain Python): {floor:.2f} s median of {args.repeat}")
    print(f"  hcdev_match rank (process start included):   {rank:.2f} s median of {args.repeat}")
    print(f"  ratio rank / floor: {rank / floor:.2f} (floor in the issue: at most 3.0)")
    print(f"  rank throughput: {args.count / rank:.0f} CVs/s")
    print(f"  peak memory, rank and its workers: {max(peaks) / 1_048_576:.0f} MB (at most 500 MB)")


if __name__ == "__main__":
    main()
