"""Faults under the store: a read-only file, a full disk, a lock held elsewhere, a writer killed mid-batch.

Each fault is real: the file is made immutable (or read-only), a writer
runs under a file-size limit, another process holds SQLite's write lock,
a writer (and a whole `streamlit run` server, mid-save) is SIGKILLed. The writer is a separate process (tests/writer.py)
saving whole batches the way the recruiter page does. Each fault must
give a clear one-line message, leave no partial batch, and the same save
must succeed once the fault is gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from hcdev_match.storage.accounts import add_user
from hcdev_match.storage.store import LEGAL_BASES, Store

from .browser import running_server
from .conftest import ROOT, SAMPLES, sign_in_session
from .streamlit_client import Run, StreamlitSession

BATCH = 40


def run_writer(url: str, *args: str, preexec_fn=None) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run(
        [sys.executable, "-m", "tests.writer", url, "--batch-size", str(BATCH), "--once", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False, preexec_fn=preexec_fn,
    )  # fmt: skip


def batch_sizes(path: Path) -> dict[str, int]:
    """Rows per batch, and fit rows per assessment, read with plain sqlite3 (not our code)."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        sizes = dict(db.execute("SELECT batch, count(*) FROM assessments GROUP BY batch").fetchall())
        fits = {n for (n,) in db.execute("SELECT count(f.role) FROM assessments a LEFT JOIN assessment_fits f "
                                        "ON f.assessment_id = a.id GROUP BY a.id")}  # fmt: skip
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert fits <= {7}  # no assessment without all its fit rows
    return sizes


@pytest.fixture
def database(tmp_path: Path) -> tuple[str, Path]:
    path = tmp_path / "faults.sqlite3"
    url = f"sqlite:///{path}"
    Store.from_url(url).engine.dispose()  # created and migrated, then closed
    return url, path


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make the database file read-only for everyone, root included (chattr +i), then undo it."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(0o644)
        return
    made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"cannot make a file immutable here as root: {made.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_read_only_database_file_is_reported_and_saving_works_once_writable(database: tuple[str, Path]) -> None:
    url, path = database
    with read_only(path):
        done = run_writer(url)
    assert done.returncode == 1
    assert done.stdout.startswith("error: could not") and "the database file is read-only" in done.stdout
    assert len(done.stdout.splitlines()) == 1 and "Traceback" not in done.stderr
    assert batch_sizes(path) == {}
    assert run_writer(url).returncode == 0
    assert list(batch_sizes(path).values()) == [BATCH]


def _small_disk() -> None:
    # A file-size limit stands in for a full disk: writes past it fail with
    # EFBIG (SIGXFSZ ignored) the way they fail with ENOSPC on a full disk.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (48 * 1024, 48 * 1024))


def test_a_full_disk_is_reported_leaves_no_partial_batch_and_saving_works_after(database: tuple[str, Path]) -> None:
    url, path = database
    done = run_writer(url, preexec_fn=_small_disk)
    assert done.returncode == 1
    assert "the disk may be full" in done.stdout and "nothing was saved" in done.stdout
    assert "Traceback" not in done.stderr
    assert batch_sizes(path) == {}
    assert run_writer(url).returncode == 0
    assert list(batch_sizes(path).values()) == [BATCH]


HOLD_LOCK = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()  # held until the test closes this pipe: as long as the test needs, however slow the machine
db.execute("ROLLBACK")
"""


@contextlib.contextmanager
def lock_held(path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process (plain sqlite3) holds the write lock until the block ends (not for a fixed time: a
    sleep long enough for a slow machine is mostly waiting on a fast one)."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as holder:  # closes its pipes when done
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
            yield holder
        finally:
            assert holder.stdin is not None
            holder.stdin.close()  # the holder rolls back and exits
            holder.wait(timeout=30)


def test_a_lock_held_by_another_process_past_the_busy_timeout_is_reported_then_saving_works(
    database: tuple[str, Path],
) -> None:
    url, path = database
    with lock_held(path) as holder:
        done = run_writer(url)  # a writer that waited for the lock to go would hang here, until run_writer's timeout
        assert holder.poll() is None  # the message came while the lock was still held
    assert done.returncode == 1
    assert "another process holds the database; try again in a moment" in done.stdout
    assert batch_sizes(path) == {}
    assert run_writer(url).returncode == 0
    assert list(batch_sizes(path).values()) == [BATCH]


def test_a_writer_killed_mid_batch_leaves_whole_batches_only(database: tuple[str, Path]) -> None:
    url, path = database
    reported: set[str] = set()
    rng = random.Random(20261122)
    for _ in range(8):
        writer = subprocess.Popen(
            [sys.executable, "-m", "tests.writer", url, "--batch-size", "200"], cwd=ROOT, stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        assert writer.stdout is not None
        first = writer.stdout.readline()  # the first batch is in; kill somewhere in a later one
        time.sleep(rng.uniform(0.0, 0.3))
        writer.send_signal(signal.SIGKILL)
        rest, _ = writer.communicate()
        reported |= {line.split()[-1] for line in [first, *rest.splitlines()] if line.startswith("saved batch")}
    sizes = batch_sizes(path)
    assert set(sizes.values()) == {200}  # every batch whole: none cut short by a kill
    assert reported <= set(sizes)  # and every batch reported saved is there
    assert run_writer(url).returncode == 0


def test_the_recruiter_page_reports_a_held_lock_and_saves_the_batch_after(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "app.sqlite3"
    monkeypatch.setenv("HCDEV_DATABASE_URL", f"sqlite:///{path}")
    store = Store.from_url(f"sqlite:///{path}")
    user = add_user(store, "ana", role="recruiter", password="correct horse battery")
    at = AppTest.from_file(str(ROOT / "pages/3_Recruiter.py"), default_timeout=60)
    at = sign_in_session(at, "recruiter", name="ana", user_id=user.id).run()
    files = [(f"{n}.txt", (SAMPLES / f"{n}.txt").read_bytes(), "text/plain") for n in ("ehr_1", "cds_1", "device_1")]
    at.file_uploader(key="batch_files").set_value(files).run()
    at.button(key="rank_batch").click().run()
    at.radio(key="legal_basis").set_value("contract").run()
    with lock_held(path):
        at.button(key="save_batch").click().run()
        assert [e.value for e in at.error] == [
            "could not save the 3 assessments: database is locked; another process holds the database; "
            "try again in a moment"
        ]
        assert store.count_assessments() == 0
    assert not at.button(key="save_batch").disabled  # the batch can be saved again
    at.button(key="save_batch").click().run()
    assert not at.error and store.count_assessments() == 3
    assert at.success and at.success[0].value.startswith("3 assessments are saved")


async def _save_batch_then_kill(url: str, server: subprocess.Popen[bytes], cvs: list[bytes], delay: float) -> Run:
    """Sign in as ana, rank `cvs`, click save, and SIGKILL the server `delay` seconds after the click."""
    session = StreamlitSession(url)
    await session.connect()
    await session.open_page("Recruiter")
    await session.rerun({"signin_name": "ana", "signin_password": "correct horse battery"}, triggers=("signin",))
    files = [await session.upload(f"cv{n}.txt", cv, mime="text/plain") for n, cv in enumerate(cvs)]
    ranked = await session.rerun({"batch_files": files}, triggers=("rank_batch",))
    assert "save_batch" in session.widget_ids, ranked.elements
    basis = f"contract: {LEGAL_BASES['contract']}"  # a radio's state is its option's label
    click = asyncio.create_task(session.rerun({"batch_files": files, "legal_basis": basis}, triggers=("save_batch",)))
    await asyncio.sleep(delay)
    if delay >= 0:
        server.send_signal(signal.SIGKILL)
    try:
        return await click
    except Exception:  # noqa: BLE001 - the killed server's websocket closes under the click
        return Run()
    finally:
        await session.close()


def test_the_server_killed_while_saving_a_batch_leaves_whole_batches_and_saving_works_after(tmp_path: Path) -> None:
    path = tmp_path / "app.sqlite3"
    url = f"sqlite:///{path}"
    add_user(Store.from_url(url), "ana", role="recruiter", password="correct horse battery")
    samples = [(SAMPLES / name).read_bytes() for name in sorted(os.listdir(SAMPLES))] * 2

    def cvs(run: int) -> list[bytes]:
        """58 distinct CVs, new ones each run (the same CVs again would reopen the batch saved before)."""
        return [cv + f"\nReference {run}-{n}\n".encode() for n, cv in enumerate(samples)]

    # Kill at moments spread over a whole save's own duration: before, during and after its transaction. The
    # first server saves one batch whole first (that save's duration), then is killed saving the next.
    rng = random.Random(7)
    done: Run | None = None
    for run in range(1, 4):
        with running_server(env={"HCDEV_DATABASE_URL": url}) as app:
            if done is None:
                done = asyncio.run(_save_batch_then_kill(app.url, app.process, cvs(0), -1))
                assert f"{len(samples)} assessments are saved" in " ".join(done.texts("alert"))
            delay = rng.uniform(0.5, 1.1) * done.seconds
            asyncio.run(_save_batch_then_kill(app.url, app.process, cvs(run), delay))
            app.process.wait(timeout=10)
        assert set(batch_sizes(path).values()) == {len(samples)}  # every batch there is whole
    with running_server(env={"HCDEV_DATABASE_URL": url}) as app:
        again = asyncio.run(_save_batch_then_kill(app.url, app.process, cvs(4), -1))
    assert f"{len(samples)} assessments are saved" in " ".join(again.texts("alert"))
    assert set(batch_sizes(path).values()) == {len(samples)}
