"""Numbers for the teaching panels, computed by Keras itself: an activation function and its derivative over a
range (the derivative by automatic differentiation, as training computes it), and one neuron's output.

Softmax turns a vector into probabilities, so as a curve it is shown for the logits (x, 0, 0): its first output
and that output's slope along x.
"""

from __future__ import annotations

import numpy as np


def activation_curve(key: str, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(f(x), f′(x)) for the Keras activation `key` at every x."""
    import keras
    import tensorflow as tf

    function = keras.activations.get(key)
    x = tf.constant(np.asarray(xs, dtype=np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        if key == "softmax":
            logits = tf.stack([x, tf.zeros_like(x), tf.zeros_like(x)], axis=1)
            y = function(logits)[:, 0]
        else:
            y = function(x)
    slope = tape.gradient(y, x)
    return y.numpy(), slope.numpy()


def neuron_output(inputs, weights, bias: float, activation: str) -> tuple[float, float]:
    """(z, y) of one neuron: z = Σᵢ wᵢ·xᵢ + b, y = activation(z), with Keras's own operations."""
    import keras

    if len(inputs) != len(weights):
        raise ValueError(f"{len(inputs)} inputs but {len(weights)} weights: give one weight per input")
    z = keras.ops.sum(keras.ops.multiply(np.asarray(inputs, "float32"), np.asarray(weights, "float32"))) + bias
    if activation == "softmax":  # a single neuron's softmax is always 1; shown as the notes would compute it
        y = keras.activations.softmax(keras.ops.reshape(z, (1, 1)))[0, 0]
    else:
        y = keras.activations.get(activation)(z)
    return float(keras.ops.convert_to_numpy(z)), float(keras.ops.convert_to_numpy(y))
