"""What the training-health checks measure of a network, taken with the live panels' snapshots.

`HealthProbe` follows one Keras model: one traced TensorFlow function runs a few rows through it and reduces each
layer's output, inside TensorFlow, to per-unit maxima and minima and the shares of values near a sigmoid's or a
tanh's bounds (so a big convolutional layer costs a few numbers per channel, not its whole output); the layer's
gradients come from the snapshot's own gradient pass; a strided sample of each layer's weights, kept between
snapshots, says how much they moved. `measure` returns `designer.training.health.LayerStats` per layer. Keras
and TensorFlow only inside the functions.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from designer.training.feeds import is_several, is_text, take
from designer.training.health import LayerStats

#: rows run through the network for the health measures (more than the panels' 8 samples: a unit that is 0 for
#: 8 rows may well be alive, one that is 0 for 64 is very likely dead)
HEALTH_ROWS = 64
#: weights sampled per layer to tell whether they move
WEIGHT_SAMPLE = 2000
#: the activations whose outputs the checks read, by the name Keras gives the function
JUDGED = ("relu", "sigmoid", "tanh")


def activation_of(layer) -> str | None:
    """"relu", "sigmoid" or "tanh" when the layer's output is that activation's output, else None (a recurrent
    layer's activation works inside its cell, so its output is not the activation's)."""
    if type(layer).__name__ == "ReLU":
        slope = float(getattr(layer, "negative_slope", 0.0) or 0.0)
        return "relu" if slope == 0.0 and not getattr(layer, "threshold", 0.0) else None
    if hasattr(layer, "cell") or hasattr(layer, "forward_layer"):
        return None
    function = getattr(layer, "activation", None)
    name = getattr(function, "__name__", None)
    return name if name in JUDGED else None


def input_spec(x: Any):
    """The `tf.TensorSpec` a traced function reads `x` with, any number of rows: for several inputs (a list, words
    as string tensors, designer.training.feeds) a list of specs, one per entry, words as tf.string."""
    import tensorflow as tf

    if is_several(x):
        return [input_spec(part) for part in x]
    dtype = tf.string if is_text(x) else tf.as_dtype(x.dtype)  # NumPy's text dtypes have no TensorFlow twin
    return tf.TensorSpec((None, *x.shape[1:]), dtype)


def probed_layers(model) -> tuple[list, list]:
    """The model's layers with one output tensor each (the Input left out), and those tensors: what the live
    panels' activations and the health checks follow."""
    import keras

    layers, tensors = [], []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        # a nested model (a pretrained backbone) answers `.output` with its own inner tensor: its tensor in this
        # graph is the one its call here made (Keras has no public name for it)
        produced = layer._inbound_nodes[-1].output_tensors if isinstance(layer, keras.Model) else [layer.output]
        if len(produced) == 1 and not isinstance(produced[0], (list, tuple)):
            layers.append(layer)
            tensors.append(produced[0])
    return layers, tensors


class HealthProbe:
    """Measures one model's layers; see the module docstring. `role`: the graph role the layers belong to;
    `outputs`: a function already traced that gives every probed layer's outputs for some rows (the live panels'
    activations), reduced here in numpy; None: the probe traces its own function, which reduces inside TensorFlow."""

    def __init__(self, model, role: str = "model", code_layer: bool = False, outputs=None) -> None:
        import keras
        import tensorflow as tf

        self.model, self.role = model, role
        layers, tensors = probed_layers(model)
        self.layers = layers
        produced = {id(t) for t in model.outputs}
        #: the names of the layers that are outputs of the network
        self.outputs = {layer.name for layer, tensor in zip(layers, tensors) if id(tensor) in produced}
        self.units = {layer.name: int(tensor.shape[-1]) if len(tensor.shape) >= 2 and tensor.shape[-1] else 1
                      for layer, tensor in zip(layers, tensors)}
        self.code = _code_layer(layers, tensors, self.outputs) if code_layer else None
        self._last_weights: dict[str, np.ndarray] = {}
        self._outputs = outputs
        self._reduce = None
        if outputs is not None:
            return
        inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs
        probe = keras.Model(inputs, tensors)
        # one spec per model input, in the order of `model.inputs` (a text Input's dtype is "string")
        specs = [tf.TensorSpec((None, *tensor.shape[1:]), tf.as_dtype(tensor.dtype)) for tensor in model.inputs]
        spec = specs[0] if len(specs) == 1 else specs

        @tf.function(input_signature=[spec])
        def reduce(x):
            found = probe(x, training=False)
            found = found if isinstance(found, (list, tuple)) else [found]
            results = []
            for out in found:
                out = tf.cast(out, tf.float32)
                flat = tf.reshape(out, [-1, out.shape[-1] if len(out.shape) >= 2 and out.shape[-1] else 1])
                results.append((tf.reduce_max(flat, 0), tf.reduce_min(flat, 0),
                                tf.reduce_mean(tf.cast(flat > 0.99, tf.float32)),
                                tf.reduce_mean(tf.cast(flat < 0.01, tf.float32)),
                                tf.reduce_mean(tf.cast(flat < -0.99, tf.float32))))
            return results

        self._reduce = reduce

    def trace(self, rows) -> None:
        """Trace the function now (when the run is set up), not at the first snapshot. `rows`: an array, or a list
        of them for a model of several inputs (designer.training.feeds)."""
        if self._reduce is not None:
            self._reduce(take(rows, slice(2)))

    def _reduced(self, rows) -> list[tuple]:
        if self._reduce is not None:
            return self._reduce(rows)
        found = self._outputs(rows)
        found = found if isinstance(found, (list, tuple)) else [found]
        return [_reduce_in_numpy(np.asarray(out)) for out in found]

    def measure(self, rows, gradients: dict[str, float] | None = None) -> list[LayerStats]:
        """Every layer's stats for `rows` (the first HEALTH_ROWS; an array, or a list of them for several inputs);
        `gradients`: layer name -> mean |gradient|."""
        rows = take(rows, slice(HEALTH_ROWS))
        reduced = self._reduced(rows if is_several(rows) else np.asarray(rows))
        stats = []
        for layer, (top, bottom, above, below, far_below) in zip(self.layers, reduced):
            top, bottom = np.asarray(top), np.asarray(bottom)
            activation = activation_of(layer)
            item = LayerStats(layer.name, self.role, activation, self.units[layer.name],
                              output=layer.name in self.outputs, code=layer.name == self.code)
            spread = top - bottom
            item.constant = float(np.mean(spread <= 1e-6 * (1.0 + np.abs(top))))
            if activation == "relu":
                item.dead = float(np.mean(top <= 0.0))
            elif activation == "sigmoid":
                item.saturated = float(above) + float(below)
            elif activation == "tanh":
                item.saturated = float(above) + float(far_below)
            if item.code and activation == "relu":
                item.constant = float(np.mean((top <= 0.0) | (spread <= 1e-6 * (1.0 + np.abs(top)))))
            if gradients is not None:
                item.gradient = gradients.get(layer.name)
            item.change = self._change(layer)
            stats.append(item)
        return stats

    def _change(self, layer) -> float | None:
        """How much the layer's trainable weights moved since the last call (None the first time, and for a
        layer without trainable weights)."""
        if not layer.trainable_weights:
            return None
        parts = []
        for variable in layer.trainable_weights:
            values = np.asarray(variable).reshape(-1)
            parts.append(values[:: max(1, math.ceil(values.size / WEIGHT_SAMPLE))])
        sample = np.concatenate(parts).astype(np.float64)
        before = self._last_weights.get(layer.name)
        self._last_weights[layer.name] = sample
        if before is None or before.shape != sample.shape:
            return None
        return float(np.mean(np.abs(sample - before)) / (np.mean(np.abs(before)) + 1e-12))


def gradient_by_layer(model, variables, values) -> dict[str, float]:
    """Layer name -> mean absolute gradient over its trainable weights (`values` aligned with `variables`)."""
    owners = {}
    for layer in model.layers:
        for variable in layer.trainable_weights:
            owners.setdefault(id(variable), layer.name)
    totals: dict[str, list[float]] = {}
    for variable, value in zip(variables, values):
        if value is None or id(variable) not in owners:
            continue
        array = np.abs(np.asarray(value, dtype=np.float64))
        finite = array[np.isfinite(array)]
        total = totals.setdefault(owners[id(variable)], [0.0, 0])
        total[0] += float(finite.sum())
        total[1] += finite.size
    return {name: (s / n if n else 0.0) for name, (s, n) in totals.items()}


def variety(samples: np.ndarray, real: np.ndarray) -> float:
    """How varied `samples` are next to `real` rows: mean pairwise distance over the real rows' (1: as varied)."""
    def spread(rows):
        flat = np.asarray(rows, dtype=np.float64).reshape(len(rows), -1)
        squares = (flat * flat).sum(axis=1)
        distances = np.sqrt(np.maximum(squares[:, None] + squares[None, :] - 2 * flat @ flat.T, 0.0))
        return distances[np.triu_indices(len(flat), 1)].mean()

    return float(spread(samples) / max(spread(real), 1e-12))


def _reduce_in_numpy(out: np.ndarray) -> tuple:
    """What the traced function reduces a layer's output to, in numpy: per-unit maxima and minima, and the shares
    of values near 1, 0 and -1."""
    out = out.astype(np.float32, copy=False)
    flat = out.reshape(-1, out.shape[-1] if out.ndim >= 2 and out.shape[-1] else 1)
    return (flat.max(axis=0), flat.min(axis=0), float(np.mean(flat > 0.99)), float(np.mean(flat < 0.01)),
            float(np.mean(flat < -0.99)))


def _code_layer(layers, tensors, outputs) -> str | None:
    """An autoencoder's code: the narrowest flat layer between its input and output (the first of equals)."""
    flat = [(int(t.shape[-1]), index) for index, (layer, t) in enumerate(zip(layers, tensors))
            if len(t.shape) == 2 and t.shape[-1] and layer.name not in outputs]
    if not flat:
        return None
    return layers[min(flat)[1]].name
