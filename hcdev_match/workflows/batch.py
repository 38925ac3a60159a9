"""Scoring many files for the command line: walk paths, read them through the one intake, score in parallel.

Files, ZIPs of files and CSVs of ``id,text`` rows are read by
``documents.intake``, the recruiter page's intake, so a file is accepted or
refused, and its refusal worded, the same way in both.

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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..catalogue.model import Catalogue
from ..config import MatchConfig
from ..documents.document import Document
from ..documents.gate import DocumentLimits, read_file_bytes
from ..documents.intake import INTAKE_SUFFIXES, BatchLimits, UploadItem, read_batch
from ..errors import DocumentError
from ..scoring.assessment import Assessment
from ..text.canonicaliser import Canonicaliser, TextEvidence

if TYPE_CHECKING:
    from ..scoring.matcher import Matcher

__all__ = ["ScoredItem", "collect_paths", "score_files"]

_CHUNK = 100
# An operator's own files: no batch cap (each file still meets DocumentLimits, each ZIP member too).
_UNCAPPED = BatchLimits(max_files=2**40, max_bytes=2**62)


@dataclass(frozen=True)
class ScoredItem:
    """One CV of the batch as the intake read it, and its fits (with an assessment when explained).

    ``fits`` is None when ``item`` could not be read; ``item.error`` says why.
    Without explanations the document comes back without its text (name,
    kind and flags only): the text stays in the worker that read it.
    """

    item: UploadItem
    fits: tuple[float, ...] | None = None
    flags: tuple[str, ...] = ()
    assessment: Assessment | None = None


@dataclass(frozen=True)
class _Read:
    item: UploadItem
    evidence: TextEvidence | None
    text: str


# What forked workers inherit from the parent (set just before the fork).
_WORKER: dict[str, object] = {}


def collect_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Expand directories (recursively) into the files the intake takes (CVs, ZIPs, CSVs), sorted."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = (p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INTAKE_SUFFIXES)
            # Sorted as paths sort (part by part), with the parts as the key: far fewer Path comparisons.
            out.extend(sorted(found, key=_parts))
        elif path.exists():
            out.append(path)
        else:
            raise DocumentError(f"{path}: no such file or folder; check the path")
    return out


def _parts(path: Path) -> tuple[str, ...]:
    return path.parts


def score_files(
    paths: Sequence[Path],
    *,
    catalogue: Catalogue,
    reference_texts: Sequence[str],
    config: MatchConfig | None = None,
    workers: int | None = None,
    explain: bool = False,
    limits: DocumentLimits | None = None,
) -> Iterator[ScoredItem]:
    """Score files (ZIP members and CSV rows each as a CV), in order; one that cannot be read has no fits."""
    limits = limits or DocumentLimits()
    chunks = [list(paths[i : i + _CHUNK]) for i in range(0, len(paths), _CHUNK)]
    workers = max(1, min(workers or os.cpu_count() or 1, len(chunks)))

    def build() -> Matcher:
        # Importing scikit-learn (with SciPy and pandas) makes hundreds of
        # thousands of objects and no garbage: collecting while it runs only
        # walks them again and again, a tenth of the import's time.
        collecting = gc.isenabled()
        gc.disable()
        try:
            from ..scoring.matcher import Matcher  # imports scikit-learn: once, in this process

            matcher = Matcher(catalogue, reference_texts, config=config)
            # Everything built so far lives as long as the process: keep it out of
            # the garbage collector's sight, or every full collection during the
            # batch walks all of scikit-learn, SciPy and pandas again.
            gc.freeze()
        finally:
            if collecting:
                gc.enable()
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

    def content(path: Path) -> Callable[[], bytes]:
        return lambda: read_file_bytes(path, limits=limits)

    # One parser process for the whole chunk: this worker already has a core of its own.
    intake = read_batch([(p.name, content(p)) for p in chunk], limits=limits, batch=_UNCAPPED, parsers=1)
    out = []
    for item in intake.items:
        document = item.document
        if document is None or explain:
            out.append(_Read(item, None, document.text if document is not None else ""))
            continue
        # The text travels back only when it is to be explained (snippets):
        # pickling every CV's text back to the parent costs about as much as scoring it.
        evidence = canonicaliser.read(document.text)
        bare = Document(document.name, document.kind, "", document.flags)
        out.append(_Read(UploadItem(item.name, bare, item.error), evidence, ""))
    return out


def _score_chunk(matcher: Matcher, chunk: list[_Read], explain: bool) -> list[ScoredItem]:
    good = [r for r in chunk if r.item.document is not None]
    scored: dict[int, ScoredItem] = {}
    if explain:
        for read, assessment in zip(good, matcher.assess_many([r.text for r in good]), strict=True):
            fits = tuple(assessment.fit_of(role).fit for role in matcher.roles)
            flags = _flags(read.item, assessment.flags)
            scored[id(read)] = ScoredItem(read.item, fits, flags, assessment=assessment)
    else:
        table = matcher.fit_evidence([r.evidence for r in good if r.evidence is not None])
        for row, read in enumerate(good):
            fits = tuple(table.fits[row].tolist())
            scored[id(read)] = ScoredItem(read.item, fits, _flags(read.item, table.flags[row]))
    return [scored.get(id(r)) or ScoredItem(r.item) for r in chunk]


def _flags(item: UploadItem, scored: tuple[str, ...]) -> tuple[str, ...]:
    """What reading the file noticed, then what scoring it did, each once."""
    read = item.document.flags if item.document is not None else ()
    return tuple(dict.fromkeys(read + scored))
