"""The Model panel's "Try it" tab: the choice of input source, the model's answer for the input tried (a
classifier's class probabilities as bars, a regression's numbers, an autoencoder's reconstruction and its error)
and, for a GAN, new images from fresh noise instead.

`TryItMixin` is a mixin of `ModelPanel`: it relies on the panel's `trained`, `kind`, `levels`, `reconstruction_errors`
and `_pictures`, and on `InputSourcesMixin` for the sources' pages (`_source_pages`, `try_sample`, `try_drawing`,
`try_point`); it sets `tried`, `prediction` and `generated_images`.
"""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from designer.ui import style
from designer.ui.model_panel.outputs import class_of, shape_in_words
from designer.ui.model_panel.widgets import ProbabilityBars, SideBySide, laid_out, muted, readable

#: classes shown as bars at most
TOP_CLASSES = 10
#: a GAN's new images: pictures per side
GAN_GRID = 4

SOURCES = {
    "sample": "a sample from the data",
    "file": "a file of your own…",
    "draw": "a digit drawn with the mouse",
    "point": "a point clicked on the plane",
}


class TryItMixin:
    # ------------------------------------------------------------------ public
    def probabilities(self) -> list[tuple[str, float]]:
        """The (class, probability) bars shown, most likely first; [] when none are."""
        bars = getattr(self, "probability_bars", None)
        return list(bars.pairs) if bars is not None else []

    def sources(self) -> list[str]:
        """The kinds of input offered in Try it: "sample", "file", "draw", "point" (none for a GAN)."""
        combo = getattr(self, "source", None)
        return [combo.itemData(i) for i in range(combo.count())] if combo is not None else []

    def choose_source(self, key: str) -> None:
        self.source.setCurrentIndex(self.sources().index(key))

    def new_images(self) -> None:
        """A GAN: fresh noise through the generator, shown as a grid."""
        model = self.trained.model
        noise = np.random.default_rng().standard_normal((GAN_GRID * GAN_GRID, *model.inputs[0].shape[1:]))
        made = np.asarray(model(noise.astype(np.float32), training=False))
        self.generated_images = self._pictures(made)
        self.generated_grid.show_images(list(self.generated_images), levels=self.levels)

    # ------------------------------------------------------------------ the page
    def _try_page(self) -> QWidget:
        page, layout = laid_out(top=6)
        layout.setSpacing(4)
        if self.kind == "gan":
            self._new_images_area(layout)
            return page

        self.source = QComboBox()
        self.source.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        #: the pages of the sources, only the chosen one shown (a hidden page takes no room, as one of a
        #: QStackedWidget would: the tallest page's)
        self.input_area, pages_layout = laid_out()
        self._pages: dict[str, QWidget] = self._source_pages()
        digits = [str(n) for n in (self.trained.dataset.class_names or [])] == [str(i) for i in range(10)]
        for key, widget in self._pages.items():
            label = SOURCES[key] if key != "draw" or digits else "a drawing made with the mouse"
            self.source.addItem(label, key)
            pages_layout.addWidget(widget)
            widget.hide()
        row = QHBoxLayout()
        row.addWidget(QLabel("Try"))
        row.addWidget(self.source)
        row.addStretch(1)
        layout.addLayout(row)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet(f"color: {style.ERROR_COLOUR};")
        self.message_label.hide()
        layout.addWidget(self.message_label)
        self.body = SideBySide(self.input_area, self._answer_area())
        layout.addWidget(self.body, 1)
        self.source.currentIndexChanged.connect(lambda _: self._start_source())
        return page

    def _new_images_area(self, layout: QVBoxLayout) -> None:
        """A GAN's Try it: a button for new images and the grid of them."""
        from designer.ui.plot_pieces import ImageGrid

        button = QPushButton("New images")
        button.setToolTip("Fresh random noise through the generator")
        button.clicked.connect(self.new_images)
        shape = tuple(self.trained.model.inputs[0].shape[1:])
        row = QHBoxLayout()
        row.addWidget(button)
        row.addWidget(muted(f"from fresh noise of {shape_in_words(shape)} each"), 1)
        layout.addLayout(row)
        self.generated_grid = ImageGrid(GAN_GRID, GAN_GRID)
        self.generated_grid.setMinimumHeight(240)
        layout.addWidget(self.generated_grid, 1)
        self.new_images()

    def _answer_area(self) -> QWidget:
        """The answer's line, and a classifier's bars or an autoencoder's input over what it rebuilds."""
        answer, column = laid_out()
        column.setSpacing(4)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # the line's height kept from the start: no jump at the first answer
        self.result_label.setMinimumHeight(self.result_label.fontMetrics().lineSpacing() + 2)
        column.addWidget(self.result_label)
        if self.kind == "classifier":
            outputs = int(np.prod(self.trained.model.output_shape[1:]))
            self.probability_bars = ProbabilityBars(rows=min(10, 2 if outputs == 1 else outputs))
            column.addWidget(self.probability_bars)
        elif self.kind == "reconstruction":
            from designer.ui.plot_pieces import ImageGrid

            self.rebuilt_grid = ImageGrid(1, 2, captions=True)
            self.rebuilt_grid.setFixedHeight(130)
            self.rebuilt_grid.setMaximumWidth(300)
            column.addWidget(self.rebuilt_grid)
        column.addStretch(1)
        return answer

    # ------------------------------------------------------------------ the source chosen
    def _open_first_source(self) -> None:
        """The most telling input first: a point on the plane, a digit to draw, else a sample of the data."""
        first = next(key for key in ("point", "draw", "sample", "file") if key in self._pages)
        self._set_source_quietly(first)
        self._start_source()

    def _start_source(self) -> None:
        """The source chosen: its page, and the model's answer for what it holds (if anything yet)."""
        key = self.source.currentData()
        self._show_page(key)
        self._clear_answer()
        if key == "sample":
            self.try_sample(self.sample_spin.value() - 1)
        elif key == "draw" and not self.drawing_pad.is_empty():
            self.try_drawing()
        elif key == "point" and self.clicked_points:
            self.try_point(*self.clicked_points.pop())
        elif key == "file":
            self.result_label.setText("")

    def _set_source_quietly(self, key: str) -> None:
        """Choose the source `key` without starting it."""
        self.source.blockSignals(True)
        self.source.setCurrentIndex(self.sources().index(key))
        self.source.blockSignals(False)

    def _switch_to(self, key: str) -> None:
        if self.source.currentData() != key:
            self._set_source_quietly(key)
            self._show_page(key)

    def _show_page(self, key: str) -> None:
        for name, page in self._pages.items():
            page.setVisible(name == key)
        self._fit_room()

    def _fit_room(self) -> None:
        """Pictures, the pad and the plane use the room they get; a row of numbers, or the file page before a
        picture is read, do not: then the answer takes it."""
        key = self.source.currentData()
        expands = key in ("draw", "point") or (key == "sample" and self.picture is not None) or (
            key == "file" and self.file_view is not None and not self.file_view.isHidden())
        self.body.set_first_expands(expands)

    # ------------------------------------------------------------------ answers
    def _try(self, rows, truth: str = "", note: str = "", words: np.ndarray | None = None) -> None:
        """The model's answer for the first of `rows`: prepared numbers (with `words`, rows × the data's word
        columns, for a model that reads words), or rows as the model reads them already (a list: numbers and
        words, e.g. held-out rows)."""
        from designer.training import feeds
        from designer.training.engine import TrainingError

        self._clear_answer()
        try:
            output = np.asarray(self.trained.predict(rows, words) if words is not None
                                else self.trained.predict(rows))[0]
        except (TrainingError, ValueError) as error:
            self._say(f"The model cannot read this input: {error}")
            return
        self.tried, self.prediction = np.asarray(feeds.numbers_of(rows))[0], output
        lines = [html.escape(note)] if note else []
        if self.kind == "classifier":
            lines.append(self._classes_answer(output, truth))
        elif self.kind == "reconstruction":
            lines.append(self._rebuilt_answer(self.tried, output))
        else:
            shown = readable(output.reshape(-1))
            lines.append(f"Predicted <b>{shown}</b>" + (f" · true {html.escape(truth)}" if truth else ""))
        self.result_label.setText("<br>".join(lines))

    def _classes_answer(self, output: np.ndarray, truth: str) -> str:
        from designer.training.scoring import class_probabilities

        names = self.trained.dataset.class_names
        pairs = class_probabilities(output, names)
        true = f" · true class <b>{html.escape(truth)}</b>" if truth else ""
        if pairs is None:
            # outputs that are not probabilities (logits): the biggest one is the class chosen
            chosen = int(class_of(output[None])[0])
            name = names[chosen] if names and chosen < len(names) else str(chosen)
            return f"Class <b>{html.escape(name)}</b> (the outputs are not probabilities){true}"
        self.probability_bars.set_pairs(pairs[:TOP_CLASSES])
        best, chance = pairs[0]
        return f"Class <b>{html.escape(str(best))}</b> ({chance:.1%}){true}"

    def _rebuilt_answer(self, given: np.ndarray, output: np.ndarray) -> str:
        given, output = given.reshape(-1).astype(np.float32), output.reshape(-1).astype(np.float32)
        if given.size != output.size:
            return f"An output of {shape_in_words(tuple(np.shape(output)))}"
        error = float(np.mean((output - given) ** 2))
        pictures = self._pictures(np.stack([given, output]))
        self.rebuilt_grid.show_images(list(pictures), [("input", style.TEXT_COLOUR), ("rebuilt", style.TEXT_COLOUR)],
                                      levels=self.levels)
        typical = ""
        if self.reconstruction_errors is not None and len(self.reconstruction_errors):
            typical = f" (the {self.held.kind} rows' median: {float(np.median(self.reconstruction_errors)):.4g})"
        return f"Reconstruction error (mean squared) <b>{error:.4g}</b>{typical}"

    def _clear_answer(self) -> None:
        if getattr(self, "result_label", None) is None:
            return
        self.result_label.setText("")
        self.message_label.clear()
        self.message_label.hide()
        self.prediction = None
        if getattr(self, "probability_bars", None) is not None:
            self.probability_bars.set_pairs([])
        if getattr(self, "rebuilt_grid", None) is not None:
            self.rebuilt_grid.show_images(None)

    def _say(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.show()
