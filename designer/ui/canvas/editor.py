"""The editor of one graph: its scene and view, and every canvas edit turned into an undoable command.

Adding (drop or double-click in the palette), connecting, moving, deleting, copy/paste and auto-arrange all go
through `designer.core.commands` on the window's single QUndoStack; an edit of several steps is one core
`Compound`. A refused edit is reported through `message` in plain words, returned by `run`, and changes nothing.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QMimeData, QPointF, Signal
from PySide6.QtGui import QCursor, QGuiApplication, QUndoStack
from PySide6.QtWidgets import QToolTip, QVBoxLayout, QWidget

from designer.core import catalogue
from designer.core.commands import AddNode, AddSubgraph, Compound, Connect, Disconnect, MoveNodes, RemoveNodes
from designer.core.graph import LayerGraph
from designer.core.layout import layered_positions
from designer.core.insert import insert_after
from designer.core.project_files import ProjectError, graph_from_dict, graph_to_dict
from designer.ui.canvas.node_item import NODE_HEIGHT, NODE_WIDTH
from designer.ui.canvas.scene import GraphScene
from designer.ui.canvas.view import GraphView
from designer.ui.undo import run

SUBGRAPH_MIME = "application/x-designer-subgraph"
PASTE_OFFSET = 30.0


class GraphEditor(QWidget):
    message = Signal(str)  # a refusal or a notice for the status bar
    selection_changed = Signal()

    def __init__(self, graph: LayerGraph, undo_stack: QUndoStack, parent=None) -> None:
        super().__init__(parent)
        self.graph = graph
        self.undo_stack = undo_stack
        self.scene = GraphScene(graph, self)
        self.view = GraphView(self.scene, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.scene.connect_requested.connect(self.connect_layers)
        self.scene.connect_refused.connect(self._show_refusal)
        self.scene.move_finished.connect(self._record_move)
        self.scene.delete_requested.connect(self.delete_selection)
        self.scene.selectionChanged.connect(self.selection_changed)
        self.view.layer_dropped.connect(self.add_layer)
        self._paste_count = 0

    def detach(self) -> None:
        self.scene.detach()

    def _show_refusal(self, reason: str) -> None:
        """A refused connection: the reason next to the mouse, where the person is looking, and in the status bar."""
        QToolTip.showText(QCursor.pos(), reason, self.view)
        self.message.emit(reason)

    # ------------------------------------------------------------------ running commands
    def run(self, command) -> str | None:
        """Do a command on this graph through the undo stack: None when done, else the reason it was refused
        (also sent to `message`)."""
        refusal = run(self.undo_stack, self.graph, command)
        if refusal is not None:
            self.message.emit(refusal)
        return refusal

    # ------------------------------------------------------------------ adding
    def add_layer(self, key: str, position: QPointF) -> str | None:
        """Add a layer of kind `key` centred at `position` (scene coordinates); returns its id."""
        command = AddNode(key, (position.x() - NODE_WIDTH / 2, position.y() - NODE_HEIGHT / 2))
        if self.run(command) is not None:
            return None
        self.scene.select_nodes([command.node_id])
        return command.node_id

    def add_after_selection(self, key: str) -> str | None:
        """Add a layer below the selected one and connect them (one undo step). In a chain, the layer goes
        between the selected one and the next (the layers below move down a row); it never lands on another.

        With nothing selected, the new layer goes after the graph's only open end (so repeated double-clicks
        build a stack), or in the middle of the view if there is none or several.
        """
        selected = self.scene.selected_node_ids()
        anchor = selected[-1] if len(selected) == 1 else None
        if anchor is None and not selected:
            sinks = self.graph.sinks()
            anchor = sinks[0] if len(sinks) == 1 else None
        if anchor is None:
            centre = self.view.mapToScene(self.view.viewport().rect().center())
            return self.add_layer(key, centre)
        kind = catalogue.get(key)
        node_id = self.graph.new_node_id()
        steps = insert_after(self.graph, anchor, key, node_id, takes_input=not kind.is_source)
        if self.run(Compound(f"Add {kind.title}", steps)) is not None:
            return None
        self.scene.select_nodes([node_id])
        self.view.ensureVisible(self.scene.nodes[node_id], 40, 40)
        return node_id

    def connect_layers(self, source: str, target: str) -> str | None:
        """Connect two layers; None when done, else why not."""
        return self.run(Connect(source, target))

    # ------------------------------------------------------------------ removing
    def delete_selection(self) -> None:
        """Delete the selected layers (with their connections) and connections, as one undo step."""
        node_ids = self.scene.selected_node_ids()
        edges = [
            item.edge for item in self.scene.selected_edges()
            if item.edge.source not in node_ids and item.edge.target not in node_ids
        ]
        if not node_ids and not edges:
            return
        steps = [Disconnect(edge.source, edge.target) for edge in edges]
        if node_ids:
            steps.append(RemoveNodes(node_ids))
        self.run(Compound("Delete", steps))

    # ------------------------------------------------------------------ moving
    def _record_move(self, moves: dict) -> None:
        # the items are already where the mouse left them; the command brings the document along
        self.run(MoveNodes(moves))

    def auto_arrange(self) -> None:
        """Lay the graph out in layers (networkx topological generations), inputs on top; one undo step."""
        positions = layered_positions(self.graph)
        moves = {
            node_id: (self.graph.node(node_id).position, position)
            for node_id, position in positions.items()
            if self.graph.node(node_id).position != position
        }
        if moves:
            command = MoveNodes(moves)
            command.text = "Auto-arrange"
            self.run(command)
        self.view.fit_to_view()

    # ------------------------------------------------------------------ clipboard
    def copy_selection(self) -> bool:
        node_ids = self.scene.selected_node_ids()
        if not node_ids:
            return False
        data = graph_to_dict(self.graph.subgraph(node_ids))
        mime = QMimeData()
        text = json.dumps(data)
        mime.setData(SUBGRAPH_MIME, text.encode("utf-8"))
        mime.setText(text)
        QGuiApplication.clipboard().setMimeData(mime)
        self._paste_count = 0
        return True

    def cut_selection(self) -> None:
        if self.copy_selection():
            self.delete_selection()

    def paste(self) -> list[str]:
        """Paste layers copied from this or another graph (or project), shifted so they do not hide the originals."""
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None or not mime.hasFormat(SUBGRAPH_MIME):
            self.message.emit("Nothing to paste: copy some layers first (select them, then Ctrl+C).")
            return []
        try:
            pasted = graph_from_dict(json.loads(bytes(mime.data(SUBGRAPH_MIME)).decode("utf-8")), "clipboard")
        except (ProjectError, ValueError) as error:
            self.message.emit(f"The clipboard does not hold layers this app can paste ({error}).")
            return []
        self._paste_count += 1
        offset = PASTE_OFFSET * self._paste_count
        command = AddSubgraph(pasted.nodes(), pasted.edges(), (offset, offset))
        if self.run(command) is not None:
            return []
        new_ids = list(command.id_map.values())
        self.scene.select_nodes(new_ids)
        return new_ids

    def select_all(self) -> None:
        self.scene.select_nodes(self.scene.nodes)

    def fit_to_view(self) -> None:
        self.view.fit_to_view()

