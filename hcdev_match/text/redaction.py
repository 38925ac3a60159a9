"""Blind review: personal details masked in what a reviewer sees.

Masking is for display only and runs after scoring, on what is shown (the
text, the snippets, file names): scores are computed from the unmasked text
(see ranking.py), so blind review cannot change a fit. What is masked is a
person, not their work: a name, contact details, an address, a birth date
or an age, pronouns and gender, a photo caption. Year ranges, work lines
that start like a label ("Image analysis ...", "Mobile: iOS, Android") and
standards numbers stay.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Set

from .personal import ADDRESS_RE, HEAD_LINES, TITLES, find_name_line

__all__ = ["MASK", "mask_file_names", "mask_personal_details"]

MASK = "[hidden]"

# A segment is a line or a part of it between "|", "•", "·" or ";" (header lines list fields that way).
_START = r"(?:^|(?<=[|•·;,]))[ \t]*(?:[-*•][ \t]*)?"
_END = r"[ \t]*(?=$|[|•·;,])"
_DATE = (
    r"(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|(?:19|20)\d\d-\d\d-\d\d"
    r"|\d{1,2}(?:st|nd|rd|th)?\.?\s+[A-Za-z]{3,9}\.?,?\s+\d{4}|[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
    r"|(?:19|20)\d\d)"
)
# "Label: value" fields whose value is personal whatever it says.
_FIELD = re.compile(
    r"(?:^|(?<=[|•·;]))([ \t]*(?:[-*•][ \t]*)?(?:full name|candidate name|name|date of birth|d\.?o\.?b\.?|"
    r"birth ?date|birthday|place of birth|born|age|home address|postal address|address|gender|sex|pronouns|"
    r"nationality|citizenship|marital status|civil status|religion|ethnicity|photo|picture|headshot|e-?mail)"
    r"[ \t]*(?:[:：]|[ \t][-–][ \t])[ \t]*)([^|•·;\n]+)",
    re.I | re.M,
)
# Contact fields: masked only when the value has the shape of what the label names, so that
# "Mobile: iOS, Android" or "GitHub: Actions, Copilot" (work) stays.
_PHONE_FIELD = re.compile(
    r"\b((?:phone|mobile|cell|tel|telephone|whatsapp)\.?[ \t]*(?:no\.?|number)?[ \t]*[:：][ \t]*)(\+?[\d ().-]{7,})",
    re.I,
)
_HANDLE_FIELD = re.compile(
    r"\b((?:linkedin|github|gitlab|twitter|x|skype|telegram|website|homepage|portfolio|blog)[ \t]*[:：][ \t]*)"
    r"(@?[\w./-]+)(?=[ \t]*(?:$|[|•·;]))",
    re.I | re.M,
)
_BIRTH = re.compile(
    rf"\b(?i:d\.?o\.?b\.?|date of birth|born(?:[ \t]+(?:on|in))?)[ \t]+(?i:{_DATE})\b"
    r"|\b(?i:born(?:[ \t]+and[ \t]+raised)?[ \t]+in)[ \t]+[A-Z][\w'-]*(?:,?[ \t]+[A-Z][\w'-]*){0,3}",
)
_AGE = re.compile(
    rf"{_START}(?:age[ \t]+\d{{1,3}}(?:[ \t]+years?(?:[ \t]+old)?)?|\d{{1,3}}[ \t]+years[ \t]+old){_END}", re.I | re.M
)
# "Female" after a comma is a header field ("Jane Doe, Female"); "man" after a comma is more often a list.
_GENDER = re.compile(
    rf"{_START}(?:female|male|non-binary|nonbinary){_END}|(?:^|(?<=[|•·;]))[ \t]*(?:woman|man){_END}", re.I | re.M
)
_PRONOUNS = re.compile(
    r"\(?\b(?:she|he|they|ze|xe)[ \t]*/[ \t]*(?:her|him|them|hers|his|theirs|zir|hir|xem)"
    r"(?:[ \t]*/[ \t]*(?:hers|his|theirs|them|her|him))?\b\)?",
    re.I,
)
_PROFILE = re.compile(
    r"(?<![\w.-])(?:[\w-]+\.)?(?:linkedin\.com|github\.com|gitlab\.com|twitter\.com|x\.com|stackoverflow\.com/users|"
    r"medium\.com)/\S+|(?<![\w.-])[\w.-]+\.github\.io\S*",
    re.I,
)
_HANDLE = re.compile(r"(?<![\w.@])@[A-Za-z0-9_]{2,30}\b")
# Phone numbers need a phone's shape: a country code, a national trunk 0 or the North American
# 3-3-4 groups. "2015 - 2019", "05.2015-07.2019", "IEC 62304" or "ISO 13485:2016" have none.
_PHONE = re.compile(
    r"(?<![\w+/.-])(?:"
    r"(?P<intl>(?:\+|00)[1-9]\d{0,2}(?:[ .-]?\(0\))?(?:[ .-]?\(?\d{1,5}\)?){2,6})"
    r"|(?P<national>\(?0\d{1,4}\)?(?:[ .-]?\d{2,5}){1,4})"
    r"|(?P<nanp>(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4})"
    r")(?![\w/-]|\.\d)"
)
_DIGITS = {"intl": (8, 15), "national": (9, 12), "nanp": (10, 10)}
_DATE_INSIDE = re.compile(r"(?<!\d)\d{1,2}[./](?:19|20)\d\d(?!\d)|(?<!\d)\d{1,2}([./-])\d{1,2}\1\d{2,4}(?!\d)")
_STREET = re.compile(
    r"\b\d{1,5}[A-Za-z]?,?[ \t]+(?:[A-Z][\w'-]*\.?[ \t]+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|"
    r"Boulevard|Blvd|Way|Court|Ct|Place|Pl|Square|Sq|Terrace|Close|Crescent|Gardens|Grove|Parkway|Pkwy)\b\.?"
    r"|(?<![\w-])[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|weg|gasse|platz|allee)[ \t]+\d{1,4}[a-z]?\b"
    r"|\b\d{1,4},?[ \t]+(?:rue|avenue|boulevard|chemin|allée|impasse)[ \t]+\w+"
    r"|\bP\.?[ \t]?O\.?[ \t]+Box[ \t]+\d+",
)
_US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH"
    "|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY"
)
_POSTCODE = re.compile(
    r"\b[A-Z]{1,2}\d{1,2}[A-Z]?[ \t]?\d[A-Z]{2}\b"  # UK
    rf"|,[ \t]*(?:{_US_STATES})[ \t]+\d{{5}}(?:-\d{{4}})?\b"  # US: "Springfield, IL 62704"
    r"|(?:^|(?<=[|•·;,]))[ \t]*(?:\d{5}|(?!(?:19|20)\d\d\b)\d{4}(?:[ \t]?[A-Z]{2})?)[ \t]+[A-Z][\w-]+"
    r"(?:[ \t-][A-Z][\w-]+)?(?=[ \t]*(?:$|[|•·;,]))",  # "10115 Berlin", "1012 AB Amsterdam"
    re.M,
)
_SEGMENTS = re.compile(r"([^|•·;\n]+)")
_PHOTO = re.compile(
    r"^[ \t]*(?:[\[(][ \t]*(?:photo|picture|image|headshot|portrait)\b[^\])\n]*[\])]|photo|picture|headshot|portrait)"
    r"[ \t]*$|!\[[^\]\n]{0,200}\]\([^)\n]{0,2000}\)",
    re.I | re.M,
)
# Name words that are also calendar words: "May" the name must not hide "May 2019".
_CALENDAR = frozenset(
    {
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    }
)  # fmt: skip
# How messages about a file start: "cv.pdf: ...", "Jane Doe.csv, line 3: ...".
_LEADING_FILE = re.compile(r"^[^:\n]*?\.[A-Za-z0-9]{1,5}(?=(?:, line \d+)?: )")
_FILE_NAME = re.compile(
    r"(?<![\w.()\[\]-])\w[\w()\[\]-]*(?:\.[\w()\[\]-]+)*\.(?:zip|csv|pdf|docx?|txt|md|rtf|odt|exe|json|xml)\b", re.I
)


def mask_personal_details(text: str, *, name_words: Iterable[str] = (), work_words: Set[str] = frozenset()) -> str:
    """Hide the person in ``text``: name, contact details, address, birth date, age, gender, photo captions.

    ``name_words`` are known words of the name (besides the one the header
    shows); ``work_words`` (lower case) are never hidden on their own, so a
    surname that is also a skill (Swift, Go) still shows where it is the skill.
    """
    lines = text.split("\n")
    names = [[w for w in name_words if w]]
    head = find_name_line(lines)
    if head is not None:
        number, name = head
        titled = rf"(?:(?:{'|'.join(TITLES)})\.?[ \t]+)*{re.escape(name)}"
        lines[number] = re.sub(titled, MASK, lines[number], count=1)
        names.append(name.split())
    masked = "\n".join(lines)
    for match in _FIELD.finditer(masked):
        if match.group(1).strip(" \t-*•:：–").lower() in {"name", "full name", "candidate name"}:
            names.append(match.group(2).split())
    masked = _FIELD.sub(lambda m: m.group(1) + MASK, masked)
    masked = _PHONE_FIELD.sub(lambda m: m.group(1) + MASK if _digits(m.group(2)) >= 7 else m.group(), masked)
    masked = _HANDLE_FIELD.sub(lambda m: m.group(1) + MASK, masked)
    masked = _BIRTH.sub(MASK, masked)
    masked = _AGE.sub(lambda m: _keep_space(m.group(), MASK), masked)
    masked = _GENDER.sub(lambda m: _keep_space(m.group(), MASK), masked)
    masked = _PRONOUNS.sub(MASK, masked)
    masked = _PHOTO.sub(MASK, masked)
    masked = ADDRESS_RE.sub(_address, masked)
    masked = _PROFILE.sub(MASK, masked)
    masked = _mask_head_handles(masked)
    masked = _PHONE.sub(_phone, masked)
    masked = _SEGMENTS.sub(_address_segment, masked)
    for words in names:
        masked = _mask_name(masked, words, work_words)
    return masked


def mask_file_names(message: str, names: Iterable[str], *, label: str) -> str:
    """``message`` with its file names replaced by ``label``: file names often carry the candidate's name.

    Hidden are the ``names`` given (and each part of a ZIP path, with or without its extension), the
    file a message starts with ("Jane Doe.csv, line 3: ..."), any other word that ends like a file
    name, and what mask_personal_details() hides.
    """
    parts: set[str] = set()
    for name in names:
        parts.add(name)
        for part in re.split(r"[/\\]", name):
            parts.update({part, part.rsplit(".", 1)[0]})
    for part in sorted((p for p in parts if len(p.strip()) > 1), key=len, reverse=True):
        message = re.sub(re.escape(part), label, message, flags=re.I)
    message = _LEADING_FILE.sub(label, message, count=1)
    message = _FILE_NAME.sub(label, message)
    return mask_personal_details(message)


def _mask_head_handles(text: str) -> str:
    # A bare "@handle" is a handle only on a short line of the header ("@Override" in a sentence is not).
    lines = text.split("\n")
    lines[:HEAD_LINES] = [_HANDLE.sub(MASK, line) if len(line.split()) <= 4 else line for line in lines[:HEAD_LINES]]
    return "\n".join(lines)


def _address(match: re.Match[str]) -> str:
    # A web address ends before the punctuation that closes its sentence or its Markdown link.
    found = match.group()
    kept = found.rstrip(").,;:!?'\"]>")
    return MASK + found[len(kept) :]


def _phone(match: re.Match[str]) -> str:
    found = match.group()
    low, high = _DIGITS[match.lastgroup or "intl"]
    if not low <= _digits(found) <= high or _DATE_INSIDE.search(found):
        return found
    return MASK


def _address_segment(match: re.Match[str]) -> str:
    segment = match.group()
    if not (_STREET.search(segment) or _POSTCODE.search(segment)):
        return segment
    if len(segment.split()) > 10:  # a sentence that mentions an address: only the address goes
        return _POSTCODE.sub(MASK, _STREET.sub(MASK, segment))
    return _keep_space(segment, MASK)


def _mask_name(text: str, name: list[str], work_words: Set[str]) -> str:
    """Hide the later mentions of one name: in full, as title and surname, as a citation, the surname alone."""
    words = [w.strip(",.()\"'") for w in name]
    words = [w for w in words if len(w) > 1 and w.rstrip(".") not in TITLES]
    if not words:
        return text
    whole = r"[ \t]+".join(re.escape(w) for w in words)
    text = re.sub(rf"(?<!\w){whole}(?!\w)", MASK, text, flags=re.I)
    surname = re.escape(words[-1])
    for title in TITLES:
        text = re.sub(rf"\b{title}\.?[ \t]+{surname}(?!\w)", MASK, text)
    if len(words) < 2:
        return text
    initial = re.escape(words[0][0])  # as a publication list cites it: "Doe, J." and "J. Doe"
    text = re.sub(rf"(?<!\w){surname},?[ \t]+{initial}\.|\b{initial}\.[ \t]+{surname}(?!\w)", MASK, text)
    # The surname alone ("the Doe lab"), unless it is also a word of the work (Swift) or of a date
    # (May). A first name alone is too often part of something else (a university named after
    # someone) to hide everywhere.
    last = words[-1]
    if last.lower() not in work_words and last.lower() not in _CALENDAR:
        for form in {last, last.upper()}:
            text = re.sub(rf"(?<!\w){re.escape(form)}(?!\w)", MASK, text)
    return text


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def _keep_space(original: str, replacement: str) -> str:
    """``replacement`` with the whitespace around ``original`` kept."""
    stripped = original.strip()
    if not stripped:
        return original
    start = original.index(stripped[0])
    return original[:start] + replacement + original[start + len(stripped) :]
