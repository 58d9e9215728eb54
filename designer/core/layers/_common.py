"""Parameter specs shared by several layer kinds (units, activation, kernel size, padding, how weights start and
the L1/L2 penalties on them...), and the plain-words hints shown when an input has the wrong rank."""

from __future__ import annotations

from designer.core.activations import ACTIVATION_KEYS
from designer.core.catalogue import ParamSpec

MAX_UNITS = 65_536
MAX_FILTERS = 8_192
MAX_SIDE = 100_000


def units(default: int, help: str = "How many neurons (outputs) this layer has.") -> ParamSpec:
    return ParamSpec("units", "int", default, help, minimum=1, maximum=MAX_UNITS)


def activation(default: str = "linear", help: str = "The function applied to each neuron's weighted sum.") -> ParamSpec:
    return ParamSpec("activation", "choice", default, help, choices=ACTIVATION_KEYS)


def use_bias(added_later: bool = False) -> ParamSpec:
    return ParamSpec("use_bias", "bool", True, "Add a learned bias b to each output.", added_later=added_later)


#: Keras's own names of its initializers (keras.initializers.get accepts each as a string)
INITIALIZERS = (
    "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform", "lecun_normal", "random_normal",
    "random_uniform", "truncated_normal", "orthogonal", "zeros", "ones",
)


def initializer(name: str, default: str, what: str) -> ParamSpec:
    advice = "usually zeros" if default == "zeros" else "glorot (Xavier) suits tanh and sigmoid, he suits ReLU"
    return ParamSpec(name, "choice", default, f"How the {what} are set before training starts ({advice}).",
                     choices=INITIALIZERS, added_later=True)


def penalty(name: str, what: str) -> ParamSpec:
    return ParamSpec(
        name, "penalty", [0.0, 0.0],
        f"Weight decay on the {what}: l1 · Σ|w| + l2 · Σw² is added to the loss, keeping them small (0, 0: none).",
        added_later=True,
    )


def weight_settings(*weights: str) -> tuple[ParamSpec, ...]:
    """How each named set of weights starts and its penalty, in Keras's argument names: ``weight_settings("kernel",
    "bias")`` gives kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer."""
    words = {"kernel": "weights", "bias": "biases", "depthwise": "per-channel filter weights",
             "pointwise": "1×1 mixing weights"}
    starts = tuple(
        initializer(f"{w}_initializer", "zeros" if w == "bias" else "glorot_uniform", words[w]) for w in weights
    )
    return starts + tuple(penalty(f"{w}_regularizer", words[w]) for w in weights)


def filters(default: int) -> ParamSpec:
    return ParamSpec("filters", "int", default, "How many filters (output channels) to learn.", minimum=1, maximum=MAX_FILTERS)


def kernel_pair(name: str, default: int, help: str) -> ParamSpec:
    return ParamSpec(name, "pair", [default, default], help, minimum=1, maximum=1024)


def optional_pair(name: str, help: str) -> ParamSpec:
    return ParamSpec(name, "pair", None, help, minimum=1, maximum=1024, optional=True)


def padding() -> ParamSpec:
    return ParamSpec(
        "padding",
        "choice",
        "valid",
        "\"valid\": no padding, the output shrinks; \"same\": pad so the output keeps the input's size.",
        choices=("valid", "same"),
    )


def return_sequences() -> ParamSpec:
    return ParamSpec(
        "return_sequences",
        "bool",
        False,
        "Output the hidden state at every time step (to feed another recurrent layer) instead of the last one.",
    )


FLATTEN_HINT = "Add a Flatten (or GlobalAveragePooling2D) before this layer."
SEQUENCE_HINT = "Add a Reshape before this layer to make (time steps, features), e.g. (784, 1)."
IMAGE_HINT = "Add a Reshape before this layer to make (height, width, channels), e.g. (28, 28, 1)."
