"""Alias canonicalisation: from raw text to the catalogue terms it mentions.

Every catalogue phrase (a skill alias, a role keyword, a signal phrase) is a
word n-gram. The canonicaliser finds them in a text, longest first, and
emits one canonical term per mention: "Electronic Medical Record", "EMR"
and "EHR" all become the term ``ehr``. Only catalogue terms come out, so a
name, a pronoun or a birth year can never reach the vectorizer.

It also does the bookkeeping that makes a text trustworthy to score:
repeated lines count once, and a line that is mostly a list of skills is
marked so that its terms count less than the same terms in a sentence.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from itertools import compress, count

from ..catalogue.model import Catalogue
from ..config import MatchConfig
from .career import weigh_lines
from .personal import TITLES as _TITLES
from .personal import find_name_line, looks_like_name
from .phrases import EOL as _EOL
from .phrases import PhraseTable
from .posting import may_hold_posting, split_posting
from .snippets import find_snippet
from .tokenizer import ADDRESS_RE, tokenize

__all__ = ["Canonicaliser", "TextEvidence"]

# A line starting with one of these holds a person's name, not evidence.
_NAME_LABELS = ("name:", "name -", "full name", "candidate name", "candidate:")
_EOL_JOIN = f" {_EOL} "
# Marks that separate a list's items, and the share of skill words at which
# a line is a list even without them ("Python Java SQL Docker").
_LIST_MARKS = frozenset(",;|/•·:\t")
_BARE_LIST_DENSITY = 0.7
# A term making up this share of a line's words is spam there, not prose.
_SPAM_SHARE = 0.3


@dataclass(frozen=True)
class TextEvidence:
    """What the canonicaliser found in one text."""

    #: Catalogue terms in the order met, one per mention, from prose lines.
    context_terms: tuple[str, ...]
    #: Terms mentioned only in keyword-list lines (and nowhere in prose).
    listed_only: frozenset[str]
    #: Terms from list lines, one per mention.
    listed_terms: tuple[str, ...]
    #: Word tokens in the text after repeated lines were dropped.
    words: int
    #: Lines dropped because they repeat an earlier line.
    duplicate_lines: int
    #: The most mentions any one term got.
    max_repeat: int
    #: Skill mentions that stood in keyword-list lines / all skill mentions.
    listed_share: float
    #: Extra copies of keyword-list lines (a list pasted again and again).
    repeated_list_lines: int = 0
    #: The most mentions one term got within a line that is mostly that term
    #: ("FHIR FHIR FHIR"), or the most copies of a line that names a term.
    max_line_repeat: int = 0
    #: Words of a job posting found pasted into the text, set apart unread.
    posting_words: int = 0
    #: Weight of each mention in ``all_terms`` order: below 1 in older jobs
    #: (see career.py); empty means every mention weighs 1.
    weights: tuple[float, ...] = ()

    @property
    def all_terms(self) -> tuple[str, ...]:
        return self.context_terms + self.listed_terms


class Canonicaliser:
    """Finds catalogue terms in text. Build once per catalogue; thread-safe."""

    def __init__(self, catalogue: Catalogue, config: MatchConfig | None = None) -> None:
        self.catalogue = catalogue
        self.config = config or MatchConfig()
        self.phrases = PhraseTable(catalogue)
        # The reading loop's look-ups, bound once (see phrases.py).
        self.skill_ids = self.phrases.skill_ids
        self._table, self._visited, self._starts = self.phrases.table, self.phrases.visited, self.phrases.starts
        self._title_words = self.phrases.title_words
        self._exact_re = self.phrases.exact_re

    @property
    def terms(self) -> frozenset[str]:
        """Every term the canonicaliser can emit: the matcher's vocabulary."""
        return self.phrases.terms

    def read(self, text: str) -> TextEvidence:
        """Find the catalogue terms in ``text``."""
        evidence, tokens = self._read(text)
        # A job posting pasted into a CV is not its author's experience. Most
        # texts have too little of a posting's voice to hold one at all.
        if may_hold_posting(tokens):
            cv, posting = split_posting(text)
            if posting:
                evidence = replace(self._read(cv)[0], posting_words=len(posting.split()))
        return evidence

    def _read(self, text: str) -> tuple[TextEvidence, list[str]]:
        cfg = self.config
        # Repeated lines count once (the first copy is kept, in order).
        text, skip_first = self._mask_name(text)
        unique: dict[str, str] = {}
        copies: dict[str, int] = {}
        duplicates = 0
        first = True
        for raw_line in text.splitlines():
            if "@" in raw_line or "://" in raw_line or "www." in raw_line:
                raw_line = ADDRESS_RE.sub(" ", raw_line)
            line = raw_line.strip()
            if not line:
                continue
            key = line.lower()
            if key.startswith(_NAME_LABELS) or (first and skip_first):
                first = False
                continue  # a person's name is never evidence (Jane Swift, Sam Jenkins)
            first = False
            copies[key] = copies.get(key, 0) + 1
            if key in unique:
                duplicates += key.count(" ") >= 2
            else:
                unique[key] = line
        # One pass over the whole text, line ends marked by _EOL tokens.
        tokens = tokenize(_EOL_JOIN.join(unique))
        tokens.append(_EOL)
        exact = self.phrases.exact_by_line("\n".join(unique.values())) if self._exact_re else {}
        table, visited, starts, skill_ids = self._table, self._visited, self._starts, self.skill_ids
        min_skills, min_density = cfg.list_line_min_skills, cfg.list_line_min_density
        spam_at, list_copies = cfg.stuffing_line_repeats, cfg.stuffing_list_copies
        context: list[str] = []
        listed: list[str] = []
        context_weights: list[float] = []
        listed_weights: list[float] = []
        lines = list(unique.values())
        line_weights = weigh_lines(lines)
        dated = any(w != 1.0 for w in line_weights)  # else every mention weighs 1: no weights kept
        found: list[str] = []
        n_skills = skill_tokens = skill_mentions = listed_mentions = 0
        list_lines: list[int] = []
        keys = list(unique)
        line_repeat = 0
        line_no = line_start = 0
        n = len(tokens)
        resume = 0
        # compress/map run in C: only phrase-starting tokens reach Python code.
        for i in compress(count(), map(visited.__contains__, tokens)):
            if i < resume:
                continue  # inside a phrase already matched
            token = tokens[i]
            if token == _EOL:
                for exact_term, exact_size in exact.get(line_no, ()):
                    found.append(exact_term)
                    n_skills += 1
                    skill_tokens += exact_size
                if found:
                    skill_mentions += n_skills
                    # Counting only matters for a line long enough to be spam.
                    top = max(Counter(found).values()) if len(found) >= spam_at else 0
                    # A line that is mostly one term ("FHIR FHIR FHIR"), or a line
                    # naming a term pasted many times over, is spam: left out.
                    spam = copies[keys[line_no]]
                    if top > spam and top >= _SPAM_SHARE * (i - line_start):
                        spam = top
                    if spam > line_repeat:
                        line_repeat = spam
                    words_in_line = i - line_start
                    is_list = n_skills >= min_skills and skill_tokens >= min_density * words_in_line
                    if is_list and skill_tokens < _BARE_LIST_DENSITY * words_in_line:
                        # A list separates its items; a sentence naming four skills
                        # without a comma ("Integrated HealthKit and Fitbit REST APIs
                        # to gather health data") links them with words: prose.
                        is_list = not _LIST_MARKS.isdisjoint(lines[line_no])
                    if is_list:
                        list_lines.append(line_no)
                    # A line mostly one term, pasted many times, or a keyword list
                    # pasted again and again is gamed: it buys nothing.
                    if spam >= spam_at or (is_list and copies[keys[line_no]] > list_copies):
                        pass
                    elif is_list:
                        listed.extend(found)
                        if dated:
                            listed_weights.extend([line_weights[line_no]] * len(found))
                        listed_mentions += n_skills
                    else:
                        context.extend(found)
                        if dated:
                            context_weights.extend([line_weights[line_no]] * len(found))
                    found = []
                n_skills = skill_tokens = 0
                line_no += 1
                line_start = i + 1
                continue
            term, seconds = starts[token]
            size = 1
            if seconds:
                # tokens end with _EOL, so a non-_EOL token always has a successor
                follow = seconds.get(tokens[i + 1])
                if follow is not None:
                    two, longer = follow
                    for size in longer:
                        if i + size <= n:
                            phrase = table.get(" ".join(tokens[i : i + size]))
                            if phrase is not None:
                                term = phrase
                                break
                    else:
                        size = 1
                        if two is not None:
                            term, size = two, 2
                if size > 1:
                    resume = i + size
            if term:
                found.append(term)
                if term in skill_ids:
                    n_skills += 1
                    skill_tokens += size
        counts = Counter(context)
        counts.update(listed)
        return TextEvidence(
            context_terms=tuple(context),
            listed_only=frozenset(listed) - frozenset(context),
            listed_terms=tuple(listed),
            words=n - 1 - line_no,
            duplicate_lines=duplicates,
            max_repeat=max(counts.values(), default=0),
            listed_share=listed_mentions / skill_mentions if skill_mentions else 0.0,
            repeated_list_lines=sum(copies[keys[line]] - 1 for line in list_lines),
            max_line_repeat=line_repeat,
            weights=tuple(context_weights + listed_weights),
        ), tokens

    def _mask_name(self, text: str) -> tuple[str, bool]:
        """Blank the candidate's name where the text mentions it again.

        The name is taken from the first line (when it is only a name), else
        from the header line personal.find_name_line() finds ("Jane Swift, MSc",
        "Jane Go | iOS Developer", the line under "Curriculum Vitae"), where it
        is blanked, or from a "Name:" field; its later mentions, as the full name or a title and the
        surname ("Ms Swift"), are blanked so a surname that is also a skill
        (Swift, Jenkins, Go) never counts. A bare "Swift" elsewhere stays: it
        is far more likely the language. Also says whether the first line is
        the name (and so is not to be read).
        """
        first_line = text.lstrip().split("\n", 1)[0].strip()
        first_is_name = self._looks_like_name(first_line)
        name = first_line.split() if first_is_name else []
        found = None if first_is_name else find_name_line(text[:2000].split("\n"), not_name_words=self._title_words)
        if found is not None:  # "Jane Swift, MSc", "Jane Swift | iOS Developer", a name under "Curriculum Vitae"
            name = found[1].split()
            text = text.replace(found[1], " ", 1)
        head = text[:2000]
        if "name" in head.lower():
            for line in head.splitlines()[:20]:
                line = line.strip()
                if line.lower().startswith(_NAME_LABELS):
                    name = [w for w in line.split(":", 1)[-1].split() if w.rstrip(".") not in _TITLES]
                    break
        if len(name) < 2:
            return text, first_is_name
        surname = name[-1]
        if text.count(surname) <= 1:
            return text, first_is_name  # mentioned only where it is already ignored
        text = text.replace(" ".join(name), " ")
        for title in _TITLES:
            for form in (f"{title} {surname}", f"{title}. {surname}"):
                if form in text:
                    text = text.replace(form, " ")
        # Blanking may have emptied the name line; then nothing is left to skip.
        return text, first_is_name and text.lstrip().split("\n", 1)[0].strip() == first_line

    def _looks_like_name(self, line: str) -> bool:
        """A CV's first line that is only a name (personal.py's rule, the one blind review uses),
        with the words of role keywords and signal phrases as title words too."""
        return looks_like_name(line, not_name_words=self._title_words)

    def find_snippet(self, text: str, term: str, *, context: int | None = None) -> str:
        """Return the first passage of ``text`` that mentions ``term``, or "" (see snippets.py)."""
        return find_snippet(self, text, term, context=self.config.snippet_context if context is None else context)

    def phrases_of(self, term: str) -> list[str]:
        """The table keys (token strings) that produce ``term``."""
        return self.phrases.phrases_of(term)

    def exact_aliases_of(self, term: str) -> list[str]:
        """The case-sensitive aliases ("Go", "R") that produce ``term``."""
        return self.phrases.exact_aliases_of(term)
