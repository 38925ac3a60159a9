"""`rank-table` over 100,000 generated CVs in one Parquet table, against a plain-Python floor; Spark vs local.

The floor is a fresh Python process that reads the same table chunk by
chunk (pyarrow) and regex-tokenises every text. Both are whole processes
(start-up included), timed in the same run on the same warm file; the
ratio is what is reported. Peak memory is the largest resident set of the
`rank-table` process tree, sampled through the run. Then the Spark engine
(master local[*]) scores the first 3,000 texts and must give the local
engine's fits to 0.01.

Pass: ratio at most 2.5, peak memory under 600 MB, Spark equal to local.
Exits 1 on a failure.

    .venv/bin/python bench/rank_table.py                 # the full run (a few minutes)
    .venv/bin/python bench/rank_table.py --count 10000   # a quick look
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from bench.corpus import ROOT, generate_texts
from bench.throughput import _tree_rss

FLOOR = (
    "import re, sys\n"
    "import pyarrow.parquet as pq\n"
    "token = re.compile(r'\\w+')\n"
    "n = 0\n"
    "for batch in pq.ParquetFile(sys.argv[1]).iter_batches(batch_size=2000, columns=['id', 'text']):\n"
    "    for text in batch.column('text').to_pylist():\n"
    "        n += len(token.findall(text.lower()))\n"
    "print(n)\n"
)
RANK = [sys.executable, "-m", "hcdev_match", "rank-table"]


def write_table(path: Path, count: int) -> int:
    """``count`` generated CVs as id,text, written in row groups; return the words."""
    schema = pa.schema([("id", pa.string()), ("text", pa.string())])
    words, rows = 0, []
    with pq.ParquetWriter(path, schema) as writer:
        for n, text in enumerate(generate_texts(count, seed=13)):
            rows.append((f"cv-{n:06d}", text))
            words += len(text.split())
            if len(rows) == 5_000 or n == count - 1:
                writer.write_table(pa.table(list(zip(*rows, strict=True)), schema=schema))
                rows = []
    return words


def timed(cmd: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.05)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return elapsed, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--spark-count", type=int, default=3_000)
    args = parser.parse_args()
    failures = []
    with tempfile.TemporaryDirectory(prefix="hcdev-rank-table-") as tmp:
        folder = Path(tmp)
        table, output = folder / "cvs.parquet", folder / "scores.parquet"
        words = write_table(table, args.count)
        floor_runs, rank_runs, peaks = [], [], []
        for _ in range(args.repeat):
            floor_runs.append(timed([sys.executable, "-c", FLOOR, str(table)])[0])
            elapsed, peak = timed([*RANK, str(table), str(output)])
            rank_runs.append(elapsed)
            peaks.append(peak)
        assert pq.ParquetFile(output).metadata.num_rows == args.count
        floor, rank = statistics.median(floor_runs), statistics.median(rank_runs)
        print(f"rank-table: {args.count} generated CVs in one Parquet table, {words / args.count:.0f} words on average")
        print(f"  floor (read + regex-tokenise, plain Python): {floor:.2f} s median of {args.repeat}")
        print(f"  rank-table, local engine (process start included): {rank:.2f} s median of {args.repeat}")
        print(f"  ratio rank-table / floor: {rank / floor:.2f} (at most 2.5); {args.count / rank:.0f} CVs/s")
        print(f"  peak memory of rank-table: {max(peaks) / 2**20:.0f} MB (under 600 MB)")
        if rank / floor > 2.5:
            failures.append(f"ratio {rank / floor:.2f} is over 2.5")
        if max(peaks) >= 600 * 2**20:
            failures.append(f"peak memory {max(peaks) / 2**20:.0f} MB is not under 600 MB")

        small = folder / "small.parquet"
        pq.write_table(pq.read_table(table).slice(0, args.spark_count), small)
        local_out, spark_out = folder / "local.parquet", folder / "spark.parquet"
        timed([*RANK, str(small), str(local_out)])
        spark_seconds, _ = timed([*RANK, str(small), str(spark_out), "--engine", "spark", "--master", "local[*]"])
        local, spark = pd.read_parquet(local_out), pd.read_parquet(spark_out)
        fits = [c for c in local.columns if c not in ("id", "best_role", "flags", "catalogue_version")]
        worst = float((spark[fits] - local[fits]).abs().to_numpy().max())
        same = spark["id"].tolist() == local["id"].tolist() and spark["flags"].tolist() == local["flags"].tolist()
        print(f"spark engine, local[*]: {args.spark_count} texts in {spark_seconds:.1f} s (JVM start included)")
        print(f"  largest fit difference from local: {worst:.2g} (at most 0.01); ids and flags equal: {same}")
        if worst > 0.01 or not same:
            failures.append("the Spark engine's rows differ from the local engine's")
    for failure in failures:
        print(f"FAIL: {failure}")
    print("PASS" if not failures else "FAILED")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
