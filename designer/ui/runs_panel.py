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

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QMenu, QProgressBar, QPushButton,
                               QSizePolicy, QSplitter, QTableWidget, QTableWidgetItem, QToolButton, QVBoxLayout,
                               QWidget)

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
        self.sweep_status.setObjectName("sweep_status")
        self.sweep_status.setWordWrap(True)  # a long line must not widen the dock and squeeze the side panels
        self.sweep_status.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.sweep_progress = QProgressBar(self.sweep_bar)
        self.sweep_progress.setFormat("%v of %m trials done")
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
        scores = {r.number: best_score(r.history) for r in self.records}
        names = {s.name for s in scores.values() if s is not None}
        one_score = names.pop() if len(names) == 1 else None
        # what a person compares comes first: the best score and what differed; the usual settings after, the
        # note last. A column is ("tick"|"number"|"best"|"epochs"|"time"|"when"|"note", None) or ("value", key).
        columns = [("tick", None), ("number", None), ("best", None), *(("value", k) for k in keys),
                   ("epochs", None), ("time", None), ("when", None),
                   *(("value", k) for k in USUAL if k not in keys), ("note", None)]
        titles = {"tick": "", "number": "#", "best": f"best {one_score}" if one_score else "best", "epochs": "epochs run",
                  "time": "time", "when": "when", "note": "note"}
        best = set(best_of_sweeps(self.records).values())
        self._filling = True
        self.table.setSortingEnabled(False)
        self.table.clear()
        self.table.setColumnCount(len(columns))
        self.table.setRowCount(len(self.records))
        bold = QFont(self.font())
        bold.setBold(True)
        for column, (kind, key) in enumerate(columns):
            item = QTableWidgetItem(short_name(key) if kind == "value" else titles[kind])
            if key in keys:
                item.setFont(bold)
                item.setToolTip(f"{key}: differs between the runs")
            self.table.setHorizontalHeaderItem(column, item)
        colours = self._colours()
        today = date.today().isoformat()
        for row, record in enumerate(self.records):
            values = run_values(record)
            for column, (kind, key) in enumerate(columns):
                cell = self._cell(record, kind, key, values, scores[record.number], one_score, colours, today)
                if key in keys:
                    cell.setBackground(QBrush(QColor(DIFFERS_TINT)))
                if kind == "best" and record.number in best:
                    cell.setBackground(QBrush(QColor(BEST_TINT)))
                    cell.setToolTip(f"The best trial of sweep {record.sweep}")
                if kind not in ("tick", "note"):
                    cell.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable)
                if record.pruned and kind != "tick":
                    cell.setForeground(QBrush(QColor(style.MUTED_TEXT_COLOUR)))
                self.table.setItem(row, column, cell)
        self.table.setSortingEnabled(True)
        self._filling = False
        self.summary.setText(f"{len(self.records)} run{'s' * (len(self.records) != 1)}" if self.records else "")

    @staticmethod
    def _cell(record: RunRecord, kind: str, key, values: dict, score, one_score, colours: dict, today: str) -> "_Item":
        if kind == "tick":
            cell = _Item("", record.number)
            cell.setFlags(Qt.ItemIsEnabled | Qt.ItemIsUserCheckable | Qt.ItemIsSelectable)
            cell.setCheckState(Qt.Checked if record.number in colours else Qt.Unchecked)
            if record.number in colours:
                cell.setBackground(QBrush(QColor(colours[record.number])))
            cell.setToolTip("Tick to draw this run's curves beside the others")
            return cell
        if kind == "number":
            cell = _Item(str(record.number), record.number)
            tips = []
            if record.sweep is not None:
                tips.append(f"Sweep {record.sweep}, trial {record.trial}: "
                            + ", ".join(f"{k} {format_value(v)}" for k, v in record.varied.items()))
            if record.findings:
                tips.append("Health: " + "; ".join(record.findings))
            cell.setToolTip("\n".join(tips))
            return cell
        if kind == "best":
            said = (f"{format_value(score.value)} (epoch {score.epoch})" if one_score else
                    f"{score.in_words()} (epoch {score.epoch})") if score else "—"
            return _Item(said, (score.value if score.higher_is_better else -score.value) if score else None)
        if kind == "epochs":
            epochs = f"{record.epochs}" + (f" (+{record.epochs_before})" if record.epochs_before else "")
            cell = _Item(epochs + (" pruned" if record.pruned else ""), record.epochs)
            if record.stopped:
                cell.setToolTip(record.stopped)
            elif record.epochs_before:
                cell.setToolTip(f"It went on from weights already trained {record.epochs_before} epochs")
            return cell
        if kind == "time":
            return _Item(duration_in_words(record.seconds), record.seconds)
        if kind == "when":
            return _Item(when_in_words(record.started, today), record.started)
        if kind == "note":
            cell = _Item(record.note, record.note)
            cell.setToolTip("Double-click to write a note on this run")
            return cell
        value = values.get(key)
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        return _Item(format_value(value), value if number else format_value(value))

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
            width = max(self.splitter.width(), 600)
            self.splitter.setSizes([width * 11 // 20, width * 9 // 20])
        colours = self._colours()
        ticked = [r for r in self.records if r.number in self.ticked]
        # the legend tells the drawn curves apart: what differs among them (among all runs when one is drawn)
        keys = differing(ticked) if len(ticked) > 1 else self.differing_keys()
        self.plots.show_runs(ticked, colours, keys, self.records)

    # ------------------------------------------------------------------ what the person does
    def selected_numbers(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.table.item(row, 1).key for row in rows if self.table.item(row, 1) is not None]

    def reveal(self, number: int) -> None:
        """Scroll to run `number` and select it (the best trial of a sweep that just ended)."""
        for row in range(self.table.rowCount()):
            if self.table.item(row, 1).key == number:
                self.table.selectRow(row)
                self.table.scrollToItem(self.table.item(row, 1))

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
        """A sweep starts: its bar shows, and only its trials will be ticked (drawn) as they come."""
        self.ticked.clear()
        self._fill_table()
        self._draw()
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
