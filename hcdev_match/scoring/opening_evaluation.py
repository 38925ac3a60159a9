"""Evaluation of openings: does a posting, as an opening, rank the texts of its own role first?

Each role-labelled posting of a labelled file is the opening in turn, and
every other text of the file is ranked by its fit to it. The measure is the
mean average precision of the texts that share the posting's label, beside
the same ranking by the fit to the catalogue role that posting fits best
(the proxy a recruiter had before openings), in the same run, over all
texts and over the CVs only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score

from ..errors import EvaluationError
from .evaluation import NONE_LABEL, read_labelled_lines
from .matcher import Matcher
from .opening import build_opening, fit_opening

__all__ = ["OpeningReport", "OpeningText", "evaluate_openings", "load_opening_texts"]

_NONE = NONE_LABEL
_KINDS = ("posting", "cv")


@dataclass(frozen=True)
class OpeningText:
    id: str
    text: str
    label: str
    kind: str


@dataclass(frozen=True)
class OpeningReport:
    """Mean average precision of same-label texts, by opening fit and by the best role's fit."""

    openings: int
    texts: int
    #: None where no opening had a same-label text to find (average precision is undefined there).
    opening_map: float | None
    role_map: float | None
    opening_map_cvs: float | None
    role_map_cvs: float | None
    #: Per opening: id, label, best role, and the four average precisions.
    rows: tuple[dict[str, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "openings": self.openings,
            "texts": self.texts,
            "opening_map": _rounded(self.opening_map),
            "role_map": _rounded(self.role_map),
            "opening_map_cvs": _rounded(self.opening_map_cvs),
            "role_map_cvs": _rounded(self.role_map_cvs),
            "rows": list(self.rows),
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def load_opening_texts(path: str | Path, *, roles: tuple[str, ...]) -> list[OpeningText]:
    """Read ``{"id", "text", "label", "kind"}`` JSON lines (kind: posting or cv; label: a role or none)."""
    allowed = set(roles) | {_NONE}
    out = []
    for number, record in read_labelled_lines(path, keys=("id", "text", "label", "kind")):
        if record["label"] not in allowed or record["kind"] not in _KINDS:
            raise EvaluationError(
                f"{path}:{number}: label {record['label']!r} / kind {record['kind']!r}: "
                f"use a label of {sorted(allowed)} and a kind of {list(_KINDS)}"
            )
        out.append(OpeningText(record["id"], record["text"], record["label"], record["kind"]))
    if not out:
        raise EvaluationError(f"{path}: no texts; write one JSON object per line")
    return out


def evaluate_openings(matcher: Matcher, texts: list[OpeningText]) -> OpeningReport:
    """Each role-labelled posting as the opening, every other text ranked (module docs)."""
    if not any(t.kind == "posting" and t.label != _NONE for t in texts):
        raise EvaluationError("no role-labelled posting to use as an opening; add a text of kind posting with a role")
    evidence = matcher.read([t.text for t in texts])
    role_fits = matcher.fit_evidence(evidence).fits
    rows: list[dict[str, Any]] = []
    for i, posting in enumerate(texts):
        if posting.kind != "posting" or posting.label == _NONE:
            continue
        fits = fit_opening(matcher, build_opening(matcher, posting.text), evidence)
        best = int(np.argmax(role_fits[i]))
        row: dict[str, Any] = {"id": posting.id, "label": posting.label, "best_role": matcher.roles[best]}
        for suffix, kinds in (("", _KINDS), ("_cvs", ("cv",))):
            others = [k for k, t in enumerate(texts) if k != i and t.kind in kinds]
            relevant = [texts[k].label == posting.label for k in others]
            if not any(relevant):
                continue  # nothing to find: average precision is undefined
            row["opening_ap" + suffix] = float(average_precision_score(relevant, fits[others]))
            row["role_ap" + suffix] = float(average_precision_score(relevant, role_fits[others, best]))
        rows.append(row)

    def mean(key: str) -> float | None:
        values = [row[key] for row in rows if key in row]
        return float(np.mean(values)) if values else None  # never a made-up 0.0

    return OpeningReport(
        openings=len(rows),
        texts=len(texts),
        opening_map=mean("opening_ap"),
        role_map=mean("role_ap"),
        opening_map_cvs=mean("opening_ap_cvs"),
        role_map_cvs=mean("role_ap_cvs"),
        rows=tuple({k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()} for row in rows),
    )
