"""The HR page: charts for HR, nothing for anyone else, small groups suppressed."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from hcdev_match.catalogue import load_catalogue
from hcdev_match.demo import seed_demo
from hcdev_match.store import Store, utc_now

from .conftest import ROOT


def hr_page(monkeypatch: pytest.MonkeyPatch, url: str, role: str = "hr") -> AppTest:
    monkeypatch.setenv("HCDEV_DATABASE_URL", url)
    at = AppTest.from_file(str(ROOT / "pages/4_HR.py"), default_timeout=60)
    now = utc_now()
    at.session_state["auth"] = {
        "name": f"{role}-user",
        "role": role,
        "user_id": 1,
        "signed_in_at": now,
        "last_seen": now,
    }
    return at.run()


def test_hr_sees_every_chart_over_demo_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hr.sqlite3'}"
    seed_demo(Store.from_url(url), load_catalogue(), assessments_count=600, seed=3)
    at = hr_page(monkeypatch, url)
    assert not at.exception
    specs = " ".join(chart.proto.spec for chart in at.get("vega_lite_chart"))
    for title in ("Spread of fit per role", "Candidates clearing each fit band", "Best-role mix by month",
                  "Must-have skills missing, by role pool", "healthcare skills across the pool",
                  "Readiness for future technologies", "Decisions by role and source"):  # fmt: skip
        assert title in specs, title
    assert at.warning and "Demo data: 600 of the 600" in at.warning[0].value
    assert len(at.get("download_button")) == 7  # the numbers behind every chart
    assert not at.dataframe  # aggregates only: no table of people


def test_a_group_of_four_is_suppressed_and_said_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hr.sqlite3'}"
    seed_demo(Store.from_url(url), load_catalogue(), assessments_count=4, seed=5)
    at = hr_page(monkeypatch, url)
    assert not at.exception
    notes = " ".join(c.value for c in at.caption)
    assert "Left out to protect individuals" in notes and "fewer than 5 people" in notes
    specs = " ".join(chart.proto.spec for chart in at.get("vega_lite_chart"))
    assert '"candidates": 4' not in specs.replace("'", '"')


def test_an_empty_database_says_how_to_get_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = hr_page(monkeypatch, f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert not at.exception and at.info and "demo --assessments" in at.info[0].value


@pytest.mark.parametrize("role", ["recruiter", "candidate"])
def test_recruiters_and_candidates_do_not_reach_the_page(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, role: str
) -> None:
    url = f"sqlite:///{tmp_path / 'hr.sqlite3'}"
    seed_demo(Store.from_url(url), load_catalogue(), assessments_count=50, seed=3)
    at = hr_page(monkeypatch, url, role=role)
    assert [t.value for t in at.title] == ["Not available to your account"]
    assert not at.get("vega_lite_chart")
