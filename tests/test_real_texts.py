"""Properties that must hold on every real text of the development sets (read in place, never copied)."""

from __future__ import annotations

import json
import math

import pytest

from hcdev_match.scoring.evaluation import evaluate_items, load_evaluation_file
from hcdev_match.scoring.matcher import Matcher
from hcdev_match.text.posting import split_posting
from hcdev_match.text.snippets import snippet_pattern

from .conftest import EVAL

FILES = ("dev.jsonl", "dev_cvs.jsonl")


def _texts() -> list[dict[str, str]]:
    if not all((EVAL / name).exists() for name in FILES):
        pytest.skip(f"the development sets are not beside the clone ({EVAL})")
    return [json.loads(line) for name in FILES for line in (EVAL / name).read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def texts() -> list[dict[str, str]]:
    return _texts()


def test_every_snippet_shows_its_skill_and_is_cut_at_word_boundaries(
    matcher: Matcher, texts: list[dict[str, str]]
) -> None:
    for item in texts:
        for fit in matcher.assess(item["text"]).fits:
            for match in fit.matched:
                pattern = snippet_pattern(matcher.canonicaliser, match.skill)
                assert pattern is not None and pattern.search(match.snippet), (item["id"], match.skill)
                body = match.snippet.removeprefix("… ").removesuffix(" …")
                # Cut where the source has a space (or at its ends): never inside a word.
                flat = " ".join(item["text"].split())
                at = flat.find(body)
                assert at >= 0, (item["id"], match.skill)
                assert at == 0 or not flat[at - 1].isalnum(), (item["id"], match.skill)
                end = at + len(body)
                assert end == len(flat) or not flat[end].isalnum(), (item["id"], match.skill)


def test_no_honest_real_cv_is_read_as_a_pasted_posting(texts: list[dict[str, str]]) -> None:
    for item in texts:
        if item["kind"] == "cv":
            assert split_posting(item["text"])[1] == "", item["id"]


def test_terms_only_listed_never_show_a_healthcare_setting(matcher: Matcher, texts: list[dict[str, str]]) -> None:
    skills = ("hipaa", "ehr", "hl7", "fhir", "epic", "cerner", "dicom", "pacs", "telehealth", "healthkit")
    for item in texts:
        base = matcher.assess(item["text"])
        absent = [matcher.label_of(s) for s in skills if s not in base.strengths]
        if len(absent) < 4:
            continue  # too few of these skills are new to the text to make a keyword list
        listed = matcher.assess(item["text"] + "\nSkills: " + ", ".join(absent))
        assert listed.domain.healthcare == pytest.approx(base.domain.healthcare), item["id"]


def test_the_issue_floors_hold_on_both_development_sets_together(matcher: Matcher) -> None:
    _texts()  # skips when the sets are not beside the clone
    items = [item for name in FILES for item in load_evaluation_file(EVAL / name, roles=matcher.roles)]
    report = evaluate_items(matcher, items)
    labelled, outside = len(report.own_fits), len(report.none_fits)
    # Counts, not shares, so that a floor reads as "at most this many texts".
    assert len(report.misses) <= labelled - math.ceil(0.95 * labelled), report.misses
    assert report.auc is not None and report.auc >= 0.97
    assert sum(fit < 30 for fit in report.own_fits) <= labelled - math.ceil(0.85 * labelled)
    assert report.own_median is not None and report.own_median >= 50
    assert sum(fit >= 30 for fit in report.none_fits) <= math.floor(0.05 * outside)
    assert report.flag_rates.get("keyword_stuffing", 0.0) * len(items) <= math.floor(0.05 * len(items))


def test_stuffing_a_real_cv_lifts_no_outside_cv_to_partial_and_is_flagged(matcher: Matcher) -> None:
    _texts()
    from bench.stuffing import TEXT_KINDS, measure_stuffing

    for row in measure_stuffing(matcher, eval_dir=EVAL, kinds=TEXT_KINDS)[1:]:
        assert row.none_lifted == 0, row
        assert row.flagged >= 0.9, row
