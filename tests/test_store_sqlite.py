"""SQLite under pressure: concurrent writers, killed writers, and what the files hold."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from hcdev_match.scoring.matcher import Matcher
from hcdev_match.storage.store import Store, StoreConfig

from .conftest import ROOT
from .writer import synthetic_assessment

CANARY = "ZQX-CANARY-7731"
WRITES = 40  # per thread


def test_eight_threads_of_writes_never_see_database_is_locked(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'busy.sqlite3'}"
    Store.from_url(url).engine.dispose()
    errors: list[str] = []
    # A bound on work, not on time: all 320 writes together take well under the 5 s busy timeout even on a
    # machine at half speed, so a writer that keeps losing the lock still gets it before its timeout. With 200
    # writes each the run outlasted the timeout on a loaded machine and a starved writer gave up.

    def writer(worker: int) -> None:
        store = Store.from_url(url)  # an engine of its own, like another app server
        try:
            for n in range(WRITES):
                store.save_assessment(
                    synthetic_assessment(worker * 1000 + n), actor=f"w{worker}", source="recruiter",
                    legal_basis="contract",
                )  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - every failure is counted
            errors.append(str(exc))
        finally:
            store.engine.dispose()

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    store = Store.from_url(url)
    assert store.count_assessments() == 8 * WRITES
    assert store.integrity_check() == "ok"


def test_a_writer_killed_twelve_times_loses_nothing_it_reported(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'killed.sqlite3'}"
    Store.from_url(url).engine.dispose()
    reported: set[int] = set()
    rng = random.Random(20261121)
    for _ in range(12):
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.writer", url], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        assert process.stdout is not None
        deadline = time.monotonic() + rng.uniform(0.05, 0.6)
        first = process.stdout.readline()  # at least one save per run
        if first.startswith("saved"):
            reported.add(int(first.split()[1]))
        while time.monotonic() < deadline:
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        rest, _ = process.communicate()
        reported |= {int(line.split()[1]) for line in rest.splitlines() if line.startswith("saved ")}
    store = Store.from_url(url)
    assert store.integrity_check() == "ok"
    assert reported <= set(store.assessment_ids())
    assert len(reported) >= 12


def files_containing(folder: Path, needle: str) -> list[str]:
    data = needle.encode()
    return [p.name for p in folder.rglob("*") if p.is_file() and data in p.read_bytes()]


def test_a_canary_scored_without_consent_reaches_no_file_and_erase_leaves_none(
    tmp_path: Path, matcher: Matcher, samples: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    folder = tmp_path / "db"
    store = Store.from_url(f"sqlite:///{folder / 'hcdev.sqlite3'}")
    cv = samples["ehr_2"] + f"\nReference number {CANARY}; FHIR and HL7 work."
    assessment = matcher.assess(cv)
    # Derived data only (no consent to keep the text): the canary stays out.
    store.save_assessment(assessment, actor="ana", source="recruiter", legal_basis="legitimate_interest")
    assert files_containing(folder, CANARY) == []
    # With consent the text is kept, so the canary is in the files ...
    saved = store.save_assessment(
        assessment, actor="ana", source="recruiter", legal_basis="consent", consent=True, cv_text=cv
    )
    assert files_containing(folder, CANARY)
    # ... and after erasure it is nowhere: not in the database, the WAL or the shared memory.
    assert store.erase_candidate(saved.candidate_ref, actor="ana").scrubbed
    assert files_containing(folder, CANARY) == []
    assert store.integrity_check() == "ok"
    assert CANARY not in caplog.text


def test_erase_while_another_connection_reads_says_so_and_a_purge_finishes_it(
    tmp_path: Path, matcher: Matcher, samples: dict[str, str]
) -> None:
    folder = tmp_path / "db"
    path = folder / "hcdev.sqlite3"
    store = Store.from_url(f"sqlite:///{path}", config=StoreConfig(scrub_attempts=1))
    cv = samples["ehr_2"] + f"\nReference number {CANARY}; FHIR and HL7 work."
    saved = store.save_assessment(
        matcher.assess(cv), actor="ana", source="recruiter", legal_basis="consent", consent=True, cv_text=cv
    )
    # A second, real connection (another server process, a backup) holds a read transaction
    # on the snapshot that still has the CV: the checkpoint cannot move past it.
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM assessments").fetchone() == (1,)
    removal = store.erase_candidate(saved.candidate_ref, actor="ana")
    assert removal.count == 1 and not removal.scrubbed  # said plainly, not "no trace is left"
    assert store.count_assessments() == 0
    assert files_containing(folder, CANARY)  # the old page is still in the database file
    reader.execute("COMMIT")
    reader.close()
    # A purge (even with nothing expired) finishes the erase once the reader has ended.
    purge = store.purge_expired(actor="cron")
    assert purge.count == 0 and purge.scrubbed
    assert files_containing(folder, CANARY) == []
    assert store.integrity_check() == "ok"
    store.engine.dispose()


def test_an_erase_held_up_by_a_reader_finishes_in_the_background_when_it_ends(
    tmp_path: Path, matcher: Matcher, samples: dict[str, str]
) -> None:
    folder = tmp_path / "db"
    path = folder / "hcdev.sqlite3"
    store = Store.from_url(f"sqlite:///{path}", config=StoreConfig(scrub_attempts=1, scrub_retry_s=0.1))
    cv = samples["ehr_2"] + f"\nReference number {CANARY}; FHIR and HL7 work."
    saved = store.save_assessment(
        matcher.assess(cv), actor="ana", source="recruiter", legal_basis="consent", consent=True, cv_text=cv
    )
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM assessments").fetchone() == (1,)
    assert not store.erase_candidate(saved.candidate_ref, actor="ana").scrubbed
    assert store.scrub_pending and files_containing(folder, CANARY)
    reader.execute("COMMIT")
    reader.close()
    # No purge and no second erase: the store's own thread checkpoints once the reader is gone.
    store.scrubber.join(timeout=120)
    assert not store.scrub_pending
    assert files_containing(folder, CANARY) == []
    assert store.integrity_check() == "ok"
    store.engine.dispose()


def test_a_uri_form_url_names_its_file_and_makes_no_folder_called_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hcdev_match.storage.database import create_database_engine, sqlite_path

    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///file:{tmp_path / 'sub' / 'x.sqlite3'}?mode=rwc&uri=true"
    assert sqlite_path(url) == tmp_path / "sub" / "x.sqlite3"
    create_database_engine(url).dispose()
    assert not (tmp_path / "file:").exists() and (tmp_path / "sub").is_dir()
