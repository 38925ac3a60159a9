"""How text is cut into word tokens, the same way for CVs and catalogue phrases."""

from __future__ import annotations

import re

__all__ = ["ADDRESS_RE", "fold_symbols", "tokenize", "tokenize_phrase"]

# Tokens are runs of letters, digits and "_"; punctuation separates them, so
# "x-ray", "x ray" and "X/Ray" all give ("x", "ray"). The few names whose
# symbols matter are folded to words first (fold_symbols). Splitting is
# str.translate (punctuation to spaces) and str.split, both loops in C:
# twice as fast as a regex, and tokenising is most of the cost of a CV.
_PUNCTUATION = "".join(chr(c) for c in range(128) if not chr(c).isalnum() and chr(c) != "_")
_SEPARATORS = str.maketrans(
    {
        **{ord(c): " " for c in _PUNCTUATION},
        **{ord(c): " " for c in "\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u00b7\u2026\u2212\u00ae\u2122"},
    }
)

# Web addresses and e-mail addresses are not prose: they repeat a title's
# words (job-board URLs) or carry a person's name (e-mail), so they are
# removed before a line is read. An e-mail address starts where a run of its
# characters starts (the lookbehind): otherwise a long run without an "@" is
# scanned again from each of its characters, quadratic time.
ADDRESS_RE = re.compile(r"(?:https?://|www\.)\S+|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)


def fold_symbols(lowered: str) -> str:
    """Spell C++, C#, F# and .NET as words so that tokenising keeps them."""
    # One scan per symbol character, a replace only when it occurs.
    if "+" in lowered:
        lowered = lowered.replace("c++", "cplusplus ")
    if "#" in lowered:
        lowered = lowered.replace("c#", "csharp ").replace("f#", "fsharp ")
    if ".net" in lowered:
        lowered = lowered.replace(".net", " dotnet ")
    return lowered


def tokenize(lowered: str) -> list[str]:
    """Split lower-cased text into word tokens."""
    return fold_symbols(lowered).translate(_SEPARATORS).split()


def tokenize_phrase(phrase: str) -> tuple[str, ...]:
    """Return the lower-case tokens of a catalogue phrase."""
    return tuple(tokenize(phrase.lower()))
