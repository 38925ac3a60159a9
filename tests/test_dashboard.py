"""The dashboard pages, driven in-process with Streamlit's AppTest."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from .conftest import ROOT, SAMPLES


def app() -> AppTest:
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)


def test_home_page_shows_the_empty_state_and_the_human_note() -> None:
    at = app().run()
    assert not at.exception
    assert "person who decides" in at.caption[0].value
    assert at.info and "Paste a CV" in at.info[0].value


def test_pasting_a_cv_and_scoring_shows_the_best_fit() -> None:
    at = app().run()
    at.text_area(key="cv_text").input((SAMPLES / "device_2.txt").read_text()).run()
    at.button(key="score_cv").click().run()
    assert not at.exception
    assert at.subheader[0].value == "Best fit: Medical device software developer"
    assert len(at.dataframe) == 1


def test_scoring_an_empty_box_asks_for_a_cv() -> None:
    at = app().run()
    at.button(key="score_cv").click().run()
    assert at.warning and "empty" in at.warning[0].value
