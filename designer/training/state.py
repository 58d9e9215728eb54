"""The protocol the training engine reports to, and the states that need no window.

`TrainingState` is a base class whose methods do nothing: a state overrides what it needs. The engine calls
`batch_end` after every batch, so it must stay cheap (no copying of tensors to numpy unless shown).
"""

from __future__ import annotations

import sys
import time
from typing import Any


class TrainingState:
    """Receives progress; tells the engine when to stop or wait."""

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
    """A per-epoch progress bar on stderr, drawn by Keras's own Progbar (loss, metrics, time left)."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        self._bar = None
        self._epochs = 0
        self._steps = 0
        self._started = 0.0

    def begin(self, total_epochs: int, steps_per_epoch: int) -> None:
        self._epochs, self._steps = total_epochs, steps_per_epoch
        self._started = time.perf_counter()

    def batch_end(self, epoch: int, step: int, logs: dict[str, Any]) -> None:
        if self._bar is None:
            import keras

            print(f"Epoch {epoch + 1}/{self._epochs}", file=self.stream, flush=True)
            self._bar = keras.utils.Progbar(self._steps or None, stateful_metrics=list(logs))
        self._bar.update(step + 1, [(k, float(v)) for k, v in logs.items()])

    def epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        if self._bar is not None:
            self._bar.update(self._steps or 1, [(k, float(v)) for k, v in logs.items()], finalize=True)
        self._bar = None
