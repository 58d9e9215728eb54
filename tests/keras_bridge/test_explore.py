"""The teaching numbers come from Keras: activation curves with their derivatives, and the neuron of notes 003."""

import numpy as np
import pytest

from designer.keras_bridge.explore import activation_curve, neuron_output
from designer.core.activations import ACTIVATIONS


def test_the_neuron_of_notes_003():
    z, y = neuron_output([2, 3, 1], [0.5, -0.3, 0.8], 0.1, "sigmoid")
    assert z == pytest.approx(1.0) and y == pytest.approx(0.7311, abs=1e-4)
    with pytest.raises(ValueError, match="one weight per input"):
        neuron_output([1, 2], [1], 0.0, "relu")


def test_every_activation_of_the_notes_has_a_curve_and_the_right_slope():
    xs = np.linspace(-3, 3, 13)
    for activation in ACTIVATIONS:
        y, dy = activation_curve(activation.key, xs)
        assert y.shape == dy.shape == xs.shape and np.isfinite(y).all() and np.isfinite(dy).all()
    y, dy = activation_curve("sigmoid", xs)
    assert np.allclose(dy, y * (1 - y), atol=1e-5)  # σ′ = σ(1 − σ), as the notes write it
    y, dy = activation_curve("tanh", xs)
    assert np.allclose(dy, 1 - y**2, atol=1e-5)
    y, dy = activation_curve("relu", np.array([-1.0, 2.0]))
    assert dy.tolist() == [0.0, 1.0]
    y, dy = activation_curve("softmax", np.array([0.0]))
    assert y[0] == pytest.approx(1 / 3) and dy[0] == pytest.approx(1 / 3 * 2 / 3)
