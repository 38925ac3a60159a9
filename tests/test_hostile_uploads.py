"""Hostile uploads against a running app, through Streamlit's own upload path.

Each file of the corpus (tests/files.py) is uploaded to the fit check and
scored while a second session scores an ordinary CV. Each must end in a
clear refusal within the parse time limit plus one second, the server's
own memory must grow by under 50 MB, and the other session must be served.
The parsing itself happens in an isolated child process with its own
memory cap, which is why the server's memory is what is measured.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from hcdev_match.documents import DocumentLimits

from .browser import Server, running_server
from .files import CV_LINES, hostile_corpus, make_pdf
from .load import upload_beside_another_user

LIMITS = DocumentLimits()
CORPUS = hostile_corpus(LIMITS.max_bytes)


@pytest.fixture(scope="module")
def app() -> Iterator[Server]:
    with running_server() as server:
        yield server


@pytest.mark.parametrize("case", list(CORPUS))
def test_hostile_upload_is_refused_in_time_while_another_session_is_served(app: Server, case: str) -> None:
    name, data = CORPUS[case]
    result = asyncio.run(upload_beside_another_user(app.url, app.process.pid, name, data))
    outcome, served = result.outcome, result.other
    if isinstance(outcome, str):
        assert case == "over-size-cap" and outcome == "HTTP 413"
    else:
        assert len(outcome.errors) == 1 and outcome.errors[0].startswith(f"{name}: ")
        assert not outcome.has("metric")  # refused: no fit is shown for it
    assert result.seconds < LIMITS.timeout_s + 1
    assert served.errors == [] and served.has("metric") and served.has("vega_lite_chart")
    assert result.peak_growth < 50 * 2**20 and result.growth < 50 * 2**20


def test_a_real_pdf_uploaded_the_same_way_is_scored(app: Server) -> None:
    result = asyncio.run(upload_beside_another_user(app.url, app.process.pid, "cv.pdf", make_pdf(CV_LINES)))
    assert not isinstance(result.outcome, str)
    assert result.outcome.errors == [] and result.outcome.has("metric")
