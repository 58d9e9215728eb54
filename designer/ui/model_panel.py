"""The Model panel: the trained model scored on the rows it never trained on, and tried on one input.

On top, the scores under Keras's names and which rows they are on; then tabs:

* **Test rows** — a classifier's confusion matrix, a regression's predicted-against-true scatter, an autoencoder's
  reconstruction errors (a histogram, and a few originals over what it rebuilds);
* **Try it** — one input and the model's answer: a sample of the held-out rows, a file of one's own (an image, a
  CSV row, a .npy array, read as the data's raw units and prepared as the data was), a digit drawn with the mouse
  (classifiers and autoencoders of one-channel pictures), a point clicked on the plane (data of two numbers). The
  answer: a classifier's class probabilities as bars, a regression's numbers, an autoencoder's reconstruction and
  its error. A GAN's tab makes new images from fresh noise instead;
* **Code plane** (a VAE whose code has 2 numbers) — what the decoder makes across the codes from −3 to 3.

The window builds the `TrainedModel` and its `Scores` in a background thread (both slow) and hands them to
`show_trained` on the GUI thread; the held-out rows are predicted there (a few thousand rows of the app's small
models: well under a second). pyqtgraph is imported when the first trained model is shown, not with the window.
"""

from __future__ import annotations

import html
import math
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from designer.ui import style

if TYPE_CHECKING:
    from designer.training.scoring import Scores, TrainedModel

#: held-out rows predicted for the Test rows tab at most
MAX_ROWS = 10_000
#: points drawn in the regression scatter at most
MAX_POINTS = 2_000
#: classes shown as bars at most
TOP_CLASSES = 10
#: originals shown over their reconstructions
RECONSTRUCTED = 6
#: the VAE's code plane: pictures per side, and the code values they span
CODE_STEPS = 12
CODE_LIMIT = 3.0
GAN_GRID = 4
#: the decision areas of the plane: points per side
PLANE_STEPS = 80
FILE_FILTER = "Inputs (*.png *.jpg *.jpeg *.gif *.bmp *.csv *.npy);;All files (*)"

SOURCES = {
    "sample": "a sample from the data",
    "file": "a file of your own…",
    "draw": "a digit drawn with the mouse",
    "point": "a point clicked on the plane",
}


def _muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {style.MUTED_TEXT_COLOUR};")
    return label


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


class ModelPanel(QWidget):
    """See the module docstring. The window calls `show_untrained` and `show_trained` (GUI thread)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.trained: TrainedModel | None = None
        self.scores: Scores | None = None
        #: "classifier", "regression", "reconstruction" or "gan": what the model's outputs are
        self.kind = ""
        #: the held-out rows (HeldOutRows) and the model's outputs for them; None when there are none
        self.held = None
        self.held_outputs: np.ndarray | None = None
        #: what the Test rows tab computed: the confusion matrix, (true, predicted) of a regression, the
        #: reconstruction error of each row
        self.confusion_matrix: np.ndarray | None = None
        self.regression_points: tuple[np.ndarray, np.ndarray] | None = None
        self.reconstruction_errors: np.ndarray | None = None
        #: the last input tried (as the model reads it) and the model's output for it
        self.tried: np.ndarray | None = None
        self.prediction: np.ndarray | None = None
        #: the drawn digit in the data's raw units, as the model was given it
        self.drawn_sample: np.ndarray | None = None
        #: a GAN's last new images, the VAE's decoded code plane (one picture), the points clicked
        self.generated_images: np.ndarray | None = None
        self.code_plane: np.ndarray | None = None
        self.clicked_points: list[tuple[float, float]] = []
        self._widgets()

    # ------------------------------------------------------------------ layout
    def _widgets(self) -> None:
        self.stack = QStackedWidget()
        self.untrained_label = QLabel()
        self.untrained_label.setWordWrap(True)
        self.untrained_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.untrained_label.setStyleSheet(f"color: {style.MUTED_TEXT_COLOUR}; font-size: 11pt;")
        holder = QWidget()
        centred = QVBoxLayout(holder)
        centred.setContentsMargins(24, 24, 24, 24)
        centred.addStretch(1)
        centred.addWidget(self.untrained_label)
        centred.addStretch(1)
        self.stack.addWidget(holder)

        page = QWidget()
        self.summary_label = _muted()
        self.scores_label = QLabel()
        self.scores_label.setWordWrap(True)
        self.scores_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.scores_note = _muted()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(6, 6, 6, 4)
        layout.setSpacing(3)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.scores_label)
        layout.addWidget(self.scores_note)
        layout.addWidget(self.tabs, 1)
        self.stack.addWidget(page)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)
        self.show_untrained("Train the model first: then it is scored here on rows it never trained on, and you "
                            "can try it on an input of your own.")

    # ------------------------------------------------------------------ public
    def show_untrained(self, message: str) -> None:
        """Nothing trained to show: `message` says to train first, or why the weights could not be used."""
        self._forget()
        self.untrained_label.setText(message)
        self.stack.setCurrentIndex(0)

    def show_trained(self, trained: TrainedModel, scores: Scores | None, summary: str, why_no_score: str = "",
                     answers: tuple | None = None) -> None:
        """The trained model (`designer.training.scoring.TrainedModel`) and its scores (None: a GAN, or when they
        could not be computed: `why_no_score`); `summary` a line about the training it had. `answers`: what
        `held_out_answers(trained)` gave, when the caller computed it off the GUI thread; else it is computed here."""
        import designer.ui.insights  # noqa: F401  (pyqtgraph, set up as the insight panels draw)
        from designer.training.insights import image_shape

        self._forget()
        self.trained, self.scores = trained, scores
        dataset = trained.dataset
        self.kind = _kind_of(trained)
        self.summary_label.setText(summary)
        self.summary_label.setVisible(bool(summary))
        self._show_scores(scores, why_no_score)
        own = image_shape(dataset.sample_shape, dataset.options)
        #: the shape of a sample as a picture (None: not pictures), and the values drawn black and white
        self.picture = own if own and math.prod(own) == math.prod(dataset.sample_shape) else None
        seen = np.asarray(dataset.x_train[:2000], dtype=np.float32)
        low, high = (float(seen.min()), float(seen.max())) if seen.size else (0.0, 1.0)
        self.levels = (low, high if high > low else low + 1.0)
        self.held, self.held_outputs, held_error = answers if answers is not None else held_out_answers(trained)
        test_page = self._test_rows_page(held_error)
        self.tabs.addTab(test_page, "Test rows")
        self.tabs.addTab(self._try_page(), "Try it")
        if trained.mode == "vae":
            self.tabs.addTab(self._code_plane_page(), "Code plane")
        if self.kind == "gan":
            self.tabs.setTabEnabled(0, False)
            self.tabs.setTabToolTip(0, "A GAN has no rows to score: its generator makes new samples.")
            self.tabs.setCurrentIndex(1)
        self.stack.setCurrentIndex(1)
        if self.kind != "gan":
            # the most telling input first: a point on the plane, a digit to draw, else a sample of the data
            first = next(key for key in ("point", "draw", "sample", "file") if key in self._pages)
            self.source.blockSignals(True)
            self.source.setCurrentIndex(self.sources().index(first))
            self.source.blockSignals(False)
            self._start_source()

    def message(self) -> str:
        """The plain line the panel shows instead of an answer: why nothing is trained, or what went wrong with
        the last input tried ("" when there is none)."""
        if self.stack.currentIndex() == 0:
            return self.untrained_label.text()
        return self.message_label.text() if getattr(self, "message_label", None) is not None else ""

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
        rows = self.held.x[index:index + 1]
        self._show_input(self.sample_view, self.sample_numbers, rows[0])
        self._try(rows, truth=self._truth(index))

    def try_file(self, path) -> None:
        """Try the input in a file (an image, a CSV row, a .npy array, in the data's raw units); a plain line
        when it cannot be read or does not fit."""
        from designer.data.dataset import DataError
        from designer.data.inputs import read_input

        self._switch_to("file")
        self.file_path_label.setText(str(path))
        self.file_path_label.show()
        try:
            raw = read_input(path, self.trained.dataset)
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
        self._show_input(self.file_view, self.file_numbers, rows[0])
        note = f"The file holds {len(rows):,} rows: the first is tried." if len(rows) > 1 else ""
        self._try(rows[:1], note=note)

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

    def new_images(self) -> None:
        """A GAN: fresh noise through the generator, shown as a grid."""
        model = self.trained.model
        noise = np.random.default_rng().standard_normal((GAN_GRID * GAN_GRID, *model.inputs[0].shape[1:]))
        made = np.asarray(model(noise.astype(np.float32), training=False))
        self.generated_images = self._pictures(made)
        self.generated_grid.show_images(list(self.generated_images), levels=self.levels)

    # ------------------------------------------------------------------ scores
    def _show_scores(self, scores, why_no_score: str) -> None:
        self.scores_note.hide()
        if scores is None:
            if self.kind == "gan":
                text = ("<b>No score for a GAN:</b> no rows say what its generator should have made. "
                        "Make new images in “Try it” and judge them.")
            else:
                text = "<b>No score:</b> " + html.escape(why_no_score or "the rows kept apart could not be scored.")
            self.scores_label.setText(text)
            return
        values = sorted(scores.values.items(), key=lambda item: item[0] == "loss")  # the metrics, then the loss
        shown = ", ".join(f"{html.escape(name)}&nbsp;<b>{value:.4f}</b>" for name, value in values)
        head, _, note = scores.description.partition(" (")
        self.scores_label.setText(f"On {html.escape(head)}: {shown}")
        if note:
            self.scores_note.setText("(" + note)
            self.scores_note.show()

    # ------------------------------------------------------------------ Test rows
    def _test_rows_page(self, held_error: str) -> QWidget:
        page = SquareFitted()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        if self.held is None or self.held_outputs is None:
            why = held_error or "There are no held-out rows."
            label = _muted(why)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addStretch(1)
            layout.addWidget(label)
            layout.addStretch(1)
            return page
        if self.kind == "classifier":
            page.view = self._confusion(layout)
        elif self.kind == "reconstruction":
            self._reconstructions(layout)
        else:
            self._regression(layout)
        return page

    def _confusion(self, layout: QVBoxLayout) -> QWidget:
        from designer.data.summary import class_indices
        from designer.ui.insights.confusion import ConfusionPanel

        names = [str(n) for n in self.trained.dataset.class_names]
        classes = len(names)
        truth = np.clip(class_indices(self.held.y), 0, classes - 1)
        chosen = np.clip(_class_of(self.held_outputs), 0, classes - 1)
        matrix = np.bincount(truth * classes + chosen, minlength=classes * classes).reshape(classes, classes)
        self.confusion_matrix = matrix
        view = ConfusionPanel()
        view.layout().setContentsMargins(0, 0, 0, 0)
        view.setMinimumHeight(220)
        view.show_snapshot(SimpleNamespace(confusion={"matrix": matrix, "classes": names}, epoch=0))
        right, total = int(np.trace(matrix)), int(matrix.sum())
        view.plot.setTitle(f"{right:,} of {total:,} right ({right / max(1, total):.1%})", size="10pt")
        layout.addWidget(view, 1)
        layout.addWidget(_muted(_most_confused(matrix, names)))
        layout.addStretch(0)  # the room the matrix cannot use (it stays square) goes under it
        return view

    def _regression(self, layout: QVBoxLayout) -> None:
        import pyqtgraph as pg

        truth = np.asarray(self.held.y, dtype=np.float32).reshape(-1)
        predicted = np.asarray(self.held_outputs, dtype=np.float32).reshape(-1)
        if truth.size != predicted.size:
            layout.addWidget(_muted(f"The model outputs {predicted.size // max(1, len(self.held)):,} numbers a row "
                                    f"and the targets have {truth.size // max(1, len(self.held)):,}: they cannot "
                                    "be set against each other."))
            layout.addStretch(1)
            return
        self.regression_points = (truth, predicted)
        plot = pg.PlotWidget()
        item = plot.getPlotItem()
        item.hideButtons()
        item.setMenuEnabled(False)
        item.showGrid(x=True, y=True, alpha=0.2)
        item.setLabel("bottom", "true value")
        item.setLabel("left", "predicted")
        step = max(1, truth.size // MAX_POINTS)
        item.addItem(pg.ScatterPlotItem(x=truth[::step], y=predicted[::step], size=5, pen=None,
                                        brush=pg.mkBrush(style.CATEGORY_COLOURS["Core"] + "b0")))
        low = float(min(truth.min(), predicted.min()))
        high = float(max(truth.max(), predicted.max()))
        item.addItem(pg.PlotDataItem([low, high], [low, high], pen=pg.mkPen(style.ERROR_COLOUR, width=1.5,
                                                                              style=Qt.PenStyle.DashLine)))
        plot.setTitle("Predicted against true: on the line is right", size="10pt")
        plot.setMinimumHeight(220)
        layout.addWidget(plot, 1)
        error = float(np.mean(np.abs(predicted - truth)))
        layout.addWidget(_muted(f"Mean absolute error {error:.4g} over {len(self.held):,} {self.held.kind} rows."))

    def _reconstructions(self, layout: QVBoxLayout) -> None:
        import pyqtgraph as pg

        from designer.ui.plot_pieces import ImageGrid

        x = np.asarray(self.held.x, dtype=np.float32).reshape(len(self.held), -1)
        rebuilt = np.asarray(self.held_outputs, dtype=np.float32).reshape(len(self.held), -1)
        if x.shape != rebuilt.shape:
            layout.addWidget(_muted("The model's output does not have the shape of its input: there is no "
                                    "reconstruction to compare."))
            layout.addStretch(1)
            return
        errors = np.mean((rebuilt - x) ** 2, axis=1)
        self.reconstruction_errors = errors
        plot = pg.PlotWidget()
        item = plot.getPlotItem()
        item.hideButtons()
        item.setMenuEnabled(False)
        item.setMouseEnabled(False, False)
        counts, edges = np.histogram(errors, bins=30)
        item.addItem(pg.BarGraphItem(x0=edges[:-1], x1=edges[1:], height=counts, pen=None,
                                     brush=style.CATEGORY_COLOURS["Core"]))
        item.setLabel("bottom", "reconstruction error (mean squared)")
        item.setLabel("left", "rows")
        plot.setTitle(f"median {np.median(errors):.4g} · worst {errors.max():.4g}", size="10pt")
        plot.setMinimumHeight(170)
        layout.addWidget(plot, 1)
        count = min(RECONSTRUCTED, len(x))
        grid = ImageGrid(2, RECONSTRUCTED, row_titles=["original", "rebuilt"])
        grid.setFixedHeight(150)
        grid.show_images(list(self._pictures(x[:count])) + [None] * (RECONSTRUCTED - count) +
                         list(self._pictures(rebuilt[:count])), levels=self.levels)
        self.reconstruction_grid = grid
        layout.addWidget(grid)

    # ------------------------------------------------------------------ Try it
    def _try_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(4)
        if self.kind == "gan":
            button = QPushButton("New images")
            button.setToolTip("Fresh random noise through the generator")
            button.clicked.connect(self.new_images)
            shape = tuple(self.trained.model.inputs[0].shape[1:])
            row = QHBoxLayout()
            row.addWidget(button)
            row.addWidget(_muted(f"from fresh noise of {_numbers(shape)} each"), 1)
            layout.addLayout(row)
            from designer.ui.plot_pieces import ImageGrid

            self.generated_grid = ImageGrid(GAN_GRID, GAN_GRID)
            self.generated_grid.setMinimumHeight(240)
            layout.addWidget(self.generated_grid, 1)
            self.new_images()
            return page

        self.source = QComboBox()
        self.source.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        #: the pages of the sources, only the chosen one shown (a hidden page takes no room, as one of a
        #: QStackedWidget would: the tallest page's)
        self.input_area = QWidget()
        pages_layout = QVBoxLayout(self.input_area)
        pages_layout.setContentsMargins(0, 0, 0, 0)
        self._pages: dict[str, QWidget] = {}
        if self.held is not None and len(self.held):
            self._pages["sample"] = self._sample_page()
        self._pages["file"] = self._file_page()
        if self._drawable():
            self._pages["draw"] = self._draw_page()
        if self.kind == "classifier" and tuple(self.trained.dataset.sample_shape) == (2,):
            self._pages["point"] = self._point_page()
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

        answer = QWidget()
        column = QVBoxLayout(answer)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label.setMinimumHeight(self.result_label.fontMetrics().lineSpacing() + 2)  # no jump at the first answer
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
        self.body = SideBySide(self.input_area, answer)
        layout.addWidget(self.body, 1)
        self.source.currentIndexChanged.connect(lambda _: self._start_source())
        return page

    def _sample_page(self) -> QWidget:
        from designer.ui.plot_pieces import ValuesView

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.sample_spin = QSpinBox()
        self.sample_spin.setRange(1, len(self.held))
        self.sample_spin.setToolTip(f"Which of the {len(self.held):,} {self.held.kind} rows to try")
        self.sample_spin.valueChanged.connect(lambda value: self.try_sample(value - 1))
        row = QHBoxLayout()
        row.addWidget(QLabel("Row"))
        row.addWidget(self.sample_spin)
        row.addWidget(_muted(f"of {len(self.held):,} {self.held.kind} rows"), 1)
        layout.addLayout(row)
        self.sample_view = ValuesView() if self.picture else None
        self.sample_numbers = None if self.picture else _muted()
        self._add_input_view(layout, self.sample_view, self.sample_numbers)
        return page

    def _file_page(self) -> QWidget:
        from designer.ui.plot_pieces import ValuesView

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
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
        self.file_label = _muted(f"Give {what}a .csv row or a .npy array of {_numbers(dataset.sample_shape)} "
                                 f"({units}); it is prepared as the data was.")
        self.file_path_label = QLabel()
        self.file_path_label.setWordWrap(True)
        self.file_path_label.setTextFormat(Qt.TextFormat.PlainText)
        self.file_path_label.hide()
        layout.addWidget(self.file_path_label)
        layout.addWidget(self.file_label)
        self.file_view = ValuesView() if self.picture else None
        self.file_numbers = None if self.picture else _muted()
        self._add_input_view(layout, self.file_view, self.file_numbers)
        if self.file_view is not None:
            self.file_view.hide()
        return page

    def _draw_page(self) -> QWidget:
        from designer.ui.drawing_pad import DrawingPad
        from designer.ui.plot_pieces import ValuesView

        page = QWidget()
        layout = QHBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.drawing_pad = DrawingPad()
        if [str(n) for n in (self.trained.dataset.class_names or [])] != [str(i) for i in range(10)]:
            self.drawing_pad.hint = "Draw here,\nbig and in the middle"
        fill, stroke = digit_look(self._pictures(self.trained.dataset.x_train[:300]) - self.levels[0])
        self.drawing_pad.set_look(self._top(), fill, stroke)
        self.drawing_pad.drawn.connect(self.try_drawing)
        self.drawing_pad.cleared.connect(self.try_drawing)
        side = QVBoxLayout()
        seen = _muted("the model sees")
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
        points = np.asarray(self.held.x if self.held is not None else self.trained.dataset.x_train, dtype=np.float32)
        labels = class_indices(self.held.y) if self.held is not None else class_indices(self.trained.dataset.y_train)
        points, labels = points[:500], labels[:500]
        low, high = points.min(axis=0), points.max(axis=0)
        margin = (high - low) * 0.1 + 1e-6
        xs = np.linspace(low[0] - margin[0], high[0] + margin[0], PLANE_STEPS, dtype=np.float32)
        ys = np.linspace(low[1] - margin[1], high[1] + margin[1], PLANE_STEPS, dtype=np.float32)
        grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
        classes = _class_of(self.trained.predict(grid)).reshape(len(ys), len(xs))
        page.show_snapshot(SimpleNamespace(epoch=0, boundary={
            "xs": xs, "ys": ys, "classes": classes, "points": points, "labels": labels,
            "class_names": list(self.trained.dataset.class_names or [])}))
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

    def _add_input_view(self, layout: QVBoxLayout, view, numbers: QLabel | None) -> None:
        if view is not None:
            view.setMinimumHeight(90)
            layout.addWidget(view, 1)
        else:
            numbers.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(numbers)
            layout.addStretch(1)

    def _drawable(self) -> bool:
        """A digit can be drawn for a classifier or an autoencoder of one-channel pictures."""
        picture = self.picture
        one_channel = picture is not None and (len(picture) == 2 or picture[-1] == 1)
        return (one_channel and self.trained.dataset.image_max is not None
                and self.kind in ("classifier", "reconstruction"))

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

    def _switch_to(self, key: str) -> None:
        if self.source.currentData() != key:
            self.source.blockSignals(True)
            self.source.setCurrentIndex(self.sources().index(key))
            self.source.blockSignals(False)
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

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "An input to try", "", FILE_FILTER)
        if path:
            self.try_file(path)

    # ------------------------------------------------------------------ answers
    def _try(self, rows: np.ndarray, truth: str = "", note: str = "") -> None:
        from designer.training.engine import TrainingError

        self._clear_answer()
        try:
            output = np.asarray(self.trained.predict(rows))[0]
        except (TrainingError, ValueError) as error:
            self._say(f"The model cannot read this input: {error}")
            return
        self.tried, self.prediction = np.asarray(rows)[0], output
        lines = [html.escape(note)] if note else []
        if self.kind == "classifier":
            lines.append(self._classes_answer(output, truth))
        elif self.kind == "reconstruction":
            lines.append(self._rebuilt_answer(self.tried, output))
        else:
            numbers = output.reshape(-1)
            shown = ", ".join(f"{v:.5g}" for v in numbers[:16]) + (" …" if numbers.size > 16 else "")
            lines.append(f"Predicted <b>{shown}</b>" + (f" · true {html.escape(truth)}" if truth else ""))
        self.result_label.setText("<br>".join(lines))

    def _classes_answer(self, output: np.ndarray, truth: str) -> str:
        from designer.training.scoring import class_probabilities

        names = self.trained.dataset.class_names
        pairs = class_probabilities(output, names)
        true = f" · true class <b>{html.escape(truth)}</b>" if truth else ""
        if pairs is None:
            # outputs that are not probabilities (logits): the biggest one is the class chosen
            chosen = int(_class_of(output[None])[0])
            name = names[chosen] if names and chosen < len(names) else str(chosen)
            return f"Class <b>{html.escape(name)}</b> (the outputs are not probabilities){true}"
        self.probability_bars.set_pairs(pairs[:TOP_CLASSES])
        best, chance = pairs[0]
        return f"Class <b>{html.escape(str(best))}</b> ({chance:.1%}){true}"

    def _rebuilt_answer(self, given: np.ndarray, output: np.ndarray) -> str:
        given, output = given.reshape(-1).astype(np.float32), output.reshape(-1).astype(np.float32)
        if given.size != output.size:
            return f"An output of {_numbers(tuple(np.shape(output)))}"
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

    # ------------------------------------------------------------------ Code plane
    def _code_plane_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        why = self._draw_code_plane(layout)
        if why:
            label = _muted(why)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addStretch(1)
            layout.addWidget(label)
            layout.addStretch(1)
        return page

    def _draw_code_plane(self, layout: QVBoxLayout) -> str:
        """The decoder's pictures over the plane of 2-number codes; or why there are none, in words."""
        import pyqtgraph as pg

        from designer.keras_bridge.models import BuildError, decoder_of

        try:
            decoder = decoder_of(self.trained.model, self.trained.project.graph("model"))
        except (BuildError, ValueError, KeyError) as error:
            return f"No code plane: {error}"
        code = tuple(decoder.inputs[0].shape[1:])
        if code != (2,):
            return (f"The code has {_numbers(code)}: the plane of codes is drawn for a code of 2 numbers (set the "
                    "units of the mean and log-variance layers to 2).")
        if self.picture is None:
            return "The decoder's outputs are not pictures: the plane of codes is drawn for pictures."
        values = np.linspace(-CODE_LIMIT, CODE_LIMIT, CODE_STEPS, dtype=np.float32)
        # reading order: the top row has the biggest second number, as the plot's y axis goes up
        codes = np.asarray([(a, b) for b in values[::-1] for a in values], dtype=np.float32)
        made = self._pictures(np.asarray(decoder(codes, training=False)))
        if made.ndim != 3:
            return "The code plane is drawn for one-channel pictures."
        height, width = made.shape[1:]
        tiled = made.reshape(CODE_STEPS, CODE_STEPS, height, width).transpose(0, 2, 1, 3)
        tiled = tiled.reshape(CODE_STEPS * height, CODE_STEPS * width)
        self.code_plane = tiled
        plot = pg.PlotWidget()
        item = plot.getPlotItem()
        item.hideButtons()
        item.setMenuEnabled(False)
        item.vb.setAspectLocked(True)
        image = pg.ImageItem(axisOrder="row-major")
        image.setImage(np.flipud(tiled), levels=self.levels)  # row 0 at the bottom, as the y axis goes up
        step = 2 * CODE_LIMIT / (CODE_STEPS - 1)
        span = 2 * CODE_LIMIT + step
        image.setRect(QRectF(-CODE_LIMIT - step / 2, -CODE_LIMIT - step / 2, span, span))
        item.addItem(image)
        item.setLabel("bottom", "first number of the code")
        item.setLabel("left", "second number")
        plot.setTitle("What the decoder makes across the codes", size="10pt")
        plot.setMinimumHeight(260)
        layout.addWidget(plot, 1)
        layout.addWidget(_muted("Codes near 0 are the common ones: the VAE learned to put its training "
                                "images there."))
        return ""

    # ------------------------------------------------------------------ helpers
    def _forget(self) -> None:
        """Drop the model shown and its pages."""
        while self.tabs.count():
            page = self.tabs.widget(0)
            self.tabs.removeTab(0)
            page.deleteLater()
        self.trained = self.scores = None
        self.held = self.held_outputs = None
        self.confusion_matrix = self.regression_points = self.reconstruction_errors = None
        self.tried = self.prediction = self.drawn_sample = None
        self.generated_images = self.code_plane = None
        self.clicked_points = []
        for name in ("source", "result_label", "message_label", "probability_bars", "rebuilt_grid", "drawing_pad",
                     "generated_grid", "plane", "sample_spin"):
            setattr(self, name, None)

    def _top(self) -> float:
        return float(self.trained.dataset.image_max or 1.0)

    def _prepared(self, raw: np.ndarray) -> np.ndarray:
        """Raw inputs (the data's own units) prepared as the training rows were."""
        scale = self.trained.dataset.scale_inputs
        return np.asarray(scale(raw) if scale is not None else raw, dtype=np.float32)

    def _pictures(self, x: np.ndarray) -> np.ndarray:
        """Rows as pictures (a one-channel axis dropped) when the data's samples are pictures, else as rows."""
        x = np.asarray(x, dtype=np.float32)
        if self.picture is None or math.prod(x.shape[1:]) != math.prod(self.picture):
            return x.reshape(len(x), -1)
        pictures = x.reshape(len(x), *self.picture)
        return pictures[..., 0] if pictures.ndim == 4 and pictures.shape[-1] == 1 else pictures

    def _show_input(self, view, numbers: QLabel | None, row: np.ndarray | None) -> None:
        """The input tried: a picture, or its numbers (as the model reads them)."""
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
            shown = ", ".join(f"{v:.4g}" for v in values[:24])
            if values.size > 24:
                shown += f" … ({values.size:,} numbers)"
            numbers.setText(f"Input (as the model reads it): {shown}")

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
        values = np.asarray(target, dtype=np.float32).reshape(-1)
        return ", ".join(f"{v:.5g}" for v in values[:16]) + (" …" if values.size > 16 else "")


# ---------------------------------------------------------------------- helpers
def held_out_answers(trained) -> tuple:
    """(the held-out rows, at most MAX_ROWS of them; the model's outputs for them; "") — or (None, None, why
    there are none). Touches no widget: the window may call it in its background thread with `score()`."""
    from designer.training.engine import TrainingError

    if trained.mode == "gan":
        return None, None, "A GAN has no rows to score: its generator makes new samples. Try it instead."
    try:
        held = trained.held_out()
        if len(held) > MAX_ROWS:
            held = type(held)(held.kind, held.x[:MAX_ROWS], held.y[:MAX_ROWS])
        return held, (trained.predict(held.x) if len(held) else None), ""
    except (TrainingError, ValueError) as error:
        return None, None, str(error)


def _kind_of(trained) -> str:
    if trained.mode == "gan":
        return "gan"
    if trained.mode in ("autoencoder", "vae"):
        return "reconstruction"
    dataset = trained.dataset
    if dataset.task == "classification" and dataset.class_names:
        return "classifier"
    return "regression"


def _class_of(outputs: np.ndarray) -> np.ndarray:
    """The class each output row chooses: the biggest output, or above 0.5 for one sigmoid unit."""
    outputs = np.asarray(outputs)
    flat = outputs.reshape(len(outputs), -1)
    if flat.shape[1] > 1:
        return flat.argmax(axis=1)
    return (flat[:, 0] > 0.5).astype(np.int64)


def _most_confused(matrix: np.ndarray, names: list[str]) -> str:
    wrong = matrix.copy()
    np.fill_diagonal(wrong, 0)
    if not wrong.sum():
        return "No row was taken for another class."
    order = np.argsort(wrong, axis=None)[::-1][:3]
    pairs = []
    for flat in order:
        true, chosen = divmod(int(flat), len(matrix))
        if wrong[true, chosen]:
            times = int(wrong[true, chosen])
            pairs.append(f"{names[true]} taken for {names[chosen]} ({times}×)")
    return "Rows: the true class; columns: the class predicted. Most often wrong: " + "; ".join(pairs) + "."


def _numbers(shape: tuple) -> str:
    size = math.prod(shape) if shape else 1
    if len(shape) <= 1:
        return f"{size:,} number{'s' * (size != 1)}"
    return "×".join(str(d) for d in shape) + " numbers"


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
