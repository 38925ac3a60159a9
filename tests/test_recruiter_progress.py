"""What the recruiter's page sends the browser while a batch is read: counted on the wire, as a browser gets it.

Each websocket message the page gets is one the browser redraws the page for,
so the progress bar a click waits with must move only when what it shows
changes, however long the reading takes: these tests count its moves (work,
not time) in the runs of a running app, through the project's websocket
client, three recruiters clicking at once on 200 PDFs each: the server reads
two batches at a time, so one click waits for another's batch before its
own reading starts, and the other two wait for each other's steps in the
shared parser processes (on the old page, which moved its bar every 0.2 s,
the waiting click sent the same empty bar again and again).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from hcdev_match.storage.accounts import add_user
from hcdev_match.storage.store import Store
from webui.recruiter_reading import PROGRESS_STEPS

from .browser import Server, running_server
from .files import CV_LINES, make_pdf
from .streamlit_client import Run, StreamlitSession

PASSWORD = "correct horse battery"
COUNT = 200  # a batch's most CVs
RECRUITERS = ("ana", "bob", "cleo")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    url = f"sqlite:///{tmp_path_factory.mktemp('progress') / 'app.sqlite3'}"
    store = Store.from_url(url)
    for name in RECRUITERS:
        add_user(store, name, role="recruiter", password=PASSWORD)
    store.engine.dispose()
    with running_server(env={"HCDEV_DATABASE_URL": url}) as server:
        yield server


async def signed_in(url: str, name: str) -> StreamlitSession:
    session = StreamlitSession(url, timeout=300)
    await session.connect()
    await session.open_page("Recruiter")
    await session.rerun({"signin_name": name, "signin_password": PASSWORD}, triggers=("signin",))
    assert "rank_batch" in session.widget_ids  # signed in: the page is shown
    return session


async def recruiters_click_at_once(url: str) -> tuple[list[Run], list[Run]]:
    """Each recruiter uploads 200 PDFs and clicks as the files arrive (the reading starts in the click's own
    run, so the click waits for all of it); then each page runs once more, as a widget's change makes it."""
    sessions = [await signed_in(url, name) for name in RECRUITERS]
    files = []
    for tag, session in zip("abc", sessions, strict=True):
        pdfs = [(f"{tag}{n}.pdf", make_pdf([*CV_LINES, f"Reference {tag}-{n}"])) for n in range(COUNT)]
        files.append([await session.upload(name, data, mime="application/pdf") for name, data in pdfs])
    clicks = await asyncio.gather(
        *(s.rerun({"batch_files": f}, triggers=("rank_batch",)) for s, f in zip(sessions, files, strict=True))
    )
    after = [await s.rerun({"batch_files": f}) for s, f in zip(sessions, files, strict=True)]
    for session in sessions:
        await session.close()
    return list(clicks), after


@pytest.fixture(scope="module")
def runs(app: Server) -> tuple[list[Run], list[Run]]:
    return asyncio.run(recruiters_click_at_once(app.url))


def test_the_progress_bar_moves_only_when_what_it_shows_changes_however_long_the_wait(
    runs: tuple[list[Run], list[Run]],
) -> None:
    for click in runs[0]:
        assert not click.errors and click.has("vega_lite_chart") and click.has("dataframe")  # scored
        shown = click.texts("progress")  # each move's value and text
        assert shown, click.elements  # the wait is shown: work is going on
        # At most one move a tenth (and the first bar), each showing something else than the last: never the
        # same bar sent again while the reading is still in the same tenth.
        assert len(shown) <= PROGRESS_STEPS + 1, shown
        assert all(b != a for a, b in zip(shown, shown[1:], strict=False)), shown
        values = [int(text.split("%")[0]) for text in shown]
        assert values == sorted(values), shown


def test_the_page_below_the_progress_bar_keeps_its_place_in_the_next_run(
    runs: tuple[list[Run], list[Run]],
) -> None:
    def heading_at(run: Run) -> tuple[int, ...]:
        """Where the batch's heading (the first element of the page below the uploader) went."""
        [at] = [p for (kind, text), p in zip(run.elements, run.paths, strict=True)
                if kind == "heading" and text.startswith("Batch of")]  # fmt: skip
        return at

    # The slot the bar was drawn in is there in the next run too, empty, so nothing after it moves: an element
    # that moves is one the browser makes again, and the page below the uploader is most of the page.
    for click, after in zip(*runs, strict=True):
        assert heading_at(after) == heading_at(click)
