"""Reading a trained model and its outputs, without widgets: what kind of answers it gives, the class each
output row chooses, and a shape in words."""

from __future__ import annotations

import math

import numpy as np


def kind_of(trained) -> str:
    """"classifier", "regression", "reconstruction" (an autoencoder or a VAE) or "gan": what the outputs are."""
    if trained.mode == "gan":
        return "gan"
    if trained.mode in ("autoencoder", "vae"):
        return "reconstruction"
    dataset = trained.dataset
    if dataset.task == "classification" and dataset.class_names:
        return "classifier"
    return "regression"


def class_of(outputs: np.ndarray) -> np.ndarray:
    """The class each output row chooses: the biggest output, or above 0.5 for one sigmoid unit."""
    outputs = np.asarray(outputs)
    flat = outputs.reshape(len(outputs), -1)
    if flat.shape[1] > 1:
        return flat.argmax(axis=1)
    return (flat[:, 0] > 0.5).astype(np.int64)


def shape_in_words(shape: tuple) -> str:
    """A shape in words: "10 numbers", "1 number", "28×28 numbers"."""
    size = math.prod(shape) if shape else 1
    if len(shape) <= 1:
        return f"{size:,} number{'s' * (size != 1)}"
    return "×".join(str(d) for d in shape) + " numbers"
