"""Which loss, labels and metrics suit a network: the loss suggested for the output layer and the labels, the
warning shown when a chosen loss does not suit that layer, the labels converted to what the loss reads, and the
metrics worth reporting for it. The engine uses them to plan a run; the window shows the suggestion and the
warning beside the loss setting. No Keras at import time.
"""

from __future__ import annotations

import numpy as np

from designer.core import catalogue
from designer.core.graph import LayerGraph

#: the modes whose target is the input itself
RECONSTRUCTING = ("autoencoder", "vae")


def output_node(graph: LayerGraph):
    sinks = [graph.node(n) for n in graph.sinks() if not catalogue.get(graph.node(n).kind).is_source]
    return sinks[0] if len(sinks) == 1 else None


def suggest_loss(graph: LayerGraph, mode: str, labels: np.ndarray | None) -> str:
    """The loss that fits the output layer and the labels, as the notes pair them."""
    node = output_node(graph)
    activation = node.params.get("activation") if node else None
    units = node.params.get("units") if node else None
    if mode in RECONSTRUCTING:
        return "binary_crossentropy" if activation == "sigmoid" else "mse"
    if activation == "softmax":
        one_hot = labels is not None and labels.ndim == 2 and labels.shape[1] == units and units > 1
        return "categorical_crossentropy" if one_hot else "sparse_categorical_crossentropy"
    if activation == "sigmoid":
        return "binary_crossentropy"
    return "mse"


def loss_warning(graph: LayerGraph, mode: str, loss: str) -> str | None:
    """Why a chosen loss does not suit the output layer, in plain words; None when they agree."""
    if mode != "supervised" or loss == "auto":
        return None
    node = output_node(graph)
    if node is None or node.kind != "Dense":
        return None
    activation, units = node.params.get("activation"), node.params.get("units")
    crossentropy = "crossentropy" in loss
    if activation == "softmax" and loss == "binary_crossentropy" and units and units > 1:
        return ("softmax shares one probability among the classes, but binary cross-entropy scores each output as its "
                "own yes/no: use (sparse) categorical cross-entropy, or one sigmoid unit for a yes/no answer.")
    if activation == "sigmoid" and units == 1 and loss in ("categorical_crossentropy", "sparse_categorical_crossentropy"):
        return "One sigmoid unit answers yes or no: use binary cross-entropy (categorical losses need one unit per class)."
    if crossentropy and activation not in ("softmax", "sigmoid"):
        return (f"Cross-entropy needs probabilities, but the output layer's activation is {activation}: use softmax "
                "(classes) or sigmoid (yes/no) on it, or MSE/MAE to predict numbers.")
    if not crossentropy and activation == "softmax":
        return f"{loss.upper()} on softmax outputs trains slowly; categorical cross-entropy is the loss made for classes."
    return None


def labels_for_loss(y: np.ndarray, loss: str, classes: int) -> np.ndarray:
    """Class labels as the loss reads them: one-hot rows for categorical cross-entropy, class numbers for the
    sparse one; anything else (regression targets, binary labels) unchanged."""
    y = np.asarray(y)
    one_hot = y.ndim == 2 and y.shape[1] > 1
    if loss == "categorical_crossentropy" and not one_hot and np.issubdtype(y.dtype, np.integer):
        return np.eye(classes, dtype=np.float32)[y.reshape(-1)]
    if loss == "sparse_categorical_crossentropy" and one_hot:
        return y.argmax(axis=1).astype(np.int64)
    return y


def metrics_for_loss(names: list[str], loss: str, mode: str) -> list:
    """The metrics of the settings that mean something for this loss and mode, as Keras's compile takes them."""
    import keras

    classifying = "crossentropy" in loss and mode == "supervised"
    chosen = []
    for name in names:
        if name in ("accuracy", "auc") and not classifying:
            # accuracy of a regression or of a reconstruction says nothing; the loss already says how far off it is
            continue
        chosen.append(keras.metrics.AUC(name="auc") if name == "auc" else name)
    return chosen
