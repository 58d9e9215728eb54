"""A Keras model's configuration as a layer graph: every layer a node, named as in the model.

It reads the JSON Keras writes for a model (``serialize_keras_object(model)``: Functional or Sequential, nested
models inside) and makes a `LayerGraph`, noting for each node which layer of the model it came from so that the
weights can be copied across, and what became what. A layer becomes a palette kind when the catalogue can say
everything its configuration says (`designer.keras_bridge.kind_match`), else a generic "Keras layer" node that
keeps the class name and the whole configuration. A `keras.applications` backbone the catalogue knows becomes that
node. Other models nested inside are unfolded in place (their layers join the canvas, data flowing through them as
before): one canvas that shows every layer is what a person can read and edit with the tools they already know. A
layer used more than once (shared weights) becomes one node per use, each starting from the same weights; the
canvas cannot show a shared layer, and the summary says so.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from designer.core import catalogue
from designer.core.catalogue import ParameterError
from designer.core.graph import GraphError, LayerGraph
from designer.keras_bridge.safety import OWN_REGISTERED

NESTED_MODELS = ("Functional", "Sequential", "Model")


class ModelGraphError(ValueError):
    """The model has something the canvas cannot hold; the message names the layer and says why."""


@dataclass
class ImportedLayer:
    """One node made from the model: where its layer sits in the model, and what it became."""

    node_id: str
    name: str
    #: layer names from the model down to the layer (a layer of a nested model: ("tower", "dense"))
    source: tuple[str, ...]
    class_name: str
    #: the catalogue kind it became ("KerasLayer": the generic node)
    kind: str
    note: str = ""


@dataclass
class GraphPlan:
    graph: LayerGraph
    layers: list[ImportedLayer] = field(default_factory=list)
    #: what the person should know: nested models unfolded, shared layers split, ...
    notes: list[str] = field(default_factory=list)
    #: the model's outputs as node names, in the model's order
    outputs: list[str] = field(default_factory=list)
    #: every layer of the model is one node in the model's own order, none unfolded from a nested model or split
    #: from a shared one: Keras's weights file of the model then fits the canvas's model as it is
    flat: bool = True


def graph_from_config(model: dict[str, Any]) -> GraphPlan:
    """The graph of a serialized Keras model (``{"class_name": "Functional", "config": {...}}``); ModelGraphError
    in plain words for what the canvas cannot hold."""
    model = _without_shared_ids(model)
    class_name = model.get("class_name")
    config = model.get("config")
    if class_name not in NESTED_MODELS or not isinstance(config, dict):
        raise ModelGraphError(f"it holds a {class_name!r}, not a Keras Sequential or functional model")
    name = config.get("name") if isinstance(config.get("name"), str) else "model"
    builder = _Builder(LayerGraph(name=_clean_name(name) or "model"))
    if class_name == "Sequential":
        outputs = builder.sequential(config, None, ())
    else:
        outputs = builder.functional(config, None, ())
    builder.finish(outputs)
    return builder.plan


def _without_shared_ids(item: Any) -> Any:
    """The configuration without Keras's "shared_object_id" marks (they let one object, a dtype policy say, be
    made once for several layers when Keras loads; each node keeps its own copy, which means the same)."""
    if isinstance(item, dict):
        return {k: _without_shared_ids(v) for k, v in item.items() if k != "shared_object_id"}
    if isinstance(item, list):
        return [_without_shared_ids(v) for v in item]
    return item


def _clean_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_.\-]", "_", str(name))
    if not cleaned or not cleaned[0].isalpha():
        cleaned = "layer_" + cleaned
    return cleaned[:64]


def _is_tensor(item: Any) -> bool:
    return isinstance(item, dict) and item.get("class_name") == "__keras_tensor__"


def _history(item: dict[str, Any]) -> tuple[str, int, int]:
    history = (item.get("config") or {}).get("keras_history")
    if not isinstance(history, list) or len(history) != 3:
        raise ModelGraphError("a connection between layers is damaged in the file (no keras_history)")
    return str(history[0]), int(history[1]), int(history[2])


class _Builder:
    def __init__(self, graph: LayerGraph) -> None:
        self.plan = GraphPlan(graph)
        self.graph = graph
        #: path of names of a layer or nested model -> how many times the model has called it so far
        self._uses: Counter = Counter()
        #: results asked for before they were made (a layer's second result, which never is)
        self._missing: set[tuple[str, int, int]] = set()
        #: the nested model whose layers are being added ("encoder", "outer/inner"; "" for the model itself)
        self._group = ""
        #: where each unfolded nested model sits (its path of names)
        self._nested: set[tuple[str, ...]] = set()

    # ------------------------------------------------------------------ models
    def sequential(self, config: dict, inputs: list[str] | None, path: tuple[str, ...]) -> list[str]:
        layers = list(config.get("layers") or [])
        current: str | None = inputs[0] if inputs else None
        if layers and layers[0].get("class_name") == "InputLayer":
            first = layers.pop(0)
            if current is None:
                current = self.input_node(first.get("config") or {}, path)
        if current is None:
            shape = config.get("build_input_shape")
            if not isinstance(shape, list):
                raise ModelGraphError("the Sequential model has no input shape: build it (or give it an Input) "
                                      "before saving")
            current = self.input_node({"batch_shape": shape, "name": "input_layer"}, path)
        for layer in layers:
            current = self.call(layer, [current], "single", {}, 0, path)[0]
        return [current]

    def functional(self, config: dict, inputs: list[str] | None, path: tuple[str, ...]) -> list[str]:
        layers = {self.layer_name(layer): layer for layer in config.get("layers") or []}
        produced: dict[tuple[str, int, int], str] = {}
        input_refs = _refs(config.get("input_layers"))
        if inputs is not None and len(inputs) != len(input_refs):
            raise ModelGraphError(f"{'/'.join(path)} is called with {len(inputs)} inputs but has {len(input_refs)}")
        for i, (name, node_index, tensor_index) in enumerate(input_refs):
            if inputs is None:
                layer = layers.get(name)
                if layer is None:
                    raise ModelGraphError(f"the input {name} is missing from the file's list of layers")
                produced[(name, 0, 0)] = self.input_node(layer.get("config") or {}, path)
            else:
                produced[(name, 0, 0)] = inputs[i]
        pending = [(name, index, node) for name, layer in layers.items() if layer.get("class_name") != "InputLayer"
                   for index, node in enumerate(layer.get("inbound_nodes") or [])]
        # Keras writes layers in an order that works; a few passes cover a file that does not
        while pending:
            waiting = []
            for name, index, node in pending:
                try:
                    call = self.parse_call(node, produced)
                except ModelGraphError as error:
                    raise ModelGraphError(f"{name}: {error}") from None
                if call is None:
                    waiting.append((name, index, node))
                    continue
                tensors, style, kwargs = call
                for t, node_id in enumerate(self.call(layers[name], tensors, style, kwargs, index, path)):
                    produced[(name, index, t)] = node_id
            if len(waiting) == len(pending):
                name = waiting[0][0]
                several = sorted({key[0] for key in self._missing if (key[0], key[1], 0) in produced})
                if several:
                    raise ModelGraphError(f"{several[0]} ({layers[several[0]].get('class_name')}) gives several "
                                          "results (an LSTM with return_state, say) and the model uses more than the "
                                          "first; a layer on the canvas has one result")
                raise ModelGraphError(f"{name}: one of its inputs is never made in the model")
            pending = waiting
        outputs = []
        for ref in _refs(config.get("output_layers")):
            if ref[0] not in layers:
                raise ModelGraphError(f"the model's output names {ref[0]}, a layer that is not in the file")
            if ref not in produced:
                raise ModelGraphError(f"{ref[0]}: the model uses its result number {ref[2] + 1}, but a layer on the "
                                      "canvas has one result (an LSTM with return_state cannot be shown)")
            outputs.append(produced[ref])
        return outputs

    def layer_name(self, layer: dict[str, Any]) -> str:
        name = layer.get("name") or (layer.get("config") or {}).get("name")
        if not isinstance(name, str):
            raise ModelGraphError("a layer in the file has no name")
        return name

    # ------------------------------------------------------------------ calls
    def parse_call(self, node: Any, produced: dict) -> tuple[list[str], str, dict] | None:
        """The input node ids, the call style and the plain keyword values of one call; None while an input is
        not made yet."""
        if not isinstance(node, dict):
            raise ModelGraphError("a connection between layers is written in an older form this version cannot read; "
                                  "open the model in Keras 3 and save it again as .keras")
        args = node.get("args") or []
        kwargs = node.get("kwargs") or {}
        tensor_kwargs = [key for key, value in kwargs.items() if _is_tensor(value) or _holds_tensor(value)]
        if tensor_kwargs:
            raise ModelGraphError(f"it is called with a named tensor ({tensor_kwargs[0]}=...), which the canvas "
                                  "cannot draw")
        # Keras records training=False for a layer that takes it when the model is made, and overrides it with the
        # caller's whenever the model trains or predicts (Functional's call context): it says nothing to keep
        plain = {key: value for key, value in kwargs.items() if value is not None and key != "training"}
        if len(args) == 1 and isinstance(args[0], list) and all(_is_tensor(a) for a in args[0]):
            refs, style = args[0], "list"
        elif args and all(_is_tensor(a) for a in args):
            refs, style = args, "single" if len(args) == 1 else "positional"
        else:
            raise ModelGraphError("it is called with values the canvas cannot draw (only tensors from other "
                                  "layers can be its inputs)")
        ids = []
        for ref in refs:
            key = _history(ref)
            if key not in produced:
                self._missing.add(key)
                return None
            ids.append(produced[key])
        return ids, style, plain

    def call(self, layer: dict, inputs: list[str], style: str, kwargs: dict, use: int,
             path: tuple[str, ...]) -> list[str]:
        class_name = layer.get("class_name")
        config = layer.get("config") or {}
        name = self.layer_name(layer)
        where = path + (name,)
        if class_name in NESTED_MODELS:
            return self.nested(layer, inputs, where, kwargs)
        if class_name == "InputLayer":
            return inputs[:1]
        self._uses[where] += 1
        self.plan.flat = self.plan.flat and self._uses[where] == 1
        node_name = self.free_name(name, self._uses[where])
        # a layer of our own is known by the name it is registered under with Keras ("designer>VAESampling")
        registered = layer.get("registered_name")
        matched = self.match(registered if registered in OWN_REGISTERED else class_name, config, style, inputs, kwargs)
        note = ""
        if self._uses[where] > 1:
            note = f"use {self._uses[where]} of {name}, which the model uses several times with the same weights"
        if matched is not None:
            kind, params = matched
            sources = inputs[:1] if kind == "MultiHeadAttention" else inputs
        else:
            kind, sources = "KerasLayer", inputs
            stored = {k: v for k, v in config.items() if k != "name"}
            params = {"class_name": str(class_name), "config": stored, "call": style, "call_kwargs": kwargs}
        return [self.add(kind, sources, node_name, params, where, str(class_name), note)]

    def match(self, class_name: Any, config: dict, style: str, inputs: list[str], kwargs: dict):
        if kwargs or not isinstance(class_name, str):
            return None
        from designer.keras_bridge.kind_match import match_kind

        matched = match_kind(class_name, config)
        if matched is None:
            return None
        kind = catalogue.get(matched[0])
        if kind.call == "query_value":
            fits = style == "positional" and len(inputs) == 2 and inputs[0] == inputs[1]
        elif kind.max_inputs == 1:
            fits = style == "single"
        else:
            fits = style == "list"
        return matched if fits else None

    def nested(self, layer: dict, inputs: list[str], where: tuple[str, ...], kwargs: dict) -> list[str]:
        config = layer.get("config") or {}
        name = where[-1]
        from designer.exchange.backbone_match import backbone_of

        backbone = backbone_of(layer)
        self.plan.flat = False
        if backbone is not None:
            self._uses[where] += 1
            node_name = self.free_name(name, self._uses[where])
            return [self.add(backbone, inputs, node_name, {"weights": "none", "trainable": bool(config.get("trainable", True))},
                             where, str(layer.get("class_name")), "")]
        if kwargs and self._uses[where] == 0:
            named = ", ".join(f"{key}={value!r}" for key, value in kwargs.items())
            self.plan.notes.append(f"{name} is called with {named} in the model; on the canvas it is called as Keras "
                                   "calls a layer by default (a frozen BatchNormalization keeps its averages either way).")
        self._uses[where] += 1
        count = len([layer for layer in config.get("layers") or [] if layer.get("class_name") != "InputLayer"])
        if self._uses[where] == 1:
            self.plan.notes.append(
                f"{name} ({'a Sequential' if layer.get('class_name') == 'Sequential' else 'a model'} inside the model) "
                f"was unfolded in place: its {count} layers sit on the canvas, framed and named {name}, between what "
                "feeds it and what it feeds."
            )
        self._nested.add(where)
        outer = self._group
        label = _clean_name(name) if self._uses[where] == 1 else f"{_clean_name(name)} (use {self._uses[where]})"
        self._group = f"{outer}/{label}" if outer else label
        try:
            if layer.get("class_name") == "Sequential":
                return self.sequential(config, inputs, where)
            return self.functional(config, inputs, where)
        finally:
            self._group = outer

    # ------------------------------------------------------------------ nodes
    def input_node(self, config: dict, path: tuple[str, ...]) -> str:
        shape = config.get("batch_shape") or config.get("batch_input_shape")
        name = config.get("name") if isinstance(config.get("name"), str) else "input_layer"
        if not isinstance(shape, list) or len(shape) < 2:
            raise ModelGraphError(f"the input {name} has no shape in the file")
        sizes = shape[1:]
        if any(size is None for size in sizes):
            shown = "(" + ", ".join("None" if s is None else str(s) for s in sizes) + ")"
            raise ModelGraphError(
                f"the input {name} has the shape {shown}, with a size left open (None); the canvas needs every size "
                "to work out the shapes: save the model with a fixed input shape (keras.Input(shape=...)) and import "
                "it again"
            )
        self._uses[path + (name,)] += 1
        if config.get("dtype") == "string" and list(sizes) == [1]:  # one word per row: a text input
            return self.add("TextInput", [], self.free_name(name, 1), {"column": name}, path + (name,), "InputLayer",
                            "")
        return self.add("Input", [], self.free_name(name, 1), {"shape": list(sizes)}, path + (name,), "InputLayer", "")

    def free_name(self, name: str, use: int) -> str:
        base = _clean_name(name if use == 1 else f"{name}_use{use}")
        if base not in self.graph.names():
            return base
        return self.graph.unique_name(base)

    def add(self, kind: str, inputs: list[str], name: str, params: dict, source: tuple[str, ...], class_name: str,
            note: str) -> str:
        if len(set(inputs)) != len(inputs):
            raise ModelGraphError(f"{name} takes the same input more than once ({class_name} of a tensor with "
                                  "itself), which the canvas cannot draw")
        try:
            node_id = self.graph.add(kind, *inputs, name=name, **params)
        except (ParameterError, GraphError) as error:
            raise ModelGraphError(f"{name} ({class_name}): {error}") from None
        self.graph.node(node_id).group = self._group[:128]
        self.plan.layers.append(ImportedLayer(node_id, name, source, class_name, kind, note))
        return node_id

    def finish(self, outputs: list[str]) -> None:
        """Every output of the model must end the graph (the canvas's outputs are the layers nothing reads)."""
        for node_id in outputs:
            node = self.graph.node(node_id)
            if self.graph.outputs_of(node_id) or catalogue.get(node.kind).is_source:
                raise ModelGraphError(
                    f"{node.name}: the model gives its result as an output and also feeds it to other layers; on the "
                    "canvas an output is a layer nothing reads"
                )
        sinks = set(self.graph.sinks())
        extra = [self.graph.node(n).name for n in sinks - set(outputs)]
        if extra:
            raise ModelGraphError(f"{extra[0]}: its result is not an output of the model but nothing reads it")
        self.plan.outputs = [self.graph.node(n).name for n in outputs]
        # a nested model used several times is said once; its layers' uses follow from it
        towers = [where for where, count in self._uses.items() if count > 1 and where in self._nested]
        for where in towers:
            self.plan.notes.append(
                f"{where[-1]} is used {self._uses[where]} times in the model with the same weights; the canvas shows "
                f"it unfolded once per use (framed {where[-1]}, {where[-1]} (use 2)...), each starting from those "
                "weights, which training now changes separately."
            )
        shared = {}
        for layer in self.plan.layers:
            if layer.note and not any(layer.source[:len(t)] == t for t in towers):
                shared.setdefault(layer.source, layer.source[-1])
        for source, name in shared.items():
            uses = [layer.name for layer in self.plan.layers if layer.source == source]
            self.plan.notes.append(
                f"{name} is used {len(uses)} times in the model with the same weights; the canvas shows one layer per "
                f"use ({', '.join(uses)}), each starting from those weights, which training now changes separately."
            )


def _refs(value: Any) -> list[tuple[str, int, int]]:
    if not isinstance(value, list):
        return []
    if len(value) == 3 and isinstance(value[0], str):  # a single input written without the outer list
        value = [value]
    refs = []
    for ref in value:
        if not (isinstance(ref, list) and len(ref) == 3 and isinstance(ref[0], str)):
            raise ModelGraphError("the list of the model's inputs or outputs is damaged in the file")
        refs.append((ref[0], int(ref[1]), int(ref[2])))
    return refs


def _holds_tensor(value: Any) -> bool:
    if isinstance(value, list):
        return any(_is_tensor(v) or _holds_tensor(v) for v in value)
    if isinstance(value, dict):
        return any(_is_tensor(v) or _holds_tensor(v) for v in value.values())
    return False
