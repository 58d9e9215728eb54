"""The Model panel's small widgets and layout helpers: a classifier's probability bars, two parts side by side
when there is room, a page that keeps its square plot from taking blank room, a muted label, a bare page, a note
centred on a page and a plain plot (pyqtgraph imported only when one is made)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from designer.ui import style


def readable(values, most: int = 16) -> str:
    """Numbers as a person reads them: a price as 676,010 (not 6.76e+05), small ones with 5 digits; the first
    `most`, then "…"."""
    flat = [float(v) for v in values]

    def one(v: float) -> str:
        return f"{v:,.0f}" if 1e4 <= abs(v) < 1e15 else f"{v:.5g}"

    return ", ".join(one(v) for v in flat[:most]) + (" …" if len(flat) > most else "")


def muted(text: str = "") -> QLabel:
    """A word-wrapped label in the muted colour."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {style.MUTED_TEXT_COLOUR};")
    return label


def laid_out(page: QWidget | None = None, box: type[QBoxLayout] = QVBoxLayout, top: int = 0) -> tuple:
    """(`page`, a new `box` layout of it with no margins but `top` pixels above); `page` a new QWidget if None."""
    page = QWidget() if page is None else page
    layout = box(page)
    layout.setContentsMargins(0, top, 0, 0)
    return page, layout


def add_centred_note(layout: QVBoxLayout, text: str) -> None:
    """A muted line in the middle of the page, alone on it: why the page has nothing else to show."""
    label = muted(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    layout.addStretch(1)
    layout.addWidget(label)
    layout.addStretch(1)


def plain_plot() -> tuple:
    """(a pyqtgraph PlotWidget without its buttons and context menu, its PlotItem)."""
    import pyqtgraph as pg

    plot = pg.PlotWidget()
    item = plot.getPlotItem()
    item.hideButtons()
    item.setMenuEnabled(False)
    return plot, item


class ProbabilityBars(QWidget):
    """A classifier's answer: one horizontal bar per class, most likely first, its name left and its
    probability right."""

    ROW = 18
    NUMBER_WIDTH = 50
    #: the longest a bar gets (a wide dock: the bars stay readable against their numbers)
    LONGEST = 320

    def __init__(self, parent: QWidget | None = None, rows: int = 0) -> None:
        super().__init__(parent)
        self.pairs: list[tuple[str, float]] = []
        #: the height kept for this many bars from the start, so the first answer does not shift the layout
        #: (the drawing pad beside it shrank under the pen between two strokes)
        self.rows = rows
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.set_pairs([])

    def set_pairs(self, pairs: list[tuple[str, float]]) -> None:
        self.pairs = [(str(name), float(p)) for name, p in pairs]
        rows = max(len(self.pairs), self.rows)
        self.setFixedHeight(self.ROW * rows + 4 if rows else 0)
        self.update()

    def _label_width(self) -> int:
        metrics = self.fontMetrics()
        widest = max((metrics.horizontalAdvance(name) for name, _ in self.pairs), default=0)
        return int(min(widest + 10, self.width() * 0.4))

    def widths(self) -> list[float]:
        """Each bar's length in pixels, in the order shown."""
        space = min(self.LONGEST, max(10, self.width() - self._label_width() - self.NUMBER_WIDTH))
        return [space * min(1.0, max(0.0, p)) for _, p in self.pairs]

    def paintEvent(self, event) -> None:
        if not self.pairs:
            return
        painter = QPainter(self)
        label_width = self._label_width()
        for row, ((name, p), width) in enumerate(zip(self.pairs, self.widths())):
            y = 2 + row * self.ROW
            painter.setPen(QColor(style.TEXT_COLOUR))
            painter.drawText(QRectF(0, y, label_width - 6, self.ROW - 2), Qt.AlignRight | Qt.AlignVCenter,
                             painter.fontMetrics().elidedText(name, Qt.ElideRight, label_width - 8))
            colour = QColor(style.CATEGORY_COLOURS["Core"] if row == 0 else "#9dbbe8")
            painter.fillRect(QRectF(label_width, y + 3, max(1.0, width), self.ROW - 8), colour)
            painter.drawText(QRectF(label_width + width + 4, y, self.NUMBER_WIDTH, self.ROW - 2),
                             Qt.AlignLeft | Qt.AlignVCenter, f"{p:.1%}")


class SideBySide(QWidget):
    """Two widgets one over the other in a narrow dock, side by side when there is room (`WIDE` pixels)."""

    WIDE = 720

    def __init__(self, first: QWidget, second: QWidget) -> None:
        super().__init__()
        self.box = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(8)
        self.box.addWidget(first, 1)
        self.box.addWidget(second, 0)

        #: whether the first part uses room it is given (a plot, a pad) or only needs its own (a line of numbers)
        self.first_expands = True

    def set_first_expands(self, expands: bool) -> None:
        self.first_expands = expands
        self._arrange(self.width())

    def _arrange(self, width: int) -> None:
        wide = width >= self.WIDE
        self.box.setDirection(QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom)
        # one over the other: the spare room goes to the first part if it can use it, else under the second
        self.box.setStretch(0, 1 if wide or self.first_expands else 0)
        self.box.setStretch(1, 1 if wide or not self.first_expands else 0)

    def resizeEvent(self, event) -> None:
        self._arrange(event.size().width())
        super().resizeEvent(event)


class SquareFitted(QWidget):
    """A page whose `view` (an aspect-locked plot) is never taller than the page is wide plus `extra` pixels
    (its title and axis), so the room it cannot use goes below the page's other widgets, not into blank plot."""

    def __init__(self, extra: int = 24) -> None:
        super().__init__()
        self.view: QWidget | None = None
        self.extra = extra

    def resizeEvent(self, event) -> None:
        if self.view is not None:
            self.view.setMaximumHeight(max(self.view.minimumHeight(), event.size().width() + self.extra))
        super().resizeEvent(event)
