"""File → Open… on a Keras model: the model opens on the canvas as a new, unsaved project with a summary that says
what became what and then how the check against Keras went; a generic Keras layer's settings are edited in the
inspector; a model that cannot be imported is explained and the open project stays."""

from __future__ import annotations

import keras
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from designer.core.project_files import dumps

pytestmark = pytest.mark.slow


def small_model(path):
    inputs = keras.Input((4,), name="features")
    x = keras.layers.Dense(6, activation="relu", name="hidden")(inputs)
    # a constraint is something no palette entry can say: this layer is kept whole as a generic Keras layer
    x = keras.layers.Dense(3, kernel_constraint=keras.constraints.NonNeg(), name="kept_whole")(x)
    keras.Model(inputs, x, name="tiny").save(path)
    return str(path)


def test_a_keras_model_opens_as_a_project_with_a_summary_and_a_check(window, qtbot, tmp_path):
    window.new_project("perceptron")
    window.open_file(small_model(tmp_path / "tiny.keras"))
    qtbot.waitUntil(lambda: window.import_summary is not None and window.import_summary.isVisible(), timeout=60_000)
    assert window.project.name == "tiny" and window.path is None and window.isWindowModified()
    names = {node.name for node in window.current_editor().graph.nodes()}
    assert names == {"features", "hidden", "kept_whole"}
    assert window.project.trained["model"].layers["hidden"] == ((4, 6), (6,))
    dialog = window.import_summary
    assert "Imported tiny from tiny.keras: 3 layers" in dialog.text()
    assert dialog.table.rowCount() == 3 and dialog.table.item(2, 2).text() == "Keras layer"
    qtbot.waitUntil(lambda: "Checked:" in dialog.text(), timeout=60_000)
    assert "gives the same outputs" in dialog.text()
    qtbot.waitUntil(lambda: not window.import_busy(), timeout=10_000)


def test_a_generic_keras_layer_is_edited_in_the_inspector(window, qtbot, tmp_path, canvas):
    window.open_file(small_model(tmp_path / "tiny.keras"))
    qtbot.waitUntil(lambda: window.project.name == "tiny", timeout=60_000)
    graph = window.current_editor().graph
    node = graph.node_by_name("kept_whole")
    canvas.click_node(node.id)
    field = window.inspector.field("config").field("units")
    assert isinstance(field, QLineEdit) and field.text() == "3"
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, "5")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert graph.node_by_name("kept_whole").params["config"]["units"] == 5
    qtbot.waitUntil(lambda: window.current_editor().scene.report is not None
                    and window.current_editor().scene.report.nodes[node.id].output_shape == (None, 5), timeout=30_000)
    window.undo_stack.undo()
    assert graph.node_by_name("kept_whole").params["config"]["units"] == 3
    qtbot.waitUntil(lambda: not window.import_busy(), timeout=60_000)


def test_a_model_with_a_lambda_is_explained_and_the_open_project_stays(window, qtbot, tmp_path, read_next_dialog):
    window.new_project("perceptron")
    before = dumps(window.project)
    inputs = keras.Input((3,))
    path = tmp_path / "code.keras"
    keras.Model(inputs, keras.layers.Lambda(lambda x: x + 1, name="adds_one")(inputs)).save(path)
    messages = []
    read_next_dialog(messages)
    window.open_file(str(path))
    qtbot.waitUntil(lambda: bool(messages), timeout=60_000)
    assert "“code.keras” could not be opened" in messages[0]
    assert "adds_one (Lambda)" in messages[0] and "the project you had open is still here" in messages[0]
    qtbot.waitUntil(lambda: not window.import_busy(), timeout=10_000)
    assert dumps(window.project) == before


def test_a_nested_model_is_unfolded_inside_a_named_frame(window, qtbot, tmp_path):
    encoder = keras.Sequential([keras.Input((6,)), keras.layers.Dense(4, name="squeeze"),
                                keras.layers.Dense(2, name="code")], name="encoder")
    inputs = keras.Input((6,), name="raw")
    keras.Model(inputs, keras.layers.Dense(6, name="expand")(encoder(inputs)), name="auto").save(tmp_path / "auto.keras")
    window.open_file(str(tmp_path / "auto.keras"))
    qtbot.waitUntil(lambda: window.project.name == "auto", timeout=60_000)
    scene = window.current_editor().scene
    qtbot.waitUntil(lambda: "encoder" in scene.groups, timeout=5_000)
    frame = scene.groups["encoder"].frame()
    graph = window.current_editor().graph
    inside = {name: frame.contains(scene.nodes[graph.node_by_name(name).id].sceneBoundingRect())
              for name in ("raw", "squeeze", "code", "expand")}
    assert inside == {"raw": False, "squeeze": True, "code": True, "expand": False}
    # a framed layer dragged away: the frame follows it
    code = scene.nodes[graph.node_by_name("code").id]
    code.setPos(code.pos().x() + 400, code.pos().y())
    qtbot.waitUntil(lambda: scene.groups["encoder"].frame().contains(code.sceneBoundingRect()), timeout=5_000)
    qtbot.waitUntil(lambda: not window.import_busy(), timeout=60_000)
