"""The Weights and Gradients panels: a list of the model's variables and, for the chosen one, its histogram at every
snapshot received so far (older epochs lighter, the newest strong), so a person sees the weights spread out or the
gradients fade to zero epoch after epoch. One class serves both; `weights_panel` and `gradients_panel` make each.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QListWidget, QSplitter, QVBoxLayout, QWidget

from designer.ui.plot_pieces import STRONG, muted_label

WEIGHTS_NOTE = "How the layer's weights are spread, epoch after epoch."
GRADIENTS_NOTE = ("How big the loss's gradients are for each weight: near zero everywhere means the layer has "
                  "stopped learning.")
#: histograms drawn per variable at most (evenly spread over the epochs, always the first and the newest)
MAX_CURVES = 30


class HistogramsPanel(QWidget):
    """Weights or gradients: a list of variables and, for the chosen one, its histogram at every snapshot so far,
    older epochs lighter, the newest strong."""

    def __init__(self, field: str, note: str, axis: str) -> None:
        super().__init__()
        self.field = field
        self.note = muted_label(note)
        self.list = QListWidget()
        self.list.setToolTip("Choose a layer's variable to see its histogram")
        self.plot = pg.PlotWidget()
        self.plot.setLabel("bottom", axis)
        self.plot.setLabel("left", "count")
        self.plot.getPlotItem().hideButtons()
        # which variable and epoch: a wrapped line above the plot, not the plot's title (a long title made
        # pyqtgraph's plot wider than the dock, its right end and the title cut off)
        self.title = QLabel()
        self.title.setWordWrap(True)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.title)
        column.addWidget(self.plot, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.list)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([140, 860])  # the names are short; the histogram gets the width
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.note)
        layout.addWidget(splitter, 1)
        self.history: dict[str, list[tuple[int, np.ndarray, np.ndarray]]] = {}
        self.curves: list[pg.PlotDataItem] = []
        #: per curve, the counts array and the shade it was last drawn with
        self._drawn: list[tuple] = []
        self.list.currentTextChanged.connect(self._redraw)

    def reset(self) -> None:
        self.history.clear()
        self.list.blockSignals(True)
        self.list.clear()
        self.list.blockSignals(False)
        for curve in self.curves:
            curve.hide()
        self._drawn = [(None, None)] * len(self.curves)
        self.title.clear()

    @staticmethod
    def _pen(shade: float, newest: bool):
        """Strong blue for the newest epoch; the older ones from very light (0) to mid blue (1)."""
        if newest:
            return pg.mkPen(STRONG, width=2.5)
        return pg.mkPen(QColor.fromRgbF(0.85 - 0.3 * shade, 0.89 - 0.22 * shade, 0.96 - 0.1 * shade), width=1.2)

    def chosen(self) -> str | None:
        item = self.list.currentItem()
        return item.text() if item else None

    def show_snapshot(self, shot) -> bool:
        histograms = getattr(shot, self.field)
        if not histograms:
            return False
        for histogram in histograms:
            self.history.setdefault(histogram.name, []).append((shot.epoch, histogram.counts, histogram.edges))
        names = [histogram.name for histogram in histograms]
        if names != [self.list.item(i).text() for i in range(self.list.count())]:
            chosen = self.chosen()
            self.list.blockSignals(True)
            self.list.clear()
            self.list.addItems(names)
            self.list.setCurrentRow(names.index(chosen) if chosen in names else 0)
            self.list.blockSignals(False)
        self._redraw()
        return True

    def _redraw(self, *_) -> None:
        name = self.chosen()
        entries = self.history.get(name or "", [])
        if not entries:
            return
        if len(entries) > MAX_CURVES:
            # every step-th epoch from the first, and the newest: the same picks from one snapshot to the next
            step = -(-(len(entries) - 1) // (MAX_CURVES - 1))
            entries = entries[:-1:step] + entries[-1:]
        while len(self.curves) < len(entries):
            self.curves.append(self.plot.plot(stepMode="center"))
            self._drawn.append((None, None))
        newest = len(entries) - 1
        for index, curve in enumerate(self.curves):
            if index > newest:
                curve.hide()
                continue
            _, counts, edges = entries[index]
            # only what changed is set again: a snapshot adds one histogram, the older ones only get lighter
            shade = 1.0 if index == newest else round(index / max(1, newest), 1)  # in tenths: pens seldom change
            drawn_counts, drawn_shade = self._drawn[index]
            if drawn_counts is not counts:
                curve.setData(edges, counts)
            if drawn_shade != shade:
                curve.setPen(self._pen(shade, index == newest))
                curve.setZValue(index)
            self._drawn[index] = (counts, shade)
            curve.show()
        epoch = entries[-1][0] + 1
        older = " (earlier epochs lighter)" if newest else ""
        self.title.setText(f"<b>{html.escape(name)}</b> · epoch {epoch}{older}")


def weights_panel() -> HistogramsPanel:
    return HistogramsPanel("weights", WEIGHTS_NOTE, "weight")


def gradients_panel() -> HistogramsPanel:
    return HistogramsPanel("gradients", GRADIENTS_NOTE, "gradient")
