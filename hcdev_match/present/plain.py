"""Text from a CV shown as plain words: the Markdown it was written in taken out, its words kept."""

from __future__ import annotations

import re

__all__ = ["plain_words"]

# What a CV written in Markdown (a .md file, a pasted README) carries: headings,
# list and quote marks at a line's start, emphasis and code marks, links
# (their text kept). Marks inside words (snake_case, a*b, C#, C++) stay.
_LINE_MARKS = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+|[-*+>][ \t]+|\d{1,3}[.)][ \t]+)+", re.M)
_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\s]*\)")
_EMPHASIS = re.compile(r"(?<![\w*_~`])(\*\*|__|\*|_|~~|`+)(?=\S)|(?<=\S)(\*\*|__|\*|_|~~|`+)(?![\w*_~`])")
# A list item joined onto its line in a snippet: " - Built" after a sentence.
_JOINED_ITEM = re.compile(r"(?<=[.;:)])\s+[-*+]\s+(?=\S)")


def plain_words(text: str) -> str:
    """``text`` with its Markdown marks taken out and its white space made single spaces."""
    text = _EMPHASIS.sub("", _LINK.sub(r"\1", _LINE_MARKS.sub("", text)))
    return " ".join(_JOINED_ITEM.sub(" ", text).split())
