"""Runs and sweeps in the window: each run trained with the Train button is recorded in the Runs panel, ticked
runs' curves are drawn together with what differed beside them, a note is typed into the table, a run's settings
come back as one undo step, the table goes to CSV, and a sweep started from the Sweep dialog fills the table trial
by trial, plots the score against the varied value, and its best is applied as one step."""

import csv

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from designer.core.commands import SetParameter, SetTraining
from designer.core.graph import LayerGraph
from designer.core.project import DatasetChoice, Project, check_training


def small_project(learning_rate=0.02):
    graph = LayerGraph()
    x = graph.add("Input", shape=[2])
    x = graph.add("Dense", x, units=4, activation="relu")
    graph.add("Dense", x, units=1, activation="sigmoid")
    return Project.single(graph, dataset=DatasetChoice("sum_threshold"),
                          training=check_training({"epochs": 2, "batch_size": 32, "seed": 3,
                                                   "learning_rate": learning_rate}))


def train_once(window, qtbot):
    panel = window.training_panel
    qtbot.waitUntil(lambda: window.data.dataset_for(window.project.dataset) is not None, timeout=60_000)
    qtbot.mouseClick(panel.train_button, Qt.LeftButton)
    run = window.training_run
    qtbot.waitUntil(lambda: run.result is not None or run.error is not None, timeout=120_000)
    assert run.error is None
    qtbot.waitUntil(lambda: panel.train_button.isEnabled(), timeout=10_000)


def test_runs_are_recorded_compared_noted_restored_and_exported(window, qtbot, tmp_path):
    window.set_project(small_project(), None)
    runs = window.runs_panel
    assert runs.table.rowCount() == 0 and runs.empty.isVisibleTo(runs)

    train_once(window, qtbot)
    assert [r.number for r in window.project.runs] == [1]
    assert window.undo_stack.undoText() == "Train 2 epochs"  # the weights and the record: one step
    window.run_command(SetTraining("learning_rate", 0.005))
    train_once(window, qtbot)
    assert [r.number for r in window.project.runs] == [1, 2]
    first, second = window.project.runs
    assert first.training["learning_rate"] == 0.02 and second.training["learning_rate"] == 0.005
    assert second.epochs_before == 2  # it went on from the first run's weights, and says so
    assert len(first.history["loss"]) == 2 and first.device and first.seconds > 0

    window.show_runs_panel()
    assert runs.table.rowCount() == 2
    assert "lr" in runs.columns()
    header = runs.table.horizontalHeaderItem(runs.columns().index("lr"))
    assert header.font().bold()  # the learning rate differs between the runs: its column stands out
    plots = runs.plots
    assert plots.curve_count() == 2  # both ticked: both drawn
    assert "#1 lr 0.02" in plots.curve_legend.text() and "#2 lr 0.005" in plots.curve_legend.text()
    runs.set_ticked(1, False)
    assert plots.curve_count() == 1
    graph = window.project.graph("model")
    window.run_command(SetParameter(graph.node_by_name("dense").id, "units", 6), graph)
    qtbot.waitUntil(lambda: window.analysis_settled(graph), timeout=30_000)
    qtbot.wait(50)
    assert runs.ticked == {2} and plots.curve_count() == 1  # an edit and its analysis leave the ticks alone
    window.undo_stack.undo()

    # a note typed into the table is one undo step
    row = next(r for r in range(2) if runs.table.item(r, 1).key == 1)
    note_cell = runs.table.item(row, runs.table.columnCount() - 1)
    note_cell.setText("the first try")
    assert window.project.run(1).note == "the first try"
    assert window.undo_stack.undoText() == "Note on run 1"

    # restoring run 1 brings back its learning rate, as one undo step
    runs.table.selectRow(next(r for r in range(2) if runs.table.item(r, 1).key == 1))
    assert runs.restore_button.isEnabled()
    qtbot.mouseClick(runs.restore_button, Qt.LeftButton)
    assert window.project.training["learning_rate"] == 0.02
    assert window.undo_stack.undoText() == "Restore run 1"
    window.undo_stack.undo()
    assert window.project.training["learning_rate"] == 0.005

    target = tmp_path / "runs.csv"
    assert window.write_runs_csv(str(target))
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [row["run"] for row in rows] == ["1", "2"] and rows[0]["note"] == "the first try"
    assert rows[1]["learning_rate"] == "0.005"

    runs.table.selectRow(0)
    qtbot.mouseClick(runs.delete_button, Qt.LeftButton)
    assert len(window.project.runs) == 1
    window.undo_stack.undo()
    assert len(window.project.runs) == 2


def test_a_sweep_from_the_dialog_fills_the_table_and_applies_its_best(window, qtbot):
    window.set_project(small_project(), None)
    qtbot.waitUntil(lambda: window.data.dataset_for(window.project.dataset) is not None, timeout=60_000)
    window.sweep_dialog()
    dialog = window._sweep_dialog
    name, values, log = dialog.rows[0]
    assert name.currentText() == "learning_rate"
    log.setChecked(False)
    values.setText("0.1, 0.01, 0.001")
    values.textEdited.emit(values.text())
    dialog.epochs.setValue(2)
    assert "3 trials" in dialog.message.text()
    values.setText("0.1, -1")
    values.textEdited.emit(values.text())
    assert "learning_rate" in dialog.message.text() and not dialog.buttons.button(QDialogButtonBox.Ok).isEnabled()
    values.setText("0.1, 0.01, 0.001")
    values.textEdited.emit(values.text())
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.Ok), Qt.LeftButton)

    runner = window.sweep_run
    assert runner is not None
    qtbot.waitUntil(lambda: runner.over, timeout=240_000)
    records = window.project.runs
    assert [(r.sweep, r.trial) for r in records] == [(1, 1), (1, 2), (1, 3)]
    assert sorted(r.training["learning_rate"] for r in records) == [0.001, 0.01, 0.1]
    assert {r.training["seed"] for r in records} == {3}  # the project's own seed, for every trial
    assert "Sweep 1 done: 3 finished trials kept" in window.runs_panel.sweep_status.text()
    plots = window.runs_panel.plots
    assert plots.currentWidget() is plots.sweep_tab and plots.score_points() == [3]
    assert "Best: trial" in plots.sweep_text.text()

    best = plots.best_trial()
    window.project.training["learning_rate"] = 0.5  # something else meanwhile
    qtbot.mouseClick(plots.apply_button, Qt.LeftButton)
    assert window.project.training["learning_rate"] == best.varied["learning_rate"]
    assert window.project.training["epochs"] == 2  # only what was varied
    assert window.undo_stack.undoText() == "Apply the best of sweep 1"


def test_stop_now_ends_a_sweep_and_keeps_the_finished_trials(window, qtbot):
    window.set_project(small_project(), None)
    qtbot.waitUntil(lambda: window.data.dataset_for(window.project.dataset) is not None, timeout=60_000)
    from designer.core.sweeps import Vary
    from designer.training.sweep import SweepSpec

    assert window.start_sweep(SweepSpec([Vary("learning_rate", values=(0.1, 0.03, 0.01, 0.003))], epochs=30))
    runner = window.sweep_run
    qtbot.waitUntil(lambda: len(window.project.runs) >= 1, timeout=240_000)
    qtbot.mouseClick(window.runs_panel.stop_now_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: runner.over, timeout=120_000)
    kept = len(window.project.runs)
    assert 1 <= kept < 4 and all(r.stopped is None for r in window.project.runs)
    assert "stopped" in window.runs_panel.sweep_status.text()
    assert window.runs_panel.sweep_button.isEnabled()


def test_kept_weights_come_back_with_a_restore_and_tensorboard_logs_are_written(window, qtbot, tmp_path):
    window.set_project(small_project(), None)
    window.run_preferences.set(keep_weights=True, tensorboard_folder=str(tmp_path / "logs"))
    window._show_tensorboard_choice()
    assert window.runs_panel.tensorboard_action.isChecked()
    train_once(window, qtbot)
    first = window.project.run(1)
    assert first.weights and first.weights["model"].data == window.project.trained["model"].data
    assert list((tmp_path / "logs" / "run-1").rglob("events.out.tfevents.*"))  # Keras's TensorBoard callback wrote
    window.run_preferences.set(keep_weights=False, tensorboard_folder=None)
    train_once(window, qtbot)
    assert not window.project.run(2).weights and not (tmp_path / "logs" / "run-2").exists()
    assert window.project.trained["model"].data != first.weights["model"].data

    window.restore_run(1)
    assert window.project.trained["model"].data == first.weights["model"].data  # the weights it reached, back
    assert window.undo_stack.undoText() == "Restore run 1"


def test_opening_another_project_ends_the_sweep_and_leaves_the_new_one_alone(window, qtbot):
    window.set_project(small_project(), None)
    qtbot.waitUntil(lambda: window.data.dataset_for(window.project.dataset) is not None, timeout=60_000)
    from designer.core.sweeps import Vary
    from designer.training.sweep import SweepSpec

    assert window.start_sweep(SweepSpec([Vary("learning_rate", values=(0.1, 0.03, 0.01))], epochs=20))
    runner = window.sweep_run
    swept = window.project
    qtbot.waitUntil(lambda: window.training_run is not None and window.training_run.is_running(), timeout=60_000)
    window.set_project(small_project(0.3), None)
    qtbot.waitUntil(lambda: runner.over, timeout=120_000)
    qtbot.wait(100)
    assert window.project.runs == [] and window.project is not swept
