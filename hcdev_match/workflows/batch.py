"""Scoring many files: walk paths, read each safely, score in parallel.

Without explanations (the ``rank`` CSV), workers are forked *before*
scikit-learn is imported: they read and canonicalise files while the parent
imports it and builds the model, then the parent scores everything in one
vectorised pass. With explanations, the model is built first and the
workers, forked after, inherit it.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..catalogue.model import Catalogue
from ..config import MatchConfig
from ..documents.document import read_documents
from ..documents.gate import SUPPORTED_SUFFIXES, DocumentLimits, read_file_bytes
from ..errors import DocumentError
from ..scoring.assessment import Assessment
from ..text.canonicaliser import Canonicaliser, TextEvidence

if TYPE_CHECKING:
    from ..scoring.matcher import Matcher

__all__ = ["BatchItem", "collect_paths", "score_files"]

_CHUNK = 100


@dataclass(frozen=True)
class BatchItem:
    """One file's outcome: fits (and an assessment when explained) or an error."""

    source: str
    fits: tuple[float, ...] | None
    flags: tuple[str, ...] = ()
    error: str | None = None
    assessment: Assessment | None = None


@dataclass(frozen=True)
class _Read:
    source: str
    evidence: TextEvidence | None
    text: str
    flags: tuple[str, ...]
    error: str | None


# What forked workers inherit from the parent (set just before the fork).
_WORKER: dict[str, object] = {}


def collect_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Expand directories (recursively) into the supported files they hold, sorted."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES))
        elif path.exists():
            out.append(path)
        else:
            raise DocumentError(f"{path}: no such file or folder; check the path")
    return out


def score_files(
    paths: Sequence[Path],
    *,
    catalogue: Catalogue,
    reference_texts: Sequence[str],
    config: MatchConfig | None = None,
    workers: int | None = None,
    explain: bool = False,
    limits: DocumentLimits | None = None,
) -> Iterator[BatchItem]:
    """Score files, in order; a file that cannot be read becomes an item with an error."""
    limits = limits or DocumentLimits()
    chunks = [list(paths[i : i + _CHUNK]) for i in range(0, len(paths), _CHUNK)]
    workers = max(1, min(workers or os.cpu_count() or 1, len(chunks)))

    def build() -> Matcher:
        from ..scoring.matcher import Matcher  # imports scikit-learn: once, in this process

        matcher = Matcher(catalogue, reference_texts, config=config)
        # Everything built so far lives as long as the process: keep it out of
        # the garbage collector's sight, or every full collection during the
        # batch walks all of scikit-learn, SciPy and pandas again.
        gc.freeze()
        return matcher

    _WORKER.clear()
    _WORKER["limits"] = limits
    if explain:
        matcher = build()
        _WORKER["matcher"], _WORKER["canonicaliser"] = matcher, matcher.canonicaliser
    else:
        _WORKER["canonicaliser"] = Canonicaliser(catalogue, config)
    try:
        if workers == 1:
            reads: Iterator[list[_Read]] = map(_read_chunk, chunks)
            pool = None
        else:
            pool = multiprocessing.get_context("fork").Pool(workers)
            reads = pool.imap(_read_chunk, chunks)
        if not explain:
            matcher = build()
        for chunk in reads:
            yield from _score_chunk(matcher, chunk, explain)
        if pool is not None:
            pool.close()
            pool.join()
    finally:
        if pool is not None:
            pool.terminate()
        _WORKER.clear()


def _read_chunk(chunk: list[Path]) -> list[_Read]:
    canonicaliser = _WORKER["canonicaliser"]
    limits = _WORKER["limits"]
    assert isinstance(canonicaliser, Canonicaliser) and isinstance(limits, DocumentLimits)
    explain = "matcher" in _WORKER
    raw: list[tuple[int, str, bytes]] = []
    out: list[_Read | None] = [None] * len(chunk)
    for index, path in enumerate(chunk):
        try:
            data = read_file_bytes(path, limits=limits)
        except DocumentError as exc:
            out[index] = _Read(path.name, None, "", (), str(exc))
            continue
        raw.append((index, path.name, data))
    # One call for the whole chunk: PDFs and DOCX share one limited parser
    # process (this worker already has a core of its own).
    documents = read_documents([(name, data) for _, name, data in raw], limits=limits, workers=1)
    for (index, name, _), document in zip(raw, documents, strict=True):
        if isinstance(document, DocumentError):
            out[index] = _Read(name, None, "", (), str(document))
            continue
        evidence = None if explain else canonicaliser.read(document.text)
        # The text travels back only when it is to be explained (snippets).
        out[index] = _Read(name, evidence, document.text if explain else "", document.flags, None)
    return [item for item in out if item is not None]


def _score_chunk(matcher: Matcher, chunk: list[_Read], explain: bool) -> list[BatchItem]:
    good = [r for r in chunk if r.error is None]
    scored: dict[int, BatchItem] = {}
    if explain:
        for read, assessment in zip(good, matcher.assess_many([r.text for r in good]), strict=True):
            fits = tuple(assessment.fit_of(role).fit for role in matcher.roles)
            flags = tuple(dict.fromkeys(read.flags + assessment.flags))
            scored[id(read)] = BatchItem(read.source, fits, flags, assessment=assessment)
    else:
        table = matcher.fit_evidence([r.evidence for r in good if r.evidence is not None])
        for row, read in enumerate(good):
            flags = tuple(dict.fromkeys(read.flags + table.flags[row]))
            scored[id(read)] = BatchItem(read.source, tuple(float(f) for f in table.fits[row]), flags)
    return [scored.get(id(r)) or BatchItem(r.source, None, error=r.error) for r in chunk]
