"""The template projects: each loads cleanly and has exactly the parameters of the network its notes write.

Every template under ``designer/resources/templates`` is compared with a Keras model written here in code, layer by layer
as the course notes write it (the notes' ``Sequential``/functional code, with ``input_shape=`` turned into an
``Input``). Keras counts the reference's parameters; the template's counts come both from the compiled model
(`compile_graph`) and from the live analysis (`ShapeAnalyzer`), so all three must agree. The three totals the
notes print in their ``model.summary()`` output are asserted as written there.
"""

from __future__ import annotations

import math

import keras
import pytest
from keras import layers

from designer.keras_bridge.models import compile_graph
from designer.keras_bridge.shape_oracle import make_analyzer
from designer.core.analysis import structural_report
from designer.core.project_files import load_project
from designer.core.templates import list_templates, templates_dir


# ---------------------------------------------------------------------------- reference models, as the notes write them
#: template key -> its reference model, written as the notes write it (each function is named after its template)
REFERENCES = {}


def reference(maker):
    REFERENCES[maker.__name__] = maker
    return maker


@reference
def perceptron():
    return keras.Sequential([keras.Input(shape=(2,)), layers.Dense(1, activation="sigmoid")])


@reference
def binary_classifier():
    # notes 004: first_model.add(Dense(3, input_dim=2, activation='relu')); first_model.add(Dense(1, activation='sigmoid'))
    return keras.Sequential([keras.Input(shape=(2,)), layers.Dense(3, activation="relu"), layers.Dense(1, activation="sigmoid")])


@reference
def linear_regression():
    # notes 004: model.add(Dense(1, input_dim=1))
    return keras.Sequential([keras.Input(shape=(1,)), layers.Dense(1)])


@reference
def fashion_mnist_mlp():
    # notes 002: InputLayer([28, 28]), Flatten, Dense(100, relu), Dense(75, relu), Dense(10, softmax)
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        layers.Flatten(),
        layers.Dense(100, activation="relu"),
        layers.Dense(75, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])


@reference
def mnist_cnn():
    # notes 003: the CNN for (28, 28, 1) images
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, (3, 3), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Flatten(),
        layers.Dense(128, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])


@reference
def simple_rnn():
    # notes 003: SimpleRNN(units=32, return_sequences=True, input_shape=(sequence_length, 1)), Dense(units=1)
    sequence_length = 20
    return keras.Sequential([
        keras.Input(shape=(sequence_length, 1)),
        layers.SimpleRNN(units=32, return_sequences=True),
        layers.Dense(units=1),
    ])


@reference
def cifar10_cnn():
    # notes 000: the CIFAR-10 CNN
    model = keras.Sequential()
    model.add(keras.Input(shape=(32, 32, 3)))
    model.add(layers.Conv2D(32, (3, 3), activation="relu"))
    model.add(layers.MaxPooling2D((2, 2)))
    model.add(layers.Conv2D(64, (3, 3), activation="relu"))
    model.add(layers.MaxPooling2D((2, 2)))
    model.add(layers.Conv2D(64, (3, 3), activation="relu"))
    model.add(layers.Flatten())
    model.add(layers.Dense(64, activation="relu"))
    model.add(layers.Dense(10, activation="softmax"))
    return model


@reference
def lstm_forecaster():
    # notes 000: LSTM(50, activation='relu', input_shape=(20, 1)), Dense(1)
    model = keras.Sequential()
    model.add(keras.Input(shape=(20, 1)))
    model.add(layers.LSTM(50, activation="relu"))
    model.add(layers.Dense(1))
    return model


@reference
def stacked_lstm_classifier():
    # notes 003: time_steps = 100, input_features = 10, num_classes = 5
    time_steps, input_features, num_classes = 100, 10, 5
    model = keras.Sequential()
    model.add(keras.Input(shape=(time_steps, input_features)))
    model.add(layers.LSTM(units=64, return_sequences=True))
    model.add(layers.LSTM(units=64))
    model.add(layers.Dense(units=num_classes, activation="softmax"))
    return model


@reference
def mlp_gan():
    # notes 000: generator.add(Dense(256, input_dim=100, ...)) ... and discriminator.add(Dense(1024, input_dim=784, ...)) ...
    generator = keras.Sequential()
    generator.add(keras.Input(shape=(100,)))
    generator.add(layers.Dense(256, activation="relu"))
    generator.add(layers.Dense(512, activation="relu"))
    generator.add(layers.Dense(1024, activation="relu"))
    generator.add(layers.Dense(784, activation="tanh"))
    discriminator = keras.Sequential()
    discriminator.add(keras.Input(shape=(784,)))
    discriminator.add(layers.Dense(1024, activation="relu"))
    discriminator.add(layers.Dense(512, activation="relu"))
    discriminator.add(layers.Dense(256, activation="relu"))
    discriminator.add(layers.Dense(1, activation="sigmoid"))
    return {"generator": generator, "discriminator": discriminator}


@reference
def autoencoder():
    # notes 000 (functional API: Input, Dense, Model): a 32-number code of a flattened MNIST digit
    inputs = keras.Input(shape=(784,))
    encoded = layers.Dense(32, activation="relu")(inputs)
    decoded = layers.Dense(784, activation="sigmoid")(encoded)
    return keras.Model(inputs, decoded)


@reference
def denoising_autoencoder():
    inputs = keras.Input(shape=(784,))
    noisy = layers.GaussianNoise(0.2)(inputs)
    encoded = layers.Dense(32, activation="relu")(noisy)
    decoded = layers.Dense(784, activation="sigmoid")(encoded)
    return keras.Model(inputs, decoded)


@reference
def sparse_autoencoder():
    inputs = keras.Input(shape=(784,))
    encoded = layers.Dense(32, activation="relu")(inputs)
    sparse = layers.ActivityRegularization(l1=1e-5)(encoded)
    decoded = layers.Dense(784, activation="sigmoid")(sparse)
    return keras.Model(inputs, decoded)


@reference
def conv_autoencoder():
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(16, (3, 3), activation="relu", padding="same")(inputs)
    x = layers.MaxPooling2D((2, 2), padding="same")(x)
    x = layers.Conv2D(8, (3, 3), activation="relu", padding="same")(x)
    encoded = layers.MaxPooling2D((2, 2), padding="same")(x)
    x = layers.Conv2DTranspose(8, (3, 3), strides=2, activation="relu", padding="same")(encoded)
    x = layers.Conv2DTranspose(16, (3, 3), strides=2, activation="relu", padding="same")(x)
    decoded = layers.Conv2D(1, (3, 3), activation="sigmoid", padding="same")(x)
    return keras.Model(inputs, decoded)


class _Sampling(layers.Layer):
    """z = μ + exp(½ log σ²)·ε, the reparameterisation trick (no weights)."""

    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = keras.random.normal(keras.ops.shape(z_mean))
        return z_mean + keras.ops.exp(0.5 * z_log_var) * epsilon


@reference
def vae():
    inputs = keras.Input(shape=(784,))
    h = layers.Dense(256, activation="relu")(inputs)
    z_mean = layers.Dense(2, name="z_mean")(h)
    z_log_var = layers.Dense(2, name="z_log_var")(h)
    z = _Sampling()([z_mean, z_log_var])
    h = layers.Dense(256, activation="relu")(z)
    outputs = layers.Dense(784, activation="sigmoid")(h)
    return keras.Model(inputs, outputs)


@reference
def vgg16_transfer():
    # notes 003, with random weights instead of ImageNet's (the count is the same; nothing is downloaded)
    base_model = keras.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    for layer in base_model.layers:
        layer.trainable = False
    return keras.Sequential([
        keras.Input(shape=(32, 32, 3)),
        base_model,
        layers.GlobalAveragePooling2D(),
        layers.Dense(256, activation="relu"),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ])


@reference
def digits_mlp():
    return keras.Sequential([
        keras.Input(shape=(64,)),
        layers.Dense(64, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])


@reference
def feedforward_binary():
    # notes 000: "Code to see basic NN architecture"
    return keras.Sequential([
        keras.Input(shape=(10,)),
        layers.Dense(64, activation="relu"),
        layers.Dense(32, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ])


@reference
def feedforward_multiclass():
    # notes 000: "Code To represent FNN" with input_shape = 10, output_size = 5
    input_shape, output_size = 10, 5
    model = keras.Sequential()
    model.add(keras.Input(shape=(input_shape,)))
    model.add(layers.Dense(128, activation="relu"))
    model.add(layers.Dense(64, activation="relu"))
    model.add(layers.Dense(output_size, activation="softmax"))
    return model


@reference
def rnn_classifier():
    # notes 000: SimpleRNN(units=10, input_shape=(seq_length, 1), activation='relu'), Dense(units=1, activation='sigmoid')
    seq_length = 20
    model = keras.Sequential()
    model.add(keras.Input(shape=(seq_length, 1)))
    model.add(layers.SimpleRNN(units=10, activation="relu"))
    model.add(layers.Dense(units=1, activation="sigmoid"))
    return model


#: the totals printed by model.summary() in the notes
NOTES_TOTALS = {
    "fashion_mnist_mlp": 86_835,  # notes 002: "Total params: 86,835"
    "mnist_cnn": 225_034,  # notes 003: "Total params: 225034"
    "simple_rnn": 1_121,  # notes 003: "Total params: 1121"
}

TEMPLATE_KEYS = sorted(path.stem for path in templates_dir().glob("*.json"))


def _counts(model) -> dict[str, int]:
    trainable = sum(math.prod(w.shape) for w in model.trainable_weights)
    non_trainable = sum(math.prod(w.shape) for w in model.non_trainable_weights)
    return {"total": model.count_params(), "trainable": trainable, "non_trainable": non_trainable}


def _reference_models(key: str) -> dict[str, object]:
    made = REFERENCES[key]()
    return made if isinstance(made, dict) else {"model": made}


@pytest.fixture(scope="module")
def analyzer():
    return make_analyzer()


# ---------------------------------------------------------------------------- tests
def test_there_are_templates_and_every_one_has_a_reference_model():
    assert len(TEMPLATE_KEYS) >= 20
    missing = sorted(set(TEMPLATE_KEYS) - set(REFERENCES))
    assert not missing, f"templates without a reference model in this test: {missing}"
    orphans = sorted(set(REFERENCES) - set(TEMPLATE_KEYS))
    assert not orphans, f"reference models whose template file is missing: {orphans}"
    assert [t.key for t in list_templates()] == TEMPLATE_KEYS


@pytest.mark.parametrize("key", TEMPLATE_KEYS)
def test_template_loads_and_is_clean(key, analyzer):
    project = load_project(templates_dir() / f"{key}.json")
    assert project.name.strip()
    assert project.description.strip()
    assert project.dataset is not None and project.dataset.name
    for graph in project.graphs:
        structure = structural_report(graph)
        assert structure.ok, structure.errors(graph)
        assert not structure.messages and not any(r.messages for r in structure.nodes.values())
        report = analyzer.analyse(graph)
        assert report.ok, report.errors(graph)
        warnings = [(graph.node(n).name, m.text) for n, r in report.nodes.items() for m in r.messages]
        assert not warnings


@pytest.mark.slow
@pytest.mark.parametrize("key", TEMPLATE_KEYS)
def test_template_has_the_parameters_of_the_notes_network(key, analyzer):
    keras.backend.clear_session()
    project = load_project(templates_dir() / f"{key}.json")
    references = _reference_models(key)
    assert sorted(references) == sorted(g.role for g in project.graphs)
    for role, reference in references.items():
        graph = project.graph(role)
        expected = _counts(reference)
        built = compile_graph(graph, load_pretrained_weights=False)
        assert _counts(built) == expected, role
        report = analyzer.analyse(graph)
        analysed = {
            "total": report.total_params,
            "trainable": report.trainable_params,
            "non_trainable": report.non_trainable_params,
        }
        assert analysed == expected, role
        expected_shapes = [tuple(t.shape) for t in reference.outputs]
        assert [tuple(t.shape) for t in built.outputs] == expected_shapes, role
        assert [report.nodes[n].output_shape for n in graph.sinks()] == expected_shapes, role
    if key in NOTES_TOTALS:
        assert _counts(references["model"])["total"] == NOTES_TOTALS[key]
        assert _counts(built)["total"] == NOTES_TOTALS[key]

