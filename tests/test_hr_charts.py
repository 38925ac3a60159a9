"""The HR charts, built without Streamlit from the figures of a real store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime

import altair as alt
import pandas as pd
import pytest

from hcdev_match.catalogue.model import load_catalogue
from hcdev_match.present.charts import DECISION_COLOURS
from hcdev_match.present.hr_charts import HR_CHARTS, build_mix_chart, build_spread_chart
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
        assert "axis" not in json.dumps(spec) and all("field" not in e for e in spec["encoding"].values())


def test_the_spread_says_in_each_roles_label_where_its_fits_lie() -> None:
    spread = pd.DataFrame(
        [("EHR developer", 40, 70, 50, 60), ("Device developer", 20, 40, 30, 40)],
        columns=["role", "middle half from", "middle half to", "median from", "median to"],
    )
    spec = build_spread_chart(spread, hidden=HIDDEN_NOTE).to_dict()
    labels = {row["role"] for row in spec["datasets"][spec["data"]["name"]]}
    assert labels == {
        "EHR developer: middle half 40–70, median 50–60",
        "Device developer: middle half 20–40, median 30–40",
    }


def test_the_seeded_roles_spreads_differ(seeded: Insights) -> None:
    spread = seeded.fit_spread.set_index("role")
    assert len(spread) >= 5 and spread["median from"].nunique() >= 3  # not the same bar for every role


def test_a_month_with_nothing_shown_is_on_the_axis_as_hidden() -> None:
    mix = pd.DataFrame([("2026-01", "EHR developer", 12), ("2026-03", "EHR developer", 9)],
                       columns=["month", "role", "candidates"])  # fmt: skip
    spec = build_mix_chart(mix, months=("2025-12", "2026-01", "2026-02", "2026-03"), hidden=HIDDEN_NOTE).to_dict()
    assert spec["encoding"]["x"]["scale"]["domain"] == ["Dec 2025 (hidden)", "Jan 2026", "Feb 2026 (hidden)",
                                                        "Mar 2026"]  # fmt: skip


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
