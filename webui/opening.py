"""Openings in the pages: a job posting pasted or uploaded, read into an opening, and fits to it.

The recruiter ranks a batch against it (no CV read again) and saves it with
the batch; a candidate compares their CV with it, and nothing is stored.
The posting's text stays in this browser session; what is kept with saved
assessments is the opening (title, profile, text hash), never the posting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import streamlit as st

from hcdev_match.config import DEFAULT_TIER_WEIGHTS
from hcdev_match.documents.document import DocumentLimits
from hcdev_match.documents.gate import uploaded_name
from hcdev_match.errors import DocumentError, HcdevMatchError
from hcdev_match.present.report import escape_markdown

from .keys import COMPARE_OPEN

if TYPE_CHECKING:
    import pandas as pd

    from hcdev_match.scoring.matcher import Matcher
    from hcdev_match.scoring.opening_model import Opening
    from hcdev_match.workflows.fitcheck import FitCheck
    from hcdev_match.workflows.ranking import Ranking

__all__ = [
    "OPENING_COLUMN", "as_edited", "candidate_compare", "current_opening", "keep_opening", "keep_recruiter_opening",
    "opening_context", "opening_input", "opening_key", "rank_by_opening", "recruiter_context", "recruiter_opening",
    "with_opening",
]  # fmt: skip

LIMITS = DocumentLimits()
OPENING_COLUMN = "opening fit"
TYPES = ["pdf", "docx", "txt", "md"]


def _key(prefix: str, name: str) -> str:
    return f"{prefix}_posting_{name}"


def current_opening(prefix: str) -> Opening | None:
    """The opening this session read last under ``prefix`` (recruiter or candidate), if any."""
    opening = st.session_state.get(_key(prefix, "opening"))
    return opening if opening is not None and hasattr(opening, "profile") else None


def _read(matcher: Matcher, prefix: str, required_key: str | None = None, required_labels: bool = False) -> None:
    """Button callback: read the uploaded posting or the pasted text (both given: refused, never a guess)."""
    from hcdev_match.scoring.opening import build_opening, read_opening, usable_opening, whole_posting

    upload = st.session_state.get(_key(prefix, "file"))
    text = str(st.session_state.get(_key(prefix, "text")) or "")
    try:
        if upload is not None and text.strip():
            raise DocumentError(
                f"both a posting file ({uploaded_name(upload.name)}) and a pasted posting are given: remove the file "
                "or clear the pasted text, then read the posting again"
            )
        if upload is not None:
            opening = usable_opening(
                read_opening(matcher, upload.getvalue(), uploaded_name(upload.name), limits=LIMITS)
            )
        elif text.strip():
            opening = usable_opening(build_opening(matcher, whole_posting(text, limits=LIMITS)))
        else:
            raise DocumentError("no posting yet: paste the posting's text or upload its file, then read it")
    except HcdevMatchError as exc:
        st.session_state[_key(prefix, "error")] = str(exc)
        return
    st.session_state.pop(_key(prefix, "error"), None)
    st.session_state[_key(prefix, "opening")] = opening
    if required_key is not None:  # the required list starts from the posting's; the recruiter edits it
        labels = ", ".join(_typed_name(matcher, s) for s in opening.required)
        st.session_state[required_key] = labels if required_labels else list(opening.required)


def _typed_name(matcher: Matcher, skill_id: str) -> str:
    """A name of the skill that a comma-separated list keeps whole: its label, else an alias, else its id."""
    skill = matcher.catalogue.skills[skill_id]
    return next((n for n in (skill.label, *skill.aliases) if "," not in n), skill_id)


def _started(prefix: str) -> bool:
    """Something of a posting is given or read: its box stays open across reruns."""
    return any(st.session_state.get(_key(prefix, name)) for name in ("opening", "text", "file", "error"))


def _clear(prefix: str) -> None:
    for name in ("opening", "error", "text"):
        st.session_state.pop(_key(prefix, name), None)


def opening_input(
    matcher: Matcher,
    *,
    prefix: str,
    button: str = "Read the posting",
    required_key: str | None = None,
    required_labels: bool = False,
) -> Opening | None:
    """Paste or upload a posting (the same safe intake as a CV), read it, show what it asks for."""
    st.text_area("Paste the job posting", key=_key(prefix, "text"), height=150, placeholder="Paste a job posting…")
    st.file_uploader(
        f"…or upload it (PDF, DOCX, TXT or MD, at most {LIMITS.max_bytes // 2**20} MB)",
        type=TYPES,
        key=_key(prefix, "file"),
    )
    left, right = st.columns(2)
    left.button(button, key=_key(prefix, "read"), on_click=_read, args=(matcher, prefix, required_key, required_labels))
    opening = current_opening(prefix)
    if opening is not None:
        right.button("Remove the posting", key=_key(prefix, "clear"), on_click=_clear, args=(prefix,))
    if error := st.session_state.get(_key(prefix, "error")):
        st.error(escape_markdown(error))
    if opening is not None:
        _profile(matcher, opening)
    return opening


def _labels(matcher: Matcher, ids: Sequence[str], *, empty: str = "none found") -> str:
    return ", ".join(matcher.label_of(s) for s in ids) or empty


def _profile(matcher: Matcher, opening: Opening) -> None:
    st.markdown(f"**Opening: {escape_markdown(opening.title)}**")
    st.markdown(f"Required: {escape_markdown(_labels(matcher, opening.required))}")
    st.markdown(f"Preferred: {escape_markdown(_labels(matcher, opening.preferred))}")
    roles = ", ".join(matcher.catalogue.roles[r].label for r, _ in opening.closest)
    st.caption(f"Closest roles: {roles}. Boilerplate left out: {opening.ignored_words} words.")
    if opening.not_matched:
        st.caption("Not matched automatically (read them yourself): " + escape_markdown(", ".join(opening.not_matched)))
    if not opening.required and not opening.preferred:
        st.warning("The posting names no skill the catalogue knows: its fit rests on its closest role alone.")


def candidate_compare(matcher: Matcher, check: FitCheck) -> None:
    """The candidate's optional "Compare with a job posting": the fit to it beside the seven roles; stores nothing."""
    # Drawn when opened (a rerun), not sent closed with every result: a click waits for less.
    with st.expander(
        "Compare with a job posting (optional)", expanded=_started("candidate"), key=COMPARE_OPEN, on_change="rerun"
    ) as box:
        if not box.open:
            return
        st.caption("The posting is read in this browser session only; nothing of it or of the comparison is stored.")
        opening = opening_input(matcher, prefix="candidate", button="Compare")
        if opening is None:
            return
        from hcdev_match.scoring.opening import explain_opening

        fit = explain_opening(matcher, opening, check.assessment, check.text)
        help_text = f"{fit.band}: the same bands as a role's fit, measured against this posting's own skills"
        label = f"Fit to {escape_markdown(opening.title)}"  # a metric's label is Markdown: the title is text
        st.metric(label, f"{fit.fit:.0f} / 100", help=help_text)
        shown = [m.label for m in fit.matched if m.tier == "required"]
        st.markdown("**Required skills the CV shows:** " + escape_markdown(", ".join(shown) or "none"))
        st.markdown(
            "**Required skills it misses:** " + escape_markdown(_labels(matcher, fit.missing["required"], empty="none"))
        )
        if fit.missing["preferred"]:
            st.caption("Preferred skills it misses: " + escape_markdown(_labels(matcher, fit.missing["preferred"])))
        rows = [{"against": f"This posting: {opening.title}", "fit": round(fit.fit, 1)}]
        rows += [{"against": f.label, "fit": round(f.fit, 1)} for f in check.assessment.fits]
        st.dataframe(rows, hide_index=True, key="candidate_posting_table")


def recruiter_opening(
    matcher: Matcher, *, required_key: str = "required_skills", required_labels: bool = False
) -> Opening | None:
    """The recruiter's "Opening" box: a posting to rank the batch against, beside the roles. Reading one
    puts its required skills into the ``required_key`` widget (skill ids, or their labels as one text)."""
    with st.container(border=True, key="opening_box"):
        st.markdown("**Opening: rank against a job posting (optional)**")
        st.caption(
            "Paste or upload the posting. The ranking's first column becomes the fit to it, and its required "
            "skills start the required list (edit them there). Another posting re-ranks without reading a CV again."
        )
        from .opening_recruiter import opening_notices  # what saving or opening a batch did to the opening

        opening_notices()
        return opening_input(
            matcher,
            prefix="recruiter",
            button="Rank against this posting",
            required_key=required_key,
            required_labels=required_labels,
        )


def keep_opening(
    store: Any,
    saved_ids: Sequence[int],
    ranking: Ranking,
    opening: Opening | None,
    *,
    tier_weights: Mapping[str, float] = DEFAULT_TIER_WEIGHTS,
) -> None:
    """Keep the opening (as edited), and each saved candidate's fit to it, with the saved assessments
    (``saved_ids`` in the ranking's order)."""
    if opening is None or not saved_ids:
        return
    from hcdev_match.scoring.opening import fit_strengths
    from hcdev_match.storage.openings import save_openings

    fits = fit_strengths(ranking.matcher, opening, ranking.strengths, ranking.evidence, tier_weights=tier_weights)
    try:
        save_openings(store, list(saved_ids), opening.to_dict(), [round(float(f), 1) for f in fits])
    except HcdevMatchError as exc:  # the assessments are kept already: say so, and what was not
        st.session_state[_key("recruiter", "save_error")] = (
            f"The assessments are saved, but the opening they were ranked against is not: {exc}"
        )


def as_edited(matcher: Matcher, opening: Opening, required: Sequence[str]) -> Opening:
    """The opening with the recruiter's required list (the posting's own when unedited)."""
    from hcdev_match.scoring.opening import edit_required

    return edit_required(matcher, opening, required) if list(required) != list(opening.required) else opening


def rank_by_opening(
    table: pd.DataFrame,
    ranking: Ranking,
    opening: Opening,
    *,
    tier_weights: Mapping[str, float] = DEFAULT_TIER_WEIGHTS,
) -> pd.DataFrame:
    """The batch's table with its first score the fit to the opening (its required skills as the
    recruiter edited them: see :func:`as_edited`), under these weights, best first: the batch's kept
    strengths, no CV read again."""
    from hcdev_match.scoring.opening import fit_strengths

    fits = fit_strengths(ranking.matcher, opening, ranking.strengths, ranking.evidence, tier_weights=tier_weights)
    by_code = dict(zip(ranking.ids, fits, strict=True))
    out = table.assign(**{OPENING_COLUMN: [round(float(by_code[c]), 1) for c in table["candidate"]]})
    first = ["candidate", OPENING_COLUMN]
    out = out[first + [c for c in out.columns if c not in first]]
    return out.sort_values([OPENING_COLUMN, "candidate"], ascending=[False, True], kind="stable").reset_index(drop=True)


def with_opening(
    table: pd.DataFrame,
    ranking: Ranking,
    *,
    required: Sequence[str],
    tier_weights: Mapping[str, float] = DEFAULT_TIER_WEIGHTS,
) -> pd.DataFrame:
    """The recruiter's table ranked by the opening in hand (its required list as edited), or as it is without one."""
    opening = current_opening("recruiter")
    if opening is None or table.empty:
        return table
    return rank_by_opening(table, ranking, as_edited(ranking.matcher, opening, required), tier_weights=tier_weights)


def opening_key() -> str:
    """What tells one opening in hand from another ("" for none): part of the table's order key."""
    opening = current_opening("recruiter")
    return opening.text_hash if opening is not None else ""


def keep_recruiter_opening(
    store: Any,
    saved: Mapping[str, int],
    ranking: Ranking,
    *,
    required: Sequence[str],
    tier_weights: Mapping[str, float] = DEFAULT_TIER_WEIGHTS,
) -> None:
    """After a batch is saved (``saved``: candidate code -> assessment id), keep the opening in hand with it."""
    opening = current_opening("recruiter")
    if opening is None or not saved or any(code not in saved for code in ranking.ids):
        return
    edited = as_edited(ranking.matcher, opening, required)
    keep_opening(store, [saved[code] for code in ranking.ids], ranking, edited, tier_weights=tier_weights)


def recruiter_context(matcher: Matcher, required: Sequence[str]) -> dict[str, Any]:
    """The export's columns naming the opening in hand (none without one)."""
    opening = current_opening("recruiter")
    return opening_context(as_edited(matcher, opening, required) if opening is not None else None)


def opening_context(opening: Opening | None) -> dict[str, Any]:
    """What an export says about the opening it was ranked against (empty without one)."""
    if opening is None:
        return {}
    return {
        "opening": opening.title,
        "opening text sha256": opening.text_hash,
        "opening required": ";".join(opening.required),
        "opening preferred": ";".join(opening.preferred),
    }
