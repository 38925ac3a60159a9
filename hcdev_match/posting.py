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

import re
from dataclasses import dataclass

__all__ = ["PostingRules", "split_posting"]

# The reader addressed, or the employer speaking: a CV hardly ever does either.
_VOICE = re.compile(
    r"\b(?:you|your|you'll|you're|youll|yourself|we're|we'll|we've|we offer|we are|we value|join us|join our|"
    r"our team|our mission|our company|our client|our patients|our customers|we|us|our|"
    # A posting speaks of the job to come and of the person it wants.
    r"will|this role|the role|this position|the position|the candidate|successful candidate|"
    r"responsibilities|qualifications|requirements|duties|job summary|position summary)\b",
    re.I,
)
# What only a posting carries: its sales pitch and its small print.
_PITCH = re.compile(
    r"\b(?:apply now|apply today|how to apply|to apply|benefits include|what we offer|why join|perks|"
    r"equal opportunity|equal employment|eoe|competitive salary|salary range|pay range|compensation package|"
    r"401\s?\(?k\)?|paid time off|parental leave|visa sponsorship|the ideal candidate|ideal candidates?|"
    r"about the role|about the job|about us|who you are|what you(?:'ll| will) do|nice to have|bonus points|"
    r"job description|job type|employment type|full-time position|reports to|"
    # A posting's requirements: what a candidate must bring, not what the author did.
    r"required|preferred|is a plus|are a plus|a big plus|must have|must be|ability to|demonstrated ability|"
    r"familiarity with|proficiency (?:in|with)|strong understanding|working knowledge|\d\+ years|"
    r"years of (?:professional |relevant |hands-on )?experience (?:in|with|as)|"
    r"bachelor'?s degree|master'?s degree or)\b",
    re.I,
)
_YEAR = re.compile(r"\b(?:19[6-9]\d|20[0-4]\d)\b")
# A CV's own voice: its author, and the past tense of work done.
_CV_VOICE = re.compile(
    r"\b(?:I|I've|I'm|my|developed|built|designed|implemented|led|created|managed|worked|maintained|delivered|"
    r"improved|migrated|wrote|architected|shipped|launched|mentored|contributed|collaborated|reduced|automated)\b"
)


# Sentences, bullets and lines: a scraped posting is often one long line.
_SEGMENT = re.compile(r"(?<=[.!?;])\s+|\n+|\s+[•·▪●◦‣]\s*|\s+[-*]\s+(?=[A-Z])")


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
    min_cv_share: float = 0.2


def split_posting(text: str, *, rules: PostingRules | None = None) -> tuple[str, str]:
    """``(cv, posting)``: the text with a pasted job posting at its end or start taken out, and that posting.

    ``posting`` is empty when there is none, or when the whole text is a
    posting (then ``cv`` is the text as it is, to be scored as a posting).
    """
    rules = rules or PostingRules()
    segments = [s for s in _SEGMENT.split(text) if s and s.strip()]
    n = len(segments)
    if n < rules.min_cues + 1:
        return text, ""
    cue = [bool(_VOICE.search(s) or _PITCH.search(s)) for s in segments]
    words = [len(s.split()) for s in segments]
    years = [set(_YEAR.findall(s)) for s in segments]
    voice = [bool(_CV_VOICE.search(s)) for s in segments]
    total = sum(words) or 1
    # Pasted at the end (the usual place) or at the start: of the splits that
    # leave a CV on the other side, the one whose posting part has the most
    # cues beyond the share expected, so the cut falls where the voice changes.
    best: tuple[float, int, bool] | None = None
    for posting_at_end in (True, False):
        for k in range(1, n):
            cv_part, posting_part = (range(k), range(k, n)) if posting_at_end else (range(k, n), range(k))
            cues = sum(cue[i] for i in posting_part)
            if cues < rules.min_cues or cues < rules.min_cue_share * len(posting_part):
                continue
            if sum(cue[i] for i in cv_part) / len(cv_part) > cues / len(posting_part) / rules.min_contrast:
                continue
            if sum(words[i] for i in cv_part) < rules.min_cv_share * total:
                continue
            dated = len(set().union(*(years[i] for i in cv_part))) >= rules.min_cv_years
            if not dated and sum(voice[i] for i in cv_part) < rules.min_cv_voice:
                continue
            excess = cues - rules.min_cue_share * len(posting_part)
            if best is None or excess > best[0]:
                best = (excess, k, posting_at_end)
    if best is not None:
        _, k, posting_at_end = best
        at = _find_segment(text, segments, k)
        return (text[:at], text[at:]) if posting_at_end else (text[at:], text[:at])
    return text, ""


def _find_segment(text: str, segments: list[str], k: int) -> int:
    """Offset in ``text`` where segment ``k`` starts."""
    at = 0
    for segment in segments[:k]:
        at = text.index(segment, at) + len(segment)
    return text.index(segments[k], at)
