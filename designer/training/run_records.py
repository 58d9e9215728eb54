"""Making the record of a run that ended (`designer.core.runs.RunRecord`), for the window, the CLI and sweeps.

A `RunClock` is started before the plan and read after the fit: when the run started (local time, with its zone)
and how long it took. `record_of` turns a `TrainingResult` into the record kept with the project: the settings and
graphs the run used, its curves, why it stopped, its findings and, when asked, the weights it reached.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from designer.core.project import Project
from designer.core.runs import RunRecord, next_number


@dataclass
class RunClock:
    """When a run started, and a monotonic clock for how long it took."""

    started: str = field(default_factory=lambda: datetime.now().astimezone().isoformat(timespec="seconds"))
    _start: float = field(default_factory=time.monotonic)

    @property
    def seconds(self) -> float:
        return time.monotonic() - self._start


def device_in_words(setting: str) -> str:
    """Where a run with this device setting trains: "CPU", "GPU 0: <name>", "2 GPUs (MirroredStrategy)"."""
    from designer.keras_bridge.runtime import gpu_names

    names = gpu_names()
    if setting == "cpu" or not names:
        return "CPU"
    if setting == "all_gpus":
        return f"{len(names)} GPU{'s' * (len(names) != 1)} (MirroredStrategy)"
    index = int(setting.split(":")[1]) if setting.startswith("gpu:") else 0
    return f"GPU {index}: {names[index]}" if index < len(names) else "CPU"


def record_of(project: Project, result: Any, clock: RunClock, device: str, number: int | None = None,
              keep_weights: bool = False, **sweep: Any) -> RunRecord:
    """The record of a run of `project` (the copy that trained, with the settings it used) that ended with
    `result` (a `designer.training.engine.TrainingResult`). `number`: the next one of the project's records by
    default; `keep_weights`: keep the weights it reached with the record; `sweep`: sweep, trial, varied, pruned."""
    return RunRecord(
        number=number if number is not None else next_number(project.runs),
        started=clock.started,
        seconds=round(clock.seconds, 3),
        device=device,
        dataset=project.dataset.copy() if project.dataset is not None else None,
        training=dict(project.training),
        graphs=[graph.copy() for graph in project.graphs],
        history={key: [float(v) for v in values] for key, values in result.history.items()},
        stopped=result.stopped_reason,
        findings=[f"{finding.title} (epoch {finding.epoch})" for finding in result.findings],
        weights=dict(result.trained) if keep_weights else {},
        epochs_before=_epochs_before(result),
        **sweep,
    )


def _epochs_before(result: Any) -> int:
    """How many epochs the weights the run started from had trained (from the weights it went on from)."""
    if not result.reuse or not result.trained:
        return 0
    ran = len(next(iter(result.history.values()), []))
    return max(0, max(w.epochs for w in result.trained.values()) - ran)


def tensorboard_logs(folder: str, number: int):
    """Keras's TensorBoard callback writing this run's logs to ``<folder>/run-<number>`` (for those who already
    use TensorBoard); TrainingError in words when the folder cannot be made or TensorBoard is not installed."""
    from pathlib import Path

    import keras

    from designer.training.engine import TrainingError

    try:
        import tensorboard  # noqa: F401  (tf.summary writes nothing without it)
    except ImportError:
        raise TrainingError("TensorBoard logs need the tensorboard package: install it with "
                            "'pip install tensorboard', or turn the TensorBoard logs off.") from None
    target = Path(folder).expanduser() / f"run-{number}"
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise TrainingError(f"The TensorBoard folder {target} cannot be made ({error.strerror or error}); "
                            "choose another folder.") from None
    return keras.callbacks.TensorBoard(log_dir=str(target), histogram_freq=0, write_graph=False)
