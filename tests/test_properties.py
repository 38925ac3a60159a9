"""Properties that must hold for any text (hypothesis)."""

from __future__ import annotations

import re

from hypothesis import assume, given
from hypothesis import strategies as st

from hcdev_match.documents.intake import read_batch
from hcdev_match.scoring.matcher import Matcher
from hcdev_match.text.redaction import MASK, mask_personal_details
from hcdev_match.workflows.ranking import Ranking

from .conftest import SAMPLES

BASES = sorted(p.stem for p in SAMPLES.glob("*.txt"))
# Real names, including ones that are also technology words.
FIRST = ["Jane", "John", "Aisha", "Wei", "Maria", "Olu", "Sam", "Taylor", "Priya", "Jonathan", "Ai"]
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


HEADER_SHAPES = [
    "{first} {last}",
    "{first} {last}, MSc",
    "{first} {last} | Senior Developer",
    "{first} {last} - Clinical Data Engineer",
    "Curriculum Vitae\n\n{first} {last}",
    "RESUME\n{FIRST} {LAST}",
    "Name: {title} {first} {last}",
    "{first} {last} (she/her)",
    "{title}. {first} {last}",
    "# {first} {last}",
    "Senior Developer\n{first} {last}",
]
PERSONAL_LINES = [
    "Age {age}",
    "Age: {age}",
    "DOB {day:02d}/{month:02d}/{year}",
    "Date of birth: {day:02d}/{month:02d}/{year}",
    "Born {year}",
    "Pronouns: {he}/{him}",
    "{first_lower}.{last_lower}@example.com | +44 7700 9{serial:05d}",
    "({area}) 555-{serial4:04d}",
    "linkedin.com/in/{first_lower}-{last_lower}",
]
WORK_LINES = [
    "{y1} - {y2} Software engineer at a hospital trust",
    "{m1:02d}/{y1} - {m2:02d}/{y2}: HL7 v2 and FHIR R4 interfaces for an EHR",
    "{m1:02d}.{y1}-{m2:02d}.{y2} Developer, radiology PACS integrations with DICOM",
    "Image analysis and segmentation pipelines for CT in Python",
    "Images: DICOM and NIfTI, {n} studies a day",
    "Mobile: iOS, Android",
    "IEC 62304 and ISO 13485:{y2} documentation for a Class II device",
    "Reduced report turnaround by {n}% for {n},{serial:03d} patients",
    "Patients aged {age} and over, triaged by a clinical decision support rule engine",
]


def _fill(template: str, v: dict) -> str:
    return template.format(**v)


@given(
    base=st.sampled_from(BASES),
    shape=st.sampled_from(HEADER_SHAPES),
    title=st.sampled_from(["Mr", "Ms", "Dr", "Mx"]),
    a=st.tuples(st.sampled_from(FIRST), st.sampled_from(LAST)),
    b=st.tuples(st.sampled_from(FIRST), st.sampled_from(LAST)),
)
def test_no_header_shape_lets_a_name_change_a_fit(
    matcher: Matcher, base: str, shape: str, title: str, a: tuple[str, str], b: tuple[str, str]
) -> None:
    body = "\n" + _text(base).split("\n\n", 1)[1]  # the sample without its own header
    names = [{"first": f, "last": n, "FIRST": f.upper(), "LAST": n.upper(), "title": title} for f, n in (a, b)]
    assert _fits(matcher, _fill(shape, names[0]) + body) == _fits(matcher, _fill(shape, names[1]) + body)


@given(
    first=st.sampled_from(FIRST),
    last=st.sampled_from(LAST),
    pronouns=st.sampled_from(PRONOUNS),
    title=st.sampled_from(["Mr", "Ms", "Dr", "Mx"]),
    shape=st.sampled_from(HEADER_SHAPES),
    personal=st.lists(st.sampled_from(PERSONAL_LINES), min_size=1, max_size=4, unique=True),
    work=st.lists(st.sampled_from(WORK_LINES), min_size=1, max_size=6),
    age=st.integers(18, 80),
    day=st.integers(1, 28),
    month=st.integers(1, 12),
    y1=st.integers(1990, 2020),
    span=st.integers(0, 6),
    n=st.integers(2, 99),
    serial=st.integers(0, 99_999),
    base=st.sampled_from(BASES),
)
def test_blind_review_hides_the_person_keeps_the_work_and_moves_no_score(
    matcher: Matcher, first: str, last: str, pronouns: tuple[str, str, str], title: str, shape: str,
    personal: list[str], work: list[str], age: int, day: int, month: int, y1: int, span: int, n: int,
    serial: int, base: str,
) -> None:  # fmt: skip
    values = {
        "first": first, "last": last, "FIRST": first.upper(), "LAST": last.upper(), "title": title,
        "first_lower": first.lower(), "last_lower": last.lower().replace("'", ""), "age": age, "day": day,
        "month": month, "year": 2024 - age, "he": pronouns[0], "him": pronouns[1], "serial": serial,
        "serial4": serial % 10_000, "area": 200 + serial % 800, "y1": y1, "y2": y1 + span, "m1": month,
        "m2": 13 - month, "n": n,
    }  # fmt: skip
    header = "\n".join([_fill(shape, values)] + [_fill(line, values) for line in personal])
    # The sample's work: all of it after its own header (name and contact lines, up to the first blank line).
    body = "\n".join(_fill(line, values) for line in work) + "\n\n" + _text(base).split("\n\n", 1)[1]
    ranking = Ranking(matcher, read_batch([(f"{first}-{last}-cv.txt", (header + "\n" + body).encode())]).items)
    blind, shown = ranking.explain("C001", blind=True), ranking.explain("C001", blind=False)
    assert blind.text.endswith(body)  # every work line kept, dates and all
    head = blind.text[: -len(body)]
    for secret in (first, last, str(2024 - age), f"{serial:05d}"):
        assert not re.search(rf"(?<!\w){re.escape(secret)}(?!\w)", head, re.I), (secret, head)
    row = ranking.table(roles=list(matcher.roles)).iloc[0]
    assert [(f.role, f.fit, f.terms, f.missing) for f in blind.assessment.fits] == [
        (f.role, f.fit, f.terms, f.missing) for f in shown.assessment.fits
    ]
    assert [[(m.skill, m.strength) for m in f.matched] for f in blind.assessment.fits] == [
        [(m.skill, m.strength) for m in f.matched] for f in shown.assessment.fits
    ]
    assert all(round(f.fit, 1) == row[f.role] for f in blind.assessment.fits)
    assert first not in blind.source and last not in blind.source


# Work lines that start with a word a careless rule reads as a label (photo caption, age, address).
LABEL_LIKE = ["Image analysis", "Images and", "Imaging", "Picture archiving", "Age-related", "Born-digital",
              "Gender-affirming", "Name matching", "Address validation", "Mobile apps", "Phone triage"]  # fmt: skip


@given(
    starts=st.lists(st.sampled_from(LABEL_LIKE), min_size=1, max_size=5),
    tails=st.lists(st.text(alphabet="abcdefghijklmnopqrstuvxyz ,.-()", max_size=60), min_size=5, max_size=5),
)
def test_masking_keeps_every_line_that_names_no_person(starts: list[str], tails: list[str]) -> None:
    work = "\n".join(start + tail for start, tail in zip(starts, tails, strict=False)) + "\n"
    assume("github.io" not in work and "x.com" not in work)
    assert mask_personal_details("Zoë Quist\n" + work) == MASK + "\n" + work
