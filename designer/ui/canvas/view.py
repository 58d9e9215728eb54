"""The view onto a graph scene: wheel zoom around the cursor, panning (middle button, or Space + drag),
rubber-band selection, fit-to-view, and drops of layer kinds from the palette."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsView

from designer.ui import style
from designer.ui.palette import LAYER_MIME, kind_key_from_mime

MIN_ZOOM, MAX_ZOOM = 0.1, 3.0
#: below this zoom the text on the layers cannot be read: a taller graph is shown from its top instead
READABLE_ZOOM = 0.4
TALL_GRAPH_ZOOM = 0.75
DEFAULT_SCENE = QRectF(-5000, -5000, 10000, 10000)
GRID = 24


class GraphView(QGraphicsView):
    layer_dropped = Signal(str, QPointF)  # catalogue key, scene position

    def __init__(self, scene, parent=None) -> None:
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing)
        self.setDragMode(QGraphicsView.RubberBandDrag)
        self.setTransformationAnchor(QGraphicsView.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.AnchorViewCenter)
        # only changed areas are repainted; the grid is drawn by drawBackground, cached
        self.setViewportUpdateMode(QGraphicsView.SmartViewportUpdate)
        self.setCacheMode(QGraphicsView.CacheBackground)
        self.setAcceptDrops(True)
        self.setBackgroundBrush(QColor(style.CANVAS_BACKGROUND))
        self._panning_from: QPointF | None = None
        self._space_down = False
        self.setSceneRect(DEFAULT_SCENE)
        scene.changed.connect(lambda _regions: self.ensure_room())

    # ------------------------------------------------------------------ zoom
    def zoom(self) -> float:
        return self.transform().m11()

    def zoom_by(self, factor: float) -> None:
        target = min(MAX_ZOOM, max(MIN_ZOOM, self.zoom() * factor))
        factor = target / self.zoom()
        if abs(factor - 1.0) > 1e-6:
            self.scale(factor, factor)

    def wheelEvent(self, event) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(1.15**steps)
        event.accept()

    def fit_to_view(self) -> None:
        """Show every layer, no larger than 1:1 so a small graph is not blown up. A graph too tall to read whole
        (an imported ResNet) is shown from its top at a zoom where the layers can still be read."""
        self.ensure_room()
        rect = self.scene().itemsBoundingRect()
        if rect.isEmpty():
            self.resetTransform()
            self.centerOn(0, 0)
            return
        rect.adjust(-40, -40, 40, 40)
        viewport = self.viewport().rect()
        across, down = viewport.width() / rect.width(), viewport.height() / rect.height()
        if down < READABLE_ZOOM and down < across:  # too tall to read whole: its height decides
            zoom = min(TALL_GRAPH_ZOOM, max(READABLE_ZOOM, viewport.width() / rect.width()))
            self.resetTransform()
            self.scale(zoom, zoom)
            top = QRectF(rect.left(), rect.top(), rect.width(), viewport.height() / zoom)
            self.centerOn(top.center())
            return
        self.fitInView(rect, Qt.KeepAspectRatio)
        if self.zoom() > 1.0:
            self.resetTransform()
        elif self.zoom() < MIN_ZOOM:
            self.resetTransform()
            self.scale(MIN_ZOOM, MIN_ZOOM)
        self.centerOn(rect.center())

    def ensure_room(self) -> None:
        """Grow the scrollable area to hold every layer (an imported model can be many thousand pixels tall)."""
        needed = DEFAULT_SCENE.united(self.scene().itemsBoundingRect().adjusted(-2000, -2000, 2000, 2000))
        if needed != self.sceneRect():
            self.setSceneRect(needed)

    # ------------------------------------------------------------------ pan
    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key_Space and not event.isAutoRepeat():
            self._space_down = True
            self.setDragMode(QGraphicsView.ScrollHandDrag)
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event) -> None:
        if event.key() == Qt.Key_Space and not event.isAutoRepeat():
            self._space_down = False
            self.setDragMode(QGraphicsView.RubberBandDrag)
            return
        super().keyReleaseEvent(event)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MiddleButton:
            self._panning_from = event.position()
            self.viewport().setCursor(Qt.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if self._panning_from is not None:
            delta = event.position() - self._panning_from
            self._panning_from = event.position()
            self.pan_by(delta.x(), delta.y())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MiddleButton and self._panning_from is not None:
            self._panning_from = None
            self.viewport().unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def pan_by(self, dx: float, dy: float) -> None:
        """Move the view by (dx, dy) screen pixels, as a drag of the canvas would."""
        self.horizontalScrollBar().setValue(int(self.horizontalScrollBar().value() - dx))
        self.verticalScrollBar().setValue(int(self.verticalScrollBar().value() - dy))

    # ------------------------------------------------------------------ drops from the palette
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasFormat(LAYER_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasFormat(LAYER_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:
        key = kind_key_from_mime(event.mimeData())
        if key is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.layer_dropped.emit(key, self.mapToScene(event.position().toPoint()))

    # ------------------------------------------------------------------ empty-canvas hint
    EMPTY_HINT = (
        "Drag layers here from the palette, or double-click one to add it.\n\n"
        "Start with an Input: it says what one sample looks like.\n\n"
        "File → New… offers ready-made networks from the course."
    )

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        super().drawForeground(painter, rect)
        if self.scene().nodes:
            return
        painter.save()
        painter.resetTransform()  # draw in viewport pixels, whatever the zoom
        painter.setPen(QColor(style.MUTED_TEXT_COLOUR))
        font = painter.font()
        font.setPointSizeF(11.0)
        painter.setFont(font)
        # wrapped to the view with a margin: a narrow canvas (an Exercises dock beside it) still shows every word
        area = self.viewport().rect().adjusted(24, 24, -24, -24)
        painter.drawText(area, Qt.AlignCenter | Qt.TextWordWrap, self.EMPTY_HINT)
        painter.restore()

    # ------------------------------------------------------------------ background
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        super().drawBackground(painter, rect)
        if self.zoom() < 0.4:
            return  # a dense dot grid at low zoom is noise and costs frames
        painter.setPen(QPen(QColor("#dcdfe3"), 0))
        left = int(rect.left()) - int(rect.left()) % GRID
        top = int(rect.top()) - int(rect.top()) % GRID
        points = [
            QPointF(x, y)
            for x in range(left, int(rect.right()) + 1, GRID)
            for y in range(top, int(rect.bottom()) + 1, GRID)
        ]
        painter.drawPoints(points)
