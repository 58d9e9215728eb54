"""The Activations panel: a chosen one of the fixed samples and what every layer of the model outputs for it, one
row per layer — numbers as bars, feature maps as small pictures, sequences as heatmaps. A table's sample has its
values named under the bars ("age", "region=east"), as the data names its columns. A deep model's rows are
built one at a time (ROW_PACE_MS apart), so its first snapshot does not hold the window still while training runs.
"""

from __future__ import annotations

import html
import math

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QSpinBox, QVBoxLayout, QWidget

from designer.core.shapes import output_in_words
from designer.ui.plot_pieces import (AXIS_WIDTH, MAX_MAPS, ValuesView, as_picture, coloured, is_picture, muted_label,
                                     normalised, tiled_maps)

#: the pause between building two layers' rows of the activations panel, so the window does other work between
ROW_PACE_MS = 25
#: bars drawn for one layer's output at most, feature maps shown per layer at most
MAX_BARS = 256
#: the sample's view: its width, and the most it widens to for the names of a table's values (more would squeeze
#: the training curves beside the panels: names that do not fit are shown every k-th, all of them in the tooltip)
SAMPLE_VIEW_WIDTH = 220
NAMED_VIEW_WIDTH = 380
#: a value's name longer than this is shortened under its bar (the tooltip has it whole)
TICK_CHARACTERS = 12
#: room between two names under the bars, in pixels
TICK_GAP = 6


def short_name(name: str) -> str:
    """A value's name as it fits under its bar."""
    return name if len(name) <= TICK_CHARACTERS else name[:TICK_CHARACTERS - 1] + "…"


def name_ticks(names: list[str], pixels: int, width=lambda text: 7 * len(text)) -> list[tuple[int, str]]:
    """The labels under the bars 0…n-1 of named values, shortened: every name when they fit in `pixels`, else
    every k-th, so that none overlap (pyqtgraph draws every tick it is given, however crowded). `width`: a text's
    width in pixels."""
    if not names:
        return []
    shown = [short_name(name) for name in names]
    # the bars are evenly spaced, n of them and a little padding in n + 1 bars' room: a label may take its
    # neighbours' room only when they are left out
    step = math.ceil((max(width(name) for name in shown) + TICK_GAP) * (len(names) + 1) / max(1, pixels))
    return [(i, name) for i, name in enumerate(shown) if i % max(1, step) == 0]


def named_values(names: list[str], values) -> str:
    """Each value of a sample with its name, one a line (the sample's tooltip)."""
    values = np.asarray(values, dtype=np.float32).reshape(-1)
    return "\n".join(f"{name}: {value:.4g}" for name, value in zip(names, values))


class ActivationsPanel(QWidget):
    """A chosen sample and what every layer outputs for it: numbers as bars, feature maps as small pictures,
    sequences as heatmaps, one row per layer in a scrolling list."""

    def __init__(self) -> None:
        super().__init__()
        self.spin = QSpinBox()
        self.spin.setRange(1, 1)
        self.spin.setToolTip("Which of the fixed samples the layers' outputs are shown for")
        self.sample_view = ValuesView(height=84)
        self.sample_view.setFixedWidth(SAMPLE_VIEW_WIDTH)
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
        #: the names of the sample's values when the data names them (a table's columns), else None
        self.input_names: list[str] | None = None
        self.spin.valueChanged.connect(self._redraw)

    def reset(self) -> None:
        self._last = None
        self._name_values(None)
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
        self._name_values(shot.input_names)
        count = len(shot.samples) if shot.samples is not None else len(shot.activations[0][1])
        self.spin.blockSignals(True)  # one redraw below, not one more for the new range
        self.spin.setMaximum(max(1, count))
        self.spin.blockSignals(False)
        self._set_rows([(name, tuple(output.shape[1:])) for name, output in shot.activations])
        self._redraw()
        return True

    def _name_values(self, names: list[str] | None) -> None:
        """Label the sample's bars with the names of its values (the view widened for them, within reason), or
        with their numbers when it has none."""
        if names == self.input_names:
            return
        self.input_names = list(names) if names else None
        view = self.sample_view
        if not names:
            view.setFixedWidth(SAMPLE_VIEW_WIDTH)
            view.axes[1].setTicks(None)  # pyqtgraph's own numbered ticks again
            view.setToolTip("")
            return
        width = view.fontMetrics().horizontalAdvance
        wanted = AXIS_WIDTH + (len(names) + 1) * (max(width(short_name(name)) for name in names) + TICK_GAP)
        shown = min(NAMED_VIEW_WIDTH, max(SAMPLE_VIEW_WIDTH, wanted))
        view.setFixedWidth(shown)
        view.axes[1].setTicks([name_ticks(names, shown - AXIS_WIDTH, width)])

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
                if self.input_names:
                    self.sample_view.setToolTip(named_values(self.input_names, sample))
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
