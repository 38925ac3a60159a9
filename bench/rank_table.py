"""`rank-table` over 100,000 generated CVs in one Parquet table, against a plain-Python floor; Spark vs local.

The floor is a fresh Python process that reads the same table chunk by
chunk (pyarrow) and regex-tokenises every text. Both are whole processes
(start-up included), timed in the same run on the same warm file; the
ratio is what is reported. Peak memory is the largest resident set of the
`rank-table` process tree, sampled through the run. The same table is
scored again with an opening (``--opening``, a posting written here), whose
ratio is reported beside the plain one. Then the Spark engine (master
local[*]) scores the first 3,000 texts with the opening and must give the
local engine's fits, the opening's too, to 0.01.

Pass: ratio (without an opening) at most 2.5, peak memory under 600 MB
(with or without), Spark equal to local. Exits 1 on a failure.

    .venv/bin/python -m bench.rank_table                 # the full run (several minutes)
    .venv/bin/python -m bench.rank_table --count 10000   # a quick look
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from bench.corpus import generate_texts
from bench.processes import timed
from bench.verdict import print_verdict  # noqa: E402

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
# A posting written for this bench (no third party's text): what --opening is timed with.
POSTING = """\
# Clinical Integration Developer

Requirements:
- HL7 v2 and FHIR R4 interfaces for the hospital's EHR
- Mirth Connect in production, SQL

Nice to have
- Python, Docker
"""


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
        posting = folder / "posting.md"
        posting.write_text(POSTING, encoding="utf-8")
        opening = ["--opening", str(posting)]
        floor_runs, rank_runs, opening_runs, peaks = [], [], [], []
        for _ in range(args.repeat):
            floor_runs.append(timed([sys.executable, "-c", FLOOR, str(table)], every=0.05)[0])
            for runs, extra in ((rank_runs, []), (opening_runs, opening)):
                elapsed, peak = timed([*RANK, str(table), str(output), *extra], every=0.05)
                runs.append(elapsed)
                peaks.append(peak)
        written = pq.ParquetFile(output)
        assert written.metadata.num_rows == args.count and "opening_fit" in written.schema_arrow.names
        floor, rank = statistics.median(floor_runs), statistics.median(rank_runs)
        with_opening = statistics.median(opening_runs)
        print(f"rank-table: {args.count} generated CVs in one Parquet table, {words / args.count:.0f} words on average")
        print(f"  floor (read + regex-tokenise, plain Python): {floor:.2f} s median of {args.repeat}")
        print(f"  rank-table, local engine (process start included): {rank:.2f} s median of {args.repeat}")
        print(f"  ratio rank-table / floor: {rank / floor:.2f} (at most 2.5); {args.count / rank:.0f} CVs/s")
        print(
            f"  with --opening: {with_opening:.2f} s, ratio {with_opening / floor:.2f} "
            f"({with_opening / rank:.2f} times the run without)"
        )
        print(f"  peak memory of rank-table, with or without: {max(peaks) / 2**20:.0f} MB (under 600 MB)")
        if rank / floor > 2.5:
            failures.append(f"ratio {rank / floor:.2f} is over 2.5")
        if max(peaks) >= 600 * 2**20:
            failures.append(f"peak memory {max(peaks) / 2**20:.0f} MB is not under 600 MB")

        small = folder / "small.parquet"
        pq.write_table(pq.read_table(table).slice(0, args.spark_count), small)
        local_out, spark_out = folder / "local.parquet", folder / "spark.parquet"
        timed([*RANK, str(small), str(local_out), *opening])
        spark_run = [*RANK, str(small), str(spark_out), "--engine", "spark", "--master", "local[*]", *opening]
        spark_seconds, _ = timed(spark_run, every=0.05)
        local, spark = pd.read_parquet(local_out), pd.read_parquet(spark_out)
        fits = [c for c in local.columns if c not in ("id", "best_role", "flags", "catalogue_version")]
        worst = float((spark[fits] - local[fits]).abs().to_numpy().max())
        same = spark["id"].tolist() == local["id"].tolist() and spark["flags"].tolist() == local["flags"].tolist()
        print(
            f"spark engine, local[*], --opening: {args.spark_count} texts in {spark_seconds:.1f} s (JVM start included)"
        )
        print(
            f"  largest fit difference from local (roles and opening): {worst:.2g} (at most 0.01); "
            f"ids and flags equal: {same}"
        )
        if worst > 0.01 or not same:
            failures.append("the Spark engine's rows differ from the local engine's")
    return print_verdict(failures)


if __name__ == "__main__":
    sys.exit(main())
