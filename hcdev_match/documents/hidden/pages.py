"""A PDF page's visible and hidden text, each extracted by pypdf from a filtered copy of the page.

The page's content stream is parsed once and judged operator by operator
(``pdf.py``), forms it draws included. pypdf then extracts the text of two
copies of the page: one whose text-showing operators are only the visible
ones, one with only the hidden ones. Extraction itself is pypdf's, so the
visible text reads exactly as it did before hidden text was looked for.
The page and its objects are never changed; pypdf is imported only here, in
the parsing child.
"""

from __future__ import annotations

from typing import Any

from .pdf import ContentMarks, pdf_show_marks

__all__ = ["split_pdf_page"]

_SHOW = (b"Tj", b"TJ", b"'", b'"')
#: Entries of a form XObject that its filtered copy keeps (not its stream's length or filters).
_FORM_KEYS = ("/Type", "/Subtype", "/BBox", "/Matrix", "/Resources", "/Group", "/FormType")


def split_pdf_page(page: Any, reader: Any) -> tuple[str, str, set[str]]:
    """A page's visible text, its hidden text, and why that was hidden."""
    from pypdf.generic import ContentStream

    try:
        # Strings kept as bytes, as extract_text parses them: decoding them
        # here would lose the codes an embedded font's ToUnicode map reads.
        contents = ContentStream(page["/Contents"].get_object(), reader, "bytes")
    except (AttributeError, KeyError):  # no content: nothing to judge
        return page.extract_text() or "", "", set()
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else None
    marks = pdf_show_marks(contents.operations, resources, reader)
    reasons = marks.reasons()
    if not reasons:
        return _text_with(page, reader, contents, None), "", set()
    texts = [_text_with(page, reader, *_filtered(marks, resources, reader, hidden=h, done={})) for h in (False, True)]
    return texts[0], texts[1], reasons


def _filtered(
    marks: ContentMarks, resources: Any, reader: Any, *, hidden: bool, done: dict[int, Any]
) -> tuple[Any, Any]:
    """A copy of one content stream keeping only its visible (or only its hidden) text, and its resources.

    The resources are a copy whose followed forms are filtered the same way
    (None when nothing in them changes).
    """
    from pypdf.generic import ContentStream, DictionaryObject, NameObject

    operations: list[tuple[Any, bytes]] = []
    for (operands, operator), mark in zip(marks.operations, marks.marks, strict=True):
        if operator in _SHOW and bool(mark) != hidden:
            if operator == b"'":  # drop the text, keep the move to the next line
                operations.append(([], b"T*"))
            elif operator == b'"':
                operations += [(operands[:1], b"Tw"), (operands[1:2], b"Tc"), ([], b"T*")]
        elif hidden and operator == b"Do" and operands and str(operands[0]) not in marks.forms:
            continue  # a form not followed is read as visible: none of its text is hidden
        else:
            operations.append((operands, operator))
    stream = ContentStream(None, reader, "bytes")
    stream.operations = operations
    if not marks.forms:
        return stream, None
    xobjects = DictionaryObject(resources["/XObject"])
    for name, (form, inner) in marks.forms.items():
        if id(inner) not in done:
            copy, inner_resources = _filtered(
                inner, form.get("/Resources") or resources, reader, hidden=hidden, done=done
            )
            for key in _FORM_KEYS:
                if key in form:
                    copy[NameObject(key)] = form.raw_get(key)
            if inner_resources is not None:
                copy[NameObject("/Resources")] = inner_resources
            done[id(inner)] = copy
        xobjects[NameObject(name)] = done[id(inner)]
    copied = DictionaryObject(resources)
    copied[NameObject("/XObject")] = xobjects
    return stream, copied


def _text_with(page: Any, reader: Any, contents: Any, resources: Any) -> str:
    """pypdf's text of ``page`` drawn with other contents and resources (the page itself is left alone)."""
    from pypdf import PageObject
    from pypdf.generic import NameObject

    copy = PageObject(reader)
    copy.update(page)
    copy[NameObject("/Contents")] = contents
    if resources is not None:
        copy[NameObject("/Resources")] = resources
    return copy.extract_text() or ""
