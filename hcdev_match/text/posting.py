"""Job-posting text inside a CV: found, so that it is set apart rather than read as experience.

Pasting a real job posting into a CV (often in white text) is the cheapest
way to buy a fit: the posting names every skill the role wants. A posting
speaks to the reader ("you will", "we offer", "join our team") and sells the
job (benefits, salary, how to apply); a CV describes its author's own work,
in the first person or without pronouns. So a run of lines dense with that
voice, inside a text that otherwise reads as a CV, is a pasted posting.

A text that is a posting from top to bottom is left alone: it is scored as
the posting it is (recruiters score postings too).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import compress, count, islice

from .career import holds_date_range

__all__ = ["PostingRules", "may_hold_posting", "split_posting"]

# The reader addressed, the employer speaking, the job to come, what the
# candidate must bring: single words a CV hardly ever uses ...
_CUE_WORDS = frozenset((
    "you", "your", "yours", "yourself", "youll", "youre", "youve", "youd", "we", "us", "our", "ours", "will",
    "responsibilities", "qualifications", "requirements", "duties", "required", "preferred", "essential",
    "desirable", "perks", "salary", "applicants", "eoe",
))  # fmt: skip
# ... and a posting's phrases: its sales pitch and its small print.
_CUE_PHRASES = (
    "this role", "the role", "this position", "the position", "the candidate", "successful candidate",
    "job summary", "position summary", "apply now", "apply today", "how to apply", "to apply",
    "benefits include", "what we offer", "why join", "equal opportunity", "equal employment",
    "competitive salary", "salary range", "pay range", "compensation package", "401k", "401 k",
    "paid time off", "parental leave", "visa sponsorship", "ideal candidate", "about the role",
    "about the job", "about us", "who you are", "nice to have", "bonus points", "job description",
    "job type", "employment type", "full-time position", "full time position", "reports to", "is a plus",
    "are a plus", "a big plus", "must have", "must be", "ability to", "demonstrated ability",
    "familiarity with", "proficiency in", "proficiency with", "strong understanding", "working knowledge",
    "years of experience", "years of professional experience", "years of relevant experience",
    "years of hands-on experience", "bachelors degree", "masters degree or",
    "bachelor s degree", "master s degree or", "the mission", "the challenge", "the opportunity",
    "further details", "further information", "informal visit", "informal visits", "closing date",
    "per annum", "base salary", "base equity", "equity bonus",
)  # fmt: skip
# A CV's own voice: its author, and the past tense of work done.
_CV_WORDS = frozenset((
    "i", "ive", "im", "my", "developed", "built", "designed", "implemented", "led", "created", "managed",
    "worked", "maintained", "delivered", "improved", "migrated", "wrote", "architected", "shipped", "launched",
    "mentored", "contributed", "collaborated", "reduced", "automated",
))  # fmt: skip
_SEPARATORS = str.maketrans({c: " " for c in '"’.,;:!?()[]{}<>/\\|*_#=~`+-–—•·'})
# Each phrase is looked for where its longest word stands ("apply" in "how to
# apply"): dictionary look-ups over a segment's words find the few places to
# compare, far faster than a regex of alternatives, and the longest word is
# the rarest, so few places need comparing.
_PHRASE_KEYS: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
for _phrase in _CUE_PHRASES:
    _words = tuple(_phrase.replace("'", "").translate(_SEPARATORS).split())
    _key = max(range(len(_words)), key=lambda i: len(_words[i]))
    _PHRASE_KEYS.setdefault(_words[_key], []).append((_key, _words))
_BOUND_KEYS = _CUE_WORDS | frozenset(_PHRASE_KEYS)


def may_hold_posting(words: Sequence[str], *, rules: PostingRules | None = None) -> bool:
    """A cheap bound on a text's words: every segment in a posting's voice holds a cue
    word or phrase, so a text with far fewer of them than a posting needs holds none.

    Half the segments needed, not all: the words may come from a text read
    with its repeated lines and addresses dropped.
    """
    rules = rules or PostingRules()
    needed = rules.min_cues // 2
    return sum(1 for _ in islice(_cue_positions(words), needed)) >= needed


_WE_CONTRACTED = re.compile(r"\bwe'")  # "we'll", "we're", "we've": the employer speaking


def _tokens(text: str) -> list[str]:
    return _WE_CONTRACTED.sub("we ", text.lower()).replace("'", "").translate(_SEPARATORS).split()


def _phrase_at(tokens: Sequence[str], i: int, offset: int, words: tuple[str, ...]) -> bool:
    start = i - offset
    return start >= 0 and tuple(tokens[start : start + len(words)]) == words


def _cue_positions(tokens: Sequence[str]) -> Iterator[int]:
    """Where a cue word, or the key word of a cue phrase that stands there whole, is."""
    for i in compress(count(), map(_BOUND_KEYS.__contains__, tokens)):
        word = tokens[i]
        if word in _CUE_WORDS or any(_phrase_at(tokens, i, offset, phrase) for offset, phrase in _PHRASE_KEYS[word]):
            yield i


def _is_year(token: str) -> bool:
    return len(token) == 4 and token.isdigit() and 1960 <= int(token) <= 2049


# Sentences, bullets and lines: a scraped posting is often one long line.
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\s+[•·▪●◦‣]\s*|\s+[-*]\s+(?=[A-Z])")


def _segments(text: str) -> list[str]:
    """The sentences and bullets of each line, without empty ones."""
    out: list[str] = []
    for line in text.splitlines():
        if line and not line.isspace():
            out += [s for s in _SENTENCE.split(line) if s and not s.isspace()]
    return out


@dataclass(frozen=True, kw_only=True)
class PostingRules:
    """When the end (or the start) of a text reads as a posting, and the rest as a CV."""

    #: The posting part holds at least this many segments in a posting's voice ...
    min_cues: int = 5
    #: ... which are at least this share of its segments ...
    min_cue_share: float = 0.2
    #: ... this many times the share in the CV part.
    min_contrast: float = 4.0
    #: The CV part must mention at least this many distinct years (the dates
    #: of jobs and degrees), or hold this many segments in a CV's own voice
    #: (first person, work done in the past tense) ...
    min_cv_years: int = 2
    min_cv_voice: int = 3
    #: ... and hold at least this share of the text's words.
    min_cv_share: float = 0.1
    #: At most this many cuts (see split_posting).
    max_cuts: int = 3


def split_posting(text: str, *, rules: PostingRules | None = None) -> tuple[str, str]:
    """``(cv, posting)``: the text with a pasted job posting at its end or start taken out, and that posting.

    ``posting`` is empty when there is none, or when the whole text is a
    posting (then ``cv`` is the text as it is, to be scored as a posting).
    """
    rules = rules or PostingRules()
    cv, removed = text, []
    # A posting's own rate of cues varies (a dense list of requirements, then a
    # sparse page about the employer): what is left beside the CV after one
    # cut may still read as a posting, so cutting goes on, a few times at most.
    for _ in range(rules.max_cuts):
        cv, posting = _split_once(cv, rules)
        if not posting:
            break
        removed.append(posting)
    return cv, "\n".join(removed)


def _split_once(text: str, rules: PostingRules) -> tuple[str, str]:
    if not may_hold_posting(_tokens(text), rules=rules):
        return text, ""
    segments = _segments(text)
    n = len(segments)
    tokens = [_tokens(s) for s in segments]
    cue = [next(_cue_positions(t), None) is not None for t in tokens]
    if sum(cue) < rules.min_cues:
        return text, ""  # most CVs: too little of a posting's voice anywhere
    lengths = [len(t) for t in tokens]
    voice = [not _CV_WORDS.isdisjoint(t) for t in tokens]
    years = [{w for w in t if _is_year(w)} for t in tokens]
    # Prefix sums, and distinct years before and after each cut: every split
    # is then judged in constant time (a CV has hundreds of segments).
    cue_sum, word_sum, voice_sum = _prefix(cue), _prefix(lengths), _prefix(voice)
    years_before, years_after = _distinct_years(years), _distinct_years(years[::-1])[::-1]
    total = word_sum[n] or 1
    # Pasted at the end (the usual place) or at the start: of the splits that
    # leave a CV on the other side, the one that best explains the text as two
    # parts with two rates of a posting's voice (the most likely change point
    # of a Bernoulli sequence), so the cut falls where the voice changes, not
    # where a posting's own rate dips for a paragraph about the employer.
    best: tuple[float, int, bool] | None = None
    for posting_at_end in (True, False):
        for k in range(1, n):
            lo, hi = (0, k) if posting_at_end else (k, n)  # the CV part
            cv_len, post_len = hi - lo, n - (hi - lo)
            cv_cues = cue_sum[hi] - cue_sum[lo]
            cues = cue_sum[n] - cv_cues
            if cues < rules.min_cues or cues < rules.min_cue_share * post_len:
                continue
            if cv_cues / cv_len > cues / post_len / rules.min_contrast:
                continue
            if word_sum[hi] - word_sum[lo] < rules.min_cv_share * total:
                continue
            dated = (years_before[k] if posting_at_end else years_after[k]) >= rules.min_cv_years
            if not dated and voice_sum[hi] - voice_sum[lo] < rules.min_cv_voice:
                continue
            likelihood = _log_likelihood(cv_cues, cv_len) + _log_likelihood(cues, post_len)
            if best is None or likelihood > best[0]:
                best = (likelihood, k, posting_at_end)
    if best is not None:
        _, k, posting_at_end = best
        # At the end, a year counts as the CV's own only in the dates of a job
        # ("since 2013" in a page about the employer does not); at the start a
        # CV opens with its header and summary, undated, so any year stops it.
        own = [
            v or (bool(y) and (not posting_at_end or holds_date_range(seg)))
            for seg, y, v in zip(segments, years, voice, strict=True)
        ]
        k = _widen(k, posting_at_end, own, word_sum, rules)
        at = _find_segment(text, segments, k)
        return (text[:at], text[at:]) if posting_at_end else (text[at:], text[:at])
    return text, ""


def _log_likelihood(hits: int, n: int) -> float:
    """Log-likelihood of ``hits`` in ``n`` trials at their own rate."""
    rate = hits / n
    return (hits * math.log(rate) if hits else 0.0) + ((n - hits) * math.log(1 - rate) if hits < n else 0.0)


def _widen(k: int, posting_at_end: bool, own: list[bool], word_sum: list[int], rules: PostingRules) -> int:
    """Move the cut from the first cue to where the CV's own evidence ends.

    A posting opens (or closes) with lines in no one's voice: its title, the
    employer, the place, the pay, a mission statement. They belong to it, so
    the cut moves over every such segment up to the last one showing the CV's
    own evidence (``own``: a date, or work done in its own voice), as long as
    the CV part keeps its share of the words.
    """
    n, floor = len(own), rules.min_cv_share * (word_sum[-1] or 1)
    if posting_at_end:
        while k > 1 and not own[k - 1] and word_sum[k - 1] >= floor:
            k -= 1
    else:
        while k < n - 1 and not own[k] and word_sum[n] - word_sum[k + 1] >= floor:
            k += 1
    return k


def _prefix(values: list[bool] | list[int]) -> list[int]:
    out = [0]
    for value in values:
        out.append(out[-1] + int(value))
    return out


def _distinct_years(years: list[set[str]]) -> list[int]:
    """For each k, how many distinct years the first k segments mention."""
    seen: set[str] = set()
    out = [0]
    for found in years:
        seen.update(found)
        out.append(len(seen))
    return out


def _find_segment(text: str, segments: list[str], k: int) -> int:
    """Offset in ``text`` where segment ``k`` starts."""
    at = 0
    for segment in segments[:k]:
        at = text.index(segment, at) + len(segment)
    return text.index(segments[k], at)
