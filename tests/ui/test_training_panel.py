"""Training from the window: Train in the Training panel, live curves and progress, Stop, and plain messages."""

from PySide6.QtCore import Qt


def test_train_from_the_window_draws_the_curves(window, qtbot):
    window.new_project("perceptron")
    window.project.training["epochs"] = 3
    panel = window.training_panel
    qtbot.mouseClick(panel.train_button, Qt.LeftButton)
    run = window.training_run
    qtbot.waitUntil(lambda: run.result is not None or run.error is not None, timeout=120_000)
    qtbot.waitUntil(lambda: panel.train_button.isEnabled(), timeout=10_000)
    assert run.error is None and "Done: 3 epochs" in panel.status.text()
    _, batch_losses = panel.curve_points("loss", per_epoch=False)
    _, epoch_losses = panel.curve_points("loss", per_epoch=True)
    assert len(epoch_losses) == 3 and len(batch_losses) > 3 and panel.epochs_shown() == 3
    assert {"val_loss", "accuracy"} <= set(panel.curve_names(per_epoch=True))
    assert panel.progress.value() == panel.progress.maximum()


def start_a_long_run_and_pause(window, qtbot):
    """Train the perceptron for many epochs with the Train button, wait for the first epoch, press Pause."""
    window.new_project("perceptron")
    window.project.training.update(epochs=500, batch_size=4)
    panel = window.training_panel
    qtbot.mouseClick(panel.train_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: panel.epochs_shown() > 0, timeout=120_000)
    qtbot.mouseClick(panel.pause_button, Qt.LeftButton)
    return panel, window.training_run


def test_stop_button_keeps_the_model_and_says_so(window, qtbot):
    panel, run = start_a_long_run_and_pause(window, qtbot)
    assert run.paused and panel.pause_button.text() == "Resume"
    qtbot.mouseClick(panel.pause_button, Qt.LeftButton)
    assert not run.paused
    qtbot.mouseClick(panel.stop_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: run.result is not None, timeout=60_000)
    qtbot.waitUntil(lambda: panel.train_button.isEnabled(), timeout=10_000)
    assert "Stopped by request" in panel.status.text()


def test_training_without_data_or_with_problems_says_what_to_do(window, qtbot):
    window.new_project("")
    qtbot.mouseClick(window.training_panel.train_button, Qt.LeftButton)
    assert "Choose the data" in window.training_panel.status.text() and window.training_run is None


def test_settings_are_edited_in_the_panel_undoably_and_the_loss_is_explained(window, qtbot):
    window.new_project("digits_mlp")
    panel = window.training_settings
    form = panel.form
    epochs = form.field("epochs")
    assert epochs.value() == window.project.training["epochs"]
    epochs.setFocus()
    epochs.lineEdit().selectAll()
    qtbot.keyClicks(epochs.lineEdit(), "7")
    qtbot.keyClick(epochs.lineEdit(), Qt.Key_Return)
    assert window.project.training["epochs"] == 7 and window.isWindowModified()
    qtbot.waitUntil(lambda: window.data.dataset is not None, timeout=30_000)  # preloaded: bundled digits
    loss = form.field("loss")
    loss.setCurrentIndex(loss.findText("binary_crossentropy"))
    assert window.project.training["loss"] == "binary_crossentropy"
    assert "softmax shares one probability" in panel.loss_hint.text()
    loss.setCurrentIndex(loss.findText("auto"))
    assert "sparse categorical crossentropy" in panel.loss_hint.text() and "softmax" not in panel.loss_hint.text()
    window.undo_action.trigger()
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert window.project.training["epochs"] != 7
    assert window.project.training["loss"] == "sparse_categorical_crossentropy"
    assert form.field("epochs").value() == window.project.training["epochs"]


def test_the_learning_rate_set_in_the_settings_reaches_a_paused_run(window, qtbot):
    panel, run = start_a_long_run_and_pause(window, qtbot)
    field = window.training_settings.form.field("learning_rate")
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "0.2")
    qtbot.keyClick(field, Qt.Key_Return)
    assert "Learning rate 0.2" in panel.status.text() and window.project.training["learning_rate"] == 0.2
    qtbot.mouseClick(panel.pause_button, Qt.LeftButton)  # Resume
    qtbot.waitUntil(lambda: run.learning_rate == 0.2, timeout=30_000)
    qtbot.mouseClick(panel.stop_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: run.result is not None, timeout=60_000)
