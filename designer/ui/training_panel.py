"""The Training panel: Train / Pause / Resume / Stop, a progress bar with the time left, live curves of the
loss and the metrics — per batch (thin) and per epoch (training and validation, thick) — and beside them the
insight panels (activations, histograms, predictions...: designer.ui.insights) fed by the run's snapshots. A run
that fails says so in one plain sentence; an unexpected error's full text is behind "Details…"
(designer.ui.training_failure).

Curves are redrawn every 100 ms (each plot in its turn of a 50 ms timer) from the run's batch buffer, never per
batch, with pyqtgraph's downsampling and clip-to-view so a million points stay smooth. pyqtgraph (~0.4 s to
import) is loaded when the first run starts, not with the window.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QGraphicsItem, QHBoxLayout, QLabel, QProgressBar, QPushButton, QSplitter,
                               QVBoxLayout, QWidget)

from designer.ui import style

#: the redraw timer: each tick takes the new batches and redraws one of the two plots (each every 100 ms)
REDRAW_MS = 50
EPOCH_COLOURS = {"train": "#3d7bd9", "val": "#d98b2b"}
OTHER_COLOURS = ("#2e9e6a", "#9a5cc6", "#d64541")


class _Series:
    """A growing column of floats kept in a numpy buffer that doubles when full, so each redraw hands
    pyqtgraph a view of it instead of converting a list of a million points again. (numpy, like pyqtgraph, is
    imported with the first run: the window opens without it.)"""

    def __init__(self) -> None:
        import numpy as np

        self._data = np.empty(1024, dtype=np.float64)
        self.size = 0

    def extend(self, values) -> None:
        import numpy as np

        values = np.asarray(values, dtype=np.float64)
        needed = self.size + len(values)
        if needed > len(self._data):
            grown = np.empty(max(needed, 2 * len(self._data)), dtype=np.float64)
            grown[: self.size] = self._data[: self.size]
            self._data = grown
        self._data[self.size:needed] = values
        self.size = needed

    @property
    def values(self):
        return self._data[: self.size]


class _SteadyRange:
    """The y range of a plot while a run draws into it: grown (by half again) only when new values fall outside.

    pyqtgraph's auto-range moves the axes at every redraw, and repainting an axis (its ticks and labels) was most
    of the GUI thread's time while training — ~13 ms per plot per redraw, more when training keeps the cores
    busy. With the x axis fixed to the run's epochs and the y axis steady, a redraw paints only the curves."""

    def __init__(self, plot) -> None:
        self.plot = plot
        self.low = self.high = None
        self.negative = False

    def include(self, values) -> None:
        import numpy as np

        values = np.asarray(values, dtype=np.float64)
        values = values[np.isfinite(values)]
        if not values.size:
            return
        low, high = float(values.min()), float(values.max())
        if self.low is not None and self.low <= low and high <= self.high:
            return
        if self.low is None:
            span = (high - low) or abs(high) or 1.0
            self.low, self.high = low - 0.05 * span, high + 0.05 * span
        else:
            span = max(high, self.high) - min(low, self.low)
            if low < self.low:
                self.low = low - 0.5 * span
            if high > self.high:
                self.high = high + 0.5 * span
        self.negative = self.negative or low < 0
        if not self.negative:
            self.low = max(self.low, 0.0)  # losses and accuracies are not negative: no room below zero
        self.plot.setYRange(self.low, self.high, padding=0)


def _format_duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class _ElidedLabel(QLabel):
    """One line of plain text that ends in "…" when the panel is too narrow (the whole text is its tooltip): the
    Training dock is a slim bar until a run shows its curves, and a second line would be cut in half."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.full_text = ""
        self.setMinimumWidth(50)

    def set_full_text(self, text: str) -> None:
        self.full_text = text
        self.setToolTip(text)
        self._elide()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        self.setText(self.fontMetrics().elidedText(self.full_text, Qt.ElideRight, max(20, self.width())))


IDLE_TEXT = "Train (F5) trains the model on the data chosen in the Data tab, with the Settings tab's settings."


class TrainingPanel(QWidget):
    train_requested = Signal()
    #: a training-health fix clicked in the Health tab (a designer.core.fixes.Fix): the window applies it
    fix_requested = Signal(object)
    #: the run's training-health findings changed (all of them; [] when a run starts)
    findings_changed = Signal(list)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.run = None
        self.train_button = QPushButton("Train", self)
        self.train_button.setToolTip("Train the model on the chosen data (F5)")
        self.pause_button = QPushButton("Pause", self)
        self.stop_button = QPushButton("Stop", self)
        self.stop_button.setToolTip("End the run; the model keeps what it has learned so far")
        self.progress = QProgressBar(self)
        self.progress.setFormat("%p%")
        self.status = QLabel(IDLE_TEXT, self)
        self.status.setWordWrap(True)
        #: an unexpected error's full text, shown on demand (never in the status line)
        self.details_button = QPushButton("Details…", self)
        self.details_button.setToolTip("The full text of the error, to read or copy")
        self.details_button.clicked.connect(self.show_failure_details)
        self.details_button.hide()
        self.failure_details: str | None = None
        self.details_dialog = None
        #: what the project keeps of training: untrained, or trained N epochs and what an edit since keeps
        self.weights_label = _ElidedLabel(self)
        self.weights_label.setObjectName("weights_label")
        self.train_button.clicked.connect(self.train_requested)
        self.pause_button.clicked.connect(self._toggle_pause)
        self.stop_button.clicked.connect(self._stop)
        row = QHBoxLayout()
        for widget in (self.train_button, self.pause_button, self.stop_button):
            row.addWidget(widget)
        row.addWidget(self.progress, 1)
        # curves on the left, the insight panels on the right; the person can move the divide
        self.plots_host = QSplitter(Qt.Horizontal, self)
        self.plots_host.setMinimumHeight(200)
        self.curves_host = QWidget(self.plots_host)
        self.plots_layout = QVBoxLayout(self.curves_host)  # loss above metrics: the panels get the width
        self.plots_layout.setContentsMargins(0, 0, 0, 0)
        self.insights = None  # InsightPanels, made with the first run (it needs pyqtgraph)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.details_button, 0, Qt.AlignTop)
        layout.addLayout(status_row)
        layout.addWidget(self.weights_label)
        layout.addWidget(self.plots_host, 1)
        # without curves the lines stay together at the top: the space below is this spacer's, not spread
        # between them (when the curves show, their stretch takes it all)
        layout.addStretch(0)
        self.plots_host.hide()  # until the first run: the dock stays a slim bar under the canvas
        self.loss_plot = self.metric_plot = None
        self._curves: dict[tuple[str, bool], object] = {}  # (name, per epoch) -> its curve, made ahead of its data
        self._drawn: dict[tuple[str, bool], int] = {}  # (name, per epoch) -> points drawn; in the title once there
        self._timer = QTimer(self)
        self._timer.setInterval(REDRAW_MS)
        self._timer.timeout.connect(self._drain)
        self._set_idle()

    # ------------------------------------------------------------------ controls
    def _set_idle(self) -> None:
        self.train_button.setEnabled(True)
        self.pause_button.setEnabled(False)
        self.pause_button.setText("Pause")
        self.stop_button.setEnabled(False)

    def _toggle_pause(self) -> None:
        if self.run is None:
            return
        if self.run.paused:
            self.run.resume()
            self.pause_button.setText("Pause")
            self.status.setText("Training…")
            self._pace_from = None  # the pause is no part of the pace
        else:
            self.run.pause()
            self.pause_button.setText("Resume")
            self.status.setText("Paused. Resume goes on from where it stopped; meanwhile you can change the learning "
                                "rate, or unfreeze a pretrained backbone (its \"trainable\" box in the Inspector).")

    def _stop(self) -> None:
        if self.run is not None:
            self.run.stop()
            self.status.setText("Stopping after the current batch…")

    # ------------------------------------------------------------------ what a person sees
    def show_weights(self, text: str, warning: bool = False) -> None:
        """The line about the weights kept with the project (see designer.ui.window_model)."""
        colour = style.WARNING_COLOUR if warning else style.MUTED_TEXT_COLOUR
        self.weights_label.setStyleSheet(f"color: {colour}")
        self.weights_label.set_full_text(text)

    def curve_names(self, per_epoch: bool) -> list[str]:
        """The quantities with a curve drawn (each in its plot's title): per epoch (thick) or per batch (thin)."""
        return [name for name, level in self._drawn if level == per_epoch]

    def curve_points(self, name: str, per_epoch: bool):
        """The points of a curve as drawn, (xs, ys): xs in epochs (a batch's is a fraction of its epoch's end);
        both empty while it is not drawn."""
        if (name, per_epoch) not in self._drawn:
            return [], []
        return self._curves[(name, per_epoch)].getOriginalDataset()

    def epochs_shown(self) -> int:
        """How many epochs the epoch curves show (their ends are drawn by the redraw timer, not at once)."""
        return max((count for (_, level), count in self._drawn.items() if level), default=0)

    # ------------------------------------------------------------------ a run
    def attach(self, run) -> None:
        """Show `run` (a TrainingRun, not started yet) and start it."""
        self._ensure_plots()
        self.plots_host.show()
        self.run = run
        self._batch_x = _Series()
        self._batch_logs: dict[str, _Series] = {}
        self._epoch_logs: dict[str, list[float]] = {}  # arrive with an epoch's end; the redraw timer draws them
        self._drawn = {}
        self._turn = False  # which plot the next redraw is for
        self._steps = 1
        self._epochs = max(1, int(run.epochs or run.project.training.get("epochs", 1)))
        self._done = 0
        self._started = time.monotonic()
        self._pace_from: tuple[float, int] | None = None  # (time, batches done) when the estimate starts counting
        for plot in (self.loss_plot, self.metric_plot):
            plot.clear()
            self._legends[id(plot)].setText(f"<b>{'Loss' if plot is self.loss_plot else 'Metrics'}</b>")
            plot.disableAutoRange()
            plot.setXRange(0, self._epochs, padding=0.02)  # the whole run's width: the curves grow into it
        self._ranges = {id(plot): _SteadyRange(plot) for plot in (self.loss_plot, self.metric_plot)}
        self._curves = {}
        self._show_metrics(True)
        self.insights.clear()
        run.began.connect(self._on_began)
        run.insights_planned.connect(self.insights.set_plan)
        run.snapshot_taken.connect(self.insights.show_snapshot)
        run.health_found.connect(self._on_health)
        self.insights.health.started()
        self.findings_changed.emit([])
        run.epoch_finished.connect(self._on_epoch)
        run.finished.connect(self._on_finished)
        run.failed.connect(self._on_failed)
        self.train_button.setEnabled(False)
        self.pause_button.setEnabled(True)
        self.stop_button.setEnabled(True)
        self.progress.setValue(0)
        self._show_failure_details(None)  # the last run's failure is no part of this one
        self.status.setText("Loading the data and building the model…")
        run.start()
        self._timer.start()

    def _ensure_plots(self) -> None:
        if self.loss_plot is not None:
            return
        import pyqtgraph as pg

        from designer.ui.plot_pieces import AXIS_WIDTH, NumberAxis

        pg.setConfigOptions(antialias=False, background="w", foreground="k")
        # a house price's squared error reaches 1e11: its tick labels must still fit the axis
        self.loss_plot = pg.PlotWidget(axisItems={"left": NumberAxis("left")})
        self.metric_plot = pg.PlotWidget(axisItems={"left": NumberAxis("left")})
        self._legends: dict[int, QLabel] = {}
        for plot in (self.loss_plot, self.metric_plot):
            plot.setLabel("bottom", "epoch")
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.getPlotItem().getAxis("left").setWidth(AXIS_WIDTH)  # steady: new tick labels cause no relayout
            for side in ("left", "bottom"):
                # an axis (its ticks, labels and the grid lines across the plot) is drawn once into a pixmap and
                # copied at each redraw: replaying its drawing was two thirds of a redraw's time
                plot.getPlotItem().getAxis(side).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            # the legend is a wrapped line above the plot, never a box inside it (in the short plots of the dock
            # any corner was over a curve) nor the plot's title (a long title made pyqtgraph's plot wider than
            # the dock, its right end cut off)
            legend = QLabel(f"<b>{'Loss' if plot is self.loss_plot else 'Metrics'}</b>")
            legend.setWordWrap(True)
            legend.setTextFormat(Qt.RichText)
            self._legends[id(plot)] = legend
            self.plots_layout.addWidget(legend)
            self.plots_layout.addWidget(plot, 1)
        from designer.ui.insights import InsightPanels

        self.insights = InsightPanels()
        self.insights.health.fix_requested.connect(self.fix_requested)
        self.plots_host.addWidget(self.insights)
        self.plots_host.setStretchFactor(0, 2)
        self.plots_host.setStretchFactor(1, 3)
        width = max(self.plots_host.width(), 500)
        self.plots_host.setSizes([width * 2 // 5, width * 3 // 5])

    def _on_health(self, new: list, findings: list) -> None:
        self.insights.health.show_findings(new, findings)
        if new:
            self.findings_changed.emit(findings)

    def _curve(self, name: str, epoch_level: bool):
        """The curve of `name`, made the first time it is asked for. It enters the title's legend with its first data
        (`_draw_into`): epoch curves are made ahead, while the first epoch runs, and some never get any."""
        key = (name, epoch_level)
        if key not in self._curves:
            import pyqtgraph as pg

            plot = self._plot_of(name)
            if epoch_level:
                colour = self._epoch_colour(name)
                pen = pg.mkPen(colour, width=2.5, style=Qt.DashLine if name.startswith("val_") else Qt.SolidLine)
                curve = plot.plot(pen=pen, symbol="o", symbolSize=5, symbolBrush=colour)
            else:
                curve = plot.plot(pen=pg.mkPen("#9bb8e8", width=1))
                curve.setDownsampling(auto=True, method="peak")
                curve.setClipToView(True)
            self._curves[key] = curve
        return self._curves[key]

    def _draw_into(self, name: str, epoch_level: bool, xs, ys) -> None:
        curve = self._curve(name, epoch_level)
        curve.setData(xs, ys)
        first = (name, epoch_level) not in self._drawn  # its first data: now it belongs in the legend
        self._drawn[(name, epoch_level)] = len(ys)
        if first:
            self._title_legend(self._plot_of(name))

    def _title_legend(self, plot) -> None:
        """The plot's title with its legend: each epoch quantity in its colour (dashed: validation), then the thin
        per-batch line."""
        entries = []
        for (name, per_epoch) in self._drawn:
            if per_epoch and self._plot_of(name) is plot:
                mark = "┅" if name.startswith("val_") else "━"
                entries.append(f"<span style='color:{self._epoch_colour_of(name)}'>{mark} {name}</span>")
        if any(not per_epoch and self._plot_of(name) is plot for name, per_epoch in self._drawn):
            entries.append("<span style='color:#7f9ccc'>─ per batch</span>")
        title = "Loss" if plot is self.loss_plot else "Metrics"
        self._legends[id(plot)].setText(f"<b>{title}</b>&nbsp;&nbsp; " + " &nbsp;&nbsp;".join(entries))

    def legend_text(self, plot) -> str:
        """The legend line above `plot` (its title and each curve's name in its colour)."""
        return self._legends[id(plot)].text()

    def _show_metrics(self, visible: bool) -> None:
        self.metric_plot.setVisible(visible)
        self._legends[id(self.metric_plot)].setVisible(visible)

    def _epoch_colour_of(self, name: str) -> str:
        curve = self._curves.get((name, True))
        return curve.opts["pen"].color().name() if curve is not None else EPOCH_COLOURS["train"]

    def _prepare_epoch_curve(self, names) -> None:
        """Make one epoch curve the first epoch's end will need (its training or validation quantity): made all at
        once then, with their symbols, they cost the window ~20-30 ms in one go while training was busiest."""
        for name in names:
            for wanted in (name, f"val_{name}"):
                if (wanted, True) not in self._curves:
                    self._curve(wanted, epoch_level=True)
                    return

    def _epoch_colour(self, name: str) -> str:
        """Training blue and validation orange; a second quantity of the same plot (a GAN's g_loss beside its
        d_loss) gets the next colour, so two curves never look the same."""
        if name.startswith("val_"):
            return EPOCH_COLOURS["val"]
        plot = self._plot_of(name)
        seen = [key for key, level in self._curves if level and not key.startswith("val_")
                and self._plot_of(key) is plot]
        return OTHER_COLOURS[(len(seen) - 1) % len(OTHER_COLOURS)] if seen else EPOCH_COLOURS["train"]

    def _on_began(self, epochs: int, steps: int) -> None:
        if max(1, epochs) != self._epochs:  # set when the run was attached; redrawing the axes costs ~5 ms
            self._epochs = max(1, epochs)
            for plot in (self.loss_plot, self.metric_plot):
                plot.setXRange(0, self._epochs, padding=0.02)
        self._steps = max(1, steps)
        self.progress.setMaximum(self._epochs * self._steps)
        self.status.setText("Training…")

    def _drain(self) -> None:
        """Every REDRAW_MS: take the batches reported since, then redraw one of the two plots, in turn — each
        plot every other tick. Both in one go, their repaints came in one burst of 20-45 ms while training."""
        if self.run is None:
            return
        batches = self.run.take_batches()
        if batches:
            self._take(batches)
        self._turn = not self._turn
        self._redraw(self.loss_plot if self._turn else self.metric_plot)

    def _drain_all(self) -> None:
        """Both plots up to date (the run has ended)."""
        self._drain()
        self._drain()

    def _take(self, batches: list) -> None:
        if not self._batch_x.size:  # the first batches say what is reported: no metrics, no Metrics plot
            self._show_metrics(any("loss" not in name for name in batches[-1][2]))
        self._batch_x.extend([epoch + (step + 1) / self._steps for epoch, step, _ in batches])
        for name in batches[-1][2]:
            values = [logs.get(name) for _, _, logs in batches]
            if all(isinstance(value, float) for value in values):
                self._batch_logs.setdefault(name, _Series()).extend(values)
                self._range_of(name).include(values)
        self._prepare_epoch_curve(list(batches[-1][2]))
        last_epoch, last_step, _ = batches[-1]
        self._done = last_epoch * self._steps + last_step + 1
        self.progress.setValue(min(self._done, self.progress.maximum()))
        now = time.monotonic()
        if self._pace_from is None or self.run.paused:
            # the time left counts from the first batches on: building the model and the first call into
            # TensorFlow take seconds that later batches never do, and counted in they made the estimate of a
            # 30-epoch run "10 s left" at epoch 7 and still "9 s left" at epoch 26; after a pause it starts anew
            self._pace_from = (now, self._done)
            self.progress.setFormat(f"%p%  ·  epoch {last_epoch + 1}/{self._epochs}")
        elif self._done > self._pace_from[1]:
            pace = (now - self._pace_from[0]) / (self._done - self._pace_from[1])
            left = pace * (self._epochs * self._steps - self._done)
            self.progress.setFormat(f"%p%  ·  epoch {last_epoch + 1}/{self._epochs}  ·  {_format_duration(left)} left")

    def _redraw(self, plot) -> None:
        """Give `plot`'s curves what arrived since they were last drawn (nothing to do: nothing is repainted)."""
        for name, series in self._batch_logs.items():
            if self._plot_of(name) is plot and series.size == self._batch_x.size != self._drawn.get((name, False)):
                self._draw_into(name, False, self._batch_x.values, series.values)
        for name, values in self._epoch_logs.items():
            if self._plot_of(name) is plot and len(values) != self._drawn.get((name, True)):
                self._draw_into(name, True, list(range(1, len(values) + 1)), values)
                self._range_of(name).include(values[-1:])

    def _on_epoch(self, epoch: int, logs: dict) -> None:
        # kept, and drawn by the redraw timer: an epoch ends while the training thread is busiest (validation,
        # the panels' snapshot), and drawing then made the window wait twice as long
        for name, value in logs.items():
            self._epoch_logs.setdefault(name, []).append(float(value))

    def _plot_of(self, name: str):
        """Losses on the Loss plot, everything else on the Metrics plot."""
        return self.loss_plot if "loss" in name else self.metric_plot

    def _range_of(self, name: str) -> _SteadyRange:
        return self._ranges[id(self._plot_of(name))]

    def _on_finished(self, result) -> None:
        self._drain_all()
        self._timer.stop()
        self.insights.health.finished()
        for plot in (self.loss_plot, self.metric_plot):
            plot.enableAutoRange()  # the run is over: fit what it drew
        self._set_idle()
        epochs = len(next(iter(result.history.values()), []))
        summary = ", ".join(f"{k} {v[-1]:.4g}" for k, v in result.history.items() if v)
        if result.stopped_reason:
            self.progress.setFormat(f"%p%  ·  stopped after epoch {epochs} of {self._epochs}")  # no time left
            self.status.setText(f"<span style='color:{style.WARNING_COLOUR}'>{result.stopped_reason}</span> "
                                f"After {epochs} epoch{'s' * (epochs != 1)}: {summary}")
        else:
            self.progress.setValue(self.progress.maximum())
            self.progress.setFormat(f"done in {_format_duration(time.monotonic() - self._started)}")
            self.status.setText(f"Done: {epochs} epoch{'s' * (epochs != 1)}. {summary}")

    def _on_failed(self, message: str) -> None:
        self._drain_all()  # what was learned before the failure stays drawn
        self._timer.stop()
        for plot in (self.loss_plot, self.metric_plot):
            plot.enableAutoRange()
        self._set_idle()
        self.progress.setFormat("%p%  ·  did not finish")  # never the time left of a run that is over
        from designer.ui.training_failure import plain_failure

        sentence, details = plain_failure(message)
        self.status.setText(f"<span style='color:{style.ERROR_COLOUR}'>{sentence}</span>")
        self._show_failure_details(details)

    def _show_failure_details(self, details: str | None) -> None:
        self.failure_details = details
        self.details_button.setVisible(details is not None)

    def show_failure_details(self) -> None:
        """The last run's unexpected error in full, in a dialog with a Copy button."""
        if self.failure_details is None:
            return
        from designer.ui.training_failure import FailureDetailsDialog, plain_failure

        sentence = plain_failure(self.failure_details)[0]
        self.details_dialog = FailureDetailsDialog(sentence, self.failure_details, self)
        self.details_dialog.open()

    def forget(self) -> bool:
        """Another project is open: back to the slim bar of before any run, so that nothing of the last project's
        run (its curves, panels, result, time left) is shown as if it were this one's. A run still going is
        left alone (the window stops it first). True when curves were shown (the dock may shrink back)."""
        if self.run is not None and self.run.is_running():
            return False
        shown = not self.plots_host.isHidden()
        self.run = None
        self._timer.stop()
        if self.loss_plot is not None:
            for plot in (self.loss_plot, self.metric_plot):
                plot.clear()
                self._legends[id(plot)].setText(f"<b>{'Loss' if plot is self.loss_plot else 'Metrics'}</b>")
            self._curves, self._drawn = {}, {}
            self.insights.clear()
        self.plots_host.hide()
        self.progress.setValue(0)
        self.progress.setFormat("%p%")
        self.status.setText(IDLE_TEXT)
        self._show_failure_details(None)
        self._set_idle()
        self.findings_changed.emit([])
        return shown
