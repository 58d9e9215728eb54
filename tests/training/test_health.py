"""Training-health findings (designer.training.health): each one raised by a tiny network built to show it and
trained through the real engine, with its evidence and fixes; the monitor's rules on their own (no TensorFlow);
and the one-click fixes (designer.core.fixes) as one undoable step each."""

import numpy as np
import pytest

from designer.core.commands import History
from designer.core.fixes import Fix, FixError, fix_command
from designer.core.graph import LayerGraph
from designer.core.project import DatasetChoice, Project, check_training
from designer.core.templates import load_template
from designer.data.dataset import Dataset
from designer.training.engine import train
from designer.training.health import COLLAPSED, Finding, HealthMonitor, HealthSample, LayerStats, RunFacts
from designer.training.health_setup import biggest_class_share, guessing_loss
from designer.training.state import TrainingState

RNG = np.random.default_rng(0)
X = RNG.normal(size=(384, 10)).astype(np.float32)
Y = (X[:, :3].sum(axis=1) > 0).astype(np.int64)


class Health(TrainingState):
    """Keeps the findings as the engine reports them."""

    wants_health = True

    def __init__(self):
        self.new: list[Finding] = []
        self.calls = 0

    def health(self, new, findings):
        self.calls += 1
        self.new += new


def mlp(inputs, hidden, out_units=2, out_activation="softmax", **params):
    graph = LayerGraph()
    x = graph.add("Input", shape=[inputs])
    for units, activation in hidden:
        x = graph.add("Dense", x, units=units, activation=activation, **params)
    graph.add("Dense", x, units=out_units, activation=out_activation)
    return graph


def project(graph, **training):
    settings = {"epochs": 6, "batch_size": 32, "seed": 1, "validation_split": 0.2, **training}
    return Project.single(graph, training=check_training(settings))


def classes(x, y, **extra):
    return Dataset("tiny", "tiny", "", "classification", x, y, class_names=["a", "b"], **extra)


def findings(graph, dataset, **training):
    state = Health()
    result = train(project(graph, **training), dataset, state)
    assert [f.ident for f in result.findings] == [f.ident for f in state.new]  # each said once, all kept
    return {f.key: f for f in result.findings}


# ---------------------------------------------------------------------------- each finding on a network built for it
def test_a_healthy_little_classifier_raises_nothing():
    assert findings(mlp(10, [(32, "relu")]), classes(X, Y)) == {}


def test_dead_relu_units_are_found_in_the_layer_and_fixed_by_leaky_relu():
    # a huge SGD step on big inputs pushes every unit of the second layer below 0 for good
    found = findings(mlp(10, [(32, "relu"), (32, "relu")]), classes(X * 5, Y), optimizer="sgd", learning_rate=3.0)
    dead = found["dead_relu"]
    assert dead.layer == "dense_1" and "dead ReLU" in dead.line().replace("Dead", "dead")
    assert dead.evidence.series[0][2][-1] >= 0.5  # the share of dead units over the epochs
    assert Fix("activation", "Switch dense_1 to LeakyReLU", "model", "dense_1", "leaky_relu") in dead.fixes
    # the still weights and vanishing gradients it causes are its consequences, not findings of their own
    assert "vanishing_gradients" not in found and "unchanged_weights" not in found


def test_saturated_sigmoid_layers_are_found():
    found = findings(mlp(10, [(32, "sigmoid")], kernel_initializer="ones"), classes(X * 5, Y))
    assert found["saturated"].layer == "dense" and "Saturated sigmoid" in found["saturated"].title
    assert found["saturated"].fixes[0].action == "batchnorm_before_activation"


def test_vanishing_gradients_are_found_in_a_deep_sigmoid_stack():
    found = findings(mlp(10, [(16, "sigmoid")] * 8), classes(X, Y), optimizer="sgd", learning_rate=0.01)
    vanishing = found["vanishing_gradients"]
    assert vanishing.layer == "dense"  # the first, closest to the input
    assert "vanishing gradients" in vanishing.line().lower() and vanishing.evidence.log_y
    names = [name for name, _, _ in vanishing.evidence.series]
    assert names == ["dense", "dense_8"]  # its gradient beside the output layer's
    assert {f.action for f in vanishing.fixes} == {"batchnorm_after", "activation"}


def test_exploding_gradients_are_found_before_the_loss_is_nan():
    # plain SGD on a line diverges steadily once the rate passes 2 / the largest curvature (about 0.79 here):
    # at 0.9 each step multiplies the error by about 1.3, so the gradient grows ~2.7-fold an epoch
    rows = np.linspace(0, 1, 256, dtype=np.float32).reshape(-1, 1)
    graph = LayerGraph()
    graph.add("Dense", graph.add("Input", shape=[1]), units=1, activation="linear")
    data = Dataset("line", "line", "", "regression", rows, 5 * rows + 3)
    state = Health()
    result = train(project(graph, optimizer="sgd", learning_rate=0.9, epochs=12, batch_size=64, loss="mse",
                           validation_split=0.0), data, state)
    found = {f.key: f for f in result.findings}
    assert "exploding gradients" in found["exploding_gradients"].line().lower()
    assert result.stopped_reason is None  # said while the loss was still a number
    assert found["learning_rate_high"].fixes[0] == Fix("learning_rate", found["learning_rate_high"].fixes[0].label,
                                                       value=0.1)


def test_weights_that_never_change_are_found():
    graph = LayerGraph()
    hidden = graph.add("Dense", graph.add("Input", shape=[10]), units=8, activation="linear",
                       kernel_initializer="zeros")
    graph.add("Dense", hidden, units=2, activation="softmax", kernel_initializer="zeros")
    found = findings(graph, classes(X, Y), epochs=4)
    assert found["unchanged_weights"].layer == "dense"  # zero weights after it: no gradient reaches it


def test_overfitting_names_the_epoch_of_the_best_validation_loss():
    few = RNG.normal(size=(80, 10)).astype(np.float32)
    noise = RNG.integers(0, 2, 80)
    found = findings(mlp(10, [(256, "relu")]), classes(few, noise), epochs=12, learning_rate=0.01,
                     validation_split=0.3)
    overfitting = found["overfitting"]
    best = overfitting.evidence.mark
    assert f"lowest at epoch {best}" in overfitting.advice and "overfitting" in overfitting.line().lower()
    assert [f.action for f in overfitting.fixes] == ["early_stopping", "dropout_after"]
    assert overfitting.fixes[1].layer == "dense"


def test_a_learning_rate_too_high_and_too_low():
    high = findings(mlp(10, [(32, "relu")]), classes(X, Y), learning_rate=5.0)
    assert "learning rate too high" in high["learning_rate_high"].line().lower()
    low = findings(mlp(10, [(32, "relu")]), classes(X, Y), learning_rate=1e-6)
    assert "learning rate too low" in low["learning_rate_low"].line().lower()
    assert low["learning_rate_low"].fixes[0].value == 10.0


def test_not_learning_at_all_is_accuracy_at_the_share_of_the_biggest_class():
    labels = (RNG.random(384) < 0.8).astype(np.int64)  # 80 % in one class, and nothing in the inputs says which
    found = findings(mlp(10, [(32, "relu")]), classes(np.ones_like(X), labels), epochs=8)
    assert "biggest class" in found["not_learning"].advice


def test_unscaled_inputs_are_said_before_the_first_epoch():
    state = Health()
    train(project(mlp(10, [(32, "relu")]), epochs=1), classes(X * 1000, Y), state)
    assert state.new[0].key == "unscaled_inputs" and state.new[0].epoch == 1
    assert state.new[0].fixes == (Fix("scale_inputs", "Standardize the inputs", value="standardize"),)


def test_an_autoencoder_code_of_zeros_is_found():
    rows = RNG.random((256, 16)).astype(np.float32)
    graph = LayerGraph()
    code = graph.add("Dense", graph.add("Input", shape=[16]), units=4, activation="relu", kernel_initializer="zeros")
    graph.add("Dense", code, units=16, activation="sigmoid")
    data = Dataset("rows", "rows", "", "reconstruction", rows, None)
    found = findings(graph, data, mode="autoencoder", epochs=4)
    assert found["dull_code"].layer == "dense" and "dead_relu" not in found


def test_a_generator_that_ignores_its_noise_is_mode_collapse():
    generator = LayerGraph("generator", role="generator")
    generator.add("Dense", generator.add("Input", shape=[4]), units=16, activation="tanh", kernel_initializer="zeros",
                  bias_initializer="random_normal")
    discriminator = LayerGraph("discriminator", role="discriminator")
    hidden = discriminator.add("Dense", discriminator.add("Input", shape=[16]), units=8, activation="relu")
    discriminator.add("Dense", hidden, units=1, activation="sigmoid")
    gan = Project(graphs=[generator, discriminator],
                  training=check_training({"mode": "gan", "epochs": 4, "batch_size": 32, "seed": 1}))
    real = RNG.uniform(-1, 1, size=(256, 16)).astype(np.float32)
    state = Health()
    result = train(gan, Dataset("rows", "rows", "", "generation", real, None), state)
    collapse = {f.key: f for f in result.findings}["mode_collapse"]
    assert collapse.role == "generator" and "mode collapse" in collapse.line().lower()
    assert collapse.evidence.series[0][2][-1] < COLLAPSED


# ---------------------------------------------------------------------------- the monitor's rules, without TensorFlow
def facts(**overrides):
    return RunFacts(**{"learning_rate": 0.01, "epochs": 20, **overrides})


def test_the_discriminator_winning_needs_its_loss_near_0_while_the_generators_climbs():
    monitor = HealthMonitor(facts(mode="gan", discriminator_first="dense"))
    said = []
    # the GAN template's collapsing run before it was tuned (bench/bench_quality.py), every few epochs
    for epoch, (d, g) in enumerate([(0.62, 0.61), (0.41, 1.46), (0.28, 3.48), (0.11, 3.95), (0.31, 4.52), (0.19, 4.21),
                                    (0.05, 4.81)]):
        said += monitor.epoch_end(epoch, {"d_loss": d, "g_loss": g})
    assert [f.key for f in said] == ["discriminator_wins"] and said[0].epoch == 5
    assert said[0].role == "discriminator" and said[0].fixes[0].action == "dropout_after"
    calm = HealthMonitor(facts(mode="gan"))
    for epoch, (d, g) in enumerate([(0.64, 0.58), (0.5, 1.21), (0.55, 1.18), (0.51, 1.48), (0.44, 1.74), (0.44, 1.54)]):
        assert calm.epoch_end(epoch, {"d_loss": d, "g_loss": g}) == []


def test_a_layer_sign_must_last_two_snapshots():
    monitor = HealthMonitor(facts())

    def sample(epoch, dead):
        return HealthSample(epoch, [LayerStats("dense", activation="relu", units=32, dead=dead)])

    assert monitor.epoch_end(0, {"loss": 0.5}, sample(0, 0.9)) == []
    assert monitor.epoch_end(1, {"loss": 0.4}, sample(1, 0.2)) == []  # it came back: not dead
    assert monitor.epoch_end(2, {"loss": 0.3}, sample(2, 0.9)) == []
    assert [f.key for f in monitor.epoch_end(3, {"loss": 0.2}, sample(3, 0.95))] == ["dead_relu"]
    # said once; its evidence follows the run
    assert monitor.epoch_end(4, {"loss": 0.1}, sample(4, 1.0)) == []
    assert monitor.all()[0].evidence.series[0][2] == [0.9, 0.2, 0.9, 0.95, 1.0]


def test_a_loss_that_falls_and_stays_low_is_not_a_learning_rate_problem():
    monitor = HealthMonitor(facts(guessing_loss=0.69, biggest_class=0.5))
    for epoch, loss in enumerate([0.5, 0.2, 0.1, 0.05, 0.049, 0.0488, 0.0487, 0.0486]):
        assert monitor.epoch_end(epoch, {"loss": loss, "accuracy": 0.99}) == []


def test_what_guessing_scores():
    assert guessing_loss("sparse_categorical_crossentropy", np.array([0, 1, 0, 1])) == pytest.approx(np.log(2))
    assert guessing_loss("categorical_crossentropy", np.eye(4)) == pytest.approx(np.log(4))
    assert guessing_loss("binary_crossentropy", np.array([[1], [0], [0], [0]])) == pytest.approx(
        -(0.25 * np.log(0.25) + 0.75 * np.log(0.75)))
    assert guessing_loss("mse", np.array([1.0, 3.0])) == pytest.approx(1.0)
    assert guessing_loss("huber", np.array([1.0])) is None
    assert biggest_class_share(np.array([0, 0, 0, 1])) == 0.75
    assert biggest_class_share(np.eye(3)[[0, 0, 1]]) == pytest.approx(2 / 3)


# ---------------------------------------------------------------------------- the fixes, one undo step each
def test_each_fix_is_one_undoable_step():
    project = load_template("fashion_mnist_mlp")
    graph = project.graph("model")
    before = (sorted((n.name, n.kind, n.position) for n in graph.nodes()), sorted(graph.edges(), key=str))
    history = History(project)

    command, role = fix_command(project, Fix("dropout_after", "Add Dropout after dense", layer="dense"))
    history.push(command, graph)
    dropout = next(n for n in graph.nodes() if n.kind == "Dropout")
    dense, dense_1 = graph.node_by_name("dense"), graph.node_by_name("dense_1")
    assert graph.inputs_of(dropout.id) == [dense.id] and graph.inputs_of(dense_1.id) == [dropout.id]
    assert dense_1.position[1] > dropout.position[1] > dense.position[1]  # what was below moved down to make room
    history.undo()
    assert (sorted((n.name, n.kind, n.position) for n in graph.nodes()), sorted(graph.edges(), key=str)) == before

    command, _ = fix_command(project, Fix("batchnorm_before_activation", "BN", layer="dense"))
    history.push(command, graph)
    assert graph.node_by_name("dense").params["activation"] == "linear"
    kinds = [graph.node(n).kind for n in graph.topological_order()]
    assert kinds == ["Input", "Flatten", "Dense", "BatchNormalization", "Activation", "Dense", "Dense"]
    history.undo()

    rate = project.training["learning_rate"]
    command, role = fix_command(project, Fix("learning_rate", "÷10", value=0.1))
    assert role is None
    history.push(command)
    assert project.training["learning_rate"] == pytest.approx(rate / 10)
    history.undo()
    assert project.training["learning_rate"] == rate

    history.push(fix_command(project, Fix("early_stopping", "stop"))[0])
    assert project.training["early_stopping_patience"] == 5
    history.push(fix_command(project, Fix("scale_inputs", "scale", value="standardize"))[0])
    assert project.dataset == DatasetChoice(project.dataset.name, {**project.dataset.options, "scale": "standardize"})
    history.push(fix_command(project, Fix("activation", "leaky", layer="dense", value="leaky_relu"))[0], graph)
    assert graph.node_by_name("dense").params["activation"] == "leaky_relu"


def test_a_fix_for_a_layer_that_is_gone_is_refused_in_words():
    project = load_template("fashion_mnist_mlp")
    with pytest.raises(FixError, match="no layer named gone"):
        fix_command(project, Fix("dropout_after", "Add Dropout after gone", layer="gone"))
