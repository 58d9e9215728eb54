"""The summary panel: a Keras-like table of the layers (name, kind, output shape, parameters) with the
trainable and non-trainable totals, kept up to date from the live analysis.

The table is a model/view pair: a new report replaces the model's rows in one step and the view asks only for
the cells on screen, so a 500-layer graph refreshes in a few milliseconds (a QTableWidget with one item per cell
took ~60 ms).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from designer.core import catalogue
from designer.core.analysis import GraphReport
from designer.core.shapes import format_shape
from designer.core.graph import LayerGraph
from designer.ui import style

COLUMNS = ("Layer", "Kind", "Output shape", "Params")


class SummaryModel(QAbstractTableModel):
    """Rows of (node id, cells, has error, tooltip)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, tuple[str, str, str, str], bool, str]] = []

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.DisplayRole):
        node_id, cells, has_error, tooltip = self.rows[index.row()]
        if role == Qt.DisplayRole:
            return cells[index.column()]
        if role == Qt.ForegroundRole and has_error:
            return QColor(style.ERROR_COLOUR)
        if role == Qt.ToolTipRole:
            # the whole cell (a long name is elided in a narrow panel), then the layer's problems if any
            return "\n".join(part for part in (cells[index.column()], tooltip) if part) or None
        if role == Qt.TextAlignmentRole and index.column() == 3:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None


class SummaryPanel(QWidget):
    layer_activated = Signal(str)  # node id of a clicked row, so the canvas can select it

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model = SummaryModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setAlternatingRowColors(True)
        # "max_po…2d_1", not "max_pooli…": the end of a name is what tells two layers of a kind apart
        self.table.setTextElideMode(Qt.ElideMiddle)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        # widths are set from the texts in `_fit_columns`: ResizeToContents asks the model for every role of
        # every row after each report, which cost ~25 ms per edit on a 500-layer graph
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.Interactive)
        self.totals = QLabel(self)
        self.totals.setWordWrap(True)
        self.totals.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table)
        layout.addWidget(self.totals)
        self.table.clicked.connect(self._on_click)
        self.show_report(None, None, False)

    def cell_text(self, row: int, column: int) -> str:
        return self.model.rows[row][1][column]

    def show_report(self, graph: LayerGraph | None, report: GraphReport | None, complete: bool) -> None:
        if graph is None or report is None:
            self.model.set_rows([])
            self.totals.setText("No layers yet: drag one from the palette.")
            return
        # a complete report is already in data-flow order (sorting 500 layers here cost ~6 ms per edit)
        order = list(report.nodes) if complete or report.cycle else graph.topological_order()
        rows = []
        for node_id in order:
            node_report = report.nodes.get(node_id)
            if node_report is None or node_id not in graph:
                continue  # added or removed since this report was made; the next report has it
            has_error = node_report.has_error
            if has_error:
                shape, params = "problem", ""
            elif not complete:
                shape, params = "…", "…"
            elif node_report.output_shape is None:
                shape, params = "?", ""  # a layer above has a problem
            else:
                shape, params = format_shape(node_report.output_shape), f"{node_report.params:,}"
            tooltip = "\n".join(m.text for m in node_report.messages)
            node = graph.node(node_id)
            rows.append((node_id, (node.name, catalogue.get(node.kind).title, shape, params), has_error, tooltip))
        self.model.set_rows(rows)
        self._fit_columns(rows)
        if not rows:
            self.totals.setText("No layers yet: drag one from the palette.")
        elif not complete:
            self.totals.setText("Counting parameters… (TensorFlow is loading)")
        else:
            errors = sum(1 for r in rows if r[2]) + sum(m.is_error for m in report.messages)
            problems = (
                f"   ·   <span style='color:{style.ERROR_COLOUR}'>{errors} problem{'s' * (errors != 1)}</span>"
                if errors else ""
            )
            self.totals.setText(
                f"<b>Total params: {report.total_params:,}</b>   ·   Trainable: {report.trainable_params:,}"
                f"   ·   Non-trainable: {report.non_trainable_params:,}{problems}"
            )

    def _fit_columns(self, rows) -> None:
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        for column in (1, 2, 3):
            texts = {row[1][column] for row in rows} | {COLUMNS[column]}
            width = max(metrics.horizontalAdvance(text) for text in texts) + 18
            header.resizeSection(column, width)

    def _on_click(self, index) -> None:
        if 0 <= index.row() < len(self.model.rows):
            self.layer_activated.emit(self.model.rows[index.row()][0])
