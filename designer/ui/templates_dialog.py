"""The "New project" dialog: a gallery of the ready-made templates, each shown as a small picture of its
network drawn by the canvas's own items, with "Blank canvas" first. It only chooses; the caller loads the
template (or makes an empty project) from `selected_key()`."""

from __future__ import annotations

import html

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
)

from designer.core.graph import LayerGraph
from designer.core.templates import list_templates, load_template
from designer.ui import style
from designer.ui.canvas.scene import GraphScene

PICTURE_SIZE = QSize(240, 170)
PICTURE_BACKGROUND = QColor("#ffffff")
MARGIN = 8.0
CAPTION_HEIGHT = 16.0
MAX_COLUMNS = 4
FOLD_GAP = 50.0  # scene units between the columns of a folded stack
MAX_SCALE = 0.5  # a two-layer network is not blown up to fill the picture: pictures look alike in size
KEY_ROLE = Qt.UserRole
BLANK_NAME = "Blank canvas"
BLANK_DESCRIPTION = "Start from an empty canvas and drag layers onto it from the palette."


def graph_picture(graphs: list[LayerGraph], size: QSize) -> QPixmap:
    """The graphs drawn side by side (each under its role as a caption when there are several), scaled to fit
    `size` with their aspect kept, centred on a white background. A tall stack is folded into columns, like a
    newspaper, cut only between layers: one column of nine layers would be too small to read."""
    pixmap = QPixmap(size)
    pixmap.fill(PICTURE_BACKGROUND)
    painter = QPainter(pixmap)
    painter.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing | QPainter.SmoothPixmapTransform)
    width = (size.width() - MARGIN) / max(len(graphs), 1)
    for i, graph in enumerate(graphs):
        panel = QRectF(MARGIN / 2 + i * width, 0, width, size.height()).adjusted(MARGIN / 2, MARGIN, -MARGIN / 2, -MARGIN)
        caption = graph.role.capitalize() if len(graphs) > 1 else ""
        _draw_graph(painter, graph, panel, caption)
    painter.end()
    return pixmap


def _draw_graph(painter: QPainter, graph: LayerGraph, target: QRectF, caption: str) -> None:
    scene = GraphScene(graph)
    try:
        source = scene.itemsBoundingRect()
        if source.isEmpty():
            return
        room = target.adjusted(0, CAPTION_HEIGHT + 2 if caption else 0, 0, 0)
        scale, bands = _fold(scene, source, room)
        # QGraphicsScene.render pins a picture to the target's top-left corner: centre the columns here
        width = (len(bands) * source.width() + (len(bands) - 1) * FOLD_GAP) * scale
        height = max(band.height() for band in bands) * scale
        block = QRectF(0, 0, width, height + (target.height() - room.height()))
        block.moveCenter(target.center())
        if caption:
            _draw_caption(painter, QRectF(target.left(), block.top(), target.width(), CAPTION_HEIGHT), caption)
        left, top = block.left(), block.bottom() - height
        for band in bands:
            place = QRectF(left, top, band.width() * scale, band.height() * scale)
            painter.save()
            painter.setClipRect(place)  # a cut edge stops at the fold instead of spilling into the margin
            scene.render(painter, place, band, Qt.IgnoreAspectRatio)
            painter.restore()
            left += (source.width() + FOLD_GAP) * scale
    finally:
        scene.detach()


def _fold(scene: GraphScene, source: QRectF, target: QRectF) -> tuple[float, list[QRectF]]:
    """The scale and the scene bands (one per column) that show the graph largest in `target`."""
    best_scale = min(target.width() / source.width(), target.height() / source.height(), MAX_SCALE)
    best = [source]
    cuts = _cut_lines(scene)
    for columns in range(2, min(MAX_COLUMNS, len(cuts) + 1) + 1):
        bands = _split(source, cuts, columns)
        if bands is None:
            continue
        width = columns * source.width() + (columns - 1) * FOLD_GAP
        height = max(band.height() for band in bands)
        scale = min(target.width() / width, target.height() / height, MAX_SCALE)
        if scale > best_scale * 1.2:  # fold only when it clearly helps: one column reads best
            best_scale, best = scale, bands
    return best_scale, best


def _cut_lines(scene: GraphScene) -> list[float]:
    """Heights (scene y) where a horizontal line crosses no layer: the middle of each gap between rows."""
    spans = []
    for item in scene.nodes.values():
        rect = item.sceneBoundingRect() | item.mapRectToScene(item.childrenBoundingRect())
        spans.append((rect.top(), rect.bottom()))
    spans.sort()
    cuts, reach = [], None
    for top, bottom in spans:
        if reach is not None and top > reach:
            cuts.append((reach + top) / 2)
        reach = bottom if reach is None else max(reach, bottom)
    return cuts


def _split(source: QRectF, cuts: list[float], columns: int) -> list[QRectF] | None:
    """`source` cut into `columns` bands of about equal height at the given cut lines (None if it cannot)."""
    chosen = []
    for i in range(1, columns):
        ideal = source.top() + source.height() * i / columns
        cut = min(cuts, key=lambda y: abs(y - ideal))
        if chosen and cut <= chosen[-1]:
            return None
        chosen.append(cut)
    edges = [source.top(), *chosen, source.bottom()]
    return [QRectF(source.left(), a, source.width(), b - a) for a, b in zip(edges, edges[1:])]


def _draw_caption(painter: QPainter, rect: QRectF, role: str) -> None:
    font = QFont()
    font.setPointSizeF(8.0)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor(style.MUTED_TEXT_COLOUR))
    painter.drawText(rect, Qt.AlignCenter, role.capitalize())


def blank_picture(size: QSize) -> QPixmap:
    """An empty canvas: a dashed frame with a plus sign in the middle."""
    pixmap = QPixmap(size)
    pixmap.fill(PICTURE_BACKGROUND)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.Antialiasing)
    frame = QRectF(0, 0, size.width(), size.height()).adjusted(MARGIN * 2, MARGIN * 2, -MARGIN * 2, -MARGIN * 2)
    painter.setPen(QPen(QColor("#b0b4b9"), 2.0, Qt.DashLine))
    painter.setBrush(QColor(style.CANVAS_BACKGROUND))
    painter.drawRoundedRect(frame, 10, 10)
    arm = min(frame.width(), frame.height()) / 6
    centre = frame.center()
    painter.setPen(QPen(QColor(style.MUTED_TEXT_COLOUR), 4.0, Qt.SolidLine, Qt.RoundCap))
    painter.drawLine(QPointF(centre.x() - arm, centre.y()), QPointF(centre.x() + arm, centre.y()))
    painter.drawLine(QPointF(centre.x(), centre.y() - arm), QPointF(centre.x(), centre.y() + arm))
    painter.end()
    return pixmap


class TemplatesDialog(QDialog):
    """Choose "Blank canvas" or a template; double-click or "Create" accepts."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New project")
        self.resize(900, 640)
        self._pictures: dict[str, QPixmap] = {}

        self.gallery = QListWidget(self)
        self.gallery.setViewMode(QListView.IconMode)
        self.gallery.setIconSize(PICTURE_SIZE)
        # room for the picture and two lines of name, so long names wrap instead of being cut
        self.gallery.setGridSize(QSize(PICTURE_SIZE.width() + 24, PICTURE_SIZE.height() + 52))
        self.gallery.setWrapping(True)
        self.gallery.setWordWrap(True)
        self.gallery.setResizeMode(QListView.Adjust)
        self.gallery.setMovement(QListView.Static)
        self.gallery.setDragEnabled(False)
        self.gallery.setUniformItemSizes(True)
        self.gallery.setSelectionMode(QAbstractItemView.SingleSelection)
        # one wheel step scrolls a third of a row, not two rows (an icon view scrolls by items by default)
        self.gallery.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)
        self.gallery.verticalScrollBar().setSingleStep(self.gallery.gridSize().height() // 9)

        self.description = QLabel(self)
        self.description.setTextFormat(Qt.RichText)
        self.description.setWordWrap(True)
        self.description.setMinimumHeight(48)
        self.description.setAlignment(Qt.AlignLeft | Qt.AlignTop)

        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        self.buttons.button(QDialogButtonBox.Ok).setText("Create")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.gallery, 1)
        layout.addWidget(self.description)
        layout.addWidget(self.buttons)

        self._add_item("", BLANK_NAME, BLANK_DESCRIPTION, blank_picture(PICTURE_SIZE))
        from designer.data.registry import where_from

        for template in list_templates():
            described = f"{template.description} {where_from(template.dataset)}".strip()
            self._add_item(template.key, template.name, described, self.picture(template.key))

        self.gallery.itemSelectionChanged.connect(self._show_selection)
        self.gallery.itemDoubleClicked.connect(lambda _item: self.accept())
        self.gallery.setCurrentRow(0)
        self._show_selection()

    def _add_item(self, key: str, name: str, description: str, picture: QPixmap) -> None:
        icon = QIcon(picture)
        icon.addPixmap(picture, QIcon.Selected)  # not tinted when selected, so the picture stays readable
        item = QListWidgetItem(icon, name, self.gallery)
        item.setData(KEY_ROLE, key)
        item.setToolTip(description)
        item.setTextAlignment(Qt.AlignHCenter | Qt.AlignTop)

    def picture(self, key: str) -> QPixmap:
        """The picture of a template's network, drawn once per dialog."""
        if key not in self._pictures:
            self._pictures[key] = graph_picture(load_template(key).graphs, PICTURE_SIZE)
        return self._pictures[key]

    def item_for(self, key: str) -> QListWidgetItem | None:
        for row in range(self.gallery.count()):
            if self.gallery.item(row).data(KEY_ROLE) == key:
                return self.gallery.item(row)
        return None

    def selected_key(self) -> str | None:
        """The chosen template's key, "" for a blank canvas, None when nothing is selected."""
        items = self.gallery.selectedItems()
        return items[0].data(KEY_ROLE) if items else None

    def _show_selection(self) -> None:
        items = self.gallery.selectedItems()
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(bool(items))
        if not items:
            self.description.setText("Choose a template, or a blank canvas.")
            return
        item = items[0]
        self.description.setText(f"<b>{html.escape(item.text())}</b><br>{html.escape(item.toolTip())}")
