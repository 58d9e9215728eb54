"""The Confusion matrix panel of a classifier: how often each true class (rows) is predicted as each class
(columns), as a heatmap with the counts written in its cells (up to 20 classes; beyond, the cells would be
unreadable) and the accuracy in the title.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from designer.ui import style

CONFUSION_MAP = pg.ColorMap([0.0, 1.0], [(255, 255, 255), (31, 95, 191)])


class ConfusionPanel(QWidget):
    """How often each true class (rows) is predicted as each class (columns), the counts written in the cells."""

    MAX_TEXTS = 20

    def __init__(self) -> None:
        super().__init__()
        self.plot = pg.PlotWidget()
        item = self.plot.getPlotItem()
        item.hideButtons()
        item.setMenuEnabled(False)
        item.vb.setMouseEnabled(False, False)
        item.vb.invertY(True)  # the first class in the top row, as a table reads
        item.vb.setAspectLocked(True)
        item.vb.disableAutoRange()  # set from the class count in show_snapshot
        item.setLabel("left", "true class")
        item.setLabel("bottom", "predicted class")
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(CONFUSION_MAP)
        item.addItem(self.image)
        self.texts: list[pg.TextItem] = []
        #: (text, colour) each cell shows
        self._written: list = []
        self.accuracy: float | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.plot)

    def reset(self) -> None:
        self.image.clear()
        self._set_cells(0)
        self.plot.setTitle(None)
        self.accuracy = None

    def _set_cells(self, classes: int) -> None:
        """A text item per cell of a classes × classes matrix, made again only when the classes change."""
        count = classes * classes
        if count == len(self.texts):
            return
        for text in self.texts:
            self.plot.removeItem(text)
        self.texts = []
        for index in range(count):
            text = pg.TextItem(anchor=(0.5, 0.5))
            row, column = divmod(index, classes)
            text.setPos(column + 0.5, row + 0.5)
            self.plot.addItem(text, ignoreBounds=True)  # the range is set from the class count
            self.texts.append(text)
        self._written = [None] * count

    def show_snapshot(self, shot) -> bool:
        if not shot.confusion or shot.confusion.get("matrix") is None:
            return False
        matrix = np.asarray(shot.confusion["matrix"])
        classes = len(matrix)
        names = [str(n) for n in (shot.confusion.get("classes") or range(classes))]
        highest = max(1, int(matrix.max(initial=0)))
        self.image.setImage(matrix.astype(np.float32), levels=(0, highest))
        self._set_cells(classes if classes <= self.MAX_TEXTS else 0)
        for index, text in enumerate(self.texts):
            row, column = divmod(index, classes)
            count = int(matrix[row, column])
            shown = (str(count), "w" if count > 0.6 * highest else style.TEXT_COLOUR)
            if self._written[index] != shown:  # most cells keep their count from one epoch to the next
                text.setText(*shown)
                self._written[index] = shown
        step = max(1, -(-classes // self.MAX_TEXTS))  # many classes: every few names, so they do not overlap
        ticks = [[(i + 0.5, names[i] if i < len(names) else str(i)) for i in range(0, classes, step)]]
        item = self.plot.getPlotItem()
        item.getAxis("left").setTicks(ticks)
        item.getAxis("bottom").setTicks(ticks)
        item.vb.setRange(xRange=(0, classes), yRange=(0, classes), padding=0.02)
        total = int(matrix.sum())
        right = int(np.trace(matrix))
        self.accuracy = right / total if total else 0.0
        self.plot.setTitle(f"Accuracy {self.accuracy:.1%} ({right} of {total} right) at epoch {shot.epoch + 1}",
                           size="10pt")
        return True
