"""Snapshots for the live panels, taken by the engine while it trains tiny models in every mode; the panels'
plan; the time budget; the device setting; layers unfrozen during a run."""

import numpy as np
import pytest

from designer.core.graph import LayerGraph
from designer.core.project import DatasetChoice, Project, check_training
from designer.core.templates import load_template
from designer.data.registry import load_dataset
from designer.training import insights
from designer.training.engine import TrainingError, steps_per_execution, train
from designer.training.state import TrainingState


class Watcher(TrainingState):
    wants_insights = True

    def __init__(self):
        self.plan = None
        self.shots = []

    def insights_planned(self, reasons):
        self.plan = reasons

    def insights(self, snapshot):
        self.shots.append(snapshot)


def shown(plan):
    return {name for name, reason in plan.items() if reason is None}


def run(project, data, **training):
    project.training = check_training({**project.training, "epochs": 2, "seed": 3, **training})
    watcher = Watcher()
    result = train(project, load_dataset(data), watcher)
    return watcher, result


def test_a_digit_classifier_gets_activations_histograms_predictions_and_a_confusion_matrix():
    watcher, _ = run(load_template("digits_mlp"), DatasetChoice("digits", {"scale": "0..1"}))
    assert shown(watcher.plan) == {"activations", "weights", "gradients", "predictions", "confusion"}
    assert "classifiers of two numbers" in watcher.plan["boundary"]
    shot = watcher.shots[-1]
    assert shot.epoch == 1
    assert shot.samples.shape == (insights.SAMPLES, 8, 8)  # the flattened digits shown as pictures again
    assert [name for name, _ in shot.activations] == ["dense", "dense_1"]
    assert shot.activations[1][1].shape == (insights.SAMPLES, 10)
    assert np.allclose(shot.activations[1][1].sum(axis=1), 1.0, atol=1e-4)  # softmax rows
    assert {h.name for h in shot.weights} == {"dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias"}
    assert all(h.counts.sum() > 0 and len(h.edges) == insights.BINS + 1 for h in shot.weights + shot.gradients)
    assert any(np.abs(h.edges).max() > 0 for h in shot.gradients)
    predictions = shot.predictions
    assert predictions["images"].shape == (insights.GRID, 8, 8)
    assert 0.0 <= predictions["images"].min() and predictions["images"].max() <= 1.0
    assert len(predictions["predicted"]) == len(predictions["actual"]) == insights.GRID
    matrix = shot.confusion["matrix"]
    assert matrix.shape == (10, 10) and matrix.sum() == 359  # every row Keras held out (the last 20% of 1,797) counted once
    assert shot.confusion["classes"][3] == "3"


def test_points_in_a_plane_get_a_decision_boundary():
    watcher, _ = run(load_template("perceptron"), DatasetChoice("moons", {"samples": 200}))
    assert "boundary" in shown(watcher.plan) and "not pictures" in watcher.plan["predictions"]
    boundary = watcher.shots[-1].boundary
    assert boundary["classes"].shape == (insights.BOUNDARY_STEPS, insights.BOUNDARY_STEPS)
    assert set(np.unique(boundary["classes"])) <= {0, 1}
    assert boundary["points"].shape[1] == 2 and len(boundary["labels"]) == len(boundary["points"])
    assert boundary["xs"][0] < boundary["points"][:, 0].min() and boundary["xs"][-1] > boundary["points"][:, 0].max()


def test_a_regression_of_two_numbers_is_told_the_boundary_is_for_classifiers_not_that_it_reads_two_numbers(tmp_path):
    table = tmp_path / "sums.csv"
    rows = [(a / 10, b / 10, a / 10 + 2 * b / 10 + 0.01 * a * b) for a in range(8) for b in range(8)]
    table.write_text("a,b,total\n" + "".join(f"{a},{b},{total}\n" for a, b, total in rows))
    graph = LayerGraph()
    graph.add("Dense", graph.add("Input", shape=[2]), units=1)
    watcher, _ = run(Project.single(graph, training=check_training({"loss": "mse"})), DatasetChoice(str(table)))
    said = watcher.plan["boundary"]
    assert said == ("The decision boundary is drawn for classifiers; this model predicts numbers (regression), "
                    "not classes.")
    assert watcher.plan["confusion"].endswith("classifiers; this model predicts numbers (regression), not classes.")
    digits = run(load_template("digits_mlp"), DatasetChoice("digits", {"scale": "0..1"}))[0].plan["boundary"]
    assert digits == ("The decision boundary is drawn for classifiers of two numbers (points in a plane); this model "
                      "reads 64 values.")


def test_a_forecaster_gets_forecast_against_truth():
    project = load_template("lstm_forecaster")
    watcher, _ = run(project, DatasetChoice("sine_waves", {"samples": 100}), batch_size=32)
    assert shown(watcher.plan) == {"activations", "weights", "gradients", "forecast"}
    forecast = watcher.shots[-1].forecast
    assert forecast["axis"] == "sample" and forecast["truth"].shape == forecast["prediction"].shape == (20,)


def test_an_autoencoder_gets_originals_and_reconstructions(for_8x8_digits):
    watcher, _ = run(for_8x8_digits("autoencoder"), DatasetChoice("digits", {"flatten": True}), batch_size=64)
    assert "reconstructions" in shown(watcher.plan) and "classifiers" in watcher.plan["confusion"]
    rebuilt = watcher.shots[-1].reconstructions
    assert rebuilt["originals"].shape == rebuilt["reconstructions"].shape == (insights.SAMPLES, 8, 8)
    assert not np.allclose(rebuilt["originals"], rebuilt["reconstructions"])


def test_a_gan_gets_images_from_the_same_noise_every_epoch_and_both_networks_histograms(for_8x8_digits):
    watcher, result = run(for_8x8_digits("mlp_gan"), DatasetChoice("digits", {"flatten": True, "scale": "-1..1"}),
                          batch_size=128, epochs=3)
    assert "generated" in shown(watcher.plan) and "GAN" in watcher.plan["confusion"]
    first, last = watcher.shots[0].generated, watcher.shots[-1].generated
    assert first.shape == (insights.GRID, 8, 8)
    assert np.abs(first - last).mean() > 1e-3  # the same noise, a generator that has learned since
    names = {h.name.split()[0] for h in watcher.shots[-1].gradients}
    assert names == {"generator", "discriminator"}
    assert all(np.isfinite(v).all() for v in result.history.values())


def test_snapshots_stay_within_their_share_of_training_time(monkeypatch):
    monkeypatch.setattr(insights, "BUDGET", 0.0)  # nothing to spare: only the first and the last epoch
    watcher, _ = run(load_template("perceptron"), DatasetChoice("sum_threshold", {"samples": 64}), epochs=6)
    assert [shot.epoch for shot in watcher.shots] == [0, 5]


def test_a_state_without_panels_gets_no_snapshots():
    class Plain(Watcher):
        wants_insights = False

    project = load_template("perceptron")
    project.training = check_training({**project.training, "epochs": 1})
    plain = Plain()
    train(project, load_dataset("sum_threshold"), plain)
    assert plain.plan is None and plain.shots == []


def test_many_batches_run_in_groups_and_few_one_by_one():
    assert steps_per_execution(60_000, 32) == 32
    assert steps_per_execution(1_437, 32) == 2
    assert steps_per_execution(400, 16) == 1


def test_training_on_the_cpu_by_choice_and_a_missing_gpu_said_in_plain_words():
    project = load_template("perceptron")
    project.training = check_training({**project.training, "epochs": 1, "device": "cpu"})
    assert len(train(project, load_dataset("sum_threshold")).history["loss"]) == 1
    project.training = check_training({**project.training, "device": "gpu:7"})
    with pytest.raises(TrainingError, match="GPU 7.*auto"):
        train(project, load_dataset("sum_threshold"))


def test_a_layer_frozen_then_unfrozen_during_the_run_stops_then_resumes_learning():
    """What unfreezing a backbone while paused does, on a tiny Dense layer: Keras fixes the trainable weights
    when fit starts, so the engine goes on with a new fit; the epochs still add up."""
    graph = LayerGraph()
    x = graph.add("Input", shape=[2])
    x = graph.add("Dense", x, units=4, activation="relu", name="hidden")
    graph.add("Dense", x, units=1, activation="sigmoid", name="out")
    project = Project.single(graph, training=check_training({"epochs": 6, "batch_size": 16, "seed": 1,
                                                               "validation_split": 0.0}))

    class Toggler(TrainingState):
        def __init__(self):
            self.epoch = 0
            self.kernels = {}

        def epoch_end(self, epoch, logs):
            self.epoch = epoch + 1

        def adjust(self, model):
            hidden = model.get_layer("hidden")
            self.kernels.setdefault(self.epoch, hidden.get_weights()[0].copy())
            if self.epoch == 2 and hidden.trainable:
                hidden.trainable = False
                return True
            if self.epoch == 4 and not hidden.trainable:
                hidden.trainable = True
                return True
            return False

    state = Toggler()
    result = train(project, load_dataset(DatasetChoice("sum_threshold", {"samples": 128})), state)
    assert len(result.history["loss"]) == 6 and result.stopped_reason is None
    k = state.kernels
    assert not np.allclose(k[0], k[1])  # learning
    assert np.allclose(k[3], k[4]) or np.allclose(k[2], k[3])  # frozen meanwhile
    assert not np.allclose(k[4], k[5])  # learning again


def test_a_run_blowing_up_stops_with_its_advice_and_its_snapshots_do_not_get_in_the_way():
    """Weights of 1e30 make histograms numpy cannot bin: the panels skip them; the run stops for the NaN."""
    line = LayerGraph()
    line.add("Dense", line.add("Input", shape=[1]), units=1)
    project = Project.single(line, training=check_training(
        {"optimizer": "sgd", "learning_rate": 10.0, "loss": "mse", "epochs": 300, "validation_split": 0.0}))
    watcher = Watcher()
    result = train(project, load_dataset(DatasetChoice("linear_5x_plus_3", {"samples": 64})), watcher)
    assert result.stopped_reason.startswith("The loss became") and watcher.shots


def test_a_fault_in_the_panels_snapshot_does_not_end_the_training(monkeypatch):
    def broken(self, *args, **kwargs):
        raise RuntimeError("a bug in a panel")

    monkeypatch.setattr(insights.Observer, "snapshot", broken)
    project = load_template("perceptron")
    project.training = check_training({**project.training, "epochs": 3})
    watcher = Watcher()
    result = train(project, load_dataset("sum_threshold"), watcher)
    assert len(result.history["loss"]) == 3 and result.stopped_reason is None and watcher.shots == []
