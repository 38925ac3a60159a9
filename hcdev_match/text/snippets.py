"""Snippets: the passage of a text that shows a matched skill, cut at word boundaries.

The passage is found with the skill's own phrases (its catalogue aliases as
written, and the phrase table's keys with any punctuation between words),
so every snippet shown contains one of them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the canonicaliser finds its snippets here: no import cycle at run time
    from .canonicaliser import Canonicaliser

__all__ = ["find_snippet", "snippet_pattern"]


def find_snippet(canon: Canonicaliser, text: str, term: str, *, context: int) -> str:
    """The first passage of ``text`` that mentions ``term`` with ``context`` characters around it, or ""."""
    pattern = snippet_pattern(canon, term)
    match = pattern.search(text) if pattern is not None else None
    if match is None:
        return ""
    start, end = _word_edges(text, max(0, match.start() - context), min(len(text), match.end() + context), match)
    snippet = " ".join(text[start:end].split())
    return ("… " if start > 0 else "") + snippet + (" …" if end < len(text) else "")


@lru_cache(maxsize=4096)
def snippet_pattern(canon: Canonicaliser, term: str) -> re.Pattern[str] | None:
    """The regular expression that finds a mention of ``term`` (None for a term with no phrase)."""
    # Built lazily, only for terms that are shown: most terms never are.
    parts = [r"\W+".join(re.escape(tok) for tok in key.split(" ")) for key in canon.phrases_of(term)]
    # Aliases as written too: "C++", "C#" and ".NET" are folded to words before
    # tokenising, so their table keys ("cplusplus") never occur in the text.
    skill = canon.catalogue.skills.get(term)
    parts += [r"\s+".join(re.escape(w) for w in alias.split()) for alias in (skill.aliases if skill else ())]
    insensitive = "|".join(sorted(parts, key=len, reverse=True))
    alternatives = [f"(?i:{insensitive})"] if insensitive else []
    alternatives += [re.escape(a) for a in canon.exact_aliases_of(term)]
    if not alternatives:
        return None
    return re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives) + r")(?![^\W_])")


def _word_edges(text: str, start: int, end: int, match: re.Match[str]) -> tuple[int, int]:
    """Move a window's edges to white space so that no word is cut: inwards where the
    match leaves room, else outwards."""
    if start > 0 and not text[start - 1].isspace():
        inner = re.search(r"\s", text[start : match.start()])
        if inner:
            start += inner.end()
        else:
            while start > 0 and not text[start - 1].isspace():
                start -= 1
    if end < len(text) and not text[end].isspace():
        last = max(text[match.end() : end].rfind(c) for c in " \n\t\r")
        if last != -1:
            end = match.end() + last
        else:
            while end < len(text) and not text[end].isspace():
                end += 1
    return start, end
