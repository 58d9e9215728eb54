"""A training run that failed, said in the Training panel as one plain sentence: an unexpected error (a Keras or
TensorFlow surprise, a bug; anything but the engine's TrainingError and DataError, which are plain words already)
gets a sentence about what to check, and its full text waits behind the panel's "Details…" button, in a read-only
dialog with a Copy button — never a traceback in the panel.
"""

from __future__ import annotations

import re

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout

#: how designer.ui.training_run.TrainingRun words an unexpected error: "Training failed unexpectedly (Name: text)."
_UNEXPECTED = re.compile(r"Training failed unexpectedly \((\w+)")
#: TensorFlow's own errors (tf.errors): the model and the data did not go together at run time
_TENSORFLOW_ERRORS = ("InvalidArgumentError", "FailedPreconditionError", "UnimplementedError", "InternalError",
                      "UnknownError", "OutOfRangeError", "NotFoundError", "AbortedError", "OpError")


def plain_failure(message: str) -> tuple[str, str | None]:
    """(the sentence for the panel, the full text for Details) of a failed run's `message`; Details is None for a
    known failure, whose message is plain words already."""
    unexpected = _UNEXPECTED.match(message)
    if unexpected is None:
        return message, None
    name = unexpected.group(1)
    if name == "ResourceExhaustedError":
        sentence = (f"Training stopped: the model and a batch did not fit in memory ({name}). Try a smaller batch "
                    "size (Settings) or a smaller model.")
    elif name in _TENSORFLOW_ERRORS:
        sentence = (f"Training stopped: TensorFlow could not run this model on this data ({name}). Check the output "
                    "layer and the loss fit the data: Data → Fit model to data.")
    else:
        sentence = f"Training stopped by an unexpected error ({name}). Details has the full text, to report it."
    return sentence, message


class FailureDetailsDialog(QDialog):
    """The full text of an unexpected training error, to read and copy into a message asking for help."""

    def __init__(self, sentence: str, details: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Training stopped: details")
        intro = QLabel(sentence, self)
        intro.setWordWrap(True)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("failure_details")
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
        self.text.setPlainText(details)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        self.copy_button = QPushButton("Copy", self)
        buttons.addButton(self.copy_button, QDialogButtonBox.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(760, 460)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text.toPlainText())
        self.copy_button.setText("Copied")
