"""The background training run: it trains through the engine in a QThread, reports epochs by signal and batches
through a buffer, pauses, resumes and stops, and turns failures into a message."""

import gc
import time

import pytest

from designer.core.graph import LayerGraph
from designer.core.project import DatasetChoice, Project, check_training
from designer.data.registry import load_dataset


def tiny_project(**training):
    g = LayerGraph()
    g.add("Dense", g.add("Dense", g.add("Input", shape=[2]), units=4, activation="relu"), units=1, activation="sigmoid")
    settings = {"epochs": 3, "batch_size": 16, "seed": 1, **training}
    return Project.single(g, dataset=DatasetChoice("sum_threshold"), training=check_training(settings))


@pytest.fixture
def make_run():
    """TrainingRun(...), stopped and waited for at teardown: a failed assertion must not leave a QThread running
    (Qt aborts the whole suite when one is destroyed while it runs)."""
    from designer.ui.training_run import TrainingRun

    runs = []

    def make(*args, **kwargs):
        runs.append(TrainingRun(*args, **kwargs))
        return runs[-1]

    yield make
    for run in runs:
        run.stop()
        run.wait()


@pytest.fixture
def data():
    return load_dataset(DatasetChoice("sum_threshold", {"samples": 160}))


def test_a_run_trains_in_the_background_and_reports(qtbot, data, make_run):
    run = make_run(tiny_project(), data)
    epochs = []
    run.epoch_finished.connect(lambda epoch, logs: epochs.append((epoch, logs)))
    with qtbot.waitSignal(run.began, timeout=60_000) as began:
        with qtbot.waitSignal(run.finished, timeout=120_000):
            run.start()
    assert began.args == [3, 8]  # 160 samples, 20% held out, batches of 16
    assert [e for e, _ in epochs] == [0, 1, 2] and {"loss", "val_loss"} <= set(epochs[-1][1])
    batches = run.take_batches()
    assert len(batches) == 24 and batches[-1][:2] == (2, 7) and "loss" in batches[-1][2]
    assert run.take_batches() == []
    assert len(run.result.history["loss"]) == 3 and run.result.stopped_reason is None


def test_pause_resume_and_stop(qtbot, data, make_run):
    run = make_run(tiny_project(epochs=200, batch_size=8), data)
    with qtbot.waitSignal(run.epoch_finished, timeout=120_000):
        run.start()
    run.pause()
    assert gc.get_freeze_count() > 0  # the model and TensorFlow's objects are left out of full collections
    qtbot.waitUntil(lambda: run.held, timeout=30_000)  # the batch in flight has finished
    run.take_batches()
    time.sleep(0.5)
    assert run.take_batches() == [] and run.paused and run.held  # nothing trains while paused
    run.resume()
    after_resume = []
    qtbot.waitUntil(lambda: after_resume.extend(run.take_batches()) or len(after_resume) > 0, timeout=30_000)
    with qtbot.waitSignal(run.finished, timeout=60_000):
        run.stop()
    assert "Stopped by request" in run.result.stopped_reason
    assert 0 < len(run.result.history["loss"]) < 200  # the model keeps what it learned
    run.wait()
    assert gc.get_freeze_count() == 0  # unfrozen at the end: a dropped model can be collected


def test_stop_while_paused_ends_the_run(qtbot, data, make_run):
    run = make_run(tiny_project(epochs=200, batch_size=8), data)
    with qtbot.waitSignal(run.epoch_finished, timeout=120_000):
        run.start()
    run.pause()
    with qtbot.waitSignal(run.finished, timeout=60_000):
        run.stop()
    assert not run.is_running() or run.wait(5000)


def test_a_failure_is_a_message_and_a_nan_stops_with_advice(qtbot, data, make_run):
    broken = tiny_project()
    broken.graphs[0].node("n1").params["shape"] = [3]  # the data has 2 values per sample
    run = make_run(broken, data)
    with qtbot.waitSignal(run.failed, timeout=60_000) as failed:
        run.start()
    assert "(2,)" in failed.args[0] or "[2]" in failed.args[0]
    run.wait()

    line = LayerGraph()
    line.add("Dense", line.add("Input", shape=[1]), units=1)
    settings = {"optimizer": "sgd", "learning_rate": 10.0, "loss": "mse", "epochs": 300, "validation_split": 0.0}
    wild = Project.single(line, training=check_training(settings))
    run = make_run(wild, load_dataset(DatasetChoice("linear_5x_plus_3", {"samples": 64})))
    with qtbot.waitSignal(run.finished, timeout=120_000):
        run.start()
    assert "learning rate" in run.result.stopped_reason


def test_a_learning_rate_changed_while_paused_is_used_after_resume(qtbot, data, make_run):
    run = make_run(tiny_project(epochs=200, batch_size=8, learning_rate=0.001), data)
    with qtbot.waitSignal(run.epoch_finished, timeout=120_000):
        run.start()
    run.pause()
    run.set_learning_rate(0.05)
    run.resume()
    qtbot.waitUntil(lambda: run.learning_rate == 0.05, timeout=30_000)
    with qtbot.waitSignal(run.finished, timeout=60_000):
        run.stop()
    assert abs(float(run.result.model.optimizer.learning_rate.numpy()) - 0.05) < 1e-7
