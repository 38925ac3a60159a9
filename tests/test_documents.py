"""Reading files: real PDF and DOCX built here, and files that must be refused."""

from __future__ import annotations

import codecs
import io
import os
import signal
import time
import zipfile
from pathlib import Path

import pytest
from fpdf import FPDF

from hcdev_match.documents.document import (
    Document,
    DocumentLimits,
    DocumentReader,
    read_document,
    read_path,
)
from hcdev_match.documents.gate import expand_zip_member
from hcdev_match.documents.intake import read_batch
from hcdev_match.documents.sandbox import ParserProcess
from hcdev_match.errors import DocumentError

from .files import (
    CV_LINES,
    make_circular_xobject_pdf,
    make_docx,
    make_docx_needing_a_newer_zip,
    make_docx_with_corrupt_deflate,
    make_docx_with_entity,
    make_docx_with_late_doctype,
    make_encrypted_pdf,
    make_flate_bomb_pdf,
    make_page_tree_bomb_pdf,
    make_pdf,
    make_recursive_page_tree_pdf,
    make_zip_bomb,
)


def test_pdf_text_is_extracted() -> None:
    document = read_document(make_pdf(CV_LINES), "cv.pdf")
    assert document.kind == "pdf" and "HL7 v2 and FHIR R4" in document.text
    assert "scanned_pdf" not in document.flags


def test_docx_paragraphs_and_tables_are_extracted() -> None:
    document = read_document(make_docx(CV_LINES), "cv.docx")
    assert "Mirth Connect" in document.text and "DICOM, PACS" in document.text


def test_text_files_in_legacy_encodings_are_read(tmp_path: Path) -> None:
    path = tmp_path / "cv.txt"
    path.write_bytes("Développeur FHIR – café".encode("cp1252"))
    assert "Développeur FHIR" in read_path(path).text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_unicode_text_files_with_a_byte_order_mark_are_read_as_text(encoding: str) -> None:
    text = "Développeur FHIR – Zürich\nHL7 v2 interfaces"
    data = codecs.BOM_UTF16_BE + text.encode(encoding) if encoding == "utf-16-be" else text.encode(encoding)
    document = read_document(data, "cv.txt")
    assert document.text == text and document.kind == "txt"


def test_a_text_file_marked_utf16_that_does_not_decode_is_refused_with_advice() -> None:
    with pytest.raises(DocumentError, match="marked as UTF-16 text but does not decode as it; save it again as UTF-8"):
        read_document(codecs.BOM_UTF16_LE + "CV".encode("utf-16-le") + b"\x00\xd8", "cv.txt")


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_a_password_protected_pdf_is_called_that_and_the_message_says_what_to_do(algorithm: str) -> None:
    locked = make_encrypted_pdf(CV_LINES, user_password="secret", algorithm=algorithm)
    with pytest.raises(DocumentError) as refused:
        read_document(locked, "locked.pdf")
    message = str(refused.value)
    assert message.startswith("locked.pdf: the PDF is password-protected") and "damaged" not in message
    assert "save or print it as a PDF without one, and upload that copy" in message


def test_a_pdf_with_only_an_owner_password_is_read() -> None:
    assert "FHIR R4" in read_document(make_encrypted_pdf(CV_LINES, user_password=""), "owner-only.pdf").text


def test_pdf_with_scanned_pages_is_flagged() -> None:
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 6, " ".join(CV_LINES))
    for _ in range(2):
        pdf.add_page()
        pdf.rect(10, 10, 50, 50, style="F")  # a page that is only an image
    assert "scanned_pdf" in read_document(bytes(pdf.output()), "partly-scanned.pdf").flags


def test_pdf_without_a_text_layer_is_refused_as_a_scan() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 50, 50, style="F")
    with pytest.raises(DocumentError, match="no text layer"):
        read_document(bytes(pdf.output()), "scan.pdf")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [(b"", "empty.pdf", "the file is empty"),
     (b"MZ\x90\x00" + b"\x00" * 64, "cv.pdf", "is not a PDF"),
     (b"MZ\x90\x00" + b"\x00" * 64, "cv.txt", "not a text file"),
     (b"\x7fELF" + b"\x00" * 64, "cv.docx", "not a Word document"),
     (b"%PDF-1.7\n1 0 obj <<", "cut.pdf", "damaged"),
     (b"PK\x03\x04garbage", "cut.docx", "damaged"),
     (b"hello", "cv.rtf", "are not read")],
)  # fmt: skip
def test_bad_files_are_refused_with_a_reason(data: bytes, name: str, message: str) -> None:
    with pytest.raises(DocumentError, match=message):
        read_document(data, name)


def test_oversized_file_is_refused_before_parsing() -> None:
    limits = DocumentLimits(max_bytes=1000)
    with pytest.raises(DocumentError, match="2,005 bytes and at most 1,000 bytes"):
        read_document(b"%PDF-" + b"x" * 2000, "big.pdf", limits=limits)


def test_pdf_with_too_many_pages_is_refused() -> None:
    with pytest.raises(DocumentError, match="60 pages and at most 50"):
        read_document(make_pdf(["page"], pages=60), "long.pdf")


def test_a_pdf_compression_bomb_is_told_the_limit_what_arrived_and_what_to_do_never_damaged() -> None:
    limits = DocumentLimits()
    bomb = make_flate_bomb_pdf()  # under 1 KB, 64 MB once expanded
    with pytest.raises(DocumentError) as refused:
        read_document(bomb, "bomb.pdf", limits=limits)
    assert str(refused.value) == (
        f"bomb.pdf: the file is {len(bomb):,} bytes but a compressed part of it expands to more than 20 MB, the most "
        "one part of a PDF may (a compression bomb?); export the CV again as a PDF from a word processor, or paste "
        "the text"
    )
    with pytest.raises(DocumentError, match="expands to more than 1 MB"):  # the limit said is the config's
        read_document(bomb, "bomb.pdf", limits=DocumentLimits(max_stream_bytes=2**20))


def test_a_page_tree_of_a_million_pages_is_told_the_page_limit_never_damaged() -> None:
    with pytest.raises(DocumentError) as refused:
        read_document(make_page_tree_bomb_pdf(), "pages.pdf", limits=DocumentLimits(max_pages=20))
    message = str(refused.value)
    assert message.startswith("pages.pdf: the file is 12 KB but its page tree lists more than 2,000 pages")
    assert "at most 20 pages are read; upload the CV alone" in message and "damaged" not in message


def test_docx_zip_bomb_is_refused() -> None:
    with pytest.raises(DocumentError, match="zip bomb"):
        read_document(make_zip_bomb(), "bomb.docx")


def test_docx_with_a_doctype_is_refused() -> None:
    with pytest.raises(DocumentError, match="DOCTYPE"):
        read_document(make_docx_with_entity(), "xxe.docx")


@pytest.mark.parametrize(
    "make",
    [make_flate_bomb_pdf, make_recursive_page_tree_pdf, make_circular_xobject_pdf],
    ids=["nested-flate-bomb", "recursive-page-tree", "circular-xobject"],
)
def test_hostile_pdf_structures_end_in_a_refusal_within_the_time_limit(make) -> None:  # type: ignore[no-untyped-def]
    limits = DocumentLimits()
    start = time.perf_counter()
    with pytest.raises(DocumentError):
        read_document(make(), "hostile.pdf", limits=limits)
    # The time limit stops the parser: the refusal comes near it, never after a hang.
    # Twice the limit plus a margin, so that a machine at half speed still passes.
    assert time.perf_counter() - start < 2 * limits.timeout_s + 5


def test_a_doctype_hidden_behind_a_long_comment_is_refused() -> None:
    with pytest.raises(DocumentError, match="declares a DOCTYPE"):
        read_document(make_docx_with_late_doctype(), "late.docx")


# Found by tests/fuzz_documents.py: these raised zlib.error and NotImplementedError.
@pytest.mark.parametrize("make", [make_docx_with_corrupt_deflate, make_docx_needing_a_newer_zip])
def test_a_docx_with_a_broken_zip_inside_is_refused_as_damaged(make) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DocumentError, match="damaged"):
        read_document(make(), "broken.docx")


def test_a_refused_pattern_is_found_across_the_expanders_chunk_boundary() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("part.xml", b"x" * (65536 - 4) + b"<!doctype d>")  # split 4 | 6 over two reads
    with zipfile.ZipFile(buffer) as archive, pytest.raises(DocumentError, match="^found$"):
        expand_zip_member(
            archive, archive.getinfo("part.xml"), budget=10**6, too_large="big", refuse={b"<!DOCTYPE": "found"}
        )


def test_a_reader_parses_step_after_step_with_the_same_two_processes() -> None:
    pdfs = [(f"cv{i}.pdf", make_pdf([*CV_LINES, f"Reference {i}"])) for i in range(12)]
    with DocumentReader() as reader:
        results = [result for k in range(0, 12, 3) for result in reader.read(pdfs[k : k + 3])]
        assert reader.processes_started == 2  # four steps, not eight process starts
    assert [isinstance(r, Document) and f"Reference {i}" in r.text for i, r in enumerate(results)] == [True] * 12


def my_children() -> list[int]:
    """This process's child processes, from /proc."""
    return [int(pid) for pid in Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text().split()]


def test_a_parser_process_killed_between_steps_is_replaced_and_the_next_file_is_not_blamed() -> None:
    others = set(my_children())  # whatever an earlier test of this process still runs
    with DocumentReader(workers=1) as reader:
        assert isinstance(reader.read([("a.pdf", make_pdf(CV_LINES))])[0], Document)
        [child] = set(my_children()) - others
        os.kill(child, signal.SIGKILL)
        while Path(f"/proc/{child}/stat").read_text().split(") ")[-1][0] != "Z":  # until the kernel says it is dead
            time.sleep(0.01)
        [after] = reader.read([("b.pdf", make_pdf(CV_LINES))])
        assert isinstance(after, Document) and "FHIR R4" in after.text
        assert reader.processes_started == 2


def test_a_hostile_file_costs_only_its_own_result_in_a_readers_step() -> None:
    with DocumentReader(workers=1) as reader:
        hostile, good = reader.read([("tree.pdf", make_recursive_page_tree_pdf()), ("cv.pdf", make_pdf(CV_LINES))])
    assert isinstance(hostile, DocumentError) and isinstance(good, Document)


def test_a_file_blank_up_to_the_character_cap_is_refused_as_empty() -> None:
    limits = DocumentLimits()
    data = b" " * (limits.max_chars + 1) + b"EHR developer with HL7 and FHIR work"
    with pytest.raises(DocumentError, match="the file is empty"):
        read_document(data, "cv.txt", limits=limits)


def test_a_child_that_hangs_costs_its_own_file_and_the_files_sent_after_it_are_read_by_a_fresh_one() -> None:
    others = set(my_children())
    pdfs = [(f"cv{i}.pdf", make_pdf([*CV_LINES, f"Reference {i}"])) for i in range(4)]
    with DocumentReader(limits=DocumentLimits(timeout_s=1), workers=1) as reader:
        assert isinstance(reader.read(pdfs[:1])[0], Document)  # the child is running
        [child] = set(my_children()) - others
        os.kill(child, signal.SIGSTOP)  # alive, but it will never answer
        hung, *rest = reader.read(pdfs[1:])  # all three are sent to it at once
        assert reader.processes_started == 2
    assert isinstance(hung, DocumentError) and "took longer than 1 s" in str(hung)
    assert [isinstance(r, Document) and f"Reference {i}" in r.text for i, r in enumerate(rest, 2)] == [True, True]


def test_a_reader_kept_by_the_caller_serves_batch_after_batch_and_stays_open() -> None:
    files = [(f"cv{i}.pdf", make_pdf([*CV_LINES, f"Reference {i}"])) for i in range(3)]
    with DocumentReader(workers=1) as reader:
        reader.start()
        for _ in range(2):
            intake = read_batch(files, reader=reader)
            assert [item.document is not None for item in intake.items] == [True] * 3
        assert reader.processes_started == 1  # no process started per batch, and none closed by one


def test_a_parser_child_is_replaced_after_its_share_of_files() -> None:
    limits = DocumentLimits()
    child = ParserProcess(memory_bytes=limits.memory_bytes, timeout_s=limits.timeout_s, max_pages=limits.max_pages,
                          max_chars=limits.max_chars, max_stream_bytes=limits.max_stream_bytes,
                          files_per_child=2)  # fmt: skip
    try:
        answers = child.parse_many([("pdf", make_pdf([*CV_LINES, f"Reference {i}"])) for i in range(5)])
    finally:
        child.close()
    assert [a["status"] == "ok" and f"Reference {i}" in a["text"] for i, a in enumerate(answers)] == [True] * 5
    assert child.started == 3  # 2 + 2 + 1 files
