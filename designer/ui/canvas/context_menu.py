"""The right-click menus of the canvas: on a connection "Delete connection", on a layer "Delete layer".

Removing a connection was found only by trial (click the line, press Del); a menu on the thing itself says it.
The menu selects what was right-clicked (as file managers do) and asks the scene to delete the selection, so the
deletion is the editor's one undoable command, the same as Del."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QGraphicsItem, QMenu

from designer.ui.canvas.edge_item import EdgeItem
from designer.ui.canvas.node_item import NodeItem, PortItem

DELETE_CONNECTION = "Delete connection"


def target_of(item: QGraphicsItem | None) -> EdgeItem | NodeItem | None:
    """The connection or layer a right-click on `item` means (a port or a label means its owner)."""
    while item is not None and not isinstance(item, (EdgeItem, NodeItem)):
        item = item.node_item if isinstance(item, PortItem) else item.parentItem()
    return item


def menu_for(scene, item: EdgeItem | NodeItem) -> QMenu:
    """Select `item` (keeping a selection it belongs to) and make its menu; "Delete" emits
    `scene.delete_requested`."""
    if not item.isSelected():
        scene.clearSelection()
        item.setSelected(True)
    menu = QMenu()
    if isinstance(item, EdgeItem):
        text = DELETE_CONNECTION
    else:
        count = len(scene.selected_node_ids())
        text = "Delete layer" if count == 1 else f"Delete {count} layers"
    action = menu.addAction(text)
    action.setShortcut(QKeySequence.Delete)  # shown beside the entry: the key does the same
    action.triggered.connect(scene.delete_requested)
    return menu
