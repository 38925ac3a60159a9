"""Trust flags: reasons not to take a text's fits at face value.

``keyword_stuffing`` means manipulation, never style: a keyword list pasted
again and again, one term spammed, a job posting pasted in (a detail flag
says which; the document reader adds hidden text). A skills section however
long is no accusation: ``mostly_listed`` only notes that skills are listed
rather than described. ``nearly_every_role`` notes a text that reads as
good or strong for nearly every role: a sentence naming a role's skills
raises that role's fit, so such a text may have bought its fits by naming
them; it too is a note, never an accusation, and changes no fit. Codes are
those of ``assessment.FLAG_MESSAGES``.
"""

from __future__ import annotations

import math

import numpy as np

from ..config import FIT_BANDS, MatchConfig
from ..text.canonicaliser import TextEvidence

__all__ = ["BROAD", "GOOD_FIT", "STUFFING", "broad_rows", "flag_text"]

#: The flag raised for every way a text can be gamed.
STUFFING = "keyword_stuffing"
#: The note raised on a text at least "good" for nearly every role.
BROAD = "nearly_every_role"
#: The lower bound of the "good" band: a credible candidate for the role.
GOOD_FIT = next(low for low, name, _ in FIT_BANDS if name == "good")


def flag_text(evidence: TextEvidence, config: MatchConfig, *, broad: bool = False) -> tuple[str, ...]:
    """The trust flags of one read text; ``broad``: its fits are good on nearly every role (see :func:`broad_rows`)."""
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
    if broad:
        flags.append(BROAD)
    return tuple(flags)


def broad_rows(fits: np.ndarray, config: MatchConfig) -> np.ndarray:
    """Which texts of a fits matrix (texts x roles) are at least "good" on nearly every role.

    Nearly every role is ``broad_roles_share`` of them and at least
    ``broad_roles_min``: with a catalogue of fewer roles the note never fires.
    """
    roles = fits.shape[1]
    # A share times a count may land a hair above a whole number in floating point: that number is meant.
    need = max(config.broad_roles_min, math.ceil(config.broad_roles_share * roles - 1e-9))
    good: np.ndarray = (fits >= GOOD_FIT).sum(axis=1) >= need
    return good if need <= roles else np.zeros(len(fits), dtype=bool)
