"""Altair chart builders for fits and their explanations (no Streamlit here; the HR charts are in hr_charts)."""

from __future__ import annotations

import copy
import functools
from typing import Any

import altair as alt
import pandas as pd

from ..config import BAND_FLOORS, FIT_BANDS
from ..scoring.assessment import Assessment, RoleFit

__all__ = [
    "AXIS_INK",
    "BAND_COLOURS",
    "DECISION_COLOURS",
    "LABEL_LIMIT",
    "build_fit_chart",
    "build_heatmap",
    "build_terms_chart",
    "fit_chart_spec",
    "heatmap_spec",
    "readable",
    "terms_chart_spec",
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
# Streamlit draws a chart's titles, axes and legends in a fixed grey of 3.7:1 on
# white (under WCAG AA's 4.5:1), whatever the theme; a chart's own config wins.
AXIS_INK = "#3d4150"  # 10:1 on white


def readable(chart: alt.Chart) -> alt.Chart:
    """``chart`` with its titles, axes and legends in ink of 10:1 (Streamlit's own grey is 3.7:1, under 4.5)."""
    configured: alt.Chart = (
        chart.configure_axis(labelColor=AXIS_INK, titleColor=AXIS_INK)
        .configure_legend(labelColor=AXIS_INK, titleColor=AXIS_INK)
        .configure_title(color=AXIS_INK)
    )
    return configured


FIT_COLUMNS = ("role", "fit", "band", "must-haves shown")
TERM_COLUMNS = ("term", "points")


def build_fit_chart(assessment: Assessment) -> alt.Chart:
    """Bars of every role's fit, best first, coloured by fit band."""
    return _fit_chart(pd.DataFrame(_fit_rows(assessment), columns=list(FIT_COLUMNS)))


def fit_chart_spec(assessment: Assessment) -> dict[str, Any]:
    """``build_fit_chart(assessment)``'s Vega-Lite spec, unvalidated: the chart is built once, only its rows change.

    Altair checks every encoding against the schema as a chart is built
    (about 14 ms a chart, a quarter of drawing a fit check's result); the
    rows are all that differ from one CV to the next.
    """
    return _with_rows(_template("fit"), _fit_rows(assessment))


def terms_chart_spec(fit: RoleFit, *, top: int = 10) -> dict[str, Any]:
    """``build_terms_chart(fit, top=top)``'s Vega-Lite spec, unvalidated, from a chart built once."""
    spec = _with_rows(_template("terms"), _term_rows(fit, top))
    spec["title"] = _terms_title(fit)
    return spec


@functools.cache
def _template(kind: str) -> dict[str, Any]:
    if kind == "fit":
        chart = _fit_chart(pd.DataFrame(columns=list(FIT_COLUMNS)))
    else:
        chart = _terms_chart(pd.DataFrame(columns=list(TERM_COLUMNS)), title="")
    spec: dict[str, Any] = chart.to_dict()
    del spec["datasets"]
    return spec


def _with_rows(template: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    spec = copy.deepcopy(template)  # the caller (and Streamlit) may change the dict it is given
    spec["datasets"] = {spec["data"]["name"]: rows}
    return spec


def _fit_rows(assessment: Assessment) -> list[dict[str, Any]]:
    return [
        dict(zip(FIT_COLUMNS, (f.label, round(f.fit, 1), f.band, _must_haves(f)), strict=True)) for f in assessment.fits
    ]


def _fit_chart(data: pd.DataFrame) -> alt.Chart:
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
    return _terms_chart(pd.DataFrame(_term_rows(fit, top), columns=list(TERM_COLUMNS)), title=_terms_title(fit))


def _terms_title(fit: RoleFit) -> str:
    return f"What carried the {fit.fit:.0f} points"


def _term_rows(fit: RoleFit, top: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [{"term": t.label, "points": round(t.contribution, 2)} for t in fit.terms[:top]]
    rest = sum(t.contribution for t in fit.terms[top:])
    if rest > 0:
        rows.append({"term": f"other terms ({len(fit.terms) - top})", "points": round(rest, 2)})
    return rows


def _terms_chart(data: pd.DataFrame, *, title: str) -> alt.Chart:
    chart: alt.Chart = (
        alt.Chart(data, title=title)
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
    and the role labels sit at the top, where a long chart is read from. Its
    text is in readable ink; its cells one blue from light to dark, told
    apart by lightness, never by red against green.
    """
    order = list(table[candidate_column])
    return _heatmap(_heatmap_rows(table, role_labels, candidate_column), role_labels, candidate_column, order)


def heatmap_spec(
    table: pd.DataFrame, *, role_labels: dict[str, str], candidate_column: str = "candidate"
) -> dict[str, Any]:
    """``build_heatmap(...)``'s Vega-Lite spec, unvalidated: built once per set of roles, only its rows and their
    order change (Altair's validation and ``to_dict`` took about 25 ms of every recruiter page run)."""
    template = _heatmap_template(tuple(role_labels.items()), candidate_column)
    spec = _with_rows(template, _heatmap_rows(table, role_labels, candidate_column).to_dict("records"))
    spec["encoding"]["y"]["sort"] = list(table[candidate_column])
    return spec


@functools.cache
def _heatmap_template(role_labels: tuple[tuple[str, str], ...], candidate_column: str) -> dict[str, Any]:
    labels = dict(role_labels)
    empty = pd.DataFrame(columns=[candidate_column, "opening fit", *labels])
    spec: dict[str, Any] = _heatmap(
        _heatmap_rows(empty, labels, candidate_column), labels, candidate_column, []
    ).to_dict()
    del spec["datasets"]
    return spec


def _heatmap_rows(table: pd.DataFrame, role_labels: dict[str, str], candidate_column: str) -> pd.DataFrame:
    long = table.melt(
        id_vars=[candidate_column, "opening fit"], value_vars=list(role_labels), var_name="role", value_name="fit"
    )
    long["role"] = long["role"].map(role_labels)
    return long


def _heatmap(long: pd.DataFrame, role_labels: dict[str, str], candidate_column: str, order: list[str]) -> alt.Chart:
    roles = list(role_labels)
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
    return readable(chart)
