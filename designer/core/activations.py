"""Activation functions as the course notes teach them: name, formula, derivative, and when to use each.

This is teaching text, not maths the app computes with: Keras applies the real functions. The names are the
strings Keras accepts for ``activation=``, so a choice made here is passed to Keras unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Activation:
    key: str
    title: str
    formula: str
    derivative: str
    explanation: str


ACTIVATIONS: tuple[Activation, ...] = (
    Activation(
        "linear",
        "Linear (identity)",
        "f(x) = x",
        "f′(x) = 1",
        "Passes the weighted sum through unchanged. Used on the output of a regression network.",
    ),
    Activation(
        "sigmoid",
        "Sigmoid",
        "σ(x) = 1 / (1 + e^(−x))",
        "σ′(x) = σ(x) · (1 − σ(x))",
        "Squashes any number into (0, 1), so it reads as a probability: the output of a yes/no classifier. "
        "Its slope is at most 0.25, so deep stacks of sigmoids learn slowly (vanishing gradients).",
    ),
    Activation(
        "tanh",
        "Hyperbolic tangent",
        "tanh(x) = (eˣ − e^(−x)) / (eˣ + e^(−x))",
        "tanh′(x) = 1 − tanh²(x)",
        "Like the sigmoid but centred on zero, with outputs in (−1, 1). The default inside SimpleRNN and "
        "LSTM cells, and the usual output of a GAN generator whose images are scaled to [−1, 1].",
    ),
    Activation(
        "relu",
        "ReLU (rectified linear unit)",
        "ReLU(x) = max(0, x)",
        "ReLU′(x) = 1 if x > 0, else 0",
        "Keeps positive values and zeroes the rest. Fast, and it does not saturate for positive inputs, so "
        "it is the usual choice for hidden layers. A neuron whose input stays negative stops learning "
        "(\"dying ReLU\").",
    ),
    Activation(
        "leaky_relu",
        "Leaky ReLU",
        "f(x) = x if x > 0, else α·x   (α = 0.2 by default)",
        "f′(x) = 1 if x > 0, else α",
        "A ReLU that lets a small slope α through for negative inputs, so no neuron dies. Common in GAN "
        "discriminators.",
    ),
    Activation(
        "softmax",
        "Softmax",
        "softmax(z)ᵢ = e^(zᵢ) / Σⱼ e^(zⱼ)",
        "∂softmaxᵢ/∂zⱼ = softmaxᵢ · (δᵢⱼ − softmaxⱼ)",
        "Turns a vector of scores into probabilities that add up to 1: the output of a classifier with "
        "several classes, paired with categorical cross-entropy.",
    ),
    Activation(
        "elu",
        "ELU",
        "f(x) = x if x > 0, else eˣ − 1",
        "f′(x) = 1 if x > 0, else eˣ",
        "A smooth ReLU whose negative side tends to −1.",
    ),
    Activation(
        "selu",
        "SELU",
        "f(x) = λ·x if x > 0, else λ·α·(eˣ − 1)",
        "f′(x) = λ if x > 0, else λ·α·eˣ",
        "A scaled ELU that keeps activations normalised in deep plain stacks.",
    ),
    Activation(
        "gelu",
        "GELU",
        "f(x) = x · Φ(x)",
        "f′(x) = Φ(x) + x · φ(x)",
        "A smooth ReLU weighted by the normal distribution, used in transformers.",
    ),
    Activation(
        "swish",
        "Swish (SiLU)",
        "f(x) = x · σ(x)",
        "f′(x) = σ(x) + x · σ(x) · (1 − σ(x))",
        "A smooth, non-monotonic ReLU.",
    ),
    Activation(
        "softplus",
        "Softplus",
        "f(x) = ln(1 + eˣ)",
        "f′(x) = σ(x)",
        "A smooth ReLU that is always positive.",
    ),
)

ACTIVATION_KEYS: tuple[str, ...] = tuple(a.key for a in ACTIVATIONS)

#: y = σ(Σ wᵢxᵢ + b): what every neuron of a Dense layer computes
NEURON_FORMULA = "y = σ(Σᵢ wᵢ·xᵢ + b)"


def activation(key: str) -> Activation:
    for item in ACTIVATIONS:
        if item.key == key:
            return item
    raise KeyError(f"unknown activation {key!r}")
