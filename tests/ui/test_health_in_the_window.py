"""Training health in the window: a network that kills its ReLU units, trained with the Train button, gets a badge
on the dead layer and a card in the Health tab with its evidence; the card's fix button switches the layer to
LeakyReLU as one undo step, and the badge goes."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from designer.core.graph import LayerGraph
from designer.core.project import DatasetChoice, Project, check_training


def dying_relu_project():
    graph = LayerGraph()
    x = graph.add("Input", shape=[10])
    x = graph.add("Dense", x, units=32, activation="relu")
    x = graph.add("Dense", x, units=32, activation="relu")
    graph.add("Dense", x, units=2, activation="softmax")
    # plain SGD with a huge step: most units of the second layer fall below 0 for good after the first epoch
    return Project.single(graph, dataset=DatasetChoice("random_vectors", {"shape": [10], "classes": 2, "samples": 384}),
                          training=check_training({"epochs": 4, "batch_size": 32, "seed": 1, "optimizer": "sgd",
                                                   "learning_rate": 3.0, "validation_split": 0.2}))


def test_a_dead_relu_layer_gets_a_badge_a_card_and_a_one_click_fix(window, qtbot):
    window.set_project(dying_relu_project(), None)
    panel = window.training_panel
    qtbot.mouseClick(panel.train_button, Qt.LeftButton)
    run = window.training_run
    qtbot.waitUntil(lambda: run.result is not None or run.error is not None, timeout=120_000)
    assert run.error is None
    qtbot.waitUntil(lambda: panel.train_button.isEnabled(), timeout=10_000)

    graph = window.project.graph("model")
    dense_1 = graph.node_by_name("dense_1")
    item = window.current_editor().scene.nodes[dense_1.id]
    assert item.health_badge_text().startswith("⚠ dead ReLU")
    assert "Dead ReLU units in dense_1" in item.toolTip()
    assert not window.current_editor().scene.nodes[graph.node_by_name("dense_2").id].findings  # only where it is

    health = panel.insights.health
    tabs = panel.insights
    assert tabs.tabText(tabs.indexOf(health)).startswith("Health (")
    qtbot.mouseClick(tabs.tabBar(), Qt.LeftButton, pos=tabs.tabBar().tabRect(tabs.indexOf(health)).center())
    card = next(c for c in health.cards.values() if c.finding.key == "dead_relu")  # drawn once the tab is in view
    qtbot.waitUntil(lambda: card.isVisible() and card.plot.isVisible())
    assert "output 0 for every sampled row" in card.advice.text()
    button = next(b for b in card.findChildren(QPushButton) if b.text() == "Switch dense_1 to LeakyReLU")

    steps = window.undo_stack.count()
    qtbot.mouseClick(button, Qt.LeftButton)
    assert graph.node(dense_1.id).params["activation"] == "leaky_relu"
    assert window.undo_stack.count() == steps + 1 and window.undo_stack.undoText() == "Switch dense_1 to LeakyReLU"
    assert not button.isEnabled() and "Train again" in card.result.text()
    others = [b for b in card.findChildren(QPushButton) if b is not button]
    assert others and all(b.isEnabled() for b in others)  # another fix of the same finding is still there to try
    assert not item.findings  # the badge goes with the fix
    window.undo_stack.undo()
    assert graph.node(dense_1.id).params["activation"] == "relu"


def test_the_learning_rate_fix_edits_the_settings(window, qtbot):
    window.set_project(dying_relu_project(), None)
    from designer.core.fixes import Fix

    assert window.apply_fix(Fix("learning_rate", "Divide the learning rate by 10 (3 → 0.3)", value=0.1)) is None
    assert window.project.training["learning_rate"] == 0.3
    assert window.undo_stack.undoText() == "Divide the learning rate by 10 (3 → 0.3)"
    refusal = window.apply_fix(Fix("dropout_after", "Add Dropout after gone", layer="gone"))
    assert "no layer named gone" in refusal
