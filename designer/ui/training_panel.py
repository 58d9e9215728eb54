"""The Training panel: Train / Pause / Resume / Stop, a progress bar with the time left, and live curves of the
loss and the metrics — per batch (thin) and per epoch (training and validation, thick) — and the Settings panel
(`TrainingSettings`): the training settings as a form, with the loss "auto" will pick and a warning when a chosen
loss does not suit the output layer.

Curves are redrawn by a 100 ms timer from the run's batch buffer, never per batch, with pyqtgraph's downsampling
and clip-to-view so a million points stay smooth. pyqtgraph (~0.4 s to import) is loaded when the first run
starts, not with the window.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from designer.ui import style
from designer.ui.panels import fill_with_scrolling
from designer.ui.param_form import ParamForm

REDRAW_MS = 100
EPOCH_COLOURS = {"train": "#3d7bd9", "val": "#d98b2b"}


def _format_duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class TrainingSettings(QWidget):
    """The training settings, generated from the project's typed specs, and which loss training will use."""

    #: name, value (the window makes each edit an undo step)
    setting_edited = Signal(str, object)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        from designer.core.project import TRAINING_SPECS

        self.form = ParamForm(TRAINING_SPECS)
        self.form.value_edited.connect(self.setting_edited)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {style.ERROR_COLOUR};")
        self.error.hide()
        self.form.refused.connect(self._show_refusal)
        self.form.value_edited.connect(lambda *_: self.error.hide())
        self.loss_hint = QLabel(self)
        self.loss_hint.setWordWrap(True)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.loss_hint)
        layout.addStretch(1)
        fill_with_scrolling(self, content)
        self.show_loss_hint("auto", None, None)

    def show_settings(self, training: dict) -> None:
        """The project's training settings in the form, without emitting."""
        self.form.set_values(training)

    def show_loss_hint(self, chosen: str, suggested: str | None, warning: str | None) -> None:
        """Which loss training will use (what "auto" picks) and, in amber, why a chosen one does not suit."""
        lines = []
        if chosen == "auto" and suggested:
            lines.append(f"Loss \"auto\" will use <b>{suggested.replace('_', ' ')}</b>.")
        if warning:
            lines.append(f"<span style='color:{style.WARNING_COLOUR}'>{warning}</span>")
        self.loss_hint.setText("<br>".join(lines))
        self.loss_hint.setVisible(bool(lines))

    def _show_refusal(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()


class TrainingPanel(QWidget):
    train_requested = Signal()

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
        self.status = QLabel(
            "Train (F5) trains the model on the data chosen in the Data tab, with the Settings tab's settings.", self
        )
        self.status.setWordWrap(True)
        self.train_button.clicked.connect(self.train_requested)
        self.pause_button.clicked.connect(self._toggle_pause)
        self.stop_button.clicked.connect(self._stop)
        row = QHBoxLayout()
        for widget in (self.train_button, self.pause_button, self.stop_button):
            row.addWidget(widget)
        row.addWidget(self.progress, 1)
        self.plots_host = QWidget(self)
        self.plots_host.setMinimumHeight(200)
        self.plots_layout = QHBoxLayout(self.plots_host)
        self.plots_layout.setContentsMargins(0, 0, 0, 0)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.plots_host, 1)
        self.plots_host.hide()  # until the first run: the dock stays a slim bar under the canvas
        self.loss_plot = self.metric_plot = None
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
        else:
            self.run.pause()
            self.pause_button.setText("Resume")
            self.status.setText("Paused after the current batch. Resume goes on from where it stopped.")

    def _stop(self) -> None:
        if self.run is not None:
            self.run.stop()
            self.status.setText("Stopping after the current batch…")

    # ------------------------------------------------------------------ a run
    def attach(self, run) -> None:
        """Show `run` (a TrainingRun, not started yet) and start it."""
        self._ensure_plots()
        self.plots_host.show()
        self.run = run
        self._batch_x: list[float] = []
        self._batch_logs: dict[str, list[float]] = {}
        self._epoch_logs: dict[str, list[float]] = {}
        self._steps = 1
        self._epochs = 1
        self._done = 0
        self._started = time.monotonic()
        for plot in (self.loss_plot, self.metric_plot):
            plot.clear()
        self._curves = {}
        run.began.connect(self._on_began)
        run.epoch_finished.connect(self._on_epoch)
        run.finished.connect(self._on_finished)
        run.failed.connect(self._on_failed)
        self.train_button.setEnabled(False)
        self.pause_button.setEnabled(True)
        self.stop_button.setEnabled(True)
        self.progress.setValue(0)
        self.status.setText("Loading the data and building the model…")
        run.start()
        self._timer.start()

    def _ensure_plots(self) -> None:
        if self.loss_plot is not None:
            return
        import pyqtgraph as pg

        pg.setConfigOptions(antialias=True, background="w", foreground="k")
        self.loss_plot = pg.PlotWidget(title="Loss")
        self.metric_plot = pg.PlotWidget(title="Metrics")
        # losses fall and metrics rise: each legend goes where its curves are not
        for plot, legend_offset in ((self.loss_plot, (-10, 10)), (self.metric_plot, (-10, -30))):
            plot.setLabel("bottom", "epoch")
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.addLegend(offset=legend_offset)
            self.plots_layout.addWidget(plot)

    def _curve(self, name: str, epoch_level: bool):
        key = (name, epoch_level)
        if key not in self._curves:
            import pyqtgraph as pg

            plot = self.loss_plot if "loss" in name else self.metric_plot
            if epoch_level:
                colour = EPOCH_COLOURS["val" if name.startswith("val_") else "train"]
                pen = pg.mkPen(colour, width=2.5, style=Qt.DashLine if name.startswith("val_") else Qt.SolidLine)
                curve = plot.plot(name=name, pen=pen, symbol="o", symbolSize=5, symbolBrush=colour)
            else:
                curve = plot.plot(name=f"{name} (per batch)", pen=pg.mkPen("#9bb8e8", width=1))
                curve.setDownsampling(auto=True, method="peak")
                curve.setClipToView(True)
            self._curves[key] = curve
        return self._curves[key]

    def _on_began(self, epochs: int, steps: int) -> None:
        self._epochs, self._steps = max(1, epochs), max(1, steps)
        self.progress.setMaximum(self._epochs * self._steps)
        self.status.setText("Training…")

    def _drain(self) -> None:
        if self.run is None:
            return
        batches = self.run.take_batches()
        if not batches:
            return
        for epoch, step, logs in batches:
            self._batch_x.append(epoch + (step + 1) / self._steps)
            for name, value in logs.items():
                if isinstance(value, float):
                    self._batch_logs.setdefault(name, []).append(value)
        for name, values in self._batch_logs.items():
            if len(values) == len(self._batch_x):
                self._curve(name, epoch_level=False).setData(self._batch_x, values)
        last_epoch, last_step, _ = batches[-1]
        self._done = last_epoch * self._steps + last_step + 1
        self.progress.setValue(min(self._done, self.progress.maximum()))
        if not self.run.paused:
            elapsed = time.monotonic() - self._started
            left = elapsed / self._done * (self._epochs * self._steps - self._done)
            self.progress.setFormat(f"%p%  ·  epoch {last_epoch + 1}/{self._epochs}  ·  {_format_duration(left)} left")

    def _on_epoch(self, epoch: int, logs: dict) -> None:
        for name, value in logs.items():
            self._epoch_logs.setdefault(name, []).append(float(value))
            values = self._epoch_logs[name]
            self._curve(name, epoch_level=True).setData(list(range(1, len(values) + 1)), values)

    def _on_finished(self, result) -> None:
        self._drain()
        self._timer.stop()
        self._set_idle()
        epochs = len(next(iter(result.history.values()), []))
        summary = ", ".join(f"{k} {v[-1]:.4g}" for k, v in result.history.items() if v)
        if result.stopped_reason:
            self.status.setText(f"<span style='color:{style.WARNING_COLOUR}'>{result.stopped_reason}</span> "
                                f"After {epochs} epoch{'s' * (epochs != 1)}: {summary}")
        else:
            self.progress.setValue(self.progress.maximum())
            self.progress.setFormat(f"done in {_format_duration(time.monotonic() - self._started)}")
            self.status.setText(f"Done: {epochs} epoch{'s' * (epochs != 1)}. {summary}")

    def _on_failed(self, message: str) -> None:
        self._timer.stop()
        self._set_idle()
        self.status.setText(f"<span style='color:{style.ERROR_COLOUR}'>{message}</span>")
