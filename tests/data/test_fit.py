"""Checking a model against the chosen data before training: Input shape and output units, with the fix."""

from designer.core.graph import LayerGraph
from designer.data.fit import advise, reshape_fits


def mlp(input_shape, units):
    graph = LayerGraph()
    x = graph.add("Input", shape=input_shape)
    h = graph.add("Dense", x, units=16)
    out = graph.add("Dense", h, units=units, activation="softmax")
    return graph, x, out


def test_a_model_that_fits_has_no_problems():
    graph, _, _ = mlp([64], 10)
    assert advise(graph, (8, 8), "classification", 10, ()).ok  # flattened by the loader


def test_wrong_input_shape_and_units_come_with_fixes():
    graph, x, out = mlp([784], 3)
    advice = advise(graph, (8, 8), "classification", 10, ())
    assert advice.input_fix == (x, [64]) and advice.output_fix == (out, 10)
    assert "(8, 8)" in advice.problems[x][0] and "(784,)" in advice.problems[x][0]
    assert "10 classes" in advice.problems[out][0] and "3 units" in advice.problems[out][0]


def test_image_models_keep_the_sample_shape_and_binary_accepts_one_unit():
    graph, x, out = mlp([28, 28, 1], 1)
    advice = advise(graph, (32, 32, 3), "classification", 2, ())
    assert advice.input_fix == (x, [32, 32, 3]) and advice.output_fix is None


def test_regression_units_and_skipped_checks():
    graph, _, out = mlp([1], 3)
    assert advise(graph, (1,), "regression", None, (1,)).output_fix == (out, 1)
    assert advise(graph, (1,), "regression", None, (1,), check_output=False).ok
    assert advise(graph, (1,), "generation", None, None).ok
    assert reshape_fits((28, 28), (28, 28, 1)) and reshape_fits((8, 8), (64,)) and not reshape_fits((8, 8), (65,))


def test_a_cnns_input_fix_keeps_the_channel_axis_a_convolution_needs():
    from designer.core.templates import load_template

    graph = load_template("mnist_cnn").graph("model")
    x = graph.node_by_name("input").id
    advice = advise(graph, (8, 8), "classification", 10, ())
    assert advice.input_fix == (x, [8, 8, 1])
    assert "Set its shape to (8, 8, 1)" in advice.problems[x][0]
    flat = advise(graph, (64,), "classification", 10, ())  # flattened data: no one step back to an image
    assert flat.input_fix is None and "No one step" in flat.problems[x][0]
