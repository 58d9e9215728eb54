"""The summary panel: a Keras-like table of the layers (name, kind, output shape, parameters) with the
trainable and non-trainable totals, kept up to date from the live analysis."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from designer.core import catalogue
from designer.core.analysis import GraphReport, format_shape
from designer.core.graph import LayerGraph
from designer.ui import style

COLUMNS = ("Layer", "Kind", "Output shape", "Params")


class SummaryPanel(QWidget):
    layer_activated = Signal(str)  # node id of a clicked row, so the canvas can select it

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeToContents)
        self.totals = QLabel(self)
        self.totals.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table)
        layout.addWidget(self.totals)
        self.table.cellClicked.connect(self._on_click)
        self._row_ids: list[str] = []
        self.show_report(None, None, False)

    def show_report(self, graph: LayerGraph | None, report: GraphReport | None, complete: bool) -> None:
        if graph is None or report is None:
            self.table.setRowCount(0)
            self._row_ids = []
            self.totals.setText("No layers yet: drag one from the palette.")
            return
        order = graph.topological_order() if report.cycle is None else [n.id for n in graph.nodes()]
        order = [node_id for node_id in order if node_id in report.nodes]
        self._row_ids = order
        self.table.setUpdatesEnabled(False)
        self.table.setRowCount(len(order))
        for row, node_id in enumerate(order):
            node = graph.node(node_id)
            node_report = report.nodes[node_id]
            if node_report.has_error:
                shape, params = "problem", ""
            elif not complete:
                shape, params = "…", "…"
            elif node_report.output_shape is None:
                shape, params = "?", ""  # a layer above has a problem
            else:
                shape, params = format_shape(node_report.output_shape), f"{node_report.params:,}"
            cells = (node.name, catalogue.get(node.kind).title, shape, params)
            for column, text in enumerate(cells):
                self._set_cell(row, column, text, node_report.has_error)
            if node_report.messages:
                tip = "\n".join(m.text for m in node_report.messages)
                for column in range(len(COLUMNS)):
                    self.table.item(row, column).setToolTip(tip)
        self.table.setUpdatesEnabled(True)
        if not order:
            self.totals.setText("No layers yet: drag one from the palette.")
        elif not complete:
            self.totals.setText("Counting parameters… (TensorFlow is loading)")
        else:
            errors = sum(1 for r in report.nodes.values() if r.has_error) + sum(m.is_error for m in report.messages)
            problems = f"   ·   <span style='color:{style.ERROR_COLOUR}'>{errors} problem{'s' * (errors != 1)}</span>" if errors else ""
            self.totals.setText(
                f"<b>Total params: {report.total_params:,}</b>   ·   Trainable: {report.trainable_params:,}"
                f"   ·   Non-trainable: {report.non_trainable_params:,}{problems}"
            )

    def _set_cell(self, row: int, column: int, text: str, error: bool) -> None:
        item = self.table.item(row, column)
        if item is None:
            item = QTableWidgetItem()
            self.table.setItem(row, column, item)
        item.setText(text)
        item.setToolTip("")
        if column == 3:
            item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
        item.setForeground(QBrush(QColor(style.ERROR_COLOUR if error else style.TEXT_COLOUR)))

    def _on_click(self, row: int, column: int) -> None:
        if 0 <= row < len(self._row_ids):
            self.layer_activated.emit(self._row_ids[row])
