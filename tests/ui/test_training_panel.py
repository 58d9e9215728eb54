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
    batch_curve = panel._curves[("loss", False)]
    epoch_curve = panel._curves[("loss", True)]
    assert len(epoch_curve.getOriginalDataset()[1]) == 3 and len(batch_curve.getOriginalDataset()[1]) > 3
    assert ("val_loss", True) in panel._curves and ("accuracy", True) in panel._curves
    assert panel.progress.value() == panel.progress.maximum()


def test_stop_button_keeps_the_model_and_says_so(window, qtbot):
    window.new_project("perceptron")
    window.project.training.update(epochs=500, batch_size=4)
    panel = window.training_panel
    qtbot.mouseClick(panel.train_button, Qt.LeftButton)
    run = window.training_run
    qtbot.waitUntil(lambda: len(panel._epoch_logs) > 0, timeout=120_000)
    qtbot.mouseClick(panel.pause_button, Qt.LeftButton)
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
