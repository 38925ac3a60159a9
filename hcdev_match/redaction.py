"""Blind review: personal details masked in what a reviewer sees.

Masking is for display only: scores come from catalogue terms, which never
include names, contact details or birth dates (see canonicaliser.py), so a
masked and an unmasked CV score the same.
"""

from __future__ import annotations

import re

__all__ = ["MASK", "mask_personal_details"]

MASK = "[hidden]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_PHONE = re.compile(r"(?<![\w])(?:\+?\d[\d\s().-]{6,}\d)(?![\w])")
_LABELLED = re.compile(
    r"^(\s*(?:[-*•]\s*)?(?:name|full name|date of birth|dob|born|birth ?date|age|address|home address|"
    r"gender|sex|nationality|marital status|religion|photo|picture|image|phone|mobile|tel|telephone|e-?mail|"
    r"linkedin|github)\s*[:\-–]\s*)(.+)$",
    re.I | re.M,
)
_STREET = re.compile(
    r"\b\d{1,5}\s+(?:[A-Z][a-z]+\s){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct)"
    r"\b\.?",
)
_PHOTO = re.compile(r"^\s*[\[(]?(?:photo|picture|image|headshot)\b.*$", re.I | re.M)


def mask_personal_details(text: str, *, name_words: tuple[str, ...] = ()) -> str:
    """Hide names, e-mail addresses, phone numbers, addresses, birth dates and photo captions."""
    masked = _LABELLED.sub(lambda m: m.group(1) + MASK, text)
    masked = _PHOTO.sub(MASK, masked)
    masked = _EMAIL.sub(MASK, masked)
    masked = _URL.sub(MASK, masked)
    masked = _PHONE.sub(lambda m: MASK if sum(c.isdigit() for c in m.group()) >= 7 else m.group(), masked)
    masked = _STREET.sub(MASK, masked)
    lines = masked.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    words = list(name_words)
    if first is not None and _looks_like_name(lines[first]):
        words += lines[first].split()
        lines[first] = MASK
    masked = "\n".join(lines)
    for word in {w.strip(",.") for w in words if len(w.strip(",.")) > 1}:
        masked = re.sub(rf"\b{re.escape(word)}\b", MASK, masked)
    return masked


def _looks_like_name(line: str) -> bool:
    words = line.split()
    if not 2 <= len(words) <= 4:
        return False
    return all(
        w[0].isupper() and w.replace("-", "").replace("'", "").replace(".", "").isalpha() for w in words
    ) and not any(w.lower() in _TITLE_WORDS for w in words)


# Words that make a first line a job title rather than a name.
_TITLE_WORDS = frozenset(
    {
        "developer", "engineer", "senior", "junior", "lead", "principal", "staff", "software", "data",
        "scientist", "analyst", "architect", "manager", "consultant", "nurse", "pharmacist", "physician",
        "designer", "administrator", "specialist", "officer", "director", "head", "intern", "summary",
        "curriculum", "vitae", "resume", "profile",
    }
)  # fmt: skip
