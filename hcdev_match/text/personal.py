"""What in a CV is a person rather than their work: the one heuristic for names.

Reading (the canonicaliser skips a name line, so a surname such as Swift is
never read as a skill) and blind review (redaction.py hides the name) ask
the same question here, so they can never disagree about what a name is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence, Set

from .tokenizer import ADDRESS_RE, tokenize

__all__ = [
    "ADDRESS_RE",
    "HEADING_WORDS",
    "HEAD_LINES",
    "TITLES",
    "find_name_line",
    "header_name",
    "is_document_heading",
    "looks_like_name",
]

TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof")
# Lower-case particles inside a name: "Lucas Ferreira da Silva", "Anna van der Berg".
_PARTICLES = frozenset({"da", "de", "del", "della", "der", "di", "du", "la", "le", "van", "von", "bin", "al", "el"})
# Words of job titles and CV headings: a line holding one is not a name. Short words that are also
# names ("Ai", "Qa") are left out: "Ai Nakamura" is a name, and its "Ai" must never be read as AI.
HEADING_WORDS = frozenset(
    {
        "developer", "engineer", "senior", "junior", "lead", "principal", "staff", "software", "data",
        "scientist", "analyst", "architect", "manager", "consultant", "nurse", "pharmacist", "physician",
        "designer", "administrator", "specialist", "officer", "director", "head", "intern", "programmer",
        "tester", "technician", "technologist", "assistant", "associate", "coordinator", "representative",
        "executive", "worker", "practitioner", "therapist", "researcher", "fellow", "professor", "lecturer",
        "student", "graduate", "founder", "owner", "freelance", "freelancer", "contractor", "doctor",
        "medical", "clinical", "health", "healthcare", "care", "home", "record", "records", "support",
        "informatics", "nursing", "registered", "full", "stack", "frontend", "backend", "web", "mobile", "ios",
        "android", "cloud", "devops", "machine", "learning", "systems", "product",
        "summary", "curriculum", "vitae", "resume", "résumé", "cv", "profile", "portfolio", "experience",
        "education", "skills", "contact", "objective", "projects", "publications", "references",
        "certifications", "languages", "professional", "technical", "personal", "details", "about",
        "work", "employment", "history", "corporation", "company", "inc", "ltd", "llc", "gmbh", "plc",
        "hospital", "university", "college", "school", "institute", "trust", "group", "labs", "solutions",
        "technologies", "consulting", "services", "partners",
    }
)  # fmt: skip
# Where a header line's name part ends: "Jane Doe | Senior Developer", "Jane Doe - Engineer", "Jane Doe (she/her)".
_HEADER_SPLIT = re.compile(r"\s*(?:[|•·,;(\[]|\s[-–—]\s)\s*")
_MARKUP = " \t#*_>"  # Markdown around a heading: "# Jane Doe", "**Jane Doe**"
HEAD_LINES = 8  # a CV's name and contact details come in its first lines


def looks_like_name(line: str, *, not_name_words: Set[str] = frozenset()) -> bool:
    """True when ``line`` is only a person's name: one to four capitalised words
    (with name particles between them), none of them a job-title or heading word."""
    words = line.strip(_MARKUP).split()
    if not words or len([w for w in words if w not in _PARTICLES]) > 4:
        return False
    for i, word in enumerate(words):
        if 0 < i < len(words) - 1 and word in _PARTICLES:
            continue
        bare = word.replace("-", "").replace("'", "").replace(".", "").replace("\u2019", "").strip('"')
        if not (bare.isalpha() and word.lstrip('"')[:1].isupper()):
            return False
    tokens = tokenize(line.lower())
    return not any(token in HEADING_WORDS or token in not_name_words for token in tokens)


def is_document_heading(line: str) -> bool:
    """A CV's title line ("Curriculum Vitae", "RESUME", "CV"), never a name."""
    tokens = tokenize(line.strip(_MARKUP).lower())
    return bool(tokens) and all(t in {"curriculum", "vitae", "resume", "résumé", "cv", "of"} for t in tokens)


def header_name(line: str, *, not_name_words: Set[str] = frozenset()) -> str | None:
    """The name at the start of a CV's header line, or None.

    "Jane Doe" comes out of "Jane Doe", "Dr. Jane Doe, MSc", "Jane Doe | Senior
    Developer", "JANE DOE - Nurse Informaticist" and "Jane Doe (she/her)"; what
    follows the name (a title, the work) is not part of it.
    """
    bare = line.strip(_MARKUP)
    if looks_like_name(bare, not_name_words=not_name_words):
        head = bare
    else:
        parts = _HEADER_SPLIT.split(bare, maxsplit=1)
        head = parts[0].strip(_MARKUP)
        if len(parts) < 2 or not looks_like_name(head, not_name_words=not_name_words):
            return None
    if len(head.split()) < 2:
        return None  # one word ("Portfolio", a logo) is too often not a name to hide
    words = head.split()
    while words and words[0].rstrip(".") in TITLES:
        words = words[1:]
    return " ".join(words) or None


def find_name_line(lines: Sequence[str], *, not_name_words: Set[str] = frozenset()) -> tuple[int, str] | None:
    """Where a CV names its author: the index of the line and the name, or None.

    The name is looked for in the first lines, past empty lines, titles such as
    "Curriculum Vitae" and job-title lines ("Senior Developer"); any other line
    ends the search.
    """
    for number, line in enumerate(lines[:HEAD_LINES]):
        if not line.strip() or is_document_heading(line):
            continue
        name = header_name(line.strip(), not_name_words=not_name_words)
        if name:
            return number, name
        tokens = tokenize(line.lower())
        if len(tokens) > 8 or not any(t in HEADING_WORDS or t in not_name_words for t in tokens):
            return None
    return None
