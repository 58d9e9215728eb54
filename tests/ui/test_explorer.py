"""Learn → Activation functions and one neuron: curves from Keras for every activation, and the notes-003 neuron."""

from PySide6.QtCore import Qt


def test_explorer_shows_each_function_and_the_neuron_of_notes_003(window, qtbot):
    assert window.explorer_action.isEnabled()  # TensorFlow is loaded
    dialog = window.show_explorer()
    qtbot.addWidget(dialog)
    assert "0.7311" in dialog.result.text() and "z = 0.5·2 − 0.3·3 + 0.8·1 + 0.1 = <b>1</b>" in dialog.result.text()
    for index in range(dialog.choice.count()):
        dialog.choice.setCurrentIndex(index)
        xs, ys = dialog.function_curve.getData()
        assert len(xs) == 241 and dialog.derivative_curve.getData()[1] is not None
    dialog.choice.setCurrentIndex(dialog.choice.findData("relu"))
    assert dialog.function_curve.getData()[1].min() == 0.0 and "max(0, x)" in dialog.formula.text()
    dialog.weights.setFocus()
    dialog.weights.selectAll()
    qtbot.keyClicks(dialog.weights, "1, 2")
    qtbot.keyClick(dialog.weights, Qt.Key_Return)
    assert "as many weights as inputs" in dialog.result.text()
