"""Small pieces shared by the side panels (inspector, data, settings)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget


def fill_with_scrolling(panel: QWidget, content: QWidget | None = None) -> QScrollArea:
    """Make `panel` a vertically scrolling view of `content` (set it later with setWidget if None): a docked panel
    taller than its dock scrolls, and it never grows a horizontal scroll bar in a narrow dock."""
    scroll = QScrollArea(panel)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    if content is not None:
        scroll.setWidget(content)
    outer = QVBoxLayout(panel)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(scroll)
    return scroll
