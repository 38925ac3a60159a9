"""The command line's openings, run as a real process: `opening`, `score/rank --opening`, `evaluate --openings`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .conftest import SAMPLES
from .files import make_docx
from .test_cli import run
from .test_openings import CV_PREFERRED, CV_REQUIRED, INTEGRATION


def _posting(tmp_path: Path) -> Path:
    path = tmp_path / "posting.docx"
    path.write_bytes(make_docx(INTEGRATION.split("\n")))
    return path


def test_opening_prints_the_profile_a_posting_gives(tmp_path: Path) -> None:
    result = run("opening", str(_posting(tmp_path)))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Opening: Senior Integration Engineer\n")
    required = next(line for line in out.splitlines() if line.startswith("Required: "))
    preferred = next(line for line in out.splitlines() if line.startswith("Preferred: "))
    assert "(hl7)" in required and "(fhir)" not in required and "(fhir)" in preferred
    assert "Closest roles" in out and "(ehr)" in out
    assert "Not matched automatically (read them yourself): Zorblax Studio" in out
    data = json.loads(run("opening", "--format", "json", str(_posting(tmp_path))).stdout)
    assert {"title", "required", "preferred", "closest_roles", "not_matched", "profile", "text_hash"} <= set(data)


def test_score_with_an_opening_adds_its_fit_matched_and_missing(tmp_path: Path) -> None:
    cv = tmp_path / "cv.txt"
    cv.write_text(CV_PREFERRED)
    result = run("score", "--format", "json", "--opening", str(_posting(tmp_path)), str(cv))
    assert result.returncode == 0, result.stderr
    opening = json.loads(result.stdout)["opening"]
    assert set(opening) == {"title", "fit", "matched", "missing"}
    assert opening["title"] == "Senior Integration Engineer" and 0 < opening["fit"] <= 100
    assert {"fhir", "python"} <= set(opening["matched"])
    # Missing: the required skill ids first, then the preferred ones.
    assert {"hl7", "adt", "interface_engine"} <= set(opening["missing"][:4])
    table = run("score", "--opening", str(_posting(tmp_path)), str(cv))
    assert "Opening 'Senior Integration Engineer': fit" in table.stdout


def test_rank_with_an_opening_adds_a_column_and_a_field(tmp_path: Path) -> None:
    folder = tmp_path / "cvs"
    folder.mkdir()
    (folder / "a_required.txt").write_text(CV_REQUIRED)
    (folder / "b_preferred.txt").write_text(CV_PREFERRED)
    (folder / "c_imaging.txt").write_text((SAMPLES / "imaging_1.txt").read_text())
    posting = str(_posting(tmp_path))
    result = run("rank", "--workers", "1", "--opening", posting, str(folder))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert "opening_fit" in rows[0]
    fits = {row["source"]: float(row["opening_fit"]) for row in rows}
    assert fits["a_required.txt"] > fits["b_preferred.txt"]
    records = json.loads(run("rank", "--workers", "1", "--format", "json", "--opening", posting, str(folder)).stdout)
    by_source = {r["source"]: r["opening"] for r in records}
    assert by_source["a_required.txt"]["fit"] == fits["a_required.txt"]
    assert set(by_source["c_imaging.txt"]) == {"title", "fit", "matched", "missing"}
    # Without --opening, neither appears.
    plain = run("rank", "--workers", "1", str(folder))
    assert "opening_fit" not in plain.stdout.splitlines()[0]


def test_evaluate_openings_reports_map_beside_the_role_proxy(tmp_path: Path) -> None:
    texts = [
        ("p1", INTEGRATION, "ehr", "posting"),
        ("c1", CV_REQUIRED, "ehr", "cv"),
        ("c2", (SAMPLES / "imaging_1.txt").read_text(), "imaging", "cv"),
        ("c3", (SAMPLES / "ehr_2.txt").read_text(), "ehr", "cv"),
        ("c4", (SAMPLES / "outside_fintech.txt").read_text(), "none", "cv"),
    ]
    path = tmp_path / "set.jsonl"
    path.write_text(
        "".join(json.dumps(dict(zip(("id", "text", "label", "kind"), t, strict=True))) + "\n" for t in texts)
    )
    result = run("evaluate", "--openings", str(path), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["openings"] == 1 and report["texts"] == 5
    assert 0 < report["opening_map"] <= 1 and 0 < report["role_map"] <= 1
    assert report["rows"][0]["best_role"] == "ehr"
    text = run("evaluate", "--openings", str(path))
    assert "by opening fit" in text.stdout and "by the best role's fit" in text.stdout
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "x", "text": "t", "label": "ehr"}) + "\n")
    refused = run("evaluate", "--openings", str(bad))
    assert refused.returncode == 2 and '"kind"' in refused.stderr and "Traceback" not in refused.stderr


def test_evaluate_openings_without_a_cv_says_not_measured_instead_of_zero(tmp_path: Path) -> None:
    path = tmp_path / "postings_only.jsonl"
    rows = [
        ("p1", INTEGRATION, "ehr", "posting"),
        ("p2", (SAMPLES / "imaging_1.txt").read_text(), "imaging", "posting"),
    ]
    path.write_text(
        "".join(json.dumps(dict(zip(("id", "text", "label", "kind"), t, strict=True))) + "\n" for t in rows)
    )
    report = json.loads(run("evaluate", "--openings", str(path), "--format", "json").stdout)
    assert report["opening_map_cvs"] is None and report["role_map_cvs"] is None
    assert report["opening_map"] is None  # the other posting has another label: nothing to find
    text = run("evaluate", "--openings", str(path)).stdout
    assert "0.000" not in text and text.count("not measured") == 4


def test_a_posting_file_over_the_limit_is_refused_by_the_command_line_never_cut(tmp_path: Path) -> None:
    long = tmp_path / "long.txt"
    long.write_text(INTEGRATION + "\nAbout us\n" + "We care about patients. " * 9_000)
    for args in (("opening", str(long)), ("score", str(SAMPLES / "ehr_1.txt"), "--opening", str(long))):
        result = run(*args)
        assert result.returncode == 2 and "characters a posting may have" in result.stderr, args
        assert "Traceback" not in result.stderr


def test_the_opening_command_refuses_a_missing_file_naming_itself_not_the_option(tmp_path: Path) -> None:
    result = run("opening", str(tmp_path / "missing.txt"))
    assert result.returncode == 2 and result.stdout == "" and result.stderr.count("\n") == 1, result.stderr
    assert "the job posting given to the opening command was refused" in result.stderr, result.stderr
    assert "--opening" not in result.stderr and "Traceback" not in result.stderr
