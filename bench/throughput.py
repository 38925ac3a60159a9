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
import sys
import tempfile
from pathlib import Path

from bench.corpus import generate_cvs
from bench.processes import timed

FLOOR = (
    "import re, sys, pathlib\n"
    "token = re.compile(r'\\w+')\n"
    "n = 0\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.txt')):\n"
    "    n += len(token.findall(p.read_text(encoding='utf-8').lower()))\n"
    "print(n)\n"
)


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
            floor_runs.append(timed([sys.executable, "-c", FLOOR, str(folder)])[0])
            elapsed, peak = timed([sys.executable, "-m", "hcdev_match", "rank", str(folder)])
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
