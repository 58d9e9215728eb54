"""Runs → Sweep…: choose one to three things to vary, their values or range, the search and the trial budget.

Each row names a training setting or a layer's parameter (the list offers those the project has) and its values,
"0.1, 0.01, 0.001" or a range "0.0001..0.1" (log scale ticked: the values spread evenly over the decades). The
dialog checks everything with the same code as ``designer sweep`` (`designer.core.sweeps`) as the person types, says
what is wrong in words, and says how many trials of how many epochs will run. Accepting gives a `SweepSpec`.
"""

from __future__ import annotations

import math

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGridLayout, QLabel,
                               QLineEdit, QSpinBox, QVBoxLayout)

from designer.core import catalogue
from designer.core.project import TRAINING_SPECS, Project
from designer.core.sweeps import FIXED, MAX_VARIED, SEARCHES, SweepError, Vary, parse_vary, resolve
from designer.ui import style

SEARCH_TITLES = {
    "grid": "Grid: every combination",
    "random": "Random samples",
    "bayes": "Bayesian (Optuna's TPE): learns where good values lie",
}
NOTHING = "(nothing)"


def choices_of(project: Project) -> list[str]:
    """What a sweep of this project can vary: the training settings a sweep may change, then every layer's number,
    choice and on/off parameters ("dense.units"; "generator/dense.units" in a GAN)."""
    names = [spec.name for spec in TRAINING_SPECS if spec.name not in FIXED]
    several = len(project.graphs) > 1
    for graph in project.graphs:
        for node in graph.nodes():
            if not catalogue.has(node.kind):
                continue
            for spec in catalogue.get(node.kind).params:
                if spec.type in ("int", "float", "choice", "bool"):
                    names.append(f"{graph.role}/{node.name}.{spec.name}" if several else f"{node.name}.{spec.name}")
    return names


def suggested_values(project: Project, name: str) -> tuple[str, bool]:
    """Values to start from for `name` (as typed in the dialog) and whether they are a log range."""
    if name == "learning_rate":
        return "0.0001..0.1", True
    if name == "batch_size":
        return "16, 32, 64", False
    if name == "optimizer":
        return "adam, sgd, rmsprop", False
    if name == "epochs":
        epochs = project.training["epochs"]
        return f"{max(1, epochs // 2)}, {epochs}, {epochs * 2}", False
    layer, _, param = name.rpartition(".")
    role, _, layer_name = layer.rpartition("/")
    for graph in project.graphs:
        if (not role or graph.role == role) and layer_name in graph.names():
            node = graph.node_by_name(layer_name)
            value = node.params.get(param)
            spec = next((s for s in catalogue.get(node.kind).params if s.name == param), None)
            if spec is None:
                break
            if spec.type == "int" and isinstance(value, int):
                return ", ".join(str(max(1, int(v))) for v in dict.fromkeys((value // 2, value, value * 2))), False
            if spec.type == "float" and param.endswith("rate"):
                return "0.0, 0.2, 0.5", False
            if spec.type == "float" and isinstance(value, float):
                return f"{value / 10:g}, {value:g}, {value * 10:g}", False
            if spec.type == "choice":
                return ", ".join(str(c) for c in spec.choices[:3]), False
            if spec.type == "bool":
                return "on, off", False
    return "", False


class SweepDialog(QDialog):
    def __init__(self, project: Project, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sweep")
        self.project = project
        self.spec = None
        names = choices_of(project)
        grid = QGridLayout()
        grid.addWidget(QLabel("Vary"), 0, 0)
        grid.addWidget(QLabel("Values: a list (0.1, 0.01) or a range (0.0001..0.1)"), 0, 1)
        self.rows: list[tuple[QComboBox, QLineEdit, QCheckBox]] = []
        for row in range(MAX_VARIED):
            name = QComboBox(self)
            name.addItem(NOTHING)
            name.addItems(names)
            values = QLineEdit(self)
            log = QCheckBox("log scale", self)
            log.setToolTip("A range on a log scale: as many values per decade (for learning rates)")
            name.currentTextChanged.connect(lambda text, r=row: self._name_chosen(r, text))
            values.textEdited.connect(lambda _text: self._check())
            log.toggled.connect(lambda _on: self._check())
            grid.addWidget(name, row + 1, 0)
            grid.addWidget(values, row + 1, 1)
            grid.addWidget(log, row + 1, 2)
            self.rows.append((name, values, log))
        grid.setColumnStretch(1, 1)

        self.search = QComboBox(self)
        for key in SEARCHES:
            self.search.addItem(SEARCH_TITLES[key], key)
        self.trials = QSpinBox(self)
        self.trials.setRange(1, 500)
        self.trials.setValue(10)
        self.epochs = QSpinBox(self)
        self.epochs.setRange(1, 100_000)
        self.epochs.setValue(project.training["epochs"])
        self.prune = QCheckBox("Stop hopeless trials early (Optuna's median pruner)", self)
        self.prune.setToolTip("A trial whose validation score is worse than the median of the trials before, at the "
                              "same epoch, stops there; it stays in the table, marked pruned")
        self.keep_weights = QCheckBox("Keep each trial's weights with its record", self)
        self.keep_weights.setToolTip("Restoring a trial then brings back its trained weights too (they take disk "
                                     "space beside the project file)")
        for widget in (self.search, self.trials, self.epochs):
            signal = widget.currentIndexChanged if isinstance(widget, QComboBox) else widget.valueChanged
            signal.connect(lambda _value: self._check())
        form = QFormLayout()
        form.addRow("Search:", self.search)
        form.addRow("Trials:", self.trials)
        form.addRow("Epochs per trial:", self.epochs)
        form.addRow("", self.prune)
        form.addRow("", self.keep_weights)
        self.message = QLabel("", self)
        self.message.setObjectName("sweep_message")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        self.buttons.button(QDialogButtonBox.Ok).setText("Start sweep")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(640, self.sizeHint().height())
        self.rows[0][0].setCurrentText("learning_rate")
        self._check()

    def _name_chosen(self, row: int, name: str) -> None:
        _, values, log = self.rows[row]
        text, is_log = suggested_values(self.project, name) if name != NOTHING else ("", False)
        values.setText(text)
        log.setChecked(is_log)
        self._check()

    def varies(self) -> list[Vary]:
        """What the rows say to vary (SweepError when a row is malformed)."""
        varies = []
        for name, values, log in self.rows:
            if name.currentText() == NOTHING:
                continue
            text = values.text().strip()
            if log.isChecked() and ".." in text and not text.endswith(":log"):
                text += ":log"
            varies.append(parse_vary(f"{name.currentText()}={text}"))
        return varies

    def _check(self) -> bool:
        search = self.search.currentData()
        self.trials.setEnabled(search != "grid")
        ok = self.buttons.button(QDialogButtonBox.Ok)
        try:
            varied = resolve(self.project, self.varies())
        except SweepError as error:
            self.message.setStyleSheet(f"color: {style.ERROR_COLOUR}")
            self.message.setText(str(error)[0].upper() + str(error)[1:] + ".")
            ok.setEnabled(False)
            return False
        if search == "grid":
            count = math.prod(len(v.grid()) for v in varied)
            ranged = any(v.vary.is_range for v in varied)
            how = f"{count} trials: every combination" + (" (a range gives 5 values)" if ranged else "")
        else:
            count = self.trials.value()
            how = f"{count} trials"
        self.message.setStyleSheet(f"color: {style.MUTED_TEXT_COLOUR}")
        self.message.setText(f"{how}, {self.epochs.value()} epochs each, the same seed and the same validation "
                             "rows; every trial is recorded as a run.")
        ok.setEnabled(True)
        return True

    def _accept(self) -> None:
        if not self._check():
            return
        from designer.training.sweep import SweepSpec

        search = self.search.currentData()
        self.spec = SweepSpec(self.varies(), search=search, trials=None if search == "grid" else self.trials.value(),
                              epochs=self.epochs.value(), prune=self.prune.isChecked(),
                              keep_weights=self.keep_weights.isChecked())
        self.accept()
