"""Colours and sizes shared by the palette, the canvas and the panels, so one category looks the same everywhere."""

from __future__ import annotations

from PySide6.QtGui import QColor

#: one hue per palette category (the same on palette icons and canvas node headers)
CATEGORY_COLOURS = {
    "Core": "#3d7bd9",
    "Convolution": "#2e9e6a",
    "Pooling": "#5fae3c",
    "Recurrent": "#9a5cc6",
    "Merge": "#d98b2b",
    "Regularization": "#7a8894",
    "Generative": "#d2558a",
    "Pretrained": "#8c6d3f",
}

ERROR_COLOUR = "#d64541"
WARNING_COLOUR = "#d9a21b"
SELECTION_COLOUR = "#f2c14e"
CANVAS_BACKGROUND = "#f4f5f7"
NODE_BACKGROUND = "#ffffff"
TEXT_COLOUR = "#202124"
MUTED_TEXT_COLOUR = "#5f6368"


def category_colour(category: str) -> QColor:
    """The colour of a palette category (grey for one this module does not know)."""
    return QColor(CATEGORY_COLOURS.get(category, "#7a8894"))
