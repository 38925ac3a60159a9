"""Accuracy on real texts: `evaluate` over ../shared/eval/dev.jsonl, with cost.

The development set holds real postings and CVs that the project must not
copy, so it is read from the shared folder beside the clone. Besides top-1
and AUC, this prints how long building the model and scoring the set took,
against reading the same texts, so the figures say what they cost.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hcdev_match.evaluation import evaluate_items, load_evaluation_file  # noqa: E402
from hcdev_match.matcher import Matcher  # noqa: E402

DEFAULT_SET = ROOT.parent / "shared" / "eval" / "dev.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", nargs="?", default=str(DEFAULT_SET))
    parser.add_argument("--rows", action="store_true", help="print every item's best role and fit")
    args = parser.parse_args()
    path = Path(args.file)
    if not path.exists():
        print(f"evaluation: {path} not found; pass a labelled .jsonl file")
        return
    builds = []
    for _ in range(5):
        start = time.perf_counter()
        matcher = Matcher.from_paths()
        builds.append(time.perf_counter() - start)
    items = load_evaluation_file(path, roles=matcher.roles)
    start = time.perf_counter()
    report = evaluate_items(matcher, items)
    scoring = time.perf_counter() - start
    words = sum(len(item.text.split()) for item in items)
    print(f"evaluation on {path.name}: {report.items} texts ({report.labelled} with a role), {words} words")
    print(f"  top-1 accuracy over labelled roles: {report.top1:.3f} (strict: {report.top1_strict:.3f}; floor 0.90)")
    auc = "n/a" if report.auc is None else f"{report.auc:.3f}"
    print(f"  ROC AUC of the best fit, role vs none: {auc} (floor 0.90)")
    print(f"  model build: {statistics.median(builds) * 1000:.0f} ms median of 5 (once per process)")
    print(f"  scoring the set: {scoring * 1000:.0f} ms ({scoring / report.items * 1000:.1f} ms per text)")
    if args.rows:
        for row in report.rows:
            print("   ", json.dumps(row))


if __name__ == "__main__":
    main()
