"""How the fit scale lands: the project's own samples, and real texts if present.

The scale (MatchConfig.coverage_scale and the evidence scales) was set on
data/samples, the CVs this project wrote: a specialist CV for a role should
land in the "good" band for that role, and a text from outside healthcare
software near zero. This script prints where they land, and where the real
development set lands, so the README's description of the bands is checked
by a command, not asserted.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hcdev_match.assessment import band_of  # noqa: E402
from hcdev_match.matcher import Matcher  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"


def _summary(name: str, fits: list[float]) -> str:
    if not fits:
        return f"  {name}: none"
    bands: dict[str, int] = {}
    for fit in fits:
        bands[band_of(fit)] = bands.get(band_of(fit), 0) + 1
    spread = ", ".join(f"{band} {count}" for band, count in sorted(bands.items()))
    return (
        f"  {name}: n={len(fits)} median {statistics.median(fits):.0f}, "
        f"min {min(fits):.0f}, max {max(fits):.0f} ({spread})"
    )


def main() -> None:
    matcher = Matcher.from_paths()
    own, others, outside = [], [], []
    for path in sorted((ROOT / "data" / "samples").glob("*.txt")):
        assessment = matcher.assess(path.read_text(encoding="utf-8"))
        role = path.stem.rsplit("_", 1)[0]
        if path.stem.startswith("outside_"):
            outside.append(assessment.best.fit)
        else:
            own.append(assessment.fit_of(role).fit)
            others.extend(f.fit for f in assessment.fits if f.role != role)
    print("calibration on data/samples (the project's own CVs):")
    print(_summary("own-role fit of specialist CVs", own))
    print(_summary("fit of the same CVs to the other roles", others))
    print(_summary("best fit of CVs from outside healthcare software", outside))
    if DEV.exists():
        labelled, none = [], []
        for line in DEV.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            best = matcher.assess(item["text"]).best.fit
            (none if item["label"] == "none" else labelled).append(best)
        print("real texts (../shared/eval/dev.jsonl, read in place):")
        print(_summary("best fit of healthcare developer texts", labelled))
        print(_summary("best fit of texts outside the field", none))


if __name__ == "__main__":
    main()
