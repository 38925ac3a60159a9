"""The Spark engine of ``rank-table``: the same chunk scoring, on Spark's Python workers.

Spark reads the table and hands each Python worker Arrow batches through
``mapInPandas``; a worker builds the matcher once, from the catalogue and
reference texts shipped with the task (so a cluster needs no copy of
data/), and keeps it for every later batch; with ``--opening`` it builds
the opening once too, from the posting's text shipped beside them. The package itself travels as
a zip (``addPyFile``); the workers need the same Python libraries
(``pip install hcdev-match[spark]`` on each). Results stream back to the
driver partition by partition and are written by ``archive_table.write_chunks``,
the same writer as the local engine's. PySpark is an optional extra, and
imported only here.
"""

from __future__ import annotations

import functools
import tempfile
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..catalogue.model import Catalogue
from ..config import MatchConfig
from ..errors import HcdevMatchError
from .archive_rows import score_chunk
from .archive_table import TEXT_COLUMNS, ArchiveConfig, check_table, output_columns, table_format, write_chunks

__all__ = ["SparkConfig", "rank_table_spark"]

_PACKAGE = Path(__file__).resolve().parent.parent  # hcdev_match/
# One matcher (and opening) per Python worker process, built on its first batch.
_WORKER_MATCHERS: dict[tuple[str, int], Any] = {}
_WORKER_OPENINGS: dict[tuple[tuple[str, int], int], Any] = {}
#: What a task ships to the workers: catalogue, reference texts, match and archive configs, the posting's text.
Payload = tuple[Catalogue, tuple[str, ...], MatchConfig, ArchiveConfig, str | None]


class SparkConfig:
    """Where Spark runs: ``local[*]`` (this machine's cores) by default, or a cluster's master URL."""

    def __init__(self, *, master: str = "local[*]", app_name: str = "hcdev-match rank-table") -> None:
        self.master = master
        self.app_name = app_name

    @property
    def local(self) -> bool:
        return self.master == "local" or self.master.startswith("local[")


def _score_batches(payload: Payload, batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """What runs on a worker: build (or reuse) the matcher and the opening, score each batch."""
    catalogue, reference, match_config, config, opening_text = payload
    key = (catalogue.version, hash((reference, repr(match_config))))
    matcher = _WORKER_MATCHERS.get(key)
    if matcher is None:
        from ..scoring.matcher import Matcher

        matcher = _WORKER_MATCHERS[key] = Matcher(catalogue, reference, config=match_config)
    opening = None
    if opening_text is not None:
        opening = _WORKER_OPENINGS.get((key, hash(opening_text)))
        if opening is None:
            from ..scoring.opening import build_opening

            opening = _WORKER_OPENINGS[key, hash(opening_text)] = build_opening(matcher, opening_text)
    for batch in batches:
        frame = pd.DataFrame({"id": batch["id"].astype(str), "text": batch["text"].fillna("").astype(str)})
        yield score_chunk(matcher, frame, opening=opening, config=config)


def _spark_schema(roles: Sequence[str], *, opening: bool = False) -> str:
    columns = output_columns(roles, opening=opening)
    return ", ".join(f"`{c}` {'string' if c in TEXT_COLUMNS else 'double'}" for c in columns)


def _package_zip(folder: Path) -> Path:
    """hcdev_match as a zip for the workers' sys.path."""
    path = folder / "hcdev_match.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(_PACKAGE.rglob("*")):
            if file.is_file() and "__pycache__" not in file.parts:
                archive.write(file, Path("hcdev_match") / file.relative_to(_PACKAGE))
    return path


def rank_table_spark(
    source: str | Path,
    output: str | Path,
    *,
    catalogue: Catalogue,
    reference_texts: Sequence[str],
    match_config: MatchConfig | None = None,
    config: ArchiveConfig | None = None,
    spark: SparkConfig | None = None,
    opening_text: str | None = None,
) -> int:
    """Score every text of ``source`` into ``output`` on Spark; return the rows written.

    ``opening_text`` is a job posting's text, as for the local engine's ``rank_table``.
    """
    config, spark = config or ArchiveConfig(), spark or SparkConfig()
    check_table(source)  # the same refusals, before Spark takes its seconds to start
    table_format(output)
    if opening_text is not None:  # a posting that gives no profile too (every fit to it would be 0)
        from ..scoring.matcher import Matcher
        from ..scoring.opening import build_opening, usable_opening

        usable_opening(build_opening(Matcher(catalogue, reference_texts, config=match_config), opening_text))
    try:
        from py4j.protocol import Py4JError
        from pyspark.errors import PySparkException
    except ImportError as exc:
        raise HcdevMatchError(
            "the Spark engine needs PySpark and Java 17: pip install 'hcdev-match[spark]' and "
            "apt-get install openjdk-17-jre-headless, or use --engine local"
        ) from exc
    with warnings.catch_warnings():
        # PySpark 4.3 warns on pandas 3 at every import; mapInPandas's Arrow path, all this uses, works with it.
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
        try:
            payload = (catalogue, tuple(reference_texts), match_config or MatchConfig(), config, opening_text)
            return _run(source, output, payload, spark)
        except (PySparkException, Py4JError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise HcdevMatchError(f"Spark could not score {source}: {first}; its log above says more") from exc


def _run(source: str | Path, output: str | Path, payload: Payload, spark: SparkConfig) -> int:
    from pyspark.sql import SparkSession

    catalogue, config, opening = payload[0], payload[3], payload[4] is not None

    builder = (
        SparkSession.builder.master(spark.master)
        .appName(spark.app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(config.chunk_rows))
    )
    if spark.local:  # on this machine only: loopback
        builder = builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    roles = tuple(catalogue.roles)
    try:
        with tempfile.TemporaryDirectory(prefix="hcdev-spark-") as folder:
            session.sparkContext.addPyFile(str(_package_zip(Path(folder))))
            if table_format(source) == "parquet":
                table = session.read.parquet(str(source))
            else:  # CVs hold line breaks: quoted multi-line cells, as the csv module writes them
                table = session.read.options(header=True, multiLine=True, escape='"', encoding="UTF-8").csv(str(source))
            scored = table.select(table["id"].cast("string"), table["text"].cast("string")).mapInPandas(
                functools.partial(_score_batches, payload), schema=_spark_schema(roles, opening=opening)
            )
            return write_chunks(_local_chunks(scored, config.chunk_rows), output, roles=roles, opening=opening)
    finally:
        session.stop()


def _local_chunks(scored: Any, rows: int) -> Iterator[pd.DataFrame]:
    """The scored rows, streamed to the driver a partition at a time, regrouped in chunks."""
    columns = list(scored.columns)
    buffer: list[tuple[Any, ...]] = []
    for row in scored.toLocalIterator(prefetchPartitions=True):
        buffer.append(tuple(row))
        if len(buffer) >= rows:
            yield pd.DataFrame(buffer, columns=columns)
            buffer = []
    if buffer:
        yield pd.DataFrame(buffer, columns=columns)
