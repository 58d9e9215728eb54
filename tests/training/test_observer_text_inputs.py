"""The live panels' observer and the health probe on a model of several inputs, one of which reads words: rows are
a list (numbers, string tensor), as designer.training.feeds makes them."""

import math

import numpy as np
import pytest

from designer.data.dataset import Dataset
from designer.training import insights
from designer.training.health_probe import HealthProbe

ROWS = 40
REGIONS = ["east", "west", "north"]


@pytest.fixture(scope="module")
def setup():
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(1)
    numbers_in = keras.Input(shape=(3,), name="numbers")
    region_in = keras.Input(shape=(1,), dtype="string", name="region")
    region = keras.layers.StringLookup(vocabulary=REGIONS, output_mode="one_hot", name="region_lookup")(region_in)
    joined = keras.layers.Concatenate(name="joined")([numbers_in, region])
    hidden = keras.layers.Dense(4, activation="relu", name="hidden")(joined)
    out = keras.layers.Dense(2, activation="softmax", name="out")(hidden)
    model = keras.Model([numbers_in, region_in], out)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")

    rng = np.random.default_rng(0)
    numbers = rng.standard_normal((ROWS, 3)).astype(np.float32)
    words = rng.choice(REGIONS, size=(ROWS, 1))
    y = ((numbers[:, 0] > 0) | (words[:, 0] == "east")).astype(np.int64)
    x = [numbers, tf.constant(words.astype(str))]
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)  # rows in this form train: the model is what it seems
    dataset = Dataset("shop", "shop", "", "classification", numbers, y, class_names=["no", "yes"],
                      feature_names=["a", "b", "c"])
    return model, dataset, x, y


def observer_of(setup, **options):
    """Made as designer.training.engine's _plan_in_memory makes it: the last 10 rows shown (Keras's split)."""
    model, dataset, x, y = setup
    from designer.training.feeds import take

    view = (take(x, slice(30, None)), y[30:])
    return insights.Observer("supervised", dataset, train=(x, y), view=view, loss="sparse_categorical_crossentropy",
                             seed=3, **options)


def test_a_snapshot_of_a_model_reading_numbers_and_words_has_every_panel_that_fits_and_the_health_sample(setup):
    model = setup[0]
    observer = observer_of(setup, panels=True, health=True)
    reasons = observer.plan(model)  # what the progress callback calls when training begins
    assert reasons["activations"] is None and reasons["confusion"] is None
    assert "several inputs" in reasons["boundary"]
    assert observer.due(last=False)
    shot = observer.snapshot(model, epoch=0)

    # the numbers are the samples shown, named by the data's names; words make no bars
    assert shot.samples.shape == (insights.SAMPLES, 3) and shot.input_names == ["a", "b", "c"]
    assert observer.images is None and observer.value_range[0] < 0 < observer.value_range[1]
    layers = dict(shot.activations)
    assert layers["hidden"].shape == (insights.SAMPLES, 4) and layers["out"].shape == (insights.SAMPLES, 2)
    assert layers["region_lookup"].shape == (insights.SAMPLES, len(REGIONS) + 1)  # one-hot, with the unknown word
    assert np.allclose(layers["region_lookup"].sum(axis=1), 1.0)
    assert np.allclose(layers["out"].sum(axis=1), 1.0, atol=1e-5)

    assert shot.confusion["matrix"].shape == (2, 2) and shot.confusion["matrix"].sum() == 10
    assert shot.predictions is None and shot.boundary is None  # not pictures; not two numbers alone
    assert {h.name for h in shot.weights} == {"hidden/kernel", "hidden/bias", "out/kernel", "out/bias"}
    assert shot.gradients and all(np.isfinite(h.edges).all() and h.counts.sum() > 0 for h in shot.gradients)
    assert any(np.abs(h.edges).max() > 0 for h in shot.gradients)

    measured = {item.name: item for item in shot.health.layers}
    assert {"hidden", "out"} <= set(measured)
    assert measured["hidden"].activation == "relu" and measured["hidden"].dead is not None
    assert math.isfinite(measured["hidden"].gradient) and measured["hidden"].gradient > 0
    assert measured["hidden"].change is None  # the first sample: nothing to compare with yet
    assert observer.snapshot(model, epoch=1).health.layers[-1].change is not None


def test_the_health_checks_alone_trace_their_own_function_for_several_inputs(setup):
    model, _, x, _ = setup
    observer = observer_of(setup, panels=False, health=True)  # as on the command line: no panels
    observer.plan(model)
    shot = observer.snapshot(model, epoch=0)
    assert shot.activations == [] and shot.confusion is None
    measured = {item.name: item for item in shot.health.layers}
    assert measured["hidden"].units == 4 and math.isfinite(measured["hidden"].gradient)
    assert 0.0 <= measured["hidden"].constant <= 1.0

    probe = HealthProbe(model)  # traced from the model's own inputs, a string spec for the words
    probe.trace(x)
    stats = {item.name: item for item in probe.measure(x)}
    assert stats["out"].output and stats["out"].units == 2 and stats["hidden"].dead is not None
