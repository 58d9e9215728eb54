"""What training learned, in the window: a run's weights are kept with the project as one undoable change to
save, the Training panel says what an edit keeps of them, Reset Weights forgets them, a reopened project is
trained (or says why not), crash recovery keeps them, and File → Export… writes a file and shows its check."""

import json
import shutil

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from designer.core.commands import SetDataset, SetParameter
from designer.core.project import DatasetChoice


def train_in_the_window(window, qtbot, template="perceptron", epochs=2):
    window.new_project(template)
    window.project.training.update(epochs=epochs, seed=1)
    qtbot.mouseClick(window.training_panel.train_button, Qt.LeftButton)
    run = window.training_run
    qtbot.waitUntil(lambda: run.result is not None or run.error is not None, timeout=120_000)
    qtbot.waitUntil(lambda: window.training_panel.train_button.isEnabled(), timeout=10_000)
    assert run.error is None, run.error
    return run


def test_a_run_is_kept_with_the_project_as_one_undoable_change(window, qtbot):
    assert window.training_panel.weights_label.full_text== "Not trained yet."
    train_in_the_window(window, qtbot, epochs=2)
    assert set(window.project.trained) == {"model"} and window.is_modified
    assert window.undo_stack.undoText() == "Train 2 epochs"
    assert "Trained 2 epochs" in window.training_panel.weights_label.full_text
    assert window.reset_weights_action.isEnabled()
    window.undo_stack.undo()
    assert window.project.trained == {} and "Not trained yet" in window.training_panel.weights_label.full_text
    window.undo_stack.redo()
    window.reset_weights_action.trigger()
    assert window.project.trained == {} and window.undo_stack.undoText() == "Reset weights"


def test_an_edit_says_which_layers_keep_what_they_learned(window, qtbot):
    train_in_the_window(window, qtbot, template="feedforward_binary", epochs=1)
    graph = window.project.graph()
    hidden = [n for n in graph.nodes() if n.kind == "Dense"][-2]
    window.run_command(SetParameter(hidden.id, "units", hidden.params["units"] + 3), graph)
    qtbot.waitUntil(lambda: window.analysis_settled(graph), timeout=60_000)
    line = window.training_panel.weights_label.full_text
    assert "edited since" in line and "start again" in line and "Reset Weights" in line
    assert hidden.name in line


def test_a_saved_trained_project_reopens_trained_and_a_missing_file_is_said(window, qtbot, tmp_path):
    run = train_in_the_window(window, qtbot, epochs=2)
    path = tmp_path / "perceptron.json"
    assert window.save_to(str(path)) and not window.is_modified
    [weights] = list(tmp_path.glob("*.weights.h5"))
    assert window.open_file(str(path))
    assert window.project.trained["model"].data == run.result.trained["model"].data
    assert "Trained 2 epochs" in window.training_panel.weights_label.full_text

    moved = tmp_path / "elsewhere"
    moved.mkdir()
    shutil.copy(path, moved / path.name)  # the project without its weights
    assert window.open_file(str(moved / path.name))
    assert window.project.trained == {} and "are missing" in window.training_panel.weights_label.full_text
    assert weights.is_file() and not list(moved.glob("*.weights.h5"))  # nothing written until the person saves


def test_the_autosave_keeps_the_trained_weights(window, qtbot):
    train_in_the_window(window, qtbot, epochs=1)
    window.autosave()
    saved = window.recovery.project_path
    entry = json.loads(saved.read_text())["trained"]["model"]
    assert (saved.parent / entry["file"]).is_file()
    window.recovery.clear()
    assert not (saved.parent / entry["file"]).exists()


def test_export_dialog_writes_the_file_and_shows_its_check(window, qtbot, tmp_path):
    train_in_the_window(window, qtbot, epochs=1)
    window.export_action.trigger()
    dialog = window._export_dialog
    dialog.choose_format("onnx")
    assert dialog.opset_box.isVisible() and not dialog.precision_box.isVisible()
    dialog.path_edit.clear()
    qtbot.keyClicks(dialog.path_edit, str(tmp_path / "perceptron.onnx"))
    with qtbot.waitSignal(dialog.exported, timeout=240_000) as exported:
        qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
    result = exported.args[0]
    assert result.ok and (tmp_path / "perceptron.onnx").is_file()
    assert "ONNX: same outputs" in dialog.verdict.text() and "✓" in dialog.verdict.text()
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.Close), Qt.LeftButton)
    assert not dialog.isVisible()


def test_score_and_try_shows_the_trained_model_in_the_model_panel(window, qtbot):
    window.new_project("digits_mlp")
    choice = window.project.dataset
    window.run_command(SetDataset(DatasetChoice(choice.name, {**choice.options, "test_fraction": 0.2})))
    window.project.training.update(epochs=2, seed=1)
    panel = window.model_panel
    window.model_action.trigger()
    assert "Not trained yet" in panel.message()
    qtbot.mouseClick(window.training_panel.train_button, Qt.LeftButton)
    run = window.training_run
    qtbot.waitUntil(lambda: run.result is not None, timeout=120_000)
    # the panel in view follows the project: the kept weights are built, scored and shown in the background
    qtbot.waitUntil(lambda: "test rows never seen in training" in panel.scores_label.text(), timeout=120_000)
    assert "Trained 2 epochs" in panel.summary_label.text()
    panel.try_sample(0)
    classes, chances = zip(*panel.probabilities())
    assert abs(sum(chances) - 1) < 1e-3 and list(chances) == sorted(chances, reverse=True)
    window.reset_weights_action.trigger()
    qtbot.waitUntil(lambda: "Not trained yet" in panel.message(), timeout=10_000)


def test_closing_while_the_model_panel_is_being_built_waits_for_it(window, qtbot):
    train_in_the_window(window, qtbot, epochs=1)
    window.show_model_panel()
    assert window._model_task is not None and window._model_task.isRunning()
    window.undo_stack.setClean()
    assert window.close()  # waits for the job: a QThread destroyed while it runs would end the process
    assert window._model_task is None or not window._model_task.isRunning()


def test_the_window_does_not_close_while_an_export_is_checked(window, qtbot, tmp_path, monkeypatch):
    train_in_the_window(window, qtbot, epochs=1)
    said = []
    monkeypatch.setattr("designer.ui.main_window.QMessageBox.information", lambda *args: said.append(args[2]))
    window.export_action.trigger()
    dialog = window._export_dialog
    dialog.path_edit.setText(str(tmp_path / "perceptron.keras"))
    with qtbot.waitSignal(dialog.exported, timeout=240_000):
        qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
        window.undo_stack.setClean()
        assert not window.close() and "being written and checked" in said[0]
    assert not window.export_in_progress()
