"""Tiny models trained for an epoch or two in every mode through the real worker (TrainingRun) into the
Training panel: the insight panels that mean something receive data, the others say why they are empty. And a
pretrained backbone unfrozen on the canvas while the run is paused: the run goes on, training it too."""

import pytest
from PySide6.QtCore import Qt

from designer.core.graph import LayerGraph
from designer.core.project import DatasetChoice, Project, check_training
from designer.ui.training_panel import TrainingPanel
from designer.ui.training_run import TrainingRun


CASES = {
    "classifier": ("digits_mlp", DatasetChoice("digits", {"scale": "0..1"}),
                   {"activations", "weights", "gradients", "predictions", "confusion"}),
    "points": ("perceptron", DatasetChoice("moons", {"samples": 160}), {"activations", "weights", "gradients", "confusion", "boundary"}),
    "forecaster": ("lstm_forecaster", DatasetChoice("sine_waves", {"samples": 80}), {"activations", "weights", "gradients", "forecast"}),
    "autoencoder": ("autoencoder", DatasetChoice("digits", {"flatten": True}), {"activations", "weights", "gradients", "reconstructions"}),
    "gan": ("mlp_gan", DatasetChoice("digits", {"flatten": True, "scale": "-1..1"}), {"activations", "weights", "gradients", "generated"}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_mode_feeds_the_panels_that_mean_something(qtbot, case, for_8x8_digits):
    template, data, expected = CASES[case]
    project = for_8x8_digits(template)
    project.dataset = data
    project.training = check_training({**project.training, "epochs": 2, "batch_size": 64, "seed": 2})
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.resize(1200, 400)
    panel.show()
    run = TrainingRun(project, data)
    panel.attach(run)
    qtbot.waitUntil(lambda: run.result is not None or run.error is not None, timeout=120_000)
    assert run.error is None
    qtbot.waitUntil(lambda: panel.train_button.isEnabled(), timeout=10_000)  # the finished signal has arrived
    for name in expected:  # as a person clicks through the tabs
        panel.insights.show_panel(name)
        assert panel.insights.showing_data(name), name
    from designer.training.insights import PANELS

    for name in set(PANELS) - expected:
        assert not panel.insights.showing_data(name)
        assert panel.insights.message(name)  # says why it is empty


def test_unfreezing_a_backbone_while_paused_trains_it_from_then_on(window, qtbot):
    graph = LayerGraph()
    x = graph.add("Input", shape=[32, 32, 3])
    backbone = graph.add("MobileNetV2", x, weights="none", trainable=False)
    x = graph.add("GlobalAveragePooling2D", backbone)
    graph.add("Dense", x, units=2, activation="softmax")
    project = Project.single(graph, dataset=DatasetChoice("random_vectors", {"shape": [32, 32, 3], "classes": 2, "samples": 16}),
                             training=check_training({"epochs": 3, "batch_size": 8, "seed": 1, "validation_split": 0.0}))
    window.set_project(project, None)
    panel = window.training_panel
    qtbot.mouseClick(panel.train_button, Qt.LeftButton)
    run = window.training_run
    qtbot.waitUntil(lambda: panel.epochs_shown() > 0 or run.error is not None, timeout=120_000)
    assert run.error is None
    qtbot.mouseClick(panel.pause_button, Qt.LeftButton)

    # the person ticks "trainable" on the backbone in the Inspector
    window.current_editor().scene.nodes[backbone].setSelected(True)
    qtbot.waitUntil(lambda: window.inspector.node is not None and window.inspector.node.id == backbone)
    box = window.inspector.field("trainable")
    qtbot.mouseClick(box, Qt.LeftButton)
    assert window.project.graph("model").node(backbone).params["trainable"] is True
    assert "unfrozen" in panel.status.text() and "Resume" in panel.status.text()

    qtbot.mouseClick(panel.pause_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: run.result is not None or run.error is not None, timeout=120_000)
    assert run.error is None and run.result.stopped_reason is None
    name = graph.node(backbone).name
    assert run.result.model.get_layer(name).trainable
    assert len(run.result.history["loss"]) == 3
    assert run.result.model.count_params() > 2_000_000
