"""The HR page's chart builders: aggregates only (no Streamlit here; each with its sentence in hr_figures).

Each builder takes a table of ``hcdev_match.storage.insights`` and returns
one ``alt.Chart``. A table with nothing to show (nobody, or only groups too
small to show: the same to the reader) gives a chart of its title and the
words ``hidden``, with no axes to misread as zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import altair as alt
import pandas as pd

from ..storage.insights import FUNNEL
from .charts import BAND_COLOURS, BAND_FLOOR_NAMES, BAND_TICKS, DECISION_COLOURS, LABEL_LIMIT

__all__ = [
    "build_bands_chart",
    "build_decisions_chart",
    "build_funnel_chart",
    "build_gaps_chart",
    "build_hidden_chart",
    "build_mix_chart",
    "build_recruiters_chart",
    "build_share_chart",
    "build_spread_chart",
    "month_label",
]

# The spread's role labels carry its numbers: wider, but never more than 45% of a narrow chart.
SPREAD_LABEL_LIMIT = alt.ExprRef("min(460, containerSize()[0] * 0.45)")
LEGEND_LABEL_LIMIT = alt.ExprRef("min(400, containerSize()[0] * 0.85)")  # a legend alone on its lines below a chart
DECISION_WORDS = {"shortlist": "shortlisted", "hold": "held", "reject": "rejected"}
SOURCE_WORDS = {"recruiter": "recruiter batch", "candidate": "candidate opt-in"}
HIDDEN_MONTH = "hidden"  # how a month (or a funnel stage) with nothing that can be shown is marked on its axis
#: The best roles' colours: Okabe and Ito's set for colour-blind readers (its yellow left out, too light on white),
#: never a red beside a green.
ROLE_COLOURS = ("#0072b2", "#e69f00", "#56b4e9", "#009e73", "#d55e00", "#cc79a7", "#000000")


def _tips(*fields: str | alt.Tooltip) -> list[alt.Tooltip]:
    """Tooltips as objects: Altair wraps a plain "field:type" through a slow look-up in its schema."""
    return [alt.Tooltip(f) if isinstance(f, str) else f for f in fields]


def build_hidden_chart(title: str, hidden: str) -> alt.Chart:
    """A chart with nothing to show: its title and ``hidden`` in words, no axes."""
    chart: alt.Chart = (
        alt.Chart(pd.DataFrame({"one": [1]}), title=title)  # one row: the mark is drawn once
        .mark_text(text=hidden, align="left", baseline="middle", fontSize=14, color="#4a5563")
        .encode(x=alt.value(0), y=alt.value(20))
        .properties(height=90)  # Streamlit's theme pads a chart: at 40 px the words would be cut off
        .configure_view(strokeWidth=0)
    )
    return chart


def build_spread_chart(spread: pd.DataFrame, *, hidden: str) -> alt.Chart:
    """Per role's own pool, the middle half of the fits and the median's step, the numbers in the role's label."""
    title = "Spread of fit per role"
    if spread.empty:
        return build_hidden_chart(title, hidden)
    rows = []
    for part, low, high in (
        ("middle half", "middle half from", "middle half to"),
        ("median step", "median from", "median to"),
    ):  # the median is drawn over the box
        for record in spread.to_dict("records"):
            label = (  # three lines (split by the axis): a long role name cut short never hides the numbers
                f"{record['role']}\nmiddle half {record['middle half from']}–{record['middle half to']}\n"
                f"median {record['median from']}–{record['median to']}"
            )
            rows.append({"role": label, "part": part, "from": record[low], "to": record[high],
                         "median": record["median from"]})  # fmt: skip
    chart: alt.Chart = (
        alt.Chart(pd.DataFrame(rows), title=title)
        .mark_bar(size=18)
        .encode(
            y=alt.Y("role:N", title=None, sort=alt.EncodingSortField("median", order="descending"),
                    axis=alt.Axis(labelLimit=SPREAD_LABEL_LIMIT, labelExpr="split(datum.label, '\\n')")),
            x=alt.X("from:Q", title="Fit", scale=alt.Scale(domain=[0, 100]), axis=alt.Axis(values=BAND_TICKS)),
            x2="to:Q",
            color=alt.Color("part:N", title=None, scale=alt.Scale(domain=["middle half", "median step"],
                            range=[BAND_COLOURS[1], BAND_COLOURS[3]]),
                            legend=alt.Legend(orient="bottom", direction="vertical")),
            tooltip=_tips("role:N", "part:N", "from:Q", "to:Q"),
        )
        .properties(height=alt.Step(48))
    )  # fmt: skip
    return chart


def build_bands_chart(bands: pd.DataFrame, *, hidden: str) -> alt.Chart:
    """How many candidates clear each fit band, per role."""
    title = "Candidates clearing each fit band"
    if bands.empty:
        return build_hidden_chart(title, hidden)
    chart: alt.Chart = (
        alt.Chart(bands, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("role:N", title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
            yOffset=alt.YOffset("band:N", sort=BAND_FLOOR_NAMES),
            x=alt.X("candidates:Q", title="Candidates"),
            color=alt.Color("band:N", title="Fit", sort=BAND_FLOOR_NAMES, scale=alt.Scale(range=BAND_COLOURS[1:])),
            tooltip=_tips("role:N", "band:N", "candidates:Q"),
        )
        .properties(height=alt.Step(12))
    )
    return chart


def month_label(month: str) -> str:
    """Write a month ("2026-03") as its axis shows it ("Mar 2026")."""
    return f"{date.fromisoformat(month + '-01'):%b %Y}"


def build_mix_chart(mix: pd.DataFrame, *, months: Sequence[str] = (), hidden: str) -> alt.Chart:
    """The best-role mix of the pool, month by month; a month with nothing to show is labelled hidden, not 0."""
    title = "Best-role mix by month"
    if mix.empty:
        return build_hidden_chart(title, hidden)
    shown = set(mix["month"])
    every = list(dict.fromkeys([*months, *sorted(shown)]))
    axis = [month_label(m) if m in shown else f"{month_label(m)} ({HIDDEN_MONTH})" for m in every]
    data = mix.assign(month=mix["month"].map(month_label))
    chart: alt.Chart = (
        alt.Chart(data, title=title)
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("month:O", title=None, scale=alt.Scale(domain=axis),
                    axis=alt.Axis(labelAngle=-40, labelLimit=160, labelOverlap=False)),
            y=alt.Y("candidates:Q", title="Candidates", stack="zero"),
            # The legend below the bars, one role a line: on the right it left a phone's bars no width at all.
            color=alt.Color("role:N", title="Best role", scale=alt.Scale(range=list(ROLE_COLOURS)),
                            legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=LEGEND_LABEL_LIMIT)),
            tooltip=_tips("month:O", "role:N", "candidates:Q"),
        )
        # The height is the bars' alone: Streamlit's theme fits the whole chart, legend below included, into it.
        .properties(height=280, autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    )  # fmt: skip
    return chart


def build_gaps_chart(gaps: pd.DataFrame, *, hidden: str) -> alt.Chart:
    """For each role's pool, the share of candidates missing each must-have skill (a grid)."""
    title = "Must-have skills missing, by role pool"
    if gaps.empty:
        return build_hidden_chart(title, hidden)
    chart: alt.Chart = (
        alt.Chart(gaps, title=title)
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("role:N", title=None, axis=alt.Axis(labelAngle=-25, labelLimit=200, labelOverlap=False)),
            y=alt.Y("skill:N", title=None, sort=alt.EncodingSortField("missing share", op="max", order="descending"),
                    axis=alt.Axis(labelLimit=LABEL_LIMIT)),
            color=alt.Color("missing share:Q", title="Missing", scale=alt.Scale(domain=[0, 1], scheme="oranges"),
                            legend=alt.Legend(format="%")),
            tooltip=_tips("role:N", "skill:N", alt.Tooltip("missing share:Q", format=".0%"), "missing:Q",
                     alt.Tooltip("people:Q", title="people counted")),
        )
        .properties(height=alt.Step(20))
    )  # fmt: skip
    return chart


def build_share_chart(shares: pd.DataFrame, *, title: str, hidden: str) -> alt.Chart:
    """Share of the pool showing each skill (healthcare essentials, future technologies)."""
    if shares.empty:
        return build_hidden_chart(title, hidden)
    chart: alt.Chart = (
        alt.Chart(shares, title=title)
        .mark_bar(color=BAND_COLOURS[2])
        .encode(
            x=alt.X("share:Q", title="Share of the pool", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("skill:N", title=None, sort="-x", axis=alt.Axis(labelLimit=LABEL_LIMIT)),
            tooltip=_tips("skill:N", alt.Tooltip("share:Q", format=".0%"), "candidates:Q",
                     alt.Tooltip("people:Q", title="people counted")),
        )
        .properties(height=alt.Step(26))
    )  # fmt: skip
    return chart


def _decision_colour(title: str) -> alt.Color:
    words, colours = list(DECISION_WORDS.values()), list(DECISION_COLOURS.values())
    return alt.Color("decision:N", title=title, sort=words, scale=alt.Scale(domain=words, range=colours))


def build_decisions_chart(decisions: pd.DataFrame, *, hidden: str) -> alt.Chart:
    """Latest decision per assessment, by best role and by source."""
    title = "Decisions by role and source"
    if decisions.empty:
        return build_hidden_chart(title, hidden)
    data = decisions.assign(
        group=decisions["role"] + " (" + decisions["source"].map(SOURCE_WORDS).fillna(decisions["source"]) + ")",
        decision=decisions["decision"].map(DECISION_WORDS),
    )
    chart: alt.Chart = (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("group:N", title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
            x=alt.X("candidates:Q", title="Candidates", stack="zero"),
            color=_decision_colour("Latest decision"),
            tooltip=_tips("role:N", "source:N", "decision:N", "candidates:Q"),
        )
        .properties(height=alt.Step(22))
    )
    return chart


def build_funnel_chart(funnel: pd.DataFrame, *, hidden: str) -> alt.Chart:
    """Assessed, then shortlisted, then (of those) held or rejected: one bar per stage."""
    title = "Decision funnel"
    if funnel.empty:
        return build_hidden_chart(title, hidden)
    # Every stage stays on the axis: one with nothing that can be shown is marked, never left out to read as none.
    shown = set(funnel["stage"])
    stages = [s if s in shown else f"{s} ({HIDDEN_MONTH})" for s in dict.fromkeys([*FUNNEL, *funnel["stage"]])]
    chart: alt.Chart = (
        alt.Chart(funnel, title=title)
        .mark_bar(color=BAND_COLOURS[2])
        .encode(
            y=alt.Y("stage:N", title=None, scale=alt.Scale(domain=stages), axis=alt.Axis(labelLimit=LABEL_LIMIT)),
            x=alt.X("candidates:Q", title="Candidates"),
            tooltip=_tips("stage:N", "candidates:Q"),
        )
        .properties(height=alt.Step(30))
    )
    return chart


def build_recruiters_chart(recruiters: pd.DataFrame, *, hidden: str) -> alt.Chart:
    """Each recruiter's latest decisions as shares of those they decided: a consistency check."""
    title = "Decisions per recruiter (consistency check)"
    if recruiters.empty:
        return build_hidden_chart(title, hidden)
    data = recruiters.assign(decision=recruiters["decision"].map(DECISION_WORDS))
    chart: alt.Chart = (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("recruiter:N", title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
            x=alt.X("share:Q", title="Share of their decisions", stack="zero", axis=alt.Axis(format="%"),
                    scale=alt.Scale(domain=[0, 1])),
            color=_decision_colour("Latest decision"),
            tooltip=_tips("recruiter:N", "decision:N", alt.Tooltip("share:Q", format=".0%"), "candidates:Q",
                     alt.Tooltip("decided:Q", title="decided by them")),
        )
        .properties(height=alt.Step(26))
    )  # fmt: skip
    return chart
