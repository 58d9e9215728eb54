"""Connections on the canvas as a student meets them: a new connection never hides under a layer (it routes
around the layers between its ends, and again when a layer moves), long names stay readable (tooltips, middle
elision), and a connection or a layer can be removed from its right-click menu."""

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QPainterPath, QPainterPathStroker
from PySide6.QtWidgets import QApplication

from designer.ui.canvas.context_menu import DELETE_CONNECTION
from designer.ui.canvas.node_item import NODE_HEIGHT, NODE_WIDTH, header_kind_width
from designer.ui.canvas.routing import Body, route

STACK = ["Input", "Conv2D", "MaxPooling2D", "Flatten", "Dense"]


def build_stack(canvas):
    """The walkthrough's stack, top to bottom, each layer fed by the one above except the Dense (the Flatten sits
    between the pooling layer and the Dense but is not connected to the Dense)."""
    ids = [canvas.drop(kind, 0, row * 150) for row, kind in enumerate(STACK)]
    for source, target in zip(ids[:3], ids[1:4]):
        canvas.connect(source, target)
    return dict(zip(STACK, ids))


def scene_path(edge) -> QPainterPath:
    return edge.mapToScene(edge.shape())  # the clickable band (10 px wide): stricter than the thin line


def assert_clear(scene, edge):
    """The connection touches no layer but its own two ends, and those only at their ports."""
    band = scene_path(edge)
    for item in scene.nodes.values():
        body = QPainterPath()
        body.addRect(item.sceneBoundingRect())
        if item in (edge.source, edge.target):
            port = edge.source.output_port if item is edge.source else edge.target.input_port
            near_port = QRectF(port.scenePos() - QPointF(10, 10), port.scenePos() + QPointF(10, 10))
            assert near_port.contains(band.intersected(body).boundingRect()), f"the line runs over {item.name}"
        else:
            assert not band.intersects(body), f"the connection runs under {item.name}"
            assert not edge.label.sceneBoundingRect().intersects(item.sceneBoundingRect())


def test_a_connection_past_a_layer_goes_round_it_and_follows_moves(canvas, qtbot):
    ids = build_stack(canvas)
    canvas.connect(ids["MaxPooling2D"], ids["Dense"])
    scene = canvas.editor.scene
    edge = scene.edges[(ids["MaxPooling2D"], ids["Dense"])]
    assert edge.route.detour  # a straight line would run behind the Flatten
    assert_clear(scene, edge)
    # it still ends on the ports: out of the pooling layer's, into the Dense's
    assert edge.path().pointAtPercent(0) == edge.source.output_port.scenePos()
    assert edge.path().pointAtPercent(1) == edge.target.input_port.scenePos()
    assert "Del" in edge.toolTip() and "MaxPooling2D".lower() in edge.toolTip().replace("_", "")

    # the Flatten dragged aside: the connection takes the short way again
    flatten = scene.nodes[ids["Flatten"]]
    grab = flatten.scenePos() + QPointF(60, 45)
    canvas.drag(grab, grab + QPointF(400, 0))
    qtbot.waitUntil(lambda: not edge.route.detour)
    assert_clear(scene, edge)

    # and dragged back between them: it goes round again
    grab = flatten.scenePos() + QPointF(60, 45)
    canvas.drag(grab, grab - QPointF(400, 0))
    qtbot.waitUntil(lambda: edge.route.detour)
    assert_clear(scene, edge)

    # one of its own ends moved: it follows at once, still clear
    dense = scene.nodes[ids["Dense"]]
    grab = dense.scenePos() + QPointF(60, 45)
    canvas.drag(grab, grab + QPointF(-90, 60))
    assert_clear(scene, edge)
    assert edge.path().pointAtPercent(1) == dense.input_port.scenePos()


def test_a_layer_dropped_onto_a_connection_pushes_it_aside(canvas, qtbot):
    top = canvas.drop("Input", 0, 0)
    bottom = canvas.drop("Dense", 0, 450)
    canvas.connect(top, bottom)
    scene = canvas.editor.scene
    edge = scene.edges[(top, bottom)]
    assert not edge.route.detour
    canvas.drop("Dropout", 0, 225)
    qtbot.waitUntil(lambda: edge.route.detour)
    assert_clear(scene, edge)


def test_routing_picks_the_clear_side_and_keeps_off_neighbours():
    """Pure geometry: a column with a neighbour beside the blocking layer on the right goes left."""
    size = (NODE_WIDTH, NODE_HEIGHT)
    source, target = QRectF(0, 0, *size), QRectF(0, 300, *size)
    middle, right = QRectF(0, 150, *size), QRectF(240, 120, *size)
    bodies = [Body(source, own=True), Body(target, own=True), Body(middle), Body(right)]

    def layers_near(region):
        return [body for body in bodies if body.rect.intersects(region)]

    start, end = QPointF(NODE_WIDTH / 2, NODE_HEIGHT), QPointF(NODE_WIDTH / 2, 300)
    found = route(start, end, layers_near)
    assert found.detour and found.label_left  # the right-hand way is longer: it has to pass the neighbour too
    stroker = QPainterPathStroker()
    stroker.setWidth(2)
    line = stroker.createStroke(found.path)  # an open path's intersects() would count the area under its chord
    for body in (middle, right):
        assert not line.intersects(body)
    assert found.path.pointAtPercent(0) == start and found.path.pointAtPercent(1) == end


def open_context_menu(canvas, scene_point, choose):
    """Right-click at a scene point and trigger the menu entry called `choose`; returns the entries offered."""
    offered = []

    def pick():
        menu = QApplication.activePopupWidget()
        if menu is None:
            QTimer.singleShot(20, pick)
            return
        offered.extend(action.text() for action in menu.actions())
        menu.close()
        for action in menu.actions():
            if action.text() == choose:
                action.trigger()

    view = canvas.editor.view
    point = canvas.viewport_point(scene_point)
    QTimer.singleShot(20, pick)
    event = QContextMenuEvent(QContextMenuEvent.Mouse, point, view.viewport().mapToGlobal(point))
    QApplication.sendEvent(view.viewport(), event)
    return offered


def test_right_click_deletes_a_connection_or_a_layer_in_one_undo_step(canvas, window, qtbot):
    top = canvas.drop("Input", 0, 0)
    bottom = canvas.drop("Dense", 0, 200)
    canvas.connect(top, bottom)
    graph, scene = canvas.editor.graph, canvas.editor.scene
    edge = scene.edges[(top, bottom)]
    on_line = edge.path().pointAtPercent(0.5)
    offered = open_context_menu(canvas, on_line, DELETE_CONNECTION)
    qtbot.waitUntil(lambda: not graph.edges())
    assert offered == [DELETE_CONNECTION]
    assert len(graph) == 2
    window.undo_action.trigger()
    assert len(graph.edges()) == 1

    offered = open_context_menu(canvas, scene.nodes[bottom].scenePos() + QPointF(60, 45), "Delete layer")
    qtbot.waitUntil(lambda: bottom not in graph)
    assert offered == ["Delete layer"] and not graph.edges()
    window.undo_action.trigger()
    assert bottom in graph and len(graph.edges()) == 1


def test_long_names_are_in_tooltips_and_keep_their_number(canvas, window):
    ids = build_stack(canvas)
    canvas.wait_for_analysis()
    scene = canvas.editor.scene
    pooling = scene.nodes[ids["MaxPooling2D"]]
    assert pooling.name in pooling.toolTip()
    # a default name says its kind: when both do not fit, the kind gives way to the whole name
    assert header_kind_width("max_pooling2d_12", "MaxPooling2D", 120, 80, NODE_WIDTH - 34) == 0
    assert header_kind_width("my_very_long_pool_name", "MaxPooling2D", 150, 80, NODE_WIDTH - 34) == 88
    assert header_kind_width("dense", "Dense", 40, 35, NODE_WIDTH - 34) == 43

    model = window.summary.model
    rows = [model.rows[r][1][0] for r in range(model.rowCount())]
    row = rows.index(pooling.name)
    for column in range(4):
        text = model.rows[row][1][column]
        tip = model.data(model.index(row, column), Qt.ToolTipRole)
        assert text in tip if text else tip is None or text not in tip
    assert pooling.name in model.data(model.index(row, 0), Qt.ToolTipRole)


def test_right_click_on_empty_canvas_offers_no_delete(canvas):
    canvas.drop("Input", 0, 0)
    view = canvas.editor.view
    point = canvas.viewport_point(QPointF(600, 600))
    event = QContextMenuEvent(QContextMenuEvent.Mouse, point, view.viewport().mapToGlobal(point))
    QApplication.sendEvent(view.viewport(), event)
    popup = QApplication.activePopupWidget()  # the window's own menu of panels and toolbars, if any
    if popup is not None:
        print([a.text() for a in popup.actions()])
        assert not any("Delete" in action.text() for action in popup.actions())
        popup.close()
    assert len(canvas.editor.graph) == 1
