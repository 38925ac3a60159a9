"""Hidden runs of a DOCX: Word's hidden property, 1 point or smaller, or the colour of what is behind them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .colours import MAX_TINY_POINTS, WHITE, Background, Colour, hex_colour, near_colour

__all__ = ["docx_runs"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HIGHLIGHTS = {
    "black": "000000",
    "blue": "0000FF",
    "cyan": "00FFFF",
    "green": "00FF00",
    "magenta": "FF00FF",
    "red": "FF0000",
    "yellow": "FFFF00",
    "white": "FFFFFF",
    "darkBlue": "000080",
    "darkCyan": "008080",
    "darkGreen": "008000",
    "darkMagenta": "800080",
    "darkRed": "800000",
    "darkYellow": "808000",
    "darkGray": "808080",
    "lightGray": "C0C0C0",
}


class _DocxStyles:
    """Run properties as Word resolves them: direct, character style, paragraph style, defaults."""

    def __init__(self, document: Any) -> None:
        styles = document.styles.element
        self.by_id = {s.get(f"{_W}styleId"): s for s in styles.iter(f"{_W}style")}
        self.default_paragraph = next(
            (
                s.get(f"{_W}styleId")
                for s in styles.iter(f"{_W}style")
                if s.get(f"{_W}type") == "paragraph" and s.get(f"{_W}default") in ("1", "true")
            ),
            None,
        )
        self.defaults = styles.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr")
        background = document.element.find(f"{_W}background")
        page = hex_colour(background.get(f"{_W}color")) if background is not None else None
        self.page: Background = page or WHITE
        self.shaded_table_styles = {
            style_id
            for style_id, style in self.by_id.items()
            if any(_shading(shd)[0] for shd in style.iter(f"{_W}shd"))
        }

    def chain(self, style_id: str | None, part: str) -> list[Any]:
        """The ``part`` (rPr or pPr) of a style and of each style it is based on."""
        parts, seen = [], set()
        while style_id and style_id not in seen and style_id in self.by_id:
            seen.add(style_id)
            style = self.by_id[style_id]
            if (found := style.find(f"{_W}{part}")) is not None:
                parts.append(found)
            based = style.find(f"{_W}basedOn")
            style_id = based.get(f"{_W}val") if based is not None else None
        return parts


def _shading(shd: Any) -> tuple[bool, Background]:
    """Whether a w:shd paints, and its colour (None for a colour we cannot know)."""
    if shd is None or shd.get(f"{_W}val") == "nil":
        return False, None
    if shd.get(f"{_W}val") == "solid" and shd.get(f"{_W}color") not in (None, "auto"):
        return True, hex_colour(shd.get(f"{_W}color"))
    fill = shd.get(f"{_W}fill")
    if fill not in (None, "auto"):
        return True, hex_colour(fill)
    return bool(shd.get(f"{_W}themeFill")), None


def _first(layers: Iterable[Any], tag: str) -> Any:
    for layer in layers:
        if layer is not None and (found := layer.find(f"{_W}{tag}")) is not None:
            return found
    return None


def _on(element: Any) -> bool:
    return element is not None and element.get(f"{_W}val") not in ("0", "false", "off")


class _DocxJudge:
    def __init__(self, document: Any) -> None:
        self.styles = _DocxStyles(document)

    def reason(self, run: Any, paragraph: Any) -> str:
        """Why a run cannot be seen ('vanish', 'tiny', 'colour'), or '' when it can."""
        styles = self.styles
        ppr = paragraph.find(f"{_W}pPr") if paragraph is not None else None
        pstyle = _first([ppr], "pStyle")
        para_style = pstyle.get(f"{_W}val") if pstyle is not None else styles.default_paragraph
        rpr = run.find(f"{_W}rPr")
        rstyle = _first([rpr], "rStyle")
        layers = [
            rpr,
            *styles.chain(rstyle.get(f"{_W}val") if rstyle is not None else None, "rPr"),
            *styles.chain(para_style, "rPr"),
            styles.defaults,
        ]
        if _on(_first(layers, "vanish")):
            return "vanish"
        size = _first(layers, "sz")
        try:
            if size is not None and int(size.get(f"{_W}val")) <= 2 * MAX_TINY_POINTS:
                return "tiny"
        except (TypeError, ValueError):
            pass
        colour = self._colour(_first(layers, "color"))
        if colour is None:
            return ""
        background = self._background(run, layers, ppr, para_style)
        return "colour" if background is not None and near_colour(colour, background) else ""

    @staticmethod
    def _colour(element: Any) -> Colour | None:
        if element is None or element.get(f"{_W}val") == "auto":
            return None
        if (colour := hex_colour(element.get(f"{_W}val"))) is not None:
            return colour
        return WHITE if element.get(f"{_W}themeColor") in ("background1", "light1") else None

    def _background(self, run: Any, layers: list[Any], ppr: Any, para_style: str | None) -> Background:
        """What is behind the run: its highlight or shading (direct or by style), its paragraph's, cell's, page's."""
        highlight = _first(layers, "highlight")
        if highlight is not None and highlight.get(f"{_W}val") not in (None, "none"):
            return hex_colour(_HIGHLIGHTS.get(highlight.get(f"{_W}val"), ""))
        for shd in (_first(layers, "shd"), _first([ppr, *self.styles.chain(para_style, "pPr")], "shd")):
            painted, paint = _shading(shd)
            if painted:
                return paint
        for ancestor in run.iterancestors():
            tag = ancestor.tag
            if tag == f"{_W}txbxContent" or not tag.startswith(_W):
                return None  # a text box or a drawing: its fill is not known here
            if tag in (f"{_W}tc", f"{_W}tbl"):
                props = ancestor.find(f"{_W}tcPr" if tag == f"{_W}tc" else f"{_W}tblPr")
                painted, paint = _shading(_first([props], "shd"))
                if painted:
                    return paint
                style = _first([props], "tblStyle")
                if style is not None and style.get(f"{_W}val") in self.styles.shaded_table_styles:
                    return None
        return self.styles.page


def docx_runs(document: Any) -> Any:
    """A function giving (visible text, hidden text, reasons) of one block of ``document``."""
    judge = _DocxJudge(document)

    def split(block: Any) -> tuple[str, str, set[str]]:
        seen: list[str] = []
        hidden: list[str] = []
        reasons: set[str] = set()
        for node in block.iter():
            if not isinstance(node.tag, str) or not node.tag.endswith("}t"):
                continue
            run = node.getparent()
            reason = ""
            if run is not None and run.tag == f"{_W}r":
                paragraph = next((a for a in run.iterancestors(f"{_W}p")), None)
                reason = judge.reason(run, paragraph)
            (hidden if reason else seen).append(node.text or "")
            if reason:
                reasons.add(reason)
        return "".join(seen), "".join(hidden), reasons

    return split
