"""The shape oracle: Keras itself says what one layer outputs and how many parameters it has.

`keras_layer_info(kind, params, input_shapes)` makes the real Keras layer and calls it on symbolic inputs of the
given shapes, which catches every error Keras would raise when building the model (``compute_output_shape``
alone misses some, e.g. a Concatenate of (3, 4) and (5, 4)). The call runs inside a Keras ``StatelessScope``
that never initialises the variables, so even a 100-million-weight Dense costs about 1.5 ms, not a second of
allocation. Errors come back as plain words in `LayerInfo.error`, never as exceptions.
"""

from __future__ import annotations

import math
import re
from contextlib import contextmanager

from designer.keras_bridge.layers import call_layer, make_input, make_layer
from designer.core import catalogue
from designer.core.analysis import LayerInfo, ShapeAnalyzer
from designer.core.shapes import format_sample_shape


@contextmanager
def weightless():
    """Build layers without allocating or initialising their weights (shapes and counts only)."""
    import keras

    try:
        from keras.src.backend.common import global_state
    except ImportError:  # a Keras without this internal: fall back to real (slower) variables
        yield
        return
    before = list(global_state.get_global_attribute("uninitialized_variables", None) or [])
    try:
        with keras.StatelessScope(initialize_variables=False):
            yield
    finally:
        # forget the variables made here, so nothing later initialises (allocates) them
        global_state.set_global_attribute("uninitialized_variables", before)


def _count(weights) -> int:
    return int(sum(math.prod(w.shape) for w in weights))


def keras_layer_info(kind_key: str, params: dict, input_shapes: tuple) -> LayerInfo:
    kind = catalogue.get(kind_key)
    try:
        with weightless():
            if kind.is_source:
                return LayerInfo(tuple(make_input(params).shape))
            import keras

            layer = make_layer(kind, params, None, input_shapes, shapes_only=True)
            inputs = [keras.KerasTensor(shape) for shape in input_shapes]
            output = call_layer(layer, kind, inputs, params)
            return LayerInfo(
                tuple(output.shape),
                trainable_params=_count(layer.trainable_weights),
                non_trainable_params=_count(layer.non_trainable_weights),
                weight_shapes=tuple(tuple(int(d) for d in w.shape) for w in layer.weights),
            )
    except Exception as error:  # Keras raises many types; every one becomes a message on the layer
        return LayerInfo(None, error=plain_error(kind, error, input_shapes))


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def plain_error(kind: catalogue.LayerKind, error: Exception, input_shapes: tuple) -> str:
    """Keras's message reworded for someone who has never seen a traceback."""
    text = _ANSI.sub("", str(error))
    shapes = " and ".join(format_sample_shape(s) for s in input_shapes)
    if "output size would be zero or negative" in text or "negative dimension" in text.lower():
        return (
            f"The input {shapes} is too small for this layer's window: use a smaller kernel or pool size, "
            "padding \"same\", or fewer pooling layers before it."
        )
    if "total size of the tensor must be unchanged" in text or "total size of new array" in text:
        values = math.prod(s for s in input_shapes[0][1:] if s is not None)
        return (
            f"Reshape must keep the number of values: the input {shapes} holds {values:,} values. "
            f"Choose a target shape with {values:,} values in all, or use -1 once for \"the rest\"."
        )
    if "incompatible shapes" in text.lower() or "matching shapes" in text:
        return f"The inputs have shapes {shapes}, which cannot be combined here."
    # the useful part of a Keras message is its first real line
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith(("Exception encountered", "Arguments received", "•"))]
    detail = lines[0] if lines else type(error).__name__
    detail = detail.replace("`", "")
    return f"Keras cannot build this layer for inputs of shape {shapes}: {detail}"


def make_analyzer() -> ShapeAnalyzer:
    """A `ShapeAnalyzer` backed by Keras (imports TensorFlow on first use, not here)."""
    return ShapeAnalyzer(keras_layer_info)
