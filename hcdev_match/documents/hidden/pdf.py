"""Hidden text of a PDF page: invisible render modes, white or transparent paint, tiny sizes."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .colours import MAX_TINY_POINTS, WHITE, Colour, device_colour, near_colour

__all__ = ["ContentMarks", "pdf_show_marks"]

#: A page painting more shapes than this is taken to be painted everywhere.
MAX_REGIONS = 2000
#: Forms (XObjects) drawn inside forms are followed this deep; deeper ones
#: count as painted areas whose text is read as it is.
MAX_FORM_DEPTH = 8


@dataclass
class ContentMarks:
    """One content stream's operations, why each hides text ('' if not), and the forms it draws."""

    operations: list[tuple[Any, bytes]]
    marks: list[str] = field(default_factory=list)
    #: Resource name -> (the form XObject, its own marks), for the forms followed.
    forms: dict[str, tuple[Any, ContentMarks]] = field(default_factory=dict)

    def reasons(self) -> set[str]:
        """Every reason text was hidden here or in a form drawn here."""
        found = {mark for mark in self.marks if mark}
        for _, inner in self.forms.values():
            found |= inner.reasons()
        return found


_SHOW = {b"Tj", b"TJ", b"'", b'"'}
_FILLS = {b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"}
_PAINTS = _FILLS | {b"S", b"s", b"n"}
_DEVICE = {"/DeviceGray": 1, "/G": 1, "/CalGray": 1, "/DeviceRGB": 3, "/RGB": 3, "/CalRGB": 3}
_DEVICE |= {"/DeviceCMYK": 4, "/CMYK": 4}


def _mult(m: list[float], n: list[float]) -> list[float]:
    return [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]


def _point(m: list[float], x: float, y: float) -> tuple[float, float]:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


def _numbers(operands: list[Any]) -> list[float] | None:
    try:
        return [float(o) for o in operands]
    except (TypeError, ValueError):
        return None


class _PdfState:
    def __init__(self) -> None:
        self.ctm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        self.fill: Colour | None = (0.0, 0.0, 0.0)
        self.stroke: Colour | None = (0.0, 0.0, 0.0)
        self.fill_space: int | None = 1
        self.stroke_space: int | None = 1
        self.fill_alpha = 1.0
        self.stroke_alpha = 1.0
        self.mode = 0
        self.size = 12.0

    def copy(self) -> _PdfState:
        twin = _PdfState()
        twin.__dict__.update(self.__dict__)
        return twin


class _PdfWalker:
    """Follows the graphics state of one content stream and judges each text-showing operator."""

    def __init__(self, resources: Any, reader: Any = None, *, parent: _PdfWalker | None = None) -> None:
        self.resources = resources
        self.reader = reader
        self.depth: int = parent.depth + 1 if parent else 0
        #: Forms being followed (cycles stop here) and forms already followed (each is followed once).
        self.open: set[int] = set(parent.open) if parent else set()
        self.done: dict[int, ContentMarks] = parent.done if parent else {}
        self.forms: dict[str, tuple[Any, ContentMarks]] = {}
        self.state = _PdfState()
        self.stack: list[_PdfState] = []
        self.tm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        self.leading = 0.0
        self.path: list[tuple[float, float]] = []
        self.painted: list[tuple[float, float, float, float]] = []  # non-white fills, images, forms
        self.images: list[tuple[float, float, float, float]] = []
        self.marks: list[str] = []
        #: Text drawn as a clipping path only (mode 7), with the depth of the
        #: graphics state it clips: hidden unless something is painted through it.
        self.clips: list[tuple[int, int]] = []

    def _resource(self, kind: str, name: Any) -> Any:
        try:
            return self.resources[kind][name].get_object()
        except (KeyError, TypeError, AttributeError, IndexError):
            return None

    def _space(self, name: Any) -> int | None:
        if str(name) in _DEVICE:
            return _DEVICE[str(name)]
        space = self._resource("/ColorSpace", name)
        try:
            if str(space[0]) == "/ICCBased":
                return int(space[1].get_object()["/N"])
            return _DEVICE.get(str(space[0])) if str(space[0]) != "/Pattern" else None
        except (KeyError, TypeError, IndexError, ValueError, AttributeError):
            return None

    def _region(self, points: list[tuple[float, float]], *, image: bool) -> None:
        if not points:
            return
        for index, _ in self.clips:  # paint through a text clip (a gradient heading): the text shows
            self.marks[index] = ""
        self.clips.clear()
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        box = (min(xs), min(ys), max(xs), max(ys))
        for boxes in (self.painted, self.images) if image else (self.painted,):
            if len(boxes) >= MAX_REGIONS:  # too many shapes to follow: assume painted everywhere
                boxes[:] = [(-math.inf, -math.inf, math.inf, math.inf)]
            elif not boxes or boxes[0][0] != -math.inf:
                boxes.append(box)

    def _square(self, matrix: list[float], box: tuple[float, float, float, float] = (0, 0, 1, 1)) -> None:
        x0, y0, x1, y1 = box
        self._region([_point(matrix, x, y) for x in (x0, x1) for y in (y0, y1)], image=True)

    def step(self, operator: bytes, operands: list[Any]) -> str:
        """Apply one operator; for a text-showing one, why it is hidden ('' when it is not)."""
        s = self.state
        if operator in _SHOW:
            if operator in (b"'", b'"'):
                self.tm = _mult([1, 0, 0, 1, 0, -self.leading], self.tm)
            return self._judge()
        numbers = _numbers(operands)
        if operator == b"q":
            self.stack.append(s.copy())
        elif operator == b"Q" and self.stack:
            self.state = self.stack.pop()
            self.clips = [(index, depth) for index, depth in self.clips if depth <= len(self.stack)]
        elif operator == b"cm" and numbers and len(numbers) == 6:
            s.ctm = _mult(numbers, s.ctm)
        elif operator == b"BT":
            self.tm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        elif operator == b"Tm" and numbers and len(numbers) == 6:
            self.tm = numbers
        elif operator in (b"Td", b"TD") and numbers and len(numbers) == 2:
            self.tm = _mult([1, 0, 0, 1, numbers[0], numbers[1]], self.tm)
            self.leading = -numbers[1] if operator == b"TD" else self.leading
        elif operator == b"T*":
            self.tm = _mult([1, 0, 0, 1, 0, -self.leading], self.tm)
        elif operator == b"TL" and numbers:
            self.leading = numbers[0]
        elif operator == b"Tf" and len(operands) == 2 and (size := _numbers(operands[1:])):
            s.size = size[0]
        elif operator == b"Tr" and numbers:
            s.mode = int(numbers[0])
        elif operator in (b"g", b"rg", b"k"):
            s.fill_space = {b"g": 1, b"rg": 3, b"k": 4}[operator]
            s.fill = device_colour(numbers, s.fill_space)
        elif operator in (b"G", b"RG", b"K"):
            s.stroke_space = {b"G": 1, b"RG": 3, b"K": 4}[operator]
            s.stroke = device_colour(numbers, s.stroke_space)
        elif operator in (b"cs", b"CS") and operands:
            space = self._space(operands[0])
            black = device_colour([0.0] * (space or 0) if space != 4 else [0, 0, 0, 1.0], space)
            if operator == b"cs":
                s.fill_space, s.fill = space, black
            else:
                s.stroke_space, s.stroke = space, black
        elif operator in (b"sc", b"scn"):
            s.fill = device_colour(numbers, s.fill_space)
        elif operator in (b"SC", b"SCN"):
            s.stroke = device_colour(numbers, s.stroke_space)
        elif operator == b"gs" and operands:
            state = self._resource("/ExtGState", operands[0])
            try:
                s.fill_alpha = float(state.get("/ca", s.fill_alpha))
                s.stroke_alpha = float(state.get("/CA", s.stroke_alpha))
            except (AttributeError, TypeError, ValueError):
                pass
        elif operator in (b"m", b"l", b"c", b"v", b"y") and numbers:
            self.path += [_point(s.ctm, x, y) for x, y in zip(numbers[::2], numbers[1::2], strict=False)]
        elif operator == b"re" and numbers and len(numbers) == 4:
            x, y, w, h = numbers
            self.path += [_point(s.ctm, px, py) for px in (x, x + w) for py in (y, y + h)]
        elif operator in _PAINTS:
            white = s.fill is not None and near_colour(s.fill, WHITE)
            if operator in _FILLS and s.fill_alpha > 0 and not white:
                self._region(self.path, image=False)
            self.path = []
        elif operator == b"sh":
            self._region([(-math.inf, -math.inf), (math.inf, math.inf)], image=False)
        elif operator == b"INLINE IMAGE":
            self._square(s.ctm)
        elif operator == b"Do" and operands:
            self._draw(operands[0])
        return ""

    def _draw(self, name: Any) -> None:
        xobject = self._resource("/XObject", name)
        try:
            if xobject["/Subtype"] == "/Image":
                self._square(self.state.ctm)
            elif xobject["/Subtype"] == "/Form":
                matrix = _numbers(list(xobject.get("/Matrix", [1, 0, 0, 1, 0, 0]))) or [1, 0, 0, 1, 0, 0]
                if not self._follow(str(name), xobject, _mult(matrix, self.state.ctm)):
                    box = _numbers(list(xobject["/BBox"])) or [0, 0, 0, 0]
                    self._square(_mult(matrix, self.state.ctm), (box[0], box[1], box[2], box[3]))
        except (KeyError, TypeError, AttributeError, IndexError):
            pass

    def _follow(self, name: str, form: Any, ctm: list[float]) -> bool:
        """Judge the text of a form drawn here, in the state it inherits; False if it is not followed."""
        if name in self.forms:
            return True
        if self.reader is None or self.depth >= MAX_FORM_DEPTH or id(form) in self.open:
            return False
        if id(form) not in self.done:
            from pypdf.generic import ContentStream  # noqa: PLC0415 - the parser is only imported in the child

            try:
                operations = ContentStream(form, self.reader, "bytes").operations
            except Exception:  # noqa: BLE001 - a form pypdf cannot parse is not followed
                return False
            inner = _PdfWalker(form.get("/Resources") or self.resources, self.reader, parent=self)
            inner.open.add(id(form))
            inner.state = self.state.copy()
            inner.state.ctm = ctm
            inner.painted, inner.images = self.painted, self.images  # one page, one device space
            self.done[id(form)] = inner.run(operations)
        self.forms[name] = (form, self.done[id(form)])
        return True

    def _inside(self, boxes: list[tuple[float, float, float, float]]) -> bool:
        x, y = _point(self.state.ctm, self.tm[4], self.tm[5])
        return any(x0 <= x <= x1 and y0 <= y <= y1 for x0, y0, x1, y1 in boxes)

    def _judge(self) -> str:
        s = self.state
        m = _mult(self.tm, s.ctm)
        if abs(s.size) * math.hypot(m[2], m[3]) <= MAX_TINY_POINTS:
            return "tiny"
        mode = s.mode % 8
        paints = []
        if mode in (0, 2, 4, 6):
            paints.append((s.fill, s.fill_alpha))
        if mode in (1, 2, 5, 6):
            paints.append((s.stroke, s.stroke_alpha))
        if not paints:  # modes 3 and 7 draw nothing; over an image it is a scan's OCR layer
            if self._inside(self.images):
                return ""
            if mode == 7:
                self.clips.append((len(self.marks), len(self.stack)))
            return "invisible"
        if all(alpha <= 0 for _, alpha in paints):
            return "invisible"
        if all(c is not None and near_colour(c, WHITE) for c, _ in paints) and not self._inside(self.painted):
            return "colour"
        return ""

    def run(self, operations: list[tuple[Any, bytes]]) -> ContentMarks:
        for operands, operator in operations:
            try:
                mark = self.step(operator, list(operands))
            except (ArithmeticError, AttributeError, IndexError, KeyError, TypeError, ValueError):
                mark = ""  # a malformed operator changes nothing we follow, as in pypdf's own reading
            self.marks.append(mark)
        return ContentMarks(operations, self.marks, self.forms)


def pdf_show_marks(operations: list[tuple[Any, bytes]], resources: Any, reader: Any = None) -> ContentMarks:
    """Why each operation of a page's content hides text ('' for visible text and non-text).

    With ``reader``, the forms the page draws are followed and judged too.
    """
    return _PdfWalker(resources, reader).run(operations)
