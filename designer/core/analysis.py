"""Validation and live analysis of a layer graph: per-layer messages in plain words, shapes and counts.

`structural_report` needs nothing but the graph: loops, missing or extra inputs, bad parameter values, a graph
without an Input. `ShapeAnalyzer` adds what only Keras knows, each layer's output shape and parameter counts,
through an *oracle*: a function ``(kind, params, input_shapes) -> LayerInfo`` that ``designer.keras_bridge`` implements
with a symbolic Keras call. Answers are cached by (kind, parameters, input shapes), so after an edit only the
layers whose inputs or parameters really changed are asked again. Nothing here raises on a bad graph: every
problem becomes a `Message` on the layer it concerns.
"""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from designer.core import catalogue
from designer.core.catalogue import ParameterError
from designer.core.graph import LayerGraph
from designer.core.shapes import Shape, format_sample_shape, format_shape



@dataclass(frozen=True)
class Message:
    severity: str  # "error" or "warning"
    text: str

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@dataclass(frozen=True)
class LayerInfo:
    """What Keras reports for one layer applied to inputs of given shapes."""

    output_shape: Shape | None
    trainable_params: int = 0
    non_trainable_params: int = 0
    error: str | None = None
    #: the shapes of the layer's weights, in Keras's order (what trained weights must match to be kept)
    weight_shapes: tuple[Shape, ...] = ()


Oracle = Callable[[str, dict, tuple], LayerInfo]


@dataclass
class NodeReport:
    output_shape: Shape | None = None
    trainable_params: int = 0
    non_trainable_params: int = 0
    messages: list[Message] = field(default_factory=list)
    weight_shapes: tuple[Shape, ...] = ()

    @property
    def params(self) -> int:
        return self.trainable_params + self.non_trainable_params

    @property
    def has_error(self) -> bool:
        return any(m.is_error for m in self.messages)

    def error(self, text: str) -> None:
        self.messages.append(Message("error", text))

    def warn(self, text: str) -> None:
        self.messages.append(Message("warning", text))


@dataclass
class GraphReport:
    #: per layer; in topological order once `ShapeAnalyzer.analyse` has run on a graph without a loop
    nodes: dict[str, NodeReport]
    messages: list[Message] = field(default_factory=list)
    #: the node ids of a loop, if the graph has one (then no shapes are computed)
    cycle: list[str] | None = None

    @property
    def trainable_params(self) -> int:
        return sum(r.trainable_params for r in self.nodes.values())

    @property
    def non_trainable_params(self) -> int:
        return sum(r.non_trainable_params for r in self.nodes.values())

    @property
    def total_params(self) -> int:
        return self.trainable_params + self.non_trainable_params

    @property
    def ok(self) -> bool:
        """True when nothing stands in the way of building the model."""
        return not any(m.is_error for m in self.messages) and not any(r.has_error for r in self.nodes.values())

    def errors(self, graph: LayerGraph) -> list[str]:
        """Every error as one line: 'layer name: message' (graph-wide messages have no prefix)."""
        lines = [m.text for m in self.messages if m.is_error]
        return lines + [
            f"{graph.node(node_id).name}: {m.text}"
            for node_id, r in self.nodes.items()
            for m in r.messages
            if m.is_error
        ]


_RANK_WORDS = {
    1: "a flat vector per sample, like (784,)",
    2: "a sequence per sample, shaped (time steps, features)",
    3: "an image per sample, shaped (height, width, channels)",
}


def _describe_ranks(ranks: Sequence[int]) -> str:
    return " or ".join(_RANK_WORDS.get(r, f"{r} axes per sample") for r in ranks)


#: the catalogue's generic examples of a Reshape's target (designer.core.layers._common)
_EXAMPLES = {"e.g. (28, 28, 1)": 3, "e.g. (784, 1)": 2}


def hint_for(hint: str, received: tuple) -> str:
    """A rank hint whose example Reshape is computed from what the layer receives ((8, 8) → "e.g. (8, 8, 1)"),
    not the catalogue's MNIST one, which reads as advice to go back to 28×28 (kept when nothing fits)."""
    for generic, rank in _EXAMPLES.items():
        if generic in hint:
            target = _reshape_example(received, rank)
            return hint.replace(generic, f"e.g. {format_shape(target)}") if target else hint
    return hint


def _reshape_example(received: tuple, rank: int) -> tuple | None:
    if any(not isinstance(s, int) for s in received):
        return None
    if rank == 3 and len(received) == 2:
        return (*received, 1)  # grey images get their channel axis
    if rank == 3 and len(received) == 1:
        for channels in (1, 3):
            side = math.isqrt(received[0] // channels)
            if side > 1 and side * side * channels == received[0]:
                return (side, side, channels)  # a flattened square image, unflattened
        return None
    if rank == 2 and len(received) == 1:
        return (received[0], 1)  # one feature per time step
    if rank == 2 and len(received) == 3:
        return (received[0], received[1] * received[2])  # image rows as time steps
    return None


def structural_report(graph: LayerGraph) -> GraphReport:
    """Problems visible without Keras: loops, missing/extra inputs, bad parameters, no Input layer."""
    report = GraphReport({node.id: NodeReport() for node in graph.nodes()})
    if len(graph) and not any(catalogue.has(n.kind) and catalogue.get(n.kind).is_source for n in graph.nodes()):
        report.messages.append(
            Message("error", "The graph has no Input layer: add one (Core → Input) to say what one sample looks like.")
        )
    cycle = report.cycle = graph.find_cycle()
    if cycle:
        names = " → ".join(graph.node(n).name for n in cycle + cycle[:1])
        for node_id in cycle:
            report.nodes[node_id].error(f"This layer is part of a loop ({names}): remove one of these connections.")
    for node in graph.nodes():
        node_report = report.nodes[node.id]
        if not catalogue.has(node.kind):
            node_report.error(f"Unknown layer kind {node.kind!r}.")
            continue
        kind = catalogue.get(node.kind)
        try:
            kind.check_params(node.params)
        except ParameterError as error:
            node_report.error(f"{error}.")
        count = len(graph.inputs_of(node.id))
        if count < kind.min_inputs:
            if count == 0:
                node_report.error(
                    f"{kind.title} has no input: drag a connection from another layer's output port to this one."
                )
            else:
                node_report.error(f"{kind.title} needs at least {kind.min_inputs} inputs but has {count}.")
        if kind.max_inputs is not None and count > kind.max_inputs:
            node_report.error(
                f"{kind.title} takes {kind.describe_arity()} but has {count}: remove the extra connections, or "
                "join the branches with a Concatenate or Add layer first."
            )
        if kind.is_source and not graph.outputs_of(node.id) and len(graph) > 1:
            node_report.warn("This Input feeds no layer: connect its output port to the first layer.")
    return report


class ShapeAnalyzer:
    """Shapes, parameter counts and all messages for a graph, asking the oracle only about what changed."""

    def __init__(self, oracle: Oracle, cache_size: int = 8192) -> None:
        self._oracle = oracle
        self._cache: OrderedDict[tuple, LayerInfo] = OrderedDict()
        self._cache_size = cache_size
        self.oracle_calls = 0

    def layer_info(self, kind: str, params: dict[str, Any], input_shapes: tuple) -> LayerInfo:
        key = (kind, json.dumps(params, sort_keys=True), input_shapes)
        info = self._cache.get(key)
        if info is not None:
            self._cache.move_to_end(key)
            return info
        self.oracle_calls += 1
        info = self._oracle(kind, params, input_shapes)
        self._cache[key] = info
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return info

    def analyse(self, graph: LayerGraph) -> GraphReport:
        report = structural_report(graph)
        if report.cycle:
            return report
        order = graph.topological_order()
        # reports list layers in the order data flows through them, so views need not sort again
        report.nodes = {node_id: report.nodes[node_id] for node_id in order}
        for node_id in order:
            node = graph.node(node_id)
            node_report = report.nodes[node_id]
            if node_report.has_error:
                continue
            kind = catalogue.get(node.kind)
            sources = graph.inputs_of(node_id)
            input_shapes = tuple(report.nodes[s].output_shape for s in sources)
            if any(shape is None for shape in input_shapes):
                continue  # an upstream layer has no shape yet; its own message says why
            if kind.input_ranks is not None:
                wrong = [s for s in input_shapes if len(s) - 1 not in kind.input_ranks]
                if wrong:
                    node_report.error(
                        f"{kind.title} expects {_describe_ranks(kind.input_ranks)}, but receives data of shape "
                        f"{format_sample_shape(wrong[0])}. {hint_for(kind.rank_hint, tuple(wrong[0][1:]))}"
                    )
                    continue
                from_sequence_layer = all(catalogue.get(graph.node(s).kind).category == "Recurrent" for s in sources)
                if any(len(s) - 1 in kind.warn_ranks for s in input_shapes) and not from_sequence_layer:
                    node_report.warn(
                        f"It receives data of shape {format_sample_shape(input_shapes[0])}. {kind.warn_hint}"
                    )
            info = self.layer_info(node.kind, node.params, input_shapes)
            if info.error:
                hint = f" {kind.error_hint}" if kind.error_hint else ""
                node_report.error(f"{info.error}{hint}")
                continue
            node_report.output_shape = info.output_shape
            node_report.trainable_params = info.trainable_params
            node_report.non_trainable_params = info.non_trainable_params
            node_report.weight_shapes = info.weight_shapes
        return report
