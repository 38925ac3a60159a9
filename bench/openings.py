"""Openings on real texts: issue 13's figures, and what building an opening costs.

Each role-labelled posting of ../shared/eval/dev.jsonl plus dev_cvs.jsonl
(read in place, nothing of their text printed: only ids, labels and numbers)
is the opening in turn, and every other text is ranked by its fit to it: the
mean average precision of the texts of the posting's label, by opening fit
and by the fit to the posting's best catalogue role, over all texts and over
the CVs only. Then the time to build an opening from each posting, and to
re-rank 200 read CVs against each new opening.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from hcdev_match.scoring.matcher import Matcher
from hcdev_match.scoring.opening import build_opening, fit_strengths
from hcdev_match.scoring.opening_evaluation import evaluate_openings, load_opening_texts

ROOT = Path(__file__).resolve().parent.parent

# The shared folder beside the checkout (or beside the folder of worktrees a checkout may sit in).
EVAL = next(
    (d / "shared" / "eval" for d in (ROOT.parent, ROOT.parent.parent) if (d / "shared" / "eval").is_dir()),
    ROOT.parent / "shared" / "eval",
)
SETS = ("dev.jsonl", "dev_cvs.jsonl")
FLOORS = {"map": 0.75, "map_cvs": 0.70, "build_ms": 50.0, "rerank_ms": 300.0}
RUNS = 5
BATCH = 200  # CVs re-ranked against each new opening


def shown(value: float | None) -> str:
    return "not measured" if value is None else f"{value:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", nargs="?", default=str(EVAL), help="the folder holding dev.jsonl and dev_cvs.jsonl")
    args = parser.parse_args()
    matcher = Matcher.from_paths()
    found = [Path(args.folder) / name for name in SETS if (Path(args.folder) / name).exists()]
    if not found:
        print(f"openings: no {' or '.join(SETS)} in {args.folder}; pass the folder that holds them")
        return
    texts = [t for path in found for t in load_opening_texts(path, roles=matcher.roles)]
    report = evaluate_openings(matcher, texts)
    print(f"openings over {' + '.join(p.name for p in found)}: {report.openings} postings, {report.texts} texts")
    print(
        f"  mAP of same-label texts: opening fit {shown(report.opening_map)} (floor >= {FLOORS['map']:g} "
        f"and >= the role's), best role's fit {shown(report.role_map)}"
    )
    print(
        f"  CVs only: opening fit {shown(report.opening_map_cvs)} (floor >= {FLOORS['map_cvs']:g} and >= the role's), "
        f"best role's fit {shown(report.role_map_cvs)}"
    )
    for row in report.rows:
        print(
            f"    {row['id']} ({row['label']}, best role {row['best_role']}): AP {row.get('opening_ap', 0):.3f} "
            f"vs {row.get('role_ap', 0):.3f}; CVs {row.get('opening_ap_cvs', 0):.3f} vs {row.get('role_ap_cvs', 0):.3f}"
        )
    postings = [t.text for t in texts if t.kind == "posting"]
    times = []
    for text in postings:
        runs = []
        for _ in range(RUNS):
            start = time.perf_counter()
            build_opening(matcher, text)
            runs.append(time.perf_counter() - start)
        times.append(min(runs) * 1000)
    print(
        f"  building an opening: median {statistics.median(times):.1f} ms, slowest {max(times):.1f} ms "
        f"(best of {RUNS} runs per posting, {len(postings)} postings; floor <= {FLOORS['build_ms']:g} ms)"
    )
    # Re-ranking a read batch against another opening: the kept strengths times its profile, no text read.
    evidence = matcher.read([t.text for t in texts])
    batch = [evidence[i % len(evidence)] for i in range(BATCH)]
    strengths = matcher.strengths(batch)
    work = matcher.evidence_strengths(strengths, [e.listed_only for e in batch])
    openings = [build_opening(matcher, text) for text in postings]
    reranks = []
    for opening in openings:
        start = time.perf_counter()
        fit_strengths(matcher, opening, strengths, work)
        reranks.append((time.perf_counter() - start) * 1000)
    print(
        f"  re-ranking {BATCH} read CVs against a new opening (built as above): "
        f"median {statistics.median(reranks):.1f} ms, slowest {max(reranks):.1f} ms "
        f"({len(openings)} openings; floor <= {FLOORS['rerank_ms']:g} ms)"
    )


if __name__ == "__main__":
    main()
