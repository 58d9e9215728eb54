"""Make the real Keras layer for a catalogue kind, from the class path or builder the catalogue names.

The catalogue (``designer.core``) names a layer's maker as a string: ``"keras.layers.Dense"`` for a Keras class
called with the parameters as keyword arguments, ``"keras.Input"`` for an input, or
``"designer.build.backbones:vgg16"`` for a builder function ``(params, name, input_shapes, shapes_only)``.
"""

from __future__ import annotations

import importlib
from typing import Any

from designer.core import catalogue


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
    maker = kind.keras
    if ":" in maker:
        module_name, function_name = maker.split(":")
        builder = getattr(importlib.import_module(module_name), function_name)
        return builder(params, name, input_shapes, shapes_only)
    import keras

    if not maker.startswith("keras.layers."):
        raise ValueError(f"{kind.key}: cannot make a layer from {maker!r}")
    layer_class = getattr(keras.layers, maker.removeprefix("keras.layers."))
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
