"""Scoring many files for the command line: walk paths, read them through the one intake, score in parallel.

Files, ZIPs of files and CSVs of ``id,text`` rows are read by
``documents.intake``, the recruiter page's intake, so a file is accepted or
refused, and its refusal worded, the same way in both.

The workers are given chunks of at most ``_CHUNK`` CVs each, a ZIP's
members shared out like loose files (``plan_chunks``), so that one ZIP of
200 CVs keeps two workers busy, as 200 files do, not one.

Without explanations (the ``rank`` CSV), workers are forked *before*
scikit-learn is imported: they read and canonicalise files while the parent
imports it and builds the model, then the parent scores everything in one
vectorised pass. With explanations, the model is built first and the
workers, forked after, inherit it.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import multiprocessing.util
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..catalogue.model import Catalogue
from ..config import MatchConfig
from ..documents.document import Document, DocumentReader
from ..documents.gate import DocumentLimits, read_file_bytes
from ..documents.intake import INTAKE_SUFFIXES, BatchLimits, UploadItem, ZipPart, read_batch, zip_member_count
from ..errors import DocumentError
from ..scoring.assessment import Assessment
from ..text.canonicaliser import Canonicaliser, TextEvidence

if TYPE_CHECKING:
    from ..scoring.matcher import Matcher

__all__ = ["ScoredItem", "collect_paths", "plan_chunks", "score_files"]

_CHUNK = 100
# An operator's own files: no batch cap (each file still meets DocumentLimits, each ZIP member too).
_UNCAPPED = BatchLimits(max_files=2**40, max_bytes=2**62)

#: What a worker reads: a file (a CV, a ZIP or a CSV) whole, or a ZIP's members start to stop.
Share = tuple[Path, tuple[int, int] | None]


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
    chunks = plan_chunks(paths, limits=limits)
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
        if isinstance(reader := _WORKER.get("reader"), DocumentReader):  # read in this process (one worker)
            reader.close()
        _WORKER.clear()


def plan_chunks(paths: Sequence[Path], *, limits: DocumentLimits, size: int = _CHUNK) -> list[list[Share]]:
    """The paths as the workers' chunks, in order, each of at most ``size`` CVs: a file counts one, a ZIP its
    members (counted from its directory; each share of at most ``size`` of them), so a ZIP is shared out over
    the workers as loose files are. A ZIP that cannot be opened here is one share, refused by its worker."""
    chunks: list[list[Share]] = []
    chunk: list[Share] = []
    held = 0
    for path, window, cvs in (share for p in paths for share in _shares(p, limits, size)):
        if chunk and held + cvs > size:
            chunks.append(chunk)
            chunk, held = [], 0
        chunk.append((path, window))
        held += cvs
    return [*chunks, chunk] if chunk else chunks


def _shares(path: Path, limits: DocumentLimits, size: int) -> Iterator[tuple[Path, tuple[int, int] | None, int]]:
    count = 0
    if path.suffix.lower() == ".zip":
        with contextlib.suppress(DocumentError):  # unreadable, too large or damaged: its worker says so
            count = zip_member_count(path.name, read_file_bytes(path, limits=limits))
    if count <= size:
        yield path, None, max(count, 1)
        return
    for start in range(0, count, size):
        yield path, (start, min(start + size, count)), min(size, count - start)


def _read_chunk(chunk: list[Share]) -> list[_Read]:
    canonicaliser = _WORKER["canonicaliser"]
    limits = _WORKER["limits"]
    assert isinstance(canonicaliser, Canonicaliser) and isinstance(limits, DocumentLimits)
    explain = "matcher" in _WORKER

    def content(path: Path) -> Callable[[], bytes]:
        return lambda: read_file_bytes(path, limits=limits)

    # One parser process for the worker, started with its first chunk and kept for the next ones: this worker
    # already has a core of its own, and a start (a fresh Python loading pypdf and python-docx) per chunk
    # cost more CPU than sharing a ZIP's chunks out saved. A forked worker stops and waits for it as it ends.
    if not isinstance(reader := _WORKER.get("reader"), DocumentReader):
        reader = _WORKER["reader"] = DocumentReader(limits=limits, workers=1)
        if multiprocessing.parent_process() is not None:
            multiprocessing.util.Finalize(None, reader.close, exitpriority=10)
    files = [(p.name, content(p) if window is None else ZipPart(content(p), *window)) for p, window in chunk]
    intake = read_batch(files, batch=_UNCAPPED, reader=reader)
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
