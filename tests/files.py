"""Real files built in the tests: good CVs and hostile ones."""

from __future__ import annotations

import io
import zipfile

import docx
from fpdf import FPDF

CV_LINES = [
    "Priya Raman",
    "Senior EHR integration engineer",
    "Built HL7 v2 and FHIR R4 interfaces between Epic and the laboratory system.",
    "Wrote Mirth Connect channels and SQL reports for the hospital's clinical teams.",
]


def make_pdf(lines: list[str], *, pages: int = 1) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for _ in range(pages):
        pdf.add_page()
        for line in lines:
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def make_docx(lines: list[str]) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Skills", "DICOM, PACS"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_zip_bomb() -> bytes:
    """A DOCX-shaped zip whose one part expands to 60 MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
        archive.writestr("word/bomb.xml", b"\x00" * (60 * 1024 * 1024))
    return buffer.getvalue()


def make_docx_with_entity() -> bytes:
    """A real DOCX whose document part declares an external entity."""
    source = zipfile.ZipFile(io.BytesIO(make_docx(CV_LINES)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "word/document.xml":
                content = content.replace(b"?>", b'?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1)
            archive.writestr(item, content)
    return buffer.getvalue()
