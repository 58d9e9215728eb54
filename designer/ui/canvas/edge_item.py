"""A connection on the canvas: a curve from one layer's output port to another's input port, labelled with
the shape of the tensor it carries (the source layer's output shape)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QFont, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsSimpleTextItem

from designer.core.graph import Edge
from designer.ui import style
from designer.ui.canvas.node_item import NodeItem


def curve(start: QPointF, end: QPointF) -> QPainterPath:
    """A vertical S-curve from an output port (below a node) to an input port (above another)."""
    path = QPainterPath(start)
    bend = max(40.0, abs(end.y() - start.y()) / 2)
    path.cubicTo(QPointF(start.x(), start.y() + bend), QPointF(end.x(), end.y() - bend), end)
    return path


class EdgeItem(QGraphicsPathItem):
    def __init__(self, edge: Edge, source: NodeItem, target: NodeItem) -> None:
        super().__init__()
        self.edge = edge
        self.source = source
        self.target = target
        self.setFlags(QGraphicsItem.ItemIsSelectable)
        self.setZValue(0)
        self.label = QGraphicsSimpleTextItem(self)
        font = QFont()
        font.setPointSizeF(7.5)
        self.label.setFont(font)
        self.label.setBrush(QColor(style.MUTED_TEXT_COLOUR))
        source.edges.append(self)
        target.edges.append(self)
        self._pen()
        self.update_path()

    def detach(self) -> None:
        for node in (self.source, self.target):
            if self in node.edges:
                node.edges.remove(self)

    def _pen(self) -> None:
        colour = QColor(style.SELECTION_COLOUR) if self.isSelected() else QColor("#80868b")
        self.setPen(QPen(colour, 3.0 if self.isSelected() else 1.8, Qt.SolidLine, Qt.RoundCap))

    def set_label(self, text: str) -> None:
        if self.label.text() != text:
            self.label.setText(text)
            self._place_label()

    def update_path(self) -> None:
        start = self.source.output_port.scenePos()
        end = self.target.input_port.scenePos() if self.target.input_port else self.target.scenePos()
        self.setPath(curve(start, end))
        self._place_label()

    def _place_label(self) -> None:
        middle = self.path().pointAtPercent(0.5)
        rect = self.label.boundingRect()
        self.label.setPos(middle.x() + 6, middle.y() - rect.height() / 2)

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(10)  # easy to click
        return stroker.createStroke(self.path())

    def itemChange(self, change, value):
        if change == QGraphicsItem.ItemSelectedHasChanged:
            self._pen()
        return super().itemChange(change, value)
