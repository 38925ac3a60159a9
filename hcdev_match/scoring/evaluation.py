"""Evaluation on labelled texts: top-1 accuracy and ROC AUC of the best fit."""

from __future__ import annotations

import json
import statistics
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sklearn.metrics import roc_auc_score

from ..errors import EvaluationError
from .matcher import Matcher

__all__ = [
    "FOUND_AT",
    "NONE_LABEL",
    "EvaluationItem",
    "EvaluationReport",
    "evaluate_items",
    "load_evaluation_file",
    "read_labelled_lines",
]

NONE_LABEL = "none"
#: Answers accepted besides the label itself: a healthcare analytics text is
#: labelled ``cds`` in the evaluation sets, and ``analytics`` is right for it.
ACCEPTED_ALTERNATIVES: dict[str, frozenset[str]] = {"cds": frozenset({"analytics"})}


@dataclass(frozen=True)
class EvaluationItem:
    id: str
    text: str
    label: str


#: Own-role fits at which a role-labelled text counts as found (the bands'
#: lower bounds "partial" and "good"), and the ceiling for ``none`` texts.
FOUND_AT: tuple[int, int] = (30, 60)


@dataclass(frozen=True)
class EvaluationReport:
    """How the matcher does on labelled real texts (see the README's "The fit scale")."""

    items: int
    labelled: int
    top1: float
    top1_strict: float
    auc: float | None
    rows: tuple[dict[str, Any], ...]
    #: Fit to the labelled role (the best accepted one) of each role-labelled text.
    own_fits: tuple[float, ...] = ()
    #: Best fit of each ``none`` text.
    none_fits: tuple[float, ...] = ()
    #: Share of all texts raising each flag.
    flag_rates: Mapping[str, float] = field(default_factory=dict)

    def own_share(self, at: float) -> float:
        """Share of role-labelled texts whose own-role fit reaches ``at``."""
        return sum(f >= at for f in self.own_fits) / len(self.own_fits) if self.own_fits else 0.0

    def none_share(self, at: float) -> float:
        """Share of ``none`` texts whose best fit reaches ``at``."""
        return sum(f >= at for f in self.none_fits) / len(self.none_fits) if self.none_fits else 0.0

    @property
    def own_median(self) -> float | None:
        return statistics.median(self.own_fits) if self.own_fits else None

    @property
    def misses(self) -> tuple[dict[str, Any], ...]:
        """Role-labelled rows whose best role is not an accepted answer."""
        return tuple(row for row in self.rows if row["correct"] is False)

    def to_dict(self) -> dict[str, Any]:
        low, high = FOUND_AT
        median = self.own_median
        return {
            "items": self.items,
            "labelled": self.labelled,
            "top1": round(self.top1, 4),
            "top1_strict": round(self.top1_strict, 4),
            "auc": None if self.auc is None else round(self.auc, 4),
            f"own_fit_at_least_{low}": round(self.own_share(low), 4),
            f"own_fit_at_least_{high}": round(self.own_share(high), 4),
            "own_fit_median": None if median is None else round(median, 1),
            f"none_at_least_{low}": round(self.none_share(low), 4),
            "flag_rates": {k: round(v, 4) for k, v in sorted(self.flag_rates.items())},
            "rows": list(self.rows),
        }


def read_labelled_lines(path: str | Path, *, keys: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Each JSON line of ``path`` (blank lines skipped) with its line number: an object whose ``keys`` are strings."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise EvaluationError(f"{path}: cannot read it as UTF-8 text ({exc}); pass a .jsonl file") from None
    wanted = ", ".join(f'"{k}"' for k in keys[:-1]) + f' and "{keys[-1]}"'
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvaluationError(f"{path}:{number}: not JSON ({exc.msg}); write one JSON object per line") from None
        if not isinstance(record, dict) or not all(isinstance(record.get(k), str) for k in keys):
            raise EvaluationError(
                f"{path}:{number}: expected an object with string {wanted}; "
                f"got keys {sorted(record) if isinstance(record, dict) else type(record).__name__}"
            )
        yield number, record


def load_evaluation_file(path: str | Path, *, roles: tuple[str, ...]) -> list[EvaluationItem]:
    """Read ``{"id", "text", "label"}`` JSON lines; labels are role ids or ``none``."""
    items = []
    allowed = set(roles) | {NONE_LABEL}
    for number, record in read_labelled_lines(path, keys=("id", "text", "label")):
        if record["label"] not in allowed:
            raise EvaluationError(
                f"{path}:{number}: label {record['label']!r} is not a role; use one of {sorted(allowed)}"
            )
        items.append(EvaluationItem(record["id"], record["text"], record["label"]))
    if not items:
        raise EvaluationError(f"{path}: no items; write one JSON object per line")
    return items


def evaluate_items(matcher: Matcher, items: list[EvaluationItem]) -> EvaluationReport:
    """Top-1 over labelled items, AUC of the best fit (labelled vs none), own-role fits and flag rates.

    Every item is scored over all the catalogue's roles; a label's accepted
    alternatives (analytics for cds) count as right, and its own-role fit is
    the best of them.
    """
    table = matcher.fit_table([item.text for item in items])
    rows: list[dict[str, Any]] = []
    hits = strict_hits = labelled = 0
    truth: list[int] = []
    scores: list[float] = []
    own: list[float] = []
    none: list[float] = []
    flags: Counter[str] = Counter()
    for item, fits, item_flags in zip(items, table.fits, table.flags, strict=True):
        order = sorted(range(len(table.roles)), key=lambda j: (-fits[j], j))
        best = table.roles[order[0]]
        best_fit = float(fits[order[0]])
        flags.update(item_flags)
        correct = None
        if item.label != NONE_LABEL:
            labelled += 1
            accepted = {item.label} | ACCEPTED_ALTERNATIVES.get(item.label, frozenset())
            strict = best == item.label
            correct = best in accepted
            hits += correct
            strict_hits += strict
            own.append(max(float(fits[table.roles.index(r)]) for r in accepted if r in table.roles))
        else:
            none.append(best_fit)
        truth.append(int(item.label != NONE_LABEL))
        scores.append(best_fit)
        rows.append(
            {
                "id": item.id,
                "label": item.label,
                "best": best,
                "fit": round(best_fit, 1),
                "correct": correct,
                "top3": [[table.roles[j], round(float(fits[j]), 1)] for j in order[:3]],
                "flags": list(item_flags),
            }
        )
    auc = float(roc_auc_score(truth, scores)) if 0 < sum(truth) < len(truth) else None
    return EvaluationReport(
        items=len(items),
        labelled=labelled,
        top1=hits / labelled if labelled else 0.0,
        top1_strict=strict_hits / labelled if labelled else 0.0,
        auc=auc,
        rows=tuple(rows),
        own_fits=tuple(own),
        none_fits=tuple(none),
        flag_rates={flag: count / len(items) for flag, count in flags.items()},
    )
