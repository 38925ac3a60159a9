"""The HR page: charts for HR, nothing for anyone else, nobody singled out, no file left for the taking."""

from __future__ import annotations

import asyncio
import json
import re
import sys
import threading
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.testing.v1 import AppTest

from hcdev_match.catalogue import model as catalogue_module
from hcdev_match.catalogue.model import load_catalogue
from hcdev_match.storage import insights as insights_module
from hcdev_match.storage.accounts import add_user
from hcdev_match.storage.demo import seed_demo
from hcdev_match.storage.insights import Filters, compute_insights, month_choices
from hcdev_match.storage.store import Store, utc_now

from .browser import CHROMIUM, CHROMIUM_ARGS, running_server
from .conftest import ROOT, sign_in_session
from .streamlit_client import StreamlitSession
from .test_insights import save

TITLES = ("Spread of fit per role", "Candidates clearing each fit band", "Best-role mix by month",
          "Must-have skills missing, by role pool", "Healthcare essentials across the pool",
          "Readiness for future technologies", "Decisions by role and source", "Decision funnel",
          "Decisions per recruiter (consistency check)")  # fmt: skip


def hr_page(monkeypatch: pytest.MonkeyPatch, url: str, role: str = "hr") -> AppTest:
    monkeypatch.setenv("HCDEV_DATABASE_URL", url)
    at = AppTest.from_file(str(ROOT / "pages/4_HR.py"), default_timeout=60)
    return sign_in_session(at, role).run()


def charts(at: AppTest) -> dict[str, dict[str, Any]]:
    """The page's Vega-Lite specs by title."""
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    return {spec["title"] if isinstance(spec["title"], str) else spec["title"]["text"]: spec for spec in specs}


def last_month() -> datetime:
    """The middle of the last whole month, the newest the page offers."""
    return datetime.combine(month_choices(utc_now().date())[-1], datetime.min.time()) + timedelta(days=14)


def test_hr_sees_every_chart_over_demo_data_and_the_numbers_in_tables(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'hr.sqlite3'}"
    seed_demo(Store.from_url(url), load_catalogue(), assessments_count=3000, seed=3)
    at = hr_page(monkeypatch, url)
    assert not at.exception
    shown = charts(at)
    assert set(shown) == set(TITLES)
    hidden = [title for title, spec in shown.items() if "Hidden: fewer than 5 people" in json.dumps(spec)]
    assert set(TITLES[:6]).isdisjoint(hidden)  # 3,000 people fill these; the decisions may be too thin
    assert "Decision funnel" not in hidden
    total = int(at.metric[0].value.replace(",", ""))
    assert at.warning and f"of the {total:,} assessments counted" in at.warning[0].value
    # The numbers behind each chart are tables whose own toolbar downloads them: no download button.
    assert not at.get("download_button") and not at.dataframe  # the tables only on request
    at.toggle(key="hr_numbers").set_value(True).run()
    assert not at.get("download_button") and len(at.dataframe) == len(TITLES) - len(hidden)
    assert "small groups are left out of every figure" in at.caption[0].value


def test_a_group_of_four_shows_nothing_at_all(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hr.sqlite3'}"
    seed_demo(Store.from_url(url), load_catalogue(), assessments_count=4, seed=5)
    at = hr_page(monkeypatch, url)
    assert not at.exception and not at.metric and not at.get("vega_lite_chart")  # no "Assessments in view: 4"
    assert at.info and "only groups of fewer than 5 people" in at.info[0].value


def test_a_chart_with_nothing_to_show_says_so_in_words_without_axes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'hr.sqlite3'}"
    store, catalogue = Store.from_url(url), load_catalogue()
    save(store, catalogue, [({"ehr": 20.0 + n}, {"ehr"}) for n in range(30)], when=last_month())  # no decisions
    at = hr_page(monkeypatch, url)
    assert not at.exception and at.metric[0].value == "30"
    decisions = charts(at)["Decisions by role and source"]
    assert decisions["mark"]["type"] == "text" and "Hidden: fewer than 5 people" in json.dumps(decisions)
    # no axes to misread as zero: nothing is plotted from a field, the words sit at fixed pixels
    assert all("field" not in channel for channel in decisions["encoding"].values())
    assert "axis" not in json.dumps({part: value for part, value in decisions.items() if part != "config"})


def test_each_chart_has_one_sentence_on_how_to_read_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hr.sqlite3'}"
    seed_demo(Store.from_url(url), load_catalogue(), assessments_count=3000, seed=3)
    at = hr_page(monkeypatch, url)
    readings = [c.value for c in at.caption[1:]]  # the first caption is the page's own
    assert len(readings) == len(TITLES) == len(at.get("vega_lite_chart"))
    for sentence in readings:
        assert sentence.endswith(".") and ". " not in sentence.rstrip("."), sentence  # one sentence each
    assert any("hidden" in s and "not the same as zero" in s for s in readings)


def test_demo_data_can_be_left_out(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hr.sqlite3'}"
    store, catalogue = Store.from_url(url), load_catalogue()
    seed_demo(store, catalogue, assessments_count=3000, seed=3)
    save(store, catalogue, [({"ehr": 40.0 + n}, {"ehr"}) for n in range(30)], when=last_month())  # real people
    at = hr_page(monkeypatch, url)
    assert int(at.metric[0].value.replace(",", "")) > 30 and "Demo data" in at.warning[0].value
    at.toggle(key="hr_no_demo").set_value(True).run()
    assert not at.exception and at.metric[0].value == "30"
    assert not [w for w in at.warning if "Demo data" in w.value]


def test_a_month_with_nothing_to_show_is_marked_hidden_not_left_out(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'hr.sqlite3'}"
    save(Store.from_url(url), load_catalogue(), [({"ehr": 40.0 + n}, {"ehr"}) for n in range(30)], when=last_month())
    at = hr_page(monkeypatch, url)
    mix = charts(at)["Best-role mix by month"]
    domain = mix["encoding"]["x"]["scale"]["domain"]
    months = month_choices(utc_now().date())[-12:]
    assert domain == [f"{m:%b %Y} (hidden)" for m in months[:-1]] + [f"{months[-1]:%b %Y}"]


def test_the_month_range_takes_whole_months(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hr.sqlite3'}"
    store, catalogue = Store.from_url(url), load_catalogue()
    seed_demo(store, catalogue, assessments_count=3000, seed=3)
    at = hr_page(monkeypatch, url)
    months = month_choices(utc_now().date())
    slider = at.select_slider(key="hr_months")
    assert slider.options == [f"{m:%b %Y}" for m in months]  # whole months, the current one not yet
    slider.set_range(months[-2], months[-2]).run()
    expected = compute_insights(store, catalogue, Filters(first_month=months[-2], last_month=months[-2])).total
    assert expected and at.metric[0].value == f"{expected:,}"


def test_the_page_loads_the_catalogue_once_not_on_every_rerun(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hr.sqlite3'}"
    save(Store.from_url(url), load_catalogue(), [({"ehr": 50.0}, {"ehr"})] * 10, when=last_month())
    loads = []

    def profile(frame: FrameType, event: str, _arg: object) -> None:
        if event == "call" and frame.f_code is catalogue_module.load_catalogue.__code__:
            loads.append(threading.current_thread().name)

    threading.setprofile(profile)  # type: ignore[arg-type]
    sys.setprofile(profile)  # type: ignore[arg-type]
    try:
        at = hr_page(monkeypatch, url)
        at.run()
        at.run()
    finally:
        sys.setprofile(None)
        threading.setprofile(None)  # type: ignore[arg-type]
    assert not at.exception and at.metric[0].value == "10"
    assert len(loads) <= 1, loads  # three runs of the page: at most the first loads it


def test_figures_are_shared_until_the_data_changes_and_an_erasure_shows_at_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'hr.sqlite3'}"
    store, catalogue = Store.from_url(url), load_catalogue()
    saved = save(store, catalogue, [({"ehr": 50.0}, {"ehr"})] * 10, when=last_month())
    computed = []

    def profile(frame: FrameType, event: str, _arg: object) -> None:
        if event == "call" and frame.f_code is insights_module.compute_insights.__code__:
            computed.append(1)

    threading.setprofile(profile)  # type: ignore[arg-type]
    sys.setprofile(profile)  # type: ignore[arg-type]
    try:
        first = hr_page(monkeypatch, url)
        first.run()
        second = hr_page(monkeypatch, url)  # another HR session
        assert first.metric[0].value == second.metric[0].value == "10" and len(computed) == 1
        store.erase_candidate(str(store.get_assessment(saved[0])["candidate_ref"]), actor="ana")
        second.run()
    finally:
        sys.setprofile(None)
        threading.setprofile(None)  # type: ignore[arg-type]
    assert len(computed) == 2  # the erasure changed the data: computed again, at once
    assert second.metric[0].value == "9"  # the erased one is in no figure


PASSWORD = "sturdy-Quill-74-meadow"


class Recording(StreamlitSession):
    """The websocket client, noting every /media/ URL the server sends."""

    media: set[str]

    async def _receive(self) -> ForwardMsg:
        forward = await super()._receive()
        raw = forward.SerializeToString().decode("latin-1")
        self.media = getattr(self, "media", set()) | set(re.findall(r"/media/[0-9a-f]+(?:\.[a-z0-9]+)?", raw))
        return forward


async def _hr_run_and_fetch(base_url: str) -> tuple[list[str], set[str], dict[str, int]]:
    session = Recording(base_url)
    await session.connect()
    await session.open_page("HR")
    await session.rerun({"signin_name": "hana", "signin_password": "sturdy-Quill-74-meadow"}, triggers=("signin",))
    run = await session.rerun({"hr_numbers": True})  # the tables too
    media = set(getattr(session, "media", set()))
    statuses = {}
    for path in sorted(media):  # fetched while the HR session is open, by someone without it
        try:
            with urllib.request.urlopen(base_url + path, timeout=10) as response:
                statuses[path] = response.status
        except urllib.error.HTTPError as error:
            statuses[path] = error.code
    await session.close()
    return [kind for kind, _ in run.elements], media, statuses


def test_hr_numbers_are_never_served_to_anyone_without_the_signed_in_session(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    store = Store.from_url(url)
    add_user(store, "hana", role="hr", password=PASSWORD)
    seed_demo(store, load_catalogue(), assessments_count=3000, seed=3)
    with running_server(env={"HCDEV_DATABASE_URL": url}) as app:
        kinds, media, statuses = asyncio.run(_hr_run_and_fetch(app.url))
    assert kinds.count("vega_lite_chart") == len(TITLES)  # the page ran, signed in
    assert not [path for path, status in statuses.items() if status < 400], statuses  # nothing to fetch
    assert not media and "download_button" not in kinds
    assert "dataframe" in kinds  # the numbers went down this session's own websocket instead


def test_an_empty_database_says_how_to_get_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = hr_page(monkeypatch, f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert not at.exception and at.info and "demo --assessments" in at.info[0].value


def test_a_batch_saved_this_month_is_said_to_show_once_the_month_is_complete(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """On a new install HR opened the page after the first batch was saved and read only "no stored assessments
    match": the current month is left out of every figure until it is complete, and the page did not say so."""
    url = f"sqlite:///{tmp_path / 'hr.sqlite3'}"
    before = utc_now()
    save(Store.from_url(url), load_catalogue(), [({"ehr": 50.0}, {"ehr"})] * 12, when=before)
    at = hr_page(monkeypatch, url)
    assert not at.exception and not at.get("vega_lite_chart")
    months = {f"({moment:%B %Y})" for moment in (before, utc_now())}  # a run across midnight at a month's end
    said = at.info[0].value
    assert "are shown once the month is complete" in said and any(month in said for month in months), said


@pytest.mark.parametrize("role", ["recruiter", "candidate"])
def test_recruiters_and_candidates_do_not_reach_the_page(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, role: str
) -> None:
    url = f"sqlite:///{tmp_path / 'hr.sqlite3'}"
    seed_demo(Store.from_url(url), load_catalogue(), assessments_count=50, seed=3)
    at = hr_page(monkeypatch, url, role=role)
    assert [t.value for t in at.title] == ["Not available to your account"]
    assert not at.get("vega_lite_chart")


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed (apt-get install -y chromium)")
def test_in_the_browser_a_hidden_chart_reads_hidden_the_text_is_readable_and_a_phone_sees_the_bars(
    tmp_path: Path,
) -> None:
    """At 1400 px: a hidden chart's words whole, without axes; every text at least 4.5:1 (Streamlit drew the
    charts' titles, axes and legends in a grey of 3.7:1). At 390 px: the month mix's bars are drawn wide and tall (its
    legend on the right took most of the width, and once below, fitted into the bars' height, all of it)."""
    from playwright.sync_api import sync_playwright

    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    store = Store.from_url(url)
    add_user(store, "hana", role="hr", password=PASSWORD)
    save(store, load_catalogue(), [({"ehr": 20.0 + n}, {"ehr"}) for n in range(30)], when=last_month())
    with running_server(env={"HCDEV_DATABASE_URL": url}) as app, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        page.goto(f"{app.url}/HR")
        page.locator(".st-key-signin_name input").fill("hana")
        page.locator(".st-key-signin_password input").fill(PASSWORD)
        page.locator(".st-key-signin button").click()
        charts = page.locator('[data-testid="stVegaLiteChart"] svg.marks')
        charts.nth(len(TITLES) - 1).locator("text").first.wait_for()
        decisions = charts.filter(has_text="Decisions by role and source")
        note = decisions.locator("text", has_text="Hidden: fewer than 5 people")
        drawn, box = note.bounding_box(), decisions.bounding_box()
        mix_axes = charts.filter(has_text="Best-role mix by month").locator(".role-axis").count()
        hidden_axes = decisions.locator(".role-axis").count()
        contrast = page.evaluate((ROOT / "tests/contrast.js").read_text())
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.set_default_timeout(60_000)
        phone.goto(f"{app.url}/HR")
        phone.locator(".st-key-signin_name input").fill("hana")
        phone.locator(".st-key-signin_password input").fill(PASSWORD)
        phone.locator(".st-key-signin button").click()
        mix = phone.locator('[data-testid="stVegaLiteChart"]').filter(has_text="Best-role mix by month")
        mix.locator("svg.marks text").first.wait_for()
        mix.scroll_into_view_if_needed()
        bars = [b for b in (bar.bounding_box() for bar in mix.locator(".mark-rect path").all()) if b]
        browser.close()
    assert drawn and box and drawn["height"] > 0  # the words are drawn, inside the chart, not cut off
    assert box["y"] <= drawn["y"] and drawn["y"] + drawn["height"] <= box["y"] + box["height"]
    assert mix_axes and not hidden_axes  # a chart with numbers has axes; the hidden one has none
    # A ratio of exactly 1 is text not drawn (fully transparent): a slider's ends until it is touched, and the
    # axis labels Vega leaves out where they would overlap.
    measured = [row for row in contrast if row[0] > 1]
    assert any(row[3] == "stVegaLiteChart" for row in measured)  # the charts' text is measured
    assert all(row[0] >= 4.5 for row in measured), [row for row in measured if row[0] < 4.5][:10]
    # Twelve months across 358 px: with the legend on the right a month's bar had under 10 px of width.
    assert bars and max(b["width"] for b in bars) >= 15 and max(b["height"] for b in bars) >= 100, bars
