"""How the fit scale lands, and how its constants were chosen.

The scale's six constants (MatchConfig.domain_term_boost, profile_terms,
coverage_scale, healthcare_scale, healthcare_shape, software_scale) were set on the
project's own samples (data/samples) and the real development sets
(../shared/eval/dev.jsonl and dev_cvs.jsonl, read in place) together:
`--search` reruns that search over a small grid and prints the best
settings. The objective is the sum of top-1, ROC AUC, the share of
role-labelled texts whose own-role fit reaches 30 and the median own-role
fit (up to 60) over the real texts, plus half of the same on the samples,
minus a penalty for every `none` text above 5% at 30 or more. A broad
plateau of settings scores alike; the defaults sit in its middle.

Without `--search` it prints where own-role fits, other-role fits and
outside texts land per band, for the samples and the real texts.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from hcdev_match.catalogue.model import load_catalogue  # noqa: E402
from hcdev_match.catalogue.reference import load_reference_corpus  # noqa: E402
from hcdev_match.config import (  # noqa: E402
    FIT_BANDS,
    MatchConfig,  # noqa: E402
    band_of,
)
from hcdev_match.scoring.evaluation import EvaluationItem, EvaluationReport, evaluate_items, load_evaluation_file  # noqa: E402
from hcdev_match.scoring.matcher import Matcher  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
GRID = {
    "domain_term_boost": (1.0, 2.0, 3.0),
    "profile_terms": (8, 10, 12),
    "coverage_scale": (0.15, 0.2, 0.25),
    "healthcare_scale": (3.0, 4.0, 5.0),
    "healthcare_shape": (1.5, 2.0, 3.0),
    "software_scale": (2.0, 3.0, 4.0),
}


def sample_items() -> list[EvaluationItem]:
    out = []
    for path in sorted((ROOT / "data" / "samples").glob("*.txt")):
        label = "none" if path.stem.startswith("outside_") else path.stem.rsplit("_", 1)[0]
        out.append(EvaluationItem(path.stem, path.read_text(encoding="utf-8"), label))
    return out


def real_items(roles: tuple[str, ...], folder: Path = EVAL) -> list[EvaluationItem]:
    items: list[EvaluationItem] = []
    for name in ("dev.jsonl", "dev_cvs.jsonl"):
        if (folder / name).exists():
            items += load_evaluation_file(folder / name, roles=roles)
    return items


def objective(report: EvaluationReport) -> float:
    median = report.own_median or 0.0
    return (
        report.top1 + (report.auc or 0.0) + report.own_share(30) + min(median, 60) / 100
        - 3 * max(0.0, report.none_share(30) - 0.05)
    )  # fmt: skip


def spread(fits: list[float]) -> str:
    counts = {name: 0 for _, name, _ in FIT_BANDS}
    for fit in fits:
        counts[band_of(fit)] += 1
    median = f"median {statistics.median(fits):.0f}, " if fits else ""
    return f"n={len(fits)}, {median}" + ", ".join(f"{name} {n}" for name, n in counts.items())


def show(matcher: Matcher, name: str, items: list[EvaluationItem]) -> None:
    report = evaluate_items(matcher, items)
    others = [fit for row in report.rows if row["label"] != "none" for role, fit in row["top3"][1:]]
    print(f"{name}:")
    print(f"  own-role fit of role-labelled texts: {spread(list(report.own_fits))}")
    print(f"  next two roles' fits of the same texts: {spread(others)}")
    print(f"  best fit of texts outside healthcare software: {spread(list(report.none_fits))}")


def search(samples: list[EvaluationItem], real: list[EvaluationItem]) -> None:
    catalogue = load_catalogue()
    reference = load_reference_corpus()
    results = []
    for values in itertools.product(*GRID.values()):
        config = replace(MatchConfig(), **dict(zip(GRID, values, strict=True)))
        matcher = Matcher(catalogue, reference, config=config)
        score = objective(evaluate_items(matcher, real)) + 0.5 * objective(evaluate_items(matcher, samples))
        results.append((score, dict(zip(GRID, values, strict=True))))
    results.sort(key=lambda r: -r[0])
    print(f"calibration search over {len(results)} settings; the best ten:")
    for score, setting in results[:10]:
        print(f"  {score:.3f}  {setting}")
    defaults = {k: getattr(MatchConfig(), k) for k in GRID}
    rank = next((i for i, (_, s) in enumerate(results) if s == defaults), None)
    print(f"the defaults {defaults} rank {'outside the grid' if rank is None else rank + 1} of {len(results)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--search", action="store_true", help="rerun the search that chose the scale's constants")
    parser.add_argument("--eval-dir", type=Path, default=EVAL, help="the folder holding dev.jsonl and dev_cvs.jsonl")
    args = parser.parse_args()
    matcher = Matcher.from_paths()
    samples, real = sample_items(), real_items(matcher.roles, args.eval_dir)
    if args.search:
        search(samples, real)
        return
    show(matcher, "calibration on data/samples (the project's own CVs)", samples)
    if real:
        show(matcher, "real texts (../shared/eval/dev.jsonl and dev_cvs.jsonl, read in place)", real)


if __name__ == "__main__":
    main()
