"""A connection on the canvas: a line from one layer's output port to another's input port, labelled with
the shape of the tensor it carries (the source layer's output shape). It runs around the layers between its two
ends (`routing`), so it never hides under one, and says how to remove it (tooltip, right-click menu)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsSimpleTextItem, QStyle

from designer.core.graph import Edge
from designer.ui import style
from designer.ui.canvas.node_item import NODE_HEIGHT, NODE_WIDTH, NodeItem
from designer.ui.canvas.routing import Body, Route, curve, route

__all__ = ["EdgeItem", "curve"]

REMOVE_HINT = "Right-click → Delete connection, or click it and press Del."


class EdgeItem(QGraphicsPathItem):
    def __init__(self, edge: Edge, source: NodeItem, target: NodeItem) -> None:
        super().__init__()
        self.edge = edge
        self.source = source
        self.target = target
        self.route: Route | None = None
        self._shape = QPainterPath()
        self.setFlags(QGraphicsItem.ItemIsSelectable)
        self.setZValue(0)
        self.setAcceptHoverEvents(True)  # tooltips come with hover events
        self.label = QGraphicsSimpleTextItem(self)
        font = QFont()
        font.setPointSizeF(7.5)
        self.label.setFont(font)
        self.label.setBrush(QColor(style.MUTED_TEXT_COLOUR))
        source.edges.append(self)
        target.edges.append(self)
        self._pen()
        self.update_path(routed=False)  # the scene routes it once it is in the scene's index
        self.refresh_tooltip()

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
            self.refresh_tooltip()

    def refresh_tooltip(self) -> None:
        """Which layers it joins, what it carries and how to remove it (found otherwise only by trial)."""
        carries = f" carries {self.label.text()}" if self.label.text() else ""
        self.setToolTip(f"{self.source.name} → {self.target.name}{carries}\n{REMOVE_HINT}")

    def update_path(self, routed: bool = True) -> None:
        """Draw it from port to port, around the layers in its way (`routed`) or as the plain curve."""
        start = self.source.output_port.scenePos()
        end = self.target.input_port.scenePos() if self.target.input_port else self.target.scenePos()
        self.route = route(start, end, self._layers_near if routed else lambda region: ())
        self.setPath(self.route.path)
        stroker = QPainterPathStroker()
        stroker.setWidth(10)  # easy to click; made once per route, not at every hit test
        self._shape = stroker.createStroke(self.route.path)
        self._place_label()

    def _layers_near(self, region: QRectF):
        """The bodies of the layers whose items touch `region`, from the scene's index (cheap on big graphs)."""
        scene = self.scene() or self.source.scene()
        if scene is None:
            return []
        size = QSizeF(NODE_WIDTH, NODE_HEIGHT)
        return [
            Body(QRectF(item.scenePos(), size), own=item is self.source or item is self.target)
            for item in scene.items(region, Qt.IntersectsItemBoundingRect)
            if isinstance(item, NodeItem)
        ]

    def _place_label(self) -> None:
        if self.route is None:
            return
        anchor = self.route.label_at
        rect = self.label.boundingRect()
        x = anchor.x() - 6 - rect.width() if self.route.label_left else anchor.x() + 6
        self.label.setPos(x, anchor.y() - rect.height() / 2)

    def shape(self) -> QPainterPath:
        return self._shape

    def paint(self, painter, option, widget=None) -> None:
        # a selected connection shows by its pen; Qt's dashed box around a detour's whole bounds would not
        option.state &= ~QStyle.State_Selected
        super().paint(painter, option, widget)

    def itemChange(self, change, value):
        if change == QGraphicsItem.ItemSelectedHasChanged:
            self._pen()
        return super().itemChange(change, value)
