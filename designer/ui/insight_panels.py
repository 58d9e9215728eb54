"""The live panels beside the loss curves while a network trains: what each layer outputs for a few fixed samples,
how the weights and their gradients are spread epoch after epoch, a predictions grid, a confusion matrix,
reconstructions (autoencoders), generated images (GANs), the decision boundary of 2-D data and the forecast.

`InsightPanels` is a tab per panel of `designer.training.insights.PANELS`. `set_plan` says beforehand which panels
will get data; the others show, in plain words, why they stay empty, and go to the end of the tab bar, greyed.
`show_snapshot` runs on the GUI thread at the end of an epoch, so every panel keeps its plot items and only sets
new data on them; widgets are made again only when the shape of what they show changes (another model). This
module is loaded when the first run starts, so pyqtgraph is imported at the top.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QListWidget, QScrollArea, QSizePolicy, QSlider,
                               QSpinBox, QSplitter, QStackedWidget, QTabWidget, QVBoxLayout, QWidget)

from designer.training.insights import GRID, PANELS, SAMPLES
from designer.ui import style
from designer.ui.plot_pieces import (MAX_MAPS, STRONG, ImageGrid, ValuesView, coloured, is_picture,
                                     muted_label, normalised, as_picture, shape_words, tiled_maps)

pg.setConfigOptions(antialias=False, background="w", foreground="k")

#: panels that show every epoch received, not only the latest
HISTORY_PANELS = ("weights", "gradients", "generated")
TITLES = {"activations": "Activations", "weights": "Weights", "gradients": "Gradients", "predictions": "Predictions",
          "confusion": "Confusion matrix", "reconstructions": "Reconstructions", "generated": "Generated",
          "boundary": "Decision boundary", "forecast": "Forecast"}
WAITING = "Appears at the end of the first epoch."
WEIGHTS_NOTE = "How the layer's weights are spread, epoch after epoch."
GRADIENTS_NOTE = ("How big the loss's gradients are for each weight: near zero everywhere means the layer has "
                  "stopped learning.")
#: the pause between building two layers' rows of the activations panel, so the window does other work between
ROW_PACE_MS = 25
#: bars drawn for one layer's output at most, feature maps shown per layer at most
MAX_BARS = 256
#: histograms drawn per variable at most (evenly spread over the epochs, always the first and the newest)
MAX_CURVES = 30
GREYED_TAB = "#9aa0a6"
RIGHT_COLOUR = "#1e8e3e"
WRONG_COLOUR = style.ERROR_COLOUR
CLASS_COLOURS = ("#3d7bd9", "#d98b2b", "#2e9e6a", "#d64541", "#9a5cc6", "#8c6d3f", "#d2558a", "#7a8894",
                 "#b5a21b", "#2aa3b5")
#: class areas of the decision boundary: the class colours mixed with white, so the dots stand out on them
LIGHT_CLASS_RGB = np.array([[round(255 - 0.3 * (255 - QColor(c).getRgb()[k])) for k in range(3)]
                            for c in CLASS_COLOURS], dtype=np.uint8)
CONFUSION_MAP = pg.ColorMap([0.0, 1.0], [(255, 255, 255), (31, 95, 191)])


# ---------------------------------------------------------------------- the panels
class ActivationsPanel(QWidget):
    """A chosen sample and what every layer outputs for it: numbers as bars, feature maps as small pictures,
    sequences as heatmaps, one row per layer in a scrolling list."""

    def __init__(self) -> None:
        super().__init__()
        self.spin = QSpinBox()
        self.spin.setRange(1, 1)
        self.spin.setToolTip("Which of the fixed samples the layers' outputs are shown for")
        self.sample_view = ValuesView(height=84)
        self.sample_view.setFixedWidth(220)
        self.sample_label = muted_label()
        header = QHBoxLayout()
        header.addWidget(QLabel("Sample"))
        header.addWidget(self.spin)
        header.addSpacing(12)
        header.addWidget(self.sample_view)
        header.addWidget(self.sample_label, 1)
        self.rows_host = QWidget()
        self.rows_layout = QVBoxLayout(self.rows_host)
        self.rows_layout.setContentsMargins(0, 0, 4, 0)
        self.rows_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.rows_host)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(header)
        layout.addWidget(scroll, 1)
        self.rows: list[LayerRow] = []
        self._structure: list = []
        self._last = None
        self.spin.valueChanged.connect(self._redraw)

    def reset(self) -> None:
        self._last = None
        self._set_rows([])
        self.spin.blockSignals(True)
        self.spin.setRange(1, 1)
        self.spin.blockSignals(False)
        self.sample_view.clear_view()
        self.sample_label.clear()

    def show_snapshot(self, shot) -> bool:
        if not shot.activations:
            return False
        self._last = (shot.samples, shot.sample_labels, shot.activations)
        count = len(shot.samples) if shot.samples is not None else len(shot.activations[0][1])
        self.spin.blockSignals(True)  # one redraw below, not one more for the new range
        self.spin.setMaximum(max(1, count))
        self.spin.blockSignals(False)
        self._set_rows([(name, tuple(output.shape[1:])) for name, output in shot.activations])
        self._redraw()
        return True

    def _set_rows(self, structure: list) -> None:
        """One row per layer, made again only when the layers or their shapes change: one row at a time, every
        ROW_PACE_MS, so a deep model's first snapshot does not hold the window still while training runs."""
        if structure == self._structure:
            return
        for row in self.rows:
            row.setParent(None)
            row.deleteLater()
        self.rows = []
        self._structure = structure
        QTimer.singleShot(0, self, lambda: self._add_row(structure))  # after the snapshot's other drawing

    def _add_row(self, structure: list) -> None:
        if structure is not self._structure or len(self.rows) == len(structure):
            return  # another model's rows are on their way, or all are made
        name, shape = structure[len(self.rows)]
        row = LayerRow(name, shape)
        self.rows_layout.insertWidget(len(self.rows), row)
        self.rows.append(row)
        if self._last is not None:
            index = self.spin.value() - 1
            output = self._last[2][len(self.rows) - 1][1]
            row.show_output(output[min(index, len(output) - 1)])
        # not 0: zero-timers chained with their repaints kept the window's other events waiting (~70 ms)
        # with `self` as context: a panel closed meanwhile cancels the rest
        QTimer.singleShot(ROW_PACE_MS, self, lambda: self._add_row(structure))

    def _redraw(self, *_) -> None:
        if self._last is None:
            return
        samples, labels, activations = self._last
        index = self.spin.value() - 1
        if samples is not None and len(samples):
            sample = samples[min(index, len(samples) - 1)]
            if is_picture(sample):
                self.sample_view.show_image(as_picture(sample)[0])
            else:
                self.sample_view.show_bars(sample)
        self.sample_label.setText(f"class: {labels[index]}" if labels and index < len(labels) else "")
        for row, (_, output) in zip(self.rows, activations):
            row.show_output(output[min(index, len(output) - 1)])


class LayerRow(QWidget):
    """One layer's output for one sample, with the layer's name and output shape above it."""

    def __init__(self, name: str, shape: tuple[int, ...]) -> None:
        super().__init__()
        self.name, self.shape = name, shape
        self.title = QLabel()
        self.view = ValuesView(height=80)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(1)
        layout.addWidget(self.title)
        layout.addWidget(self.view)
        note = ""
        size = int(np.prod(shape)) if shape else 1
        if len(shape) == 3 and shape[2] > MAX_MAPS:
            note = f" (first {MAX_MAPS} of {shape[2]})"
        elif len(shape) not in (2, 3) and size > MAX_BARS:
            note = f" (first {MAX_BARS} of {size})"
        self.title.setText(f"<b>{html.escape(name)}</b> · {html.escape(shape_words(shape or (1,)))}{note}")

    def show_output(self, output: np.ndarray) -> None:
        output = np.asarray(output)
        if output.ndim == 3:
            self.view.show_image(tiled_maps(output), levels=(0, 255))
        elif output.ndim == 2:
            # time along x, features along y; stretched to fill the row, since steps and features are not pixels
            self.view.show_image(coloured(normalised(output.T)), levels=(0, 255), lock_aspect=False)
        else:
            self.view.show_bars(output.reshape(-1)[:MAX_BARS])


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
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.list)
        splitter.addWidget(self.plot)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 780])
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
        self.plot.setTitle(None)

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
        self.plot.setTitle(f"{html.escape(name)} · epoch {epoch}{older}", size="10pt")


class PredictionsPanel(QWidget):
    """A grid of pictures with the predicted class and confidence under each and the true class, green when right
    and red when wrong."""

    def __init__(self) -> None:
        super().__init__()
        self.title = QLabel()
        self.grid = ImageGrid(4, GRID // 4, captions=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.grid, 1)
        self.right = 0

    def reset(self) -> None:
        self.title.clear()
        self.grid.show_images(None)

    def show_snapshot(self, shot) -> bool:
        shown = shot.predictions
        if not shown or shown.get("images") is None or not len(shown["images"]):
            return False
        images = shown["images"][:GRID]
        captions = []
        self.right = 0
        for index in range(len(images)):
            predicted, actual = shown["predicted"][index], shown["actual"][index]
            confidence = float(shown["confidence"][index])
            right = predicted == actual
            self.right += right
            text = f"{html.escape(str(predicted))} ({confidence:.0%})<br>true: {html.escape(str(actual))}"
            captions.append((text, RIGHT_COLOUR if right else WRONG_COLOUR))
        self.grid.show_images(images, captions)
        self.title.setText(f"<b>{self.right} of {len(images)} right</b> at epoch {shot.epoch + 1}")
        return True


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


class ReconstructionsPanel(QWidget):
    """The fixed samples in the top row and what the autoencoder rebuilds from them in the bottom row."""

    def __init__(self) -> None:
        super().__init__()
        self.title = QLabel()
        self.grid = ImageGrid(2, SAMPLES, row_titles=["original", "rebuilt"])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.grid, 1)

    def reset(self) -> None:
        self.title.clear()
        self.grid.show_images(None)

    def show_snapshot(self, shot) -> bool:
        shown = shot.reconstructions
        if not shown or shown.get("originals") is None:
            return False
        originals = np.asarray(shown["originals"])[:SAMPLES]
        rebuilt = np.asarray(shown["reconstructions"])[:SAMPLES]
        count = len(originals)
        levels = (0.0, 1.0)
        if not is_picture(originals[0]):  # numbers, not pixels: both rows on the originals' scale, to compare
            low, high = float(originals.min()), float(originals.max())
            levels = (low, high if high > low else low + 1.0)
        self.grid.show_images(list(originals) + [None] * (SAMPLES - count) + list(rebuilt[:count]), levels=levels)
        self.title.setText(f"What the autoencoder rebuilds from its input at epoch {shot.epoch + 1}")
        return True


class GeneratedPanel(QWidget):
    """The generator's pictures from the same noise, and a slider back through the epochs received so far."""

    def __init__(self) -> None:
        super().__init__()
        self.title = QLabel()
        self.grid = ImageGrid(4, GRID // 4)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip("Go back through the epochs: the slider follows the newest while it is at the end")
        self.slider_label = QLabel()
        self.slider_label.setMinimumWidth(80)
        row = QHBoxLayout()
        row.addWidget(QLabel("Epoch"))
        row.addWidget(self.slider, 1)
        row.addWidget(self.slider_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.grid, 1)
        layout.addLayout(row)
        #: (epoch, images): bytes for pictures (4× smaller than floats: every epoch is kept)
        self.grids: list[tuple[int, np.ndarray]] = []
        self.shown_epoch: int | None = None
        self.slider.valueChanged.connect(self._show)
        self.reset()

    def reset(self) -> None:
        self.grids = []
        self.shown_epoch = None
        self.slider.blockSignals(True)
        self.slider.setRange(0, 0)
        self.slider.blockSignals(False)
        self.slider.setEnabled(False)
        self.slider_label.clear()
        self.title.clear()
        self.grid.show_images(None)

    def show_snapshot(self, shot) -> bool:
        if shot.generated is None or not len(shot.generated):
            return False
        images = np.asarray(shot.generated)[:GRID]
        if is_picture(images[0]):
            images = (np.clip(images, 0.0, 1.0) * 255).round().astype(np.uint8)
        following = self.slider.value() == self.slider.maximum()
        self.grids.append((shot.epoch, images))
        self.slider.blockSignals(True)
        self.slider.setMaximum(len(self.grids) - 1)
        if following:
            self.slider.setValue(len(self.grids) - 1)
        self.slider.blockSignals(False)
        self.slider.setEnabled(len(self.grids) > 1)
        self._show(self.slider.value())
        return True

    def _show(self, index: int) -> None:
        if not self.grids:
            return
        epoch, images = self.grids[index]
        levels = (0, 255) if images.dtype == np.uint8 else None
        self.grid.show_images(images, levels=levels)
        self.shown_epoch = epoch + 1
        self.title.setText(f"<b>epoch {epoch + 1}</b> · the generator's images from the same noise every epoch")
        self.slider_label.setText(f"{epoch + 1} ({index + 1} of {len(self.grids)})")


class BoundaryPanel(QWidget):
    """The class the model picks at every point of the plane (light colours) and the real samples on it."""

    def __init__(self) -> None:
        super().__init__()
        self.plot = pg.PlotWidget()
        item = self.plot.getPlotItem()
        item.hideButtons()
        item.setLabel("bottom", "first input")
        item.setLabel("left", "second input")
        self.legend = item.addLegend(offset=(-10, 10), brush=(255, 255, 255, 210), pen="#c0c4c8")
        self.image = pg.ImageItem(axisOrder="row-major")  # row = y: ys grow upwards as the y axis does
        self.image.setZValue(-10)
        item.addItem(self.image)
        self.scatters: list[pg.ScatterPlotItem] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.plot)

    def reset(self) -> None:
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
        for index, scatter in enumerate(self.scatters):
            mine = points[labels == index]
            scatter.setData(x=mine[:, 0], y=mine[:, 1])
        self.plot.setTitle(f"epoch {shot.epoch + 1}: the light areas are the class the model picks there, "
                           "the dots real samples", size="10pt")
        return True


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


# ---------------------------------------------------------------------- the tabs
class PanelPage(QStackedWidget):
    """One tab: a message (when the panel fills, or why it stays empty) or the panel itself, which is made the
    first time it is needed: a classifier never pays for the GAN's grid of 16 pictures (about 0.1 s each grid)."""

    def __init__(self, make: Callable[[], QWidget]) -> None:
        super().__init__()
        self._make = make
        self._content: QWidget | None = None
        holder = QWidget()
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # as wide as it can be up to 560 px: a long reason reads as a short paragraph, not one line across the
        # window, nor the narrow column Qt gives a wrapped label that is merely centred
        self.label.setMaximumWidth(560)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.label.setStyleSheet(f"color: {style.MUTED_TEXT_COLOUR}; font-size: 11pt;")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.label, 100)  # the label's stretch wins over the margins' until its maximum width
        row.addStretch(1)
        centred = QVBoxLayout(holder)
        centred.setContentsMargins(24, 24, 24, 24)
        centred.addStretch(1)
        centred.addLayout(row)
        centred.addStretch(1)
        self.addWidget(holder)

    @property
    def content(self) -> QWidget:
        if self._content is None:
            self._content = self._make()
            self.addWidget(self._content)
        return self._content

    @property
    def made(self) -> bool:
        return self._content is not None

    def say(self, text: str) -> None:
        self.label.setText(text)
        self.setCurrentIndex(0)

    def show_data(self) -> None:
        self.setCurrentWidget(self.content)

    @property
    def showing_data(self) -> bool:
        return self.currentIndex() == 1


class InsightPanels(QTabWidget):
    """A tab per insight panel; see the module docstring."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setDocumentMode(True)
        makers: dict[str, Callable[[], QWidget]] = {
            "activations": ActivationsPanel,
            "weights": lambda: HistogramsPanel("weights", WEIGHTS_NOTE, "weight"),
            "gradients": lambda: HistogramsPanel("gradients", GRADIENTS_NOTE, "gradient"),
            "predictions": PredictionsPanel,
            "confusion": ConfusionPanel,
            "reconstructions": ReconstructionsPanel,
            "generated": GeneratedPanel,
            "boundary": BoundaryPanel,
            "forecast": ForecastPanel,
        }
        self._pages = {name: PanelPage(makers[name]) for name in PANELS}
        self._reasons: dict[str, str | None] = dict.fromkeys(PANELS)
        #: snapshots a panel out of view has not drawn yet (see show_snapshot)
        self._waiting: dict[str, list] = {name: [] for name in PANELS}
        self._arrange()
        self.currentChanged.connect(lambda index: self._show_waiting(self.widget(index)))

    # ------------------------------------------------------------------ public
    def set_plan(self, reasons: dict[str, str | None]) -> None:
        """Which panels will get data (None) and why the others will not: meaningful tabs first, the others greyed
        with their reason in the page and as the tab's tooltip."""
        self._reasons = {name: reasons.get(name) for name in PANELS}
        self._arrange()

    def show_snapshot(self, snapshot) -> None:
        """The panel in view takes what the snapshot has for it at once; the others when they come into view.

        Drawing every panel at every snapshot cost the GUI thread ~30 ms while training (more for the first
        one, which builds the panels), enough to make the window stutter; a hidden panel only keeps the
        snapshots it will need: the latest, and for the panels that show the epochs gone by (histograms,
        generated images) each one, without the activations that make a snapshot big."""
        for name in PANELS:
            if self._reasons[name] is not None:
                continue
            if name in HISTORY_PANELS:
                self._waiting[name].append(replace(snapshot, activations=[], samples=None))
            elif getattr(snapshot, name):  # a snapshot without this panel's field leaves it as it is
                self._waiting[name] = [snapshot]
        self._show_waiting(self.currentWidget())

    def _show_waiting(self, page) -> None:
        name = next((n for n, p in self._pages.items() if p is page), None)
        if name is None or self._reasons[name] is not None or not self._waiting[name]:
            return
        waiting, self._waiting[name] = self._waiting[name], []
        shown = False
        for snapshot in waiting:
            shown = page.content.show_snapshot(snapshot) or shown
        if shown:
            page.show_data()

    def clear(self) -> None:
        """Back to the state before `set_plan`: no data, no reasons, the tabs in their first order."""
        for page in self._pages.values():
            if page.made:
                page.content.reset()
            page.say(WAITING)
        self._reasons = dict.fromkeys(PANELS)
        self._waiting = {name: [] for name in PANELS}
        self._arrange()

    def panel(self, name: str) -> QWidget:
        """The panel's own widget (made now if it was not yet)."""
        return self._pages[name].content

    def show_panel(self, name: str) -> QWidget:
        """Bring a panel into view (as clicking its tab does: it draws what it has not drawn yet); its widget."""
        self.setCurrentWidget(self._pages[name])
        return self._pages[name].content

    def showing_data(self, name: str) -> bool:
        return self._pages[name].showing_data

    def message(self, name: str) -> str:
        """The text the panel shows instead of data ("" while it shows data)."""
        page = self._pages[name]
        return "" if page.showing_data else page.label.text()

    def tab_names(self) -> list[str]:
        """The panels in their tab order."""
        pages = {id(page): name for name, page in self._pages.items()}
        return [pages[id(self.widget(i))] for i in range(self.count())]

    # ------------------------------------------------------------------ tabs
    def _arrange(self) -> None:
        meaningful = [name for name in PANELS if self._reasons[name] is None]
        others = [name for name in PANELS if self._reasons[name] is not None]
        self.blockSignals(True)
        while self.count():
            self.removeTab(0)
        for name in meaningful + others:
            page, reason = self._pages[name], self._reasons[name]
            index = self.addTab(page, TITLES[name])
            if reason is not None:
                self.tabBar().setTabTextColor(index, QColor(GREYED_TAB))
                self.setTabToolTip(index, reason)
                page.say(reason)
            elif not page.showing_data:
                page.say(WAITING)
        self.setCurrentIndex(0)
        self.blockSignals(False)
