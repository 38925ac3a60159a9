"""Altair chart builders for fits and their explanations (no Streamlit here; the HR charts are in hr_charts)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..config import BAND_FLOORS, FIT_BANDS
from ..scoring.assessment import Assessment, RoleFit

__all__ = [
    "BAND_COLOURS",
    "DECISION_COLOURS",
    "LABEL_LIMIT",
    "build_fit_chart",
    "build_heatmap",
    "build_terms_chart",
]

BAND_NAMES = [name for _, name, _ in reversed(FIT_BANDS)]  # weak .. strong
# Weak to strong: grey, then blues darkening; each at least 3:1 against the
# white page (non-text contrast) and told apart by lightness without colour
# vision. Text on a band is black on the light two, white on the dark two.
BAND_COLOURS = ["#8a8a8a", "#5b8fd6", "#2563b0", "#0b2f6b"]
BAND_TEXT = ["#000000", "#000000", "#ffffff", "#ffffff"]
BAND_FLOOR_NAMES = [name for _, name in BAND_FLOORS]  # "30+" .. "90+"
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
