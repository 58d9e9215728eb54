"""The Model panel's "Test rows" tab: the trained model on the rows it never trained on — a classifier's confusion
matrix, a regression's predicted-against-true scatter, an autoencoder's reconstruction errors (a histogram, and a
few originals over what it rebuilds) — and `held_out_answers`, which predicts those rows.

`HeldOutRowsMixin` is a mixin of `ModelPanel`: it relies on the panel's `trained`, `kind`, `held`, `held_outputs`,
`levels` and `_pictures`, and sets `confusion_matrix`, `regression_points` and `reconstruction_errors`.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from designer.ui import style
from designer.ui.model_panel.outputs import class_of
from designer.ui.model_panel.widgets import SquareFitted, add_centred_note, laid_out, muted, plain_plot

#: held-out rows predicted for the Test rows tab at most
MAX_ROWS = 10_000
#: points drawn in the regression scatter at most
MAX_POINTS = 2_000
#: originals shown over their reconstructions
RECONSTRUCTED = 6


def held_out_answers(trained) -> tuple:
    """(the held-out rows, at most MAX_ROWS of them; the model's outputs for them; "") — or (None, None, why
    there are none). Touches no widget: the window may call it in its background thread with `score()`."""
    from designer.training.engine import TrainingError

    if trained.mode == "gan":
        return None, None, "A GAN has no rows to score: its generator makes new samples. Try it instead."
    try:
        held = trained.held_out()
        if len(held) > MAX_ROWS:
            held = held.first(MAX_ROWS)  # numbers and words (a model that reads words) cut together
        return held, (trained.predict(held.x) if len(held) else None), ""
    except (TrainingError, ValueError) as error:
        return None, None, str(error)


class HeldOutRowsMixin:
    def _test_rows_page(self, held_error: str) -> QWidget:
        page, layout = laid_out(SquareFitted(), top=4)
        if self.held is None or self.held_outputs is None:
            add_centred_note(layout, held_error or "There are no held-out rows.")
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
        chosen = np.clip(class_of(self.held_outputs), 0, classes - 1)
        matrix = np.bincount(truth * classes + chosen, minlength=classes * classes).reshape(classes, classes)
        self.confusion_matrix = matrix
        view = ConfusionPanel()
        view.layout().setContentsMargins(0, 0, 0, 0)
        view.setMinimumHeight(220)
        view.show_snapshot(SimpleNamespace(confusion={"matrix": matrix, "classes": names}, epoch=0))
        right, total = int(np.trace(matrix)), int(matrix.sum())
        view.plot.setTitle(f"{right:,} of {total:,} right ({right / max(1, total):.1%})", size="10pt")
        layout.addWidget(view, 1)
        layout.addWidget(muted(most_confused(matrix, names)))
        layout.addStretch(0)  # the room the matrix cannot use (it stays square) goes under it
        return view

    def _regression(self, layout: QVBoxLayout) -> None:
        import pyqtgraph as pg

        truth = np.asarray(self.held.y, dtype=np.float32).reshape(-1)
        predicted = np.asarray(self.held_outputs, dtype=np.float32).reshape(-1)
        if truth.size != predicted.size:
            layout.addWidget(muted(f"The model outputs {predicted.size // max(1, len(self.held)):,} numbers a row "
                                   f"and the targets have {truth.size // max(1, len(self.held)):,}: they cannot "
                                   "be set against each other."))
            layout.addStretch(1)
            return
        self.regression_points = (truth, predicted)
        plot, item = plain_plot()
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
        layout.addWidget(muted(f"Mean absolute error {error:.4g} over {len(self.held):,} {self.held.kind} rows."))

    def _reconstructions(self, layout: QVBoxLayout) -> None:
        import pyqtgraph as pg

        from designer.ui.plot_pieces import ImageGrid

        from designer.training import feeds

        x = np.asarray(feeds.numbers_of(self.held.x), dtype=np.float32).reshape(len(self.held), -1)
        rebuilt = np.asarray(self.held_outputs, dtype=np.float32).reshape(len(self.held), -1)
        if x.shape != rebuilt.shape:
            layout.addWidget(muted("The model's output does not have the shape of its input: there is no "
                                   "reconstruction to compare."))
            layout.addStretch(1)
            return
        errors = np.mean((rebuilt - x) ** 2, axis=1)
        self.reconstruction_errors = errors
        plot, item = plain_plot()
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


def most_confused(matrix: np.ndarray, names: list[str]) -> str:
    """The confusion matrix in words: how to read it, and the (at most three) mix-ups made most often."""
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
