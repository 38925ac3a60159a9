"""What the fit check shows about one scored CV (the home page and the recruiter's explanation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from hcdev_match.scoring.assessment import FLAG_MESSAGES

from .resources import get_matcher

if TYPE_CHECKING:
    from hcdev_match.workflows.fitcheck import FitCheck

__all__ = ["HUMAN_NOTE", "TIER_NAMES", "render_fit_check"]

HUMAN_NOTE = (
    "**A person decides.** The fit shows how much of each role's skill profile the text evidences; "
    "it assists a recruiter or a candidate and is never a hiring decision on its own."
)
TIER_NAMES = {
    "must_have": "must-have",
    "nice_to_have": "nice-to-have",
    "general": "general skill",
    "future": "future tech",
    "keyword": "role keyword",
}


def render_fit_check(check: FitCheck) -> None:
    """Everything the fit check shows about one scored CV (also used on the recruiter page)."""
    import pandas as pd

    from hcdev_match.present.charts import build_fit_chart, build_terms_chart
    from hcdev_match.present.report import format_csv, format_markdown

    matcher = get_matcher()
    best = check.best
    st.header(f"Best fit: {best.label}")
    left, right = st.columns([1, 2])
    left.metric("Fit", f"{best.fit:.0f} / 100 ({best.band})", help="90+ strong, 60+ good, 30+ partial, below 30 weak")
    right.markdown(
        f"**Closest next role:** {check.next_role.label}, {check.next_role.fit:.0f} / 100 ({check.next_role.band})"
    )
    st.info(HUMAN_NOTE)
    for flag in check.flags:
        st.warning(FLAG_MESSAGES.get(flag, flag))

    st.container(key="fit_chart").altair_chart(build_fit_chart(check.assessment), width="stretch")

    st.subheader("What would raise the fit")
    for role, advice in check.advice.items():
        label = check.assessment.fit_of(role).label
        if advice:
            gains = ", ".join(f"{g.label} (about +{g.gain:.0f})" for g in advice)
            st.markdown(f"**{label}**: the missing must-haves that would move the fit most are {gains}.")
        else:
            st.markdown(f"**{label}**: every must-have skill is already shown.")
    st.caption(
        "Only real experience counts: a skill raises the fit where the text shows it was used, and skills "
        f"only listed count {matcher.config.listed_only_weight:.0%} as much. Adding words without the experience "
        "will not help, and a person reads the CV."
    )

    st.subheader("Why: the fit to each role explained")
    role = st.selectbox(
        "Explain the fit for",
        options=[f.role for f in check.assessment.fits],
        format_func=lambda r: f"{check.assessment.fit_of(r).label} ({check.assessment.fit_of(r).fit:.0f})",
        key="explain_role",
    )
    fit = check.assessment.fit_of(role)
    skills, terms = st.columns([3, 2])
    with skills:
        if fit.matched:
            st.markdown("**Skills the text shows** (must-haves first)")
            st.dataframe(
                pd.DataFrame(
                    {
                        "skill": [m.label for m in fit.matched],
                        "tier": [TIER_NAMES[m.tier] for m in fit.matched],
                        "strength": [m.strength for m in fit.matched],
                        "where the text shows it": [m.snippet for m in fit.matched],
                    }
                ),
                hide_index=True,
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
    with terms:
        if fit.terms:
            st.altair_chart(build_terms_chart(fit), width="stretch")
        d = check.assessment.domain
        st.caption(
            f"Healthcare software evidence {d.factor:.2f} = software work {d.software:.2f} "
            f"x healthcare setting {d.healthcare:.2f} x focus on building software {d.focus:.2f}."
        )

    with st.expander("The text that was scored"):
        st.text(f"Source: {check.source} ({check.kind}), {check.assessment.words} words")
        st.text(check.text)

    st.subheader("Download")
    csv_col, md_col = st.columns(2)
    csv_col.download_button(
        "Fits as CSV", format_csv(check), file_name="fit-check.csv", mime="text/csv", key="download_csv"
    )
    md_col.download_button(
        "Readable report (Markdown)",
        format_markdown(check, skill_labels={s: matcher.label_of(s) for s in matcher.catalogue.skills}),
        file_name="fit-check.md",
        mime="text/markdown",
        key="download_md",
    )
    st.caption(f"Catalogue version {check.assessment.catalogue_version}.")
