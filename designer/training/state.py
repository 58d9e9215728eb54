"""The protocol the training engine reports to, and the states that need no window.

`TrainingState` is a base class whose methods do nothing: a state overrides what it needs. The engine calls
`batch_end`, `wait_if_paused`, `adjust` and `should_stop` after every batch, so they must stay cheap: the logs arrive as
plain Python floats (Keras's TensorFlow trainer converts them after each batch anyway), and a window should
keep them and redraw on a timer rather than per call. Calls come from the thread that trains.
"""

from __future__ import annotations

import signal
import sys
from contextlib import redirect_stdout
from typing import Any


class TrainingState:
    """Receives progress; tells the engine when to stop or wait."""

    #: whether the engine should take snapshots for the live panels (designer.training.insights): they cost
    #: forward passes, so a state without panels (the command line, tests of the curves) says no
    wants_insights = False
    #: whether the engine should run the training-health checks (designer.training.health): their snapshots
    #: cost a little, so states that only want the result say no
    wants_health = False

    def begin(self, total_epochs: int, steps_per_epoch: int) -> None:
        pass

    def batch_end(self, epoch: int, step: int, logs: dict[str, Any]) -> None:
        pass

    def epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        pass

    def end(self, result: Any) -> None:
        pass

    def should_stop(self) -> bool:
        return False

    def wait_if_paused(self) -> None:
        pass

    def adjust(self, model: Any) -> bool:
        """Called between batches, after any pause: apply changes asked for meanwhile to the training model.
        Return True when the set of trainable weights changed (a backbone unfrozen): Keras fixes that set when
        fit starts, so the engine ends this fit and goes on with a new one from the current weights."""
        return False

    def insights_planned(self, reasons: dict[str, str | None]) -> None:
        """Before the first epoch: panel name → None when it will show data, else why it stays empty."""

    def insights(self, snapshot: Any) -> None:
        """A designer.training.insights.Snapshot of the model at the end of an epoch."""

    def health(self, new: list, findings: list) -> None:
        """Training-health findings (designer.training.health.Finding): `new` ones, just seen, and all of them
        so far (their evidence brought up to date). Called at the start and after an epoch, when any is new or
        the evidence changed."""


class NullState(TrainingState):
    """Reports nowhere: for scripts and tests that only want the result."""


class StopAfter(TrainingState):
    """Asks the engine to stop after `batches` batches (tests and benchmarks)."""

    def __init__(self, batches: int) -> None:
        self.batches = batches
        self.seen = 0

    def batch_end(self, epoch: int, step: int, logs: dict[str, Any]) -> None:
        self.seen += 1

    def should_stop(self) -> bool:
        return self.seen >= self.batches


class ConsoleState(TrainingState):
    """A per-epoch progress bar on stderr (or `stream`), drawn by Keras's own Progbar (loss, metrics, time left),
    and each training-health finding on a line of its own (`health: ...`) when it first appears.

    Ctrl+C while it trains stops the run after the batch in flight and then raises KeyboardInterrupt from `end`:
    a KeyboardInterrupt raised wherever the signal lands could surface inside a TensorFlow call that turns it into
    an error of its own (a snapshot's, which the engine forgives: training went on), so the signal only sets a
    flag the engine reads after every batch. A second Ctrl+C interrupts at once.

    Progbar writes to sys.stdout and decides from it whether it may redraw the line, so stdout is pointed at
    the stream while it draws: stdout stays free for the command's results."""

    wants_health = True

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        #: Ctrl+C was pressed: the engine stops after the batch in flight
        self.interrupted = False
        self._previous_handler = None
        self._bar = None
        self._epochs = 0
        self._steps = 0
        self._seen = 0

    def begin(self, total_epochs: int, steps_per_epoch: int) -> None:
        self._epochs, self._steps = total_epochs, steps_per_epoch
        if self._previous_handler is None:
            try:
                self._previous_handler = signal.signal(signal.SIGINT, self._interrupt)
            except ValueError:  # not the main thread: Ctrl+C stays Python's KeyboardInterrupt
                pass

    def _interrupt(self, signum, frame) -> None:
        if self.interrupted:
            raise KeyboardInterrupt
        self.interrupted = True

    def should_stop(self) -> bool:
        return self.interrupted

    def end(self, result: Any) -> None:
        if self._previous_handler is not None:
            signal.signal(signal.SIGINT, self._previous_handler)
            self._previous_handler = None
        if self.interrupted:
            raise KeyboardInterrupt

    def batch_end(self, epoch: int, step: int, logs: dict[str, Any]) -> None:
        with redirect_stdout(self.stream):
            if self._bar is None:
                import keras

                print(f"Epoch {epoch + 1}/{self._epochs}", flush=True)
                self._bar = keras.utils.Progbar(self._steps or None, stateful_metrics=list(logs))
            self._seen = step + 1
            self._bar.update(self._seen, list(logs.items()), finalize=False)  # epoch_end finalizes, with val_*

    def epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        if self._bar is not None:
            with redirect_stdout(self.stream):
                self._bar.update(self._seen, list(logs.items()), finalize=True)
        self._bar = None

    def health(self, new: list, findings: list) -> None:
        for finding in new:
            print(finding.line(), file=self.stream, flush=True)
