"""What the training-health monitor is told about a run before it starts (`designer.training.health.RunFacts`):
the settings, what guessing scores on these labels, how big the inputs are, and the layers its fixes name (the
widest hidden Dense layer for Dropout, the discriminator's first layer, the hidden sigmoid/tanh layers, the layers
an ActivityRegularization makes sparse on purpose). The engine calls `health_monitor` while it plans the run.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from designer.core.graph import LayerGraph
from designer.training.health import HealthMonitor, RunFacts, biggest_class_share, guessing_loss

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
