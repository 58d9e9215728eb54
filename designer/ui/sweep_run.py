"""A sweep in the window: its trials one after another, each an ordinary `TrainingRun` the Training panel shows live.

`SweepRun` asks the sweep (`designer.training.sweep.Sweep`, Optuna's ask-and-tell) for a trial, trains it in the
background on the data loaded once, hands each epoch's logs to the sweep's pruner (a hopeless trial is stopped
after that epoch), and hands each finished trial's record to the window (`recorded`), which keeps it with the
project at once. "Stop after this trial" lets the trial under way finish; "Stop now" (or the Training panel's
Stop) ends it at once, without a record, keeping the finished ones.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Signal

from designer.ui.training_run import TrainingRun


class SweepRun(QObject):
    trial_started = Signal(object, object)  # the Trial, its TrainingRun (not started: the window attaches it)
    recorded = Signal(object)  # a finished trial's RunRecord
    trial_failed = Signal(object, str)  # a Trial whose values do not train, and why
    ended = Signal(str)  # the sweep is over (all trials, stopped, or failed): a line to show

    def __init__(self, sweep, dataset, device: str, parent: QObject | None = None,
                 tensorboard: Callable[[int], tuple[str, int] | None] = lambda number: None) -> None:
        super().__init__(parent)
        self.sweep = sweep
        self.dataset = dataset
        self.device = device
        self.tensorboard = tensorboard
        self.trial = None
        self.run: TrainingRun | None = None
        self.finished_trials = 0
        self.stopping = False  # after this trial
        self._stopped_now = False
        self.over = False

    # ------------------------------------------------------------------ control
    def start(self) -> None:
        self._next()

    def stop_after_trial(self) -> None:
        self.stopping = True

    def stop_now(self) -> None:
        self._stopped_now = True
        self.stopping = True
        if self.run is not None and self.run.is_running():
            self.run.stop()

    def is_running(self) -> bool:
        return not self.over

    # ------------------------------------------------------------------ trial by trial
    def _next(self) -> None:
        trial = None if self.stopping else self.sweep.next_trial()
        if trial is None:
            self._end()
            return
        self.trial = trial
        number = self.sweep.next_run_number
        self.run = TrainingRun(trial.project, self.dataset, parent=self, tensorboard=self.tensorboard(number))
        trial.clock = self.run.clock
        self.run.epoch_finished.connect(self._on_epoch)
        self.run.finished.connect(self._on_finished)
        self.run.failed.connect(self._on_failed)
        self.trial_started.emit(trial, self.run)

    def _on_epoch(self, epoch: int, logs: dict) -> None:
        if self.trial is not None and self.sweep.epoch_end(self.trial, epoch, logs):
            self.run.stop()  # hopeless: it ends after the batch under way, and is recorded as pruned

    def _on_finished(self, result) -> None:
        run, trial = self.run, self.trial
        run.wait()
        user_stop = run._stop.is_set() and not trial.pruned
        if self._stopped_now or user_stop:
            self.sweep.fail(trial)  # ended halfway by the person: not a result
            self._stopped_now = self.stopping = True
            self._end()
            return
        self.finished_trials += 1
        self.recorded.emit(self.sweep.finish(trial, result, self.device))
        self._next()

    def _on_failed(self, message: str) -> None:
        self.run.wait()
        self.sweep.fail(self.trial)
        self.trial_failed.emit(self.trial, message)
        self._next()

    def _end(self) -> None:
        if self.over:
            return
        self.over = True
        self.run = None
        count = self.finished_trials
        kept = f"{count} finished trial{'s' * (count != 1)} kept"
        best = self.sweep.best
        if self._stopped_now:
            text = f"Sweep {self.sweep.number} stopped; {kept}."
        elif self.stopping:
            text = f"Sweep {self.sweep.number} stopped after a trial; {kept}."
        else:
            text = f"Sweep {self.sweep.number} done: {kept}."
        if best is not None:
            values = ", ".join(f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}" for k, v in best.varied.items())
            text += f" Best: trial {best.trial} (run {best.number}), {values}."
        self.ended.emit(text)
