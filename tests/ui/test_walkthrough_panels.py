"""What stayed on screen from the last project (the walkthrough of issue 18): after a run, File → New… or opening
another project starts with the Training panel's slim bar — no curves, panels, result or time left of the run
before; a run that stopped or failed never keeps a time left."""

from PySide6.QtCore import Qt

from designer.core.graph import LayerGraph
from designer.core.project import DatasetChoice, Project, check_training
from designer.ui.training_panel import IDLE_TEXT


def tiny_project(epochs=2):
    graph = LayerGraph()
    graph.add("Dense", graph.add("Input", shape=[2]), units=1, activation="sigmoid")
    return Project.single(graph, dataset=DatasetChoice("sum_threshold"),
                          training=check_training({"epochs": epochs, "batch_size": 32, "seed": 3}))


def train(window, qtbot):
    panel = window.training_panel
    qtbot.waitUntil(lambda: window.data.dataset_for(window.project.dataset) is not None, timeout=60_000)
    qtbot.mouseClick(panel.train_button, Qt.LeftButton)
    run = window.training_run
    qtbot.waitUntil(lambda: run.result is not None or run.error is not None, timeout=120_000)
    qtbot.waitUntil(lambda: panel.train_button.isEnabled(), timeout=10_000)
    return run


def test_a_new_project_after_a_run_starts_with_empty_panels(window, qtbot):
    window.set_project(tiny_project(), None)
    train(window, qtbot)
    panel = window.training_panel
    assert panel.plots_host.isVisible() and panel.status.text().startswith("Done: 2 epochs")
    assert panel.curve_names(per_epoch=True)
    for plot in (panel.loss_plot, panel.metric_plot):  # the legend is a line above, never a box over a curve
        assert plot.getPlotItem().legend is None
    title = panel.legend_text(panel.loss_plot)
    assert "━ loss" in title and "┅ val_loss" in title and "per batch" in title
    window.new_project("perceptron")  # File → New…, a template
    assert not panel.plots_host.isVisible()
    assert panel.status.text() == IDLE_TEXT and panel.progress.value() == 0 and panel.progress.format() == "%p%"
    assert panel.curve_names(per_epoch=True) == [] and panel.run is None
    assert panel.train_button.isEnabled() and not panel.stop_button.isEnabled()


def test_a_failed_or_stopped_run_shows_no_time_left(window, qtbot):
    project = tiny_project()
    project.dataset = DatasetChoice("iris")  # 4 numbers per flower: the Input of 2 does not fit
    window.set_project(project, None)
    run = train(window, qtbot)
    panel = window.training_panel
    assert run.error and "left" not in panel.progress.format()
    window.set_project(tiny_project(epochs=200), None)
    qtbot.waitUntil(lambda: window.data.dataset_for(window.project.dataset) is not None, timeout=60_000)
    qtbot.mouseClick(panel.train_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: "epoch 2/" in panel.progress.format(), timeout=60_000)
    qtbot.mouseClick(panel.stop_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: panel.train_button.isEnabled(), timeout=60_000)
    assert "left" not in panel.progress.format() and "stopped after epoch" in panel.progress.format()
