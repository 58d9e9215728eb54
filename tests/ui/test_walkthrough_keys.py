"""What a new student met with the keyboard (the walkthrough of issue 18): Redo on Ctrl+Shift+Z and Ctrl+Y, Ctrl+Z
in an inspector field after its value was committed undoes the project's last step, and a number the parameter
cannot take is refused in words with the previous value kept — all through real key events on the window."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest


def test_redo_on_ctrl_shift_z_and_ctrl_y(window, canvas):
    graph = canvas.editor.graph
    canvas.drop("Input", 0, 0)
    canvas.drop("Dense", 0, 150)
    assert len(graph) == 2
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert len(graph) == 1
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert len(graph) == 2
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert len(graph) == 0
    QTest.keyClick(window, Qt.Key_Y, Qt.ControlModifier)
    QTest.keyClick(window, Qt.Key_Y, Qt.ControlModifier)
    assert len(graph) == 2
    shortcuts = [k.toString() for k in window.redo_action.shortcuts()]
    assert len(shortcuts) == len(set(shortcuts)) and {"Ctrl+Shift+Z", "Ctrl+Y"} <= set(shortcuts)


def test_ctrl_z_in_a_committed_field_undoes_the_projects_last_step(window, canvas, qtbot):
    node = canvas.drop("Dense", 0, 0)
    canvas.click_node(node)
    units = window.inspector.field("units")
    canvas.type_into(units, "64")
    graph = canvas.editor.graph
    assert graph.node(node).params["units"] == 64 and window.undo_stack.undoText() == "Set units"
    QTest.keyClick(units, Qt.Key_Z, Qt.ControlModifier)  # the focus is still in the field
    assert graph.node(node).params["units"] == 32
    qtbot.waitUntil(lambda: units.value() == 32)  # the field follows
    QTest.keyClick(units, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert graph.node(node).params["units"] == 64
    kernel = window.inspector.field("kernel_regularizer")  # a text field
    canvas.type_into(kernel, "0, 0.001")
    assert graph.node(node).params["kernel_regularizer"] == [0.0, 0.001]
    QTest.keyClick(kernel, Qt.Key_Z, Qt.ControlModifier)
    assert graph.node(node).params["kernel_regularizer"] == [0.0, 0.0]


def test_a_number_the_parameter_cannot_take_is_refused_in_words(window, canvas):
    node = canvas.drop("Dense", 0, 0)
    canvas.click_node(node)
    units = window.inspector.field("units")
    graph = canvas.editor.graph
    steps = window.undo_stack.count()
    for typed in ("-5", "0"):
        canvas.type_into(units, typed)
        assert graph.node(node).params["units"] == 32 and units.value() == 32
        assert window.inspector.error_label.isVisible()
        assert window.inspector.error_label.text() == f"units must be at least 1 (got {typed})"
    assert window.undo_stack.count() == steps
    units.setFocus()
    QTest.keyClick(units, Qt.Key_Down)  # the arrows stay within what the parameter takes
    assert graph.node(node).params["units"] == 31
