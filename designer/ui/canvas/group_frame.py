"""A frame behind the layers of one group: the layers an import unfolded from a model nested in another (an
encoder, a decoder, a tower), named above them, so the nested model stays visible as a whole on the one canvas
where each of its layers can be edited. The scene keeps frames in step with the layers (`GraphScene`); a frame is
only drawn: it takes no clicks, so everything under and around it works as on an empty canvas."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem


#: room around the layers, and above them for the name
MARGIN = 10.0
LABEL_HEIGHT = 18.0
FRAME_COLOUR = "#5b7db1"


class GroupFrame(QGraphicsItem):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self._rect = QRectF()
        self.setZValue(-1)  # behind the connections and the layers
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setToolTip(f"{name}: a model inside the imported model, unfolded here so that each of its layers can "
                        "be seen and edited")

    def frame(self) -> QRectF:
        return QRectF(self._rect)

    def fit(self, layers: QRectF) -> None:
        """Frame this rectangle (the layers' bounds in the scene)."""
        rect = layers.adjusted(-MARGIN, -MARGIN - LABEL_HEIGHT, MARGIN, MARGIN)
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-2, -2, 2, 2)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = QColor(FRAME_COLOUR)
        fill = QColor(colour)
        fill.setAlpha(22)
        pen = QPen(colour, 1.4, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(fill)
        painter.drawRoundedRect(self._rect, 12, 12)
        font = QFont()
        font.setPointSizeF(9.5)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(colour.darker(120))
        label = QRectF(self._rect.left() + 10, self._rect.top() + 2, self._rect.width() - 20, LABEL_HEIGHT - 2)
        text = QFontMetrics(font).elidedText(self.name, Qt.TextElideMode.ElideRight, int(label.width()))
        painter.drawText(label, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
