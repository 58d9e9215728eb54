"""Issue 19, point 7, as a person meets it: a classifier fitted to numbers to predict becomes a linear output with
a regression loss and no accuracy (asked first, one undo step) and then trains; an unexpected error in training
is one plain sentence in the Training panel, its full text behind "Details…" (read-only, with Copy), never a
traceback in the window; a known failure stays as it is, without Details."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

QUESTION = ("The data has numbers to predict (regression): make dense_1 a linear output of 1 unit and train with mean "
            "squared error?")


def choose_in_combo(panel, name):
    index = panel.combo.findData(name)
    assert index >= 0, name
    panel.combo.setCurrentIndex(index)
    panel.combo.activated.emit(index)  # what a click on the item sends


def output_of(window):
    graph = window.project.graph("model")
    return graph.node(graph.sinks()[0])


def train_until_over(window, qtbot):
    panel = window.training_panel
    qtbot.mouseClick(panel.train_button, Qt.LeftButton)
    run = window.training_run
    qtbot.waitUntil(lambda: run.result is not None or run.error is not None, timeout=120_000)
    qtbot.waitUntil(lambda: panel.train_button.isEnabled(), timeout=10_000)
    return run


def test_a_classifier_fitted_to_numbers_gets_a_linear_output_and_a_regression_loss_then_trains(window, qtbot,
                                                                                                monkeypatch):
    window.new_project("digits_mlp")  # 10 softmax units, sparse categorical cross-entropy, accuracy
    window.show_data_panel()
    panel, data = window.data_panel, window.data
    qtbot.waitUntil(lambda: data.dataset is not None, timeout=30_000)
    asked, answer = [], [QMessageBox.No]  # first: "No"

    def question(parent, title, text, *rest):
        asked.append(text)
        return answer[0]

    monkeypatch.setattr(QMessageBox, "question", question)  # the real question's words, answered
    choose_in_combo(panel, "linear_5x_plus_3")
    graph = window.project.graph("model")
    qtbot.waitUntil(lambda: graph.node_by_name("input").params["shape"] == [1], timeout=30_000)
    assert asked == [QUESTION]
    assert output_of(window).params["activation"] == "softmax"  # said no: the output was left alone
    qtbot.waitUntil(lambda: panel.fit_button.isVisibleTo(panel), timeout=30_000)
    assert "gives class probabilities" in panel.fit_problems.text()

    answer[0] = QMessageBox.Yes
    steps = window.undo_stack.count()
    qtbot.mouseClick(panel.fit_button, Qt.LeftButton)
    assert asked[-1] == QUESTION and window.undo_stack.count() == steps + 1
    assert (output_of(window).params["units"], output_of(window).params["activation"]) == (1, "linear")
    assert window.project.training["loss"] == "mse" and window.project.training["metrics"] == ["mae"]
    said = panel.fitted.text()
    for line in ("dense_1: units 10 → 1", "dense_1: activation softmax → linear",
                 "loss sparse categorical cross-entropy → mean squared error", "metrics accuracy → mae"):
        assert line in said, said
    assert window.training_settings.form.field("loss").currentText() == "mse"  # the settings panel follows

    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier)  # Edit → Undo takes the whole fit back
    assert (output_of(window).params["units"], output_of(window).params["activation"]) == (10, "softmax")
    assert window.project.training["loss"] == "sparse_categorical_crossentropy"
    assert window.project.training["metrics"] == ["accuracy"]
    window.undo_stack.redo()

    window.project.training.update(epochs=1, batch_size=32)
    run = train_until_over(window, qtbot)
    assert run.error is None, run.error  # no InvalidArgumentError: the labels are numbers, the loss too
    assert "Done: 1 epoch" in window.training_panel.status.text()
    assert not window.training_panel.details_button.isVisibleTo(window.training_panel)


def test_an_unexpected_error_is_one_sentence_with_its_full_text_behind_details(window, qtbot, monkeypatch):
    import tensorflow as tf

    import designer.training.engine as engine
    from designer.training.engine import TrainingError

    full = ("Graph execution error:\n\nDetected at node sparse_categorical_crossentropy/SparseSoftmaxCrossEntropy"
            "WithLogits defined at (most recent call last):\nTraceback (most recent call last):\n  File \"x.py\", "
            "line 1\nReceived a label value of 8 which is outside the valid range of [0, 1).")

    def fails(*args, **kwargs):
        raise tf.errors.InvalidArgumentError(None, None, full)

    monkeypatch.setattr(engine, "train", fails)
    window.new_project("perceptron")
    panel = window.training_panel
    train_until_over(window, qtbot)
    shown = panel.status.text()
    assert ("Training stopped: TensorFlow could not run this model on this data (InvalidArgumentError). Check the "
            "output layer and the loss fit the data: Data → Fit model to data.") in shown
    assert "Traceback" not in shown and "Graph execution" not in shown and "valid range" not in shown
    assert "Traceback" not in window.statusBar().currentMessage()
    assert panel.details_button.isVisibleTo(panel)

    qtbot.mouseClick(panel.details_button, Qt.LeftButton)
    dialog = panel.details_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)
    assert dialog.text.isReadOnly() and full in dialog.text.toPlainText()
    qtbot.mouseClick(dialog.copy_button, Qt.LeftButton)
    assert full in QGuiApplication.clipboard().text()
    dialog.reject()

    # a known failure is plain words already: said as it is, with no Details
    def refuses(*args, **kwargs):
        raise TrainingError("The loss needs one unit per class: give the output layer 2 units.")

    monkeypatch.setattr(engine, "train", refuses)
    train_until_over(window, qtbot)
    assert "The loss needs one unit per class" in panel.status.text()
    assert not panel.details_button.isVisibleTo(panel)
