"""The Activations panel: a chosen one of the fixed samples and what every layer of the model outputs for it, one
row per layer — numbers as bars, feature maps as small pictures, sequences as heatmaps. A deep model's rows are
built one at a time (ROW_PACE_MS apart), so its first snapshot does not hold the window still while training runs.
"""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QSpinBox, QVBoxLayout, QWidget

from designer.core.shapes import output_in_words
from designer.ui.plot_pieces import (MAX_MAPS, ValuesView, as_picture, coloured, is_picture, muted_label, normalised,
                                     tiled_maps)

#: the pause between building two layers' rows of the activations panel, so the window does other work between
ROW_PACE_MS = 25
#: bars drawn for one layer's output at most, feature maps shown per layer at most
MAX_BARS = 256


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
        self.title.setText(f"<b>{html.escape(name)}</b> · {html.escape(output_in_words(shape or (1,)))}{note}")

    def show_output(self, output: np.ndarray) -> None:
        output = np.asarray(output)
        if output.ndim == 3:
            self.view.show_image(tiled_maps(output), levels=(0, 255))
        elif output.ndim == 2:
            # time along x, features along y; stretched to fill the row, since steps and features are not pixels
            self.view.show_image(coloured(normalised(output.T)), levels=(0, 255), lock_aspect=False)
        else:
            self.view.show_bars(output.reshape(-1)[:MAX_BARS])
