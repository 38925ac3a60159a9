"""Properties that must hold on every real text of the development sets (read in place, never copied)."""

from __future__ import annotations

import json

import pytest

from hcdev_match.scoring.matcher import Matcher
from hcdev_match.text.posting import split_posting
from hcdev_match.text.snippets import snippet_pattern

from .conftest import ROOT

EVAL = ROOT.parent / "shared" / "eval"
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
