"""The Decision boundary panel of a classifier of two numbers (points in a plane): the class the model picks at
every point of the plane, in light colours, and the real samples on it as dots of their class's colour. Its axes
are named as the data names the two inputs (a table's columns), else "first input" and "second input".
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QVBoxLayout, QWidget

CLASS_COLOURS = ("#3d7bd9", "#d98b2b", "#2e9e6a", "#d64541", "#9a5cc6", "#8c6d3f", "#d2558a", "#7a8894",
                 "#b5a21b", "#2aa3b5")
#: class areas of the decision boundary: the class colours mixed with white, so the dots stand out on them
LIGHT_CLASS_RGB = np.array([[round(255 - 0.3 * (255 - QColor(c).getRgb()[k])) for k in range(3)]
                            for c in CLASS_COLOURS], dtype=np.uint8)


class BoundaryPanel(QWidget):
    """The class the model picks at every point of the plane (light colours) and the real samples on it."""

    def __init__(self) -> None:
        super().__init__()
        self.plot = pg.PlotWidget()
        item = self.plot.getPlotItem()
        item.hideButtons()
        self._name_axes(None)
        self.legend = item.addLegend(offset=(-10, 10), brush=(255, 255, 255, 210), pen="#c0c4c8")
        self.image = pg.ImageItem(axisOrder="row-major")  # row = y: ys grow upwards as the y axis does
        self.image.setZValue(-10)
        item.addItem(self.image)
        self.scatters: list[pg.ScatterPlotItem] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.plot)

    def _name_axes(self, names: list[str] | None) -> None:
        first, second = names if names and len(names) == 2 else ("first input", "second input")
        item = self.plot.getPlotItem()
        item.setLabel("bottom", first)
        item.setLabel("left", second)

    def reset(self) -> None:
        self._name_axes(None)
        self.image.clear()
        self._set_classes([])
        self.plot.setTitle(None)

    def _set_classes(self, names: list[str]) -> None:
        if names == [s.name() for s in self.scatters]:
            return
        for scatter in self.scatters:
            self.plot.removeItem(scatter)
        self.legend.clear()
        self.scatters = []
        for index, name in enumerate(names):
            colour = CLASS_COLOURS[index % len(CLASS_COLOURS)]
            scatter = pg.ScatterPlotItem(size=7, brush=colour, pen=pg.mkPen("w", width=0.6), name=name)
            self.plot.addItem(scatter)  # adds it to the legend too, by its name
            self.scatters.append(scatter)

    def show_snapshot(self, shot) -> bool:
        shown = shot.boundary
        if not shown or shown.get("classes") is None:
            return False
        xs, ys = np.asarray(shown["xs"], dtype=float), np.asarray(shown["ys"], dtype=float)
        classes = np.asarray(shown["classes"], dtype=np.int64)
        points, labels = np.asarray(shown["points"]), np.asarray(shown["labels"], dtype=np.int64)
        count = int(max(classes.max(initial=0), labels.max(initial=0))) + 1
        names = [str(n) for n in (shown.get("class_names") or [])][:count]
        names += [f"class {i}" for i in range(len(names), count)]
        self.image.setImage(LIGHT_CLASS_RGB[classes % len(LIGHT_CLASS_RGB)], levels=(0, 255))
        # xs, ys are pixel centres: the picture reaches half a pixel beyond them
        dx = (xs[-1] - xs[0]) / max(1, len(xs) - 1) or 1.0
        dy = (ys[-1] - ys[0]) / max(1, len(ys) - 1) or 1.0
        self.image.setRect(QRectF(xs[0] - dx / 2, ys[0] - dy / 2, dx * len(xs), dy * len(ys)))
        self._set_classes(names)
        self._name_axes(getattr(shot, "input_names", None))  # the Model panel draws it from a plain record too
        for index, scatter in enumerate(self.scatters):
            mine = points[labels == index]
            scatter.setData(x=mine[:, 0], y=mine[:, 1])
        self.plot.setTitle(f"epoch {shot.epoch + 1}: the light areas are the class the model picks there, "
                           "the dots real samples", size="10pt")
        return True
