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
    from designer.keras_bridge import backbones, compound, custom_layers, generic  # noqa: F401

    return _BUILDERS.get(kind_key)


def keras_kwargs(kind: catalogue.LayerKind, params: dict[str, Any]) -> dict[str, Any]:
    """Parameters as Keras keyword arguments: lists become tuples (kernel sizes, shapes), penalties Keras
    regularizers (`regularizer`)."""
    penalties = {spec.name for spec in kind.params if spec.type == "penalty"}
    return {
        k: regularizer(v) if k in penalties else tuple(v) if isinstance(v, list) else v for k, v in params.items()
    }


def penalty_class(factors: list[float]) -> tuple[str, tuple[float, ...]] | None:
    """[l1, l2] as a keras.regularizers class and its arguments: None (no penalty), L1(l1), L2(l2) or L1L2(l1, l2),
    the class Keras itself saves for such a penalty, so that a model read back from a file gives the same [l1, l2]."""
    l1, l2 = factors
    if not l1 and not l2:
        return None
    if not l2:
        return "L1", (l1,)
    if not l1:
        return "L2", (l2,)
    return "L1L2", (l1, l2)


def regularizer(factors: list[float]):
    made = penalty_class(factors)
    if made is None:
        return None
    import keras

    class_name, arguments = made
    return getattr(keras.regularizers, class_name)(*arguments)


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
    """The Keras input of a source node: an Input's shape of numbers, or a TextInput's one word per row (its
    parameter `column`)."""
    import keras

    if "column" in params:
        return keras.Input(shape=(1,), dtype="string", name=name)
    return keras.Input(shape=tuple(params["shape"]), name=name)


@builds("StringLookup")
def _string_lookup(params: dict[str, Any], name: str | None, input_shapes: tuple, shapes_only: bool):
    """A one-hot lookup of the vocabulary the node lists (the first unit for words not in it)."""
    import keras

    return keras.layers.StringLookup(vocabulary=list(params["vocabulary"]), output_mode="one_hot",
                                     **({"name": name} if name else {}))


def call_layer(layer, kind: catalogue.LayerKind, inputs: list, params: dict[str, Any] | None = None):
    """Apply `layer` to its input tensors: one tensor for one-input kinds, a list for merge kinds, the one input as
    query and value for self-attention; a generic Keras layer node says itself how it is called (`params`)."""
    if kind.call == "query_value":
        return layer(inputs[0], inputs[0])
    if kind.call == "params":
        style = (params or {}).get("call", "single")
        kwargs = dict((params or {}).get("call_kwargs") or {})
        if style == "positional":
            return layer(*inputs, **kwargs)
        if style == "list" or len(inputs) > 1:
            return layer(list(inputs), **kwargs)
        return layer(inputs[0], **kwargs)
    return layer(inputs[0] if kind.max_inputs == 1 else list(inputs))
