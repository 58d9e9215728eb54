"""Painted icons for layer kinds: a rounded square in the category's colour with the kind's glyph in white.

The palette and the canvas both use `layer_icon`, so a layer looks the same wherever it appears. Icons are
painted on demand (a QPixmap needs a running Qt application, so nothing is painted at import time) and cached
per kind and size, because the palette asks for every icon again each time it is rebuilt.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPixmap

from designer.core.catalogue import LayerKind
from designer.ui.style import category_colour

#: fonts that between them hold the arrows, box and maths glyphs the catalogue uses (DejaVu Sans has most)
GLYPH_FONTS = ["DejaVu Sans", "Noto Sans Symbols", "Noto Sans Symbols 2", "Noto Sans Math", "Sans Serif"]

_cache: dict[tuple[str, int], QIcon] = {}


def layer_glyph(kind: LayerKind) -> str:
    """The text drawn on the icon: the kind's glyph, or the first letter of its title when the kind has no glyph
    or none of the installed glyph fonts can draw it (an empty box would tell nobody anything)."""
    if kind.icon and _drawable(kind.icon):
        return kind.icon
    return kind.title[:1].upper() if kind.title else "?"


def _drawable(text: str) -> bool:
    metrics = [QFontMetrics(QFont(family)) for family in GLYPH_FONTS]
    return all(any(m.inFontUcs4(ord(char)) for m in metrics) for char in text)


def layer_icon(kind: LayerKind, size: int = 28) -> QIcon:
    """The icon of `kind`, `size` pixels square (with a double-size version for high-density screens)."""
    key = (kind.key, size)
    icon = _cache.get(key)
    if icon is None:
        icon = QIcon()
        # a 2x pixmap keeps the glyph sharp on high-density screens and when a view scales the icon up
        for scale in (1, 2):
            icon.addPixmap(_paint(layer_glyph(kind), category_colour(kind.category), size * scale))
        _cache[key] = icon
    return icon


def _paint(glyph: str, colour: QColor, pixels: int) -> QPixmap:
    pixmap = QPixmap(pixels, pixels)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        # half a pixel in, so the antialiased edge is not cut off by the pixmap border
        box = QRectF(0.5, 0.5, pixels - 1.0, pixels - 1.0)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        radius = pixels * 0.22
        painter.drawRoundedRect(box, radius, radius)

        font = QFont()
        font.setFamilies(GLYPH_FONTS)
        font.setPixelSize(max(6, round(pixels * 0.6)))
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, glyph)
    finally:
        painter.end()
    return pixmap
