"""The fits of our own samples, pinned: a refactor must not change a single number.

When a change to the matcher or the catalogue is meant to move fits, look at
the difference, then rewrite the pinned file from the command the test runs:
``python -m hcdev_match rank data/samples --format json > tests/golden/rank_samples.json``.
"""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import ROOT

GOLDEN = ROOT / "tests" / "golden" / "rank_samples.json"


def test_rank_over_the_samples_gives_the_pinned_fits() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "hcdev_match", "rank", "data/samples", "--format", "json", "--workers", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    now, pinned = json.loads(done.stdout), json.loads(GOLDEN.read_text())
    assert [item["source"] for item in now] == [item["source"] for item in pinned]
    for current, before in zip(now, pinned, strict=True):
        assert current == before, f"{current['source']}: fits changed (see this module's docstring)"
