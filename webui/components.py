"""What the fit check shows about one scored CV (the home page and the recruiter's explanation)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import streamlit as st

from hcdev_match.config import FIT_SCALE
from hcdev_match.present.report import HUMAN_NOTE
from hcdev_match.scoring.assessment import FLAG_MESSAGES

from .keys import EXPLAIN_OPEN, SCORED_TEXT_OPEN
from .resources import get_matcher
from .sessions import owned_fragment

if TYPE_CHECKING:
    from hcdev_match.scoring.assessment import RoleFit
    from hcdev_match.workflows.fitcheck import FitCheck

__all__ = ["HUMAN_NOTE", "TIER_NAMES", "WHY", "readable", "render_fit_check", "render_scale"]

TIER_NAMES = {
    "must_have": "must-have",
    "nice_to_have": "nice-to-have",
    "general": "general skill",
    "future": "future tech",
    "keyword": "role keyword",
}
MIN_GAIN = 1.0  # advice worth giving moves a fit by at least a point
WHY = "Why: the fit to each role explained"


def readable(spec: dict[str, Any]) -> dict[str, Any]:
    """A Vega-Lite spec whose titles, axis and legend text reach 4.5:1 contrast (4.5:1 is WCAG AA for text):
    the ink of present/charts.py's ``readable``, for a spec built there (which has loaded Altair already)."""
    from hcdev_match.present.charts import AXIS_INK

    config = spec.setdefault("config", {})
    for part, keys in (("axis", ("labelColor", "titleColor")), ("legend", ("labelColor", "titleColor")),
                       ("title", ("color", "subtitleColor"))):  # fmt: skip
        config.setdefault(part, {}).update(dict.fromkeys(keys, AXIS_INK))
    return spec


def render_scale(fit: float | None = None) -> None:
    """The fit scale (what 0 to 100 means), with ``fit`` marked on it."""
    from hcdev_match.present.scale import band_chart_spec

    st.container(key="scale_chart").vega_lite_chart(readable(band_chart_spec(fit)), width="stretch")


def render_fit_check(check: FitCheck, *, narrow: bool = False) -> None:
    """Everything the fit check shows about one scored CV (also used on the recruiter page).

    ``narrow`` (the recruiter's panel beside the table): the fit and the next role stacked, not in a quarter
    of a narrow width, where "100 / 100 (strong)" was cut to "10…"; the explanation drawn open, next to the
    table (on the home page it is drawn when the person opens it); and nothing the page already shows or
    that speaks to the candidate: the seven fits are the candidate's heatmap row, the bands the table's, and
    the advice and the report downloads are the candidate's own (the recruiter exports the batch).
    """
    from hcdev_match.workflows.verdict import read_verdict

    verdict = read_verdict(check.assessment)
    if verdict.no_fit:
        st.header("No healthcare software role fits this text")
        st.markdown(verdict.sentence)
        if not narrow:
            st.markdown(f"**What you could do:** {verdict.advice}")
        st.info(HUMAN_NOTE)
        _flags(check)
        if not narrow:
            render_scale()
        _scored_text(check)
        return
    from hcdev_match.present.charts import fit_chart_spec

    best = check.best
    st.header(f"Best fit: {best.label}")
    next_role = (
        f"**Closest next role:** {check.next_role.label}, {check.next_role.fit:.0f} / 100 ({check.next_role.band})"
    )
    if narrow:
        st.metric(f"Fit ({best.band})", f"{best.fit:.0f} / 100", help=FIT_SCALE)
        st.markdown(next_role)
    else:
        chart, facts = st.columns([3, 1])
        # The fit chart is sent first: it is what the person waits for. It is built (and validated) once per
        # process; each CV only fills in its rows.
        chart.container(key="fit_chart").vega_lite_chart(readable(fit_chart_spec(check.assessment)), width="stretch")
        facts.metric("Fit", f"{best.fit:.0f} / 100 ({best.band})", help=FIT_SCALE)
        facts.markdown(next_role)
        render_scale(best.fit)  # the full width: each band's name fits on its bar, on a phone too
    if verdict.sentence:
        st.markdown(f"**What held the fit down:** {verdict.sentence}")
    st.info(HUMAN_NOTE)
    _flags(check)
    if narrow:
        _explain(check, heading=True)
        _scored_text(check)
        return
    _advice(check, verdict.advice)
    _why(check)
    _scored_text(check)
    _downloads(check)


def _flags(check: FitCheck) -> None:
    for flag in check.flags:
        st.warning(FLAG_MESSAGES.get(flag, flag))


def _advice(check: FitCheck, first: str) -> None:
    st.subheader("What would raise the fit")
    if first:
        st.markdown(f"**First:** {first}")
    for role, advice in check.advice.items():
        label = check.assessment.fit_of(role).label
        worth = [g for g in advice if g.gain >= MIN_GAIN]
        if worth:
            gains = ", ".join(f"{g.label} (about +{g.gain:.0f})" for g in worth)
            st.markdown(f"**{label}**: the missing must-haves that would move the fit most are {gains}.")
        elif advice:
            st.markdown(f"**{label}**: no single missing must-have would move this fit by a point on its own.")
        else:
            st.markdown(f"**{label}**: every must-have skill is already shown.")
    st.caption(
        "Only real experience counts: a skill raises the fit where the text shows it was used, and skills "
        f"only listed count {get_matcher().config.listed_only_weight:.0%} as much. Adding words without the "
        "experience will not help, and a person reads the CV."
    )


def _why(check: FitCheck) -> None:
    # Drawn when opened (a rerun), not sent closed with every result: its table and chart were a third of
    # what the browser drew before the fit chart showed. "What held the fit down" says the cause above it.
    with st.expander(WHY, key=EXPLAIN_OPEN, on_change="rerun") as box:
        if box.open:
            _explain(check)


@owned_fragment
def _explain(check: FitCheck, *, heading: bool = False) -> None:
    """One role's fit explained; choosing another role reruns only this part of the page."""
    if heading:  # in an expander its label says it
        st.subheader(WHY)
    role = st.selectbox(
        "Explain the fit for",
        options=[f.role for f in check.assessment.fits],
        format_func=lambda r: f"{check.assessment.fit_of(r).label} ({check.assessment.fit_of(r).fit:.0f})",
        key="explain_role",
    )
    fit = check.assessment.fit_of(role)
    skills, terms = st.columns([3, 2])
    with skills:
        _skills(fit)
    with terms:
        if fit.terms and fit.fit >= MIN_GAIN:
            from hcdev_match.present.charts import terms_chart_spec

            st.vega_lite_chart(readable(terms_chart_spec(fit)), width="stretch")
        else:
            st.markdown(f"Nothing carried a fit to {fit.label}: it is {fit.fit:.0f} of 100.")
        d = check.assessment.domain
        st.caption(
            f"Every fit is multiplied by the healthcare software evidence, {d.factor:.2f} here: software work "
            f"{d.software:.2f} × healthcare setting {d.healthcare:.2f} × focus on building software {d.focus:.2f} "
            "(1.00 is full evidence)."
        )


def _skills(fit: RoleFit) -> None:
    from hcdev_match.present.plain import plain_words

    matcher = get_matcher()
    if fit.matched:
        import pandas as pd

        st.markdown("**Skills the text shows** (must-haves first)")
        st.dataframe(
            pd.DataFrame(
                {
                    "skill": [m.label for m in fit.matched],
                    "tier": [TIER_NAMES[m.tier] for m in fit.matched],
                    "strength": [m.strength for m in fit.matched],
                    # Whole words, as plain text: the Markdown a CV was written in is taken out.
                    "where the text shows it": [plain_words(m.snippet) for m in fit.matched],
                }
            ),
            hide_index=True,
            row_height=64,  # room for a snippet's two or three lines
            column_config={
                "strength": st.column_config.ProgressColumn(
                    "strength", min_value=0.0, max_value=1.0, format="%.2f", width="small"
                ),
                "where the text shows it": st.column_config.TextColumn(width="large"),
            },
        )
    else:
        st.markdown("The text shows none of this role's skills.")
    for tier in ("must_have", "nice_to_have"):
        missing = [matcher.label_of(s) for s in fit.missing.get(tier, ())]
        st.markdown(f"**Missing {TIER_NAMES[tier]} skills:** " + (", ".join(missing) or "none"))


def _scored_text(check: FitCheck) -> None:
    # Drawn when opened (a rerun), not sent closed with every result: a click waits for less.
    with st.expander("The text that was scored", key=SCORED_TEXT_OPEN, on_change="rerun") as box:
        if box.open:
            st.text(f"Source: {check.source} ({check.kind}), {check.assessment.words} words")
            st.text(check.text)


def _downloads(check: FitCheck) -> None:
    from hcdev_match.present.report import format_csv, format_markdown

    matcher = get_matcher()
    st.subheader("Download")
    csv_col, md_col = st.columns(2)
    # Made when clicked, not on every rerun; a download reruns nothing.
    csv_col.download_button(
        "Fits as CSV",
        lambda: format_csv(check),
        file_name="fit-check.csv",
        mime="text/csv",
        key="download_csv",
        on_click="ignore",
    )
    md_col.download_button(
        "Readable report (Markdown)",
        lambda: format_markdown(check, skill_labels={s: matcher.label_of(s) for s in matcher.catalogue.skills}),
        file_name="fit-check.md",
        mime="text/markdown",
        key="download_md",
        on_click="ignore",
    )
