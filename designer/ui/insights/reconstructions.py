"""The Reconstructions panel of an autoencoder: the fixed samples in the top row and what the autoencoder rebuilds
from them in the bottom row — pictures as pictures, other samples as strips of numbers on the originals' scale.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from designer.training.insights import SAMPLES
from designer.ui.plot_pieces import ImageGrid, is_picture


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
