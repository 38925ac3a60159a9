"""Trust flags: reasons not to take a text's fits at face value.

``keyword_stuffing`` means manipulation, never style: a keyword list pasted
again and again, one term spammed, a job posting pasted in (a detail flag
says which; the document reader adds hidden text). A skills section however
long is no accusation: ``mostly_listed`` only notes that skills are listed
rather than described. Codes are those of ``assessment.FLAG_MESSAGES``.
"""

from __future__ import annotations

from ..config import MatchConfig
from ..text.canonicaliser import TextEvidence

__all__ = ["STUFFING", "flag_text"]

#: The flag raised for every way a text can be gamed.
STUFFING = "keyword_stuffing"


def flag_text(evidence: TextEvidence, config: MatchConfig) -> tuple[str, ...]:
    """The trust flags of one read text."""
    flags = []
    if evidence.words < config.min_words:
        flags.append("too_little_text")
    gamed = []
    if evidence.repeated_list_lines >= config.stuffing_list_copies:
        gamed.append("repeated_keywords")
    spammed = evidence.max_repeat > config.stuffing_repeats and evidence.max_repeat > config.stuffing_share * (
        evidence.words
    )
    if evidence.max_line_repeat >= config.stuffing_line_repeats or spammed:
        gamed.append("spammed_term")
    if evidence.posting_words:
        gamed.append("posting_in_cv")
    if gamed:
        flags += [STUFFING, *gamed]
    elif evidence.listed_share >= config.stuffing_listed_share and (
        len(evidence.listed_terms) >= config.stuffing_listed_min
    ):
        flags.append("mostly_listed")
    return tuple(flags)
