"""The opening on the recruiter page beside a batch: the candidate explained in the posting's terms, and the
posting put away when a saved batch (with its own required list) comes into hand. See webui/opening.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from hcdev_match.present.report import escape_markdown

from .opening import _key, _labels, as_edited, current_opening

if TYPE_CHECKING:
    from hcdev_match.scoring.matcher import Matcher
    from hcdev_match.workflows.fitcheck import FitCheck

__all__ = ["opening_reasons", "put_away_opening"]


def opening_reasons(matcher: Matcher, check: FitCheck) -> None:
    """The selected candidate's fit to the opening in hand, in the posting's terms (nothing without one):
    its required and preferred skills shown and missing, and what a person must read for themselves."""
    from hcdev_match.scoring.opening import explain_opening

    from .recruiter_state import SETTINGS

    opening, settings = current_opening("recruiter"), st.session_state.get(SETTINGS)
    if opening is None or settings is None:
        return
    edited = as_edited(matcher, opening, settings.required)
    fit = explain_opening(matcher, edited, check.assessment, tier_weights=settings.tier_weights(), snippets=False)
    st.markdown(f"**Fit to the posting {escape_markdown(opening.title)}: {fit.fit:.0f} / 100** ({fit.band})")
    for tier in ("required", "preferred"):
        shown = escape_markdown(", ".join(m.label for m in fit.matched if m.tier == tier) or "none")
        missing = escape_markdown(_labels(matcher, fit.missing[tier], empty="none"))
        st.markdown(f"{tier.capitalize()} skills of the posting shown: {shown}; missing: {missing}")
    if fit.not_matched:
        st.caption("Not matched automatically (read them yourself): " + escape_markdown(", ".join(fit.not_matched)))


def put_away_opening() -> None:
    """A saved batch comes into hand with its own required list: the opening in hand is put away (its text
    stays in the box), so the ranking never mixes one posting's profile with another's required skills."""
    opening = st.session_state.pop(_key("recruiter", "opening"), None)
    if opening is not None:
        st.session_state[_key("recruiter", "notice")] = (
            f"The saved batch opened with its own required skills, so the posting '{opening.title}' no longer "
            "ranks it: read it again to rank this batch against it (its required skills then start the list)."
        )
