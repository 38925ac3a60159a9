"""Archive tables: reading a table of ``id,text`` (Parquet or CSV) in chunks, and writing the scored rows.

Reading streams the table ``chunk_rows`` rows at a time, so memory stays
flat however many rows it has; writing goes to a file beside OUTPUT, moved
into place only when every row is done, so a bad row halfway through
leaves no half-written table. Both engines (``archive``, ``archive_spark``)
read and write through this module.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..documents.document import DocumentLimits
from ..errors import DocumentError
from ..present.spreadsheet import csv_writer

__all__ = [
    "INPUT_COLUMNS",
    "TEXT_COLUMNS",
    "ArchiveConfig",
    "check_table",
    "output_columns",
    "read_chunks",
    "table_format",
    "write_chunks",
]

INPUT_COLUMNS = ("id", "text")
#: The output's columns that hold strings; the others hold fits.
TEXT_COLUMNS = ("id", "best_role", "flags", "catalogue_version")
_FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv"}


@dataclass(frozen=True)
class ArchiveConfig:
    """How an archive is read: rows per chunk, reading processes, the same cap on one text as a pasted CV."""

    chunk_rows: int = 500  # small: a few chunks in flight keep the resident set flat (bench/rank_table.py)
    workers: int | None = None  # processes that canonicalise texts (None: one per core)
    limits: DocumentLimits = field(default_factory=DocumentLimits)


def table_format(path: str | Path) -> str:
    """``parquet`` or ``csv``, from the file name."""
    suffix = Path(path).suffix.lower()
    if suffix not in _FORMATS:
        raise DocumentError(
            f"{path}: expected a .parquet or .csv table, got {suffix or 'no suffix'}; rename or convert it"
        )
    return _FORMATS[suffix]


def output_columns(roles: Sequence[str], *, opening: bool = False) -> list[str]:
    """The columns of the output table: id, the best role and fit, a fit per role, the fit to the
    opening (only with one, as ``rank --opening`` places it), flags, catalogue version."""
    return ["id", "best_role", "best_fit", *roles, *(["opening_fit"] if opening else []), "flags", "catalogue_version"]


def check_table(path: str | Path) -> None:
    """Refuse, before any scoring, a table that is missing, empty, unreadable or without string id and text."""
    path = Path(path)
    kind = table_format(path)
    if not path.is_file():
        raise DocumentError(f"{path}: no such file; check the path")
    if kind == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            parquet = pq.ParquetFile(path)
        except (pa.ArrowException, OSError) as exc:
            raise DocumentError(f"{path}: not a readable Parquet file ({exc}); check that it is one") from exc
        schema, rows = parquet.schema_arrow, parquet.metadata.num_rows
        _require_columns(path, schema.names)
        text_type = schema.field("text").type
        if not (pa.types.is_string(text_type) or pa.types.is_large_string(text_type) or pa.types.is_null(text_type)):
            raise DocumentError(f"{path}: the text column holds {text_type}, expected strings (the CV texts)")
    else:
        try:
            head = pd.read_csv(path, dtype=str, keep_default_na=False, nrows=1, encoding="utf-8")
        except pd.errors.EmptyDataError as exc:
            raise DocumentError(
                f"{path}: the file is empty; expected a header row id,text and one row per text"
            ) from exc
        except (UnicodeDecodeError, pd.errors.ParserError) as exc:
            raise DocumentError(f"{path}: not a UTF-8 CSV table ({exc}); save it as UTF-8 CSV") from exc
        _require_columns(path, list(head.columns))
        rows = len(head)
    if rows == 0:
        raise DocumentError(f"{path}: the table has its columns but no rows; nothing to score")


def _require_columns(path: Path, names: Sequence[str]) -> None:
    missing = [c for c in INPUT_COLUMNS if c not in names]
    if missing:
        found = ", ".join(str(n) for n in names) or "none"
        raise DocumentError(
            f"{path}: missing column(s) {', '.join(missing)}; expected id and text, found {found}; rename the columns"
        )


def read_chunks(path: str | Path, *, config: ArchiveConfig | None = None) -> Iterator[pd.DataFrame]:
    """The table's id and text columns, ``config.chunk_rows`` rows at a time, as strings (a missing text is "")."""
    config = config or ArchiveConfig()
    path = Path(path)
    if table_format(path) == "parquet":
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches(batch_size=config.chunk_rows, columns=list(INPUT_COLUMNS)):
            yield _as_text(batch.to_pandas())
        return
    reader = pd.read_csv(
        path, usecols=list(INPUT_COLUMNS), dtype=str, keep_default_na=False, chunksize=config.chunk_rows,
        encoding="utf-8",
    )  # fmt: skip
    with reader:
        done = 0
        while True:
            try:
                chunk = next(reader)
            except StopIteration:
                return
            except (UnicodeDecodeError, pd.errors.ParserError) as exc:
                raise DocumentError(
                    f"{path}: unreadable after row {done} ({exc}); fix that row (UTF-8, quoted cells) and run again"
                ) from exc
            done += len(chunk)
            yield _as_text(chunk)


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    ids = frame["id"].astype("string")
    if (ids.isna() | (ids == "")).any():
        raise DocumentError("a row has no id; give every text an id (the output names each row by it)")
    return pd.DataFrame({"id": ids.astype(str), "text": frame["text"].fillna("").astype(str)})


def write_chunks(
    chunks: Iterable[pd.DataFrame], output: str | Path, *, roles: Sequence[str], opening: bool = False
) -> int:
    """Write scored chunks (with ``opening_fit`` when ``opening``) to ``output`` (Parquet or CSV by its
    name); return the rows written."""
    output = Path(output)
    kind = table_format(output)
    partial = output.with_name(f".{output.name}.partial")
    rows = 0
    try:
        if kind == "parquet":
            rows = _write_parquet(chunks, partial, output_columns(roles, opening=opening))
        else:
            with partial.open("w", encoding="utf-8", newline="") as out:
                writer = csv_writer(out)
                writer.writerow(output_columns(roles, opening=opening))
                for chunk in chunks:
                    writer.writerows(chunk.itertuples(index=False, name=None))
                    rows += len(chunk)
        os.replace(partial, output)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return rows


def _write_parquet(chunks: Iterable[pd.DataFrame], path: Path, columns: Sequence[str]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(c, pa.string() if c in TEXT_COLUMNS else pa.float64()) for c in columns])
    rows = 0
    with pq.ParquetWriter(path, schema) as writer:
        for chunk in chunks:
            writer.write_table(pa.Table.from_pandas(chunk, schema=schema, preserve_index=False))
            rows += len(chunk)
    return rows
