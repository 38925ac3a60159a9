"""`rank-table`: a table of id,text in, one row of fits per text out, on the local engine and on Spark.

The local engine's rows are checked against `Matcher.assess` (the fit
check's own scoring) on CSV and Parquet, read in chunks smaller than the
table; Spark (master local[1], sixty texts, with an opening) must give the
local engine's fits, the opening's too, to 0.01; bad tables are refused with a message that says
what to do, before anything is written.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import random
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from hcdev_match.catalogue.reference import load_reference_corpus
from hcdev_match.cli.main import main
from hcdev_match.errors import HcdevMatchError
from hcdev_match.scoring.matcher import Matcher
from hcdev_match.workflows.archive import rank_table
from hcdev_match.workflows.archive_table import ArchiveConfig, read_chunks

from .files import make_docx
from .load import vary_cv
from .test_openings import CV_REQUIRED, INTEGRATION

JAVA = shutil.which("java")


def texts_table(samples: dict[str, str], count: int) -> pd.DataFrame:
    """`count` CVs nobody wrote twice (samples, lines dropped and reordered), with an empty text among them."""
    rng = random.Random(5)
    pool = list(samples.values())
    rows = [(f"cand-{n:04d}", vary_cv(rng.choice(pool), rng, n)) for n in range(count)]
    rows[3] = ("cand-empty", "")
    return pd.DataFrame(rows, columns=["id", "text"])


def posting(folder: Path) -> Path:
    """The openings' integration-engineer posting, as a real DOCX."""
    path = folder / "posting.docx"
    path.write_bytes(make_docx(INTEGRATION.split("\n")))
    return path


def model(matcher: Matcher) -> dict[str, object]:
    """What rank_table builds its matcher from: the shipped catalogue and reference corpus."""
    return {"catalogue": matcher.catalogue, "reference_texts": load_reference_corpus()}


def run_cli(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_the_local_engine_gives_each_row_the_fits_of_the_fit_check(
    kind: str, tmp_path: Path, samples: dict[str, str], matcher: Matcher
) -> None:
    table = texts_table(samples, 45)
    source = tmp_path / f"in.{kind}"
    table.to_csv(source, index=False) if kind == "csv" else table.to_parquet(source)
    config = ArchiveConfig(chunk_rows=8, workers=2)  # six chunks, canonicalised in two worker processes
    assert [len(c) for c in read_chunks(source, config=config)] == [8, 8, 8, 8, 8, 5]
    output = tmp_path / f"out.{kind}"
    assert rank_table(source, output, **model(matcher), config=config) == len(table)
    out = pd.read_csv(output, dtype={"id": str}, keep_default_na=False) if kind == "csv" else pd.read_parquet(output)
    assert list(out.columns) == ["id", "best_role", "best_fit", *matcher.roles, "flags", "catalogue_version"]
    assert out["id"].tolist() == table["id"].tolist()  # one row per text, in order
    for row, text in zip(out.itertuples(index=False), table["text"], strict=True):
        assessment = matcher.assess(text)
        assert row.best_role == assessment.fits[0].role
        assert row.best_fit == pytest.approx(assessment.fits[0].fit, abs=1e-6)
        for fit in assessment.fits:
            assert getattr(row, fit.role) == pytest.approx(fit.fit, abs=1e-6)
        assert row.flags == ";".join(assessment.flags)
        assert row.catalogue_version == assessment.catalogue_version
    assert out.loc[out["id"] == "cand-empty", "flags"].item() == "too_little_text"  # kept, and flagged


def test_a_csv_output_is_data_not_formulas(tmp_path: Path, samples: dict[str, str], matcher: Matcher) -> None:
    source, output = tmp_path / "in.csv", tmp_path / "out.csv"
    pd.DataFrame({"id": ["=HYPERLINK(1)", "+cmd"], "text": [samples["ehr_1"]] * 2}).to_csv(source, index=False)
    rank_table(source, output, **model(matcher), config=ArchiveConfig(workers=1))
    ids = [row[0] for row in csv.reader(io.StringIO(output.read_text()))][1:]
    assert ids == ["'=HYPERLINK(1)", "'+cmd"]


def _bad_tables(folder: Path) -> dict[str, tuple[Path, str]]:
    folder.mkdir()
    cases: dict[str, tuple[Path, str]] = {}

    def case(name: str, file: str, expected: str) -> Path:
        cases[name] = (folder / file, expected)
        return folder / file

    case("missing columns", "names.csv", "missing column(s) text; expected id and text, found id, body").write_text(
        "id,body\n1,a CV\n"
    )
    case("empty file", "empty.csv", "the file is empty").write_text("")
    case("header only", "header.csv", "no rows").write_text("id,text\n")
    case("not UTF-8", "latin.csv", "not a UTF-8 CSV table").write_bytes(b"id,text\n1,\xe9t\xe9 \xff\xfe\n")
    pq.write_table(pa.table({"id": ["a"], "text": [42]}), case("number texts", "numbers.parquet", "holds int64"))
    case("not parquet", "fake.parquet", "not a readable Parquet file").write_text("id,text\n1,a CV\n")
    case("spreadsheet", "cvs.xlsx", "expected a .parquet or .csv table, got .xlsx").write_bytes(b"PK\x03\x04")
    pq.write_table(pa.table({"id": pa.array([], pa.string()), "text": pa.array([], pa.string())}),
                   case("empty parquet", "none.parquet", "no rows"))  # fmt: skip
    case("no such file", "missing.csv", "no such file")
    return cases


def test_bad_tables_are_refused_with_a_message_and_nothing_is_written(
    tmp_path: Path, matcher: Matcher, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, (source, expected) in _bad_tables(tmp_path / "bad").items():
        output = tmp_path / "out.csv"
        with pytest.raises(HcdevMatchError) as refused:
            rank_table(source, output, **model(matcher))
        assert expected in str(refused.value), (name, str(refused.value))
        assert not output.exists() and not list(tmp_path.glob(".out.csv*")), name
        # The CLI says the same on one line and exits 2, on either engine (Spark is not started for it).
        for engine in ("local", "spark"):
            status, out, err = run_cli("rank-table", str(source), str(output), "--engine", engine, capsys=capsys)
            assert (status, out) == (2, "") and expected in err and err.count("\n") == 1, (name, engine, err)


def test_a_row_that_breaks_halfway_leaves_no_half_written_table(tmp_path: Path, matcher: Matcher) -> None:
    source, output = tmp_path / "in.parquet", tmp_path / "out.parquet"
    pq.write_table(pa.table({"id": ["a", "b", None], "text": ["a CV", "another", "a third"]}), source, row_group_size=1)
    with pytest.raises(HcdevMatchError, match="a row has no id"):
        rank_table(source, output, **model(matcher), config=ArchiveConfig(chunk_rows=1, workers=2))
    assert not output.exists() and list(tmp_path.iterdir()) == [source]


def require_spark() -> None:
    """Skip without PySpark or Java, except in CI, where `make test` installs both."""
    missing = [what for what, there in (("java", JAVA), ("pyspark", importlib.util.find_spec("pyspark"))) if not there]
    if missing and os.environ.get("CI"):
        raise RuntimeError(f"{', '.join(missing)} missing: `make test` installs pyspark and openjdk-17-jre-headless")
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (make install; apt-get install -y openjdk-17-jre-headless)")


def test_the_spark_engine_gives_the_local_engines_fits(
    tmp_path: Path, samples: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    # One Spark start (the suite's slowest part) checks both: the role fits and the opening's.
    require_spark()
    table = texts_table(samples, 60)
    table.loc[0] = ("fits-required", CV_REQUIRED)
    source, job = tmp_path / "in.csv", posting(tmp_path)
    table.to_csv(source, index=False)  # CSV: the CVs' line breaks are quoted multi-line cells for Spark to read
    opening = ("--opening", str(job))
    status, out, err = run_cli("rank-table", str(source), str(tmp_path / "local.parquet"), *opening, capsys=capsys)
    assert status == 0, err
    spark_args = (
        "rank-table",
        str(source),
        str(tmp_path / "spark.parquet"),
        "--engine",
        "spark",
        "--master",
        "local[1]",
        *opening,
    )
    status, out, err = run_cli(*spark_args, capsys=capsys)
    assert (status, out) == (0, f"scored 60 texts into {tmp_path / 'spark.parquet'} (spark engine)\n"), err
    local, spark = pd.read_parquet(tmp_path / "local.parquet"), pd.read_parquet(tmp_path / "spark.parquet")
    assert list(spark.columns) == list(local.columns) and "opening_fit" in spark.columns
    assert spark["id"].tolist() == table["id"].tolist()
    fits = [c for c in local.columns if c not in ("id", "best_role", "flags", "catalogue_version")]
    assert (spark[fits] - local[fits]).abs().to_numpy().max() <= 0.01
    assert spark["opening_fit"].iloc[0] > 10  # the posting's own kind of CV: a fit, not a column of zeros
    assert spark["best_role"].tolist() == local["best_role"].tolist()
    assert spark["flags"].tolist() == local["flags"].tolist()


def test_a_spark_worker_builds_the_matcher_once_for_all_its_batches(samples: dict[str, str], matcher: Matcher) -> None:
    # What mapInPandas runs on a Python worker, called here as Spark calls it: batches of one task, then
    # of another task on the same (reused) worker process.
    from hcdev_match.config import MatchConfig
    from hcdev_match.workflows import archive_spark

    archive_spark._WORKER_MATCHERS.clear()
    payload = (matcher.catalogue, tuple(load_reference_corpus()), MatchConfig(), ArchiveConfig(), None)
    table = texts_table(samples, 12)
    batches = [table.iloc[:5], table.iloc[5:9]]
    first = pd.concat(list(archive_spark._score_batches(payload, iter(batches))))
    [built] = archive_spark._WORKER_MATCHERS.values()
    second = pd.concat(list(archive_spark._score_batches(payload, iter([table.iloc[9:]]))))
    [kept] = archive_spark._WORKER_MATCHERS.values()
    assert kept is built  # the second task's batches used the same matcher: none was built again
    assert first["id"].tolist() + second["id"].tolist() == table["id"].tolist()
    assert first["best_fit"].tolist()[0] == pytest.approx(matcher.assess(table["text"][0]).fits[0].fit, abs=1e-6)
