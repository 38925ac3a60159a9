"""Hostile uploads against a running app, through Streamlit's own upload path.

Each file of the corpus (tests/files.py) is uploaded to the fit check and
scored while a second session scores an ordinary CV. Each must end in a
clear refusal within twice the parse time limit plus 5 s, the server's
own memory must grow by under 50 MB, and the other session must be served.
The parsing itself happens in an isolated child process with its own
memory cap, which is why the server's memory is what is measured.

A recruiter's batch of ZIP bombs, uploaded and ranked on the Recruiter
page, must grow the server by under 100 MB at its peak: the kernel's own
high-water mark of the process (VmHWM, reset before the upload), a count
of bytes, not a sampled or timed figure. The smaller findings are checked
the same way, where they were seen: a password-protected PDF and a UTF-16
CV on the fit check, a CSV with one oversized cell on the Recruiter page.
"""

from __future__ import annotations

import asyncio
import csv
import io
import mimetypes
from collections.abc import Iterator
from pathlib import Path

import pytest

from hcdev_match.documents.document import DocumentLimits
from hcdev_match.documents.intake import BatchLimits
from hcdev_match.storage.accounts import add_user
from hcdev_match.storage.store import Store

from .browser import Server, running_server
from .files import CV_LINES, hostile_corpus, make_batch_zip_bombs, make_encrypted_pdf, make_pdf
from .load import resident_bytes, upload_beside_another_user
from .streamlit_client import Run, StreamlitSession

LIMITS = DocumentLimits()
CORPUS = hostile_corpus(LIMITS.max_bytes)


async def warm_up(url: str) -> None:
    """One ordinary upload scored, so what the server builds once (the model, built in the background since the
    home page no longer waits for it, the chart templates, the parser processes) is not counted as a file's
    growth."""
    session = StreamlitSession(url)
    await session.connect()
    state = await session.upload("cv.pdf", make_pdf(CV_LINES), mime="application/pdf")
    run = await session.rerun({"cv_file": state}, triggers=("score_cv",))
    assert run.has("vega_lite_chart"), run.elements
    await session.close()


@pytest.fixture(scope="module")
def app() -> Iterator[Server]:
    with running_server() as server:
        asyncio.run(warm_up(server.url))
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
    assert result.seconds < 2 * LIMITS.timeout_s + 5  # stopped by the time limit, with room for a slow machine
    assert served.errors == [] and served.has("metric") and served.has("vega_lite_chart")
    assert result.peak_growth < 50 * 2**20 and result.growth < 50 * 2**20


def test_a_real_pdf_uploaded_the_same_way_is_scored(app: Server) -> None:
    result = asyncio.run(upload_beside_another_user(app.url, app.process.pid, "cv.pdf", make_pdf(CV_LINES)))
    assert not isinstance(result.outcome, str)
    assert result.outcome.errors == [] and result.outcome.has("metric")


def test_a_password_protected_pdf_uploaded_to_the_running_fit_check_is_called_that(app: Server) -> None:
    locked = make_encrypted_pdf(CV_LINES, user_password="secret")
    result = asyncio.run(upload_beside_another_user(app.url, app.process.pid, "locked.pdf", locked))
    assert not isinstance(result.outcome, str)
    [error] = [text.replace("\\", "") for text in result.outcome.errors]  # shown as escaped Markdown
    assert error.startswith("locked.pdf: the PDF is password-protected") and "damaged" not in error


def test_a_utf16_cv_uploaded_to_the_running_fit_check_is_scored(app: Server) -> None:
    cv = "\n".join(CV_LINES).encode("utf-16")  # with its byte-order mark, as Windows editors save "Unicode"
    result = asyncio.run(upload_beside_another_user(app.url, app.process.pid, "cv.txt", cv))
    assert not isinstance(result.outcome, str)
    assert result.outcome.errors == [] and result.outcome.has("metric")


RECRUITER = {"signin_name": "ana", "signin_password": "correct horse battery"}


def peak_resident_bytes(pid: int) -> int:
    """The process's resident high-water mark since it was last reset, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    return next(int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmHWM:"))


async def rank_batch_on_the_recruiter_page(url: str, pid: int, files: list[tuple[str, bytes]]) -> tuple[Run, int]:
    """Sign in as ana, upload ``files`` and rank them; return the run and the server's peak growth in bytes."""
    session = StreamlitSession(url)
    await session.connect()
    await session.open_page("Recruiter")
    await session.rerun(RECRUITER, triggers=("signin",))
    assert "rank_batch" in session.widget_ids  # signed in: the page is shown
    before = resident_bytes([pid], children=False)
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current resident size
    states = [await session.upload(name, data, mime=mimetypes.guess_type(name)[0] or "") for name, data in files]
    run = await session.rerun({"batch_files": states}, triggers=("rank_batch",))
    growth = peak_resident_bytes(pid) - before
    await session.close()
    return run, growth


@pytest.fixture(scope="module")
def recruiter_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A running app whose database holds the recruiter ana."""
    url = f"sqlite:///{tmp_path_factory.mktemp('recruiter') / 'app.sqlite3'}"
    add_user(Store.from_url(url), "ana", role="recruiter", password=RECRUITER["signin_password"])
    with running_server(env={"HCDEV_DATABASE_URL": url}) as server:
        yield server


def test_a_megabyte_of_zip_bombs_grows_the_recruiter_server_by_under_100_mb(recruiter_app: Server) -> None:
    bombs = make_batch_zip_bombs()  # 10 ZIPs of 4 members, each 24 MB expanded: 960 MB from under 1 MB
    assert sum(len(data) for _, data in bombs) <= 2**20
    run, growth = asyncio.run(rank_batch_on_the_recruiter_page(recruiter_app.url, recruiter_app.process.pid, bombs))
    assert growth < 100 * 2**20, f"the server grew by {growth / 2**20:.0f} MB"
    assert run.errors == []
    alerts = run.texts("alert")
    # 39 members stopped at the 5 MB file cap use the 200 MB budget: the 40th is not read.
    limits, batch = DocumentLimits(), BatchLimits()
    refused = batch.max_bytes // (limits.max_bytes + 1)
    assert f"{40 - refused} CV(s) were not read: a batch reads at most 200 MB of files" in " ".join(alerts)
    assert f"{refused} file(s) could not be read; the other 0 were scored." in alerts


def test_a_csv_with_one_cell_over_the_field_limit_fails_one_row_on_the_running_recruiter_page(
    recruiter_app: Server,
) -> None:
    buffer = io.StringIO()
    huge = "Clinical systems and more\n" * (csv.field_size_limit() // 20)
    other = "\n".join([*CV_LINES, "Also built HL7 v2 interfaces for a regional laboratory."])  # not a duplicate of a
    csv.writer(buffer).writerows([["id", "text"], ["a", "\n".join(CV_LINES)], ["b", huge], ["c", other]])
    files = [("cvs.csv", buffer.getvalue().encode())]
    run, _ = asyncio.run(rank_batch_on_the_recruiter_page(recruiter_app.url, recruiter_app.process.pid, files))
    assert run.errors == []
    assert "1 file(s) could not be read; the other 2 were scored." in run.texts("alert")
