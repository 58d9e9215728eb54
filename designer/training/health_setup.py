"""What the training-health monitor is told about a run before it starts (`designer.training.health.RunFacts`):
the settings, what guessing scores on these labels, how big the inputs are, and the layers its fixes name (the
widest hidden Dense layer for Dropout, the discriminator's first layer, the hidden sigmoid/tanh layers, the layers
an ActivityRegularization makes sparse on purpose). The engine calls `health_monitor` while it plans the run.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from designer.core.graph import LayerGraph
from designer.training.health import HealthMonitor, RunFacts

#: values read to measure how big the inputs are (a strided sample of bigger data)
EXTENT_VALUES = 100_000
#: layer kinds that learn (where Dropout or a fix goes)
LEARNING_KINDS = ("Dense", "Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose", "SeparableConv2D", "LSTM", "GRU",
                  "SimpleRNN")


def health_monitor(mode: str, graphs: dict[str, LayerGraph], settings: dict[str, Any], options: dict[str, Any],
                   loss: str = "", x: Any = None, y: Any = None, validated: bool = False) -> HealthMonitor:
    """The monitor of a run: `graphs` by role, the training `settings`, the dataset's `options`, the loss, the
    inputs and targets as the model reads them (None for streamed data), `validated`: there are validation rows."""
    model = graphs.get("model")
    facts = RunFacts(mode=mode, learning_rate=float(settings["learning_rate"]), epochs=int(settings["epochs"]),
                     early_stopping=bool(settings["early_stopping_patience"]) and validated,
                     scale=str(options.get("scale", "auto")))
    if isinstance(x, np.ndarray) and x.size and np.issubdtype(x.dtype, np.number):
        flat = x.reshape(-1)
        flat = flat[:: max(1, flat.size // EXTENT_VALUES)]
        facts.input_extent = float(np.percentile(np.abs(flat.astype(np.float64)), 99))
    if mode != "gan" and isinstance(y, np.ndarray):  # the labels, or the inputs an autoencoder rebuilds
        facts.guessing_loss = guessing_loss(loss, y)
    if mode == "supervised" and isinstance(y, np.ndarray):
        if "crossentropy" in loss:
            facts.biggest_class = biggest_class_share(y)
    if model is not None:
        facts.widest_hidden = _widest_hidden(model)
        facts.squashing_hidden = _squashing_hidden(model)
        facts.sparse_by_design = _sparse_by_design(model)
    if "discriminator" in graphs:
        facts.discriminator_first = _first_learning(graphs["discriminator"])
    return HealthMonitor(facts)


def _hidden(graph: LayerGraph) -> list:
    sinks = set(graph.sinks())
    return [graph.node(n) for n in graph.topological_order() if n not in sinks]


def _widest_hidden(graph: LayerGraph) -> str:
    dense = [(node.params.get("units", 0), -index, node.name) for index, node in enumerate(_hidden(graph))
             if node.kind == "Dense"]
    return max(dense)[2] if dense else ""


def _squashing_hidden(graph: LayerGraph) -> tuple[str, ...]:
    return tuple(node.name for node in _hidden(graph) if node.params.get("activation") in ("sigmoid", "tanh"))


def _sparse_by_design(graph: LayerGraph) -> tuple[str, ...]:
    """An ActivityRegularization and the layer feeding it: zeros there are what the person asked for."""
    names = []
    for node in graph.nodes():
        if node.kind == "ActivityRegularization":
            names.append(node.name)
            names += [graph.node(source).name for source in graph.inputs_of(node.id)]
    return tuple(names)


def _first_learning(graph: LayerGraph) -> str:
    for node_id in graph.topological_order():
        node = graph.node(node_id)
        if node.kind in LEARNING_KINDS and node_id not in graph.sinks():
            return node.name
    return ""


def guessing_loss(loss: str, y: Any) -> float | None:
    """The loss of a model that always answers the same best guess (the class shares, the mean): the level a
    network that learnt nothing sits at. None for a loss it is not known for."""
    if y is None:
        return None
    y = np.asarray(y)
    if not y.size:
        return None
    if loss == "binary_crossentropy":  # each output its own yes/no (or grey level): the entropy of its mean
        means = np.clip(y.reshape(len(y), -1).astype(np.float64).mean(axis=0), 0.0, 1.0)
        return float(np.mean([_entropy([p, 1 - p]) for p in means]))
    if loss == "categorical_crossentropy":
        return _entropy(y.reshape(len(y), -1).mean(axis=0))
    if loss == "sparse_categorical_crossentropy":
        return _entropy(np.bincount(y.reshape(-1).astype(np.int64)) / y.size)
    if loss == "mse":
        return float(np.mean(np.var(y.reshape(len(y), -1).astype(np.float64), axis=0)))
    if loss == "mae":
        flat = y.reshape(len(y), -1).astype(np.float64)
        return float(np.mean(np.abs(flat - np.median(flat, axis=0))))
    return None


def biggest_class_share(y: Any) -> float | None:
    """The share of the most common class among labels (integers, or one-hot rows), or None."""
    if y is None:
        return None
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        indices = y.argmax(axis=1)
    else:
        indices = np.rint(y.reshape(-1)).astype(np.int64)
    if not indices.size or indices.min() < 0:
        return None
    return float(np.bincount(indices).max() / indices.size)


def _entropy(shares) -> float:
    shares = np.asarray(shares, dtype=np.float64)
    shares = shares[shares > 0]
    return float(-(shares * np.log(shares)).sum())
