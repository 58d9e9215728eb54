"""Rows as a model reads them when some of its inputs are words.

A table's text columns can be read inside the model ("text columns: in model"): the model then has a float Input
for the numbers and one text Input per column (designer.core.layers.preprocessing's TextInput, whose parameter
`column` names the column). Keras takes such rows as a list, one entry per model input in the order of
`model.inputs`; words must be string tensors (Keras refuses NumPy arrays of text). Everything here works on a
plain array too, so code that handles a one-input model needs no second path.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def is_several(x: Any) -> bool:
    return isinstance(x, (list, tuple))


def take(x: Any, index) -> Any:
    """The rows `index` (a slice, or an array of row numbers) of `x`, an array or a list of them."""
    if x is None:
        return None
    if is_several(x):
        return [take(part, index) for part in x]
    if isinstance(index, slice) or isinstance(x, np.ndarray):
        return x[index]
    import tensorflow as tf  # a string tensor: row numbers pick with gather

    return tf.gather(x, np.asarray(index))


def row_count(x: Any) -> int:
    return int(len(x[0]) if is_several(x) else len(x))


def numbers_of(x: Any) -> Any:
    """The float part of `x`: the array itself, or the first entry of a list that is not text."""
    if not is_several(x):
        return x
    return next((part for part in x if not is_text(part)), x[0])


def is_text(part: Any) -> bool:
    dtype = getattr(part, "dtype", None)
    if dtype is None:
        return False
    if isinstance(dtype, np.dtype):
        return dtype.kind in "US"
    return getattr(dtype, "name", str(dtype)) == "string"


def as_text_tensor(words: np.ndarray):
    """NumPy text as the string tensor Keras reads."""
    import tensorflow as tf

    return tf.constant(np.asarray(words).astype(str))


def text_inputs(model) -> list:
    """The model's inputs that read words (dtype string)."""
    return [tensor for tensor in model.inputs if str(getattr(tensor, "dtype", "")) == "string"]


def fed(model, graph, numbers: Any, words: np.ndarray | None, word_columns: list[str] | None) -> Any:
    """The rows for `model`: `numbers` alone for a model without text inputs; else a list in the order of
    `model.inputs`, the numbers for the float input, each text input's column of `words` (columns named by
    `word_columns`) as a string tensor of shape (rows, 1). `graph` (optional) names the column each text input
    reads.
    ValueError in plain words when the data lacks a column a text input reads."""
    if numbers is None:
        return None
    texts = {id(tensor) for tensor in text_inputs(model)}  # by identity: == on symbolic tensors makes an op
    if not texts:
        return numbers
    columns = list(word_columns or [])
    if graph is not None:
        reads = {node.name: node.params.get("column", node.name) for node in graph.nodes() if node.kind == "TextInput"}
    else:  # a model without its graph (read from a file): Fit names each text input after its column
        from designer.core.prepare import word_input_name

        reads = {word_input_name(column): column for column in columns}
    parts = []
    for tensor in model.inputs:
        name = _input_name(tensor)
        if id(tensor) not in texts:
            parts.append(numbers)
            continue
        column = reads.get(name, name)
        if words is None or column not in columns:
            have = ", ".join(columns) or "none"
            raise ValueError(f"{name} reads the text column {column!r}, but the data has no such column read as words "
                             f"(text columns read inside the model: {have}). Choose the file with that column and "
                             "text columns \"in model\" in the Data panel, or remove the text input.")
        parts.append(as_text_tensor(np.asarray(words)[:, [columns.index(column)]]))
    return parts


def _input_name(tensor) -> str:
    history = getattr(tensor, "_keras_history", None)
    layer = getattr(history, "operation", None) or (history[0] if history else None)
    return getattr(layer, "name", None) or getattr(tensor, "name", "").split(":")[0]
