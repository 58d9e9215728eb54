"""The summary shown after a Keras model was imported: what became what, in plain lines, and a table of every layer
of the file with its Keras class and what it is on the canvas. It stays open beside the window (not modal), so the
canvas can be looked at while reading it."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)


class ImportSummaryDialog(QDialog):
    def __init__(self, result, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("import_summary")
        self.setWindowTitle(f"Imported {result.plan.graph.name}")
        self.resize(760, 560)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setObjectName("import_summary_text")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.show_result(result, checking=True)
        rows = result.table()
        self.table = QTableWidget(len(rows), 3, self)
        self.table.setObjectName("import_table")
        self.table.setHorizontalHeaderLabels(["Layer in the file", "Keras class", "On the canvas"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)

    def show_result(self, result, checking: bool = False) -> None:
        """The summary lines; while `checking`, a line saying the outputs are being compared."""
        lines = result.summary()
        if checking:
            lines.insert(-1, "Checking that the canvas's model computes what the file's does (this takes a few "
                             "seconds for a big model)…")
        self._show_lines(lines)

    def show_check_failure(self, message: str) -> None:
        self._show_lines(self._lines[:-2] + [f"Warning: the check could not run ({message}).", self._lines[-1]])

    def _show_lines(self, lines: list[str]) -> None:
        self._lines = lines
        html = "".join(f"<li>{'<b>' + escape(line) + '</b>' if line.startswith('Warning') else escape(line)}</li>"
                       for line in lines[1:])
        self.summary.setText(f"<p><b>{escape(lines[0])}</b></p><ul>{html}</ul>")

    def text(self) -> str:
        """The summary as plain text (what the label says)."""
        return self.summary.text()
