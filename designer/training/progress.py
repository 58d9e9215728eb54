"""The one Keras callback of every training run: it forwards progress to the `TrainingState`, honours stop and
pause requests and changes made while paused, stops a run whose loss turns NaN or infinite with advice in plain
words, takes the snapshots of the live panels and the health checks (designer.training.insights.Observer) at the
end of an epoch, and hands each epoch to the training-health monitor (designer.training.health). Keras only inside
the function.
"""

from __future__ import annotations

import logging
import math

from designer.training.state import TrainingState

NAN_ADVICE = (
    "The loss became {value} at epoch {epoch}, so training stopped. Likely causes: a learning rate that is too "
    "high (try ten times smaller), or inputs that are not scaled (scale them to 0..1 or standardize them)."
)


def progress_callback(state: TrainingState, loss_keys: tuple[str, ...], observer, networks: tuple, health=None):
    """The callback of one run (it lives across the fits of a run restarted for unfrozen layers). `loss_keys`:
    the losses checked after every batch; `observer` (None: no panels and no health checks) takes snapshots of
    `networks` (the model, or a GAN's generator and discriminator); `health`: the
    designer.training.health.HealthMonitor that reads the epochs and the snapshots, or None."""
    import keras

    class Progress(keras.callbacks.Callback):
        """Forwards progress to the state; stops on request or on a NaN/inf loss; snapshots for the panels.

        Keras's TensorFlow trainer hands the callbacks plain floats after every batch (every execution of
        `steps_per_execution` batches), with or without us, so checking the loss there costs no extra device
        sync and catches a NaN at once, not an epoch later."""

        def __init__(self) -> None:
            super().__init__()
            self.epoch = 0
            self.stopped_reason: str | None = None
            #: the trainable weights changed while paused: this fit ends and a new one goes on
            self.restart = False
            self.diverged = False
            self.panels_failed = False
            self._planned = False

        def on_train_begin(self, logs=None):
            # Keras's own count of batches (after the validation split) is the one the bar must reach
            state.begin(self.params.get("epochs") or 0, self.params.get("steps") or 0)
            if observer is not None and not self._planned:
                self._planned = True
                state.insights_planned(observer.plan(*networks))
                if health is not None:
                    self._report(health.start())

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            logs = logs or {}
            state.batch_end(self.epoch, batch, logs)
            for key in loss_keys:
                value = logs.get(key)
                if isinstance(value, float) and not math.isfinite(value):
                    self._stop_for(value)
                    return
            state.wait_if_paused()
            if state.adjust(self.model):  # changes made while paused (learning rate, unfrozen layers)
                self.restart = True
                self.model.stop_training = True
            if state.should_stop():
                self.stopped_reason = "Stopped by request; the model keeps what it learned so far."
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            logs = {k: float(v) for k, v in (logs or {}).items()}
            if self.stopped_reason is None:
                for key, value in logs.items():
                    if key.endswith("loss") and not math.isfinite(value):
                        self._stop_for(value)
                        break
            state.epoch_end(epoch, logs)
            snapshot = None
            if observer is not None and not self.diverged and not self.panels_failed:  # NaN weights make no picture
                last = (self.model.stop_training and not self.restart) or epoch + 1 >= (self.params.get("epochs") or 0)
                if observer.due(last):
                    try:
                        snapshot = observer.snapshot(*networks, epoch=epoch)
                    except Exception:  # the panels are a view of the run: a fault there must not end the training
                        self.panels_failed = True
                        logging.getLogger(__name__).exception("The live panels' snapshot failed; training goes on")
                    else:
                        if observer.panels:
                            state.insights(snapshot)
            if health is not None:
                self._report(health.epoch_end(epoch, logs, snapshot.health if snapshot is not None else None))

        def _report(self, new: list) -> None:
            if new or health.findings:
                state.health(new, health.all())

        def _stop_for(self, value: float) -> None:
            self.stopped_reason = NAN_ADVICE.format(value=value, epoch=self.epoch + 1)
            self.diverged = True
            self.model.stop_training = True

    return Progress()
