"""Evaluation: top-1 and AUC on a tiny set with known answers; bad files refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hcdev_match.errors import EvaluationError
from hcdev_match.scoring.evaluation import EvaluationItem, evaluate_items, load_evaluation_file
from hcdev_match.scoring.matcher import Matcher


def test_known_answers_on_the_tiny_corpus(tiny: Matcher) -> None:
    items = [
        EvaluationItem("a", "alpha alfa beta", "one"),
        EvaluationItem("b", "gamma ray beta", "two"),
        EvaluationItem("c", "gamma ray", "one"),  # wrong on purpose
        EvaluationItem("d", "nothing relevant", "none"),
    ]
    report = evaluate_items(tiny, items)
    assert report.labelled == 3
    assert report.top1 == pytest.approx(2 / 3)
    # Every labelled item outscores the one "none" item (fit 0): AUC 1.
    assert report.auc == pytest.approx(1.0)


def test_auc_is_absent_without_both_classes(tiny: Matcher) -> None:
    assert evaluate_items(tiny, [EvaluationItem("a", "alpha", "one")]).auc is None


def test_bad_lines_name_the_line_and_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps({"id": "1", "text": "x", "label": "ehr"}) + "\n{not json}\n")
    with pytest.raises(EvaluationError, match=r"set.jsonl:2: not JSON"):
        load_evaluation_file(path, roles=("ehr",))
    path.write_text(json.dumps({"id": "1", "text": "x", "label": "nurse"}))
    with pytest.raises(EvaluationError, match="label 'nurse' is not a role"):
        load_evaluation_file(path, roles=("ehr",))
