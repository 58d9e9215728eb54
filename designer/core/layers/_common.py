"""Parameter specs shared by several layer kinds (units, activation, kernel size, padding...)."""

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


def use_bias() -> ParamSpec:
    return ParamSpec("use_bias", "bool", True, "Add a learned bias b to each output.")


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
