"""The opening on the recruiter page beside a batch: the candidate explained in the posting's terms, and, when a
saved batch comes into hand, the opening it was saved with restored (or the posting in hand put away, so the
batch's own required list never ranks by another posting's profile). See webui/opening.py."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import streamlit as st

from hcdev_match.errors import HcdevMatchError
from hcdev_match.present.report import escape_markdown

from .opening import _key, _labels, as_edited, current_opening

if TYPE_CHECKING:
    from hcdev_match.scoring.matcher import Matcher
    from hcdev_match.storage.store import Store
    from hcdev_match.workflows.fitcheck import FitCheck

__all__ = ["opening_notices", "opening_reasons", "put_away_opening", "restore_opening"]

RESTORED = _key("recruiter", "restored")  # the opening restored from a saved batch (its posting's text not kept)


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


def restore_opening(store: Store, matcher: Matcher, saved: Mapping[str, int]) -> None:
    """A saved batch comes into hand (``saved``: code -> assessment id): the opening it was saved with (as
    edited, with its saved fits) is in hand again; a batch saved without one puts the opening in hand away."""
    from hcdev_match.scoring.opening_model import saved_opening
    from hcdev_match.storage.openings import load_openings

    ids = list(saved.values())
    try:
        found = saved_opening(load_openings(store, ids), ids)
    except HcdevMatchError as exc:  # the batch still opens; say what did not
        found = None
        st.session_state[_key("recruiter", "save_error")] = f"The opening saved with this batch cannot be read: {exc}"
    if found is None or found[0].catalogue_version != matcher.catalogue.version:  # its skill ids may be gone
        put_away_opening()
        return
    opening, in_hand = found[0], current_opening("recruiter")
    st.session_state[_key("recruiter", "opening")] = st.session_state[RESTORED] = opening
    st.session_state.pop(_key("recruiter", "error"), None)
    if in_hand is not None and in_hand.text_hash != opening.text_hash:
        st.session_state[_key("recruiter", "notice")] = (
            f"The saved batch opened with the opening it was saved with, '{opening.title}': the posting "
            f"'{in_hand.title}' no longer ranks it; read it again to rank this batch against it."
        )


def opening_notices() -> None:
    """In the Opening box: an error or a notice said once, and, while the opening in hand is one restored from
    a saved batch, that its posting's text is not kept."""
    if error := st.session_state.pop(_key("recruiter", "save_error"), None):
        st.error(escape_markdown(error))
    if notice := st.session_state.pop(_key("recruiter", "notice"), None):
        st.info(escape_markdown(notice))
    restored = st.session_state.get(RESTORED)
    if restored is not None and restored is current_opening("recruiter"):
        st.caption(
            f"The opening '{escape_markdown(restored.title)}' is the one this batch was saved with (its title, "
            "required and preferred skills and profile). The posting's text is not kept: to read it again or "
            "rank against another posting, paste or upload the posting."
        )
