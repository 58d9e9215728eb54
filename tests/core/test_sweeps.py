"""What a sweep varies, checked before anything trains: the command line's NAME=V1,V2 and NAME=LOW..HIGH[:log],
names resolved against the project (training settings, LAYER.PARAM, a GAN's ROLE/LAYER.PARAM), every refusal in
plain words, the values a grid tries, and the project a trial trains. No Keras, no Optuna."""

from __future__ import annotations

import math

import pytest

from designer.core.graph import LayerGraph
from designer.core.project import DatasetChoice, Project, check_training
from designer.core.sweeps import FIXED, GRID_POINTS, SweepError, Vary, parse_vary, resolve, with_values


def classifier() -> Project:
    graph = LayerGraph()
    x = graph.add("Input", shape=[2], name="features")
    x = graph.add("Dense", x, units=3, activation="relu", name="hidden")
    x = graph.add("Dropout", x, rate=0.1, name="drop")
    graph.add("Dense", x, units=1, activation="sigmoid", name="verdict")
    return Project.single(graph, dataset=DatasetChoice("sum_threshold"), training=check_training({"epochs": 20}))


def gan() -> Project:
    generator = LayerGraph("generator", "generator")
    z = generator.add("Input", shape=[8], name="noise")
    x = generator.add("Dense", z, units=16, activation="relu", name="dense")
    generator.add("Dense", x, units=4, activation="tanh", name="image")
    discriminator = LayerGraph("discriminator", "discriminator")
    x = discriminator.add("Input", shape=[4], name="image_in")
    x = discriminator.add("Dense", x, units=16, name="dense")
    discriminator.add("Dense", x, units=1, activation="sigmoid", name="verdict")
    return Project([generator, discriminator], training=check_training({"mode": "gan"}))


# ------------------------------------------------------------------------------------------ parse_vary
def test_a_list_of_values_typed_as_written() -> None:
    assert parse_vary("learning_rate=0.1,0.01, 1e-3") == Vary("learning_rate", values=(0.1, 0.01, 0.001))
    assert parse_vary("hidden.units=8,16,32").values == (8, 16, 32)
    assert parse_vary("hidden.activation=relu,tanh").values == ("relu", "tanh")
    assert parse_vary("hidden.use_bias=on,off").values == (True, False)
    assert parse_vary("hidden.use_bias=true,no").values == (True, False)
    assert parse_vary(" optimizer = adam,sgd,adam ").values == ("adam", "sgd")  # repeats once, spaces trimmed
    assert parse_vary("batch_size=16,").values == (16,)


def test_a_range_on_a_linear_or_log_scale() -> None:
    vary = parse_vary("learning_rate=0.0001..0.1:log")
    assert (vary.name, vary.low, vary.high, vary.log, vary.is_range) == ("learning_rate", 0.0001, 0.1, True, True)
    assert vary.in_words() == "learning_rate from 0.0001 to 0.1 (log scale)"
    vary = parse_vary("hidden.units=8..64")
    assert (vary.low, vary.high, vary.log) == (8.0, 64.0, False) and vary.in_words() == "hidden.units from 8 to 64"
    assert parse_vary("learning_rate=0.1,0.01").in_words() == "learning_rate in 0.1, 0.01"
    assert not parse_vary("learning_rate=0.1").is_range


@pytest.mark.parametrize("text, words", [
    ("learning_rate", "write NAME=V1,V2"),
    ("=0.1,0.2", "write NAME=V1,V2"),
    ("learning_rate=", "write NAME=V1,V2"),
    ("learning_rate=,,", "give at least one value"),
    ("learning_rate=low..high", "a range is two numbers"),
    ("learning_rate=0.1..", "a range is two numbers"),
    ("learning_rate=0.1..0.01", "from a smaller number to a bigger one"),
    ("learning_rate=0.1..0.1", "from a smaller number to a bigger one"),
    ("learning_rate=0..0.1:log", "a log range must start above 0"),
    ("learning_rate=-1..1:log", "a log range must start above 0"),
    ("learning_rate=1..inf", "from a smaller number to a bigger one"),
])
def test_malformed_vary_is_said_in_words(text, words) -> None:
    with pytest.raises(SweepError) as caught:
        parse_vary(text)
    message = str(caught.value)
    assert message.startswith(f"--vary {text!r}: ") and words in message, message


# ------------------------------------------------------------------------------------------ resolve
def test_a_training_setting_is_checked_and_its_values_typed() -> None:
    [varied] = resolve(classifier(), [parse_vary("learning_rate=1,0.1")])
    assert varied.role is None and varied.node_id is None and varied.spec.name == "learning_rate"
    assert varied.vary.values == (1.0, 0.1) and all(isinstance(v, float) for v in varied.vary.values)
    assert varied.numeric and varied.name == "learning_rate"
    [varied] = resolve(classifier(), [parse_vary("batch_size=1e1,32")])
    assert varied.vary.values == (10, 32)  # 1e1 read as a whole number for a whole-number setting
    [varied] = resolve(classifier(), [parse_vary("optimizer=sgd,rmsprop")])
    assert varied.vary.values == ("sgd", "rmsprop") and not varied.numeric


def test_a_layers_parameter_is_found_by_the_layers_name() -> None:
    project = classifier()
    [units, rate] = resolve(project, [parse_vary("hidden.units=4,8"), parse_vary("drop.rate=0..0.5")])
    assert units.role == "model" and units.node_id == project.graph().node_by_name("hidden").id
    assert units.spec.name == "units" and units.vary.values == (4, 8)
    assert rate.node_id == project.graph().node_by_name("drop").id and (rate.vary.low, rate.vary.high) == (0.0, 0.5)
    [activation] = resolve(project, [parse_vary("verdict.activation=sigmoid,linear")])
    assert activation.vary.values == ("sigmoid", "linear")


def test_in_a_gan_a_layer_is_named_with_its_network_when_both_have_it() -> None:
    project = gan()
    [varied] = resolve(project, [parse_vary("generator/dense.units=8,32")])
    assert varied.role == "generator" and varied.node_id == project.graph("generator").node_by_name("dense").id
    [varied] = resolve(project, [parse_vary("discriminator/dense.units=8")])
    assert varied.role == "discriminator"
    [varied] = resolve(project, [parse_vary("verdict.units=1")])
    assert varied.role == "discriminator"  # a name only one network has needs no role
    with pytest.raises(SweepError, match="both networks have a layer named 'dense': write generator/dense.units "
                                         "or discriminator/dense.units"):
        resolve(project, [parse_vary("dense.units=8,32")])
    with pytest.raises(SweepError, match="no layer named 'verdict'"):
        resolve(project, [parse_vary("generator/verdict.units=2")])


@pytest.mark.parametrize("name", sorted(FIXED))
def test_settings_a_sweep_keeps_fixed_are_refused_with_their_reason(name) -> None:
    with pytest.raises(SweepError) as caught:
        resolve(classifier(), [Vary(name, values=(1,))])
    assert str(caught.value) == f"a sweep cannot vary {name}: {FIXED[name]}"


def test_seed_and_validation_split_are_among_the_fixed_settings() -> None:
    assert {"seed", "validation_split", "mode", "loss"} <= set(FIXED)


@pytest.mark.parametrize("text, words", [
    ("lr=0.1,0.01", "'lr' is neither a training setting (optimizer, learning_rate"),
    ("nothing.units=4", "the network has no layer named 'nothing' (its layers: drop, features, hidden, verdict)"),
    ("hidden.unit=4", "layer hidden (Dense) has no parameter 'unit' to vary; its parameters a sweep can vary: "
                      "units, activation, use_bias"),
    ("features.shape=4", "layer features (Input) has no parameter 'shape' to vary"),
    ("hidden.units=0,4", "hidden.units: units must be at least 1 (got 0)"),
    ("hidden.units=four", "hidden.units: units must be a whole number, not 'four'"),
    ("hidden.activation=relu,sparkly", "hidden.activation: activation must be one of: linear"),
    ("learning_rate=0.1,20", "learning_rate: learning_rate must be at most 10 (got 20)"),
    ("learning_rate=0..0.1", "learning_rate: learning_rate must be at least 1e-07 (got 0)"),
    ("hidden.activation=1..3", "hidden.activation is not a number: give its values as a list (linear, sigmoid, tanh, relu"),
    ("hidden.use_bias=0..1", "hidden.use_bias is not a number: give its values as a list (on, off)"),
    ("hidden.units=2.5,4", "hidden.units: units must be a whole number, not 2.5"),
])
def test_what_does_not_fit_the_project_is_said_in_words(text, words) -> None:
    with pytest.raises(SweepError) as caught:
        resolve(classifier(), [parse_vary(text)])
    assert words in str(caught.value), str(caught.value)


def test_one_to_three_different_names() -> None:
    with pytest.raises(SweepError, match="choose something to vary"):
        resolve(classifier(), [])
    four = [parse_vary(t) for t in ("learning_rate=0.1", "batch_size=8", "hidden.units=4", "drop.rate=0.2")]
    with pytest.raises(SweepError, match="at most 3 things at once; this one names 4"):
        resolve(classifier(), four)
    assert len(resolve(classifier(), four[:3])) == 3
    with pytest.raises(SweepError, match="learning_rate is varied twice; give all its values in one --vary"):
        resolve(classifier(), [parse_vary("learning_rate=0.1"), parse_vary("learning_rate=0.01")])


def test_values_that_read_the_same_are_tried_once() -> None:
    [varied] = resolve(classifier(), [parse_vary("learning_rate=1,1.0,0.1")])
    assert varied.vary.values == (1.0, 0.1)


# ------------------------------------------------------------------------------------------ grid
def test_a_log_range_gives_evenly_spaced_powers() -> None:
    [varied] = resolve(classifier(), [parse_vary("learning_rate=0.0001..0.1:log")])
    grid = varied.grid()
    assert len(grid) == GRID_POINTS and grid[0] == pytest.approx(0.0001) and grid[-1] == pytest.approx(0.1)
    ratios = [b / a for a, b in zip(grid, grid[1:])]
    assert all(r == pytest.approx(10 ** 0.75, rel=1e-4) for r in ratios)
    assert grid[2] == pytest.approx(math.sqrt(0.0001 * 0.1), rel=1e-5)


def test_a_linear_range_gives_evenly_spaced_values() -> None:
    [varied] = resolve(classifier(), [parse_vary("drop.rate=0..0.4")])
    assert varied.grid() == [0.0, 0.1, 0.2, 0.3, 0.4]


def test_a_whole_number_range_gives_each_whole_number_once() -> None:
    [varied] = resolve(classifier(), [parse_vary("hidden.units=1..3")])
    assert varied.grid() == [1, 2, 3]
    [varied] = resolve(classifier(), [parse_vary("hidden.units=8..128:log")])
    assert varied.grid() == [8, 16, 32, 64, 128]
    [varied] = resolve(classifier(), [parse_vary("batch_size=8..64")])
    assert varied.grid() == [8, 22, 36, 50, 64] and all(isinstance(v, int) for v in varied.grid())


def test_a_list_is_its_own_grid() -> None:
    [varied] = resolve(classifier(), [parse_vary("hidden.activation=tanh,relu")])
    assert varied.grid() == ["tanh", "relu"]


# ------------------------------------------------------------------------------------------ with_values
def test_a_trial_trains_a_copy_with_the_values_put_in() -> None:
    project = classifier()
    varied = resolve(project, [parse_vary("learning_rate=0.1,0.01"), parse_vary("hidden.units=4,8"),
                               parse_vary("verdict.activation=sigmoid,linear")])
    trial = with_values(project, varied, {"learning_rate": 0.1, "hidden.units": 8, "verdict.activation": "linear"})
    assert trial is not project and trial.graph() is not project.graph()
    assert trial.training == {**project.training, "learning_rate": 0.1}
    assert trial.graph().node_by_name("hidden").params["units"] == 8
    assert trial.graph().node_by_name("verdict").params["activation"] == "linear"
    assert project.graph().node_by_name("hidden").params["units"] == 3  # the project itself is untouched
    assert project.training["learning_rate"] == 0.001
    assert trial.dataset == project.dataset and trial.training["epochs"] == 20


def test_a_gan_trial_changes_the_named_network_only() -> None:
    project = gan()
    varied = resolve(project, [parse_vary("generator/dense.units=8,32")])
    trial = with_values(project, varied, {"generator/dense.units": 32})
    assert trial.graph("generator").node_by_name("dense").params["units"] == 32
    assert trial.graph("discriminator").node_by_name("dense").params["units"] == 16
