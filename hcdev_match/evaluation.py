"""Evaluation on labelled texts: top-1 accuracy and ROC AUC of the best fit."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sklearn.metrics import roc_auc_score

from .errors import EvaluationError
from .matcher import Matcher

__all__ = ["EvaluationItem", "EvaluationReport", "evaluate_items", "load_evaluation_file"]

NONE_LABEL = "none"
#: Answers accepted besides the label itself: a healthcare analytics text is
#: labelled ``cds`` in the evaluation sets, and ``analytics`` is right for it.
ACCEPTED_ALTERNATIVES: dict[str, frozenset[str]] = {"cds": frozenset({"analytics"})}


@dataclass(frozen=True)
class EvaluationItem:
    id: str
    text: str
    label: str


@dataclass(frozen=True)
class EvaluationReport:
    items: int
    labelled: int
    top1: float
    top1_strict: float
    auc: float | None
    rows: tuple[dict[str, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "labelled": self.labelled,
            "top1": round(self.top1, 4),
            "top1_strict": round(self.top1_strict, 4),
            "auc": None if self.auc is None else round(self.auc, 4),
            "rows": list(self.rows),
        }


def load_evaluation_file(path: str | Path, *, roles: tuple[str, ...]) -> list[EvaluationItem]:
    """Read ``{"id", "text", "label"}`` JSON lines; labels are role ids or ``none``."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise EvaluationError(f"{path}: cannot read it as UTF-8 text ({exc}); pass a .jsonl file") from None
    items = []
    allowed = set(roles) | {NONE_LABEL}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvaluationError(f"{path}:{number}: not JSON ({exc.msg}); write one JSON object per line") from None
        if not isinstance(record, dict) or not all(isinstance(record.get(k), str) for k in ("id", "text", "label")):
            raise EvaluationError(
                f'{path}:{number}: expected an object with string "id", "text" and "label"; '
                f"got keys {sorted(record) if isinstance(record, dict) else type(record).__name__}"
            )
        if record["label"] not in allowed:
            raise EvaluationError(
                f"{path}:{number}: label {record['label']!r} is not a role; use one of {sorted(allowed)}"
            )
        items.append(EvaluationItem(record["id"], record["text"], record["label"]))
    if not items:
        raise EvaluationError(f"{path}: no items; write one JSON object per line")
    return items


def evaluate_items(matcher: Matcher, items: list[EvaluationItem]) -> EvaluationReport:
    """Top-1 accuracy over labelled items, and AUC of best fit (labelled vs none)."""
    table = matcher.fit_table([item.text for item in items])
    rows: list[dict[str, Any]] = []
    hits = strict_hits = labelled = 0
    truth: list[int] = []
    scores: list[float] = []
    for item, fits in zip(items, table.fits, strict=True):
        best_index = int(fits.argmax())
        best = table.roles[best_index]
        best_fit = float(fits[best_index])
        correct = None
        if item.label != NONE_LABEL:
            labelled += 1
            strict = best == item.label
            correct = strict or best in ACCEPTED_ALTERNATIVES.get(item.label, frozenset())
            hits += correct
            strict_hits += strict
        truth.append(int(item.label != NONE_LABEL))
        scores.append(best_fit)
        rows.append({"id": item.id, "label": item.label, "best": best, "fit": round(best_fit, 1), "correct": correct})
    auc = float(roc_auc_score(truth, scores)) if 0 < sum(truth) < len(truth) else None
    return EvaluationReport(
        items=len(items),
        labelled=labelled,
        top1=hits / labelled if labelled else 0.0,
        top1_strict=strict_hits / labelled if labelled else 0.0,
        auc=auc,
        rows=tuple(rows),
    )
