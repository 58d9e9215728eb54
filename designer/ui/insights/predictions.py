"""The Predictions panel of a classifier of pictures: a grid of the validation pictures with the class the model
predicts and its confidence under each, and the true class — green when right, red when wrong — and how many of
the grid are right, epoch after epoch.
"""

from __future__ import annotations

import html

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from designer.training.insights import GRID
from designer.ui import style
from designer.ui.plot_pieces import ImageGrid

RIGHT_COLOUR = "#1e8e3e"
WRONG_COLOUR = style.ERROR_COLOUR


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
