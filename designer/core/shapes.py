"""Shapes as people read them: Keras's tuples written out ("(None, 28, 28)", "(784,)") and in words ("784
values", "32 feature maps of 26 × 26"), in one place for the canvas, the panels, the messages and the command line.
"""

from __future__ import annotations

Shape = tuple  # (None, 28, 28, 1): Keras's convention, batch axis first


def format_shape(shape: Shape | None) -> str:
    """(None, 28, 28) -> "(None, 28, 28)"; (784,) -> "(784,)"; None -> "?"."""
    if shape is None:
        return "?"
    inner = ", ".join("None" if s is None else str(s) for s in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def format_sample_shape(shape: Shape) -> str:
    """The shape of one sample, without the batch axis: (None, 28, 28) -> "(28, 28)"."""
    return format_shape(tuple(shape[1:]))


def _values(count: int) -> str:
    return f"{count} value{'s' * (count != 1)}"


def sample_in_words(shape: Shape | None) -> str:
    """What a model reads per sample, without guessing what it is: "64 values", "samples of shape 8 × 8"."""
    if not shape:
        return "no input"
    if len(shape) == 1:
        return _values(shape[0])
    return "samples of shape " + " × ".join(str(s) for s in shape)


def output_in_words(shape: Shape) -> str:
    """What a layer gives per sample, named by its rank as Keras's layers use it: "10 values", "8 time steps × 16
    features", "32 feature maps of 26 × 26"."""
    if len(shape) == 1:
        return _values(shape[0])
    if len(shape) == 2:
        return f"{shape[0]} time steps × {shape[1]} features"
    if len(shape) == 3:
        return f"{shape[2]} feature map{'s' * (shape[2] != 1)} of {shape[0]} × {shape[1]}"
    return "shape " + " × ".join(str(s) for s in shape)
