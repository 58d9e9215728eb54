"""The model-building code of an exported script: ``build_model`` (or ``build_generator`` and
``build_discriminator``) with one line per layer and a variable per layer named after it, pretrained backbones, the
sources of the custom layer classes the script copies in, and the GAN's shape check before anything is written."""

from __future__ import annotations

import builtins
import inspect
import keyword
import re
import textwrap
from typing import Any

from designer.core import catalogue, prepare
from designer.core.graph import LayerGraph
from designer.exchange.script_text import ScriptExportError, literal
from designer.keras_bridge import custom_layers
from designer.keras_bridge.compound import Recipe, recipe_of
from designer.keras_bridge.layers import keras_kwargs, penalty_class
from designer.training import gan as gan_module


def draws_samples(graph: LayerGraph) -> bool:
    """The graph draws random numbers when it predicts (a VAE sampling layer)."""
    return any(node.kind == "VAESampling" for node in graph.nodes())


#: names a layer's variable must not take: Python's own, and those the script uses
_TAKEN = (
    set(keyword.kwlist) | set(keyword.softkwlist) | set(dir(builtins))
    | {"keras", "layers", "np", "tf", "ops", "seed", "model", "Path", "Any", "VAESamplingLayer", "GAN", "HERE"}
)


def _variables(graph: LayerGraph, order: list[str]) -> dict[str, str]:
    """A Python variable per layer, made from its name (dense_1 stays dense_1; conv.1-a becomes conv_1_a)."""
    taken = set(_TAKEN)
    names = {}
    for node_id in order:
        node = graph.node(node_id)
        # a pretrained backbone also needs `<name>_network` for the network itself (see _backbone_lines), a string
        # lookup `<name>_vocabulary` for its words (see _vocabulary_lines)
        extra = {"StringLookup": "_vocabulary"}.get(node.kind, "")
        if catalogue.get(node.kind).keras.startswith("keras.applications."):
            extra = "_network"
        base = re.sub(r"\W", "_", node.name)
        if not base.isidentifier() or base in taken:
            base = f"{base}_"
        candidate, count = base, 1
        while candidate in taken or (extra and f"{candidate}{extra}" in taken):
            count += 1
            candidate = f"{base}{count}"
        taken.add(candidate)
        if extra:
            taken.add(f"{candidate}{extra}")
        names[node_id] = candidate
    return names


def builder_code(graph: LayerGraph, function: str, stochastic: bool) -> str:
    """`def build_model():` making the graph's Keras model, one line per layer, in the app's order."""
    from designer.keras_bridge.models import _model_name

    order = graph.topological_order()  # the order the app builds in: Keras's weights file is keyed by it
    variables = _variables(graph, order)
    role = {"build_model": "the network", "build_generator": "the generator",
            "build_discriminator": "the discriminator"}
    doc = f'"""{role[function].capitalize()}, layer by layer, with the names given in Network Designer.'
    if stochastic:
        doc += "\n\nseed: fixes the random draws of the VAE sampling layer (None: new ones every run).\n"
    body = [doc + '"""']
    inputs, outputs = [], []
    for node_id in order:
        node = graph.node(node_id)
        kind = catalogue.get(node.kind)
        var = variables[node_id]
        sources = [variables[s] for s in graph.inputs_of(node_id)]
        if kind.is_source:
            body += _input_lines(node, var)
            inputs.append(var)
            continue
        called = sources[0] if kind.max_inputs == 1 else "[" + ", ".join(sources) + "]"
        if kind.call == "query_value":  # self-attention: the one input is the query and the value
            called = f"{sources[0]}, {sources[0]}"
        if kind.call == "params":  # a generic Keras layer: made from its saved configuration, as the app does
            body.append(f"{var} = {_generic_layer(node.params, node.name)}({_generic_call(node.params, sources)})")
        elif kind.keras.startswith("keras.applications."):
            body += _backbone_lines(kind, node.params, node.name, var, called)
        elif kind.keras == "designer>VAESampling":
            body.append(
                f"{var} = VAESamplingLayer(kl_weight={literal(float(node.params['kl_weight']))}, seed=seed, "
                f"name={literal(node.name)})({called})"
            )
        elif node.kind == "StringLookup":
            body += _why(graph, node) + _vocabulary_lines(node.params, node.name, var, called)
        elif kind.keras.startswith("keras.layers."):
            body += _why(graph, node)
            body.append(f"{var} = {_layer_call(kind, node.params, node.name)}({called})")
        else:
            raise ScriptExportError(f"{node.name}: the layer kind {kind.title} cannot be written in a script yet.")
        if not graph.outputs_of(node_id):
            outputs.append(var)
    if not outputs:
        raise ScriptExportError(f"The graph {graph.name} has no output: add at least one layer after the Input.")
    listed = lambda names: names[0] if len(names) == 1 else "[" + ", ".join(names) + "]"  # noqa: E731
    model_name = literal(_model_name(graph.name))  # the app's name for the model
    body.append(f"return keras.Model(inputs={listed(inputs)}, outputs={listed(outputs)}, name={model_name})")
    signature = f"def {function}(seed=None):" if stochastic else f"def {function}():"
    return signature + "\n" + textwrap.indent("\n".join(body), "    ")


def _input_lines(node, var: str) -> list[str]:
    """``keras.Input(...)``: numbers of the node's shape, or a text input's one word per row (as the app makes it:
    designer.keras_bridge.layers.make_input)."""
    if node.kind == "TextInput":
        return [f"# the words of the column {literal(node.params.get('column', node.name))}, one per row, as they are "
                "in the file",
                f"{var} = keras.Input(shape=(1,), dtype=\"string\", name={literal(node.name)})"]
    return [f"{var} = keras.Input(shape={literal(tuple(node.params['shape']))}, name={literal(node.name)})"]


def _why(graph: LayerGraph, node) -> list[str]:
    """A comment over the layers of the data's preparation inside the model, which learn their numbers from the
    data rather than by training (designer.core.prepare)."""
    if node.kind == "StringLookup":
        return ["# each word to a one-hot row: a unit per word of the vocabulary, the first for words it does not know"]
    if node.kind != "Normalization":
        return []
    if node.params.get("invert"):
        units = prepare.target_units_node(graph)
        if units is not None and units.id == node.id:
            return ["# answers back in the target's units, with the targets' mean and variance that it learns before",
                    "# training (adapt): the network before it learns on standardized targets"]
        return []
    if any(n.id == node.id for n in prepare.input_normalizers(graph)):
        return ["# each input column to mean 0 and spread 1, with the columns' mean and variance that it learns from",
                "# the training rows before training (adapt)"]
    return []


def _vocabulary_lines(params: dict[str, Any], name: str, var: str, called: str) -> list[str]:
    """A string lookup as the app builds it (designer.keras_bridge.layers: one-hot rows, whatever the node says),
    its words listed first, a few to a line."""
    words = [literal(str(word)) for word in params["vocabulary"]]
    lines, line = [], f"{var}_vocabulary = ["
    for word in words:
        if line.endswith("[") or len(line) + len(word) + 2 <= 110:
            line += ("" if line.endswith("[") else ", ") + word
        else:
            lines.append(line + ",")
            line = " " * len(f"{var}_vocabulary = [") + word
    lines.append(line + "]")
    lookup = f"layers.StringLookup(vocabulary={var}_vocabulary, output_mode=\"one_hot\", name={literal(name)})"
    return lines + [f"{var} = {lookup}({called})"]


def _generic_layer(params: dict[str, Any], name: str) -> str:
    """``keras.saving.deserialize_keras_object({...})``: a layer the palette has no entry for, from its whole Keras
    configuration (a layer from an imported model), in safe mode like the app."""
    serialized = {"module": "keras.layers", "class_name": params["class_name"],
                  "config": {**params["config"], "name": name}, "registered_name": None}
    return f"keras.saving.deserialize_keras_object({literal(serialized)}, safe_mode=True)"


def _generic_call(params: dict[str, Any], sources: list[str]) -> str:
    style = params.get("call", "single")
    if style == "positional":
        arguments = list(sources)
    elif style == "list" or len(sources) > 1:
        arguments = ["[" + ", ".join(sources) + "]"]
    else:
        arguments = [sources[0]]
    arguments += [f"{key}={literal(value)}" for key, value in (params.get("call_kwargs") or {}).items()]
    return ", ".join(arguments)


def _layer_call(kind: catalogue.LayerKind, params: dict[str, Any], name: str) -> str:
    """``layers.Dense(units=10, activation="softmax", name="out")``: the arguments the app passes (through the same
    recipe for the kinds the bridge builds itself: wrappers, padding sides), less those equal to Keras's own
    defaults (the same layer, easier to read)."""
    recipe = recipe_of(kind.key, params, name)
    if recipe is None:
        kwargs = keras_kwargs(kind, params)
        for spec in kind.params:  # a penalty as the code that makes it, from the factors the person typed
            if spec.type == "penalty" and kwargs[spec.name] is not None:
                class_name, factors = penalty_class(params[spec.name])
                kwargs[spec.name] = _Code(f"keras.regularizers.{class_name}({', '.join(map(literal, factors))})")
        recipe = Recipe(kind.keras.removeprefix("keras.layers."), {**kwargs, "name": name})
    return _recipe_call(recipe)


class _Code(str):
    """Python source written into the script as it is."""


def _recipe_call(recipe: Recipe) -> str:
    import keras

    layer_class = getattr(keras.layers, recipe.class_name)
    defaults = {
        p.name: p.default for p in inspect.signature(layer_class.__init__).parameters.values()
        if p.default is not inspect.Parameter.empty
    }
    arguments = [_recipe_call(recipe.inner)] if recipe.inner else []
    for key, value in recipe.kwargs.items():
        if key in defaults and _same(defaults[key], value):
            continue
        arguments.append(f"{key}={value if isinstance(value, _Code) else literal(value)}")
    return f"layers.{recipe.class_name}({', '.join(arguments)})"


def _same(default: Any, value: Any) -> bool:
    """The value is Keras's default (same type too: a default of 1 is not a value of 1.0 or True)."""
    if isinstance(default, (list, tuple)) and isinstance(value, (list, tuple)):
        return tuple(default) == tuple(value)
    return type(default) is type(value) and default == value


def _backbone_lines(kind: catalogue.LayerKind, params: dict[str, Any], name: str, var: str, called: str) -> list[str]:
    application = kind.keras.removeprefix("keras.applications.")
    weights = '"imagenet"' if params["weights"] == "imagenet" else "None"
    trainable = bool(params["trainable"])
    note = "fine-tuned with the rest" if trainable else "frozen: only the layers after it learn (transfer learning)"
    return [
        f"{var}_network = keras.applications.{application}(include_top=False, weights={weights}, "
        f"input_shape={called}.shape[1:], name={literal(name)})",
        f"{var}_network.trainable = {trainable}  # {note}",
        f"{var} = {var}_network({called})",
    ]


def check_gan_shapes(generator: LayerGraph, discriminator: LayerGraph) -> None:
    """The engine's own check, before a script that could not train is written."""
    from designer.keras_bridge.models import compile_graph

    produced = tuple(compile_graph(generator, load_pretrained_weights=False).output_shape[1:])
    judged = tuple(input_shape(discriminator))
    if produced != judged:
        raise ScriptExportError(
            f"The generator makes samples of shape {produced} but the discriminator reads {judged}: they must match."
        )


def input_shape(graph: LayerGraph) -> tuple[int, ...]:
    """The shape of the graph's first Input (the one the data feeds, as in the engine)."""
    for node_id in graph.topological_order():
        node = graph.node(node_id)
        if catalogue.get(node.kind).is_source and node.kind != "TextInput":  # a text input reads words, not rows
            return tuple(node.params["shape"])
    raise ScriptExportError(f"The graph {graph.name} has no Input layer.")


def output_node(graph: LayerGraph):
    sinks = [graph.node(n) for n in graph.sinks() if not catalogue.get(graph.node(n).kind).is_source]
    return sinks[0] if len(sinks) == 1 else None


def _class_source(module, start: str, end: str) -> str:
    """A class written inside a function of `module` (Keras is imported lazily there), dedented to the top level."""
    source = inspect.getsource(module)
    begin = source.find(start)
    stop = source.find(end, begin)
    if begin < 0 or stop < 0:
        raise ScriptExportError(f"cannot find {start.strip()!r} in {module.__name__}")
    line_start = source.rfind("\n", 0, begin) + 1
    return textwrap.dedent(source[line_start:stop]).rstrip() + "\n"


def vae_class_source() -> str:
    return _class_source(custom_layers, "@keras.saving.register_keras_serializable", "    return VAESamplingLayer")


def gan_class_source() -> str:
    return _class_source(gan_module, "class GAN(keras.Model):", "    return GAN(")
