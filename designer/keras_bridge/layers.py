"""Make the real Keras layer for a catalogue kind.

A kind whose catalogue entry names a Keras class (``"keras.layers.Dense"``) becomes that class, called with the
parameters as keyword arguments; ``"keras.Input"`` makes an input. Kinds the bridge builds itself (pretrained
backbones, Network Designer's own layers) have a builder registered here for their catalogue key by the module
that makes them (`builds`), so the document never names a bridge module.
"""

from __future__ import annotations

from typing import Any, Callable

from designer.core import catalogue

#: builder(params, name, input_shapes, shapes_only) -> a Keras layer or nested model
Builder = Callable[[dict[str, Any], "str | None", tuple, bool], Any]

_BUILDERS: dict[str, Builder] = {}


def builds(*kind_keys: str) -> Callable[[Builder], Builder]:
    """Register the decorated function as the builder of these catalogue kinds."""

    def register(builder: Builder) -> Builder:
        for key in kind_keys:
            _BUILDERS[key] = builder
        return builder

    return register


def builder_of(kind_key: str) -> Builder | None:
    """The builder registered for a kind, or None when the kind is a plain Keras class."""
    # the modules that register builders, imported on first need (they import nothing heavy at the top)
    from designer.keras_bridge import backbones, custom_layers  # noqa: F401

    return _BUILDERS.get(kind_key)


def keras_kwargs(kind: catalogue.LayerKind, params: dict[str, Any]) -> dict[str, Any]:
    """Parameters as Keras keyword arguments: lists become tuples (kernel sizes, shapes)."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}


def make_layer(
    kind: catalogue.LayerKind,
    params: dict[str, Any],
    name: str | None,
    input_shapes: tuple,
    shapes_only: bool = False,
):
    """A Keras layer (or nested model) of `kind`. With `shapes_only`, never download pretrained weights."""
    builder = builder_of(kind.key)
    if builder is not None:
        return builder(params, name, input_shapes, shapes_only)
    import keras

    if not kind.keras.startswith("keras.layers."):
        raise ValueError(f"{kind.key}: no builder is registered and {kind.keras!r} is not a keras.layers class")
    layer_class = getattr(keras.layers, kind.keras.removeprefix("keras.layers."))
    kwargs = keras_kwargs(kind, params)
    if name:
        kwargs["name"] = name
    return layer_class(**kwargs)


def make_input(params: dict[str, Any], name: str | None = None):
    import keras

    return keras.Input(shape=tuple(params["shape"]), name=name)


def call_layer(layer, kind: catalogue.LayerKind, inputs: list):
    """Apply `layer` to its input tensors: one tensor for one-input kinds, a list for merge kinds."""
    return layer(inputs[0] if kind.max_inputs == 1 else list(inputs))
