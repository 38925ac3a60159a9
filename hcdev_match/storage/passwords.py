"""The password rule: refuse the trivial and the common, say why.

Checked when an account is created and when its password changes (never at
sign-in, so a rule made stricter later locks nobody out). The blocklist is
shipped here, not fetched: the passwords and base words that lead every
published list of leaked passwords, compared after folding case, spaces,
punctuation and the digits people append.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from pathlib import Path

from ..errors import AccountError

__all__ = ["BLOCKLIST", "MIN_PASSWORD", "check_password"]

#: Characters a password needs, not counting spaces at either end.
MIN_PASSWORD = 12
#: No single character may make up more than this share of a password.
MAX_ONE_CHARACTER_SHARE = 0.5
#: Different characters a password needs at least ("abababababab" has two).
MIN_DISTINCT = 5

BLOCKLIST = Path(__file__).with_name("common_passwords.txt")
_SEPARATORS = re.compile(r"[\W_]+")
_AFFIXES = re.compile(r"^[\d\W_]*(.*?)[\d\W_]*$")


def check_password(password: str, *, name: str = "") -> None:
    """Raise AccountError, saying what to change, unless ``password`` follows the rule."""
    core = password.strip()
    if not core:
        raise AccountError("the password is empty or only spaces; choose a phrase of several words")
    if len(core) < MIN_PASSWORD:
        raise AccountError(
            f"the password has {len(core)} characters (spaces at either end not counted); "
            f"use at least {MIN_PASSWORD}, for example a phrase of several words"
        )
    folded = core.casefold()
    counts = Counter(c for c in folded if not c.isspace())
    top = counts.most_common(1)[0][1] if counts else 0
    if len(counts) < MIN_DISTINCT or top > MAX_ONE_CHARACTER_SHARE * sum(counts.values()):
        raise AccountError(
            "the password is mostly one character or a short pattern repeated; choose a phrase of several words"
        )
    plain = _SEPARATORS.sub("", folded)
    own = _SEPARATORS.sub("", name.casefold())
    if own and len(plain.replace(own, "")) < MIN_PASSWORD // 2:
        raise AccountError("the password is mostly the user name; choose one that is not")
    words, passwords = _blocklist()
    if plain in passwords or _is_common_word(plain, words):
        raise AccountError("the password is one of the most common passwords; choose a phrase of several words")


@functools.cache
def _blocklist() -> tuple[frozenset[str], frozenset[str]]:
    """The shipped blocklist's base words and whole passwords."""
    sections: dict[str, set[str]] = {"words": set(), "passwords": set()}
    section = "words"
    for line in BLOCKLIST.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif line and not line.startswith("#"):
            sections[section].add(line.casefold())
    return frozenset(sections["words"]), frozenset(sections["passwords"])


def _is_common_word(plain: str, words: frozenset[str]) -> bool:
    """A common base word, alone, repeated, or with digits or punctuation around it."""
    match = _AFFIXES.match(plain)
    stem = match.group(1) if match else plain
    if stem in words or not stem:
        return True
    # "passwordpassword", "adminadminadmin": one common word repeated.
    for size in range(3, len(stem) // 2 + 1):
        if len(stem) % size == 0 and stem[:size] * (len(stem) // size) == stem and stem[:size] in words:
            return True
    return False
