"""Small plot pieces the insight panels are made of: a view that shows numbers as bars or an array as a picture,
a grid of captioned pictures, and the array helpers that turn layer outputs into pictures (feature maps tiled in
viridis, vectors as strips). pyqtgraph is imported at the top: this is loaded with the insight panels, when the
first run starts.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel

from designer.ui import style

#: feature maps shown per layer at most
MAX_MAPS = 16
STRONG = style.CATEGORY_COLOURS["Core"]
#: feature maps and sequence heatmaps: viridis as bytes, looked up with numpy (cheaper than an ImageItem LUT per map)
MAP_LUT = pg.colormap.get("viridis").getLookupTable(nPts=256, mode="byte")[:, :3]


# ---------------------------------------------------------------------- array helpers
def normalised(values: np.ndarray) -> np.ndarray:
    """Values stretched to 0..1 (all zeros when they are all the same)."""
    values = np.nan_to_num(np.asarray(values, dtype=np.float32))
    low, high = (float(values.min()), float(values.max())) if values.size else (0.0, 0.0)
    return (values - low) / (high - low) if high > low else np.zeros_like(values)


def coloured(normalised: np.ndarray) -> np.ndarray:
    return MAP_LUT[(np.clip(normalised, 0.0, 1.0) * 255).astype(np.uint8)]


def tiled_maps(output: np.ndarray) -> np.ndarray:
    """The first MAX_MAPS feature maps of an (h, w, channels) output side by side in colour, each stretched on its
    own (a map's pattern matters, not its scale), with white gaps between them."""
    height, width, channels = output.shape
    count = min(channels, MAX_MAPS)
    gap = max(1, round(width / 8))
    tiled = np.full((height, count * (width + gap) - gap, 3), 255, dtype=np.uint8)
    for index in range(count):
        left = index * (width + gap)
        tiled[:, left:left + width] = coloured(normalised(output[:, :, index]))
    return tiled


def as_picture(sample) -> tuple[np.ndarray, bool]:
    """A sample as an ImageItem shows it (rows top to bottom) and whether it is a picture; anything that is not
    (h, w) or (h, w, 3) becomes a 1×N strip of its numbers."""
    sample = np.asarray(sample)
    if sample.ndim == 3 and sample.shape[-1] == 1:
        sample = sample[..., 0]
    if sample.ndim == 2 or (sample.ndim == 3 and sample.shape[-1] == 3):
        return sample, True
    return sample.reshape(1, -1), False


def is_picture(sample) -> bool:
    return as_picture(sample)[1]


def muted_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {style.MUTED_TEXT_COLOUR};")
    return label


# ---------------------------------------------------------------------- shared plot pieces
#: the width of a left axis, in pixels: room for tick labels of six characters, such as "0.0012", "-0.025" or
#: "-245e9" (an axis of fixed width leaves out a label that does not fit: at 44 a loss near 0.0015 had none)
AXIS_WIDTH = 50


def short_tick_labels(values, spacing: float) -> list[str] | None:
    """Tick labels in engineering notation ("235e9", "240e9"; "15e-6") for numbers of six digits and more or below
    0.001, whose labels as pyqtgraph writes them ("2.35e+11", "240000000000") are wider than `AXIS_WIDTH`: a
    regression's loss near 1e11 was left without any. The exponent is a multiple of three shared by all ticks, so
    the numbers before it have at most three digits and compare at a glance, with as many decimals as the tick
    spacing needs. None when pyqtgraph's own labels fit."""
    largest = max((abs(v) for v in values), default=0.0)
    if largest == 0 or 1e-3 <= largest < 1e5:
        return None
    exponent = 3 * math.floor(math.log10(largest) / 3)
    decimals = max(0, exponent - math.floor(math.log10(spacing))) if spacing > 0 else 0
    labels = []
    for value in values:
        number = f"{value / 10.0 ** exponent:.{decimals}f}"
        if "." in number:
            number = number.rstrip("0").rstrip(".")
        labels.append("0" if number in ("0", "-0") else f"{number}e{exponent}")
    return labels


class NumberAxis(pg.AxisItem):
    """A value axis whose tick labels stay short enough for a fixed `AXIS_WIDTH` (`short_tick_labels`)."""

    def tickStrings(self, values, scale, spacing):
        if not self.logMode:
            labels = short_tick_labels([v * scale for v in values], spacing * scale)
            if labels is not None:
                return labels
        return super().tickStrings(values, scale, spacing)


class ValuesView(pg.GraphicsLayoutWidget):
    """A small plot that shows numbers as bars, or an array as a picture (upright, square pixels, no axes).

    A view box and two axes rather than a PlotItem: a PlotItem builds its options menu and costs ~30 ms, which a
    deep model's dozens of layer rows would pay at the first epoch; this costs a few."""

    def __init__(self, height: int | None = None) -> None:
        super().__init__()
        self.ci.setContentsMargins(0, 0, 0, 0)
        self.ci.setSpacing(0)
        # the wheel scrolls the page around the plot, not the plot
        self.vb = pg.ViewBox(enableMouse=False, enableMenu=False, defaultPadding=0.02)
        self.axes = (NumberAxis("left"), pg.AxisItem("bottom"))
        for axis in self.axes:
            axis.linkToView(self.vb)
        # a fixed width: fitted to each snapshot's tick labels, the axis changed the layout, and the view was
        # painted twice per snapshot while training
        self.axes[0].setWidth(AXIS_WIDTH)
        self.ci.addItem(self.axes[0], row=0, col=0)
        self.ci.addItem(self.vb, row=0, col=1)
        self.ci.addItem(self.axes[1], row=1, col=1)
        self.bars = pg.BarGraphItem(x=np.zeros(0), height=np.zeros(0), width=0.8, brush=STRONG, pen=None)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.vb.addItem(self.bars)
        self.vb.addItem(self.image)
        self.mode = ""
        if height:
            self.setFixedHeight(height)

    def show_bars(self, values) -> None:
        values = np.nan_to_num(np.asarray(values, dtype=np.float32).reshape(-1))
        self.bars.setOpts(x=np.arange(len(values)), height=values)
        if self.mode != "bars":
            self.mode = "bars"
            self.image.hide()
            self.bars.show()
            for axis in self.axes:
                axis.show()
            self.vb.setAspectLocked(False)
            self.vb.invertY(False)
        self.vb.autoRange(padding=0.02)

    def show_image(self, image, levels=(0.0, 1.0), lock_aspect: bool = True) -> None:
        self.image.setImage(image, levels=levels)
        if self.mode != "image":
            self.mode = "image"
            self.bars.hide()
            self.image.show()
            for axis in self.axes:
                axis.hide()
            self.vb.invertY(True)  # row 0 at the top: digits upright
        self.vb.setAspectLocked(lock_aspect)
        self.vb.autoRange(padding=0.02)

    def clear_view(self) -> None:
        self.bars.setOpts(x=np.zeros(0), height=np.zeros(0))
        self.image.clear()


class ImageGrid(pg.GraphicsLayoutWidget):
    """Small pictures in a grid, upright with square pixels, each with an optional caption under it and an
    optional title left of each row. Vectors that are not pictures are drawn as 1×N strips."""

    def __init__(self, rows: int, columns: int, captions: bool = False, row_titles: list[str] | None = None) -> None:
        super().__init__()
        self.ci.setContentsMargins(2, 2, 2, 2)
        self.ci.setSpacing(3)
        self.views: list[pg.ViewBox] = []
        self.items: list[pg.ImageItem] = []
        self.captions: list[pg.LabelItem] = []
        offset = 1 if row_titles else 0
        for row in range(rows):
            if row_titles:
                self.addLabel(row_titles[row], row=row, col=0, size="9pt", color=style.MUTED_TEXT_COLOUR)
            for column in range(columns):
                cell = self.addLayout(row=row, col=column + offset)
                cell.setContentsMargins(0, 0, 0, 0)
                cell.setSpacing(0)
                view = cell.addViewBox(row=0, col=0, lockAspect=True, invertY=True, enableMouse=False,
                                       enableMenu=False, defaultPadding=0.02)
                item = pg.ImageItem(axisOrder="row-major")
                view.addItem(item)
                self.views.append(view)
                self.items.append(item)
                if captions:
                    label = cell.addLabel("", row=1, col=0, size="8pt")
                    label.item.document().setDocumentMargin(1)  # Qt's 4 px around each caption crowd out the pictures
                    self.captions.append(label)
        #: the (text, colour) each caption shows
        self._written: list = [None] * len(self.captions)

    def show_images(self, images, captions: list[tuple[str, str]] | None = None, levels=(0.0, 1.0)) -> None:
        """`images`: pictures (or vectors) to put in the cells in reading order; `captions`: (html, colour) each;
        `levels`: the values drawn black and white (None: each image its own). A None image leaves its cell empty."""
        count = 0 if images is None else len(images)
        for index, (view, item) in enumerate(zip(self.views, self.items)):
            if index < count and images[index] is not None:
                picture, is_picture = as_picture(images[index])
                item.setImage(picture, levels=levels, autoLevels=levels is None)
                view.setAspectLocked(is_picture)  # a strip of numbers fills its cell
            else:
                item.clear()
        for index, label in enumerate(self.captions):
            caption = captions[index] if captions and index < len(captions) else ("", None)
            if self._written[index] != caption:  # laying out rich text costs: only what changed
                label.setText(caption[0], color=caption[1])
                self._written[index] = caption
