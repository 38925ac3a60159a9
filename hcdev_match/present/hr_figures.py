"""The HR page's figures in order: the table each draws, one sentence on how to read it, its chart.

Every chart's titles, axes and legends are drawn in readable ink (no Streamlit here).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import altair as alt

from .charts import readable
from .hr_charts import (
    build_bands_chart,
    build_decisions_chart,
    build_funnel_chart,
    build_gaps_chart,
    build_mix_chart,
    build_recruiters_chart,
    build_share_chart,
    build_spread_chart,
)

__all__ = ["HR_CHARTS", "HrChart"]


@dataclass(frozen=True)
class HrChart:
    """One chart of the HR page: the table it draws, how to read it, and how it is built."""

    table: str  # the Insights field it draws
    reading: str  # one sentence, shown under the chart
    draw: Callable[[Any, str], alt.Chart]  # (insights, hidden note) -> chart

    def build(self, insights: Any, hidden: str) -> alt.Chart:
        """The chart of ``insights``, its text in readable ink."""
        return readable(self.draw(insights, hidden))


HR_CHARTS: tuple[HrChart, ...] = (
    HrChart("fit_spread", "For the people whose best role it is, the light bar spans the middle half of their fits "
            "and the dark bar the 10-point step holding the median (no minimum or maximum is shown).",
            lambda i, h: build_spread_chart(i.fit_spread, hidden=h)),
    HrChart("bands", "For each role, how many people reach a fit of 30, 60 and 90 or more for it; one person "
            "counts for every role they reach.", lambda i, h: build_bands_chart(i.bands, hidden=h)),
    HrChart("role_mix", "Each bar is one month's people, coloured by best role; a month marked hidden has nothing "
            "that can be shown (too few people, or none), which is not the same as zero.",
            lambda i, h: build_mix_chart(i.role_mix, months=i.months, hidden=h)),
    HrChart("skill_gaps", "The darker a cell, the larger the share of the role's pool (people whose best role it "
            "is) without that must-have skill; an empty cell means none, or too few to show.",
            lambda i, h: build_gaps_chart(i.skill_gaps, hidden=h)),
    HrChart("essentials", "The share of the people counted whose CV shows each healthcare essential; a skill "
            "missing from the chart is shown by nobody, or by too few to show.",
            lambda i, h: build_share_chart(i.essentials, title="Healthcare essentials across the pool", hidden=h)),
    HrChart("future", "The share of the people counted whose CV shows each technology the field expects next; "
            "a missing skill is shown by nobody, or by too few to show.",
            lambda i, h: build_share_chart(i.future, title="Readiness for future technologies", hidden=h)),
    HrChart("decisions", "Each bar counts the latest decision on the people of one best role and source; people "
            "without a decision are not drawn.", lambda i, h: build_decisions_chart(i.decisions, hidden=h)),
    HrChart("funnel", "Top to bottom: people assessed, those shortlisted at some point, and of those the ones "
            "whose latest decision is hold or reject; a stage marked hidden has none, or too few to show.",
            lambda i, h: build_funnel_chart(i.funnel, hidden=h)),
    HrChart("recruiters", "Each bar splits one recruiter's latest decisions into shortlisted, held and rejected; "
            "a bar far from the others is a question to talk over, not a verdict.",
            lambda i, h: build_recruiters_chart(i.recruiters, hidden=h)),
)  # fmt: skip
