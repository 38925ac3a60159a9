"""The catalogue's phrases as a look-up table: what the canonicaliser searches a text for.

Every catalogue phrase (a skill alias, a role keyword, a signal phrase, a
boilerplate phrase to ignore) is a word n-gram, stored with its plural;
case-sensitive short aliases ("C", "Go", "AI") are matched by one regex.
Built once per catalogue.
"""

from __future__ import annotations

import re

from ..catalogue.model import Catalogue
from .tokenizer import tokenize_phrase

__all__ = ["EOL", "IGNORED", "PhraseTable"]

IGNORED = ""  # table value of a boilerplate phrase: consumed, emits nothing
# Lines are joined with this word between them, so that line ends survive
# tokenising as tokens of their own and no phrase runs across lines.
EOL = "zzeolzz"
# An exact alias as short as "C", "R" or "Go" counts only in a list context
# ("Languages: C, Go"), so that an initial ("Jane C. Smith") or a sentence
# starting with "Go" does not read as a language.
_LIST_BEFORE = frozenset(",;/|(:")
_LIST_AFTER = frozenset(",;/|)")


class PhraseTable:
    """Phrase -> term, indexed by first and second word; exact aliases as one regex."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.skill_ids = frozenset(catalogue.skills)
        table: dict[str, str] = {}

        def add(tokens: tuple[str, ...], term: str) -> None:
            for variant in _inflections(tokens):
                table.setdefault(" ".join(variant), term)

        # Skills first: a keyword or signal equal to a skill alias is that skill.
        for skill in catalogue.skills.values():
            for alias in skill.aliases:
                add(tokenize_phrase(alias), skill.id)
        for phrase in catalogue.ignore:
            add(tokenize_phrase(phrase), IGNORED)
        phrases = [kw for role in catalogue.roles.values() for kw in role.keywords]
        phrases += list(catalogue.software_signals) + list(catalogue.healthcare_signals)
        phrases += list(catalogue.practice_signals)
        for phrase in phrases:
            tokens = tokenize_phrase(phrase)
            add(tokens, " ".join(tokens))
        self.table = table
        # The tokens a phrase can start at, and line ends, which are visited too.
        self.visited = frozenset({*(key.partition(" ")[0] for key in table), EOL})
        # Words of role keywords and signal phrases ("Engineer", "Developer",
        # "Clinical"): a first line with one of them is a title, not a name.
        self.title_words = frozenset(
            token
            for phrase in phrases
            for token in tokenize_phrase(phrase)
            if table.get(" ".join(tokenize_phrase(phrase))) not in self.skill_ids
        )
        # A two-level index over phrase starts: first word -> (its one-word
        # term, {second word -> (two-word term, longer sizes)}), so most
        # phrases are found without building a string.
        self.starts: dict[str, tuple[str | None, dict[str, tuple[str | None, list[int]]]]] = {}
        for key in table:
            words = key.split(" ")
            one, seconds = self.starts.setdefault(words[0], (table.get(words[0]), {}))
            if len(words) > 1:
                two, longer = seconds.setdefault(words[1], (table.get(" ".join(words[:2])), []))
                if len(words) > 2 and len(words) not in longer:
                    longer.append(len(words))
                    longer.sort(reverse=True)

        exact: dict[str, str] = {}
        for skill in catalogue.skills.values():
            for alias in skill.exact:
                exact[alias] = skill.id
        self.exact = exact
        self.exact_sizes = {alias: len(tokenize_phrase(alias)) for alias in exact}
        # No lookbehind in front: a pattern that starts with literal
        # alternatives lets the regex engine skip ahead by first character,
        # which is most of its speed. The preceding character is checked after.
        self.exact_re = (
            re.compile("(" + "|".join(re.escape(a) for a in sorted(exact, key=len, reverse=True)) + r")(?![\w+#]|-\w)")
            if exact
            else None
        )

    @property
    def terms(self) -> frozenset[str]:
        """Every term a text can yield."""
        return frozenset(v for v in self.table.values() if v != IGNORED) | frozenset(self.exact.values())

    def exact_by_line(self, body: str) -> dict[int, list[tuple[str, int]]]:
        """Case-sensitive alias matches, grouped by line number."""
        assert self.exact_re is not None
        out: dict[int, list[tuple[str, int]]] = {}
        line_no = counted_to = 0
        for m in self.exact_re.finditer(body):
            start = m.start()
            if start > 0 and (body[start - 1].isalnum() or body[start - 1] in "._+#-"):
                continue  # the end of a longer word
            line_no += body.count("\n", counted_to, start)
            counted_to = start
            alias = m.group(1)
            if len(alias) == 1 or (len(alias) == 2 and not alias.isupper()):
                line_begin = body.rfind("\n", 0, start) + 1
                line_end = body.find("\n", m.end())
                before = body[line_begin:start].rstrip()[-1:]
                after = body[m.end() : None if line_end == -1 else line_end].lstrip()[:1]
                if not (before and before in _LIST_BEFORE) and not (after and after in _LIST_AFTER):
                    continue
            out.setdefault(line_no, []).append((self.exact[alias], self.exact_sizes[alias]))
        return out

    def phrases_of(self, term: str) -> list[str]:
        """The table keys (token strings) that produce ``term``."""
        return [key for key, value in self.table.items() if value == term]

    def exact_aliases_of(self, term: str) -> list[str]:
        """The case-sensitive aliases ("Go", "R") that produce ``term``."""
        return [alias for alias, value in self.exact.items() if value == term]


def _inflections(tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The phrase itself and its plural (last word), so "API" also finds "APIs"."""
    if not tokens:
        return []
    out = [tokens]
    last = tokens[-1]
    if last.isalpha() and len(last) > 2 and not last.endswith("s"):
        if last.endswith("y") and last[-2] not in "aeiou":
            out.append(tokens[:-1] + (last[:-1] + "ies",))
        else:
            out.append(tokens[:-1] + (last + "s",))
    return out
