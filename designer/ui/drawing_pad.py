"""A pad to draw a digit on with the mouse, white on black with a thick round pen, as the handwritten-digit data
looks; `pixels` turns the drawing into a sample of the data: the strokes drawn again, centred in the box with
the data's margin and stroke width, averaged down to the model's input size and scaled to the data's raw range.

The strokes are kept as lines (points in the unit square), not as the pixels on the screen: redrawn at the
sample's size with a pen as thick, for that size, as the data's strokes are, a digit drawn in any size or
thickness comes out as the data's digits do (MNIST: ~20 px tall in a 28 px box; the 8×8 digits: the full
height, strokes two pixels wide).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QPushButton, QSizePolicy, QWidget

from designer.ui import style

#: the screen pen, as a fraction of the pad's side (a few pixels of a 28-pixel digit)
SCREEN_PEN = 1 / 13
#: the room under the square for the Clear button
BUTTON_ROW = 30
#: each sample pixel is drawn as SUPERSAMPLE × SUPERSAMPLE pixels (at least) before they are averaged
SUPERSAMPLE = 8


class DrawingPad(QWidget):
    """A square to draw on with the left mouse button, and a Clear button under it. `drawn` is emitted when a
    stroke ends (the mouse let go), `cleared` when the pad is wiped."""

    drawn = Signal()
    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: each stroke: its points, (x, y) in the unit square (0, 0 top left)
        self.strokes: list[list[tuple[float, float]]] = []
        self._current: list[tuple[float, float]] | None = None
        #: how `pixels` makes a sample: the raw value of full ink, the digit's longer side and the stroke's width
        #: as fractions of the box (set from the data by `set_look`)
        self.top, self.fill, self.stroke = 255.0, 20 / 28, 0.1
        #: what the empty pad says
        self.hint = "Draw a digit here,\nbig and in the middle"
        self.clear_button = QPushButton("Clear", self)
        self.clear_button.setToolTip("Wipe the pad to draw again")
        self.clear_button.clicked.connect(self.clear)
        self.setMinimumSize(140, 140 + BUTTON_ROW)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip("Draw a digit with the left mouse button; the model answers when you let go")

    # ------------------------------------------------------------------ public
    def set_look(self, top: float, fill: float | None = None, stroke: float | None = None) -> None:
        """The data's raw value of full ink (its image_max) and, measured on its pictures, how much of the box a
        digit's longer side takes and how wide its strokes are (fractions of the box's side)."""
        self.top = float(top)
        if fill is not None:
            self.fill = float(min(1.0, max(0.3, fill)))
        if stroke is not None:
            self.stroke = float(min(0.35, max(0.03, stroke)))

    def is_empty(self) -> bool:
        return not any(self.strokes)

    def clear(self) -> None:
        self.strokes = []
        self._current = None
        self.update()
        self.cleared.emit()

    def pixels(self, height: int, width: int, top: float | None = None) -> np.ndarray:
        """The drawing as a (height, width) sample of the data's raw values, 0 (black) .. `top` (the pad's, the
        data's image_max, unless given): the strokes centred in the box, the longer side of the digit `fill` of
        it, redrawn `stroke` of it wide with a round pen, then each pixel the average over its area."""
        top = self.top if top is None else float(top)
        points = [p for stroke in self.strokes for p in stroke]
        if not points:
            return np.zeros((height, width), dtype=np.float32)
        scale = SUPERSAMPLE if min(height, width) >= 32 else -(-256 // min(height, width))  # ≥256 px drawn
        box = min(height, width)
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        left, right, upper, lower = min(xs), max(xs), min(ys), max(ys)
        pen = self.stroke * box * scale
        # the lines' extent plus the pen's width is the digit's: that takes `fill` of the box
        reach = max(1e-6, self.fill * box * scale - pen)
        extent = max(right - left, lower - upper)
        zoom = reach / extent if extent > 1e-3 else 1.0
        image = QImage(width * scale, height * scale, QImage.Format.Format_RGB32)
        image.fill(QColor("black"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.translate(width * scale / 2, height * scale / 2)
        painter.scale(zoom, zoom)
        painter.translate(-(left + right) / 2, -(upper + lower) / 2)
        painter.setPen(QPen(QColor("white"), pen / zoom, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                            Qt.PenJoinStyle.RoundJoin))
        for stroke in self.strokes:
            painter.drawPath(_path(stroke))
        painter.end()
        drawn = _grey(image)
        # area averaging: each sample pixel is the mean of its scale × scale block
        averaged = drawn.reshape(height, scale, width, scale).mean(axis=(1, 3))
        peak = float(averaged.max())
        return (averaged / peak * top).astype(np.float32) if peak > 0 else averaged.astype(np.float32)

    # ------------------------------------------------------------------ geometry
    def sizeHint(self) -> QSize:
        return QSize(280, 280 + BUTTON_ROW)

    def square(self) -> QRectF:
        """Where the pad is drawn: the biggest square above the button row, at the left."""
        side = max(20, min(self.width(), self.height() - BUTTON_ROW))
        return QRectF(0, 0, side, side)

    def resizeEvent(self, event) -> None:
        square = self.square()
        hint = self.clear_button.sizeHint()
        self.clear_button.setGeometry(int(square.right() - hint.width()), int(square.bottom() + 4), hint.width(),
                                      min(hint.height(), BUTTON_ROW - 4))
        super().resizeEvent(event)

    def _unit(self, position) -> tuple[float, float]:
        square = self.square()
        x = (position.x() - square.left()) / square.width()
        y = (position.y() - square.top()) / square.height()
        return min(1.0, max(0.0, x)), min(1.0, max(0.0, y))

    # ------------------------------------------------------------------ the mouse
    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.square().contains(event.position()):
            self._current = [self._unit(event.position())]
            self.strokes.append(self._current)
            self.update()
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        # the stroke goes on until the button is let go (the event's buttons are not relied on: synthetic moves
        # carry none)
        if self._current is not None:
            point = self._unit(event.position())
            if point != self._current[-1]:
                self._current.append(point)
                self.update()
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self._current is not None and event.button() == Qt.MouseButton.LeftButton:
            point = self._unit(event.position())
            if point != self._current[-1]:
                self._current.append(point)
            self._current = None
            self.update()
            self.drawn.emit()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    # ------------------------------------------------------------------ painting
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        square = self.square()
        painter.fillRect(square, QColor("black"))
        if self.is_empty():
            painter.setPen(QColor("#8a8f95"))
            painter.drawText(square, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.hint)
        else:
            painter.save()
            painter.translate(square.topLeft())
            painter.scale(square.width(), square.height())
            painter.setPen(QPen(QColor("white"), SCREEN_PEN, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                                Qt.PenJoinStyle.RoundJoin))
            for stroke in self.strokes:
                painter.drawPath(_path(stroke))
            painter.restore()
        painter.setPen(QPen(QColor(style.MUTED_TEXT_COLOUR), 1))
        painter.drawRect(square.adjusted(0.5, 0.5, -0.5, -0.5))


def _path(stroke: list[tuple[float, float]]) -> QPainterPath:
    """A stroke's line; a single point is a dot (a zero-length line, which the round cap draws as one)."""
    path = QPainterPath(QPointF(*stroke[0]))
    if len(stroke) == 1:
        path.lineTo(QPointF(stroke[0][0] + 1e-4, stroke[0][1]))
    for x, y in stroke[1:]:
        path.lineTo(QPointF(x, y))
    return path


def _grey(image: QImage) -> np.ndarray:
    """The blue byte of each pixel of an RGB32 image (white strokes on black: every byte is the same grey)."""
    height, width = image.height(), image.width()
    data = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    pixels = data.reshape(height, image.bytesPerLine())[:, :width * 4].reshape(height, width, 4)
    return pixels[..., 0].astype(np.float32) / 255.0
