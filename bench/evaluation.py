"""Accuracy on real texts: the evaluation over ../shared/eval, every figure issue 11 asks for.

The development sets hold real postings and real people's CVs that the
project must not copy, so they are read in place from the shared folder
beside the clone (nothing of their text is printed: only ids, roles and
numbers). For `dev.jsonl`, `dev_cvs.jsonl` and both together it prints
top-1, AUC, the own-role fits against the band bounds, `none` texts at 30
or more, flag rates, where own-role fits land per band, and every miss
with its top three roles; then what building the model and scoring cost.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from hcdev_match.config import FIT_BANDS, band_of  # noqa: E402
from hcdev_match.scoring.evaluation import FOUND_AT, EvaluationReport, evaluate_items, load_evaluation_file  # noqa: E402
from hcdev_match.scoring.matcher import Matcher  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
SETS = ("dev.jsonl", "dev_cvs.jsonl")
# Issue 11's floors, on both sets together.
FLOORS = {"top1": 0.95, "auc": 0.97, "own30": 0.85, "median": 50.0, "none30": 0.05, "stuffing": 0.05}


def _print_report(name: str, report: EvaluationReport, *, floors: bool) -> None:
    low, high = FOUND_AT

    def floor(key: str, sign: str = ">=") -> str:
        return f" (floor {sign} {FLOORS[key]:g})" if floors else ""

    auc = "n/a" if report.auc is None else f"{report.auc:.3f}"
    median = report.own_median
    print(f"{name}: {report.items} texts, {report.labelled} with a role, {report.items - report.labelled} none")
    print(f"  top-1 over labelled roles: {report.top1:.3f}{floor('top1')} (strict: {report.top1_strict:.3f})")
    print(f"  ROC AUC of the best fit, role vs none: {auc}{floor('auc')}")
    print(f"  own-role fit >= {low}: {report.own_share(low):.3f}{floor('own30')}; ", end="")
    print(f">= {high}: {report.own_share(high):.3f}")
    print(f"  median own-role fit: {'n/a' if median is None else f'{median:.1f}'}{floor('median')}")
    print(f"  none texts with a best fit >= {low}: {report.none_share(low):.3f}{floor('none30', '<=')}")
    rates = ", ".join(f"{k} {v:.3f}" for k, v in sorted(report.flag_rates.items())) or "none raised"
    ceiling = f" (keyword_stuffing floor <= {FLOORS['stuffing']:g})" if floors else ""
    print(f"  share of texts raising each flag: {rates}{ceiling}")
    spread = {b: 0 for _, b, _ in FIT_BANDS}
    for fit in report.own_fits:
        spread[band_of(fit)] += 1
    print("  own-role fits per band: " + ", ".join(f"{b} {n}" for b, n in spread.items()))
    for row in report.misses:
        top = ", ".join(f"{role} {fit:.0f}" for role, fit in row["top3"])
        print(f"    miss: {row['id']} ({row['label']}): {top}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", nargs="?", default=str(EVAL), help="the folder holding dev.jsonl and dev_cvs.jsonl")
    args = parser.parse_args()
    folder = Path(args.folder)
    builds = []
    for _ in range(5):
        start = time.perf_counter()
        matcher = Matcher.from_paths()
        builds.append(time.perf_counter() - start)
    found = [folder / name for name in SETS if (folder / name).exists()]
    if not found:
        print(f"evaluation: no {' or '.join(SETS)} in {folder}; pass the folder that holds them")
        return
    everything = []
    scoring = 0.0
    for path in found:
        items = load_evaluation_file(path, roles=matcher.roles)
        everything += items
        start = time.perf_counter()
        report = evaluate_items(matcher, items)
        scoring += time.perf_counter() - start
        _print_report(path.name, report, floors=False)
    if len(found) > 1:
        _print_report(" + ".join(p.name for p in found), evaluate_items(matcher, everything), floors=True)
    words = sum(len(item.text.split()) for item in everything)
    print(f"model build: {statistics.median(builds) * 1000:.0f} ms median of 5 (once per process)")
    print(f"scoring {len(everything)} texts ({words} words): {scoring * 1000:.0f} ms")


if __name__ == "__main__":
    main()
