"""The layer palette: a searchable tree of every catalogue layer kind, grouped by category.

A person finds a layer by browsing or typing in the search box, then drags it onto the canvas, double-clicks it
or presses Enter. Dragging carries only the kind's catalogue key (see `layer_mime_data`), so the canvas creates
the node from the catalogue and nothing else travels with the drop; double-click and Enter ask the window to add
the kind through `Palette.add_requested`.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QByteArray, QEvent, QMimeData, QObject, QSize, Qt, Signal
from PySide6.QtGui import QDrag, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from designer.core import catalogue
from designer.core.catalogue import LayerKind
from designer.ui.icons import layer_icon

LAYER_MIME = "application/x-designer-layer-kind"

ICON_SIZE = 24
DRAG_ICON_SIZE = 32
KEY_ROLE = Qt.ItemDataRole.UserRole
_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def layer_mime_data(key: str) -> QMimeData:
    """Drag data for one layer kind: its catalogue key as UTF-8 under LAYER_MIME (and as plain text)."""
    mime = QMimeData()
    mime.setData(LAYER_MIME, QByteArray(key.encode("utf-8")))
    mime.setText(key)
    return mime


def kind_key_from_mime(mime: QMimeData | None) -> str | None:
    """The catalogue key a palette drag carries, or None if the data did not come from the palette."""
    if mime is None or not mime.hasFormat(LAYER_MIME):
        return None
    try:
        key = bytes(mime.data(LAYER_MIME).data()).decode("utf-8").strip()
    except UnicodeDecodeError:
        return None
    return key or None


def tooltip_html(kind: LayerKind) -> str:
    """The rich-text tooltip of a kind: bold title, one-line summary, plain-words explanation, formula."""
    parts = [f"<b>{escape(kind.title)}</b><br>{escape(kind.summary)}", f"<p>{escape(kind.explanation)}</p>"]
    if kind.formula:
        parts.append(f"<p><i>{escape(kind.formula)}</i></p>")
    return "".join(parts)


def _key_of(item: QTreeWidgetItem | None) -> str | None:
    return item.data(0, KEY_ROLE) if item is not None else None


class LayerTree(QTreeWidget):
    """The palette's tree: drags carry LAYER_MIME, and double-click or Enter on a layer emits `layer_chosen`."""

    layer_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
        self.setIndentation(14)  # one level of nesting: a narrow indent leaves room for long titles
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)

    def mimeTypes(self) -> list[str]:
        return [LAYER_MIME]

    def mimeData(self, items: list[QTreeWidgetItem]) -> QMimeData | None:
        keys = [key for key in map(_key_of, items) if key]
        # one drop makes one node, so a drag carries exactly one key
        return layer_mime_data(keys[0]) if keys else None

    def startDrag(self, supported_actions: Qt.DropAction) -> None:
        # our own drag, so the cursor shows the layer's icon instead of a rendering of the tree row
        item = self.currentItem()
        key = _key_of(item)
        if not key:
            return
        drag = QDrag(self)
        drag.setMimeData(layer_mime_data(key))
        drag.setPixmap(layer_icon(catalogue.get(key), DRAG_ICON_SIZE).pixmap(DRAG_ICON_SIZE, DRAG_ICON_SIZE))
        drag.setHotSpot(drag.pixmap().rect().center())
        drag.exec(Qt.DropAction.CopyAction)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = _key_of(self.currentItem())
        if event.key() in _ENTER_KEYS and key:
            self.layer_chosen.emit(key)
            event.accept()
            return
        super().keyPressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        # decided here rather than through itemDoubleClicked, which Qt only emits when the same row also got
        # the press before it; category rows keep the default double-click (open / close)
        key = _key_of(self.itemAt(event.position().toPoint()))
        if key and event.button() == Qt.MouseButton.LeftButton:
            self.layer_chosen.emit(key)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)


class Palette(QWidget):
    """A search box above the layer tree; `add_requested(key)` asks the window to add a layer kind."""

    add_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search_box = QLineEdit(self)
        self.search_box.setPlaceholderText("Search layers…")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setToolTip("Type part of a layer's name, purpose or category; Enter adds the first match.")
        self.tree = LayerTree(self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.search_box)
        layout.addWidget(self.tree)
        self.setMinimumWidth(200)

        self._items: dict[str, QTreeWidgetItem] = {}
        self._search_text: dict[str, str] = {}
        self._categories: list[QTreeWidgetItem] = []
        self._populate()

        self.search_box.textChanged.connect(self._apply_filter)
        self.search_box.returnPressed.connect(self._add_first_match)
        self.search_box.installEventFilter(self)
        self.tree.layer_chosen.connect(self.add_requested)

    def _populate(self) -> None:
        for category, kinds in catalogue.by_category().items():
            if not kinds:
                continue
            header = QTreeWidgetItem(self.tree, [category])
            font = header.font(0)
            font.setBold(True)
            header.setFont(0, font)
            # a category is a heading: it can be opened and closed, not selected or dragged
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self._categories.append(header)
            for kind in kinds:
                item = QTreeWidgetItem(header, [kind.title])
                item.setIcon(0, layer_icon(kind, ICON_SIZE))
                item.setToolTip(0, tooltip_html(kind))
                item.setData(0, KEY_ROLE, kind.key)
                item.setFlags(
                    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
                )
                self._items[kind.key] = item
                self._search_text[kind.key] = " ".join(
                    (kind.title, kind.key, kind.summary, kind.category, *kind.tags)
                ).casefold()
            header.setExpanded(True)

    def item_for(self, key: str) -> QTreeWidgetItem:
        """The tree item of the layer kind `key` (KeyError if the catalogue has no such kind)."""
        return self._items[key]

    def visible_keys(self) -> list[str]:
        """The keys of the layer items the current search leaves visible, in palette order."""
        return [
            key for key, item in self._items.items() if not item.isHidden() and not item.parent().isHidden()
        ]

    def _apply_filter(self, text: str) -> None:
        words = text.casefold().split()
        for key, item in self._items.items():
            # every word must match somewhere, so "conv 1d" narrows to Conv1D
            item.setHidden(not all(word in self._search_text[key] for word in words))
        for header in self._categories:
            shown = any(not header.child(i).isHidden() for i in range(header.childCount()))
            header.setHidden(not shown)
            if shown and words:
                header.setExpanded(True)  # a match inside a closed category would otherwise stay unseen

    def _add_first_match(self) -> None:
        keys = self.visible_keys()
        if keys:
            self.add_requested.emit(keys[0])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Down in the search box moves into the list, so a search can be finished from the keyboard
        if watched is self.search_box and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down:
            keys = self.visible_keys()
            if keys:
                self.tree.setCurrentItem(self._items[keys[0]])
                self.tree.setFocus(Qt.FocusReason.TabFocusReason)
                return True
        return super().eventFilter(watched, event)
