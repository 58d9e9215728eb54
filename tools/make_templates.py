"""Generate the template projects under ``designer/resources/templates/``, one per network of the course notes.

Each template is built with the Python API (``LayerGraph().add(...)``), wrapped in a `Project` with its dataset
and training settings, and saved with `save_project`, so the files are exactly what the app writes and reads.
The JSON files are the source the app uses and may be edited by hand; this script is kept so they can be
regenerated after a format change. Layers sit in a vertical stack, side branches (the VAE's two heads) one column
to the right, spaced as the canvas places them (`designer.core.layout`).

Run ``python tools/make_templates.py`` to rewrite every template, ``--check`` to only report which files differ
from what this script makes (exit status 1 when any does), or name keys to write only those.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable

from designer.core.graph import LayerGraph
from designer.core.layout import COLUMN_SPACING, ROW_SPACING
from designer.core.project import DatasetChoice, Project, check_training
from designer.core.project_files import dumps, save_project
from designer.core.templates import templates_dir



#: template key (its file name without .json) -> the function that makes it, in the order they are defined
TEMPLATES: dict[str, Callable[[], Project]] = {}


def template(maker: Callable[[], Project]) -> Callable[[], Project]:
    """Make `maker` a template, written to designer/resources/templates/<its name>.json."""
    TEMPLATES[maker.__name__] = maker
    return maker


class Stack:
    """Adds layers to a graph one row below the other, each fed by the previous one unless told otherwise."""

    def __init__(self, name: str = "model", role: str = "model") -> None:
        self.graph = LayerGraph(name, role)
        self.row = 0
        self.last: str | None = None

    def add(self, kind: str, *inputs: str, column: int = 0, same_row: bool = False, name: str | None = None,
            **params: Any) -> str:
        if same_row:
            self.row -= 1
        sources = inputs or ((self.last,) if self.last else ())
        node_id = self.graph.add(kind, *sources, name=name, position=(COLUMN_SPACING * column, ROW_SPACING * self.row), **params)
        self.row += 1
        self.last = node_id
        return node_id


def sequential(layers: list[tuple[str, dict[str, Any]]], name: str = "model", role: str = "model") -> LayerGraph:
    """A plain stack: each (kind, params) fed by the one before."""
    stack = Stack(name, role)
    for kind, params in layers:
        stack.add(kind, **params)
    return stack.graph


def project(graphs: LayerGraph | list[LayerGraph], name: str, description: str, dataset: str,
            options: dict[str, Any] | None = None, **training: Any) -> Project:
    return Project(
        graphs if isinstance(graphs, list) else [graphs],
        name=name,
        description=description,
        dataset=DatasetChoice(dataset, options or {}),
        training=check_training(training),
    )


def dense(units: int, activation: str = "linear", **params: Any) -> tuple[str, dict[str, Any]]:
    return ("Dense", {"units": units, "activation": activation, **params})


def inputs(*shape: int) -> tuple[str, dict[str, Any]]:
    return ("Input", {"shape": list(shape)})


# ---------------------------------------------------------------------------------------------- templates
@template
def perceptron() -> Project:
    graph = sequential([inputs(2), dense(1, "sigmoid")], name="perceptron")
    return project(
        graph, "Perceptron",
        "One neuron, sigmoid(w·x + b), learns the line x0 + x1 = 1: the single-layer perceptron of notes 004 "
        "(Understanding Neural Network) and notes 001.",
        "sum_threshold",
        optimizer="adam", learning_rate=0.1, loss="binary_crossentropy", metrics=["accuracy"],
        epochs=50, batch_size=16,
    )


@template
def binary_classifier() -> Project:
    graph = sequential([inputs(2), dense(3, "relu"), dense(1, "sigmoid")], name="first_model")
    return project(
        graph, "Binary classifier (2 → 3 → 1)",
        "A hidden layer of 3 ReLU neurons and a sigmoid output decide whether x0 + x1 > 1: the first model of "
        "notes 004 (Understanding Neural Network), 13 parameters.",
        "sum_threshold",
        # a larger step and smaller batches than the notes (whose run stays near 53 %) so it learns in 50 epochs
        optimizer="adam", learning_rate=0.02, loss="binary_crossentropy", metrics=["accuracy"],
        epochs=50, batch_size=16,
    )


@template
def linear_regression() -> Project:
    graph = sequential([inputs(1), dense(1)], name="linear_regression")
    return project(
        graph, "Linear regression",
        "One linear neuron y = w·x + b fitted with SGD and mean squared error recovers w ≈ 5 and b ≈ 3: the "
        "linear regression of notes 004 (Understanding Neural Network).",
        "linear_5x_plus_3",
        # the notes' default step (0.01) for 50 epochs stops near w = 3; 0.1 for 100 epochs reaches w ≈ 5, b ≈ 3
        optimizer="sgd", learning_rate=0.1, loss="mse", metrics=["mae"],
        epochs=100, batch_size=16,
    )


@template
def fashion_mnist_mlp() -> Project:
    graph = sequential(
        [inputs(28, 28), ("Flatten", {}), dense(100, "relu"), dense(75, "relu"), dense(10, "softmax")],
        name="sequential",
    )
    return project(
        graph, "Fashion-MNIST classifier (MLP)",
        "Flatten a 28×28 clothing image and classify it into 10 kinds with Dense 100 → 75 → 10 (86,835 "
        "parameters): the Keras model of notes 002 (Neural Network and TensorFlow).",
        "fashion_mnist", {"validation": "last", "validation_rows": 5000},
        optimizer="sgd", learning_rate=0.01, loss="sparse_categorical_crossentropy", metrics=["accuracy"],
        epochs=30, batch_size=32,
    )


@template
def mnist_cnn() -> Project:
    graph = sequential(
        [
            inputs(28, 28, 1),
            ("Conv2D", {"filters": 32, "kernel_size": 3, "activation": "relu"}),
            ("MaxPooling2D", {"pool_size": 2}),
            ("Conv2D", {"filters": 64, "kernel_size": 3, "activation": "relu"}),
            ("MaxPooling2D", {"pool_size": 2}),
            ("Flatten", {}),
            dense(128, "relu"),
            dense(10, "softmax"),
        ],
        name="sequential",
    )
    return project(
        graph, "MNIST digits CNN",
        "Two convolution + max-pooling blocks then Dense 128 → 10 read handwritten digits (225,034 "
        "parameters): the CNN of notes 003 (Detail Mathematical Explanation).",
        "mnist",
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"], epochs=5, batch_size=32,
    )


@template
def simple_rnn() -> Project:
    graph = sequential(
        [inputs(20, 1), ("SimpleRNN", {"units": 32, "return_sequences": True}), dense(1)], name="sequential"
    )
    return project(
        graph, "SimpleRNN sequence predictor",
        "A SimpleRNN of 32 units with return_sequences and a Dense(1) on every step predicts a sine wave one "
        "step ahead (1,121 parameters): the RNN of notes 003 (Detail Mathematical Explanation).",
        "sine_waves", {"target": "sequence"},
        optimizer="adam", loss="mse", metrics=[], epochs=100, batch_size=32,
    )


@template
def cifar10_cnn() -> Project:
    graph = sequential(
        [
            inputs(32, 32, 3),
            ("Conv2D", {"filters": 32, "kernel_size": 3, "activation": "relu"}),
            ("MaxPooling2D", {"pool_size": 2}),
            ("Conv2D", {"filters": 64, "kernel_size": 3, "activation": "relu"}),
            ("MaxPooling2D", {"pool_size": 2}),
            ("Conv2D", {"filters": 64, "kernel_size": 3, "activation": "relu"}),
            ("Flatten", {}),
            dense(64, "relu"),
            dense(10, "softmax"),
        ],
        name="sequential",
    )
    return project(
        graph, "CIFAR-10 colour image CNN",
        "Three convolutions with max pooling then Dense 64 → 10 classify 32×32 colour photos into 10 classes: "
        "the CNN of notes 000 (Neural Network Overview And Its Use Case).",
        "cifar10",
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"], epochs=10, batch_size=32,
    )


@template
def lstm_forecaster() -> Project:
    graph = sequential([inputs(20, 1), ("LSTM", {"units": 50, "activation": "relu"}), dense(1)], name="sequential")
    return project(
        graph, "LSTM sine-wave forecaster",
        "An LSTM of 50 ReLU units reads 20 steps of a sine wave and predicts the next value: the LSTM of notes "
        "000 (Neural Network Overview And Its Use Case).",
        "sine_waves", {"target": "next"},
        optimizer="adam", loss="mse", metrics=[], epochs=50, batch_size=32, validation_split=0.2,
    )


@template
def stacked_lstm_classifier() -> Project:
    graph = sequential(
        [
            inputs(100, 10),
            ("LSTM", {"units": 64, "return_sequences": True}),
            ("LSTM", {"units": 64}),
            dense(5, "softmax"),
        ],
        name="sequential",
    )
    return project(
        graph, "Stacked LSTM sequence classifier",
        "Two LSTM layers of 64 units (the first returns its whole sequence to feed the second) sort sequences "
        "of 100 steps × 10 features into 5 classes: the LSTM of notes 003 (Detail Mathematical Explanation).",
        "random_vectors", {"shape": [100, 10], "classes": 5},
        optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"], epochs=10, batch_size=32,
    )


@template
def mlp_gan() -> Project:
    # LeakyReLU in the hidden layers of both networks: with ReLU the generator collapsed onto one digit
    # (bench/bench_quality.py: 64 samples in 1 class; with LeakyReLU in 9 of 10)
    generator = sequential(
        [inputs(100), dense(256, "leaky_relu"), dense(512, "leaky_relu"), dense(1024, "leaky_relu"),
         dense(784, "tanh")],
        name="generator", role="generator",
    )
    discriminator = sequential(
        [inputs(784), dense(1024, "leaky_relu"), dense(512, "leaky_relu"), dense(256, "leaky_relu"),
         dense(1, "sigmoid")],
        name="discriminator", role="discriminator",
    )
    return project(
        [generator, discriminator], "GAN of dense layers (MNIST)",
        "A generator turns 100 random numbers into a 28×28 digit while a discriminator learns to tell real "
        "digits from made ones: the GAN of notes 000 (Neural Network Overview And Its Use Case).",
        "mnist", {"scale": "-1..1", "flatten": True},
        # about the notes' 20,000 steps of 128 images
        mode="gan", optimizer="adam", learning_rate=0.0002, beta_1=0.5, loss="binary_crossentropy",
        metrics=["accuracy"], epochs=40, batch_size=128, validation_split=0.0,
    )


def _autoencoder_training() -> dict[str, Any]:
    # as the fit call of notes 000's autoencoder
    return dict(mode="autoencoder", optimizer="adam", loss="binary_crossentropy", metrics=[], epochs=50,
                batch_size=256)


@template
def autoencoder() -> Project:
    graph = sequential([inputs(784), dense(32, "relu"), dense(784, "sigmoid")], name="autoencoder")
    return project(
        graph, "Autoencoder (vanilla)",
        "Squeeze a 784-pixel digit through a 32-number code and rebuild it: the vanilla autoencoder of notes "
        "000 (Neural Network Overview And Its Use Case).",
        "mnist", {"flatten": True}, **_autoencoder_training(),
    )


@template
def denoising_autoencoder() -> Project:
    graph = sequential(
        [inputs(784), ("GaussianNoise", {"stddev": 0.2}), dense(32, "relu"), dense(784, "sigmoid")],
        name="denoising_autoencoder",
    )
    return project(
        graph, "Denoising autoencoder",
        "Noise is added to each digit while training and the network learns to rebuild the clean one: the "
        "denoising autoencoder of notes 000 (Neural Network Overview And Its Use Case).",
        "mnist", {"flatten": True}, **_autoencoder_training(),
    )


@template
def sparse_autoencoder() -> Project:
    graph = sequential(
        [inputs(784), dense(32, "relu"), ("ActivityRegularization", {"l1": 1e-5}), dense(784, "sigmoid")],
        name="sparse_autoencoder",
    )
    return project(
        graph, "Sparse autoencoder",
        "An L1 penalty on the 32-number code keeps most of it at zero, so each code neuron learns one feature: "
        "the sparse autoencoder of notes 000 (Neural Network Overview And Its Use Case).",
        "mnist", {"flatten": True}, **_autoencoder_training(),
    )


@template
def conv_autoencoder() -> Project:
    graph = sequential(
        [
            inputs(28, 28, 1),
            ("Conv2D", {"filters": 16, "kernel_size": 3, "padding": "same", "activation": "relu"}),
            ("MaxPooling2D", {"pool_size": 2, "padding": "same"}),
            ("Conv2D", {"filters": 8, "kernel_size": 3, "padding": "same", "activation": "relu"}),
            ("MaxPooling2D", {"pool_size": 2, "padding": "same"}),
            ("Conv2DTranspose", {"filters": 8, "kernel_size": 3, "strides": 2, "padding": "same", "activation": "relu"}),
            ("Conv2DTranspose", {"filters": 16, "kernel_size": 3, "strides": 2, "padding": "same", "activation": "relu"}),
            ("Conv2D", {"filters": 1, "kernel_size": 3, "padding": "same", "activation": "sigmoid"}),
        ],
        name="conv_autoencoder",
    )
    return project(
        graph, "Convolutional autoencoder",
        "Convolutions and pooling shrink a digit to 7×7×8, transposed convolutions grow it back to 28×28×1: "
        "the convolutional autoencoder of notes 000 (Neural Network Overview And Its Use Case).",
        "mnist", **_autoencoder_training(),
    )


@template
def vae() -> Project:
    stack = Stack("vae")
    stack.add("Input", shape=[784])
    hidden = stack.add("Dense", units=256, activation="relu")
    z_mean = stack.add("Dense", hidden, name="z_mean", units=2)
    z_log_var = stack.add("Dense", hidden, name="z_log_var", units=2, column=1, same_row=True)
    # Keras's binary cross-entropy averages over the 784 pixels, where the classic VAE loss sums them:
    # weighting the KL term by 1/784 keeps the two terms in their classic proportion.
    stack.add("VAESampling", z_mean, z_log_var, kl_weight=round(1 / 784, 6))
    stack.add("Dense", units=256, activation="relu")
    stack.add("Dense", units=784, activation="sigmoid")
    return project(
        stack.graph, "Variational autoencoder (VAE)",
        "The encoder gives a mean and a log-variance for a 2-number code, z is drawn from them and decoded "
        "back to a digit: the variational autoencoder of notes 000 (Neural Network Overview And Its Use Case).",
        "mnist", {"flatten": True},
        mode="vae", optimizer="adam", loss="binary_crossentropy", metrics=[], epochs=30, batch_size=128,
    )


@template
def vgg16_transfer() -> Project:
    graph = sequential(
        [
            inputs(32, 32, 3),
            ("VGG16", {"weights": "imagenet", "trainable": False}),
            ("GlobalAveragePooling2D", {}),
            dense(256, "relu"),
            ("Dropout", {"rate": 0.5}),
            dense(10, "softmax"),
        ],
        name="sequential",
    )
    return project(
        graph, "Transfer learning with VGG16",
        "A frozen VGG16 pretrained on ImageNet turns CIFAR-10 photos into features and only the new Dense "
        "layers learn: the transfer learning of notes 003 (Detail Mathematical Explanation).",
        "cifar10", {"labels": "one-hot"},
        optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"], epochs=10, batch_size=32,
    )


@template
def digits_mlp() -> Project:
    graph = sequential([inputs(64), dense(64, "relu"), dense(10, "softmax")], name="sequential")
    return project(
        graph, "Digits classifier (8×8, offline)",
        "A Dense 64 → 10 network reads the bundled 8×8 handwritten digits and trains in seconds without a "
        "download: the multi-layer perceptron of notes 001 and 004 on small images.",
        # shuffled: the bundled digits come in blocks, and the held-out last 20 % alone reached only 0.917
        "digits", {"scale": "0..1", "shuffle": True},
        optimizer="adam", learning_rate=0.01, loss="sparse_categorical_crossentropy", metrics=["accuracy"],
        epochs=30, batch_size=32,
    )


@template
def feedforward_binary() -> Project:
    graph = sequential([inputs(10), dense(64, "relu"), dense(32, "relu"), dense(1, "sigmoid")], name="sequential")
    return project(
        graph, "Feed-forward network, yes/no",
        "Ten input features, hidden layers of 64 and 32 ReLU neurons and one sigmoid output: the basic neural "
        "network architecture of notes 000 (Neural Network Overview And Its Use Case).",
        "random_vectors", {"shape": [10], "classes": 2},
        optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"], epochs=20, batch_size=32,
    )


@template
def feedforward_multiclass() -> Project:
    graph = sequential([inputs(10), dense(128, "relu"), dense(64, "relu"), dense(5, "softmax")], name="sequential")
    return project(
        graph, "Feed-forward network, 5 classes",
        "Ten input features, hidden layers of 128 and 64 ReLU neurons and a softmax over 5 classes: the "
        "feed-forward network (FNN) of notes 000 (Neural Network Overview And Its Use Case).",
        "random_vectors", {"shape": [10], "classes": 5},
        optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"], epochs=20, batch_size=32,
    )


@template
def rnn_classifier() -> Project:
    graph = sequential(
        [inputs(20, 1), ("SimpleRNN", {"units": 10, "activation": "relu"}), dense(1, "sigmoid")], name="sequential"
    )
    return project(
        graph, "SimpleRNN sequence classifier",
        "A SimpleRNN of 10 ReLU units reads a sequence of 20 values and a sigmoid neuron gives yes or no: the "
        "RNN of notes 000 (Neural Network Overview And Its Use Case).",
        "random_vectors", {"shape": [20, 1], "classes": 2},
        optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"], epochs=50, batch_size=32,
        validation_split=0.2,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("keys", nargs="*", help="templates to write (default: all)")
    parser.add_argument("--check", action="store_true", help="only compare the files with what would be written")
    args = parser.parse_args(argv)
    unknown = [k for k in args.keys if k not in TEMPLATES]
    if unknown:
        print(f"unknown template {unknown[0]!r}; known: {', '.join(TEMPLATES)}", file=sys.stderr)
        return 2
    folder: Path = templates_dir()
    stale = []
    for key in args.keys or TEMPLATES:
        made = TEMPLATES[key]()
        path = folder / f"{key}.json"
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != dumps(made):
                stale.append(path.name)
        else:
            folder.mkdir(parents=True, exist_ok=True)
            save_project(made, path)
            print(f"wrote {path}")
    if stale:
        print(f"out of date: {', '.join(stale)} (run python tools/make_templates.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
