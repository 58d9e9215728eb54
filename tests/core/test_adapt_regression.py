"""Fitting a classifier to numbers to predict (issue 19, point 7), and a regression back to classes: the output
layer's activation and units, the loss and the metrics change together, asked as one question, said one line a
change, done and undone as one step. No Qt, no TensorFlow (the datasets are numpy arrays made here)."""

import numpy as np

from designer.core.adapt import fit_output
from designer.core.commands import History
from designer.core.templates import load_template
from designer.data.dataset import Dataset
from designer.data.fit import advise, plan_fit


def numbers(samples=16, width=1, task="regression"):
    """Data of one number in, `width` numbers to predict out (y = 5x + 3 when one)."""
    x = np.linspace(0, 1, samples, dtype=np.float32).reshape(-1, 1)
    y = np.repeat(5 * x + 3, width, axis=1)
    return Dataset("line", "y = 5x + 3", "", task, x, y)


def classes(count=3, samples=12, features=64):
    x = np.zeros((samples, features), dtype=np.float32)
    y = np.arange(samples) % count
    return Dataset("kinds", "Kinds", "", "classification", x, y, class_names=[str(i) for i in range(count)])


def output(project):
    graph = project.graph("model")
    return graph.node(graph.sinks()[0])


def test_a_classifier_fitted_to_numbers_gets_a_linear_output_a_regression_loss_and_no_accuracy():
    project = load_template("digits_mlp")  # 10 softmax units, sparse categorical cross-entropy, accuracy
    asked = []
    plan = plan_fit(project, numbers(), agree=lambda fit: asked.append(fit.question) or True)
    assert asked == ["The data has numbers to predict (regression): make dense_1 a linear output of 1 unit and "
                     "train with mean squared error?"]
    assert plan.lines == ["input: shape (64,) → (1,)",
                          "dense_1: units 10 → 1 (numbers to predict)",
                          "dense_1: activation softmax → linear (numbers to predict)",
                          "loss sparse categorical cross-entropy → mean squared error",
                          "metrics accuracy → mae"]
    history = History(project)
    history.push(plan.command())
    assert (output(project).params["units"], output(project).params["activation"]) == (1, "linear")
    assert project.training["loss"] == "mse" and project.training["metrics"] == ["mae"]
    history.undo()  # one step takes it all back
    assert (output(project).params["units"], output(project).params["activation"]) == (10, "softmax")
    assert project.training["loss"] == "sparse_categorical_crossentropy" and project.training["metrics"] == ["accuracy"]
    assert project.graph("model").node_by_name("input").params["shape"] == [64]


def test_a_no_leaves_the_output_and_the_loss_as_they_were():
    project = load_template("digits_mlp")
    plan = plan_fit(project, numbers(), agree=lambda fit: False)
    assert plan.lines == ["input: shape (64,) → (1,)"]
    History(project).push(plan.command())
    assert output(project).params["activation"] == "softmax" and project.training["metrics"] == ["accuracy"]


def test_the_loss_auto_stays_auto_since_it_picks_mean_squared_error_for_a_linear_output():
    project = load_template("digits_mlp")
    project.set_training({**project.training, "loss": "auto", "metrics": ["accuracy", "mse"]})
    fit = fit_output(project.graph("model"), project.training, "regression", 1)
    assert [c.param for c in fit.changes] == ["units", "activation", "metrics"]
    assert fit.changes[-1].new == ["mse", "mae"]
    assert "the loss \"auto\" now picks mean squared error" in fit.in_words()[1]
    assert fit.question.endswith("train with mean squared error?") and fit.changes_kind


def test_a_forecast_of_numbers_is_fitted_like_a_regression():
    project = load_template("stacked_lstm_classifier")  # LSTMs then 5 softmax units, categorical cross-entropy
    fit = fit_output(project.graph("model"), project.training, "forecasting", 1)
    assert fit.question.startswith("The data has numbers to predict (forecasting): make dense a linear output of 1")
    assert {c.param: c.new for c in fit.changes} == {"units": 1, "activation": "linear", "loss": "mse",
                                                     "metrics": ["mae"]}


def test_a_regression_that_suits_already_is_left_alone_and_only_units_are_asked_about():
    project = load_template("linear_regression")  # 1 linear unit, mse, mae
    assert fit_output(project.graph("model"), project.training, "regression", 1) is None
    plan = plan_fit(project, numbers(width=2), agree=lambda fit: not fit.changes_kind)
    assert plan.lines == ["dense: units 1 → 2 (the labels)"]


def test_a_regression_fitted_to_classes_gets_softmax_cross_entropy_and_accuracy():
    project = load_template("linear_regression")
    project.graph("model").set_param(project.graph("model").node_by_name("input").id, "shape", [64])
    asked = []
    plan = plan_fit(project, classes(3), agree=lambda fit: asked.append(fit.question) or True)
    assert asked == ["The data has 3 classes: make dense a softmax output of 3 units and train with sparse "
                     "categorical cross-entropy?"]
    History(project).push(plan.command())
    assert (output(project).params["units"], output(project).params["activation"]) == (3, "softmax")
    assert project.training["loss"] == "sparse_categorical_crossentropy" and project.training["metrics"] == ["accuracy"]


def test_two_classes_on_one_unit_get_sigmoid_and_binary_cross_entropy():
    project = load_template("linear_regression")
    fit = fit_output(project.graph("model"), project.training, "classification", 2)
    assert {c.param: c.new for c in fit.changes} == {"activation": "sigmoid", "loss": "binary_crossentropy",
                                                     "metrics": ["accuracy"]}
    # the "1 unit · softmax" for two classes: one softmax unit always answers 1
    binary = load_template("digits_mlp")
    graph = binary.graph("model")
    graph.set_param(graph.sinks()[0], "units", 1)
    fit = fit_output(graph, binary.training, "classification", 2)
    assert {c.param: c.new for c in fit.changes} == {"activation": "sigmoid", "loss": "binary_crossentropy"}


def test_the_canvas_is_told_the_output_answers_the_wrong_kind_of_question():
    graph = load_template("perceptron").graph("model")  # one sigmoid unit: its units fit, its kind does not
    out = graph.sinks()[0]
    advice = advise(graph, (1,), "regression", None, (1,))
    assert advice.output_fix is None and "gives class probabilities" in advice.problems[out][0]
    assert "Make it a linear output of 1 unit" in advice.problems[out][0]
    linear = load_template("linear_regression").graph("model")  # one linear unit: yes/no data needs sigmoid
    said = advise(linear, (1,), "classification", 2, ()).problems[linear.sinks()[0]][0]
    assert "gives numbers, not class probabilities. Make it sigmoid" in said
