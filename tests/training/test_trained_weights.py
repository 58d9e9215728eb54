"""A run hands back what it learned; the project keeps it, a reopened project predicts the same, the next run
starts from it, and after an edit every layer whose weights still have the same shapes keeps them."""

from __future__ import annotations

import numpy as np
import pytest

from designer.core.graph import LayerGraph
from designer.core.project import DatasetChoice, Project, check_training
from designer.core.project_files import load_project, save_project
from designer.data.registry import load_dataset
from designer.keras_bridge.models import compile_graph
from designer.keras_bridge.trained import TrainedWeightsError, load_trained
from designer.training.engine import TrainingError, train

pytestmark = pytest.mark.slow


def classifier(**training) -> Project:
    g = LayerGraph("points")
    x = g.add("Input", shape=[2])
    x = g.add("Dense", x, units=8, activation="relu", name="hidden")
    x = g.add("Dense", x, units=4, activation="relu", name="hidden_2")
    g.add("Dense", x, units=1, activation="sigmoid", name="out")
    settings = {"epochs": 3, "batch_size": 16, "seed": 3, **training}
    return Project.single(g, name="points", dataset=DatasetChoice("sum_threshold", {"samples": 96}),
                          training=check_training(settings))


@pytest.fixture(scope="module")
def data():
    return load_dataset(DatasetChoice("sum_threshold", {"samples": 96}))


@pytest.fixture(scope="module")
def trained(data):
    project = classifier()
    result = train(project, data)
    project.trained = result.trained
    return project, result


def test_a_reopened_project_predicts_what_the_trained_model_did(trained, data, tmp_path):
    project, result = trained
    assert result.trained["model"].epochs == 3 and result.reuse == {}
    save_project(project, tmp_path / "points.json")
    again = load_project(tmp_path / "points.json")
    model = compile_graph(again.graph())
    assert load_trained(model, again.graph(), again.trained["model"]).everything
    rows = data.x_train[:32]
    np.testing.assert_array_equal(model.predict(rows, verbose=0), result.model.predict(rows, verbose=0))


def test_the_next_run_starts_from_the_kept_weights_and_counts_on(trained, data):
    project, result = trained
    before = result.model.evaluate(data.x_train, data.y_train, verbose=0, return_dict=True)["loss"]
    more = train(project, data, epochs=1)
    assert more.reuse["model"].everything and more.trained["model"].epochs == 4
    # one epoch on from the kept weights, not from scratch: the first loss it reports is close to where it ended
    assert more.history["loss"][0] < before * 1.5


def test_after_an_edit_the_layers_with_the_same_shapes_keep_their_weights(trained):
    project, result = trained
    edited = project.copy()
    graph = edited.graph()
    graph.set_param(graph.node_by_name("hidden_2").id, "units", 6)  # hidden_2 and out change shape
    graph.add("Dense", graph.node_by_name("out").id, units=1, activation="sigmoid", name="extra")
    model = compile_graph(graph)
    reuse = load_trained(model, graph, edited.trained["model"])
    assert reuse.kept == ("hidden",) and reuse.fresh == ("hidden_2", "out", "extra")
    assert reuse.in_words() == "hidden keeps what it learned; hidden_2, out, extra start again."
    for a, b in zip(model.get_layer("hidden").get_weights(), result.model.get_layer("hidden").get_weights()):
        np.testing.assert_array_equal(a, b)


def test_a_renamed_layer_starts_again_and_the_others_keep_theirs(trained):
    project, result = trained
    graph = project.copy().graph()
    graph.set_name(graph.node_by_name("hidden").id, "first")
    model = compile_graph(graph)
    reuse = load_trained(model, graph, project.trained["model"])
    assert reuse.kept == ("hidden_2", "out") and reuse.fresh == ("first",)


def test_weights_that_do_not_load_are_a_plain_error(trained, data):
    project, _ = trained
    damaged = project.copy()
    weights = damaged.trained["model"]
    damaged.trained = {"model": type(weights)(b"not an h5 file", weights.graph, weights.layers, weights.epochs)}
    with pytest.raises(TrainedWeightsError, match="does not fit this network"):
        load_trained(compile_graph(damaged.graph()), damaged.graph(), damaged.trained["model"])
    with pytest.raises(TrainingError, match="Reset weights"):
        train(damaged, data, epochs=1)


def test_a_gan_keeps_both_networks(for_8x8_digits):
    project = for_8x8_digits("mlp_gan")
    project.training = check_training({**project.training, "epochs": 1, "batch_size": 64, "seed": 1})
    digits = load_dataset(DatasetChoice("digits", {"test_fraction": 0.0}))
    result = train(project, digits)
    assert set(result.trained) == {"generator", "discriminator"}
    project.trained = result.trained
    again = train(project, digits, epochs=1)
    assert set(again.reuse) == {"generator", "discriminator"} and all(r.everything for r in again.reuse.values())


def test_a_project_trained_before_layers_gained_parameters_keeps_its_weights():
    """tests/training/data/trained_before_new_params was saved by the app before Dense, the convolutions, BatchNormalization
    and GlobalAveragePooling2D gained parameters (initializers, penalties, use_bias, axis, keepdims): at their
    defaults they leave the fingerprint as it was, so the weights still load whole and predict as they did."""
    from pathlib import Path

    folder = Path(__file__).resolve().parent / "data" / "trained_before_new_params"
    project = load_project(folder / "made_before.json")
    assert project.load_notes == [] and project.trained["model"].fits(project.graph())
    model = compile_graph(project.graph())
    assert load_trained(model, project.graph(), project.trained["model"]).everything
    rows = np.linspace(0, 1, 2 * 64, dtype="float32").reshape(2, 8, 8, 1)
    np.testing.assert_allclose(model.predict(rows, verbose=0), np.load(folder / "expected.npy"), rtol=1e-5)
