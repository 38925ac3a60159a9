"""Hidden text in uploads: real DOCX and PDF files with white, tiny, hidden or invisible words.

Each kind of hidden text is built here with the same libraries a CV writer's
tools use, read through the real gate (``read_document``, which parses in the
isolated child), and must be left out of the text and raise
``keyword_stuffing`` with its detail ``hidden_text``. The controls are
ordinary files with coloured headings, small footers, white text on dark
shading and a scan's OCR layer: they must keep all their text and raise
nothing.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt, RGBColor
from docx.text.run import Run
from fpdf import FPDF
from PIL import Image

from hcdev_match.documents.document import Document, DocumentLimits, read_document
from hcdev_match.errors import DocumentError
from hcdev_match.scoring.assessment import FLAG_MESSAGES
from hcdev_match.scoring.matcher import Matcher

from .conftest import SAMPLES
from .files import CV_LINES, raw_pdf

#: Words that appear only in the hidden part of a stuffed file.
HIDDEN = "Keywords: DICOM PACS radiology segmentation FHIR HL7 HIPAA telemedicine wearables"
WHITE = RGBColor(0xFF, 0xFF, 0xFF)


def _docx(add_hidden: Callable[[docx.document.Document], None] | None = None) -> bytes:
    document = docx.Document()
    document.add_heading("Priya Raman", level=1)  # the template's heading style is coloured
    for line in CV_LINES[1:]:
        document.add_paragraph(line)
    if add_hidden is not None:
        add_hidden(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _hidden_run(document: docx.document.Document) -> Run:
    paragraph = document.add_paragraph("Available on request. ")
    return paragraph.add_run(HIDDEN)


def _white(document: docx.document.Document) -> None:
    _hidden_run(document).font.color.rgb = WHITE


def _near_white(document: docx.document.Document) -> None:
    _hidden_run(document).font.color.rgb = RGBColor(0xFA, 0xFB, 0xFA)


def _one_point(document: docx.document.Document) -> None:
    _hidden_run(document).font.size = Pt(1)


def _vanish(document: docx.document.Document) -> None:
    _hidden_run(document).font.hidden = True


def _character_style(document: docx.document.Document) -> None:
    style = document.styles.add_style("Quiet", WD_STYLE_TYPE.CHARACTER)
    style.font.hidden = True
    _hidden_run(document).style = style


def _paragraph_style(document: docx.document.Document) -> None:
    base = document.styles.add_style("Pale", WD_STYLE_TYPE.PARAGRAPH)
    base.font.color.rgb = WHITE
    style = document.styles.add_style("Paler", WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = base  # the colour comes from the style this one is based on
    document.add_paragraph("Available on request.")
    document.add_paragraph(HIDDEN, style=style)


def _page_coloured(document: docx.document.Document) -> None:
    document.element.insert(0, parse_xml(f'<w:background {nsdecls("w")} w:color="1F3864"/>'))
    _hidden_run(document).font.color.rgb = RGBColor(0x1F, 0x38, 0x64)


def _white_table_cell(document: docx.document.Document) -> None:
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Available on request"
    table.cell(0, 1).paragraphs[0].add_run(HIDDEN).font.color.rgb = WHITE


DOCX_KINDS = {
    "white": _white,
    "near-white": _near_white,
    "one-point": _one_point,
    "vanish": _vanish,
    "hidden-character-style": _character_style,
    "white-paragraph-style": _paragraph_style,
    "page-coloured": _page_coloured,
    "white-in-unshaded-cell": _white_table_cell,
}


def _assert_stuffed(document: Document) -> None:
    assert "DICOM" not in document.text and "telemedicine" not in document.text
    assert "Mirth Connect" in document.text and "Available on request" in document.text  # the visible CV is still read
    assert "keyword_stuffing" in document.flags and "hidden_text" in document.flags


def _assert_clean(document: Document, *words: str) -> None:
    for word in words:
        assert word in document.text
    assert "keyword_stuffing" not in document.flags and "hidden_text" not in document.flags


@pytest.mark.parametrize("kind", DOCX_KINDS)
def test_hidden_docx_text_is_left_out_and_flagged(kind: str) -> None:
    _assert_stuffed(read_document(_docx(DOCX_KINDS[kind]), "cv.docx"))


def _ordinary_docx(document: docx.document.Document) -> None:
    document.add_heading("Experience", level=2)
    footer = document.add_paragraph().add_run("References available on request")
    footer.font.size, footer.font.color.rgb = Pt(7), RGBColor(0x99, 0x99, 0x99)
    blue = document.add_paragraph().add_run("Epic Certified")
    blue.font.color.rgb = RGBColor(0x1F, 0x4E, 0x79)
    banner = document.add_paragraph()
    banner.paragraph_format.element.get_or_add_pPr().append(
        parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="1F3864"/>')
    )
    banner.add_run("Radiology PACS engineer").font.color.rgb = WHITE
    table = document.add_table(rows=1, cols=1)
    cell = table.cell(0, 0)
    cell._tc.get_or_add_tcPr().append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:fill="000000"/>'))
    cell.paragraphs[0].add_run("DICOM viewer").font.color.rgb = WHITE
    styled = document.add_table(rows=1, cols=1, style="Medium Shading 1 Accent 1")  # a header row shaded by style
    styled.cell(0, 0).paragraphs[0].add_run("Clinical systems").font.color.rgb = WHITE
    badge = document.styles.add_style("Badge", WD_STYLE_TYPE.CHARACTER)
    badge.font.color.rgb = WHITE
    badge.element.get_or_add_rPr().append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:fill="C00000"/>'))
    document.add_paragraph().add_run("HL7 certified", style=badge)


def test_ordinary_docx_with_coloured_headings_footers_and_white_on_dark_is_not_flagged() -> None:
    document = read_document(_docx(_ordinary_docx), "cv.docx")
    _assert_clean(document, "Experience", "References available", "Epic Certified", "Radiology PACS", "DICOM viewer")
    _assert_clean(document, "Clinical systems", "HL7 certified")


def test_white_text_on_a_dark_page_is_read() -> None:
    def dark_page(document: docx.document.Document) -> None:
        document.element.insert(0, parse_xml(f'<w:background {nsdecls("w")} w:color="000000"/>'))
        document.add_paragraph().add_run("Radiology PACS engineer").font.color.rgb = WHITE

    _assert_clean(read_document(_docx(dark_page), "cv.docx"), "Radiology PACS engineer")


def test_a_few_hidden_characters_are_dropped_without_an_accusation() -> None:
    def stray_mark(document: docx.document.Document) -> None:
        document.add_paragraph("Skills").add_run(" x.").font.color.rgb = WHITE

    document = read_document(_docx(stray_mark), "cv.docx")
    assert "x." not in document.text and "keyword_stuffing" not in document.flags


# -- PDF -------------------------------------------------------------------------


def _pdf(draw_hidden: Callable[[FPDF], None] | None = None, *, extra: Callable[[FPDF], None] | None = None) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", "B", size=16)
    pdf.set_text_color(31, 78, 121)  # a coloured heading
    pdf.cell(0, 10, "Priya Raman", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=11)
    pdf.set_text_color(0, 0, 0)
    for line in CV_LINES[1:]:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    if draw_hidden is not None:
        pdf.multi_cell(0, 6, "Available on request.", new_x="LMARGIN", new_y="NEXT")
        with pdf.local_context():
            draw_hidden(pdf)
            pdf.multi_cell(0, 6, HIDDEN, new_x="LMARGIN", new_y="NEXT")
    if extra is not None:
        extra(pdf)
    return bytes(pdf.output())


PDF_KINDS: dict[str, Callable[[FPDF], None]] = {
    "invisible-mode": lambda pdf: setattr(pdf, "text_mode", "INVISIBLE"),
    "white-fill": lambda pdf: pdf.set_text_color(255, 255, 255),
    "one-point": lambda pdf: pdf.set_font_size(1),
    "clip-only-mode": lambda pdf: setattr(pdf, "text_mode", "CLIP"),
}


@pytest.mark.parametrize("kind", PDF_KINDS)
def test_hidden_pdf_text_is_left_out_and_flagged(kind: str) -> None:
    _assert_stuffed(read_document(_pdf(PDF_KINDS[kind]), "cv.pdf"))


def _hand_written_pdf(hidden_state: bytes, *, resources: bytes = b"", after: bytes = b"") -> bytes:
    """A one-page PDF whose content stream is written here, for operators fpdf does not write."""
    lines = b" T* ".join(b"(" + line.encode() + b") Tj" for line in CV_LINES)
    content = (
        b"BT /F1 11 Tf 14 TL 72 720 Td " + lines + b" ET\n"
        b"q BT /F1 11 Tf 72 600 Td " + hidden_state + b" (" + HIDDEN.encode() + b") Tj ET " + after + b" Q\n"
        b"BT /F1 11 Tf 72 580 Td (Available on request.) Tj ET"
    )
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >>"
            + resources
            + b" >> >>",
            f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        ]
    )


HAND_WRITTEN = {
    "cmyk-white": (b"0 0 0 0 k", b""),
    "gray-white": (b"1 g", b""),
    "rgb-white-by-colour-space": (b"/DeviceRGB cs 1 1 1 sc", b""),
    "transparent-fill": (b"/G0 gs", b" /ExtGState << /G0 << /ca 0 >> >>"),
    "scaled-to-a-point": (b"0.05 0 0 0.05 72 600 Tm", b""),
    "stroked-in-white": (b"1 Tr 1 1 1 RG", b""),
}


@pytest.mark.parametrize("kind", HAND_WRITTEN)
def test_hidden_text_drawn_by_other_operators_is_caught(kind: str) -> None:
    state, resources = HAND_WRITTEN[kind]
    _assert_stuffed(read_document(_hand_written_pdf(state, resources=resources), "cv.pdf"))


def test_hand_written_control_is_read_whole() -> None:
    document = read_document(_hand_written_pdf(b"0.2 0.3 0.6 rg"), "cv.pdf")
    _assert_clean(document, "DICOM", "Mirth Connect", "Available on request")


def test_a_heading_painted_through_its_text_clip_is_read() -> None:
    # Text as a clipping path (mode 7) with a fill painted through it: how gradient headings are drawn.
    heading = _hand_written_pdf(b"7 Tr", after=b"0.2 0.3 0.6 rg 0 0 612 792 re f")
    _assert_clean(read_document(heading, "cv.pdf"), "DICOM", "Mirth Connect")
    _assert_stuffed(read_document(_hand_written_pdf(b"7 Tr", after=b"Q q 0 0 612 792 re f"), "cv.pdf"))


def test_malformed_drawing_operators_do_not_get_a_readable_pdf_refused() -> None:
    odd = b"/Nope gs /Nope cs 1 scn 1 2 Tm 99999999999999999999 Tr 8 Tr -5 0 0 rg"  # out of range: black
    document = read_document(_hand_written_pdf(odd), "cv.pdf")
    _assert_clean(document, "Mirth Connect", "DICOM")


def _form_pdf(form_content: bytes) -> bytes:
    """A page that draws its text partly through a form XObject, as some PDF writers do."""
    content = (
        b"BT /F1 11 Tf 72 720 Td (Wrote Mirth Connect channels.) Tj ET q /X1 Do Q "
        b"BT /F1 11 Tf 72 560 Td (Available on request.) Tj ET"
    )
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> /XObject << /X1 6 0 R >> >> >>",
            f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >>"
            + f" /Length {len(form_content)} >>\nstream\n".encode()
            + form_content
            + b"\nendstream",
        ]
    )


FORM_TEXT = b"BT /F1 11 Tf 72 660 Td (Form line: PACS routing.) Tj ET "


def test_hidden_text_inside_a_form_xobject_is_left_out_and_flagged() -> None:
    document = read_document(
        _form_pdf(FORM_TEXT + b"BT 1 g /F1 11 Tf 72 600 Td (" + HIDDEN.encode() + b") Tj ET"), "cv.pdf"
    )
    _assert_stuffed(document)
    assert "PACS routing" in document.text  # the form's visible line is still read


def test_white_text_on_a_dark_box_inside_a_form_is_read() -> None:
    dark = b"0.1 0.1 0.3 rg 60 590 400 30 re f BT 1 g /F1 11 Tf 72 600 Td (" + HIDDEN.encode() + b") Tj ET"
    _assert_clean(read_document(_form_pdf(FORM_TEXT + dark), "cv.pdf"), "PACS routing", "DICOM", "Mirth Connect")


def _coded_font_pdf(hidden_state: bytes) -> bytes:
    """Text in a font with its own codes, read through a ToUnicode map, as embedded TrueType fonts are."""
    lines = ["Mirth Connect channels for the lab", HIDDEN]
    chars = sorted(set("".join(lines)))
    code = {char: bytes([n]) for n, char in enumerate(chars, 1)}
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Coded def /CMapType 2 def\n"
        b"1 begincodespacerange <01> <FF> endcodespacerange\n"
        + f"{len(chars)} beginbfchar\n".encode()
        + b"".join(f"<{n:02X}> <{ord(char):04X}>\n".encode() for n, char in enumerate(chars, 1))
        + b"endbfchar endcmap CMapName currentdict /CMap defineresource pop end end"
    )

    def shown(line: str) -> bytes:
        return b"<" + b"".join(code[c] for c in line).hex().encode() + b"> Tj"

    content = b"BT /F1 11 Tf 72 720 Td " + shown(lines[0]) + b" ET q BT /F1 11 Tf 72 700 Td "
    content += hidden_state + b" " + shown(lines[1]) + b" ET Q"
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>",
            f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
            f"<< /Length {len(cmap)} >>\nstream\n".encode() + cmap + b"\nendstream",
        ]
    )


def test_text_in_a_font_with_its_own_codes_is_read_and_judged() -> None:
    clean = read_document(_coded_font_pdf(b""), "cv.pdf")
    assert "Mirth Connect channels" in clean.text and "DICOM" in clean.text
    stuffed = read_document(_coded_font_pdf(b"3 Tr"), "cv.pdf")
    assert "Mirth Connect channels" in stuffed.text and "DICOM" not in stuffed.text
    assert "keyword_stuffing" in stuffed.flags


def _ordinary_pdf_extras(pdf: FPDF) -> None:
    with pdf.local_context():
        pdf.set_fill_color(31, 56, 100)
        pdf.rect(10, 150, 90, 20, style="F")  # a dark sidebar banner
        pdf.set_xy(12, 155)
        pdf.set_text_color(255, 255, 255)
        pdf.cell(0, 8, "Radiology PACS engineer")
    with pdf.local_context():
        pdf.set_xy(10, 280)
        pdf.set_font_size(7)
        pdf.set_text_color(128, 128, 128)
        pdf.cell(0, 4, "Page 1 of 1, references available on request")


def test_ordinary_pdf_with_coloured_heading_footer_and_white_on_dark_is_not_flagged() -> None:
    document = read_document(_pdf(extra=_ordinary_pdf_extras), "cv.pdf")
    _assert_clean(document, "Priya Raman", "Radiology PACS engineer", "references available")


def test_a_scans_invisible_ocr_layer_is_read_as_its_text() -> None:
    def scan(pdf: FPDF) -> None:
        pdf.add_page()
        pdf.image(Image.new("RGB", (200, 100), "white"), x=10, y=10, w=190)
        with pdf.local_context():
            pdf.text_mode = "INVISIBLE"
            pdf.set_xy(20, 30)
            pdf.multi_cell(150, 6, "Scanned page: Mirth Connect channels and DICOM routing")

    document = read_document(_pdf(extra=scan), "cv.pdf")
    _assert_clean(document, "DICOM routing")


def test_a_file_of_hidden_text_only_is_refused_with_a_reason() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.set_text_color(255, 255, 255)
    pdf.multi_cell(0, 6, HIDDEN)
    with pytest.raises(DocumentError, match="hidden"):
        read_document(bytes(pdf.output()), "cv.pdf")


def test_the_threshold_for_the_flag_is_the_limit() -> None:
    stuffed = _pdf(PDF_KINDS["white-fill"])
    assert "keyword_stuffing" in read_document(stuffed, "cv.pdf").flags
    lenient = DocumentLimits(hidden_text_chars=len(HIDDEN))  # more letters than the hidden part holds
    document = read_document(stuffed, "cv.pdf", limits=lenient)
    assert "keyword_stuffing" not in document.flags and "DICOM" not in document.text


def test_the_flag_messages_say_hidden_text_was_left_out() -> None:
    document = read_document(_docx(_white), "cv.docx")
    messages = [FLAG_MESSAGES[flag] for flag in document.flags]
    assert any("hidden text" in message.lower() and "left out" in message for message in messages)


def test_hidden_stuffing_buys_no_fit(matcher: Matcher) -> None:
    honest = matcher.assess(read_document(_docx(), "cv.docx").text)
    for kind in DOCX_KINDS:
        stuffed = matcher.assess(read_document(_docx(DOCX_KINDS[kind]), "cv.docx").text)
        assert [f.fit for f in stuffed.fits] == [f.fit for f in honest.fits], kind
    honest = matcher.assess(read_document(_pdf(), "cv.pdf").text)
    for kind in PDF_KINDS:
        stuffed = matcher.assess(read_document(_pdf(PDF_KINDS[kind]), "cv.pdf").text)
        assert [f.fit for f in stuffed.fits] == [f.fit for f in honest.fits], kind


def test_the_stuffing_bench_finds_hidden_text_buys_nothing(tmp_path: Path, matcher: Matcher) -> None:
    # The bench's own code path, on the project's samples (the dev sets are not part of a clone).
    from bench.stuffing import DOCUMENT_KINDS, measure_stuffing

    picked = sorted(SAMPLES.glob("*_1.txt")) + sorted(SAMPLES.glob("outside_*.txt"))[:3]
    items = [
        {"id": p.stem, "kind": "cv", "label": "none" if p.stem.startswith("outside_") else p.stem.rsplit("_", 1)[0]}
        | {"text": p.read_text(encoding="utf-8")}
        for p in picked
    ]
    (tmp_path / "dev_cvs.jsonl").write_text("\n".join(json.dumps(item) for item in items), encoding="utf-8")
    (tmp_path / "dev.jsonl").write_text("", encoding="utf-8")
    rows = {row.kind: row for row in measure_stuffing(matcher, eval_dir=tmp_path, kinds=DOCUMENT_KINDS)}
    for kind in DOCUMENT_KINDS:
        assert rows[kind].texts == len(items) and rows[kind].flagged == 1.0, kind
        assert rows[kind].max_lift <= 0.0 and rows[kind].none_lifted == 0, kind
    assert rows["original_docx"].flagged < 1.0 and rows["original_pdf"].flagged < 1.0


def test_flags_raised_while_reading_a_file_are_saved_with_its_assessment(matcher: Matcher, tmp_path: Path) -> None:
    from hcdev_match.documents.intake import read_batch
    from hcdev_match.storage.store import Store
    from hcdev_match.workflows.fitcheck import check_fit
    from hcdev_match.workflows.ranking import Ranking

    store = Store.from_url(f"sqlite:///{tmp_path / 'hcdev.sqlite3'}")
    ranking = Ranking(matcher, read_batch([("cv.docx", _docx(_white))]).items)
    (kept,) = ranking.assessments()
    assert {"keyword_stuffing", "hidden_text"} <= set(kept.flags)  # what the row shows is what is kept
    check = check_fit(matcher, upload=("cv.docx", _docx(_white)))
    saved = store.save_assessments(
        [kept, check.kept], actor="ana", source="recruiter", legal_basis="legitimate_interest"
    )
    for row in (store.get_assessment(s.id) for s in saved):
        assert row is not None and "hidden_text" in row["flags"].split(";")
    store.engine.dispose()
