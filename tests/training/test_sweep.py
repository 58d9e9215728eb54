"""Sweeps on the real engine and tiny data: every trial of a grid recorded with its sweep, trial and values, all
from the same fresh weights (the same seed); a Bayesian search that repeats itself with the same seed; trials that
cannot train said and skipped; stopping mid-sweep keeps only finished trials. Optuna's pruner is tested through
the `Sweep` API with made-up epochs, without training. Also: the record of a run, and TensorBoard logs."""

from __future__ import annotations

import math
from types import SimpleNamespace

import optuna
import pytest

from designer.core.graph import LayerGraph
from designer.core.project import DatasetChoice, Project, check_training
from designer.core.runs import RunRecord
from designer.core.sweeps import SweepError, parse_vary
from designer.core.templates import load_template
from designer.core.trained import TrainedWeights
from designer.data.registry import load_dataset
from designer.training.engine import TrainingError, fit, plan_training, train
from designer.training.run_records import RunClock, device_in_words, record_of, tensorboard_logs
from designer.training.sweep import SWEEP_SEED, Sweep, SweepSpec, run_sweep


@pytest.fixture(scope="module")
def data():
    return load_dataset(DatasetChoice("sum_threshold"))


def binary() -> Project:
    """The 2→3→1 classifier on the bundled sum_threshold data (400 rows trained, 100 validated; ~1 s an epoch)."""
    return load_template("binary_classifier")


def fake_result(history: dict, trained: dict | None = None, reuse: dict | None = None, findings=(),
                stopped: str | None = None):
    """What `record_of` reads of a `TrainingResult`, without training."""
    return SimpleNamespace(history=history, stopped_reason=stopped, findings=list(findings), trained=trained or {},
                           reuse=reuse or {})


def sweep_and_record(project: Project, data, spec: SweepSpec, **kwargs):
    """`run_sweep` as the command line runs it: each record added to the project as it comes."""
    records, failures = [], []

    def recorded(sweep, record):
        project.runs.append(record)
        records.append(record)

    sweep = run_sweep(project, data, spec, "CPU", recorded, lambda trial, message: failures.append((trial, message)),
                      **kwargs)
    return sweep, records, failures


# ------------------------------------------------------------------------------------------ trials that train
@pytest.mark.slow
def test_a_grid_runs_each_value_once_from_the_same_fresh_weights_and_records_it(data) -> None:
    project = binary()
    earlier = RunRecord(1, "2026-12-01T10:00:00+01:00", 3.0, "CPU", project.dataset, dict(project.training),
                        [project.graph().copy()], {"loss": [0.7]}, sweep=1, trial=1, varied={"learning_rate": 0.5})
    project.runs = [earlier]
    project.trained = train(project, data, epochs=1).trained  # the sweep must not go on from these
    sweep, records, failures = sweep_and_record(
        project, data, SweepSpec([parse_vary("learning_rate=0.1,0.02,0.005")], epochs=2, keep_weights=True))

    assert failures == [] and sweep.total == 3 and sweep.number == 2 and sweep.score_name == "val_accuracy"
    assert [r.number for r in records] == [2, 3, 4] and [r.trial for r in records] == [1, 2, 3]
    assert {r.sweep for r in records} == {2}
    assert sorted(r.varied["learning_rate"] for r in records) == [0.005, 0.02, 0.1]
    for record in records:
        assert record.training == {**project.training, "learning_rate": record.varied["learning_rate"],
                                   "epochs": 2, "seed": SWEEP_SEED}
        assert record.epochs == 2 and record.epochs_before == 0 and not record.pruned and record.stopped is None
        assert record.device == "CPU" and record.weights["model"].epochs == 2
    assert len({r.weights["model"].sha256 for r in records}) == 3
    assert project.training["epochs"] == 50 and project.training["seed"] is None  # the project itself is untouched
    # the trial with the project's own learning rate is the run a fresh training with the sweep's seed makes
    fresh = project.copy()
    fresh.trained, fresh.training["seed"] = {}, SWEEP_SEED
    alone = train(fresh, data, epochs=2).history
    [same] = [r for r in records if r.varied["learning_rate"] == project.training["learning_rate"]]
    assert all(a == pytest.approx(b, rel=1e-5) for a, b in zip(same.history["val_loss"], alone["val_loss"]))
    best = max(records, key=lambda r: max(r.history["val_accuracy"]))
    assert sweep.best is best and sweep.next_trial() is None


@pytest.mark.slow
def test_a_bayesian_search_with_the_same_seed_tries_the_same_values(data) -> None:
    def values() -> list[float]:
        spec = SweepSpec([parse_vary("learning_rate=0.001..0.1:log")], search="bayes", trials=4, epochs=1, seed=3)
        sweep, records, failures = sweep_and_record(binary(), data, spec)
        assert failures == [] and len(records) == 4 and sweep.total == 4
        return [r.varied["learning_rate"] for r in records]

    first = values()
    assert all(0.001 <= v <= 0.1 for v in first) and len(set(first)) == 4
    assert values() == first


@pytest.mark.slow
def test_a_value_the_network_cannot_train_with_is_said_and_the_sweep_goes_on(data) -> None:
    project = binary()
    sweep, records, failures = sweep_and_record(project, data, SweepSpec([parse_vary("dense_1.units=1,3")], epochs=1))
    [(trial, message)] = failures
    assert trial.values == {"dense_1.units": 3}
    assert message.startswith("Keras could not train on this data: ") and "shape" in message, message
    assert "in user code" not in message
    [record] = records
    assert record.varied == {"dense_1.units": 1} and record.number == 1 and record.trial in (1, 2)
    states = [t.state for t in sweep.study.trials]
    assert states.count(optuna.trial.TrialState.FAIL) == 1 and states.count(optuna.trial.TrialState.COMPLETE) == 1


@pytest.mark.slow
def test_stopping_in_the_middle_of_a_trial_records_no_unfinished_trial(data) -> None:
    calls = []

    def should_stop() -> bool:  # asked before each trial and after every batch: stop in the first epoch
        calls.append(1)
        return len(calls) > 5

    sweep, records, failures = sweep_and_record(
        binary(), data, SweepSpec([parse_vary("learning_rate=0.1,0.01")], epochs=2), should_stop=should_stop)
    assert records == [] and failures == [] and sweep.records == []
    assert [t.state for t in sweep.study.trials] == [optuna.trial.TrialState.FAIL]


def test_a_gan_cannot_be_swept(data) -> None:
    generator = LayerGraph("generator", "generator")
    generator.add("Dense", generator.add("Input", shape=[4]), units=2)
    discriminator = LayerGraph("discriminator", "discriminator")
    discriminator.add("Dense", discriminator.add("Input", shape=[2]), units=1, activation="sigmoid")
    gan = Project([generator, discriminator], training=check_training({"mode": "gan"}))
    with pytest.raises(SweepError, match="a GAN has no one score to compare trials by"):
        Sweep(gan, data, SweepSpec([parse_vary("learning_rate=0.1,0.01")]))


@pytest.mark.parametrize("spec, words", [
    (SweepSpec([parse_vary("learning_rate=0.1")], search="hyperband"), "grid, random or bayes"),
    (SweepSpec([parse_vary("learning_rate=0.1")], trials=0), "at least one trial"),
    (SweepSpec([parse_vary("seed=1,2")]), "a sweep cannot vary seed"),
    (SweepSpec([]), "choose something to vary"),
])
def test_a_sweep_that_cannot_run_says_why(data, spec, words) -> None:
    with pytest.raises(SweepError, match=words):
        Sweep(binary(), data, spec)


# ------------------------------------------------------------------------------------------ the Sweep API
def a_sweep(data, prune: bool = True, epochs: int = 4, **training) -> Sweep:
    """A sweep of 4 learning rates, each trial `epochs` long (a third of them, at least 1, before any is judged)."""
    project = binary()
    project.training.update(training)
    return Sweep(project, data, SweepSpec([parse_vary("learning_rate=0.1,0.03,0.01,0.003")], prune=prune,
                                          epochs=epochs))


def run_trial(sweep: Sweep, scores: list[float]):
    """A trial that "trains" epochs with these validation accuracies; (epoch_end's answers, its record)."""
    trial = sweep.next_trial()
    answers = []
    for epoch, score in enumerate(scores):
        answers.append(sweep.epoch_end(trial, epoch, {"loss": 1 - score, "val_accuracy": score}))
        if answers[-1]:
            break
    history = {"loss": [1 - s for s in scores[:len(answers)]], "val_accuracy": scores[:len(answers)]}
    return answers, sweep.finish(trial, fake_result(history), "CPU")


def test_a_grid_hands_out_every_combination_once_then_none(data) -> None:
    sweep = a_sweep(data, prune=False)
    assert sweep.total == 4 and sweep.maximize and sweep.number == 1
    tried = [run_trial(sweep, [0.5, 0.6])[1].varied["learning_rate"] for _ in range(4)]
    assert sorted(tried) == [0.003, 0.01, 0.03, 0.1] and sweep.next_trial() is None
    assert [r.number for r in sweep.records] == [1, 2, 3, 4] and [r.trial for r in sweep.records] == [1, 2, 3, 4]
    limited = Sweep(binary(), data, SweepSpec([parse_vary("learning_rate=0.1,0.03,0.01,0.003")], trials=2))
    assert limited.total == 2


def test_a_trial_far_below_the_median_of_those_before_is_pruned_after_the_first_epoch(data) -> None:
    sweep = a_sweep(data)
    first, record = run_trial(sweep, [0.80, 0.90, 0.92])
    assert first == [False, False, False] and not record.pruned
    second, _ = run_trial(sweep, [0.82, 0.88, 0.90])
    assert second == [False, False, False]
    hopeless, record = run_trial(sweep, [0.20, 0.21, 0.22])
    assert hopeless == [False, True]  # the first epoch (0) is a warm-up: never pruned
    assert record.pruned and record.epochs == 2 and record.stopped.startswith("Pruned: its score was worse")
    assert sweep.score(record) is None
    good, record = run_trial(sweep, [0.79, 0.95, 0.97])
    assert good == [False, False, False] and not record.pruned
    assert sweep.best is record
    states = [t.state for t in sweep.study.trials]
    assert states == [optuna.trial.TrialState.COMPLETE] * 2 + [optuna.trial.TrialState.PRUNED,
                                                               optuna.trial.TrialState.COMPLETE]


def test_a_trial_is_judged_only_after_a_third_of_its_epochs_and_never_on_its_last(data) -> None:
    sweep = a_sweep(data, epochs=9)
    for _ in range(2):
        run_trial(sweep, [0.9] * 9)
    answers, record = run_trial(sweep, [0.1] * 9)
    assert answers == [False, False, False, True] and record.pruned  # epochs 1-3 (0-2) are a warm-up
    short = a_sweep(data, epochs=2)
    for _ in range(2):
        run_trial(short, [0.9, 0.9])
    answers, record = run_trial(short, [0.1, 0.1])
    assert answers == [False, False] and not record.pruned  # stopping at the last epoch saves nothing


def test_nothing_is_pruned_before_two_trials_finished_or_without_pruning(data) -> None:
    sweep = a_sweep(data)
    run_trial(sweep, [0.9, 0.9])
    answers, record = run_trial(sweep, [0.1, 0.1, 0.1])
    assert answers == [False] * 3 and not record.pruned
    unpruned = a_sweep(data, prune=False)
    run_trial(unpruned, [0.9, 0.9])
    run_trial(unpruned, [0.9, 0.9])
    assert run_trial(unpruned, [0.1, 0.1, 0.1])[0] == [False] * 3


def test_an_epoch_without_the_score_or_with_nan_is_not_judged(data) -> None:
    sweep = a_sweep(data)
    run_trial(sweep, [0.9, 0.9, 0.9])
    run_trial(sweep, [0.9, 0.9])  # the median at an epoch is of the trials that reached it
    trial = sweep.next_trial()
    assert sweep.epoch_end(trial, 0, {"val_accuracy": 0.1}) is False
    assert sweep.epoch_end(trial, 1, {"val_accuracy": math.nan}) is False
    assert sweep.epoch_end(trial, 1, {"loss": 0.1}) is False
    assert sweep.epoch_end(trial, 2, {"val_accuracy": 0.1}) is True


def test_a_trial_without_a_score_fails_and_the_best_is_among_those_scored(data) -> None:
    sweep = a_sweep(data, prune=False)
    trial = sweep.next_trial()
    record = sweep.finish(trial, fake_result({"loss": [math.nan], "val_accuracy": [math.nan]}), "CPU")
    assert sweep.score(record) is None and sweep.best is None
    assert sweep.study.trials[0].state == optuna.trial.TrialState.FAIL
    _, scored = run_trial(sweep, [0.6])
    assert sweep.best is scored


def test_the_score_is_the_validation_loss_for_a_regression_and_lower_is_better(data) -> None:
    sweep = a_sweep(data, prune=False, loss="mse", metrics=["mae"])
    assert sweep.score_name == "val_loss" and not sweep.maximize
    for losses in ([0.5, 0.3], [0.4, 0.2], [0.6, 0.5]):
        trial = sweep.next_trial()
        sweep.finish(trial, fake_result({"loss": losses, "val_loss": losses}), "CPU")
    assert sweep.best.history["val_loss"] == [0.4, 0.2]


def test_without_validation_rows_the_training_score_is_used(data) -> None:
    assert a_sweep(data, validation_split=0.0).score_name == "accuracy"


# ------------------------------------------------------------------------------------------ the record of a run
def test_record_of_a_result() -> None:
    project = binary()
    project.runs = [RunRecord(4, "", 0.0, "CPU", None, dict(project.training), [project.graph().copy()], {})]
    graph = project.graph().copy()
    kept = {"model": TrainedWeights(b"weights", graph, {}, 12)}
    finding = SimpleNamespace(title="Dead ReLU units in dense", epoch=3)
    clock = RunClock()
    result = fake_result({"loss": [0.7, 0.6], "accuracy": [0.5, 0.6]}, trained=kept, reuse={"model": object()},
                         findings=[finding], stopped="Stopped by request; the model keeps what it learned so far.")
    record = record_of(project, result, clock, "CPU", keep_weights=True)
    assert record.number == 5 and record.started == clock.started and record.seconds >= 0
    assert record.started[10] == "T" and record.started[-6] in "+-"  # ISO 8601 with its zone
    assert record.training == project.training and record.training is not project.training
    assert record.dataset == project.dataset and record.dataset is not project.dataset
    assert record.graphs[0] is not project.graph() and record.fingerprints == {"model": kept["model"].fingerprint}
    assert record.history == {"loss": [0.7, 0.6], "accuracy": [0.5, 0.6]}
    assert record.findings == ["Dead ReLU units in dense (epoch 3)"]
    assert record.stopped.startswith("Stopped by request") and record.weights == kept
    assert record.epochs_before == 10  # the weights had 12 epochs, 2 of them this run's
    fresh = record_of(project, fake_result({"loss": [0.7]}, trained=kept), clock, "CPU", number=9, sweep=2, trial=1,
                      varied={"learning_rate": 0.1}, pruned=True)
    assert (fresh.number, fresh.sweep, fresh.trial, fresh.pruned, fresh.epochs_before) == (9, 2, 1, True, 0)
    assert fresh.weights == {}  # kept only when asked


def test_where_a_run_trains_in_words() -> None:
    from designer.keras_bridge.runtime import gpu_names

    names = gpu_names()
    assert device_in_words("cpu") == "CPU"
    assert device_in_words(f"gpu:{len(names)}") == "CPU"  # a GPU that is not there: it trains on the CPU
    if names:
        assert device_in_words("auto") == f"GPU 0: {names[0]}"
        assert device_in_words("all_gpus") == f"{len(names)} GPU{'s' * (len(names) != 1)} (MirroredStrategy)"
    else:
        assert device_in_words("auto") == device_in_words("all_gpus") == device_in_words("gpu:0") == "CPU"


# ------------------------------------------------------------------------------------------ TensorBoard
@pytest.mark.slow
def test_tensorboard_logs_go_to_a_folder_of_their_own_per_run(tmp_path, data) -> None:
    project = binary()
    project.training["seed"] = 1
    plan = plan_training(project, data, epochs=2)
    plan.callbacks.append(tensorboard_logs(str(tmp_path / "logs"), 3))
    result = fit(plan)
    assert len(result.history["loss"]) == 2
    events = list((tmp_path / "logs" / "run-3").rglob("events.out.tfevents.*"))
    assert events and all(e.stat().st_size > 0 for e in events)
    assert {e.parent.name for e in events} >= {"train"}


def test_a_tensorboard_folder_that_cannot_be_made_is_said(tmp_path) -> None:
    (tmp_path / "logs").write_text("a file, not a folder")
    with pytest.raises(TrainingError, match="The TensorBoard folder .*run-1 cannot be made"):
        tensorboard_logs(str(tmp_path / "logs"), 1)
