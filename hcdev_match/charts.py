"""Altair chart builders for fits and their explanations (no Streamlit here)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .assessment import FIT_BANDS, Assessment, RoleFit

__all__ = ["BAND_COLOURS", "build_band_chart", "build_fit_chart", "build_heatmap", "build_terms_chart"]

BAND_NAMES = [name for _, name, _ in reversed(FIT_BANDS)]  # weak .. strong
BAND_COLOURS = ["#c8d1dc", "#8db4dc", "#3f7fd0", "#17498f"]
BAND_TICKS = [0] + [low for low, _, _ in reversed(FIT_BANDS) if low] + [100]


def build_band_chart() -> alt.Chart:
    """The fit scale itself: what each band of 0 to 100 means."""
    bounds = [low for low, _, _ in reversed(FIT_BANDS)] + [100]
    meanings = {name: meaning for _, name, meaning in FIT_BANDS}
    data = pd.DataFrame(
        {
            "band": BAND_NAMES,
            "from": bounds[:-1],
            "to": bounds[1:],
            "meaning": [meanings[name] for name in BAND_NAMES],
        }
    )
    chart: alt.Chart = (
        alt.Chart(data, title="How to read a fit")
        .mark_bar(height=26)
        .encode(
            x=alt.X("from:Q", title=None, scale=alt.Scale(domain=[0, 100]), axis=alt.Axis(values=BAND_TICKS)),
            x2="to:Q",
            color=alt.Color(
                "band:N",
                scale=alt.Scale(domain=BAND_NAMES, range=BAND_COLOURS),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=["band:N", "from:Q", "to:Q", "meaning:N"],
        )
        .properties(height=40)
    )
    return chart


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
            y=alt.Y("role:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
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
            y=alt.Y("term:N", sort=None, title=None, axis=alt.Axis(labelLimit=320)),
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
    """Candidates (rows, best for the opening first) x roles (columns), coloured by fit."""
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
                axis=alt.Axis(labelAngle=-30, labelLimit=220),
            ),
            y=alt.Y(f"{candidate_column}:N", title=None, sort=order),
            color=alt.Color("fit:Q", title="Fit", scale=alt.Scale(domain=[0, 100], scheme="blues")),
            tooltip=[f"{candidate_column}:N", "role:N", "fit:Q", "opening fit:Q"],
        )
        .properties(height=alt.Step(18))
    )
    return chart
