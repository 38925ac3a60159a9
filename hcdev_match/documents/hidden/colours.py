"""Colours and sizes a reader cannot make out."""

from __future__ import annotations

__all__ = [
    "MAX_TINY_POINTS",
    "MIN_CONTRAST",
    "WHITE",
    "Background",
    "Colour",
    "device_colour",
    "hex_colour",
    "near_colour",
]

#: Text whose colour has less contrast than this with what is behind it
#: (the WCAG ratio: 1 is identical, 21 is black on white) cannot be read.
MIN_CONTRAST = 1.2
#: Text this small or smaller (in points) cannot be read.
MAX_TINY_POINTS = 1.0

Colour = tuple[float, float, float]
#: Behind a piece of text: a colour, or None when it cannot be known.
Background = Colour | None


def _luminance(colour: Colour) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(min(1.0, max(0.0, c))) for c in colour)  # a PDF may give any number
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def near_colour(text: Colour, background: Colour) -> bool:
    """True when text of this colour cannot be read on that background."""
    high, low = sorted((_luminance(text), _luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05) < MIN_CONTRAST


def hex_colour(value: str | None) -> Colour | None:
    if not value or len(value) != 6:
        return None
    try:
        return (int(value[0:2], 16) / 255, int(value[2:4], 16) / 255, int(value[4:6], 16) / 255)
    except ValueError:
        return None


WHITE: Colour = (1.0, 1.0, 1.0)


def device_colour(values: list[float] | None, components: int | None) -> Colour | None:
    """RGB of a gray, RGB or CMYK colour; None when the space or values are unknown."""
    if values is None or components is None or len(values) != components:
        return None
    if components == 1:
        return (values[0], values[0], values[0])
    if components == 3:
        return (values[0], values[1], values[2])
    c, m, y, k = values
    return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
