"""Every CSV the app and the CLI write opens in a spreadsheet as data, never as a formula.

The ranking export is driven through the real app (a running server, the
project's websocket client, the export served at its download URL); the CLI's
`rank` CSV is in tests/test_cli.py; the fit check's CSV and the writer itself
are checked here.
"""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import pytest

from hcdev_match.present.report import format_csv
from hcdev_match.present.spreadsheet import FORMULA_STARTS, csv_writer, neutralise_cell
from hcdev_match.scoring.matcher import Matcher
from hcdev_match.storage.accounts import add_user
from hcdev_match.storage.store import LEGAL_BASES, Store
from hcdev_match.workflows.fitcheck import check_fit

from .browser import running_server
from .conftest import SAMPLES, TINY_DESCRIPTION, write_tiny_catalogue
from .streamlit_client import StreamlitSession

PASSWORD = "correct horse battery"
REASON = "=cmd|' /C calc'!A0"  # the classic DDE payload, as a decision reason


def assert_inert(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), (cell, row)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_could_start_a_formula_gets_a_quote_and_keeps_its_text(start: str) -> None:
    out = io.StringIO()
    csv_writer(out).writerow([f"{start}SUM(A1:A9)", "plain", 42, -1.5, None, "a\rb"])
    [row] = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert row == [f"'{start}SUM(A1:A9)", "plain", "42", "-1.5", "", "a\rb"]  # numbers stay numbers
    assert neutralise_cell("a=b") == "a=b" and neutralise_cell("") == ""


def test_the_fit_check_csv_goes_through_the_writer(tmp_path: Path) -> None:
    roles = f"""
[roles.one]
label = "=HYPERLINK(1)"
summary = "First role."
description = "{TINY_DESCRIPTION}"
must_have = ["alpha"]
nice_to_have = ["beta"]

[roles.two]
label = "@Role two"
summary = "Second role."
description = "{TINY_DESCRIPTION}"
must_have = ["gamma"]
nice_to_have = ["beta"]
"""
    reference = tmp_path / "reference"
    reference.mkdir()
    (reference / "a.txt").write_text("alpha beta", encoding="utf-8")
    matcher = Matcher.from_paths(write_tiny_catalogue(tmp_path, roles=roles), reference)
    rows = list(csv.reader(io.StringIO(format_csv(check_fit(matcher, text="alpha beta software " * 40)))))
    assert {row[1] for row in rows[1:]} == {"'=HYPERLINK(1)", "'@Role two"}
    assert_inert(rows)


def test_the_ranking_export_neutralises_file_names_csv_ids_and_decision_reasons(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    add_user(Store.from_url(url), "ana", role="recruiter", password=PASSWORD)
    cv = (SAMPLES / "ehr_1.txt").read_text()
    buffer = io.StringIO()
    # Each a CV of its own (the same text twice would be one candidate, shown once).
    csv.writer(buffer).writerows([("id", "text"), *((i, f"{cv}\nReference {i}") for i in ("=1+1", "-2+3", "@SUM(1)"))])
    batch_csv = buffer.getvalue()

    async def scenario(app_url: str) -> bytes:
        tab = StreamlitSession(app_url)
        await tab.connect()
        await tab.open_page("Recruiter")
        await tab.rerun({"signin_name": "ana", "signin_password": PASSWORD}, triggers=("signin",))
        files = [
            await tab.upload("=HYPERLINK(1).txt", f"{cv}\nReference 1".encode(), mime="text/plain"),
            await tab.upload("+cmd.txt", f"{cv}\nReference 2".encode(), mime="text/plain"),
            await tab.upload("ids.csv", batch_csv.encode(), mime="text/csv"),
        ]
        state: dict[str, object] = {"batch_files": files}
        await tab.rerun(state, triggers=("rank_batch",))
        state |= {"blind_review": False, "legal_basis": f"contract: {LEGAL_BASES['contract']}"}
        saved = await tab.rerun(state, triggers=("save_batch",))
        assert not saved.errors, saved.errors
        [code] = [k.removeprefix("record_decision_") for k in tab.widget_ids if k.startswith("record_decision_")]
        decision = {f"decision_{code}": "reject", f"decision_reason_{code}": REASON}
        asked = await tab.rerun({**state, **decision}, triggers=(f"record_decision_{code}",))
        assert not asked.errors, asked.errors
        recorded = await tab.rerun(state, triggers=("confirm_decision_one",))  # a decision is confirmed first
        assert not recorded.errors, recorded.errors
        status, body = tab.get(tab.download_urls["export_ranking"])
        assert status == 200
        await tab.close()
        return body

    with running_server(env={"HCDEV_DATABASE_URL": url}) as app:
        body = asyncio.run(scenario(app.url))
    rows = list(csv.reader(io.StringIO(body.decode())))
    header, data = rows[0], rows[1:]
    sources = {row[header.index("source")] for row in data}
    assert sources == {"'=HYPERLINK(1).txt", "'+cmd.txt", "'=1+1.txt", "'-2+3.txt", "'@SUM(1).txt"}
    assert "'" + REASON in {row[header.index("decision reason")] for row in data}
    assert_inert(rows)
