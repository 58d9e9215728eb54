"""The Runs panel's plots: the ticked runs' curves overlaid, and a sweep's score against each value it varied.

Curves: one quantity at a time (the validation loss by default; any the runs logged), one line per ticked run in the
colour of its tick. What differed is said under the plot, not in a legend inside it, where it would cover the
curves. Sweep: for the chosen sweep, one small plot per varied name, its trials' best scores against the value
tried (log scale for a log range, the choices spread out for a list of words), the best trial green and larger,
pruned trials hollow; "Apply the best" puts the best trial's values into the project as one step.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSizePolicy,
                               QTabWidget, QVBoxLayout, QWidget)

from designer.core.runs import RunRecord, best_score, format_value, legend, short_name
from designer.ui import style

PREFERRED = ("val_loss", "loss", "val_accuracy", "accuracy")
BEST_COLOUR = "#2e9e6a"
TRIAL_COLOUR = "#3d7bd9"


class RunsPlots(QTabWidget):
    apply_best_requested = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        import pyqtgraph as pg

        from designer.ui.plot_pieces import AXIS_WIDTH

        pg.setConfigOptions(antialias=True, background="w", foreground="k")
        self.setDocumentMode(True)
        self._ticked: list[RunRecord] = []
        self._colours: dict[int, str] = {}
        self._records: list[RunRecord] = []

        curves = QWidget(self)
        self.quantity = QComboBox(curves)
        self.quantity.setToolTip("Which curve to compare")
        self.quantity.currentTextChanged.connect(lambda _text: self._draw_curves())
        self.curve_plot = pg.PlotWidget()
        self.curve_plot.setLabel("bottom", "epoch")
        self.curve_plot.showGrid(x=True, y=True, alpha=0.2)
        self.curve_plot.getPlotItem().getAxis("left").setWidth(AXIS_WIDTH)
        self.curve_legend = QLabel("", curves)
        self.curve_legend.setObjectName("curve_legend")
        self.curve_legend.setWordWrap(True)
        self.curve_legend.setTextFormat(Qt.RichText)
        self.curve_legend.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        # many runs ticked make a long legend: it scrolls under the plot rather than squeezing the plot
        legend_area = QScrollArea(curves)
        legend_area.setWidget(self.curve_legend)
        legend_area.setWidgetResizable(True)
        legend_area.setFrameShape(QFrame.NoFrame)
        legend_area.setMaximumHeight(4 * self.fontMetrics().height())
        top = QHBoxLayout()
        top.addWidget(QLabel("Curve:", curves))
        top.addWidget(self.quantity, 1)
        layout = QVBoxLayout(curves)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(top)
        layout.addWidget(self.curve_plot, 1)
        layout.addWidget(legend_area)
        self.addTab(curves, "Curves")

        sweep = QWidget(self)
        self.sweep_choice = QComboBox(sweep)
        self.sweep_choice.currentIndexChanged.connect(lambda _index: self._draw_sweep())
        self.apply_button = QPushButton("Apply the best", sweep)
        self.apply_button.setToolTip("Put the best trial's values of what the sweep varied into the project (one "
                                     "step to undo); the other settings stay as they are")
        self.apply_button.clicked.connect(self._apply)
        self.sweep_plots_host = QWidget(sweep)
        self.sweep_plots = QHBoxLayout(self.sweep_plots_host)
        self.sweep_plots.setContentsMargins(0, 0, 0, 0)
        self.sweep_text = QLabel("", sweep)
        self.sweep_text.setObjectName("sweep_text")
        self.sweep_text.setWordWrap(True)
        self.sweep_text.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        row = QHBoxLayout()
        row.addWidget(self.sweep_choice, 1)
        row.addWidget(self.apply_button)
        layout = QVBoxLayout(sweep)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(row)
        layout.addWidget(self.sweep_plots_host, 1)
        layout.addWidget(self.sweep_text)
        self.sweep_tab = sweep
        self.addTab(sweep, "Sweep")
        self._pg = pg
        self._score_plots: list = []

    # ------------------------------------------------------------------ curves
    def show_runs(self, ticked: list[RunRecord], colours: dict[int, str], keys: list[str],
                  records: list[RunRecord]) -> None:
        self._ticked, self._colours, self._keys, self._records = ticked, colours, keys, records
        names: list[str] = []
        for record in ticked or records:
            names += [k for k in record.history if k not in names]
        names.sort(key=lambda n: (PREFERRED.index(n) if n in PREFERRED else len(PREFERRED), n))
        current = self.quantity.currentText()
        self.quantity.blockSignals(True)
        self.quantity.clear()
        self.quantity.addItems(names)
        if current in names:
            self.quantity.setCurrentText(current)
        self.quantity.blockSignals(False)
        self._draw_curves()
        self._fill_sweeps()

    def _draw_curves(self) -> None:
        pg = self._pg
        self.curve_plot.clear()
        name = self.quantity.currentText()
        self.curve_plot.setLabel("left", name)
        lines = []
        for record in self._ticked:
            values = record.history.get(name) or []
            points = [(i + 1, v) for i, v in enumerate(values) if v is not None and math.isfinite(v)]
            colour = self._colours.get(record.number, TRIAL_COLOUR)
            if points:
                xs, ys = zip(*points)
                self.curve_plot.plot(list(xs), list(ys), pen=pg.mkPen(colour, width=2),
                                     symbol="o" if len(points) < 2 else None, symbolSize=6, symbolBrush=colour)
            text = legend(record, self._keys).replace("&", "&amp;").replace("<", "&lt;")
            lines.append(f"<span style='color:{colour}'>&#9632;</span>&nbsp;{text}")
        if not self._ticked:
            lines = [f"<span style='color:{style.MUTED_TEXT_COLOUR}'>Tick runs in the table to draw their curves "
                     "here.</span>"]
        self.curve_legend.setText("&nbsp;&nbsp; ".join(lines))

    def curve_count(self) -> int:
        return sum(1 for item in self.curve_plot.getPlotItem().listDataItems())

    # ------------------------------------------------------------------ sweeps
    def _sweeps(self) -> list[int]:
        return sorted({r.sweep for r in self._records if r.sweep is not None})

    def _fill_sweeps(self) -> None:
        sweeps = self._sweeps()
        current = self.sweep_choice.currentData()
        self.sweep_choice.blockSignals(True)
        self.sweep_choice.clear()
        for number in sweeps:
            trials = [r for r in self._records if r.sweep == number]
            names = ", ".join(dict.fromkeys(k for r in trials for k in r.varied))
            self.sweep_choice.addItem(f"Sweep {number}: {names} ({len(trials)} trial{'s' * (len(trials) != 1)})",
                                      number)
        if sweeps:
            self.sweep_choice.setCurrentIndex(sweeps.index(current) if current in sweeps else len(sweeps) - 1)
        self.sweep_choice.blockSignals(False)
        self.setTabEnabled(1, bool(sweeps))
        self._draw_sweep()

    def show_sweep(self, number: int) -> None:
        """Bring sweep `number` into view (a sweep just ended)."""
        index = self.sweep_choice.findData(number)
        if index >= 0:
            self.sweep_choice.setCurrentIndex(index)
            self.setCurrentWidget(self.sweep_tab)

    def _trials(self) -> list[RunRecord]:
        number = self.sweep_choice.currentData()
        return [r for r in self._records if r.sweep == number and number is not None]

    def best_trial(self) -> RunRecord | None:
        from designer.ui.runs_panel import best_of_sweeps

        number = self.sweep_choice.currentData()
        best = best_of_sweeps(self._records).get(number)
        return next((r for r in self._records if r.number == best), None)

    def _draw_sweep(self) -> None:
        pg = self._pg
        for plot in self._score_plots:
            self.sweep_plots.removeWidget(plot)
            plot.deleteLater()
        self._score_plots = []
        trials = self._trials()
        best = self.best_trial()
        self.apply_button.setEnabled(best is not None)
        if not trials:
            self.sweep_text.setText("")
            return
        names = list(dict.fromkeys(k for r in trials for k in r.varied))
        scores = {r.number: best_score(r.history) for r in trials}
        score_name = next((s.name for s in scores.values() if s is not None), "score")
        for name in names:
            plot = pg.PlotWidget()
            plot.setMinimumWidth(160)
            plot.setTitle(short_name(name), size="9pt")
            plot.setLabel("left", score_name)
            plot.showGrid(x=True, y=True, alpha=0.2)
            values = [r.varied.get(name) for r in trials]
            words = not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
            places = sorted({format_value(v) for v in values}) if words else []
            positive = not words and all(v > 0 for v in values)
            spread = positive and max(values) / min(values) >= 50
            if words:
                plot.getPlotItem().getAxis("bottom").setTicks([[(i, p) for i, p in enumerate(places)]])
            elif spread:
                plot.setLogMode(x=True, y=False)
            for record, value in zip(trials, values):
                score = scores[record.number]
                if score is None or value is None:
                    continue
                x = places.index(format_value(value)) if words else float(value)  # log mode takes raw values
                is_best = best is not None and record.number == best.number
                colour = BEST_COLOUR if is_best else TRIAL_COLOUR
                brush = None if record.pruned else colour
                plot.plot([x], [score.value], pen=None, symbol="star" if is_best else "o",
                          symbolSize=16 if is_best else 9, symbolPen=pg.mkPen(colour, width=1.5),
                          symbolBrush=brush)
            self.sweep_plots.addWidget(plot, 1)
            self._score_plots.append(plot)
        if best is not None:
            score = scores[best.number]
            values = ", ".join(f"{short_name(k)} {format_value(v)}" for k, v in best.varied.items())
            pruned = sum(r.pruned for r in trials)
            self.sweep_text.setText(
                f"Best: trial {best.trial} (run {best.number}), {values}: {score.in_words()} at epoch {score.epoch}. "
                + (f"{pruned} trial{'s' * (pruned != 1)} pruned (hollow). " if pruned else "")
                + "Each dot is a trial's best score.")
        else:
            self.sweep_text.setText("No trial of this sweep reached a score yet.")

    def score_points(self) -> list[int]:
        """How many trials each sweep plot shows (for tests)."""
        return [len(plot.getPlotItem().listDataItems()) for plot in self._score_plots]

    def _apply(self) -> None:
        number = self.sweep_choice.currentData()
        if number is not None:
            self.apply_best_requested.emit(number)
