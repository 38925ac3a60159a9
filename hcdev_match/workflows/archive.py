"""Scoring an archive on this machine (``rank-table --engine local``): read, score and write in chunks.

The table is read and written by ``archive_table``, each chunk scored by
``archive_rows`` (as on the Spark engine, ``archive_spark``); canonicalising,
nearly all the work, runs in worker processes.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..catalogue.model import Catalogue
from ..config import MatchConfig
from ..text.canonicaliser import Canonicaliser, TextEvidence
from .archive_rows import capped_texts, score_chunk
from .archive_table import ArchiveConfig, check_table, read_chunks, table_format, write_chunks

if TYPE_CHECKING:
    from ..scoring.matcher import Matcher
    from ..scoring.opening_model import Opening

__all__ = ["rank_table"]


def rank_table(
    source: str | Path,
    output: str | Path,
    *,
    catalogue: Catalogue,
    reference_texts: Sequence[str],
    match_config: MatchConfig | None = None,
    config: ArchiveConfig | None = None,
    opening_text: str | None = None,
) -> int:
    """Score every text of ``source`` into ``output`` on this machine, chunk by chunk; return the rows.

    ``opening_text`` is a job posting's text (read through the document intake): each row then gets
    its ``opening_fit``.

    Canonicalising is nearly all the work, so it runs in worker processes forked before scikit-learn
    is imported (they stay small); this process reads, scores each chunk in one vectorised pass and
    writes, with two chunks per worker in flight, so memory does not grow with the table.
    """
    config = config or ArchiveConfig()
    check_table(source)
    table_format(output)
    workers = max(1, config.workers or os.cpu_count() or 1)
    _WORKER["canonicaliser"] = Canonicaliser(catalogue, match_config)
    pool = multiprocessing.get_context("fork").Pool(workers) if workers > 1 else None
    try:
        chunks = read_chunks(source, config=config)
        scored: Iterator[pd.DataFrame]
        if pool is None:
            matcher, opening = _build_matcher(catalogue, reference_texts, match_config, opening_text)
            scored = (score_chunk(matcher, c, opening=opening, config=config) for c in chunks)
        else:
            # The first chunks go to the workers before scikit-learn is imported: they
            # canonicalise while this process builds the model.
            pending = deque(_hand_over(pool, c, config) for c in itertools.islice(chunks, 2 * workers))
            matcher, opening = _build_matcher(catalogue, reference_texts, match_config, opening_text)
            scored = _score_in_workers(pool, matcher, chunks, pending, opening=opening, config=config)
        return write_chunks(scored, output, roles=matcher.roles, opening=opening is not None)
    finally:
        if pool is not None:
            pool.terminate()
        _WORKER.clear()


def _build_matcher(
    catalogue: Catalogue, reference_texts: Sequence[str], match_config: MatchConfig | None, opening_text: str | None
) -> tuple[Matcher, Opening | None]:
    from ..scoring.matcher import Matcher
    from ..scoring.opening import build_opening, usable_opening

    matcher = Matcher(catalogue, reference_texts, config=match_config)
    opening = usable_opening(build_opening(matcher, opening_text)) if opening_text is not None else None
    gc.freeze()  # the model lives as long as the run: keep full collections from walking it
    return matcher, opening


# What forked workers inherit (set just before the fork).
_WORKER: dict[str, Canonicaliser] = {}


def _canonicalise(texts: list[str]) -> list[TextEvidence]:
    return [_WORKER["canonicaliser"].read(text) for text in texts]


def _hand_over(pool: Any, chunk: pd.DataFrame, config: ArchiveConfig) -> tuple[pd.DataFrame, Any]:
    return chunk, pool.apply_async(_canonicalise, (capped_texts(chunk, config=config),))


def _score_in_workers(
    pool: Any, matcher: Matcher, chunks: Iterator[pd.DataFrame], pending: deque[tuple[pd.DataFrame, Any]], *,
    opening: Opening | None, config: ArchiveConfig,
) -> Iterator[pd.DataFrame]:  # fmt: skip
    """Chunks scored in order; a new one goes to the workers as each is done, so as many stay in flight."""
    while pending:
        done, evidence = pending.popleft()
        yield score_chunk(matcher, done, evidence=evidence.get(), opening=opening, config=config)
        for chunk in itertools.islice(chunks, 1):
            pending.append(_hand_over(pool, chunk, config))
