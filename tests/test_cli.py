"""The command line: output formats, exit codes, no tracebacks.

Most calls run `main()` in this process, as `python -m hcdev_match` does;
the ones about the process itself (a real start, a fork of workers, a pipe,
the environment of `make run`) start a real one.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import subprocess
import sys
import traceback
from pathlib import Path

import pytest

from hcdev_match.catalogue.model import load_catalogue
from hcdev_match.cli.main import main

from .conftest import ROOT, SAMPLES


def run(
    *args: str, stdin: str | None = None, cwd: Path = ROOT, env: dict[str, str] | None = None, process: bool = False
) -> subprocess.CompletedProcess[str]:
    """`python -m hcdev_match ARGS`: in this process (what `__main__` calls, without paying for a start and
    for the model each time), or as a real process with `process=True` and for a ranking that would fork
    worker processes out of the test runner."""
    forks = args[:1] == ("rank",) and "--workers 1" not in " ".join(args)
    if process or forks:
        return subprocess.run(
            [sys.executable, "-m", "hcdev_match", *args],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=cwd,
            timeout=120,
            env={**os.environ, **(env or {})},
        )
    return run_in_process(list(args), stdin=stdin or "", cwd=cwd, env=env or {})


def run_in_process(args: list[str], *, stdin: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`main(args)` as the process would run it: its streams captured, argparse's exits and an escaping
    exception (a traceback on stderr, status 1, as the interpreter gives) turned into the exit status."""
    out, err = io.StringIO(), io.StringIO()
    saved = {name: os.environ.get(name) for name in env}
    here = Path.cwd()
    os.environ.update(env)
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = main(args, stdin=io.StringIO(stdin), stdout=out)
            except SystemExit as exit_:
                status = exit_.code if isinstance(exit_.code, int) else 0 if exit_.code is None else 1
            except Exception:  # noqa: BLE001 - what the interpreter would print for an escaping exception
                traceback.print_exc()
                status = 1
    finally:
        os.chdir(here)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return subprocess.CompletedProcess(["hcdev-match", *args], status, out.getvalue(), err.getvalue())


def test_score_prints_best_role_and_a_table() -> None:
    result = run("score", str(SAMPLES / "imaging_1.txt"), process=True)  # one real start of the command
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Best fit: Medical imaging software developer (imaging)")
    assert any(line.startswith("imaging ") for line in lines)
    assert "A person decides." in result.stdout


def test_score_json_has_the_documented_shape_sorted_high_to_low() -> None:
    result = run("score", "--format", "json", "-", stdin=(SAMPLES / "telemedicine_1.txt").read_text())
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"catalogue_version", "flags", "fits"} <= set(data)
    fits = data["fits"]
    assert [f["fit"] for f in fits] == sorted((f["fit"] for f in fits), reverse=True)
    assert fits[0]["role"] == "telemedicine"
    assert {"role", "label", "fit", "matched_skills", "missing_skills", "top_terms"} <= set(fits[0])
    assert sum(t["contribution"] for t in fits[0]["top_terms"]) == pytest.approx(fits[0]["fit"], abs=0.1)


def test_rank_walks_folders_prints_csv_and_reports_a_broken_file(tmp_path: Path) -> None:
    folder = tmp_path / "cvs"
    (folder / "nested").mkdir(parents=True)
    for name in ("ehr_1", "mobile_2"):
        (folder / f"{name}.txt").write_text((SAMPLES / f"{name}.txt").read_text())
    (folder / "nested" / "device_1.md").write_text((SAMPLES / "device_1.txt").read_text())
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n%truncated")
    (folder / "ignored.png").write_bytes(b"\x89PNG")
    result = run("rank", str(folder), "--workers", "2")
    assert result.returncode == 1  # some files failed, the rest were scored
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    by_source = {row["source"]: row for row in rows}
    assert set(by_source) == {"broken.pdf", "ehr_1.txt", "mobile_2.txt", "device_1.md"}
    assert by_source["ehr_1.txt"]["best_role"] == "ehr"
    assert by_source["device_1.md"]["best_role"] == "device"
    assert "damaged" in by_source["broken.pdf"]["error"]
    assert {row["catalogue_version"] for row in rows} == {load_catalogue().version}
    assert "broken.pdf" in result.stderr and "Traceback" not in result.stderr


def test_rank_json_lists_sources_with_fits(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text((SAMPLES / "cds_1.txt").read_text())
    result = run("rank", "--format", "json", str(tmp_path / "a.txt"))
    assert result.returncode == 0, result.stderr
    [record] = json.loads(result.stdout)
    assert record["source"] == "a.txt" and record["fits"][0]["role"] == "cds"
    assert record["catalogue_version"] == load_catalogue().version


def test_evaluate_prints_top1_and_auc(tmp_path: Path) -> None:
    lines = [
        {"id": "1", "text": (SAMPLES / "ehr_1.txt").read_text(), "label": "ehr"},
        {"id": "2", "text": (SAMPLES / "imaging_1.txt").read_text(), "label": "imaging"},
        {"id": "3", "text": (SAMPLES / "outside_nurse.txt").read_text(), "label": "none"},
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines))
    result = run("evaluate", str(path))
    assert result.returncode == 0, result.stderr
    assert "top-1 accuracy over labelled roles: 1.000" in result.stdout
    assert "ROC AUC of the best fit, labelled vs none: 1.000" in result.stdout


@pytest.mark.parametrize(
    "args",
    [("score", "missing.txt"), ("score", "-"), ("rank", "nowhere/"), ("evaluate", "missing.jsonl"),
     ("score", "--format", "xml", "x.txt"), ("frobnicate",)],
)  # fmt: skip
def test_bad_input_gives_one_line_and_exit_2(args: tuple[str, ...]) -> None:
    result = run(*args, stdin="")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("hcdev-match: error:") and "Traceback" not in result.stderr


def test_unsupported_file_type_is_refused_with_the_accepted_types(tmp_path: Path) -> None:
    path = tmp_path / "cv.exe"
    path.write_bytes(b"MZ\x90\x00")
    result = run("score", str(path))
    assert result.returncode == 2 and ".txt, .md, .pdf, .docx" in result.stderr


def test_add_user_reads_the_password_from_stdin_and_the_user_can_sign_in(tmp_path: Path) -> None:
    from hcdev_match.storage.accounts import sign_in
    from hcdev_match.storage.store import Store

    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    result = run("add-user", "hana", "--role", "hr", "--database", url, stdin="correct horse battery\n")
    assert result.returncode == 0, result.stderr
    assert "created hr account 'hana'" in result.stdout
    assert sign_in(Store.from_url(url), "hana", "correct horse battery").role == "hr"
    again = run("add-user", "hana", "--role", "hr", "--database", url, stdin="correct horse battery\n")
    assert again.returncode == 2 and "exists already" in again.stderr


def test_export_erase_and_purge_from_the_command_line(tmp_path: Path, matcher, samples) -> None:  # type: ignore[no-untyped-def]
    from hcdev_match.storage.store import Store

    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    store = Store.from_url(url)
    store.save_assessment(matcher.assess(samples["ehr_1"]), actor="t", source="recruiter", legal_basis="contract",
                          candidate_ref="cand-42")  # fmt: skip
    exported = run("export", "cand-42", "--database", url)
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout)["assessments"][0]["best_role"] == "ehr"
    assert run("purge", "--database", url).stdout.strip() == "purged 0 expired assessment(s)"
    erased = run("erase", "cand-42", "--database", url)
    assert erased.returncode == 0 and "erased 1 assessment(s)" in erased.stdout
    missing = run("erase", "cand-42", "--database", url)
    assert missing.returncode == 2 and "nothing is kept" in missing.stderr and "Traceback" not in missing.stderr


def demo_passwords(stdout: str) -> dict[str, str]:
    """The demo accounts' names and passwords, from the lines the demo command printed."""
    found = re.findall(r"^  (demo-[a-z]+) / (\S+) \((?:hr|recruiter)\)$", stdout, re.M)
    return dict(found)


def test_demo_fills_an_empty_database_once_and_makes_no_account_unless_asked(tmp_path: Path) -> None:
    from hcdev_match.storage.accounts import list_users
    from hcdev_match.storage.store import Store

    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    first = run("demo", "--assessments", "40", "--if-empty", "--database", url)
    assert first.returncode == 0, first.stderr
    assert first.stdout == "added 40 demo assessments\n"
    again = run("demo", "--assessments", "40", "--if-empty", "--database", url)
    assert "no demo data added" in again.stdout
    store = Store.from_url(url)
    assert store.count_assessments() == 40
    # Only the passwordless author of the demo rows: nobody can sign in.
    assert [u.name for u in list_users(store)] == ["demo-data"]


def test_demo_accounts_get_random_passwords_printed_once(tmp_path: Path) -> None:
    from hcdev_match.storage.accounts import demo_account_names, sign_in
    from hcdev_match.storage.store import Store

    made = []
    for name in ("one", "two"):
        url = f"sqlite:///{tmp_path / name}.sqlite3"
        result = run("demo", "--assessments", "20", "--accounts", "--database", url)
        assert result.returncode == 0, result.stderr
        passwords = demo_passwords(result.stdout)
        assert set(passwords) == {"demo-hr", "demo-recruiter"}
        store = Store.from_url(url)
        assert sign_in(store, "demo-hr", passwords["demo-hr"]).role == "hr"
        assert sign_in(store, "demo-recruiter", passwords["demo-recruiter"]).role == "recruiter"
        assert demo_account_names(store) == ["demo-hr", "demo-recruiter"]
        made.append(passwords)
        again = run("demo", "--assessments", "20", "--accounts", "--database", url)
        assert demo_passwords(again.stdout) == {} and "exist already" in again.stdout
    assert made[0]["demo-hr"] != made[1]["demo-hr"] and len(made[0]["demo-hr"]) >= 16
    readme = (ROOT / "README.md").read_text()
    assert "demo-hr-password" not in readme and "demo-recruiter-password" not in readme


def test_demo_accounts_never_reach_a_database_with_real_data(tmp_path: Path) -> None:
    from hcdev_match.storage.accounts import add_user, list_users
    from hcdev_match.storage.store import Store

    url = f"sqlite:///{tmp_path / 'real.sqlite3'}"
    add_user(Store.from_url(url), "ana", role="recruiter", password="correct horse battery")
    result = run("demo", "--assessments", "20", "--accounts", "--database", url)
    assert result.returncode == 2 and "1 real account(s)" in result.stderr, result.stderr
    assert demo_passwords(result.stdout) == {}
    assert [u.name for u in list_users(Store.from_url(url))] == ["ana"]


def test_make_run_prints_the_demo_credentials_once_when_it_creates_the_database(tmp_path: Path) -> None:
    from hcdev_match.storage.accounts import sign_in
    from hcdev_match.storage.store import Store

    database = tmp_path / "var" / "hcdev.sqlite3"
    # The recipe `make run` depends on, with the database moved to a temporary folder
    # (-o: the installed .venv is taken as it is).
    make = ["make", "--no-print-directory", "-o", ".venv/.installed", f"DEFAULT_DB={database}", str(database)]
    first = subprocess.run(make, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    passwords = demo_passwords(first.stdout)
    assert set(passwords) == {"demo-hr", "demo-recruiter"}
    assert sign_in(Store.from_url(f"sqlite:///{database}"), "demo-hr", passwords["demo-hr"]).role == "hr"
    second = subprocess.run(make, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0 and demo_passwords(second.stdout) == {}


def test_passwd_unlock_and_remove_user_work_and_are_audited(tmp_path: Path) -> None:
    from hcdev_match.errors import AccountError
    from hcdev_match.storage.accounts import add_user, sign_in
    from hcdev_match.storage.store import Store

    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    store = Store.from_url(url)
    add_user(store, "ana", role="recruiter", password="correct horse battery")
    for _ in range(8):
        with pytest.raises(AccountError):
            sign_in(store, "ana", "a wrong guess", source="203.0.113.9")
    unlocked = run("unlock", "ana", "--database", url)
    assert unlocked.returncode == 0 and "lifted the delays on 1 source(s)" in unlocked.stdout, unlocked.stderr
    assert sign_in(store, "ana", "correct horse battery", source="203.0.113.9").name == "ana"
    changed = run("passwd", "ana", "--database", url, stdin="a tidy violet walrus\n")
    assert changed.returncode == 0, changed.stderr
    assert sign_in(store, "ana", "a tidy violet walrus").name == "ana"
    weak = run("passwd", "ana", "--database", url, stdin=" " * 12 + "\n")
    assert weak.returncode == 2 and "only spaces" in weak.stderr
    removed = run("remove-user", "ana", "--database", url)
    assert removed.returncode == 0 and "removed the account 'ana'" in removed.stdout
    with pytest.raises(AccountError):
        sign_in(store, "ana", "a tidy violet walrus")
    missing = run("remove-user", "ana", "--database", url)
    assert missing.returncode == 2 and "there is no user 'ana'" in missing.stderr
    audited = [(e["action"], e["target"], e["actor"]) for e in store.audit_entries()]
    for action in ("user_unlocked", "password_changed", "user_removed"):
        assert any(a == action and t == "user:ana" and actor.startswith("cli:") for a, t, actor in audited), action


def test_add_user_refuses_twelve_spaces(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    result = run("add-user", "ana", "--role", "hr", "--database", url, stdin=" " * 12 + "\n")
    assert result.returncode == 2 and "only spaces" in result.stderr


def test_add_user_on_a_read_only_database_prints_a_clear_error_and_no_hash(tmp_path: Path) -> None:
    from hcdev_match.storage.store import Store

    path = tmp_path / "ro.sqlite3"
    Store.from_url(f"sqlite:///{path}").engine.dispose()
    # As root no file mode stops a write, so SQLite itself opens the file read-only.
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    result = subprocess.run(
        [sys.executable, "-m", "hcdev_match", "add-user", "ana", "--role", "hr", "--database", url],
        input="correct horse battery\n", capture_output=True, text=True, timeout=120, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("hcdev-match: error: could not add the user: attempt to write a readonly database")
    assert "read-only" in result.stderr
    assert "scrypt" not in result.stderr + result.stdout and "internal error" not in result.stderr


def test_rank_csv_neutralises_file_names_that_would_be_formulas(tmp_path: Path) -> None:
    folder = tmp_path / "cvs"
    folder.mkdir()
    names = ["=HYPERLINK(1).txt", "+cmd.txt", "@SUM(1).txt", "-2+3.txt"]
    for name in names:
        (folder / name).write_text((SAMPLES / "ehr_1.txt").read_text())
    (folder / "=broken.pdf").write_bytes(b"%PDF-1.4\n%truncated")
    result = run("rank", str(folder), "--workers", "1")
    assert result.returncode == 1, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert sorted(row["source"] for row in rows) == sorted("'" + n for n in [*names, "=broken.pdf"])
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), row


def test_purge_applies_the_retention_given_now_to_rows_saved_earlier(tmp_path: Path, matcher, samples) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from hcdev_match.storage.store import Store, utc_now

    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    store = Store.from_url(url)  # saved under the default 180 days
    for days in (100, 40, 10):
        store.save_assessment(matcher.assess(samples["ehr_1"]), actor="t", source="recruiter",
                              legal_basis="contract", now=utc_now() - timedelta(days=days))  # fmt: skip
    store.engine.dispose()
    assert run("purge", "--days", "60", "--database", url).stdout.strip() == "purged 1 expired assessment(s)"
    purged = run("purge", "--database", url, env={"HCDEV_RETENTION_DAYS": "30"})
    assert purged.stdout.strip() == "purged 1 expired assessment(s)", purged.stderr
    assert Store.from_url(url).count_assessments() == 1


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (("--days", "0"), {}, "--days must be a whole number of days, 1 or more"),
        (("--days", "-30"), {}, "--days must be a whole number of days, 1 or more"),
        ((), {"HCDEV_RETENTION_DAYS": "thirty"}, "HCDEV_RETENTION_DAYS must be a whole number of days, 1 or more"),
        ((), {"HCDEV_RETENTION_DAYS": "0"}, "HCDEV_RETENTION_DAYS must be a whole number of days, 1 or more"),
    ],
)
def test_a_retention_that_is_not_1_or_more_is_refused_and_nothing_is_purged(
    tmp_path: Path, args: tuple[str, ...], env: dict[str, str], message: str
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    result = run("purge", *args, "--database", url, env=env)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def test_rank_reads_through_the_recruiters_intake_zips_csvs_and_refusals_alike(tmp_path: Path) -> None:
    import zipfile

    from hcdev_match.documents.intake import read_batch

    folder = tmp_path / "cvs"
    folder.mkdir()
    with zipfile.ZipFile(folder / "batch.zip", "w") as archive:
        archive.writestr("ehr_1.txt", (SAMPLES / "ehr_1.txt").read_text())
        archive.writestr("notes.png", b"\x89PNG")
    rows = io.StringIO()
    csv.writer(rows).writerows([["id", "text"], ["c7", (SAMPLES / "imaging_1.txt").read_text()]])
    (folder / "rows.csv").write_text(rows.getvalue())
    broken = b"%PDF-1.4\n%truncated"
    (folder / "broken.pdf").write_bytes(broken)
    result = run("rank", str(folder), "--workers", "1")
    assert result.returncode == 1, result.stderr  # some CVs failed, the rest were scored
    by_source = {row["source"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    assert set(by_source) == {"ehr_1.txt", "batch.zip/notes.png", "c7.txt", "broken.pdf"}
    assert by_source["ehr_1.txt"]["best_role"] == "ehr" and by_source["c7.txt"]["best_role"] == "imaging"
    # The web's intake refuses the same files in the same words.
    web = {item.name: item.error for item in read_batch([("broken.pdf", broken)]).items}
    assert by_source["broken.pdf"]["error"] == web["broken.pdf"] and "damaged" in web["broken.pdf"]
    assert by_source["batch.zip/notes.png"]["error"].startswith("not a CV file")
    assert "skipped broken.pdf: " in result.stderr and "Traceback" not in result.stderr
