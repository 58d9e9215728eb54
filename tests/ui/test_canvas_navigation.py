"""Selecting and moving around the canvas with the mouse: rubber band, wheel zoom, middle-button pan, fit."""

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication


def wheel(view, steps):
    centre = QPointF(view.viewport().rect().center())
    event = QWheelEvent(
        centre, view.viewport().mapToGlobal(centre), QPoint(), QPoint(0, 120 * steps),
        Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False,
    )
    QApplication.sendEvent(view.viewport(), event)


def test_rubber_band_selects_the_layers_inside_it(canvas):
    a = canvas.drop("Input", 0, 0)
    b = canvas.drop("Dense", 0, 150)
    far = canvas.drop("Dense", 900, 150)
    canvas.drag(QPointF(-160, -80), QPointF(160, 230))
    assert set(canvas.editor.scene.selected_node_ids()) == {a, b}
    assert far not in canvas.editor.scene.selected_node_ids()


def test_wheel_zooms_within_limits_and_fit_shows_everything(canvas):
    view = canvas.editor.view
    for node_x in (0, 2500):
        canvas.drop("Dense", node_x, 0)
    start = view.zoom()
    wheel(view, 2)
    assert view.zoom() > start
    for _ in range(40):
        wheel(view, -1)
    assert abs(view.zoom() - 0.1) < 1e-6  # the lower limit
    canvas.editor.fit_to_view()
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert visible.contains(canvas.editor.scene.itemsBoundingRect())
    assert view.zoom() <= 1.0


def test_middle_button_drag_pans_the_view(canvas, qtbot):
    view = canvas.editor.view
    canvas.drop("Input", 0, 0)
    before = view.mapToScene(view.viewport().rect().center())
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MiddleButton, pos=QPoint(300, 300))
    qtbot.mouseMove(viewport, QPoint(250, 260))
    qtbot.mouseMove(viewport, QPoint(200, 220))
    qtbot.mouseRelease(viewport, Qt.MiddleButton, pos=QPoint(200, 220))
    after = view.mapToScene(view.viewport().rect().center())
    assert (after.x() - before.x(), after.y() - before.y()) == (100, 80)  # the canvas follows the hand
    assert len(canvas.editor.graph) == 1 and canvas.window.undo_stack.count() == 1  # panning is not an edit
