"""The notes-002 Fashion-MNIST MLP built from an empty canvas the way a student would: drops from the palette,
port-to-port drags, typing in the inspector. Then undo everything, redo everything, save and reopen."""

from PySide6.QtCore import QPointF, Qt

from designer.core.project_files import dumps, load_project

LAYERS = [  # kind, parameter edits typed into the inspector
    ("Input", {"shape": "28, 28"}),
    ("Flatten", {}),
    ("Dense", {"units": "100"}),
    ("Dense", {"units": "75"}),
    ("Dense", {"units": "10", "activation": "softmax"}),
]


def set_parameter(canvas, window, name, text):
    field = window.inspector.field(name)
    if hasattr(field, "findText") and field.findText(text) >= 0:  # a choice: pick it in the combo box
        field.setFocus()
        field.setCurrentIndex(field.findText(text))
    else:
        canvas.type_into(field, text)


def build_mlp(canvas, window):
    ids = []
    for row, (kind, edits) in enumerate(LAYERS):
        node_id = canvas.drop(kind, 0, row * 150)
        if ids:
            canvas.connect(ids[-1], node_id)
        canvas.click_node(node_id)
        assert canvas.editor.scene.selected_node_ids() == [node_id]
        for name, text in edits.items():
            set_parameter(canvas, window, name, text)
        ids.append(node_id)
    canvas.wait_for_analysis()
    return ids


def test_fashion_mnist_mlp_by_hand_undo_redo_save_reopen(canvas, window, tmp_path):
    graph = canvas.editor.graph
    ids = build_mlp(canvas, window)

    assert [graph.node(i).kind for i in graph.topological_order()] == [k for k, _ in LAYERS]
    assert len(graph.edges()) == 4
    assert "Total params: 86,835" in window.summary.totals.text()
    assert window.summary.model.rowCount() == 5
    assert window.summary.cell_text(4, 2) == "(None, 10)"
    assert canvas.editor.scene.nodes[ids[-1]].report.output_shape == (None, 10)
    assert window.isWindowModified() and window.windowTitle().startswith("Untitled")
    built = dumps(window.project)

    steps = window.undo_stack.count()
    assert steps == 5 + 4 + 5  # a drop, a connection and a typed value are one step each
    while window.undo_stack.canUndo():
        window.undo_action.trigger()
    assert len(graph) == 0 and not graph.edges()
    assert not window.isWindowModified()

    while window.undo_stack.canRedo():
        window.redo_action.trigger()
    assert dumps(window.project) == built
    canvas.wait_for_analysis()
    assert "Total params: 86,835" in window.summary.totals.text()

    path = tmp_path / "mlp.json"
    assert window.save_to(str(path))
    assert not window.isWindowModified() and window.windowTitle().startswith("mlp.json")
    assert window.open_file(str(path))
    assert dumps(window.project) == built == dumps(load_project(path))
    assert str(path.resolve()) in window.recent.paths()


def test_invalid_connection_is_refused_with_the_reason(canvas, window):
    ids = build_mlp(canvas, window)
    graph = canvas.editor.graph
    edges_before = graph.edges()
    steps = window.undo_stack.count()
    canvas.connect(ids[4], ids[1])  # Flatten already has its one input
    assert graph.edges() == edges_before and window.undo_stack.count() == steps
    assert "takes one input and already has 1" in window.statusBar().currentMessage()

    first = canvas.drop("Concatenate", 400, 300)
    second = canvas.drop("Concatenate", 400, 450)
    canvas.connect(ids[2], first)
    canvas.connect(first, second)
    edges_before = graph.edges()
    canvas.connect(second, first)  # a merge takes several inputs, but not its own output
    assert graph.edges() == edges_before
    assert "would make a loop" in window.statusBar().currentMessage()


def test_shape_errors_show_on_the_node_in_plain_words(canvas, window):
    input_id = canvas.drop("Input", 0, 0)
    canvas.click_node(input_id)
    set_parameter(canvas, window, "shape", "28, 28, 1")
    dense = canvas.drop("Dense", 0, 150)
    canvas.connect(input_id, dense)
    canvas.wait_for_analysis()
    item = canvas.editor.scene.nodes[dense]
    assert item.has_error
    assert "Flatten" in item.toolTip()
    canvas.click_node(dense)
    assert "Flatten" in window.inspector.messages_label.text()


def test_refused_inspector_value_changes_nothing(canvas, window):
    node_id = canvas.drop("Dropout", 0, 0)
    canvas.click_node(node_id)
    steps = window.undo_stack.count()
    canvas.type_into(window.inspector.field("rate"), "1.5")
    assert canvas.editor.graph.node(node_id).params["rate"] != 1.5
    assert window.undo_stack.count() == steps
    assert "at most" in window.inspector.error_label.text()


def test_one_undo_step_per_move_and_per_paste(canvas, window):
    a = canvas.drop("Input", 0, 0)
    b = canvas.drop("Dense", 0, 150)
    canvas.connect(a, b)
    editor = canvas.editor
    editor.select_all()
    steps = window.undo_stack.count()
    start = editor.scene.nodes[b].scenePos() + QPointF(60, 45)
    canvas.drag(start, start + QPointF(200, 80))
    assert window.undo_stack.count() == steps + 1
    assert editor.graph.node(a).position == (95.0, 37.0) and editor.graph.node(b).position[0] > 50
    window.undo_action.trigger()
    assert editor.graph.node(a).position == (-105.0, -43.0)

    editor.select_all()
    editor.copy_selection()
    pasted = editor.paste()
    assert len(pasted) == 2 and len(editor.graph) == 4 and len(editor.graph.edges()) == 2
    assert window.undo_stack.count() == steps + 1
    assert set(editor.scene.selected_node_ids()) == set(pasted)
    names = {editor.graph.node(i).name for i in pasted}
    assert names.isdisjoint({editor.graph.node(a).name, editor.graph.node(b).name})
    window.undo_action.trigger()
    assert len(editor.graph) == 2


def test_delete_key_removes_the_selection_in_one_step(canvas, window, qtbot):
    a = canvas.drop("Input", 0, 0)
    b = canvas.drop("Dense", 0, 150)
    canvas.connect(a, b)
    canvas.click_node(b)
    window.delete_action.trigger()
    assert [node.id for node in canvas.editor.graph.nodes()] == [a] and not canvas.editor.graph.edges()
    window.undo_action.trigger()
    assert len(canvas.editor.graph) == 2 and len(canvas.editor.graph.edges()) == 1


def test_double_click_in_the_palette_adds_after_the_selection(canvas, window, qtbot):
    palette = window.palette
    first = canvas.drop("Input", 0, 0)
    canvas.click_node(first)
    for key in ("Flatten", "Dense"):
        item = palette.item_for(key)
        palette.tree.scrollToItem(item)
        qtbot.mouseDClick(palette.tree.viewport(), Qt.LeftButton, pos=palette.tree.visualItemRect(item).center())
    graph = canvas.editor.graph
    assert [graph.node(n).kind for n in graph.topological_order()] == ["Input", "Flatten", "Dense"]
    assert len(graph.edges()) == 2
    window.undo_action.trigger()  # one step: the Dense and its connection
    assert len(graph) == 2 and len(graph.edges()) == 1


def test_auto_arrange_is_one_step_and_layers_the_graph(canvas, window):
    a = canvas.drop("Input", 300, 300)
    b = canvas.drop("Dense", -200, 40)
    c = canvas.drop("Dense", 500, -300)
    d = canvas.drop("Concatenate", 0, 600)
    for source, target in ((a, b), (a, c), (b, d), (c, d)):
        canvas.connect(source, target)
    steps = window.undo_stack.count()
    canvas.editor.auto_arrange()
    graph = canvas.editor.graph
    y = {n: graph.node(n).position[1] for n in (a, b, c, d)}
    assert y[a] < y[b] == y[c] < y[d]
    assert window.undo_stack.count() == steps + 1


def test_a_connection_can_be_selected_and_deleted(canvas, window, qtbot):
    a = canvas.drop("Input", 0, 0)
    b = canvas.drop("Dense", 0, 200)
    canvas.connect(a, b)
    editor = canvas.editor
    edge_item = editor.scene.edges[(a, b)]
    middle = edge_item.path().pointAtPercent(0.5)
    qtbot.mouseClick(editor.view.viewport(), Qt.LeftButton, Qt.NoModifier, canvas.viewport_point(middle))
    assert editor.scene.selected_edges() == [edge_item]
    editor.view.setFocus()
    qtbot.keyClick(editor.view, Qt.Key_Delete)
    assert not editor.graph.edges() and len(editor.graph) == 2
    window.undo_action.trigger()
    assert len(editor.graph.edges()) == 1
