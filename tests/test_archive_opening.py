"""`rank-table --opening FILE`: each row also gets its fit to a job posting, the fit `score --opening` gives.

The posting is a real DOCX built here, read through the same intake as
`score --opening`; the tables are real CSV and Parquet files. Spark's run
with an opening is in test_archive.py (one Spark start serves both); here
the function `mapInPandas` runs on a worker is called as Spark calls it.
Bad posting files are refused by the CLI, on either engine, before
anything is scored.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from hcdev_match.catalogue.reference import load_reference_corpus
from hcdev_match.config import MatchConfig
from hcdev_match.documents.document import read_path
from hcdev_match.scoring.matcher import Matcher
from hcdev_match.scoring.opening import build_opening, explain_opening
from hcdev_match.workflows import archive_spark
from hcdev_match.workflows.archive import rank_table
from hcdev_match.workflows.archive_table import ArchiveConfig, output_columns

from .test_archive import model, posting, run_cli, texts_table
from .test_openings import CV_PREFERRED, CV_REQUIRED


def opening_table(samples: dict[str, str]) -> pd.DataFrame:
    """The two CVs the openings' tests know (one shows the posting's requirements), samples and an empty text."""
    table = texts_table(samples, 12)
    table.loc[0] = ("fits-required", CV_REQUIRED)
    table.loc[1] = ("fits-preferred", CV_PREFERRED)
    return table


def read_output(path: Path) -> pd.DataFrame:
    return (
        pd.read_csv(path, dtype={"id": str}, keep_default_na=False) if path.suffix == ".csv" else pd.read_parquet(path)
    )


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_with_an_opening_each_row_gets_the_fit_score_opening_gives(
    kind: str, tmp_path: Path, samples: dict[str, str], matcher: Matcher, capsys: pytest.CaptureFixture[str]
) -> None:
    table = opening_table(samples)
    source, output, job = tmp_path / f"in.{kind}", tmp_path / f"out.{kind}", posting(tmp_path)
    table.to_csv(source, index=False) if kind == "csv" else table.to_parquet(source)
    if kind == "csv":  # the CLI, with its worker processes
        status, out, err = run_cli("rank-table", str(source), str(output), "--opening", str(job), capsys=capsys)
        assert (status, out) == (0, f"scored {len(table)} texts into {output} (local engine)\n"), err
    else:  # the library in one process, in chunks of two
        text = read_path(job).text
        config = ArchiveConfig(chunk_rows=2, workers=1)
        assert rank_table(source, output, **model(matcher), config=config, opening_text=text) == len(table)
    rows = read_output(output)
    assert list(rows.columns) == output_columns(matcher.roles, opening=True)
    assert list(rows.columns)[-3:] == ["opening_fit", "flags", "catalogue_version"]
    opening = build_opening(matcher, read_path(job).text)
    for row in rows.itertuples(index=False):
        text = table.loc[table["id"] == row.id, "text"].item()
        assert row.opening_fit == pytest.approx(explain_opening(matcher, opening, matcher.assess(text)).fit, abs=1e-6)
    fits = dict(zip(rows["id"], rows["opening_fit"], strict=True))
    assert fits["fits-required"] > fits["fits-preferred"] > 0 and fits["cand-empty"] == 0.0

    # Known answer: what `score --opening` prints for the same text, as a file.
    cv = tmp_path / "cv.txt"
    cv.write_text(CV_REQUIRED, encoding="utf-8")
    status, out, err = run_cli("score", "--format", "json", "--opening", str(job), str(cv), capsys=capsys)
    assert status == 0, err
    assert json.loads(out)["opening"]["fit"] == round(fits["fits-required"], 1)


def test_without_an_opening_there_is_no_opening_column(
    tmp_path: Path, samples: dict[str, str], matcher: Matcher
) -> None:
    source = tmp_path / "in.parquet"
    opening_table(samples).to_parquet(source)
    for name in ("out.parquet", "out.csv"):
        rank_table(source, tmp_path / name, **model(matcher), config=ArchiveConfig(workers=1))
        assert list(read_output(tmp_path / name).columns) == output_columns(matcher.roles), name
    assert "opening_fit" not in output_columns(matcher.roles)
    assert "opening_fit" not in archive_spark._spark_schema(matcher.roles)
    assert "`opening_fit` double, `flags` string" in archive_spark._spark_schema(matcher.roles, opening=True)


def test_a_spark_worker_builds_the_opening_once_for_all_its_batches(
    tmp_path: Path, samples: dict[str, str], matcher: Matcher
) -> None:
    archive_spark._WORKER_MATCHERS.clear()
    archive_spark._WORKER_OPENINGS.clear()
    text = read_path(posting(tmp_path)).text
    payload = (matcher.catalogue, tuple(load_reference_corpus()), MatchConfig(), ArchiveConfig(), text)
    table = opening_table(samples)
    first = pd.concat(list(archive_spark._score_batches(payload, iter([table.iloc[:5], table.iloc[5:9]]))))
    [built] = archive_spark._WORKER_OPENINGS.values()
    second = pd.concat(list(archive_spark._score_batches(payload, iter([table.iloc[9:]]))))
    [kept] = archive_spark._WORKER_OPENINGS.values()
    assert kept is built  # the second task used the opening built for the first
    both = pd.concat([first, second])
    assert list(both.columns) == output_columns(matcher.roles, opening=True)  # as the schema given to Spark
    expected = explain_opening(matcher, build_opening(matcher, text), matcher.assess(CV_REQUIRED)).fit
    assert both["opening_fit"].iloc[0] == pytest.approx(expected, abs=1e-6)


def test_a_bad_posting_file_is_refused_on_either_engine_before_anything_is_scored(
    tmp_path: Path, samples: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    source, output = tmp_path / "in.csv", tmp_path / "out.csv"
    opening_table(samples).to_csv(source, index=False)
    bad = {
        "empty.txt": (b"", "the file is empty"),
        "binary.txt": (bytes(range(256)) * 8, "holds binary data"),
        "huge.txt": (b"HL7 interfaces. " * 400_000, "at most 5.0 MB are accepted"),
        "posting.xlsx": (b"PK\x03\x04", "xlsx"),
    }
    for name, (data, expected) in bad.items():
        (tmp_path / name).write_bytes(data)
        for engine in ("local", "spark"):
            status, out, err = run_cli(
                "rank-table", str(source), str(output), "--engine", engine, "--opening", str(tmp_path / name),
                capsys=capsys,
            )  # fmt: skip
            assert (status, out) == (2, ""), (name, engine, err)
            assert err.startswith("hcdev-match: error: the job posting given with --opening was refused: "), err
            assert expected in err and err.count("\n") == 1 and "Traceback" not in err, (name, engine, err)
            assert not output.exists(), (name, engine)


def test_a_posting_that_gives_no_profile_is_refused_on_either_engine_and_by_score(
    tmp_path: Path, samples: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    source, output, job = tmp_path / "in.csv", tmp_path / "out.csv", tmp_path / "posting.txt"
    opening_table(samples).to_csv(source, index=False)
    job.write_text("Chief Happiness Officer\n\nRequirements:\n- a warm smile\n- good vibes every morning\n")
    for engine in ("local", "spark"):  # every opening_fit would be 0: a column that orders nothing
        status, out, err = run_cli(
            "rank-table", str(source), str(output), "--engine", engine, "--opening", str(job), capsys=capsys
        )
        assert (status, out) == (2, ""), (engine, err)
        assert "every fit to it would be 0" in err and err.count("\n") == 1 and "Traceback" not in err, (engine, err)
        assert not output.exists(), engine
    cv = tmp_path / "cv.txt"
    cv.write_text(CV_REQUIRED, encoding="utf-8")
    status, out, err = run_cli("score", "--opening", str(job), str(cv), capsys=capsys)
    assert (status, out) == (2, "") and err.startswith("hcdev-match: error: the job posting given with --opening was")
    status, out, _ = run_cli("opening", str(job), capsys=capsys)  # what was read from it is still shown
    assert status == 0 and "Required: none found" in out
