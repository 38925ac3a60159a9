"""The HR charts, built without Streamlit from the figures of a real store."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterator
from datetime import date, datetime

import altair as alt
import pandas as pd
import pytest

from hcdev_match.catalogue.model import load_catalogue
from hcdev_match.present.charts import DECISION_COLOURS
from hcdev_match.present.hr_charts import ROLE_COLOURS, build_funnel_chart, build_mix_chart, build_spread_chart
from hcdev_match.present.hr_figures import HR_CHARTS
from hcdev_match.storage.demo import seed_demo
from hcdev_match.storage.insights import HIDDEN_NOTE, Filters, Insights, compute_insights
from hcdev_match.storage.store import Store


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Insights]:
    store = Store.from_url(f"sqlite:///{tmp_path_factory.mktemp('hr')}/pool.sqlite3")
    seed_demo(store, load_catalogue(), assessments_count=3000, seed=3, now=datetime(2026, 7, 1))
    yield compute_insights(store, load_catalogue(), Filters(first_month=date(2025, 7, 1), last_month=date(2026, 6, 1)))
    store.engine.dispose()


def test_every_chart_is_one_altair_chart_with_a_title_and_one_sentence(seeded: Insights) -> None:
    assert [c.table for c in HR_CHARTS] == ["fit_spread", "bands", "role_mix", "skill_gaps", "essentials", "future",
                                            "decisions", "funnel", "recruiters"]  # fmt: skip
    for chart in HR_CHARTS:
        built = chart.build(seeded, HIDDEN_NOTE)
        assert isinstance(built, alt.Chart), chart.table
        spec = built.to_dict()  # validates against the Vega-Lite schema
        assert spec["title"] and HIDDEN_NOTE not in json.dumps(spec), chart.table
        assert chart.reading.endswith(".") and ". " not in chart.reading, chart.table


def test_an_empty_table_gives_the_words_and_no_axes(seeded: Insights) -> None:
    empty = Insights(**{name: (value.iloc[0:0] if isinstance(value, pd.DataFrame) else value)
                        for name, value in vars(seeded).items()})  # fmt: skip
    for chart in HR_CHARTS:
        spec = chart.build(empty, HIDDEN_NOTE).to_dict()
        assert spec["mark"]["type"] == "text" and spec["mark"]["text"] == HIDDEN_NOTE, chart.table
        drawn = {part: value for part, value in spec.items() if part != "config"}  # the config only inks text
        assert "axis" not in json.dumps(drawn) and all("field" not in e for e in spec["encoding"].values())


def test_the_spread_says_in_each_roles_label_where_its_fits_lie() -> None:
    spread = pd.DataFrame(
        [("EHR developer", 40, 70, 50, 60), ("Device developer", 20, 40, 30, 40)],
        columns=["role", "middle half from", "middle half to", "median from", "median to"],
    )
    spec = build_spread_chart(spread, hidden=HIDDEN_NOTE).to_dict()
    labels = {row["role"] for row in spec["datasets"][spec["data"]["name"]]}
    assert labels == {
        "EHR developer\nmiddle half 40–70\nmedian 50–60",
        "Device developer\nmiddle half 20–40\nmedian 30–40",
    }
    # Drawn a line each, so a long role name cut short on a phone never takes the numbers with it.
    assert spec["encoding"]["y"]["axis"]["labelExpr"] == "split(datum.label, '\\n')"


def test_the_seeded_roles_spreads_differ(seeded: Insights) -> None:
    spread = seeded.fit_spread.set_index("role")
    assert len(spread) >= 5 and spread["median from"].nunique() >= 3  # not the same bar for every role


def test_a_month_with_nothing_shown_is_on_the_axis_as_hidden() -> None:
    mix = pd.DataFrame([("2026-01", "EHR developer", 12), ("2026-03", "EHR developer", 9)],
                       columns=["month", "role", "candidates"])  # fmt: skip
    spec = build_mix_chart(mix, months=("2025-12", "2026-01", "2026-02", "2026-03"), hidden=HIDDEN_NOTE).to_dict()
    assert spec["encoding"]["x"]["scale"]["domain"] == ["Dec 2025 (hidden)", "Jan 2026", "Feb 2026 (hidden)",
                                                        "Mar 2026"]  # fmt: skip


def test_a_funnel_stage_with_nothing_shown_is_on_the_axis_as_hidden() -> None:
    funnel = pd.DataFrame([("assessed", 40), ("shortlisted", 12), ("shortlisted, then rejected", 5)],
                          columns=["stage", "candidates"])  # fmt: skip
    spec = build_funnel_chart(funnel, hidden=HIDDEN_NOTE).to_dict()
    assert spec["encoding"]["y"]["scale"]["domain"] == ["assessed", "shortlisted", "shortlisted, then held (hidden)",
                                                        "shortlisted, then rejected"]  # fmt: skip


def test_decision_colours_need_no_red_green_vision() -> None:
    def channels(colour: str) -> tuple[int, int, int]:
        return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)

    def luminance(colour: str) -> float:
        linear = [(c / 255 / 12.92) if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4
                  for c in channels(colour)]  # fmt: skip
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for colour in DECISION_COLOURS.values():
        red, green, blue = channels(colour)
        assert not (green > red + 40 and green > blue + 40), colour  # no green
        assert 1.05 / (luminance(colour) + 0.05) >= 3, colour  # 3:1 against white, as WCAG asks of graphics
    lightness = sorted(luminance(c) for c in DECISION_COLOURS.values())
    assert len(set(DECISION_COLOURS.values())) == 3 and lightness[0] < lightness[-1]


def channels(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def contrast_on_white(colour: str) -> float:
    linear = [(c / 255 / 12.92) if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in channels(colour)]
    return 1.05 / (0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2] + 0.05)


def test_every_charts_titles_axes_and_legends_are_ink_of_at_least_4_5_to_1(seeded: Insights) -> None:
    """Streamlit draws a chart's text in a fixed grey of 3.7:1 on white unless the chart's own config says."""
    empty = Insights(**{name: (value.iloc[0:0] if isinstance(value, pd.DataFrame) else value)
                        for name, value in vars(seeded).items()})  # fmt: skip
    for insights in (seeded, empty):
        for chart in HR_CHARTS:
            config = chart.build(insights, HIDDEN_NOTE).to_dict()["config"]
            inks = [config["axis"]["labelColor"], config["axis"]["titleColor"], config["legend"]["labelColor"],
                    config["legend"]["titleColor"], config["title"]["color"]]  # fmt: skip
            assert all(contrast_on_white(ink) >= 4.5 for ink in inks), (chart.table, inks)


# Machado, Oliveira and Fernandes (2009), full severity: what protanopes and deuteranopes see, in linear RGB.
MACHADO = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
}


def seen_as_lab(colour: str, matrix: tuple[tuple[float, float, float], ...]) -> tuple[float, float, float]:
    rgb = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in channels(colour)]
    r, g, b = (min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb, strict=True)))) for row in matrix)
    x = 0.4124 * r + 0.3576 * g + 0.1805 * b
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = 0.0193 * r + 0.1192 * g + 0.9505 * b

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x / 0.95047), f(y), f(z / 1.08883)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def test_the_best_role_colours_are_told_apart_without_red_green_vision() -> None:
    """Streamlit's own palette (which the mix chart used) puts its pink and light green 9.4 apart (CIE76) for a
    deuteranope and 7.0 for a protanope, its pink and teal: too close to tell stacked bars apart."""
    mix = pd.DataFrame([("2026-01", f"role {n}", 10) for n in range(len(ROLE_COLOURS))],
                       columns=["month", "role", "candidates"])  # fmt: skip
    spec = build_mix_chart(mix, months=("2026-01",), hidden=HIDDEN_NOTE).to_dict()
    colours = spec["encoding"]["color"]["scale"]["range"]
    assert colours == list(ROLE_COLOURS) and len(set(colours)) == 7  # one colour a role, set by the chart
    for vision, matrix in MACHADO.items():
        for a, b in itertools.combinations(colours, 2):
            assert math.dist(seen_as_lab(a, matrix), seen_as_lab(b, matrix)) >= 12, (vision, a, b)
