"""The Model panel's inputs to try, one page each under "Try it": a sample of the held-out rows, a file of one's
own (an image, a CSV row, a .npy array, read as the data's raw units and prepared as the data was), a digit drawn
with the mouse (classifiers and autoencoders of one-channel pictures), a point clicked on the plane (a classifier
of data of two numbers) — and `digit_look`, how the data's digits sit in their box, for the drawing pad.

`InputSourcesMixin` is a mixin of `ModelPanel`: it relies on the panel's `trained`, `kind`, `held`, `picture`,
`levels`, `_top`, `_prepared` and `_pictures`, and on `TryItMixin` to try an input (`_switch_to`, `_try`,
`_clear_answer`, `_say`, `_fit_room`); it sets `drawn_sample` and `clicked_points`.

A model that reads words (a table's text columns read inside the model) takes its held-out rows as a list, numbers
and words (designer.training.feeds), and a file as a CSV whose header names the training file's columns; its inputs
are shown with their words by column name, and no plane is offered for it (a plane holds only numbers).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from designer.training import feeds
from designer.ui.model_panel.outputs import class_of, shape_in_words
from designer.ui.model_panel.widgets import laid_out, muted, readable

#: the decision areas of the plane: points per side
PLANE_STEPS = 80
FILE_FILTER = "Inputs (*.png *.jpg *.jpeg *.gif *.bmp *.csv *.npy);;All files (*)"


class InputSourcesMixin:
    # ------------------------------------------------------------------ public
    def try_sample(self, index: int) -> None:
        """Try the held-out row `index` (from 0)."""
        if self.held is None:
            self._say("There are no held-out rows to try.")
            return
        self._switch_to("sample")
        index = max(0, min(index, len(self.held) - 1))
        self.sample_spin.blockSignals(True)
        self.sample_spin.setValue(index + 1)
        self.sample_spin.blockSignals(False)
        rows = feeds.take(self.held.x, slice(index, index + 1))  # numbers and words (if read) cut together
        self._show_input(self.sample_view, self.sample_numbers, np.asarray(feeds.numbers_of(rows))[0],
                         self._held_words(index))
        self._try(rows, truth=self._truth(index))

    def try_file(self, path) -> None:
        """Try the input in a file (an image, a CSV row, a .npy array, in the data's raw units; a CSV whose
        header names the training file's columns, with the words of those the model reads as words); a plain line
        when it cannot be read or does not fit."""
        from designer.data.dataset import DataError
        from designer.data.inputs import read_rows

        self._switch_to("file")
        self.file_path_label.setText(str(path))
        self.file_path_label.show()
        try:
            raw, words = read_rows(path, self.trained.dataset)
        except DataError as error:
            self._clear_answer()
            self._show_input(self.file_view, self.file_numbers, None)
            self._say(str(error))
            return
        try:
            rows = self._prepared(raw)
        except ValueError as error:
            self._clear_answer()
            self._say(f"{Path(path).name} cannot be prepared as the data was: {error}")
            return
        self._show_input(self.file_view, self.file_numbers, rows[0], self._named_words(words))
        note = f"The file holds {len(rows):,} rows: the first is tried." if len(rows) > 1 else ""
        self._try(rows[:1], note=note, words=None if words is None else words[:1])

    def try_point(self, x: float, y: float) -> None:
        """Try the point (x, y) of the plane (values as the model reads them) and mark it there."""
        import pyqtgraph as pg

        self._switch_to("point")
        self.clicked_points.append((float(x), float(y)))
        xs, ys = zip(*self.clicked_points)
        self.old_marks.setData(x=list(xs[:-1]), y=list(ys[:-1]))
        self.new_mark.setData(x=[xs[-1]], y=[ys[-1]])
        self.new_mark.setPen(pg.mkPen("k", width=1.5))
        self._try(np.asarray([[x, y]], dtype=np.float32), note=f"The point ({x:.3g}, {y:.3g})")

    def try_drawing(self) -> None:
        """Try the digit on the drawing pad (nothing when it is empty)."""
        self._switch_to("draw")
        if self.drawing_pad.is_empty():
            self._clear_answer()
            self.drawn_view.clear_view()
            self.drawn_view.hide()  # empty axes say nothing: shown again with the first stroke
            return
        height, width = self.picture[:2]
        raw = self.drawing_pad.pixels(height, width).reshape((1, *self.picture))
        self.drawn_sample = raw[0]
        self.drawn_view.show()
        self.drawn_view.show_image(np.asarray(raw[0]).reshape(height, width), levels=(0.0, self._top()))
        self._try(self._prepared(raw))

    # ------------------------------------------------------------------ pages
    def _source_pages(self) -> dict[str, QWidget]:
        """The page of each source this model can take, in the order offered."""
        pages: dict[str, QWidget] = {}
        if self.held is not None and len(self.held):
            pages["sample"] = self._sample_page()
        pages["file"] = self._file_page()
        if self._drawable():
            pages["draw"] = self._draw_page()
        if self._plane_fits() and not self.trained.reads_words:
            pages["point"] = self._point_page()
        elif self._plane_fits():  # two numbers, but words too: a plane cannot hold the words
            note = muted(f"No plane to click: the model reads the words of {', '.join(self._word_columns())} "
                         "besides its two numbers, and a plane holds only the numbers.")
            first = pages.get("sample", pages["file"])
            first.layout().insertWidget(first.layout().count() - 1, note)
            self.plane_note = note
        return pages

    def _plane_fits(self) -> bool:
        """A classifier of data of two numbers: its answers can be drawn over a plane."""
        return self.kind == "classifier" and tuple(self.trained.dataset.sample_shape) == (2,)

    def _sample_page(self) -> QWidget:
        page, layout = laid_out()
        self.sample_spin = QSpinBox()
        self.sample_spin.setRange(1, len(self.held))
        self.sample_spin.setToolTip(f"Which of the {len(self.held):,} {self.held.kind} rows to try")
        self.sample_spin.valueChanged.connect(lambda value: self.try_sample(value - 1))
        row = QHBoxLayout()
        row.addWidget(QLabel("Row"))
        row.addWidget(self.sample_spin)
        row.addWidget(muted(f"of {len(self.held):,} {self.held.kind} rows"), 1)
        layout.addLayout(row)
        self.sample_view, self.sample_numbers = self._input_view(layout)
        return page

    def _file_page(self) -> QWidget:
        page, layout = laid_out()
        button = QPushButton("Choose a file…")
        button.clicked.connect(self._choose_file)
        self.file_button = button
        row = QHBoxLayout()
        row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        dataset = self.trained.dataset
        units = (f"pixel values 0..{dataset.image_max:g}" if dataset.image_max else "the data's own numbers")
        what = "an image, " if self.picture else ""
        if self._word_columns():
            target = dataset.options.get("target") or dataset.columns[-1]
            named = ", ".join(name for name in dataset.columns if name != target)
            self.file_label = muted(f"Give a .csv file whose first line names the columns as the training file did "
                                    f"({named}), a row of values under it, the words as they are in the file; its "
                                    "numbers are prepared as the data's were.")
        else:
            self.file_label = muted(f"Give {what}a .csv row or a .npy array of "
                                    f"{shape_in_words(dataset.sample_shape)} ({units}); it is prepared as the data "
                                    "was.")
        self.file_path_label = QLabel()
        self.file_path_label.setWordWrap(True)
        self.file_path_label.setTextFormat(Qt.TextFormat.PlainText)
        self.file_path_label.hide()
        layout.addWidget(self.file_path_label)
        layout.addWidget(self.file_label)
        self.file_view, self.file_numbers = self._input_view(layout)
        if self.file_view is not None:
            self.file_view.hide()
        return page

    def _draw_page(self) -> QWidget:
        from designer.ui.drawing_pad import DrawingPad
        from designer.ui.plot_pieces import ValuesView

        page, layout = laid_out(box=QHBoxLayout)
        self.drawing_pad = DrawingPad()
        if [str(n) for n in (self.trained.dataset.class_names or [])] != [str(i) for i in range(10)]:
            self.drawing_pad.hint = "Draw here,\nbig and in the middle"
        fill, stroke = digit_look(self._pictures(self.trained.dataset.x_train[:300]) - self.levels[0])
        self.drawing_pad.set_look(self._top(), fill, stroke)
        self.drawing_pad.drawn.connect(self.try_drawing)
        self.drawing_pad.cleared.connect(self.try_drawing)
        side = QVBoxLayout()
        seen = muted("the model sees")
        seen.setFixedWidth(72)
        side.addWidget(seen)
        self.drawn_view = ValuesView()
        self.drawn_view.setFixedSize(72, 72)
        self.drawn_view.hide()
        side.addWidget(self.drawn_view)
        side.addStretch(1)
        layout.addLayout(side)
        layout.addWidget(self.drawing_pad, 1)
        return page

    def _point_page(self) -> QWidget:
        import pyqtgraph as pg

        from designer.data.summary import class_indices
        from designer.ui.insights.boundary import BoundaryPanel

        page = BoundaryPanel()
        page.layout().setContentsMargins(0, 0, 0, 0)
        page.setMinimumHeight(240)
        points = np.asarray(feeds.numbers_of(self.held.x) if self.held is not None else self.trained.dataset.x_train,
                            dtype=np.float32)
        labels = class_indices(self.held.y) if self.held is not None else class_indices(self.trained.dataset.y_train)
        points, labels = points[:500], labels[:500]
        low, high = points.min(axis=0), points.max(axis=0)
        margin = (high - low) * 0.1 + 1e-6
        xs = np.linspace(low[0] - margin[0], high[0] + margin[0], PLANE_STEPS, dtype=np.float32)
        ys = np.linspace(low[1] - margin[1], high[1] + margin[1], PLANE_STEPS, dtype=np.float32)
        grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
        classes = class_of(self.trained.predict(grid)).reshape(len(ys), len(xs))
        page.show_snapshot(SimpleNamespace(epoch=0, boundary={
            "xs": xs, "ys": ys, "classes": classes, "points": points, "labels": labels,
            "class_names": list(self.trained.dataset.class_names or [])}, input_names=self.trained.dataset.feature_names))
        page.plot.setTitle("Click anywhere: the model's answer for that point", size="10pt")
        self.old_marks = pg.ScatterPlotItem(size=9, symbol="x", pen=pg.mkPen("#202124", width=1.2), brush=None)
        self.new_mark = pg.ScatterPlotItem(size=16, symbol="star", pen=pg.mkPen("k", width=1.5), brush="#f2c14e")
        for mark in (self.old_marks, self.new_mark):
            mark.setZValue(10)
            page.plot.addItem(mark)
        page.plot.scene().sigMouseClicked.connect(self._plane_clicked)
        self.plane = page
        return page

    def _plane_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        view = self.plane.plot.getPlotItem().vb
        if not view.sceneBoundingRect().contains(event.scenePos()):
            return
        point = view.mapSceneToView(event.scenePos())
        self.try_point(point.x(), point.y())

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "An input to try", "", FILE_FILTER)
        if path:
            self.try_file(path)

    def _drawable(self) -> bool:
        """A digit can be drawn for a classifier or an autoencoder of one-channel pictures."""
        picture = self.picture
        one_channel = picture is not None and (len(picture) == 2 or picture[-1] == 1)
        return (one_channel and self.trained.dataset.image_max is not None
                and self.kind in ("classifier", "reconstruction"))

    # ------------------------------------------------------------------ the input shown
    def _input_view(self, layout: QVBoxLayout) -> tuple:
        """(a picture view, None) for data of pictures, else (None, a label for the numbers), added to `layout`."""
        if self.picture:
            from designer.ui.plot_pieces import ValuesView

            view = ValuesView()
            view.setMinimumHeight(90)
            layout.addWidget(view, 1)
            return view, None
        numbers = muted()
        numbers.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(numbers)
        layout.addStretch(1)
        return None, numbers

    def _show_input(self, view, numbers: QLabel | None, row: np.ndarray | None,
                    words: list[tuple[str, str]] | None = None) -> None:
        """The input tried: a picture, or its numbers (as the model reads them) and the words it reads, each by its
        column's name (`words`: (column, word) pairs)."""
        if view is not None:
            view.setVisible(row is not None)
            self._fit_room()
            if row is None:
                view.clear_view()
            else:
                view.show_image(self._pictures(np.asarray(row)[None])[0], levels=self.levels)
        elif numbers is not None:
            if row is None:
                numbers.setText("")
                return
            values = np.asarray(row).reshape(-1)
            names = self.trained.dataset.feature_names
            if names and len(names) == values.size:  # a table's row: each value by its column's name
                shown = ", ".join(f"{name} {readable([v])}" for name, v in zip(names[:24], values[:24]))
            else:
                shown = readable(values, most=24)
            if values.size > 24:
                shown += f" ({values.size:,} numbers)"
            if words:
                shown += ", " + ", ".join(f"{column} {word}" for column, word in words)
            numbers.setText(f"Input (as the model reads it): {shown}")

    def _word_columns(self) -> list[str]:
        """The data's columns of words the model reads (in the data's order); [] for a model that reads none."""
        dataset = self.trained.dataset
        if not dataset.word_columns or not self.trained.reads_words:
            return []
        graph = self.trained.graph
        if graph is None:
            return list(dataset.word_columns)
        read = {node.params.get("column", node.name) for node in graph.nodes() if node.kind == "TextInput"}
        return [column for column in dataset.word_columns if column in read]

    def _named_words(self, words: np.ndarray | None, index: int = 0) -> list[tuple[str, str]]:
        """The row `index` of `words` (rows × the data's word columns) as (column, word) for the columns the model
        reads."""
        columns = self._word_columns()
        if words is None or not columns or index >= len(words):
            return []
        all_columns = self.trained.dataset.word_columns
        return [(column, str(words[index][all_columns.index(column)])) for column in columns]

    def _held_words(self, index: int) -> list[tuple[str, str]]:
        """The words of the held-out row `index`, from the dataset's rows the held-out rows were made of (as
        designer.training.scoring takes them): the test rows, else the validation rows, else the training rows'
        tail that Keras's validation split holds out."""
        if not self._word_columns():
            return []
        dataset, plan = self.trained.dataset, self.trained.plan
        if self.held.kind == "test":
            words = dataset.words_test
        elif plan.validation_data is not None:
            words = dataset.words_val
        elif dataset.words_train is not None and plan.validation_split > 0:
            count = len(dataset.words_train)
            words = dataset.words_train[count - int(count * plan.validation_split):]
        else:
            words = None
        if words is None or len(words) < len(self.held):
            return []  # not the rows held out: better no words than another row's
        return self._named_words(words, index)

    def _truth(self, index: int) -> str:
        """The held-out row's target in words: its class, or its numbers."""
        from designer.data.summary import class_indices

        target = self.held.y[index:index + 1]
        if self.kind == "classifier":
            names = self.trained.dataset.class_names
            chosen = int(class_indices(target)[0])
            return str(names[chosen]) if chosen < len(names) else str(chosen)
        if self.kind == "reconstruction":
            return ""
        return readable(np.asarray(target, dtype=np.float32).reshape(-1))


def digit_look(pictures: np.ndarray) -> tuple[float | None, float | None]:
    """How the data's digits sit in their box: the median share of the box the digit's longer side takes, and
    the median width of its strokes (runs of ink across a row or down a column) as a share of the box.
    `pictures`: (n, h, w) with 0 as no ink. (None, None) when there is nothing to measure."""
    pictures = np.asarray(pictures, dtype=np.float32)
    if pictures.ndim != 3 or not len(pictures):
        return None, None
    side = max(pictures.shape[1:])
    fills, runs = [], []
    for picture in pictures:
        peak = float(picture.max())
        if peak <= 0:
            continue
        ink = picture > 0.5 * peak
        rows, columns = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        fills.append(max(rows[-1] - rows[0] + 1, columns[-1] - columns[0] + 1) / side)
        for lines in (ink, ink.T):
            padded = np.pad(lines.astype(np.int8), ((0, 0), (1, 1)))
            steps = np.diff(padded, axis=1)
            starts, ends = np.nonzero(steps == 1), np.nonzero(steps == -1)
            runs.extend((ends[1] - starts[1]).tolist())
    if not fills:
        return None, None
    return float(np.median(fills)), float(np.median(runs)) / side
