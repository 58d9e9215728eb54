"""A second output is never made by accident: with a layer of a chain selected, a double-click in the palette puts
the new layer between it and the next (nothing drawn on top of another layer); a network that does have more
outputs than the data has targets is marked on the canvas, in words, and Train refuses before it starts."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from designer.core.commands import Connect
from designer.core.layout import overlaps


def double_click_in_palette(window, qtbot, key):
    tree = window.palette.tree
    item = window.palette.item_for(key)
    tree.scrollToItem(item)
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(item).center())


def test_dropout_after_a_selected_dense_goes_in_between_and_two_outputs_are_said(window, canvas, qtbot):
    window.new_project("digits_mlp")
    graph = canvas.editor.graph
    dense, output = graph.node_by_name("dense").id, graph.node_by_name("dense_1").id
    canvas.click_node(dense)
    double_click_in_palette(window, qtbot, "Dropout")
    dropout = graph.node_by_name("dropout").id
    assert [graph.node(n).kind for n in graph.topological_order()] == ["Input", "Dense", "Dropout", "Dense"]
    assert graph.outputs_of(dropout) == [output]
    assert not overlaps(graph, graph.node(dropout).position, ignore={dropout})
    assert window.undo_stack.undoText() == "Add Dropout"

    window.run_command(Connect(dense, canvas.drop("Dense", 600, 300)), graph)  # a second output, made by hand
    canvas.wait_for_analysis()
    qtbot.waitUntil(lambda: output in canvas.editor.scene.data_problems, timeout=30_000)
    said = canvas.editor.scene.data_problems[output][0]
    assert said.startswith("This network has 2 outputs (dense_1, dense_2), but the data gives one target")
    QTest.keyClick(window, Qt.Key_F5)
    assert window.training_run is None
    assert "This network has 2 outputs" in window.training_panel.status.text()
