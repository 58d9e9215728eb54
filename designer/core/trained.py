"""What training learned, kept with the project: one `TrainedWeights` per graph (a GAN has two).

The weights themselves are Keras's own weights file (``.weights.h5``) held as bytes, so the document needs no
Keras: `designer.keras_bridge.trained` makes and reads them. Beside the bytes the document keeps the graph as it was
when trained and the shapes of every layer's weights, which say, without Keras, what an edit keeps: a layer whose
weights still have the same shapes keeps them, the others start again (`reuse_of`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from designer.core import catalogue
from designer.core.graph import LayerGraph

Shapes = tuple[tuple[int, ...], ...]


def graph_fingerprint(graph: LayerGraph) -> str:
    """A short hash of what makes the Keras model of `graph`: layer names, kinds, parameters and connections, in
    the order the model is built (Keras's weights file follows that order). Positions on the canvas do not count."""
    order = graph.topological_order() if graph.find_cycle() is None else sorted(n.id for n in graph.nodes())
    canonical = [
        [node.name, node.kind, _fingerprinted(node.kind, node.params), [graph.node(s).name for s in graph.inputs_of(node.id)]]
        for node in (graph.node(n) for n in order)
    ]
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _fingerprinted(kind_key: str, params: dict) -> dict:
    """The parameters that count in a fingerprint: all but those the kind gained later, while at their default (a
    project trained before the kind had them names none of them, and its weights must still fit)."""
    if not catalogue.has(kind_key):
        return params
    specs = {spec.name: spec for spec in catalogue.get(kind_key).params}
    return {name: value for name, value in params.items()
            if not (name in specs and specs[name].added_later and value == specs[name].default)}


@dataclass(frozen=True)
class TrainedWeights:
    """The weights one graph learned."""

    #: the bytes of Keras's ``.weights.h5`` file for the model of `graph`
    data: bytes
    #: the graph as it was when trained (a copy: later edits of the canvas do not reach it)
    graph: LayerGraph = field(compare=False)
    #: layer name -> the shapes of its weights, in Keras's order
    layers: dict[str, Shapes] = field(compare=False)
    #: epochs trained in all, over every run that built on these weights
    epochs: int = 0

    @property
    def fingerprint(self) -> str:
        return graph_fingerprint(self.graph)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def fits(self, graph: LayerGraph) -> bool:
        """True when these weights were trained for exactly this model (they load whole)."""
        return self.fingerprint == graph_fingerprint(graph)


@dataclass(frozen=True)
class Reuse:
    """What an edited graph keeps of the weights trained for the graph before: layer names in graph order."""

    kept: tuple[str, ...]
    fresh: tuple[str, ...]

    @property
    def everything(self) -> bool:
        return not self.fresh

    def in_words(self) -> str:
        """"3 layers keep what they learned; dense_1 starts again." (only layers with weights count)."""
        clause = self.clause()
        if clause.startswith(("every ", "no ")):  # not a layer's name, which keeps its own spelling
            clause = clause[0].upper() + clause[1:]
        return clause + "."

    def clause(self) -> str:
        """The same, to go inside a sentence: "hidden keeps what it learned; out starts again"."""
        if not self.kept and not self.fresh:
            return "no layer has weights to learn"
        if not self.kept:
            return "every layer starts again"
        if not self.fresh:
            return "every layer keeps what it learned"
        if len(self.kept) == 1:
            kept = f"{self.kept[0]} keeps what it learned"
        else:
            kept = f"{len(self.kept)} layers keep what they learned"
        shown = ", ".join(self.fresh[:4]) + (f" and {len(self.fresh) - 4} more" if len(self.fresh) > 4 else "")
        return f"{kept}; {shown} start{'s' * (len(self.fresh) == 1)} again"


def reuse_of(trained: TrainedWeights, graph: LayerGraph, shapes: dict[str, Shapes]) -> Reuse:
    """Which layers of `graph` keep the weights of `trained`: those with the same name whose weights have the same
    shapes as when trained. `shapes`: layer name -> the shapes of its weights in `graph` (from the shape oracle);
    layers without weights count neither way."""
    kept, fresh = [], []
    order = graph.topological_order() if graph.find_cycle() is None else [n.id for n in graph.nodes()]
    for node in (graph.node(n) for n in order):
        now = tuple(tuple(s) for s in shapes.get(node.name, ()))
        if not now:
            continue
        (kept if trained.layers.get(node.name) == now else fresh).append(node.name)
    return Reuse(tuple(kept), tuple(fresh))
