"""Each kind of check on small hand-made projects: what it accepts, and feedback that names what is wrong and where
("your second Dense layer has 64 units; the network asked for has 75 there", "Total params 80,000: 6,835 short")
without handing over the network; exercise files refused with the place of the fault; numbers read as people type
them."""

import json

import pytest

from designer.core.graph import LayerGraph
from designer.core.project import DatasetChoice, Project, check_training
from designer.learn.check_files import read_check
from designer.learn.checks import ExerciseError, parse_number
from designer.learn.exercise_files import exercise_from_dict, read_exercise
from designer.learn.grading import grade


def mlp(*hidden, output=10, activation="relu", shape=(28, 28), flatten=True, loss="sparse_categorical_crossentropy"):
    graph = LayerGraph()
    x = graph.add("Input", shape=list(shape))
    if flatten:
        x = graph.add("Flatten", x)
    for units in hidden:
        x = graph.add("Dense", x, units=units, activation=activation)
    graph.add("Dense", x, units=output, activation="softmax")
    return Project.single(graph, dataset=DatasetChoice("digits"), training=check_training({"loss": loss}))


def exercise(*checks, **extra):
    return exercise_from_dict({"format": "network-designer-exercise", "version": 1, "id": "t", "title": "T",
                               "statement": "Do it.", "checks": list(checks),
                               "solution": {"template": "digits_mlp"}, **extra})


def feedback(ex, project):
    graded = grade(ex, project)
    return graded.passed, graded.feedback()


def test_a_layer_with_the_wrong_units_is_named_with_what_is_asked_there():
    ex = exercise({"check": "layer", "kind": "Dense", "nth": 2, "expect": {"units": 75, "activation": "relu"}})
    passed, said = feedback(ex, mlp(100, 64))
    assert not passed
    assert said == ["your second Dense layer (dense_1) has 64 units; the network asked for has 75 units there"]
    assert feedback(ex, mlp(100, 75)) == (True, [])


def test_the_layers_in_order_say_the_first_place_they_differ():
    ex = exercise({"check": "layers", "kinds": ["Input", "Flatten", "Dense", "Dense", "Dense"]})
    assert feedback(ex, mlp(100, 75, flatten=False, shape=(784,)))[1] == [
        "your second layer is a Dense; the network asked for has a Flatten there"]
    assert feedback(ex, mlp(100))[1] == [
        "your network has 4 layers; the one asked for has 5: after your fourth layer comes a Dense"]
    assert feedback(ex, mlp(100, 75, 50))[1] == [
        "your network has 6 layers; the one asked for has only 5: it ends after a Dense"]
    assert feedback(ex, mlp(100, 75))[0]


@pytest.mark.slow
def test_the_parameter_count_comes_from_keras_and_says_how_far_off_it_is():
    ex = exercise({"check": "params", "expected": 86835})
    assert feedback(ex, mlp(100, 75)) == (True, [])
    passed, said = feedback(ex, mlp(100, 64))
    # 784·100 + 100 + 100·64 + 64 + 64·10 + 10 = 85,614
    assert not passed and said == ["Total params 85,614: 1,221 short"]
    assert feedback(ex, mlp(128, 75))[1] == ["Total params 110,915: 24,080 too many"]


@pytest.mark.slow
def test_the_output_shape_and_a_network_that_does_not_build():
    ex = exercise({"check": "params", "expected": 13}, {"check": "output_shape", "shape": [10]})
    no_flatten = mlp(100, flatten=False, shape=(28, 28))  # Dense layers on each row of the picture
    assert feedback(ex, no_flatten)[1] == [
        "Total params 3,910: 3,897 too many",
        "your network's output is (28, 10) for each sample; the one asked for gives (10,)"]
    conv = LayerGraph()
    conv.add("Conv2D", conv.add("Input", shape=[10]), filters=3)  # a flat vector into a convolution: no build
    said = feedback(ex, Project.single(conv))[1]
    assert len(said) == 1 and said[0].startswith("your network does not build yet: conv2d:")
    assert feedback(ex, Project.single(LayerGraph()))[1] == [
        "your canvas is empty: start with an Input layer from the Layers palette"]


def test_how_many_settings_the_dataset_and_the_loss():
    project = mlp(100, loss="binary_crossentropy")
    ex = exercise({"check": "count", "kinds": ["Dropout"], "at_least": 1},
                  {"check": "setting", "name": "early_stopping_patience", "expected": {"at_least": 1}},
                  {"check": "dataset", "name": "digits", "options": {"input_noise": {"at_least": 0.1}}},
                  {"check": "loss_fits"})
    passed, said = feedback(ex, project)
    assert not passed
    assert said[0] == "the network asked for has a Dropout layer; yours has none"
    assert said[1] == "the early stopping patience is 0; the exercise asks for at least 1"
    assert said[2] == "the data option input noise is None; the exercise asks for at least 0.1"
    assert said[3].startswith("the loss binary_crossentropy does not suit your output layer: softmax shares")


def test_any_of_passes_on_either_and_fails_with_its_own_words():
    ex = exercise({"check": "any_of", "says": "add Dropout or early stopping", "checks": [
        {"check": "count", "kinds": ["Dropout"], "at_least": 1},
        {"check": "setting", "name": "early_stopping_patience", "expected": {"at_least": 1}}]})
    project = mlp(100)
    assert feedback(ex, project) == (False, ["add Dropout or early stopping"])
    project.training["early_stopping_patience"] = 3
    assert feedback(ex, project)[0]


def test_answers_are_read_as_typed_and_say_too_high_or_too_low():
    ex = exercise({"check": "answer", "id": "y", "ask": "σ(1)", "answer": 0.7311, "tolerance": 0.0005})
    project = mlp(100)
    assert feedback(ex, project)[1] == ["“σ(1)” is not answered yet"]
    for typed, said in (("0,8", "too high"), ("0.5", "too low"), ("seven", "is not a number")):
        project.answers = {"y": typed}
        assert said in feedback(ex, project)[1][0]
    project.answers = {"y": " 0,7311 "}
    assert feedback(ex, project)[0]
    assert [parse_number(t) for t in ("1,600", "1 600", "0,25", "25%", "−2", "nan", "1e3")] == [
        1600, 1600, 0.25, 0.25, -2, None, 1000]


@pytest.mark.parametrize("check, words", [
    ({"check": "layer"}, "checks[0]: a 'layer' check needs \"kind\""),
    ({"check": "exec", "code": "1"}, "checks[0].check: unknown check 'exec'"),
    ({"check": "params", "expected": -1}, "checks[0].expected: must be a whole number of at least 0"),
    ({"check": "layer", "kind": "Dense", "expect": {"units": {"between": 3}}}, "checks[0].expect.units"),
    ({"check": "metric", "metric": "val_accuracy"}, "needs one of \"at_least\" or \"at_most\""),
    ({"check": "count", "kinds": ["Dense"], "colour": 1}, "unknown field 'colour'"),
])
def test_a_bad_check_is_refused_with_its_place(check, words):
    with pytest.raises(ExerciseError) as caught:
        read_check(check, "checks[0]")
    assert words in str(caught.value)


def test_exercise_files_that_cannot_be_used_say_where(tmp_path):
    good = {"format": "network-designer-exercise", "version": 1, "title": "T", "statement": "S",
            "checks": [{"check": "loss_fits"}], "solution": {"template": "perceptron"}}
    cases = {
        "nan.json": json.dumps(good).replace('"version": 1', '"version": NaN'),
        "newer.json": json.dumps({**good, "version": 9}),
        "template.json": json.dumps({**good, "solution": {"template": "no_such"}}),
        "project.json": json.dumps({**good, "start": {"project": {"format": "x"}}}),
        "binary.json": "\x00\xff",
        "same.json": json.dumps({**good, "checks": [{"check": "answer", "id": "a", "ask": "?", "answer": 1}] * 2}),
    }
    said = {}
    for name, text in cases.items():
        (tmp_path / name).write_text(text, encoding="latin-1" if name == "binary.json" else "utf-8")
        with pytest.raises(ExerciseError) as caught:
            read_exercise(tmp_path / name)
        said[name] = str(caught.value)
        assert said[name].startswith(str(tmp_path / name))
    assert "NaN is not a number JSON allows" in said["nan.json"]
    assert "made for a newer Network Designer" in said["newer.json"]
    assert "there is no template 'no_such'" in said["template.json"]
    assert "start.project" in said["project.json"]
    assert "cannot be read as an exercise file" in said["binary.json"]
    assert "two questions have the same id" in said["same.json"]
    (tmp_path / "ok.json").write_text(json.dumps(good), encoding="utf-8")
    assert read_exercise(tmp_path / "ok.json").id == "ok"  # the file name, when the file gives no id


@pytest.mark.slow
def test_an_output_like_the_input_and_the_networks_of_a_gan_named_in_the_feedback():
    ex = exercise({"check": "output_shape", "like_input": True})
    assert feedback(ex, mlp(16, output=10, shape=(64,), flatten=False))[1] == [
        "your network's output is (10,) for each sample; the one asked for gives (64,) (the shape of its input)"]
    assert feedback(ex, mlp(16, output=64, shape=(64,), flatten=False)) == (True, [])
    gan = exercise({"check": "count", "graph": "discriminator", "kinds": ["Dense"], "at_least": 3},
                   {"check": "layer", "graph": "generator", "kind": "Dense", "nth": 5, "expect": {"units": 64}})
    from designer.core.templates import load_template

    said = feedback(gan, load_template("mlp_gan"))[1]
    assert said == ["the generator asked for has at least 5 Dense layers; yours has 4"]
    assert feedback(gan, load_template("mlp_gan"))[0] is False
