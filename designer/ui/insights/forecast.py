"""The Forecast panel of a sequence model that predicts what comes next: the true values and the model's forecast
as two curves (solid and dashed), along the time steps or the samples.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from designer.ui import style


class ForecastPanel(QWidget):
    """The true values and the model's forecast, as two curves."""

    def __init__(self) -> None:
        super().__init__()
        self.plot = pg.PlotWidget()
        item = self.plot.getPlotItem()
        item.hideButtons()
        item.showGrid(x=True, y=True, alpha=0.2)
        item.addLegend(offset=(-10, 10))
        self.truth = item.plot(name="truth", pen=pg.mkPen(style.TEXT_COLOUR, width=2))
        self.prediction = item.plot(name="prediction",
                                    pen=pg.mkPen(style.CATEGORY_COLOURS["Merge"], width=2, style=Qt.PenStyle.DashLine))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.plot)

    def reset(self) -> None:
        self.truth.setData([], [])
        self.prediction.setData([], [])
        self.plot.setTitle(None)

    def show_snapshot(self, shot) -> bool:
        shown = shot.forecast
        if not shown or shown.get("truth") is None:
            return False
        truth = np.asarray(shown["truth"], dtype=np.float32).reshape(-1)
        prediction = np.asarray(shown["prediction"], dtype=np.float32).reshape(-1)
        self.truth.setData(np.arange(len(truth)), truth)
        self.prediction.setData(np.arange(len(prediction)), prediction)
        self.plot.setLabel("bottom", "time step" if shown.get("axis") == "step" else "sample")
        self.plot.setTitle(f"Forecast and truth at epoch {shot.epoch + 1}", size="10pt")
        return True
