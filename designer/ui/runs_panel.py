"""The Runs panel: every run recorded with the project in a sortable table, their curves overlaid, and sweeps.

One row per run: a tick (its curve in the overlay, drawn in the colour of its tick), its number, when, how long,
the usual settings and every value that differs between the runs (those columns tinted, their titles bold), the best
score (the best trial of each sweep in green), the epochs, and a note the person can type. Buttons start a sweep,
restore a run's settings (and weights, if kept), delete runs and export the table as CSV; the Options menu keeps new
runs' weights and writes TensorBoard logs. While a sweep runs, a bar over its trials shows how far it is, with
"Stop after this trial" and "Stop now". The panel only shows: the window does what its signals ask
(designer.ui.window_runs).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QMenu, QProgressBar, QPushButton,
                               QSplitter, QTableWidget, QTableWidgetItem, QToolButton, QVBoxLayout, QWidget)

from designer.core.runs import (RunRecord, best_score, differing, duration_in_words, format_value, run_values,
                                short_name, when_in_words)
from designer.ui import style

#: the settings always shown (tinted when they differ); other differing values get their own columns
USUAL = ("learning_rate", "optimizer", "batch_size")
DIFFERS_TINT = "#fff4cc"
BEST_TINT = "#d7f2df"
#: the colours of ticked runs' curves, in turn
RUN_COLOURS = ("#3d7bd9", "#d98b2b", "#2e9e6a", "#d64541", "#9a5cc6", "#8c6d3f", "#d2558a", "#17a2b8", "#7a8894",
               "#5fae3c")
#: how many of the newest runs are ticked when a project opens
TICKED_AT_FIRST = 3


class _Item(QTableWidgetItem):
    """A cell that sorts by its value (numbers as numbers, missing values last), not by its text."""

    def __init__(self, text: str, key=None) -> None:
        super().__init__(text)
        self.key = key

    def __lt__(self, other) -> bool:
        mine, theirs = getattr(self, "key", None), getattr(other, "key", None)
        if isinstance(mine, (int, float)) and isinstance(theirs, (int, float)):
            return mine < theirs
        if mine is None or theirs is None:
            return theirs is None and mine is not None
        return str(mine) < str(theirs)


def best_of_sweeps(records: list[RunRecord]) -> dict[int, int]:
    """Sweep number -> the number of its best trial (pruned trials never are)."""
    best: dict[int, tuple[float, int]] = {}
    for record in records:
        score = best_score(record.history) if record.sweep is not None and not record.pruned else None
        if score is None:
            continue
        value = score.value if score.higher_is_better else -score.value
        if record.sweep not in best or value > best[record.sweep][0]:
            best[record.sweep] = (value, record.number)
    return {sweep: number for sweep, (_, number) in best.items()}


class RunsPanel(QWidget):
    sweep_requested = Signal()
    restore_requested = Signal(int)
    delete_requested = Signal(list)
    note_edited = Signal(int, str)
    export_requested = Signal()
    apply_best_requested = Signal(int)  # a sweep's number
    stop_sweep_requested = Signal(bool)  # True: now (the trial under way is dropped); False: after this trial
    keep_weights_changed = Signal(bool)
    tensorboard_requested = Signal(bool)  # True: choose a folder and write logs; False: no logs

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.records: list[RunRecord] = []
        self.ticked: set[int] = set()
        self._known: set[int] | None = None  # the run numbers shown before: new ones arrive ticked
        self._filling = False
        self.sweep_button = QPushButton("Sweep…", self)
        self.sweep_button.setToolTip("Train several times with different values of one to three settings, and "
                                     "compare (grid, random or Bayesian search)")
        self.restore_button = QPushButton("Restore", self)
        self.restore_button.setToolTip("Put the selected run's settings (and its weights, if kept) back into the "
                                       "project, as one step to undo")
        self.delete_button = QPushButton("Delete", self)
        self.export_button = QPushButton("Export CSV…", self)
        self.options_button = QToolButton(self)
        self.options_button.setText("Options")
        self.options_button.setPopupMode(QToolButton.InstantPopup)
        menu = QMenu(self.options_button)
        self.keep_weights_action = QAction("Keep each new run's weights with its record", menu, checkable=True)
        self.tensorboard_action = QAction("Also write TensorBoard logs…", menu, checkable=True)
        menu.addAction(self.keep_weights_action)
        menu.addAction(self.tensorboard_action)
        self.options_button.setMenu(menu)
        self.keep_weights_action.toggled.connect(self.keep_weights_changed)
        self.tensorboard_action.triggered.connect(self.tensorboard_requested)
        self.sweep_button.clicked.connect(self.sweep_requested)
        self.restore_button.clicked.connect(self._restore)
        self.delete_button.clicked.connect(self._delete)
        self.export_button.clicked.connect(self.export_requested)
        buttons = QHBoxLayout()
        for widget in (self.sweep_button, self.restore_button, self.delete_button, self.export_button,
                       self.options_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        self.summary = QLabel("", self)
        self.summary.setStyleSheet(f"color: {style.MUTED_TEXT_COLOUR}")
        buttons.addWidget(self.summary)

        # a sweep under way: how far, and how to end it
        self.sweep_bar = QWidget(self)
        self.sweep_status = QLabel("", self.sweep_bar)
        self.sweep_progress = QProgressBar(self.sweep_bar)
        self.sweep_progress.setFormat("trial %v of %m")
        self.stop_after_button = QPushButton("Stop after this trial", self.sweep_bar)
        self.stop_now_button = QPushButton("Stop now", self.sweep_bar)
        self.stop_now_button.setToolTip("End the sweep at once; the finished trials are kept")
        self.stop_after_button.clicked.connect(lambda: self.stop_sweep_requested.emit(False))
        self.stop_now_button.clicked.connect(lambda: self.stop_sweep_requested.emit(True))
        bar = QHBoxLayout(self.sweep_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.sweep_status, 2)
        bar.addWidget(self.sweep_progress, 2)
        bar.addWidget(self.stop_after_button)
        bar.addWidget(self.stop_now_button)
        self.sweep_bar.hide()

        self.table = QTableWidget(0, 0, self)
        self.table.setObjectName("runs_table")
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemChanged.connect(self._on_item_changed)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.empty = QLabel("No runs yet. Every run you train is recorded here with its settings and curves, so "
                            "you can compare them; Sweep… trains several with different settings for you.", self)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet(f"color: {style.MUTED_TEXT_COLOUR}")
        self.plots = None  # designer.ui.runs_plots.RunsPlots, made when there is a run to draw (pyqtgraph)
        self.splitter = QSplitter(Qt.Horizontal, self)
        self.splitter.addWidget(self.table)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.sweep_bar)
        layout.addWidget(self.empty)
        layout.addWidget(self.splitter, 1)
        self._update_buttons()

    # ------------------------------------------------------------------ showing the records
    def show_runs(self, records: list[RunRecord]) -> None:
        """Show these records (the project's, oldest first)."""
        numbers = {r.number for r in records}
        if self._known is None:
            self.ticked = {r.number for r in records[-TICKED_AT_FIRST:]}
        else:
            self.ticked = (self.ticked & numbers) | (numbers - self._known)
        self._known = numbers
        self.records = list(records)
        self.empty.setVisible(not records)
        self._fill_table()
        self._draw()
        self._update_buttons()

    def forget(self) -> None:
        """Another project was opened: its newest runs are ticked anew."""
        self._known = None

    def columns(self) -> list[str]:
        """The table's column titles, as shown."""
        return [self.table.horizontalHeaderItem(i).text() for i in range(self.table.columnCount())]

    def differing_keys(self) -> list[str]:
        return differing(self.records)

    def _fill_table(self) -> None:
        keys = self.differing_keys()
        shown = list(USUAL) + [k for k in keys if k not in USUAL]
        titles = ["", "#", "when", "time", *(short_name(k) for k in shown), "best", "epochs", "note"]
        best = set(best_of_sweeps(self.records).values())
        self._filling = True
        sorting = self.table.isSortingEnabled()
        self.table.setSortingEnabled(False)
        self.table.clear()
        self.table.setColumnCount(len(titles))
        self.table.setRowCount(len(self.records))
        bold = QFont(self.font())
        bold.setBold(True)
        for column, title in enumerate(titles):
            item = QTableWidgetItem(title)
            key = shown[column - 4] if 4 <= column < 4 + len(shown) else None
            if key in keys:
                item.setFont(bold)
                item.setToolTip(f"{key}: differs between the runs")
            self.table.setHorizontalHeaderItem(column, item)
        colours = self._colours()
        for row, record in enumerate(self.records):
            values = run_values(record)
            tick = _Item("", record.number)
            tick.setFlags(Qt.ItemIsEnabled | Qt.ItemIsUserCheckable | Qt.ItemIsSelectable)
            tick.setCheckState(Qt.Checked if record.number in self.ticked else Qt.Unchecked)
            if record.number in colours:
                tick.setBackground(QBrush(QColor(colours[record.number])))
            tick.setToolTip("Tick to draw this run's curves beside the others")
            cells = [tick, _Item(str(record.number), record.number),
                     _Item(when_in_words(record.started), record.started),
                     _Item(duration_in_words(record.seconds), record.seconds)]
            for key in shown:
                value = values.get(key)
                cell = _Item(format_value(value), value if isinstance(value, (int, float)) and not isinstance(value, bool) else format_value(value))
                if key in keys:
                    cell.setBackground(QBrush(QColor(DIFFERS_TINT)))
                cells.append(cell)
            score = best_score(record.history)
            best_cell = _Item(f"{score.in_words()} (epoch {score.epoch})" if score else "—",
                              (score.value if score.higher_is_better else -score.value) if score else None)
            if record.number in best:
                best_cell.setBackground(QBrush(QColor(BEST_TINT)))
                best_cell.setToolTip(f"The best trial of sweep {record.sweep}")
            cells.append(best_cell)
            epochs = f"{record.epochs}" + (f" (+{record.epochs_before})" if record.epochs_before else "")
            epochs_cell = _Item(epochs + (" pruned" if record.pruned else ""), record.epochs)
            if record.stopped:
                epochs_cell.setToolTip(record.stopped)
            cells.append(epochs_cell)
            note = _Item(record.note, record.note)
            note.setToolTip("Double-click to write a note on this run")
            cells.append(note)
            for column, cell in enumerate(cells):
                if column not in (0, len(cells) - 1):
                    cell.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable)
                if record.pruned and column > 0:
                    cell.setForeground(QBrush(QColor(style.MUTED_TEXT_COLOUR)))
                if column == 1 and record.sweep is not None:
                    cell.setToolTip(f"Sweep {record.sweep}, trial {record.trial}: "
                                    + ", ".join(f"{k} {format_value(v)}" for k, v in record.varied.items()))
                if column == 1 and record.findings:
                    cell.setToolTip("Health: " + "; ".join(record.findings))
                self.table.setItem(row, column, cell)
        self.table.setSortingEnabled(True if not sorting else sorting)
        self._filling = False
        self.summary.setText(f"{len(self.records)} run{'s' * (len(self.records) != 1)}" if self.records else "")

    def _colours(self) -> dict[int, str]:
        ticked = [r.number for r in self.records if r.number in self.ticked]
        return {number: RUN_COLOURS[i % len(RUN_COLOURS)] for i, number in enumerate(ticked)}

    def _draw(self) -> None:
        if not self.records:
            return
        if self.plots is None:
            from designer.ui.runs_plots import RunsPlots

            self.plots = RunsPlots(self)
            self.plots.apply_best_requested.connect(self.apply_best_requested)
            self.splitter.addWidget(self.plots)
            self.splitter.setStretchFactor(0, 3)
            self.splitter.setStretchFactor(1, 2)
        colours = self._colours()
        ticked = [r for r in self.records if r.number in self.ticked]
        self.plots.show_runs(ticked, colours, self.differing_keys(), self.records)

    # ------------------------------------------------------------------ what the person does
    def selected_numbers(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.table.item(row, 1).key for row in rows if self.table.item(row, 1) is not None]

    def set_ticked(self, number: int, ticked: bool) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 1).key == number:
                self.table.item(row, 0).setCheckState(Qt.Checked if ticked else Qt.Unchecked)

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        number = self.table.item(item.row(), 1).key
        if item.column() == 0:
            wanted = item.checkState() == Qt.Checked
            if wanted != (number in self.ticked):
                (self.ticked.add if wanted else self.ticked.discard)(number)
                self._fill_table()  # the tick's colour
                self._draw()
        elif item.column() == self.table.columnCount() - 1:
            self.note_edited.emit(number, item.text())

    def _restore(self) -> None:
        numbers = self.selected_numbers()
        if len(numbers) == 1:
            self.restore_requested.emit(numbers[0])

    def _delete(self) -> None:
        numbers = self.selected_numbers()
        if numbers:
            self.delete_requested.emit(numbers)

    def _update_buttons(self) -> None:
        chosen = self.selected_numbers() if self.table.rowCount() else []
        self.restore_button.setEnabled(len(chosen) == 1)
        self.delete_button.setEnabled(bool(chosen))
        self.export_button.setEnabled(bool(self.records))

    # ------------------------------------------------------------------ a sweep under way
    def sweep_started(self, total: int, text: str) -> None:
        self.sweep_bar.show()
        self.sweep_progress.setRange(0, total)
        self.sweep_progress.setValue(0)
        self.sweep_status.setText(text)
        self.stop_after_button.setEnabled(True)
        self.stop_now_button.setEnabled(True)
        self.sweep_button.setEnabled(False)

    def sweep_trial(self, done: int, text: str) -> None:
        self.sweep_progress.setValue(done)
        self.sweep_status.setText(text)

    def sweep_stopping(self) -> None:
        self.stop_after_button.setEnabled(False)
        self.sweep_status.setText(self.sweep_status.text() + " — stopping after this trial")

    def sweep_ended(self, text: str) -> None:
        self.sweep_status.setText(text)
        self.stop_after_button.setEnabled(False)
        self.stop_now_button.setEnabled(False)
        self.sweep_button.setEnabled(True)
