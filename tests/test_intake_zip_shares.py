"""One ZIP of many CVs is read like the same CVs given as loose files: shared out over the command line's
workers in chunks of at most 100 CVs, each share through the same gate and caps as the whole ZIP.

Before, ``rank`` handed each path to one worker's chunk, so a ZIP of 200 CVs was one chunk, read by one
worker with one parser process while the other workers had nothing; 200 loose files were two chunks. These
tests count CVs per chunk and compare what the shares read with what the whole ZIP reads: no clock.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from hcdev_match.catalogue.model import load_catalogue
from hcdev_match.catalogue.reference import load_reference_corpus
from hcdev_match.documents.gate import DocumentLimits
from hcdev_match.documents.intake import BatchLimits, ZipPart, read_batch, zip_member_count
from hcdev_match.workflows.batch import plan_chunks, score_files

from .conftest import SAMPLES
from .files import CV_LINES, make_pdf

LIMITS = DocumentLimits(max_bytes=2**20)  # a 1 MB file cap, so a bomb member is cheap to build
CV = (SAMPLES / "ehr_1.txt").read_bytes()


def cv(n: int) -> bytes:
    return CV + f"\nReference {n}\n".encode()


def hostile_members() -> dict[str, bytes]:
    """What a recruiter's ZIP may hold besides CVs, each refused on its own."""
    return {
        "inner.zip": b"PK\x05\x06" + b"\x00" * 18,  # a nested ZIP: not a CV file
        "bomb.txt": b"A" * (2 * LIMITS.max_bytes),  # expands past the file cap: a zip bomb
        "notes.exe": b"MZ",
    }


def big_zip(path: Path, count: int, *, extra_at: int | None = None, pdfs: tuple[int, ...] = ()) -> list[str]:
    """A ZIP of ``count`` CVs (the second, the last and ``pdfs`` PDFs), a folder and macOS litter, and the
    hostile members placed at ``extra_at`` (across a share's edge) if given; the names of its members in order."""
    members = {f"cvs/cv{n:03d}.txt": cv(n) for n in range(count)}
    for n in sorted({1, count - 1, *pdfs}):
        del members[f"cvs/cv{n:03d}.txt"]
        members[f"cvs/cv{n:03d}.pdf"] = make_pdf([*CV_LINES, f"Reference {n}"])
    names = sorted(members)
    if extra_at is not None:
        members.update({f"cvs/{n}": d for n, d in hostile_members().items()})
        names[extra_at:extra_at] = [f"cvs/{n}" for n in hostile_members()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.mkdir("cvs")
        archive.writestr("__MACOSX/cvs/._cv000.txt", b"\x00\x05\x16\x07")
        for name in names:
            archive.writestr(name, members[name])
    return names


def cvs_in(chunk: list[tuple[Path, tuple[int, int] | None]], counts: dict[Path, int]) -> int:
    return sum(counts[path] if window is None else window[1] - window[0] for path, window in chunk)


def test_one_zip_is_shared_out_over_the_workers_in_chunks_as_loose_files_are(tmp_path: Path) -> None:
    members = big_zip(tmp_path / "batch.zip", 247, extra_at=99)  # 250 members: 247 CVs and 3 refused
    loose = []
    for n in range(30):
        (path := tmp_path / f"loose{n:02d}.txt").write_bytes(cv(1000 + n))
        loose.append(path)
    counts = {tmp_path / "batch.zip": len(members), **dict.fromkeys(loose, 1)}
    assert zip_member_count("batch.zip", (tmp_path / "batch.zip").read_bytes()) == 250  # no folder, no litter

    chunks = plan_chunks([tmp_path / "batch.zip", *loose], limits=LIMITS)
    as_loose = plan_chunks([tmp_path / f"{n}.txt" for n in range(280)], limits=LIMITS)
    # 280 CVs in both: three chunks, so three workers (the old code: the ZIP's 250 in one, the 30 in another).
    assert [cvs_in(c, counts) for c in chunks] == [len(c) for c in as_loose] == [100, 100, 80]
    assert chunks[0] == [(tmp_path / "batch.zip", (0, 100))]
    assert chunks[2] == [(tmp_path / "batch.zip", (200, 250)), *((p, None) for p in loose)]


def test_a_zip_read_in_shares_reads_what_it_reads_whole_each_member_once_and_refused_alike(tmp_path: Path) -> None:
    big_zip(tmp_path / "batch.zip", 147, extra_at=99)  # the hostile members at 99 to 101, across the edge
    data = (tmp_path / "batch.zip").read_bytes()
    whole = read_batch([("batch.zip", data)], limits=LIMITS, batch=BatchLimits(max_files=1000, max_bytes=2**40))
    shared = [
        item
        for share in ((0, 100), (100, 150))
        for item in read_batch(
            [("batch.zip", ZipPart(lambda: data, *share))], limits=LIMITS, batch=BatchLimits(max_files=1000,
            max_bytes=2**40)
        ).items
    ]  # fmt: skip
    assert shared == list(whole.items)
    assert len(shared) == 150
    refused = {item.name: item.error for item in shared if item.document is None}
    assert refused == {
        "batch.zip/inner.zip": "not a CV file (.txt, .md, .pdf, .docx)",
        "batch.zip/bomb.txt": "expands to more than 1 MB, the most one file may hold (a zip bomb?); zip the CVs again",
        "batch.zip/notes.exe": "not a CV file (.txt, .md, .pdf, .docx)",
    }
    assert [item.document.kind for item in shared if item.name.endswith(".pdf") and item.document] == ["pdf"] * 2


def test_shares_read_in_one_batch_keep_its_caps_as_the_whole_zip_does() -> None:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for n in range(10):
            archive.writestr(f"cv{n}.txt", cv(n))
    shares = [("b.zip", ZipPart(data.getvalue(), 0, 5)), ("b.zip", ZipPart(data.getvalue(), 5, 10))]
    capped = read_batch(shares, batch=BatchLimits(max_files=7))
    assert [item.name for item in capped.items] == [f"cv{n}.txt" for n in range(7)]
    assert capped.unread == 3 and capped.note is not None and "at most 7 CVs" in capped.note
    budget = len(cv(0)) * 3 + 1  # three members' bytes: the fourth stops the batch, whichever share it is in
    held = read_batch(shares, batch=BatchLimits(max_bytes=budget))
    assert [item.name for item in held.items] == ["cv0.txt", "cv1.txt", "cv2.txt"] and held.unread == 7


def test_rank_scores_a_zip_of_more_than_a_chunk_as_it_scores_the_same_files_loose(tmp_path: Path) -> None:
    names = big_zip(tmp_path / "batch.zip", 120)
    folder = tmp_path / "loose"
    with zipfile.ZipFile(tmp_path / "batch.zip") as archive:
        archive.extractall(folder)
    loose = [folder / name for name in names]

    def scored(paths: list[Path]) -> list[tuple[str, object, str | None]]:
        items = score_files(paths, catalogue=load_catalogue(), reference_texts=load_reference_corpus(),
                            workers=1, limits=LIMITS)  # fmt: skip
        return [(s.item.name.removeprefix("batch.zip/"), s.fits, s.item.error) for s in items]

    assert len(plan_chunks([tmp_path / "batch.zip"], limits=LIMITS)) == 2
    assert scored([tmp_path / "batch.zip"]) == scored(loose)


def parser_children() -> set[int]:
    """This process's children that are parser sandboxes (documents/sandbox.py), from /proc."""
    kids = [int(k) for t in Path(f"/proc/{os.getpid()}/task").iterdir() for k in (t / "children").read_text().split()]
    return {k for k in kids if b"sandbox.py" in Path(f"/proc/{k}/cmdline").read_bytes()}


def test_a_worker_reads_all_its_chunks_with_one_parser_process_not_one_a_chunk(tmp_path: Path) -> None:
    big_zip(tmp_path / "batch.zip", 250, pdfs=(120,))  # three chunks, each with a PDF for the parser
    before = parser_children()
    seen: list[set[int]] = []
    for scored in score_files([tmp_path / "batch.zip"], catalogue=load_catalogue(),
                              reference_texts=load_reference_corpus(), workers=1, limits=LIMITS):  # fmt: skip
        assert scored.fits is not None
        seen.append(parser_children() - before)  # as each chunk's CVs are handed on, the next not yet read
    # One process, alive through the three chunks (the old code started and stopped one for each), and
    # stopped at the end.
    assert len(seen) == 250 and len(set().union(*seen)) == 1 and all(seen)
    assert parser_children() == before
