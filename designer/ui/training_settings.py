"""The Settings panel: every training setting as a form generated from the project's typed specs (each edit an
undo step, made by the window), the loss "auto" will pick for this output layer and these labels, a warning when
a chosen loss does not suit the output, and the devices TensorFlow sees to train on.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from designer.ui import style
from designer.ui.panels import fill_with_scrolling
from designer.ui.param_form import ParamForm


class TrainingSettings(QWidget):
    """The training settings, generated from the project's typed specs, and which loss training will use."""

    #: name, value (the window makes each edit an undo step)
    setting_edited = Signal(str, object)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        from designer.core.project import TRAINING_SPECS

        # the validation fraction is set in the Data panel, beside the choice of how the validation rows are taken
        # (one place for it: the walkthrough found it in two, and the Data panel's rows count in a third)
        self.form = ParamForm(tuple(spec for spec in TRAINING_SPECS if spec.name != "validation_split"))
        self._gpu_names: list[str] | None = None  # until TensorFlow is loaded
        self.form.value_edited.connect(self.setting_edited)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {style.ERROR_COLOUR};")
        self.error.hide()
        self.form.refused.connect(self._show_refusal)
        self.form.value_edited.connect(lambda *_: self.error.hide())
        self.loss_hint = QLabel(self)
        self.loss_hint.setWordWrap(True)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.loss_hint)
        layout.addStretch(1)
        fill_with_scrolling(self, content)
        self.show_loss_hint("auto", None, None)

    def show_settings(self, training: dict) -> None:
        """The project's training settings in the form, without emitting."""
        self.form.set_values(training)
        self._label_devices()

    def show_loss_hint(self, chosen: str, suggested: str | None, warning: str | None) -> None:
        """Which loss training will use (what "auto" picks) and, in amber, why a chosen one does not suit."""
        lines = []
        if chosen == "auto" and suggested:
            lines.append(f"Loss \"auto\" will use <b>{suggested.replace('_', ' ')}</b>.")
        if warning:
            lines.append(f"<span style='color:{style.WARNING_COLOUR}'>{warning}</span>")
        self.loss_hint.setText("<br>".join(lines))
        self.loss_hint.setVisible(bool(lines))

    def _show_refusal(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def show_devices(self, gpu_names: list[str]) -> None:
        """Name the device choices after the GPUs TensorFlow sees here (called once it is loaded)."""
        self._gpu_names = list(gpu_names)
        self._label_devices()

    def _label_devices(self) -> None:
        """GPUs that are not here are hidden, unless the project asks for one: then it stays visible, marked as
        missing, so the choice is neither lost nor silently changed."""
        from designer.core.project import DEVICES

        if self._gpu_names is None:
            return
        names = self._gpu_names
        combo = self.form.field("device")
        for index, choice in enumerate(DEVICES):
            number = int(choice.split(":")[1]) if choice.startswith("gpu:") else None
            if choice == "auto":
                label = f"auto (GPU 0: {names[0]})" if names else "auto (the CPU: no GPU found)"
            elif choice == "cpu":
                label = "CPU"
            elif choice == "all_gpus":
                label = f"all {len(names)} GPUs (each batch split across them)" if len(names) > 1 else "all GPUs (needs two or more)"
            elif number < len(names):
                label = f"GPU {number}: {names[number]}"
            else:
                label = f"GPU {number} (not on this machine)"
            combo.setItemText(index, label)
            missing = (number is not None and number >= len(names)) or (choice == "all_gpus" and len(names) < 2)
            combo.view().setRowHidden(index, missing and index != combo.currentIndex())
