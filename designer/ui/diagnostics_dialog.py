"""Help → Diagnostics: the same report as ``designer doctor`` (designer.doctor), made in the background, shown as
text a person can read and copy into a message asking for help."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout

from designer.ui.background import BackgroundTask


class DiagnosticsDialog(QDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Diagnostics")
        self.intro = QLabel("What this installation has and lacks (the same as `designer doctor`). Copy it into a "
                            "message when you ask for help.", self)
        self.intro.setWordWrap(True)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("diagnostics_text")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.WidgetWidth)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
        self.text.setPlainText("Looking…")
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        self.copy_button = QPushButton("Copy", self)
        self.copy_button.setEnabled(False)
        buttons.addButton(self.copy_button, QDialogButtonBox.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(760, 560)
        self.report: str | None = None
        self.task = BackgroundTask(_diagnose, self)
        self.task.done.connect(self._show)
        self.task.failed.connect(lambda message: self._show(f"The diagnostics could not be made: {message}"))
        self.task.start()

    def _show(self, report: str) -> None:
        self.report = report
        self.text.setPlainText(report)
        self.copy_button.setEnabled(True)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text.toPlainText())
        self.copy_button.setText("Copied")

    def done(self, result: int) -> None:
        self.task.wait()  # seconds at most (the report asks TensorFlow and the system)
        super().done(result)


def _diagnose() -> str:
    from designer.doctor import diagnose, report

    return report(diagnose())
