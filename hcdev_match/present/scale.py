"""The fit scale drawn for people: four bands of 0 to 100 named on the bar (the axis gives bounds), a fit marked."""

from __future__ import annotations

import copy
import functools
from typing import Any

import altair as alt
import pandas as pd

from ..config import FIT_BANDS
from .charts import AXIS_INK, BAND_COLOURS, BAND_NAMES, BAND_TEXT, BAND_TICKS

__all__ = ["band_chart_spec", "build_band_chart"]


def build_band_chart(fit: float | None = None) -> alt.LayerChart:
    """The fit scale itself: the four bands of 0 to 100 named on the bar, and ``fit`` marked on it."""
    bounds = [low for low, _, _ in reversed(FIT_BANDS)] + [100]
    meanings = {name: meaning for _, name, meaning in FIT_BANDS}
    data = pd.DataFrame(
        {
            "band": BAND_NAMES,
            "from": bounds[:-1],
            "to": bounds[1:],
            "middle": [(a + b) / 2 for a, b in zip(bounds[:-1], bounds[1:], strict=True)],
            "meaning": [meanings[name] for name in BAND_NAMES],
        }
    )
    x = alt.X(
        "from:Q",
        title=None,
        scale=alt.Scale(domain=[0, 100]),
        axis=alt.Axis(values=BAND_TICKS, labelColor=AXIS_INK, labelFontSize=12),
    )
    base = alt.Chart(data)
    bars = base.mark_bar(height=34).encode(
        x=x,
        x2="to:Q",
        color=alt.Color("band:N", scale=alt.Scale(domain=BAND_NAMES, range=BAND_COLOURS), legend=None),
        tooltip=["band:N", "from:Q", "to:Q", "meaning:N"],
    )
    labels = base.mark_text(fontSize=12, fontWeight="bold").encode(
        x="middle:Q",
        text="band:N",
        color=alt.Color("band:N", scale=alt.Scale(domain=BAND_NAMES, range=BAND_TEXT), legend=None),
    )
    layers: list[alt.Chart] = [bars, labels]
    if fit is not None:
        marker = pd.DataFrame(_marker_rows(fit))
        layers.append(
            alt.Chart(marker).mark_point(shape="triangle-down", size=220, filled=True, color="#000000", yOffset=-18)
            .encode(x="fit:Q", tooltip=["fit:Q"])
        )  # fmt: skip
    # Each layer its own colour scale (the bars' fills, the labels' inks). Streamlit
    # fits the whole chart, title and axis included, into the height: 120 px
    # leaves room for 34 px bars (at 40 px they were squeezed out of sight).
    chart: alt.LayerChart = alt.LayerChart(layer=layers, title="How to read a fit", height=120)
    resolved: alt.LayerChart = chart.resolve_scale(color="independent")
    return resolved


def band_chart_spec(fit: float | None = None) -> dict[str, Any]:
    """The scale's Vega-Lite spec, its marker at ``fit`` rounded to a point.

    Building and validating the layered chart costs about 60 ms of CPU, every
    time, and every new CV has a fit of its own: the chart is built once with
    a marker and once without, and a fit only moves the marker's row (a copy
    is returned: a renderer may change the dict it is given).
    """
    if fit is None:
        return copy.deepcopy(_spec(marked=False))
    spec = copy.deepcopy(_spec(marked=True))
    spec["datasets"][spec["layer"][-1]["data"]["name"]] = _marker_rows(round(fit))
    return spec


def _marker_rows(fit: float) -> list[dict[str, Any]]:
    return [{"fit": round(fit, 1), "text": f"this CV: {fit:.0f}"}]


@functools.cache
def _spec(*, marked: bool) -> dict[str, Any]:
    spec: dict[str, Any] = build_band_chart(0 if marked else None).to_dict()
    return spec
