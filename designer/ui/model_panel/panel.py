"""`ModelPanel` itself: the scores on top and the tabs under them, shown for a trained model or in place of one
(`show_trained`, `show_untrained`), and what every tab shares — the samples as pictures, raw inputs prepared as
the data was, and forgetting the model shown. The tabs' own pages come from the mixins `HeldOutRowsMixin`
(Test rows), `TryItMixin` and `InputSourcesMixin` (Try it) and `CodePlaneMixin` (Code plane).
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from designer.ui import style
from designer.ui.model_panel.code_plane import CodePlaneMixin
from designer.ui.model_panel.held_out import HeldOutRowsMixin, held_out_answers
from designer.ui.model_panel.outputs import kind_of
from designer.ui.model_panel.sources import InputSourcesMixin
from designer.ui.model_panel.trying import TryItMixin
from designer.ui.model_panel.widgets import muted

if TYPE_CHECKING:
    from designer.training.scoring import Scores, TrainedModel


class ModelPanel(HeldOutRowsMixin, TryItMixin, InputSourcesMixin, CodePlaneMixin, QWidget):
    """See the package docstring. The window calls `show_untrained` and `show_trained` (GUI thread)."""

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
        self.summary_label = muted()
        self.scores_label = QLabel()
        self.scores_label.setWordWrap(True)
        self.scores_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.scores_note = muted()
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
        self.kind = kind_of(trained)
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
            self._open_first_source()

    def message(self) -> str:
        """The plain line the panel shows instead of an answer: why nothing is trained, or what went wrong with
        the last input tried ("" when there is none)."""
        if self.stack.currentIndex() == 0:
            return self.untrained_label.text()
        return self.message_label.text() if getattr(self, "message_label", None) is not None else ""

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
        # 0.9250 for an accuracy, 15,009 for an error in dollars (not 15008.7617)
        shown = ", ".join(f"{html.escape(name)}&nbsp;<b>{value:,.0f}</b>" if abs(value) >= 1e4
                          else f"{html.escape(name)}&nbsp;<b>{value:.4f}</b>" for name, value in values)
        head, _, note = scores.description.partition(" (")
        self.scores_label.setText(f"On {html.escape(head)}: {shown}")
        if note:
            self.scores_note.setText("(" + note)
            self.scores_note.show()

    # ------------------------------------------------------------------ shared by the tabs
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
                     "generated_grid", "plane", "plane_note", "sample_spin"):
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
