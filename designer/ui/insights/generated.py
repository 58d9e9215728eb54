"""The Generated panel of a GAN: the generator's pictures from the same noise every epoch, and a slider back
through the epochs received so far (every grid is kept, as bytes) that follows the newest while it is at the end.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from designer.training.insights import GRID
from designer.ui.plot_pieces import ImageGrid, is_picture


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
        # the epoch alone: pictures are kept for some epochs only, and "40 (24 of 24)" read as two epoch counts
        self.slider_label.setText(f"{epoch + 1}")
        self.slider.setToolTip(f"Go back through the epochs: {len(self.grids)} kept so far; the slider follows the "
                               "newest while it is at the end")
