"""A training run in a background QThread: the engine's plain `train` function, reporting to a state object that
hands progress to the GUI thread without slowing training down.

Per-batch logs are only appended to a buffer (a lock and a list append; no Qt signal per batch — a signal plus a
redraw per batch made training ~3× slower); the window drains the buffer on its own timer with `take_batches`.
Rarer events (begin, epoch end, a snapshot for the live panels, training-health findings, finish, failure) are
queued signals. Pause
blocks the training thread between batches on an event; Stop sets the engine's stop flag (the model keeps what
it has learned so far); a learning rate set meanwhile (`set_learning_rate`) is applied before the next batch, and
a layer frozen or unfrozen meanwhile (`set_trainable`, a backbone's "trainable") from the next epoch. The run
trains a copy of the project, so the canvas can be edited meanwhile without touching the running model.
"""

from __future__ import annotations

import copy
import gc
import threading
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from designer.core.project import Project
from designer.training.state import TrainingState
from designer.ui.gui_garbage import collect_before_worker
from designer.ui.thread_priority import LOW_PRIORITY, lower_tensorflow_threads, lower_this_thread


class _QtState(TrainingState):
    def __init__(self, run: "TrainingRun") -> None:
        self._run = run
        self.wants_insights = run.insights
        self.wants_health = run.health

    def begin(self, total_epochs: int, steps_per_epoch: int) -> None:
        # Python's full garbage collections walk every object TensorFlow and Keras made (the model, its graph),
        # holding the interpreter lock 40-280 ms each while training allocates: the window stood still. Frozen,
        # those objects are skipped; they are unfrozen when the run ends, so a dropped model is still collected.
        gc.freeze()
        lower_tensorflow_threads()  # its pools exist by now (the model is built); see thread_priority
        self._run.began.emit(total_epochs, steps_per_epoch)

    def batch_end(self, epoch: int, step: int, logs: dict[str, Any]) -> None:
        with self._run._lock:
            self._run._batches.append((epoch, step, dict(logs)))

    def epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        self._run.epoch_finished.emit(epoch, dict(logs))

    def should_stop(self) -> bool:
        return self._run._stop.is_set()

    def wait_if_paused(self) -> None:
        if self._run._running.is_set():
            return
        self._run._held.set()  # the batch in flight is done: nothing trains until Resume or Stop
        try:
            self._run._running.wait()
        finally:
            self._run._held.clear()

    def adjust(self, model) -> bool:
        rate = self._run._new_learning_rate
        if rate is not None:  # set by the GUI thread, usually while paused
            self._run._new_learning_rate = None
            model.optimizer.learning_rate.assign(rate)
            self._run.learning_rate = rate
        changed = False
        with self._run._lock:
            wanted, self._run._trainable = self._run._trainable, {}
        for name, trainable in wanted.items():
            try:
                layer = model.get_layer(name)
            except ValueError:  # not in this model (renamed since the run started): nothing to change
                continue
            if layer.trainable != trainable:
                layer.trainable = trainable
                changed = True
        return changed

    def insights_planned(self, reasons: dict) -> None:
        self._run.insights_planned.emit(dict(reasons))

    def insights(self, snapshot) -> None:
        self._run.snapshot_taken.emit(snapshot)

    def health(self, new: list, findings: list) -> None:
        # copies: the monitor goes on updating its findings' evidence in this thread
        copies = {id(f): copy.copy(f) for f in findings}
        self._run.health_found.emit([copies.get(id(f), f) for f in new], list(copies.values()))


class _Thread(QThread):
    def __init__(self, run: "TrainingRun") -> None:
        super().__init__(run)
        self._owner = run

    def run(self) -> None:
        lower_this_thread()  # the window's thread comes first (thread_priority)
        self._owner._train()


class TrainingRun(QObject):
    began = Signal(int, int)  # total epochs, steps per epoch
    epoch_finished = Signal(int, dict)  # epoch (from 0), its logs under Keras's names
    finished = Signal(object)  # TrainingResult (also after Stop or a NaN stop: see its stopped_reason)
    failed = Signal(str)  # a plain message; the window stays usable
    insights_planned = Signal(dict)  # panel name -> None (will show data) or why it stays empty
    snapshot_taken = Signal(object)  # a designer.training.insights.Snapshot at the end of an epoch
    health_found = Signal(list, list)  # training-health findings: the new ones, all so far (designer.training.health)

    def __init__(self, project: Project, dataset, epochs: int | None = None, parent: QObject | None = None,
                 insights: bool = True, health: bool | None = None, tensorboard: tuple[str, int] | None = None) -> None:
        """`dataset`: a loaded Dataset, or a DatasetChoice to load in the training thread (a download must not
        freeze the window). `insights`: take snapshots for the live panels; `health`: run the training-health
        checks (by default with the panels); `tensorboard`: (folder, run number) to write TensorBoard logs to."""
        super().__init__(parent)
        self.tensorboard = tensorboard
        from designer.training.run_records import RunClock

        #: when the run started and for how long it ran (the run's record says so)
        self.clock = RunClock()
        self.insights = insights
        self.health = insights if health is None else health
        self.project = project.copy()  # what the canvas does next cannot reach the running model
        self.dataset = dataset
        self.epochs = epochs
        self.result = None
        self.error: str | None = None
        self._lock = threading.Lock()
        self._batches: list[tuple[int, int, dict]] = []
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._held = threading.Event()
        self._new_learning_rate: float | None = None
        self._trainable: dict[str, bool] = {}
        #: the learning rate in use, once changed during the run
        self.learning_rate: float | None = None
        self._thread = _Thread(self)

    # ------------------------------------------------------------------ control (GUI thread)
    def start(self) -> None:
        collect_before_worker()  # the window's cycles are not the training thread's to collect (gui_garbage)
        self._thread.start(LOW_PRIORITY)

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def stop(self) -> None:
        self._stop.set()
        self._running.set()  # a paused run must wake up to see the stop

    def set_learning_rate(self, rate: float) -> None:
        """Use `rate` from the next batch on (typically changed while paused, then Resume)."""
        self._new_learning_rate = float(rate)

    def set_trainable(self, layer_name: str, trainable: bool) -> None:
        """Freeze or unfreeze a layer (a pretrained backbone) of the running model; training goes on from the
        next epoch with the new set of trainable weights."""
        with self._lock:
            self._trainable[layer_name] = bool(trainable)

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    @property
    def held(self) -> bool:
        """Paused, and the training thread has finished its batch and is waiting (pause() returns at once)."""
        return self._held.is_set()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def wait(self, milliseconds: int | None = None) -> bool:
        return self._thread.wait() if milliseconds is None else self._thread.wait(milliseconds)

    def take_batches(self) -> list[tuple[int, int, dict]]:
        """The per-batch logs since the last call (the window calls this on its redraw timer)."""
        with self._lock:
            batches, self._batches = self._batches, []
        return batches

    # ------------------------------------------------------------------ the training thread
    def _train(self) -> None:
        try:
            self._train_and_report()
        finally:
            gc.unfreeze()

    def _train_and_report(self) -> None:
        from designer.core.project import DatasetChoice
        from designer.data.dataset import DataError
        from designer.data.registry import load_dataset
        from designer.training.engine import TrainingError, train

        try:
            if isinstance(self.dataset, DatasetChoice):
                self.dataset = load_dataset(self.dataset)
            callbacks = ()
            if self.tensorboard is not None:
                from designer.training.run_records import tensorboard_logs

                callbacks = (tensorboard_logs(*self.tensorboard),)
            self.result = train(self.project, self.dataset, _QtState(self), epochs=self.epochs, callbacks=callbacks)
        except (TrainingError, DataError) as error:
            self.error = str(error)
            self.failed.emit(self.error)
            return
        except Exception as error:  # a bug or a Keras surprise: said in the window, which keeps working
            self.error = f"Training failed unexpectedly ({type(error).__name__}: {error})."
            self.failed.emit(self.error)
            return
        self.finished.emit(self.result)
