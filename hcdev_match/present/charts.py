"""Altair chart builders for fits and their explanations (no Streamlit here)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..scoring.assessment import FIT_BANDS, Assessment, RoleFit

__all__ = [
    "BAND_COLOURS",
    "DECISION_COLOURS",
    "build_bands_chart",
    "build_decisions_chart",
    "build_fit_chart",
    "build_gaps_chart",
    "build_heatmap",
    "build_hidden_chart",
    "build_mix_chart",
    "build_share_chart",
    "build_spread_chart",
    "build_terms_chart",
]

BAND_NAMES = [name for _, name, _ in reversed(FIT_BANDS)]  # weak .. strong
# Weak to strong: grey, then blues darkening; each at least 3:1 against the
# white page (non-text contrast) and told apart by lightness without colour
# vision. Text on a band is black on the light two, white on the dark two.
BAND_COLOURS = ["#8a8a8a", "#5b8fd6", "#2563b0", "#0b2f6b"]
BAND_TEXT = ["#000000", "#000000", "#ffffff", "#ffffff"]
BAND_TICKS = [0] + [low for low, _, _ in reversed(FIT_BANDS) if low] + [100]
# Blue, grey and orange (Okabe-Ito): never red against green, which about one
# man in twelve cannot tell apart.
# Row labels up to 320 px, but never more than 40% of a narrow chart: on a
# phone (390 px) the bars keep most of the width (they were squeezed to 120 px).
LABEL_LIMIT = alt.ExprRef("min(320, containerSize()[0] * 0.4)")
DECISION_COLOURS = {"shortlist": "#0072b2", "hold": "#8a8a8a", "reject": "#b35c00"}


def build_fit_chart(assessment: Assessment) -> alt.Chart:
    """Bars of every role's fit, best first, coloured by fit band."""
    data = pd.DataFrame(
        {
            "role": [f.label for f in assessment.fits],
            "fit": [round(f.fit, 1) for f in assessment.fits],
            "band": [f.band for f in assessment.fits],
            "must-haves shown": [_must_haves(f) for f in assessment.fits],
        }
    )
    chart: alt.Chart = (
        alt.Chart(data, title="Fit to each role")
        .mark_bar(cornerRadiusEnd=3)
        .encode(
            x=alt.X(
                "fit:Q",
                title="Fit (0 to 100)",
                scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(values=BAND_TICKS, grid=True),
            ),
            y=alt.Y("role:N", sort="-x", title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
            color=alt.Color(
                "band:N",
                title="Fit band",
                scale=alt.Scale(domain=BAND_NAMES, range=BAND_COLOURS),
                legend=alt.Legend(orient="bottom", values=BAND_NAMES),
            ),
            tooltip=["role:N", "fit:Q", "band:N", "must-haves shown:N"],
        )
        .properties(height=alt.Step(34))
    )
    return chart


def build_terms_chart(fit: RoleFit, *, top: int = 10) -> alt.Chart:
    """The terms that carried one role's fit; the rest are summed as "other terms"."""
    shown = list(fit.terms[:top])
    rows = [{"term": t.label, "points": round(t.contribution, 2)} for t in shown]
    rest = sum(t.contribution for t in fit.terms[top:])
    if rest > 0:
        rows.append({"term": f"other terms ({len(fit.terms) - top})", "points": round(rest, 2)})
    data = pd.DataFrame(rows, columns=["term", "points"])
    chart: alt.Chart = (
        alt.Chart(data, title=f"What carried the {fit.fit:.0f} points")
        .mark_bar(color=BAND_COLOURS[2])
        .encode(
            x=alt.X("points:Q", title="Fit points (they add up to the fit)"),
            y=alt.Y("term:N", sort=None, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
            tooltip=["term:N", "points:Q"],
        )
        .properties(height=alt.Step(24))
    )
    return chart


def _must_haves(fit: RoleFit) -> str:
    shown = sum(1 for m in fit.matched if m.tier == "must_have")
    return f"{shown} of {shown + len(fit.missing.get('must_have', ()))}"


def build_heatmap(
    table: pd.DataFrame, *, role_labels: dict[str, str], candidate_column: str = "candidate"
) -> alt.Chart:
    """Candidates (rows, best for the opening first) x roles (columns), coloured by fit.

    Every label is drawn (Vega hides "overlapping" ones by default, which at
    200 rows or 1280 px dropped every other row and three of seven roles),
    and the role labels sit at the top, where a long chart is read from.
    """
    roles = list(role_labels)
    long = table.melt(id_vars=[candidate_column, "opening fit"], value_vars=roles, var_name="role", value_name="fit")
    long["role"] = long["role"].map(role_labels)
    order = list(table[candidate_column])
    chart: alt.Chart = (
        alt.Chart(long, title="Fit of each candidate to each role")
        .mark_rect()
        .encode(
            x=alt.X(
                "role:N",
                title=None,
                sort=[role_labels[r] for r in roles],
                axis=alt.Axis(orient="top", labelAngle=-35, labelLimit=260, labelOverlap=False, labelFontSize=12),
            ),
            y=alt.Y(
                f"{candidate_column}:N",
                title=None,
                sort=order,
                axis=alt.Axis(labelOverlap=False, labelFontSize=11, labelPadding=4),
            ),
            color=alt.Color("fit:Q", title="Fit", scale=alt.Scale(domain=[0, 100], scheme="blues")),
            tooltip=[f"{candidate_column}:N", "role:N", "fit:Q", "opening fit:Q"],
        )
        # SVG, not canvas: its labels are text that a screen reader (and a browser test) can read.
        .properties(height=alt.Step(20), usermeta={"embedOptions": {"renderer": "svg"}})
    )
    return chart


# -- HR charts: aggregates only ------------------------------------------------------
# Each takes a table from `hcdev_match.storage.insights` and, when the table is empty
# (nobody, or only groups too small to show: the same to the reader), draws
# the words ``hidden`` under its title instead of empty axes.


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


def build_spread_chart(spread: pd.DataFrame, *, hidden: str) -> alt.TopLevelMixin:
    """Per role, where the middle half of the fits lies and the median's step (no minimum, no maximum)."""
    title = "Spread of fit per role"
    if spread.empty:
        return build_hidden_chart(title, hidden)
    base = alt.Chart(spread).encode(
        y=alt.Y("role:N", title=None, sort=alt.EncodingSortField("median from", order="descending"),
                axis=alt.Axis(labelLimit=320)),
        tooltip=["role:N", "middle half from:Q", "middle half to:Q", "median from:Q", "median to:Q"],
    )  # fmt: skip
    box = base.mark_bar(size=16, color=BAND_COLOURS[1]).encode(
        x=alt.X(
            "middle half from:Q",
            title="Fit: middle half of the people (light), the median's step (dark)",
            scale=alt.Scale(domain=[0, 100]),
            axis=alt.Axis(values=BAND_TICKS),
        ),
        x2="middle half to:Q",
    )
    median = base.mark_bar(size=16, color=BAND_COLOURS[3]).encode(x="median from:Q", x2="median to:Q")
    layered = alt.LayerChart(layer=[box, median], title=title, height=alt.Step(30))
    return layered


def build_bands_chart(bands: pd.DataFrame, *, hidden: str) -> alt.Chart:
    """How many candidates clear each fit band, per role."""
    title = "Candidates clearing each fit band"
    if bands.empty:
        return build_hidden_chart(title, hidden)
    chart: alt.Chart = (
        alt.Chart(bands, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("role:N", title=None, axis=alt.Axis(labelLimit=320)),
            yOffset=alt.YOffset("band:N", sort=["30+", "60+", "90+"]),
            x=alt.X("candidates:Q", title="Candidates"),
            color=alt.Color("band:N", title="Fit", sort=["30+", "60+", "90+"], scale=alt.Scale(range=BAND_COLOURS[1:])),
            tooltip=["role:N", "band:N", "candidates:Q"],
        )
        .properties(height=alt.Step(12))
    )
    return chart


def build_mix_chart(mix: pd.DataFrame, *, hidden: str) -> alt.Chart:
    """The best-role mix of the pool, month by month."""
    title = "Best-role mix by month"
    if mix.empty:
        return build_hidden_chart(title, hidden)
    chart: alt.Chart = (
        alt.Chart(mix, title=title)
        .mark_bar()
        .encode(
            x=alt.X("month:O", title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("candidates:Q", title="Candidates", stack="zero"),
            color=alt.Color("role:N", title="Best role", legend=alt.Legend(orient="right", labelLimit=320)),
            tooltip=["month:O", "role:N", "candidates:Q"],
        )
        .properties(height=280)
    )
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
                    axis=alt.Axis(labelLimit=260)),
            color=alt.Color("missing share:Q", title="Missing", scale=alt.Scale(domain=[0, 1], scheme="oranges"),
                            legend=alt.Legend(format="%")),
            tooltip=["role:N", "skill:N", alt.Tooltip("missing share:Q", format=".0%"), "missing:Q",
                     alt.Tooltip("people:Q", title="people counted")],
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
            y=alt.Y("skill:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260)),
            tooltip=["skill:N", alt.Tooltip("share:Q", format=".0%"), "candidates:Q",
                     alt.Tooltip("people:Q", title="people counted")],
        )
        .properties(height=alt.Step(26))
    )  # fmt: skip
    return chart


def build_decisions_chart(decisions: pd.DataFrame, *, hidden: str) -> alt.Chart:
    """Latest decision per assessment, by best role and by source."""
    title = "Decisions by role and source"
    if decisions.empty:
        return build_hidden_chart(title, hidden)
    data = decisions.assign(
        group=lambda d: (
            d["role"]
            + " ("
            + d["source"].map({"recruiter": "recruiter batch", "candidate": "candidate opt-in"}).fillna(d["source"])
            + ")"
        )
    )
    chart: alt.Chart = (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("group:N", title=None, axis=alt.Axis(labelLimit=360)),
            x=alt.X("candidates:Q", title="Candidates", stack="zero"),
            color=alt.Color("decision:N", title="Decision", sort=list(DECISION_COLOURS),
                            scale=alt.Scale(domain=list(DECISION_COLOURS), range=list(DECISION_COLOURS.values()))),
            tooltip=["role:N", "source:N", "decision:N", "candidates:Q"],
        )
        .properties(height=alt.Step(22))
    )  # fmt: skip
    return chart
