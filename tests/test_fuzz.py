"""A short atheris run over text extraction on every `make test`; `make fuzz` runs the long one.

The short run is bounded by work (a number of executions), not by time, so
it does the same on a fast machine and a slow one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

FUZZER = Path(__file__).with_name("fuzz_documents.py")
RUNS = 300  # past the 14 seeds: a few hundred mutations through every parser
# Derandomised in CI, like the property tests, so a red build is reproducible.
SEED = ["-seed=20261201"] if os.environ.get("CI") else []


def test_fuzzing_text_extraction_finds_no_crash_hang_or_untyped_error(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(FUZZER), "--seeds", str(tmp_path / "corpus"), f"-runs={RUNS}", "-timeout=15",
         "-rss_limit_mb=2048", f"-artifact_prefix={tmp_path}/", "-print_final_stats=1", *SEED],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    # The fuzzer's progress lines (#N NEW/REDUCE ...) and pypdf's warnings would bury the finding.
    report = "\n".join(
        line for line in done.stderr.splitlines() if not line.startswith(("#", "Advanced encoding", "INFO:"))
    )[-6000:]
    assert done.returncode == 0, f"the fuzzer found a failing input (saved in {tmp_path}):\n{report}"
    runs = next(line for line in done.stderr.splitlines() if line.startswith("stat::number_of_executed_units"))
    assert int(runs.split(":")[-1]) == RUNS  # it really ran them all, beyond the seeds
