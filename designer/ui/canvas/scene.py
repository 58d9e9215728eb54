"""The scene of one graph: it mirrors a `LayerGraph` through the graph's events and turns mouse gestures into
*requests* (connect, move) that the editor turns into undoable commands. It never edits the document itself."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QLineF, QPointF, QRectF, QTimer, Signal
from PySide6.QtGui import QColor, QPen, Qt, QTransform
from PySide6.QtWidgets import QGraphicsLineItem, QGraphicsScene, QGraphicsSceneMouseEvent

from designer.core.analysis import GraphReport, Message
from designer.core.shapes import format_shape
from designer.core.graph import GraphEvent, LayerGraph
from designer.ui import style
from designer.ui.canvas.context_menu import menu_for, target_of
from designer.ui.canvas.edge_item import EdgeItem
from designer.ui.canvas.group_frame import GroupFrame
from designer.ui.canvas.node_item import NodeItem, PortItem


#: layers moved in one turn of the event loop whose connections are routed at once (the rest: in one pass after)
IMMEDIATE_MOVES = 8
#: the scene's own rectangle (the frame of its index) grows in steps this big. Qt rebuilds the whole index when
#: that rectangle changes, and left to follow the items it changed with almost every routed connection: routing
#: the 582 connections of a 500-layer graph took 1.7 s, 0.15 s with this (the view has its own rectangle)
INDEX_ROOM = 3000.0
#: how far beyond a layer its connections' detours and labels may reach
DETOUR_REACH = 400.0


class GraphScene(QGraphicsScene):
    connect_requested = Signal(str, str)  # source id, target id
    connect_refused = Signal(str)  # the reason, in plain words
    move_finished = Signal(object)  # {node id: (old position, new position)}
    delete_requested = Signal()  # "Delete" chosen in a right-click menu: delete what is selected

    def __init__(self, graph: LayerGraph, parent=None) -> None:
        super().__init__(parent)
        self.graph = graph
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[tuple[str, str], EdgeItem] = {}
        self.report: GraphReport | None = None
        #: node id -> problems between the chosen data and this layer (shown as warnings with the analysis)
        self.data_problems: dict[str, list[str]] = {}
        self.report_complete = False
        self._drag_line: QGraphicsLineItem | None = None
        self._drag_source: PortItem | None = None
        self._press_positions: dict[str, tuple[float, float]] = {}
        self._syncing = False  # True while the scene moves items to follow the document
        self.setItemIndexMethod(QGraphicsScene.BspTreeIndex)
        self.setSceneRect(QRectF(-INDEX_ROOM, -INDEX_ROOM, 2 * INDEX_ROOM, 2 * INDEX_ROOM))
        #: group name -> its frame (layers unfolded from a nested model by an import)
        self.groups: dict[str, GroupFrame] = {}
        self._groups_due = False
        #: connections to route again once the event loop is free (a layer moved, came or went beside them)
        self._reroute_due: set[EdgeItem] = set()
        self._reroute_scheduled = False
        self._moved_this_turn = 0
        # routed once every layer is in: the index is built once, not after each of hundreds of additions
        self._building = True
        for node in graph.nodes():
            self._add_node(node.id)
        for edge in graph.edges():
            self._add_edge(edge)
        self._building = False
        self._make_room(self.itemsBoundingRect())
        for item in self.edges.values():
            item.update_path()
        graph.subscribe(self._on_graph_event)
        self.refresh_groups()

    def detach(self) -> None:
        """Stop following the document (before the scene is thrown away)."""
        self.graph.unsubscribe(self._on_graph_event)

    # ------------------------------------------------------------ following the document
    def _on_graph_event(self, event: GraphEvent) -> None:
        if event.kind == "node_added":
            self._add_node(event.node_id)
        elif event.kind == "node_removed":
            item = self.nodes.pop(event.node_id)
            rect = item.sceneBoundingRect()
            self.removeItem(item)
            self.reroute_near(rect)  # connections that went round it can take the short way again
        elif event.kind == "edge_added":
            self._add_edge(event.edge)
        elif event.kind == "edge_removed":
            edge_item = self.edges.pop((event.edge.source, event.edge.target))
            edge_item.detach()
            self.removeItem(edge_item)
        elif event.kind == "node_moved":
            item = self.nodes[event.node_id]
            position = QPointF(*self.graph.node(event.node_id).position)
            if item.pos() != position:
                self._syncing = True
                item.setPos(position)
                self._syncing = False
        elif event.kind in ("param_changed", "node_renamed"):
            item = self.nodes[event.node_id]
            item.update_from(self.graph.node(event.node_id))
            for edge_item in item.edges:
                edge_item.refresh_tooltip()  # it names the layers it joins
        if event.kind in ("node_added", "node_removed") and len(self.nodes) <= 1:
            self.update()  # the empty-canvas hint appears or goes: repaint the whole view, not one item
        if event.kind in ("node_added", "node_removed", "node_moved") and (self.groups or self._has_groups()):
            self.groups_changed()

    # ------------------------------------------------------------ groups
    def _has_groups(self) -> bool:
        return any(node.group for node in self.graph.nodes())

    def groups_changed(self) -> None:
        """A grouped layer moved, came or went: the frames follow once the event loop is free (a drag moves a
        layer many times a second; a whole import adds hundreds)."""
        if not self._groups_due:
            self._groups_due = True
            QTimer.singleShot(0, self.refresh_groups)

    def refresh_groups(self) -> None:
        self._groups_due = False
        bounds: dict[str, QRectF] = {}
        for node_id, item in self.nodes.items():
            group = self.graph.node(node_id).group if node_id in self.graph else ""
            if group:
                rect = item.sceneBoundingRect().adjusted(3, 3, -3, -3)
                bounds[group] = bounds[group].united(rect) if group in bounds else rect
        for name in set(self.groups) - set(bounds):
            self.removeItem(self.groups.pop(name))
        for name, rect in bounds.items():
            if name not in self.groups:
                self.groups[name] = GroupFrame(name)
                self.addItem(self.groups[name])
            self.groups[name].fit(rect)

    def _add_node(self, node_id: str) -> None:
        item = NodeItem(self.graph.node(node_id))
        self.nodes[node_id] = item
        self.addItem(item)
        if not self._building:
            self._make_room(item.sceneBoundingRect())
            self.reroute_near(item.sceneBoundingRect(), item)  # dropped onto a connection: it goes round
        if self.report is not None and node_id in self.report.nodes:
            item.set_report(self.shown_report(node_id), self.report_complete)

    def _add_edge(self, edge) -> None:
        item = EdgeItem(edge, self.nodes[edge.source], self.nodes[edge.target])
        self.edges[(edge.source, edge.target)] = item
        self.addItem(item)
        if not self._building:
            item.update_path()
        self._label_edge(item)

    # ------------------------------------------------------------ routing
    def node_moved(self, item: NodeItem, rect_before: QRectF) -> None:
        """A layer moved: its connections follow it, and those that ran round where it was, or now run under
        where it is, find a new way.

        A layer dragged alone takes its connections along at once (no frame with a line off its port); when
        many move in one go (auto-arrange, undo, a dragged selection) the rest wait for one pass once the event
        loop is free, so each connection is routed once, against the final layout."""
        self._make_room(item.sceneBoundingRect())
        self._moved_this_turn += 1
        if self._moved_this_turn <= IMMEDIATE_MOVES:
            for edge_item in item.edges:
                edge_item.update_path()
        else:
            self._reroute_due.update(item.edges)
        self.reroute_near(rect_before.united(item.sceneBoundingRect()), item)

    def _make_room(self, rect: QRectF) -> None:
        """Grow the index's frame, in big steps, to hold `rect` and the detours around it."""
        wanted = rect.adjusted(-DETOUR_REACH, -DETOUR_REACH, DETOUR_REACH, DETOUR_REACH)
        if not self.sceneRect().contains(wanted):
            self.setSceneRect(self.sceneRect().united(rect.adjusted(-INDEX_ROOM, -INDEX_ROOM, INDEX_ROOM, INDEX_ROOM)))

    def reroute_near(self, rect: QRectF, moved: NodeItem | None = None) -> None:
        """Route again, once the event loop is free, the connections near `rect` (except those of `moved`)."""
        for found in self.items(rect, Qt.IntersectsItemBoundingRect):
            if isinstance(found, EdgeItem) and (moved is None or found not in moved.edges):
                self._reroute_due.add(found)
        if not self._reroute_scheduled and (self._reroute_due or self._moved_this_turn):
            self._reroute_scheduled = True
            QTimer.singleShot(0, self._reroute_now)

    def _reroute_now(self) -> None:
        self._reroute_scheduled = False
        self._moved_this_turn = 0
        due, self._reroute_due = self._reroute_due, set()
        for item in due:
            if item.scene() is self:  # not deleted meanwhile
                item.update_path()

    # ------------------------------------------------------------ analysis
    def apply_report(self, report: GraphReport, complete: bool) -> None:
        """Show shapes, counts and messages; nodes added since the request keep their old look until the next."""
        self.report = report
        self.report_complete = complete
        for node_id, item in self.nodes.items():
            item.set_report(self.shown_report(node_id), complete)
        for item in self.edges.values():
            self._label_edge(item)

    def set_data_problems(self, problems: dict[str, list[str]]) -> None:
        """Show (or clear) mismatches between the chosen data and the layers."""
        if problems == self.data_problems:
            return
        changed = set(problems) | set(self.data_problems)
        self.data_problems = problems
        for node_id in changed:
            if node_id in self.nodes and self.report is not None:
                self.nodes[node_id].set_report(self.shown_report(node_id), self.report_complete)

    def set_findings(self, findings_by_node: dict[str, list]) -> None:
        """Show the training-health findings (node id -> its findings) as badges; other layers lose theirs."""
        for node_id, item in self.nodes.items():
            item.set_findings(findings_by_node.get(node_id, []))

    def shown_report(self, node_id: str):
        report = self.report.nodes.get(node_id) if self.report else None
        extra = self.data_problems.get(node_id)
        if report is None or not extra:
            return report
        return replace(report, messages=report.messages + [Message("warning", text) for text in extra])

    def _label_edge(self, item: EdgeItem) -> None:
        source = self.report.nodes.get(item.edge.source) if self.report else None
        shape = source.output_shape if source is not None and not source.has_error else None
        item.set_label(format_shape(shape) if shape is not None else "")

    # ------------------------------------------------------------ selection helpers
    def selected_node_ids(self) -> list[str]:
        return [item.node_id for item in self.selectedItems() if isinstance(item, NodeItem)]

    def selected_edges(self) -> list[EdgeItem]:
        return [item for item in self.selectedItems() if isinstance(item, EdgeItem)]

    def select_nodes(self, node_ids) -> None:
        self.clearSelection()
        for node_id in node_ids:
            if node_id in self.nodes:
                self.nodes[node_id].setSelected(True)

    # ------------------------------------------------------------ gestures
    def port_at(self, position: QPointF) -> PortItem | None:
        for item in self.items(position):
            if isinstance(item, PortItem):
                return item
        return None

    def node_at(self, position: QPointF) -> NodeItem | None:
        for item in self.items(position):
            if isinstance(item, NodeItem):
                return item
            if isinstance(item, PortItem):
                return item.node_item
        return None

    def contextMenuEvent(self, event) -> None:
        item = target_of(self.itemAt(event.scenePos(), QTransform()))
        if item is None:
            super().contextMenuEvent(event)
            return
        menu = menu_for(self, item)
        menu.exec(event.screenPos())
        event.accept()

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        port = self.port_at(event.scenePos()) if event.button() == Qt.LeftButton else None
        if port is not None and port.is_output:
            self._drag_source = port
            self._drag_line = QGraphicsLineItem(QLineF(port.scenePos(), event.scenePos()))
            self._drag_line.setPen(QPen(QColor(style.SELECTION_COLOUR).darker(120), 2.0, Qt.DashLine))
            self._drag_line.setZValue(10)
            self.addItem(self._drag_line)
            event.accept()
            return
        super().mousePressEvent(event)
        self._press_positions = {
            item.node_id: (item.pos().x(), item.pos().y())
            for item in self.selectedItems()
            if isinstance(item, NodeItem)
        }

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._drag_line is not None:
            self._drag_line.setLine(QLineF(self._drag_source.scenePos(), event.scenePos()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._drag_line is not None:
            self._finish_connection(event.scenePos())
            event.accept()
            return
        super().mouseReleaseEvent(event)
        moves = {}
        for node_id, old in self._press_positions.items():
            item = self.nodes.get(node_id)
            if item is not None and (item.pos().x(), item.pos().y()) != old:
                moves[node_id] = (old, (item.pos().x(), item.pos().y()))
        self._press_positions = {}
        if moves:
            self.move_finished.emit(moves)

    def _finish_connection(self, position: QPointF) -> None:
        source = self._drag_source.node_item.node_id
        self.removeItem(self._drag_line)
        self._drag_line = None
        self._drag_source = None
        target_port = self.port_at(position)
        target = target_port.node_item if target_port is not None else self.node_at(position)
        if target is None:
            return  # dropped on empty canvas: nothing to do, nothing to say
        if target.node_id == source and (target_port is None or target_port.is_output):
            return  # a click on a port, not a connection
        if target_port is not None and target_port.is_output and target.node_id != source:
            self.connect_refused.emit("Connect an output port (below a layer) to an input port (above a layer).")
            return
        reason = self.graph.can_connect(source, target.node_id)
        if reason:
            self.connect_refused.emit(reason[0].upper() + reason[1:] + ".")
            return
        self.connect_requested.emit(source, target.node_id)
