"""Learn → Activation functions and one neuron: the functions of the course notes with their derivatives, and
the single-neuron calculator of notes 003 (y = σ(Σᵢ wᵢ·xᵢ + b)). Every number comes from Keras
(`designer.keras_bridge.explore`); the texts come from the catalogue of activations."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from designer.core.activations import ACTIVATIONS, NEURON_FORMULA, activation
from designer.ui import style

X_RANGE = np.linspace(-6.0, 6.0, 241)


def _numbers(text: str) -> list[float]:
    parts = [p for p in text.replace("[", " ").replace("]", " ").replace(",", " ").split() if p]
    return [float(p) for p in parts]


class ExplorerDialog(QDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        import pyqtgraph as pg

        self.setWindowTitle("Activation functions and one neuron")
        self.resize(900, 560)
        self.choice = QComboBox(self)
        for item in ACTIVATIONS:
            self.choice.addItem(item.title, item.key)
        self.formula = QLabel(self)
        self.formula.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        self.plot = pg.PlotWidget(background="w")
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.addLegend(offset=(10, 10))
        self.plot.setLabel("bottom", "x")
        self.function_curve = self.plot.plot(name="f(x)", pen=pg.mkPen(style.CATEGORY_COLOURS["Core"], width=2.5))
        self.derivative_curve = self.plot.plot(
            name="f′(x)", pen=pg.mkPen(style.CATEGORY_COLOURS["Merge"], width=2, style=Qt.DashLine))
        self.choice.currentIndexChanged.connect(self._show_activation)

        functions = QGroupBox("Activation function and its derivative", self)
        left = QVBoxLayout(functions)
        left.addWidget(self.choice)
        left.addWidget(self.formula)
        left.addWidget(self.plot, 1)
        left.addWidget(self.explanation)

        neuron = QGroupBox("One neuron", self)
        form = QFormLayout(neuron)
        form.addRow(QLabel(f"<b>{NEURON_FORMULA}</b>"))
        self.inputs = QLineEdit("2, 3, 1")
        self.weights = QLineEdit("0.5, -0.3, 0.8")
        self.bias = QLineEdit("0.1")
        self.neuron_activation = QComboBox()
        for item in ACTIVATIONS:
            self.neuron_activation.addItem(item.title, item.key)
        self.neuron_activation.setCurrentIndex(self.neuron_activation.findData("sigmoid"))
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextSelectableByMouse)
        form.addRow("inputs x", self.inputs)
        form.addRow("weights w", self.weights)
        form.addRow("bias b", self.bias)
        form.addRow("activation σ", self.neuron_activation)
        form.addRow(self.result)
        for field in (self.inputs, self.weights, self.bias):
            field.textChanged.connect(self._compute_neuron)  # the result follows each keystroke, not only Enter
        self.neuron_activation.currentIndexChanged.connect(self._compute_neuron)

        layout = QHBoxLayout(self)
        layout.addWidget(functions, 3)
        layout.addWidget(neuron, 2)
        self._show_activation(self.choice.currentIndex())
        self._compute_neuron()

    def _show_activation(self, index: int) -> None:
        from designer.keras_bridge.explore import activation_curve

        key = self.choice.itemData(index)
        item = activation(key)
        y, dy = activation_curve(key, X_RANGE)
        self.function_curve.setData(X_RANGE, y)
        self.derivative_curve.setData(X_RANGE, dy)
        note = "   (softmax of the logits (x, 0, 0): its first output)" if key == "softmax" else ""
        self.formula.setText(f"<tt>{item.formula}</tt>&nbsp;&nbsp;&nbsp;<tt>{item.derivative}</tt>{note}")
        self.explanation.setText(item.explanation)

    def _compute_neuron(self) -> None:
        from designer.keras_bridge.explore import neuron_output

        try:
            inputs, weights = _numbers(self.inputs.text()), _numbers(self.weights.text())
            bias = float(self.bias.text())
            z, y = neuron_output(inputs, weights, bias, self.neuron_activation.currentData())
        except ValueError as error:
            self.result.setText(f"<span style='color:{style.ERROR_COLOUR}'>{error}. Write numbers separated by "
                                "commas, as many weights as inputs.</span>")
            return
        terms = ""
        for i, (w, x) in enumerate(zip(weights, inputs)):
            sign = ("−" if w < 0 else "") if i == 0 else (" − " if w < 0 else " + ")
            terms += f"{sign}{abs(w):g}·{x:g}"
        bias_text = f" − {abs(bias):g}" if bias < 0 else f" + {bias:g}"
        self.result.setText(f"z = {terms}{bias_text} = <b>{z:.4g}</b><br>"
                            f"y = {self.neuron_activation.currentText()}(z) = <b>{y:.4f}</b>")
