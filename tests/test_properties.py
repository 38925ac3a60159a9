"""Properties that must hold for any text (hypothesis)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from hcdev_match.matcher import Matcher

from .conftest import SAMPLES

BASES = sorted(p.stem for p in SAMPLES.glob("*.txt"))
# Real names, including ones that are also technology words.
FIRST = ["Jane", "John", "Aisha", "Wei", "Maria", "Olu", "Sam", "Taylor", "Priya", "Jonathan"]
LAST = ["Smith", "Swift", "Jenkins", "Go", "Rust", "Cerner", "Okafor", "Nguyen", "García-López", "O'Neill"]
PRONOUNS = [("he", "him", "his"), ("she", "her", "her"), ("they", "them", "their")]
GENDERED = [("man", "husband", "father", "Mr"), ("woman", "wife", "mother", "Ms")]


def _text(name: str) -> str:
    return (SAMPLES / f"{name}.txt").read_text(encoding="utf-8")


def _fits(matcher: Matcher, text: str) -> dict[str, float]:
    return {f.role: f.fit for f in matcher.assess(text).fits}


def _personalise(base: str, first: str, last: str, pronouns: tuple[str, str, str], words: tuple, age: int) -> str:
    he, him, his = pronouns
    man, husband, father, mr = words
    header = f"{first} {last}\nName: {mr} {first} {last}\nAge: {age}\nDate of birth: 14/05/{2024 - age}\n"
    footer = (
        f"\nAbout me: {he} is a {man}, a {husband} and a {father}; colleagues describe {him} and {his} work "
        f"warmly. References from {first} {last}'s managers on request."
    )
    return header + base + footer


@given(st.sampled_from(BASES))
def test_same_text_gives_same_fits(matcher: Matcher, base: str) -> None:
    assert matcher.assess(_text(base)).to_dict() == matcher.assess(_text(base)).to_dict()


@given(
    base=st.sampled_from(BASES),
    a=st.tuples(st.sampled_from(FIRST), st.sampled_from(LAST), st.sampled_from(PRONOUNS),
                st.sampled_from(GENDERED), st.integers(18, 80)),
    b=st.tuples(st.sampled_from(FIRST), st.sampled_from(LAST), st.sampled_from(PRONOUNS),
                st.sampled_from(GENDERED), st.integers(18, 80)),
)  # fmt: skip
def test_names_pronouns_gendered_words_and_ages_change_no_fit(matcher: Matcher, base: str, a: tuple, b: tuple) -> None:
    text = _text(base)
    assert _fits(matcher, _personalise(text, *a)) == _fits(matcher, _personalise(text, *b))


@given(data=st.data())
def test_an_alias_scores_as_its_canonical_skill(matcher: Matcher, data: st.DataObject) -> None:
    skills = [s for s in matcher.catalogue.skills.values() if len(s.aliases) >= 2]
    skill = data.draw(st.sampled_from(skills))
    first, second = data.draw(st.lists(st.sampled_from(skill.aliases), min_size=2, max_size=2, unique=True))
    base = _text(data.draw(st.sampled_from(BASES)))
    sentence = "\nFor three years I worked with {} every day."
    assert _fits(matcher, base + sentence.format(first)) == _fits(matcher, base + sentence.format(second))


@given(data=st.data())
def test_adding_a_missing_must_have_skill_never_lowers_that_roles_fit(matcher: Matcher, data: st.DataObject) -> None:
    base = _text(data.draw(st.sampled_from(BASES)))
    before = matcher.assess(base)
    role = data.draw(st.sampled_from(matcher.roles))
    missing = before.fit_of(role).missing["must_have"]
    if not missing:
        return
    skill = matcher.catalogue.skills[data.draw(st.sampled_from(missing))]
    alias = data.draw(st.sampled_from(skill.aliases or skill.exact))
    after = matcher.assess(base + f"\nIn my last role I used {alias} on production systems.")
    assert after.fit_of(role).fit >= before.fit_of(role).fit - 1e-9
    assert skill.id not in after.fit_of(role).missing["must_have"]


@given(base=st.sampled_from(BASES), repeats=st.integers(6, 60))
def test_stuffing_raises_the_flag(matcher: Matcher, base: str, repeats: int) -> None:
    block = "FHIR HL7 DICOM PACS WebRTC Kotlin Swift firmware IEC 62304 SQL ETL"
    stuffed = matcher.assess(_text(base) + ("\n" + block) * repeats)
    assert "keyword_stuffing" in stuffed.flags


@given(st.text(max_size=400))
def test_any_text_gives_fits_between_0_and_100(matcher: Matcher, text: str) -> None:
    assessment = matcher.assess(text)
    assert all(0.0 <= f.fit <= 100.0 for f in assessment.fits)
    assert not re.search(r"nan", str(assessment.to_dict()))
