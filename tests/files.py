"""Real files built in the tests: good CVs and hostile ones."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable

import docx
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

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


def make_encrypted_pdf(lines: list[str], *, user_password: str, algorithm: str = "AES-256") -> bytes:
    """A real PDF locked with pypdf; an empty ``user_password`` sets only an owner password."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(lines))))
    writer.encrypt(user_password=user_password, owner_password="owner secret", algorithm=algorithm)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_docx(lines: list[str]) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Skills", "DICOM, PACS"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _with_document_xml(transform: Callable[[bytes], bytes]) -> bytes:
    """A real DOCX whose word/document.xml is passed through ``transform``."""
    source = zipfile.ZipFile(io.BytesIO(make_docx(CV_LINES)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            content = source.read(item)
            archive.writestr(item.filename, transform(content) if item.filename == "word/document.xml" else content)
    return buffer.getvalue()


def make_zip_bomb() -> bytes:
    """A DOCX-shaped zip whose one part expands to 60 MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
        archive.writestr("word/bomb.xml", b"\x00" * (60 * 1024 * 1024))
    return buffer.getvalue()


def make_batch_zip_bombs(count: int = 10, *, members: int = 4, member_mb: int = 24) -> list[tuple[str, bytes]]:
    """A recruiter's upload of ZIPs, each member a .txt expanding to ``member_mb`` MB (about 1 MB in all)."""
    bombs = []
    for n in range(count):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for k in range(members):
                archive.writestr(f"cv{n}-{k}.txt", b"A" * (member_mb * 1024 * 1024))
        bombs.append((f"batch{n}.zip", buffer.getvalue()))
    return bombs


def make_docx_with_entity() -> bytes:
    """A real DOCX whose document part declares an external entity."""
    return _with_document_xml(
        lambda xml: xml.replace(b"?>", b'?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1)
    )


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF written object by object, for shapes no PDF library would produce."""
    out = b"%PDF-1.7\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def make_flate_bomb_pdf() -> bytes:
    """A page whose content is compressed three times over and would expand to 64 MB."""
    layer = zlib.compress(b"0" * (64 * 1024 * 1024), 9)
    for _ in range(2):
        layer = zlib.compress(layer, 9)
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            f"<< /Length {len(layer)} /Filter [/FlateDecode /FlateDecode /FlateDecode] >>\nstream\n".encode()
            + layer
            + b"\nendstream",
        ]
    )


def make_recursive_page_tree_pdf() -> bytes:
    """A page tree whose only kid is itself."""
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"])


def make_page_tree_bomb_pdf() -> bytes:
    """A page tree of a million pages in 12 KB: a thousand references to a node of a thousand references."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + b" ".join([b"3 0 R"] * 1000) + b"] /Count 1000000 >>",
            b"<< /Type /Pages /Parent 2 0 R /Kids [" + b" ".join([b"4 0 R"] * 1000) + b"] /Count 1000 >>",
            b"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 612 792] >>",
        ]
    )


def make_circular_xobject_pdf() -> bytes:
    """A form XObject that draws itself."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /X1 5 0 R >> >>"
            b" /Contents 4 0 R >>",
            b"<< /Length 8 >>\nstream\n/X1 Do\n\nendstream",
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X1 5 0 R >> >>"
            b" /Length 8 >>\nstream\n/X1 Do\n\nendstream",
        ]
    )


def make_billion_laughs_docx() -> bytes:
    """A real DOCX whose document part nests entities ten deep (10^10 "lol"s if expanded)."""
    entities = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    return _with_document_xml(
        lambda xml: xml.replace(b"?>", f"?><!DOCTYPE d [{entities}]>".encode(), 1).replace(b"<w:t>", b"<w:t>&lol9;", 1)
    )


def hostile_corpus(max_bytes: int) -> dict[str, tuple[str, bytes]]:
    """Every hostile upload we defend against, by case name: (file name, bytes)."""
    real_pdf = make_pdf(CV_LINES)
    return {
        "nested-flate-bomb": ("bomb.pdf", make_flate_bomb_pdf()),
        "thousand-pages": ("long.pdf", make_pdf(["A page of a very long CV."], pages=1000)),
        "million-page-tree": ("pages.pdf", make_page_tree_bomb_pdf()),
        "recursive-page-tree": ("tree.pdf", make_recursive_page_tree_pdf()),
        "circular-xobjects": ("loop.pdf", make_circular_xobject_pdf()),
        "docx-zip-bomb": ("bomb.docx", make_zip_bomb()),
        "docx-external-entity": ("xxe.docx", make_docx_with_entity()),
        "docx-billion-laughs": ("laughs.docx", make_billion_laughs_docx()),
        "executable-as-pdf": ("cv.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(range(256)) * 64),
        "truncated-pdf": ("cut.pdf", real_pdf[: len(real_pdf) // 2]),
        "zero-bytes": ("empty.pdf", b""),
        "over-size-cap": ("huge.pdf", b"%PDF-1.7\n" + b"0" * (max_bytes + 1)),
    }


def make_docx_with_late_doctype() -> bytes:
    """A DOCTYPE pushed past the first 4 KB by a long comment, still before the root element (valid XML)."""
    return _with_document_xml(
        lambda xml: xml.replace(b"?>", b"?><!--" + b"x" * 6000 + b'--><!DOCTYPE d [<!ENTITY x "y">]>', 1)
    )


def make_docx_with_corrupt_deflate() -> bytes:
    """A DOCX whose document part's deflate stream is broken (zlib raises, not zipfile)."""
    data = bytearray(make_docx(CV_LINES))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start : start + 5] = b"\x00\x05\x00\x00\x00"  # a stored block whose length and its complement disagree
    return bytes(data)


def make_docx_needing_a_newer_zip() -> bytes:
    """A DOCX whose central directory asks for ZIP version 22.2 (zipfile raises NotImplementedError)."""
    data = bytearray(make_docx(CV_LINES))
    at = data.find(b"PK\x01\x02")
    data[at + 6 : at + 8] = (222).to_bytes(2, "little")
    return bytes(data)
