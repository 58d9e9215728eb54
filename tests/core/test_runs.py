"""Run records compared: the score a run is judged by, the values that differ between runs (settings, data, layer
parameters, in a GAN too), what a curve's legend says, the CSV of the runs, and times in words. No Keras: a
record is curves and settings."""

from __future__ import annotations

import csv
import io
import math

import pytest

from designer.core.graph import LayerGraph
from designer.core.project import TRAINING_SPECS, DatasetChoice, check_training
from designer.core.runs import (
    RunRecord,
    Score,
    best_score,
    differing,
    duration_in_words,
    format_value,
    legend,
    next_number,
    next_sweep,
    run_values,
    runs_csv,
    when_in_words,
)
from designer.core.trained import graph_fingerprint

NAN = float("nan")


def classifier(hidden: int = 3, role: str = "model") -> LayerGraph:
    graph = LayerGraph(role, role)
    x = graph.add("Input", shape=[2], name="features")
    x = graph.add("Dense", x, units=hidden, activation="relu", name="hidden")
    graph.add("Dense", x, units=1, activation="sigmoid", name="verdict")
    return graph


def record(number: int = 1, graphs: list[LayerGraph] | None = None, history: dict | None = None,
           dataset: DatasetChoice | None = None, **training) -> RunRecord:
    return RunRecord(
        number=number, started="2026-12-01T15:40:02+01:00", seconds=12.5, device="CPU",
        dataset=dataset or DatasetChoice("sum_threshold"), training=check_training({"epochs": 3, **training}),
        graphs=graphs or [classifier()],
        history=history if history is not None else {"loss": [0.7, 0.5, 0.4], "accuracy": [0.5, 0.7, 0.8]},
    )


# ------------------------------------------------------------------------------------------ best score
def test_best_score_prefers_validation_accuracy_highest_and_earliest_on_a_tie() -> None:
    history = {"loss": [0.9, 0.2], "accuracy": [0.6, 0.99], "val_loss": [0.8, 0.3, 0.4],
               "val_accuracy": [0.5, 0.8, 0.8]}
    assert best_score(history) == Score("val_accuracy", 0.8, 2, True)
    assert best_score(history).in_words() == "val_accuracy 0.8"


def test_best_score_falls_back_to_the_lowest_validation_loss_then_the_training_ones() -> None:
    assert best_score({"loss": [0.9, 0.1], "val_loss": [0.8, 0.3, 0.4]}) == Score("val_loss", 0.3, 2, False)
    assert best_score({"loss": [0.9, 0.3, 0.5], "accuracy": [0.4, 0.6, 0.5]}) == Score("accuracy", 0.6, 2, True)
    assert best_score({"loss": [0.9, 0.3, 0.3]}) == Score("loss", 0.3, 2, False)


def test_best_score_skips_nan_none_and_infinity_and_says_none_without_a_number() -> None:
    assert best_score({"val_loss": [NAN, None, 0.7, math.inf, 0.9]}) == Score("val_loss", 0.7, 3, False)
    assert best_score({"val_accuracy": [None, NAN], "loss": [2.0, 1.0]}) == Score("loss", 1.0, 2, False)
    assert best_score({}) is None
    assert best_score({"loss": [NAN, None]}) is None
    assert best_score({"d_loss": [0.7, 0.6], "g_loss": [1.2, 1.1]}) is None  # a GAN has no one score


def test_best_score_of_a_named_score() -> None:
    history = {"val_accuracy": [0.5, 0.9], "val_loss": [0.6, 0.2, 0.4], "auc": [0.7, 0.8], "mae": [0.5, 0.1]}
    assert best_score(history, "val_loss") == Score("val_loss", 0.2, 2, False)
    assert best_score(history, "auc") == Score("auc", 0.8, 2, True)  # not one of SCORES: higher is better for auc
    assert best_score(history, "mae") == Score("mae", 0.1, 2, False)
    assert best_score(history, "accuracy") is None


# ------------------------------------------------------------------------------------------ the record itself
def test_epochs_final_values_and_label() -> None:
    run = record(3, history={"loss": [0.7, 0.5, NAN], "accuracy": [0.5, 0.6, None], "val_loss": [0.8, 0.6, 0.55]})
    assert run.epochs == 3
    final = run.final()  # the last epoch's numbers: NaN is one, None (not a number) is left out
    assert set(final) == {"loss", "val_loss"} and math.isnan(final["loss"]) and final["val_loss"] == 0.55
    assert run.label() == "run 3"
    run.sweep, run.trial = 2, 4
    assert run.label() == "run 3 (sweep 2, trial 4)"
    gan = record(history={"d_loss": [0.7, 0.6], "g_loss": [1.0, 1.1]})
    assert gan.epochs == 2 and record(history={}).epochs == 0
    assert run.fingerprints == {"model": graph_fingerprint(classifier())}
    assert run.graph("model") is run.graphs[0] and run.graph("generator") is None


def test_next_run_and_sweep_numbers() -> None:
    assert next_number([]) == 1 and next_sweep([]) == 1
    runs = [record(1), record(4), record(2)]
    runs[1].sweep = 3
    assert next_number(runs) == 5 and next_sweep(runs) == 4


# ------------------------------------------------------------------------------------------ what differs
def test_run_values_flatten_settings_data_layers_and_network() -> None:
    values = run_values(record(dataset=DatasetChoice("/home/me/data/points.csv", {"scale": "0..1"})))
    assert values["learning_rate"] == 0.001 and values["epochs"] == 3
    assert values["data"] == "points.csv" and values["data scale"] == "0..1"
    assert values["hidden.units"] == 3 and values["verdict.activation"] == "sigmoid"
    assert values["network"] == graph_fingerprint(classifier())[:6]
    assert run_values(record(dataset=DatasetChoice(r"C:\data\points.csv")))["data"] == "points.csv"


def test_nothing_differs_between_fewer_than_two_runs_or_the_same_runs() -> None:
    assert differing([]) == [] and differing([record(1)]) == []
    assert differing([record(1), record(2)]) == []


def test_differing_names_the_settings_that_changed_in_the_order_of_the_settings() -> None:
    runs = [record(1, learning_rate=0.01, batch_size=16), record(2, learning_rate=0.003, batch_size=16),
            record(3, learning_rate=0.01, batch_size=64)]
    assert differing(runs) == ["learning_rate", "batch_size"]  # in the order of the settings panel


def test_a_layer_parameter_that_differs_is_named_after_the_settings() -> None:
    runs = [record(1, graphs=[classifier(3)]), record(2, graphs=[classifier(8)], epochs=5)]
    assert differing(runs) == ["epochs", "hidden.units"]  # the layer's parameter says how the networks differ


def test_the_network_is_named_only_when_no_layer_parameter_explains_the_difference() -> None:
    def chain(first: str, second: str) -> LayerGraph:
        graph = LayerGraph()
        x = graph.add("Input", shape=[2], name="features")
        graph.add("Dense", graph.add("Dense", x, units=3, name=first), units=3, name=second)
        return graph

    runs = [record(1, graphs=[chain("a", "b")]), record(2, graphs=[chain("b", "a")], learning_rate=0.1)]
    assert differing(runs) == ["learning_rate", "network"]  # the same layers, joined the other way round
    assert legend(runs[1], ["network"]) == f"#2 network {graph_fingerprint(chain('b', 'a'))[:6]}"


def test_data_differs_before_the_layers() -> None:
    runs = [record(1, graphs=[classifier(3)], dataset=DatasetChoice("moons", {"noise": 0.1})),
            record(2, graphs=[classifier(4)], dataset=DatasetChoice("moons", {"noise": 0.3}))]
    assert differing(runs) == ["data noise", "hidden.units"]


def test_in_a_gan_a_layer_is_named_with_its_network() -> None:
    def gan(units: int) -> list[LayerGraph]:
        generator = LayerGraph("generator", "generator")
        z = generator.add("Input", shape=[8], name="noise")
        generator.add("Dense", z, units=units, name="dense")
        discriminator = LayerGraph("discriminator", "discriminator")
        x = discriminator.add("Input", shape=[4], name="image")
        discriminator.add("Dense", x, units=1, activation="sigmoid", name="dense")
        return [generator, discriminator]

    one, two = record(1, graphs=gan(4), mode="gan"), record(2, graphs=gan(16), mode="gan")
    values = run_values(one)
    assert values["generator/dense.units"] == 4 and values["discriminator/dense.units"] == 1
    assert "dense.units" not in values
    assert len(values["network"].split()) == 2  # one short fingerprint per network
    assert differing([one, two]) == ["generator/dense.units"]


def test_a_value_only_one_run_has_counts_as_different() -> None:
    bigger = classifier()
    bigger.add("Dropout", bigger.node_by_name("hidden").id, name="drop", rate=0.5)
    runs = [record(1), record(2, graphs=[bigger])]
    assert "drop.rate" in differing(runs) and "network" not in differing(runs)
    with_option = [record(1, dataset=DatasetChoice("moons")), record(2, dataset=DatasetChoice("moons", {"noise": 0.2}))]
    assert differing(with_option) == ["data noise"]
    no_data = record(3)
    no_data.dataset = None
    assert differing([record(1), no_data]) == ["data"]


# ------------------------------------------------------------------------------------------ legend and values
def test_format_value_as_tables_say_it() -> None:
    assert format_value(0.0030000001) == "0.003" and format_value(64) == "64" and format_value("adam") == "adam"
    assert format_value(True) == "on" and format_value(False) == "off" and format_value(None) == "—"
    assert format_value(["accuracy", "auc"]) == "[accuracy, auc]" and format_value(1e-05) == "1e-05"


def test_legend_says_what_differed_with_short_names() -> None:
    runs = [record(1, learning_rate=0.01), record(2, learning_rate=0.003)]
    keys = differing(runs)
    assert legend(runs[1], keys) == "#2 lr 0.003"
    runs = [record(1, learning_rate=0.01, batch_size=16, early_stopping_patience=2),
            record(2, learning_rate=0.003, batch_size=64, early_stopping_patience=0)]
    assert legend(runs[0], differing(runs)) == "#1 lr 0.01, batch 16, patience 2"
    assert legend(runs[0], []) == "run 1"


def test_legend_of_layer_changes_leaves_the_network_out_and_shortens_after_three() -> None:
    runs = [record(1, graphs=[classifier(3)]), record(2, graphs=[classifier(8)])]
    assert legend(runs[1], differing(runs)) == "#2 hidden.units 8"
    runs = [record(1, graphs=[classifier(3)], learning_rate=0.1, batch_size=8, epochs=2),
            record(2, graphs=[classifier(8)], learning_rate=0.2, batch_size=9, epochs=4)]
    assert legend(runs[0], differing(runs)) == "#1 lr 0.1, epochs 2, batch 8 …"
    only_network = legend(runs[0], ["network"])
    assert only_network == f"#1 network {graph_fingerprint(classifier(3))[:6]}"


# ------------------------------------------------------------------------------------------ CSV
def test_runs_csv_reads_back_one_row_per_run_with_every_setting_and_the_scores() -> None:
    one = record(1, graphs=[classifier(3)], learning_rate=0.01,
                 history={"loss": [0.7, 0.4], "val_loss": [0.8, 0.5], "val_accuracy": [0.6, 0.75]})
    one.note, one.findings = "baseline, first try", ["Dead ReLUs in hidden (epoch 2)", "Overfitting (epoch 2)"]
    two = record(2, graphs=[classifier(8)], learning_rate=0.003,
                 history={"loss": [0.6, NAN], "val_loss": [0.7, None], "val_accuracy": [0.7, None]})
    two.sweep, two.trial, two.varied, two.pruned = 1, 2, {"learning_rate": 0.003}, True
    two.epochs_before, two.device = 5, "GPU 0: NVIDIA H200"
    rows = list(csv.DictReader(io.StringIO(runs_csv([one, two]))))
    header = list(csv.reader(io.StringIO(runs_csv([one, two]))))[0]
    settings = [spec.name for spec in TRAINING_SPECS]
    assert header[:5] == ["run", "started", "seconds", "trained on", "dataset"]
    assert header[5:5 + len(settings)] == settings
    assert header[5 + len(settings):] == [
        "hidden.units", "sweep", "trial", "epochs run", "epochs before", "stopped", "best score",
        "best value", "best epoch", "final loss", "final val_loss", "final val_accuracy", "findings", "note"]
    assert len(rows) == 2
    first, second = rows
    assert first["run"] == "1" and first["started"] == "2026-12-01T15:40:02+01:00" and first["seconds"] == "12.50"
    assert first["trained on"] == "CPU" and first["dataset"] == "sum_threshold"
    assert float(first["learning_rate"]) == 0.01 and first["metrics"] == "accuracy" and first["seed"] == ""
    assert first["hidden.units"] == "3" and second["hidden.units"] == "8"
    assert first["sweep"] == first["trial"] == "" and first["stopped"] == ""
    assert (first["best score"], float(first["best value"]), first["best epoch"]) == ("val_accuracy", 0.75, "2")
    assert float(first["final val_accuracy"]) == 0.75 and first["epochs run"] == "2"
    assert first["findings"] == "Dead ReLUs in hidden (epoch 2); Overfitting (epoch 2)"
    assert first["note"] == "baseline, first try"
    assert second["trained on"] == "GPU 0: NVIDIA H200" and second["epochs before"] == "5"
    assert (second["sweep"], second["trial"], second["stopped"]) == ("1", "2", "pruned")
    assert second["best value"] == "0.7" and second["best epoch"] == "1"
    assert second["final val_accuracy"] == "" and second["final val_loss"] == ""  # the last epoch was no number
    assert second["final loss"] == "nan"


def test_runs_csv_of_no_runs_is_the_header_only() -> None:
    lines = runs_csv([]).splitlines()
    assert len(lines) == 1 and lines[0].startswith("run,started,seconds")


def test_a_stop_reason_is_written_and_a_note_with_commas_and_lines_survives() -> None:
    run = record(1)
    run.stopped, run.note = "Stopped by request; the model keeps what it learned so far.", 'a, "b"\nsecond line'
    [row] = list(csv.DictReader(io.StringIO(runs_csv([run]))))
    assert row["stopped"] == run.stopped and row["note"] == run.note


# ------------------------------------------------------------------------------------------ times in words
@pytest.mark.parametrize("seconds, words", [
    (0, "0.0 s"), (-1, "0.0 s"), (3.3, "3.3 s"), (9.96, "10 s"), (42, "42 s"), (59.7, "1 min 00 s"),
    (60, "1 min 00 s"), (125, "2 min 05 s"), (3599.6, "1 h 00 min"), (3725, "1 h 02 min"), (90061, "25 h 01 min"),
])
def test_duration_in_words(seconds, words) -> None:
    assert duration_in_words(seconds) == words


def test_when_in_words_shows_the_date_and_minute_or_the_text_as_it_is() -> None:
    assert when_in_words("2026-12-01T15:40:02+01:00") == "2026-12-01 15:40"
    assert when_in_words("2026-12-01T15:40") == "2026-12-01 15:40"
    assert when_in_words("yesterday afternoon") == "yesterday afternoon"
    assert when_in_words("") == ""
