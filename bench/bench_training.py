"""Training through the app vs a plain `model.fit`, and how smooth the window stays meanwhile
(run: python bench/bench_training.py; BENCH_ROWS, BENCH_EPOCHS, BENCH_REPEATS change the size).

For the notes-002 MLP (Flatten → Dense 100 → 75 → 10, template fashion_mnist_mlp) and the notes-003 CNN (two
convolution + pooling blocks, Dense 128 → 10, template mnist_cnn), on data of their datasets' shape (28×28 grey
images, 10 classes; random pixels, since speed does not depend on them and the downloads are not needed), with
the templates' batch size (32), the same epochs and validation split, it times, alternating, in one process:

- **plain**: the script a person would write: `compile_graph(graph)`, `model.compile(adam, sparse categorical
  cross-entropy, accuracy)`, `model.fit(x, y, validation_split=0.2, verbose=0)` — Keras's defaults;
- **plain, in a thread**: the same script in a thread beside the shown, idle window: the baseline of the window's
  smoothness (what TensorFlow training on this machine costs the window's timer before the app draws anything);
- **app**: the real thing: a `TrainingRun` (the worker QThread and the engine) shown in a `TrainingPanel` with
  every live panel attached (curves, activations, histograms, predictions, confusion matrix) and the
  training-health checks on (designer.training.health: the Health tab's findings), in a shown window, timed from
  Train to the finished signal;
- **app, no health checks**: the same with the health checks off, to show what they cost;
- **app, one batch per call**: the same with `steps_per_execution` forced to 1 (what the app did before), to show
  what running batches in groups buys;
- **app, no snapshots**: the same without the insight panels' snapshots (and the health checks that read them),
  to show what they cost.

While each app run trains, a 10 ms QTimer on the GUI thread records the gaps between its ticks: p99 and max say
whether the window stays smooth (goal: p99 <= 25 ms, max <= 50 ms), counted from Keras's first batch (the began
signal); "> 50 ms" counts the gaps longer than 50 ms; "setup max" is the longest gap before the first batch, while
the model and the panels are built. Ratios are medians of app/plain over the repeats (goal: <= 1.00).
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "12000"))
EPOCHS = int(os.environ.get("BENCH_EPOCHS", "3"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
MODELS = {"notes-002 MLP": "fashion_mnist_mlp", "notes-003 CNN": "mnist_cnn"}


def synthetic_dataset():
    from designer.data.dataset import Dataset

    rng = np.random.default_rng(0)
    x = rng.random((ROWS, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, ROWS)
    return Dataset("synthetic", "28×28 random images", "", "classification", x, y,
                   class_names=[str(i) for i in range(10)])


def project_for(template: str):
    from designer.core.project import check_training
    from designer.core.templates import load_template

    project = load_template(template)
    project.training = check_training({**project.training, "epochs": EPOCHS, "batch_size": 32, "validation_split": 0.2,
                                       "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"],
                                       "optimizer": "adam", "learning_rate": 0.001, "seed": 0,
                                       "early_stopping_patience": 0})
    return project


def plain_fit(project, dataset, fitting: Callable[[], None] | None = None) -> float:
    """Seconds of compile + fit; `fitting` is called just before (the baseline's gaps are counted from there)."""
    import keras

    from designer.keras_bridge.models import compile_graph
    from designer.data.registry import fit_to_input

    keras.utils.set_random_seed(0)
    model = compile_graph(project.graph("model"))
    x = fit_to_input(dataset.x_train, tuple(model.inputs[0].shape[1:]))
    if fitting is not None:
        fitting()
    started = time.perf_counter()
    model.compile(optimizer=keras.optimizers.Adam(0.001), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, dataset.y_train, batch_size=32, epochs=EPOCHS, validation_split=0.2, verbose=0)
    return time.perf_counter() - started


def plain_fit_beside_window(app, project, dataset) -> tuple[float, list[float], list[float]]:
    """The baseline of smoothness: the plain script in a thread of its own while the window (its event loop, the
    10 ms timer) does nothing else. Its gaps are what this machine costs the window while TensorFlow trains,
    before the app draws anything."""
    from PySide6.QtCore import QEventLoop, QTimer

    gaps: list[float] = []
    last = [time.perf_counter()]
    fitting_from = [None]
    result: list[float] = []

    def tick():
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000)
        last[0] = now

    loop = QEventLoop()
    worker = threading.Thread(target=lambda: result.append(
        plain_fit(project, dataset, fitting=lambda: fitting_from.__setitem__(0, len(gaps)))))
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.timeout.connect(lambda: None if worker.is_alive() else loop.quit())
    timer.start()
    worker.start()
    loop.exec()
    timer.stop()
    worker.join()
    app.processEvents()
    split = fitting_from[0] if fitting_from[0] is not None else len(gaps)
    return result[0], gaps[1:split], gaps[split:]


def app_fit(app, panel, project, dataset, insights: bool = True,
            health: bool | None = None) -> tuple[float, list[float], list[float]]:
    """Seconds from Train to finished, and the gaps (ms) between ticks of a 10 ms GUI timer meanwhile: before
    the first batch (building the model and the panels) and while training."""
    from PySide6.QtCore import QEventLoop, QTimer

    from designer.ui.training_run import TrainingRun

    run = TrainingRun(project, dataset, insights=insights, health=health)
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000)
        last[0] = now

    training_from = [None]  # the index of the first gap after Keras began (the began signal)
    run.began.connect(lambda *_: training_from.__setitem__(0, len(gaps)))
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    loop = QEventLoop()
    run.finished.connect(loop.quit)
    run.failed.connect(lambda message: (print("FAILED:", message), loop.quit()))
    started = time.perf_counter()
    last[0] = started
    timer.start()
    panel.attach(run)
    loop.exec()
    elapsed = time.perf_counter() - started
    timer.stop()
    run.wait()
    app.processEvents()
    split = training_from[0] if training_from[0] is not None else len(gaps)
    return elapsed, gaps[1:split], gaps[split:]  # the first gap includes starting the run


def main() -> None:
    from PySide6.QtWidgets import QApplication

    from designer.keras_bridge.runtime import import_tensorflow_quietly
    from designer.training import engine
    from designer.ui.training_panel import TrainingPanel

    import_tensorflow_quietly()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    panel = TrainingPanel()
    panel.resize(1300, 420)
    panel.show()
    dataset = synthetic_dataset()
    grouped = engine.steps_per_execution
    variants = {
        "plain, in a thread": dict(baseline=True),
        "app": dict(insights=True),
        "app, no health checks": dict(insights=True, health=False),
        "app, one batch per call": dict(insights=True, spe=lambda rows, batch: 1),
        "app, no snapshots": dict(insights=False),
    }
    print(f"{ROWS} rows (80% trained, 20% validated), batch 32, {EPOCHS} epochs, {REPEATS} repeats, alternating\n")
    goals_met = True
    for title, template in MODELS.items():
        project = project_for(template)
        plain_fit(project, dataset)  # warm-up: TensorFlow's first graphs are traced once per process
        times: dict[str, list[float]] = {"plain": [], **{name: [] for name in variants}}
        gaps: dict[str, list[float]] = {name: [] for name in variants}
        setup_gaps: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(REPEATS):
            times["plain"].append(plain_fit(project, dataset))
            for name, options in variants.items():
                engine.steps_per_execution = options.get("spe", grouped)
                try:
                    if options.get("baseline"):
                        seconds, before, during = plain_fit_beside_window(app, project, dataset)
                    else:
                        seconds, before, during = app_fit(app, panel, project, dataset, options["insights"],
                                                          options.get("health"))
                finally:
                    engine.steps_per_execution = grouped
                times[name].append(seconds)
                gaps[name].extend(during)
                setup_gaps[name].extend(before)
        plain = statistics.median(times["plain"])
        print(f"{title}: plain model.fit median {plain:.2f} s")
        print(f"  {'variant':<26}{'median s':>9}{'app/plain':>11}{'GUI gap p99 ms':>16}{'max ms':>8}"
              f"{'> 50 ms':>13}{'setup max ms':>14}")
        for name in variants:
            ratios = [a / p for a, p in zip(times[name], times["plain"])]
            ordered = sorted(gaps[name])
            p99 = ordered[int(0.99 * (len(ordered) - 1))] if ordered else float("nan")
            worst = ordered[-1] if ordered else float("nan")
            over = f"{sum(gap > 50 for gap in ordered)} of {len(ordered)}"
            print(f"  {name:<26}{statistics.median(times[name]):>9.2f}{statistics.median(ratios):>11.2f}"
                  f"{p99:>16.1f}{worst:>8.1f}{over:>13}{max(setup_gaps[name], default=float('nan')):>14.1f}")
        ratio = statistics.median(a / p for a, p in zip(times["app"], times["plain"]))
        ordered = sorted(gaps["app"])
        p99, worst = ordered[int(0.99 * (len(ordered) - 1))], ordered[-1]
        met = ratio <= 1.00 and p99 <= 25 and worst <= 50
        goals_met &= met
        print(f"  goal app/plain <= 1.00, p99 <= 25 ms, max <= 50 ms: {'met' if met else 'NOT met'}\n")
    print("re-run: python bench/bench_training.py")
    panel.close()
    sys.exit(0 if goals_met else 1)


if __name__ == "__main__":
    main()
