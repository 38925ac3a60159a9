"""Work `rank` does per CV, bounded by counts (bytes), never by seconds.

bench/throughput.py measures the speed; these tests pin two wastes it
found so they cannot come back: a 5 MB buffer allocated to read every
small file, and every CV's text pickled back from the workers when only
its fits are wanted.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from hcdev_match.catalogue.model import load_catalogue
from hcdev_match.catalogue.reference import load_reference_corpus
from hcdev_match.documents.gate import DocumentLimits, read_file_bytes
from hcdev_match.errors import DocumentError
from hcdev_match.workflows.batch import score_files

from .conftest import SAMPLES


def test_reading_a_small_file_allocates_about_its_size(tmp_path: Path) -> None:
    path = tmp_path / "cv.txt"
    path.write_bytes(b"Python developer, FHIR interfaces.\n" * 100)  # 3.5 KB; the cap is 5 MB
    limits = DocumentLimits()
    tracemalloc.start()
    try:
        data = read_file_bytes(path, limits=limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert data == path.read_bytes()
    assert peak < 64 * 1024 < limits.max_bytes


def test_a_file_over_the_cap_is_still_refused_when_read_to_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "cv.txt"
    path.write_bytes(b"x" * 101)
    with pytest.raises(DocumentError, match="101 bytes and at most 100 bytes"):
        read_file_bytes(path, limits=DocumentLimits(max_bytes=100))


def test_rank_workers_send_fits_back_without_the_cv_texts() -> None:
    paths = sorted(SAMPLES.glob("*.txt"))[:4]
    scored = list(
        score_files(
            paths, catalogue=load_catalogue(), reference_texts=load_reference_corpus(), workers=2, explain=False
        )
    )
    assert [s.item.name for s in scored] == [p.name for p in paths]
    assert all(s.fits is not None and s.item.document is not None for s in scored)
    assert [s.item.document.text for s in scored if s.item.document is not None] == [""] * len(paths)
    assert [s.item.document.kind for s in scored if s.item.document is not None] == ["txt"] * len(paths)
