"""File → Export…: choose a format (and, where it applies, which network, the TFLite precision, the ONNX opset)
and a place; the file is written and then checked by re-running it in its own runtime, in the background, and
the dialog shows how the check went ("ONNX: same outputs, largest difference 2e-07 over 64 rows").

The work is `designer.exchange.export.export_project` on a copy of the project, the same as `designer export`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPlainTextEdit, QProgressBar, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from designer.exchange.export import SUFFIXES, TITLES, ExportRequest, parts_of
from designer.ui import style
from designer.ui.background import BackgroundTask
from designer.ui.window_files import file_stem

PRECISIONS = {
    "float32": "float32 (as trained)",
    "float16": "float16 (half the size)",
    "dynamic_int8": "dynamic-range int8 (weights in 8 bits)",
    "int8": "full int8 (calibrated on rows of the data)",
}
FORMAT_HINTS = {
    "keras": "Keras's own file: the model and its weights. Opens with keras.models.load_model.",
    "savedmodel": "A folder for TensorFlow Serving and TensorFlow's tools, with a serving signature.",
    "tflite": "One file for phones and small devices (LiteRT, TensorFlow Lite).",
    "onnx": "For ONNX Runtime and the many tools that read ONNX.",
    "python": "One readable script in plain Keras that rebuilds, trains and saves the model (--epochs, --strategy).",
    "notebook": "The same as a Jupyter notebook, one cell per step, with the curves.",
}


class ExportDialog(QDialog):
    #: the CheckResult of an export that was written (checked or not)
    exported = Signal(object)

    def __init__(self, project, data_service, project_path: str | None, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.project = project
        self.data = data_service
        self.project_path = project_path
        self.task: BackgroundTask | None = None
        self.result = None
        self._path_typed = False

        self.format_box = QComboBox(self)
        for key, title in TITLES.items():
            self.format_box.addItem(title, key)
        self.part_box = QComboBox(self)
        for key, words in parts_of(project):
            self.part_box.addItem(words, key)
        self.precision_box = QComboBox(self)
        for key, words in PRECISIONS.items():
            self.precision_box.addItem(words, key)
        self.opset_box = QSpinBox(self)
        self.opset_box.setRange(11, 18)  # 11 stands for "tf2onnx's default"; tf2onnx 1.17 writes up to 18
        self.opset_box.setSpecialValueText("tf2onnx's default")
        self.opset_box.setValue(11)
        self.path_edit = QLineEdit(self)
        self.path_edit.textEdited.connect(lambda _: setattr(self, "_path_typed", True))
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        place = QWidget(self)
        place_row = QHBoxLayout(place)
        place_row.setContentsMargins(0, 0, 0, 0)
        place_row.addWidget(self.path_edit, 1)
        place_row.addWidget(browse)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {style.MUTED_TEXT_COLOUR}")

        form = QFormLayout()
        form.addRow("Format", self.format_box)
        form.addRow("", self.hint)
        form.addRow("Network", self.part_box)
        form.addRow("Precision", self.precision_box)
        form.addRow("ONNX opset", self.opset_box)
        form.addRow("Save to", place)
        self._form = form

        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.hide()
        self.verdict = QLabel(self)
        self.verdict.setWordWrap(True)
        self.verdict.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setMaximumHeight(110)
        self.details.hide()
        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.AcceptRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.Close)
        self.export_button.clicked.connect(self.start_export)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.busy)
        layout.addWidget(self.verdict)
        layout.addWidget(self.details)
        layout.addWidget(self.buttons)
        self.format_box.currentIndexChanged.connect(self._format_changed)
        self.part_box.currentIndexChanged.connect(self._suggest_path)
        self.precision_box.currentIndexChanged.connect(self._suggest_path)
        self.resize(620, 0)
        self._format_changed()
        if not project.trained:
            self.verdict.setText(f"<span style='color:{style.WARNING_COLOUR}'>The project is not trained yet: the "
                                 "export holds the weights a network starts with. Train it first (F5).</span>")

    # ------------------------------------------------------------------ choices
    @property
    def format(self) -> str:
        return self.format_box.currentData()

    def choose_format(self, key: str) -> None:
        self.format_box.setCurrentIndex(self.format_box.findData(key))

    def _format_changed(self) -> None:
        fmt = self.format
        self.hint.setText(FORMAT_HINTS[fmt])
        model_file = fmt not in ("python", "notebook")
        for widget, shown in ((self.part_box, model_file and self.part_box.count() > 1),
                              (self.precision_box, fmt == "tflite"), (self.opset_box, fmt == "onnx")):
            widget.setVisible(shown)
            self._form.labelForField(widget).setVisible(shown)
        self._suggest_path()

    def _suggest_path(self) -> None:
        """Beside the project, named after it, the format's ending; kept once the person typed or browsed."""
        if self._path_typed:
            return
        folder = Path(self.project_path).parent if self.project_path else Path.home()
        stem = Path(self.project_path).stem if self.project_path else file_stem(self.project.name)
        part = self.part_box.currentData() if self.part_box.isVisible() else None
        if part not in (None, "model"):
            stem += f"_{part}"
        if self.format == "tflite" and self.precision_box.currentData() != "float32":
            stem += f"_{self.precision_box.currentData()}"
        suffix = SUFFIXES[self.format] or "_savedmodel"
        self.path_edit.setText(str(folder / f"{stem}{suffix}"))

    def _browse(self) -> None:
        if self.format == "savedmodel":
            path = QFileDialog.getExistingDirectory(self, "Export to a folder", str(Path(self.path_edit.text()).parent))
        else:
            path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path_edit.text())
        if path:
            self.path_edit.setText(path)
            self._path_typed = True

    def request(self) -> ExportRequest:
        fmt = self.format
        part = self.part_box.currentData() if fmt not in ("python", "notebook") else None
        precision = self.precision_box.currentData() if fmt == "tflite" else "float32"
        opset = self.opset_box.value() if fmt == "onnx" and self.opset_box.value() != self.opset_box.minimum() else None
        return ExportRequest(fmt, self.path_edit.text().strip(), part, precision, opset)

    # ------------------------------------------------------------------ the export
    def start_export(self) -> None:
        request = self.request()
        if not request.path:
            self._say("Choose where to save the file.", style.ERROR_COLOUR)
            return
        if not SUFFIXES[request.format] == "" and not request.path.endswith(SUFFIXES[request.format]):
            request.path += SUFFIXES[request.format]
            self.path_edit.setText(request.path)
        project = self.project.copy()
        loaded = self.data.dataset_for(project.dataset) if project.dataset is not None else None

        def job():
            from designer.data.registry import load_dataset
            from designer.exchange.export import export_project

            # without data (a model just imported) a model file is checked on random inputs of the right shapes;
            # export_project says which formats need the data
            if project.dataset is None:
                return export_project(project, None, request)
            dataset = loaded if loaded is not None else load_dataset(project.dataset)
            return export_project(project, dataset, request)

        self.task = BackgroundTask(job, self)
        self.task.done.connect(self._done)
        self.task.failed.connect(self._failed)
        self.export_button.setEnabled(False)
        self.busy.show()
        self.details.hide()
        self._say(f"Writing {Path(request.path).name}, then checking it by running it in its own runtime…",
                  style.MUTED_TEXT_COLOUR)
        self.task.start()

    def _done(self, result) -> None:
        self.result = result
        self.busy.hide()
        self.export_button.setEnabled(True)
        colour = "#2e7d32" if result.ok else style.ERROR_COLOUR
        mark = "✓" if result.ok else "✗"
        kept = "" if result.ok else " The file is kept, so you can look at it."
        self._say(f"{mark} {result.summary}.{kept}", colour)
        lines = [f"Written: {result.path}", *result.notes]
        self.details.setPlainText("\n".join(lines))
        self.details.show()
        self.exported.emit(result)

    def _failed(self, message: str) -> None:
        self.busy.hide()
        self.export_button.setEnabled(True)
        self._say(f"✗ {message}", style.ERROR_COLOUR)

    def _say(self, text: str, colour: str) -> None:
        self.verdict.setText(f"<span style='color:{colour}'>{_escape(text)}</span>")

    def done(self, code: int) -> None:
        if self.task is not None and self.task.isRunning():
            self._say("The export is still being written and checked: wait for it to end.", style.WARNING_COLOUR)
            return
        super().done(code)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
