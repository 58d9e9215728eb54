"""Compile a layer graph into a `keras.Model`, and load saved models with Network Designer's custom layers.

Any directed acyclic graph compiles: several inputs and outputs, branches, merges. Layers keep the names the
user gave them. Before building, the graph is checked (`designer.core.analysis.structural_report`); a graph
with problems raises `BuildError` listing them in plain words instead of a Keras traceback.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager

from designer.keras_bridge.layers import call_layer, make_input, make_layer
from designer.core import catalogue
from designer.core.analysis import structural_report
from designer.core.graph import LayerGraph

# Keras walks a functional graph recursively when it builds, serialises or summarises a model: about 7
# frames per layer. Python's default limit (1,000) breaks near 990 chained layers.
_FRAMES_PER_LAYER = 12


class BuildError(ValueError):
    """The graph cannot become a Keras model; `problems` lists why, one plain line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@contextmanager
def recursion_room(layer_count: int):
    """Raise Python's recursion limit enough for Keras to walk a graph of `layer_count` layers."""
    previous = sys.getrecursionlimit()
    needed = 1_000 + _FRAMES_PER_LAYER * layer_count
    if needed > previous:
        sys.setrecursionlimit(needed)
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def compile_graph(graph: LayerGraph, load_pretrained_weights: bool = True):
    """Build the Keras model of `graph`. Raises BuildError with plain-words problems.

    With `load_pretrained_weights` False, pretrained backbones get random weights (no download): useful to
    count parameters or test offline.
    """
    import keras

    report = structural_report(graph)
    if not report.ok:
        raise BuildError(report.errors(graph))
    order = graph.topological_order()
    tensors: dict[str, object] = {}
    inputs, outputs = [], []
    with recursion_room(len(order)):
        for node_id in order:
            node = graph.node(node_id)
            kind = catalogue.get(node.kind)
            try:
                if kind.is_source:
                    tensors[node_id] = make_input(node.params, name=node.name)
                    inputs.append(tensors[node_id])
                    continue
                sources = graph.inputs_of(node_id)
                shapes = tuple(tuple(tensors[s].shape) for s in sources)
                layer = make_layer(kind, node.params, node.name, shapes, shapes_only=not load_pretrained_weights)
                tensors[node_id] = call_layer(layer, kind, [tensors[s] for s in sources], node.params)
            except Exception as error:
                from designer.keras_bridge.backbones import PretrainedWeightsError
                from designer.keras_bridge.shape_oracle import plain_error

                if isinstance(error, PretrainedWeightsError):
                    raise BuildError([f"{node.name}: {error}"]) from error
                shapes = tuple(tuple(tensors[s].shape) for s in graph.inputs_of(node_id))
                raise BuildError([f"{node.name}: {plain_error(kind, error, shapes)}"]) from error
        for node_id in order:
            if not graph.outputs_of(node_id) and not catalogue.get(graph.node(node_id).kind).is_source:
                outputs.append(tensors[node_id])
        if not outputs:
            raise BuildError(["The graph has no output: add at least one layer after the Input."])
        model = keras.Model(
            inputs=inputs[0] if len(inputs) == 1 else inputs,
            outputs=outputs[0] if len(outputs) == 1 else outputs,
            name=_model_name(graph.name),
        )
    return model


def _model_name(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "_-" else "_" for c in name).strip("_")
    return cleaned or "model"


def load_model(path: str):
    """Load a ``.keras`` file saved by Network Designer (or anyone), knowing its custom layers."""
    import keras

    from designer.keras_bridge.custom_layers import register

    register()
    try:
        return keras.models.load_model(path)  # safe mode: code inside the file (a Lambda's function) is refused
    except ValueError as error:
        if "Lambda" in str(error) and "safe_mode" in str(error):
            raise ValueError(f"{path} holds a Lambda layer, which is Python code; Network Designer never runs code "
                             "from a file. Save the model without the Lambda (or with a layer of the palette in its "
                             "place) in the program that made it.") from None
        raise


def save_model(model, path: str) -> None:
    """Save `model` as a ``.keras`` file, with the same recursion room Keras needed to build it."""
    with recursion_room(len(model.layers)):
        model.save(path)


def decoder_of(model, graph: LayerGraph, sampling_kind: str = "VAESampling"):
    """The decoder of a variational autoencoder on its own: a new Input the size of the code, then the trained
    model's own layers after the sampling layer (their weights shared, not copied). BuildError when the graph has
    no sampling layer, or layers after it also read from before it (then there is no separate decoder)."""
    import keras

    samplers = [n for n in graph.nodes() if n.kind == sampling_kind]
    if len(samplers) != 1:
        raise BuildError([f"A decoder on its own needs exactly one {sampling_kind} layer; this graph has {len(samplers)}."])
    sampler = samplers[0]
    after = graph.downstream_of(sampler.id) - {sampler.id}
    order = [n for n in graph.topological_order() if n in after]
    code = keras.Input(shape=tuple(model.get_layer(sampler.name).output.shape[1:]), name="code")
    tensors = {sampler.id: code}
    for node_id in order:
        sources = graph.inputs_of(node_id)
        if any(s not in tensors for s in sources):
            outside = next(graph.node(s).name for s in sources if s not in tensors)
            raise BuildError([f"{graph.node(node_id).name} also reads {outside}, from before the sampling layer: "
                              "the decoder cannot run on a code alone."])
        kind = catalogue.get(graph.node(node_id).kind)
        tensors[node_id] = call_layer(model.get_layer(graph.node(node_id).name), kind, [tensors[s] for s in sources],
                                      graph.node(node_id).params)
    outputs = [tensors[n] for n in order if not graph.outputs_of(n)]
    if not outputs:
        raise BuildError(["Nothing comes after the sampling layer: there is no decoder."])
    return keras.Model(code, outputs[0] if len(outputs) == 1 else outputs, name="decoder")
