"""A project written out as one readable Python script in plain Keras and NumPy, which repeats the app's training.

The script rebuilds the network with the user's layer names (one line per layer, functional style, in the order the
app builds them, so a weights file saved by the app loads into it), loads the same data with the same preparation
(the arrays the app loaded, saved beside it as ``<name>_data.npz``; Keras's own downloads through
``keras.datasets``), compiles and trains with the same settings (the loss resolved, never "auto"), shows the
curves and saves the trained model. It takes ``--epochs``, ``--strategy one|mirrored|multiworker``, ``--seed``,
``--weights FILE`` and ``--predict IN.npz OUT.npz`` (outputs of the rebuilt model, no training), which is how
`designer.exchange.script_check` compares it with the trained model. It never imports the ``designer`` package:
the custom layers it needs (VAE sampling, the GAN training model) are copied into it from their sources.

The same pieces (`ScriptParts`) make the notebook of `designer.exchange.notebook`.
"""

from __future__ import annotations

import builtins
import inspect
import json
import keyword
import re
import shutil
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from designer.core import catalogue
from designer.core.graph import LayerGraph
from designer.core.project import Project
from designer.data.dataset import Dataset
from designer.data.fit import reshape_fits
from designer.data.registry import DATASETS
from designer.exchange.formats import ExportError
from designer.keras_bridge import custom_layers
from designer.keras_bridge.layers import keras_kwargs
from designer.training import gan as gan_module
from designer.training.losses import RECONSTRUCTING, labels_for_loss, metrics_for_loss, suggest_loss

#: what a script prints when it has trained, and where it saved the model (the check reads these lines)
TRAINED_MARK = re.compile(r"^Trained (\d+) epoch\(s\)$", re.MULTILINE)
SAVED_MARK = "Saved the trained model to "
#: the batch size of `--predict` (and of the check's own prediction: the VAE's sampling noise follows the batches)
PREDICT_BATCH = 32


class ScriptExportError(ExportError):
    """The project cannot be written as a script; the message says why in plain words (an ExportError, so it is
    shown like any export's)."""


# ------------------------------------------------------------------------------------------------ public API
def script_of(project: Project, dataset: Dataset, file_name: str | None = None) -> str:
    """The text of the Python script that rebuilds, trains and saves `project`'s network on `dataset` (the loaded
    data the project trains on: its arrays go in the ``<name>_data.npz`` file that `write_python` writes beside the
    script). `file_name`: the script's, which names the files beside it (default: made from the project's name)."""
    stem = Path(file_name).stem if file_name else None
    return parts_of(project, dataset, stem).script(file_name)


def write_python(project: Project, dataset: Dataset, path: str, weights_path: str | None = None) -> list[str]:
    """Write the script to `path`, and beside it the data file it reads (when the data is not a Keras download)
    and, with `weights_path` (weights saved with ``model.save_weights``), a copy of those weights that
    ``--weights`` can load. Returns the files written, the script first."""
    target = Path(path)
    parts = parts_of(project, dataset, target.stem)
    weights = target.parent / f"{target.stem}.weights.h5" if weights_path is not None else None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(parts.script(target.name, weights.name if weights else None), encoding="utf-8")
    written = [str(target)]
    written += parts.write_data(target.parent)
    if weights is not None:
        if Path(weights_path).resolve() != weights.resolve():
            shutil.copyfile(weights_path, weights)
        written.append(str(weights))
    return written


# ------------------------------------------------------------------------------------------------ the pieces
@dataclass
class ScriptParts:
    """The code of an export, piece by piece, each a block of Python; the script and the notebook put them
    together differently (functions and a `main` with arguments; cells run one after another)."""

    title: str
    description: str
    #: the export's name: the files it reads and writes are named after it (<stem>_data.npz, <stem>.keras)
    stem: str
    #: what the data is and how it was prepared, one paragraph
    data_story: str
    #: the model(s): build_model, or build_generator and build_discriminator
    builders: tuple[str, ...]
    gan: bool
    stochastic: bool
    imports: str
    settings: str
    custom_classes: list[tuple[str, str]]
    load_data: str
    build: str
    strategy: str
    compile: str
    train: str
    curves: str
    save: str
    predict: str
    #: the data has test rows, scored after training
    test: bool
    data_file: str | None = None
    arrays: dict[str, np.ndarray] = field(default_factory=dict)

    def write_data(self, folder: Path) -> list[str]:
        """Save the data file beside the script (none for a Keras download); returns the files written."""
        if self.data_file is None:
            return []
        path = folder / self.data_file
        np.savez_compressed(path, **self.arrays)
        return [str(path)]

    def script(self, file_name: str | None = None, weights_file: str | None = None) -> str:
        """The whole script; `file_name` is the one its usage lines show, `weights_file` the weights trained in the
        app that were written beside it."""
        blocks = [
            self._docstring(file_name or f"{self.stem}.py", weights_file) + "\n\n" + self.imports,
            'HERE = Path(__file__).resolve().parent  # the data is read from, and the model saved to, this folder\n\n'
            + self.settings,
            *(code for _, code in self.custom_classes),
            self.load_data,
            self.build,
            self.strategy,
            self.compile,
            self.train,
            self.curves,
            self.save,
            self.predict,
            self._main(),
            'if __name__ == "__main__":\n    main()',
        ]
        return "\n\n\n".join(block.strip("\n") for block in blocks if block) + "\n"

    def _docstring(self, file_name: str, weights_file: str | None) -> str:
        lines = [
            f"{self.title}: exported from Network Designer.",
            "",
            *(textwrap.wrap(self.description, 100) + [""] if self.description else []),
            "Rebuilds the network in plain Keras with its layer names, loads the same data with the same preparation,",
            "trains it with the same settings, shows the loss curves and saves the trained model.",
            "",
            *textwrap.wrap(self.data_story, 100),
            "",
            "Run it with:",
            *_usage(f"python {file_name}", weights_file or "trained.weights.h5"),
            "",
            *([f"{weights_file} holds the weights trained in Network Designer.", ""] if weights_file else []),
            "Needs TensorFlow 2.21 and Keras 3 (pip install tensorflow) and NumPy; matplotlib draws the curves.",
        ]
        return '"""' + _doc_text("\n".join(lines)) + '\n"""'

    def _main(self) -> str:
        if self.gan:
            return GAN_MAIN
        return MAIN.replace("{build_call}", "build_model(seed=args.seed)" if self.stochastic else "build_model()")


def _usage(command: str, weights: str) -> list[str]:
    """The ways to run the script, one per line, their comments aligned."""
    runs = [
        ("", "train as in the app"),
        (" --epochs 5", "fewer (or more) epochs"),
        (" --strategy mirrored", "on every GPU of this machine"),
        (" --strategy multiworker", "on several machines (each reads TF_CONFIG)"),
        (f" --weights {weights}", "start from weights saved by model.save_weights"),
        (f" --weights {weights} --predict in.npz out.npz", "the outputs for in.npz with those weights, no training"),
    ]
    width = max(len(command + arguments) for arguments, _ in runs[:-1])
    lines = [f"    {(command + arguments).ljust(width)}  # {comment}" for arguments, comment in runs[:-1]]
    arguments, comment = runs[-1]  # the longest: its comment on a line of its own
    return lines + [f"    {command}{arguments}", f"    {''.ljust(width)}  # {comment}"]


def parts_of(project: Project, dataset: Dataset, stem: str | None = None) -> ScriptParts:
    """The pieces of the export of `project` trained on `dataset`, the files beside it named after `stem` (default:
    made from the project's name); ScriptExportError when it cannot be written."""
    if dataset.streamed:
        raise ScriptExportError(
            f"The data {dataset.name} is an image folder read from disk while training; a script can only take data "
            "that fits in memory. Choose a smaller image size so the folder is loaded at once, then export again."
        )
    settings = dict(project.training)
    gan = settings["mode"] == "gan" or project.is_gan
    if gan:
        try:
            graphs = (project.graph("generator"), project.graph("discriminator"))
        except KeyError:
            raise ScriptExportError("GAN training needs a generator graph and a discriminator graph.") from None
        data_graph = graphs[1]
    else:
        graphs = (project.graph("model"),)
        data_graph = graphs[0]
    stochastic = any(_samples(graph) for graph in graphs)
    names = ("build_generator", "build_discriminator") if gan else ("build_model",)
    builds = [_builder_code(graph, name, _samples(graph)) for graph, name in zip(graphs, names)]
    if gan:
        _check_gan_shapes(*graphs)

    title = project.name or "Untitled"
    stem = stem or _slug(title, "model")
    data = _data_code(dataset, data_graph, settings, gan, f"{stem}_data.npz")
    custom = []
    if stochastic:
        custom.append((
            "The VAE sampling layer, as Network Designer defines it: it draws the code z from the mean and the "
            "log-variance, and adds the KL divergence to the loss.",
            _vae_class_source(),
        ))
    if gan:
        custom.append((
            "The model that trains a GAN, as Network Designer defines it: the discriminator and the generator are "
            "updated in turn, each with its own optimizer.",
            _gan_class_source(),
        ))
    return ScriptParts(
        title=title,
        description=project.description,
        stem=stem,
        data_story=data.story,
        builders=names,
        gan=gan,
        stochastic=stochastic,
        imports=_imports(stochastic),
        settings=_settings_code(settings),
        custom_classes=custom,
        load_data=data.code,
        build="\n\n\n".join(builds),
        strategy=_strategy_code(settings["device"]),
        compile=_compile_code(settings, data.loss, data.metrics, gan),
        train=_train_code(settings, data, gan),
        curves=CURVES.replace("curves.png", f"{stem}_curves.png"),
        save=_save_code(gan, stem),
        predict=PREDICT,
        test=data.test,
        data_file=data.file_name,
        arrays=data.arrays,
    )


def _samples(graph: LayerGraph) -> bool:
    """The graph draws random numbers when it predicts (a VAE sampling layer)."""
    return any(node.kind == "VAESampling" for node in graph.nodes())


# ------------------------------------------------------------------------------------------------ formatting
def _py(value: Any) -> str:
    """`value` as Python source: strings in double quotes, tuples as tuples."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple):
        inner = ", ".join(_py(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(_py(v) for v in value) + "]"
    raise ScriptExportError(f"a parameter value {value!r} cannot be written in a script")


def _doc_text(text: str) -> str:
    # a project's name or description may hold backslashes or triple quotes, which would end the docstring
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def _slug(text: str, fallback: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()[:40].strip("_")
    return slug or fallback


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
        # a pretrained backbone also needs `<name>_network` for the network itself (see _backbone_lines)
        backbone = catalogue.get(node.kind).keras.startswith("keras.applications.")
        base = re.sub(r"\W", "_", node.name)
        if not base.isidentifier() or base in taken:
            base = f"{base}_"
        candidate, count = base, 1
        while candidate in taken or (backbone and f"{candidate}_network" in taken):
            count += 1
            candidate = f"{base}{count}"
        taken.add(candidate)
        if backbone:
            taken.add(f"{candidate}_network")
        names[node_id] = candidate
    return names


# ------------------------------------------------------------------------------------------------ the model
def _builder_code(graph: LayerGraph, function: str, stochastic: bool) -> str:
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
            body.append(f"{var} = keras.Input(shape={_py(tuple(node.params['shape']))}, name={_py(node.name)})")
            inputs.append(var)
            continue
        called = sources[0] if kind.max_inputs == 1 else "[" + ", ".join(sources) + "]"
        if kind.keras.startswith("keras.applications."):
            body += _backbone_lines(kind, node.params, node.name, var, called)
        elif kind.keras == "designer>VAESampling":
            body.append(
                f"{var} = VAESamplingLayer(kl_weight={_py(float(node.params['kl_weight']))}, seed=seed, "
                f"name={_py(node.name)})({called})"
            )
        elif kind.keras.startswith("keras.layers."):
            body.append(f"{var} = {_layer_call(kind, node.params, node.name)}({called})")
        else:
            raise ScriptExportError(f"{node.name}: the layer kind {kind.title} cannot be written in a script yet.")
        if not graph.outputs_of(node_id):
            outputs.append(var)
    if not outputs:
        raise ScriptExportError(f"The graph {graph.name} has no output: add at least one layer after the Input.")
    listed = lambda names: names[0] if len(names) == 1 else "[" + ", ".join(names) + "]"  # noqa: E731
    model_name = _py(_model_name(graph.name))  # the app's name for the model
    body.append(f"return keras.Model(inputs={listed(inputs)}, outputs={listed(outputs)}, name={model_name})")
    signature = f"def {function}(seed=None):" if stochastic else f"def {function}():"
    return signature + "\n" + textwrap.indent("\n".join(body), "    ")


def _layer_call(kind: catalogue.LayerKind, params: dict[str, Any], name: str) -> str:
    """``layers.Dense(units=10, activation="softmax", name="out")``: the arguments the app passes, less those equal
    to Keras's own defaults (the same layer, easier to read)."""
    import keras

    class_name = kind.keras.removeprefix("keras.layers.")
    layer_class = getattr(keras.layers, class_name)
    defaults = {
        p.name: p.default for p in inspect.signature(layer_class.__init__).parameters.values()
        if p.default is not inspect.Parameter.empty
    }
    arguments = []
    for key, value in keras_kwargs(kind, params).items():
        if key in defaults and _same(defaults[key], value):
            continue
        arguments.append(f"{key}={_py(value)}")
    arguments.append(f"name={_py(name)}")
    return f"layers.{class_name}({', '.join(arguments)})"


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
        f"input_shape={called}.shape[1:], name={_py(name)})",
        f"{var}_network.trainable = {trainable}  # {note}",
        f"{var} = {var}_network({called})",
    ]


def _check_gan_shapes(generator: LayerGraph, discriminator: LayerGraph) -> None:
    """The engine's own check, before a script that could not train is written."""
    from designer.keras_bridge.models import compile_graph

    produced = tuple(compile_graph(generator, load_pretrained_weights=False).output_shape[1:])
    judged = tuple(_input_shape(discriminator))
    if produced != judged:
        raise ScriptExportError(
            f"The generator makes samples of shape {produced} but the discriminator reads {judged}: they must match."
        )


def _input_shape(graph: LayerGraph) -> tuple[int, ...]:
    """The shape of the graph's first Input (the one the data feeds, as in the engine)."""
    for node_id in graph.topological_order():
        node = graph.node(node_id)
        if catalogue.get(node.kind).is_source:
            return tuple(node.params["shape"])
    raise ScriptExportError(f"The graph {graph.name} has no Input layer.")


def _output_node(graph: LayerGraph):
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


def _vae_class_source() -> str:
    return _class_source(custom_layers, "@keras.saving.register_keras_serializable", "    return VAESamplingLayer")


def _gan_class_source() -> str:
    return _class_source(gan_module, "class GAN(keras.Model):", "    return GAN(")


# ------------------------------------------------------------------------------------------------ the data
@dataclass
class _Data:
    code: str
    story: str
    loss: str
    metrics: list[str]
    validation: bool
    test: bool
    file_name: str | None = None
    arrays: dict[str, np.ndarray] = field(default_factory=dict)


def _data_code(dataset: Dataset, graph: LayerGraph, settings: dict[str, Any], gan: bool, data_file: str) -> _Data:
    """`def load_data():` returning (x_train, y_train, validation_data, test_data) as the model reads them."""
    mode = "gan" if gan else settings["mode"]
    info = DATASETS.get(dataset.name)
    download = info is not None and info.source == "download"
    options = dict(dataset.options)
    lines: list[str] = []
    if download:
        lines += _download_lines(dataset.name, info, options)
        file_name, arrays = None, {}
        story = (
            f"The data: {info.title}, downloaded by Keras the first time (keras.datasets.{dataset.name}); its "
            f"training split prepared as Network Designer does{_options_story(options)}."
        )
    else:
        file_name = data_file
        arrays = _arrays_of(dataset)
        title = dataset.title if info is not None else f"your file {Path(dataset.name).name}"
        story = (
            f"The data: {title}, as Network Designer loaded and prepared it{_options_story(options)}; its arrays are "
            f"saved beside this file in {file_name}."
        )
        lines.append(f"with np.load(HERE / {_py(file_name)}) as data:")
        for key in arrays:
            if key in _needed(mode):
                lines.append(f"    {key} = data[{_py(key)}]")
    present = {key for key in _needed(mode) if getattr(dataset, key) is not None}

    # the rows as the model's Input reads them (the engine's shaped_for_input)
    wanted = _input_shape(graph)
    sample = dataset.sample_shape
    if sample != wanted:
        if not reshape_fits(sample, wanted):
            raise ScriptExportError(
                f"The data's samples have shape {sample} but the model's Input expects {wanted}. Set the Input shape "
                f"to {list(sample)}, or choose data that fits."
            )
        lines.append(f"# the model's Input takes samples of shape {wanted}: the data's {sample} are rearranged to it")
        for key in ("x_train", "x_val", "x_test", "noisy_train", "noisy_val"):
            if key in present:
                lines.append(f"{key} = {key}.reshape((len({key}), {', '.join(str(s) for s in wanted)}))")

    validation = "x_val" in present
    test = "x_test" in present and not gan
    if mode in RECONSTRUCTING:
        loss = settings["loss"] if settings["loss"] != "auto" else suggest_loss(graph, mode, None)
        noisy = "noisy_train" in present
        if noisy:
            lines.append("# a denoising autoencoder: it reads the noisy inputs and learns to give back the clean ones")
        else:
            lines.append("# an autoencoder learns to give back its own input")
        x, x_val = ("noisy_train", "noisy_val") if noisy else ("x_train", "x_val")
        lines.append(f"return {x}, x_train, {f'({x_val}, x_val)' if validation else 'None'}, "
                     f"{'(x_test, x_test)' if test else 'None'}")
    elif gan:
        loss = "binary_crossentropy"
        lines.append("# a GAN learns from the samples alone: no labels, no validation rows")
        lines.append("return x_train, None, None, None")
    else:
        if dataset.y_train is None:
            raise ScriptExportError(
                f"The dataset {dataset.name} has no labels; choose the autoencoder mode or other data."
            )
        loss = settings["loss"]
        if loss == "auto":
            loss = suggest_loss(graph, mode, np.asarray(dataset.y_train))
        output = _output_node(graph)
        classes = dataset.num_classes or (output.params.get("units") if output is not None else None) or 1
        for key in ("y_train", "y_val", "y_test"):
            if key not in present:
                continue
            converted = _label_conversion(getattr(dataset, key), loss, int(classes), key)
            if converted:
                lines.append(converted)
        lines.append(f"return x_train, y_train, {'(x_val, y_val)' if validation else 'None'}, "
                     f"{'(x_test, y_test)' if test else 'None'}")
    metrics = [] if gan else [_metric_code(m) for m in metrics_for_loss(settings["metrics"], loss, mode)]

    doc = '"""x_train, y_train as the model reads them; the validation and the test rows as (x, y) pairs, or None."""'
    code = "def load_data():\n" + textwrap.indent(doc + "\n" + "\n".join(lines), "    ")
    return _Data(code, story, loss, metrics, validation, test, file_name, arrays)


def _needed(mode: str) -> tuple[str, ...]:
    """The arrays a mode trains on (the data file keeps them all)."""
    if mode == "gan":
        return ("x_train",)
    if mode in RECONSTRUCTING:
        return ("x_train", "x_val", "x_test", "noisy_train", "noisy_val")
    return ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test")


def _arrays_of(dataset: Dataset) -> dict[str, np.ndarray]:
    arrays = {}
    for key in ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test", "noisy_train", "noisy_val"):
        value = getattr(dataset, key)
        if value is not None:
            arrays[key] = np.asarray(value)
    if dataset.class_names:
        arrays["class_names"] = np.asarray([str(name) for name in dataset.class_names])
    return arrays


def _label_conversion(y: np.ndarray, loss: str, classes: int, key: str) -> str | None:
    """The engine's labels_for_loss as a line of the script, or None when the labels are already as the loss reads
    them."""
    y = np.asarray(y)
    converted = labels_for_loss(y, loss, classes)
    if converted is y:
        return None
    if loss == "categorical_crossentropy":
        return (f"{key} = np.eye({classes}, dtype=np.float32)[{key}.reshape(-1)]  "
                "# categorical cross-entropy reads one-hot rows")
    return f"{key} = {key}.argmax(axis=1).astype(np.int64)  # sparse categorical cross-entropy reads class numbers"


def _metric_code(metric: Any) -> str:
    if isinstance(metric, str):
        return _py(metric)
    return f"keras.metrics.{type(metric).__name__}(name={_py(metric.name)})"


_DEFAULT_OPTIONS = {"scale": "auto", "flatten": False, "labels": "integer", "validation": "split", "shuffle": False,
                    "test_fraction": 0.0, "test_rows": 0, "input_noise": 0.0}


def _options_story(options: dict[str, Any]) -> str:
    said = []
    for key, default in _DEFAULT_OPTIONS.items():
        value = options.get(key, default)
        if value == default:
            continue
        if key == "scale":
            said.append("standardized" if value == "standardize" else "not rescaled" if value == "none"
                        else f"scaled to {value}")
        elif key == "flatten":
            said.append("flattened")
        elif key == "labels":
            said.append("one-hot labels")
        elif key == "shuffle":
            said.append(f"shuffled with seed {options.get('seed', 0)}")
        elif key == "validation":
            said.append(f"the last {options.get('validation_rows')} rows kept for validation")
        elif key == "test_rows":
            said.append(f"the last {value} rows kept apart to test")
        elif key == "test_fraction" and not options.get("test_rows"):
            said.append(f"the last {value:g} of the rows kept apart to test")
        elif key == "input_noise":
            said.append(f"noise of standard deviation {value:g} added to the inputs")
    return f" ({', '.join(said)})" if said else ""


def _download_lines(name: str, info, options: dict[str, Any]) -> list[str]:
    """The registry's loading and `_prepare` of a Keras download, step by step with the same NumPy operations."""
    classes = len(_class_names(name))
    lines = [
        f"(x_train, y_train), _ = keras.datasets.{name}.load_data()  # the training split; the test split stays unused",
        "y_train = np.asarray(y_train).reshape(-1).astype(np.int64)",
    ]
    scale = options["scale"]
    if scale == "auto":
        scale = "0..1" if info.image_max else "none"
    top = _py(float(info.image_max))
    if scale == "0..1":
        lines.append(f"x_train = x_train.astype(np.float32) / {top}  # pixel values scaled to 0..1")
    elif scale == "-1..1":
        lines.append(f"x_train = (x_train.astype(np.float32) / {top}) * 2.0 - 1.0  # pixel values scaled to -1..1")
    elif scale == "standardize":
        lines.append("x_train = x_train.astype(np.float32)")
        lines.append("x_train = (x_train - x_train.mean(axis=0)) / (x_train.std(axis=0) + 1e-7)  # standardized")
    else:
        lines.append("x_train = x_train.astype(np.float32)")
    if options["flatten"]:
        lines.append("x_train = x_train.reshape(len(x_train), -1)  # each image laid out flat")
    if options["labels"] == "one-hot":
        lines.append(f"y_train = np.eye({classes}, dtype=np.float32)[y_train]  # one-hot labels")
    uses_rng = options["shuffle"] or options["input_noise"] > 0
    if uses_rng:
        lines.append(f"rng = np.random.default_rng({options['seed']})")
    if options["shuffle"]:
        lines.append("order = rng.permutation(len(x_train))  # shuffled before rows are set aside")
        lines.append("x_train, y_train = x_train[order], y_train[order]")
    if options["test_rows"] or options["test_fraction"] > 0:
        fraction = _py(options["test_fraction"])
        rows = _py(options["test_rows"]) if options["test_rows"] else f"int(round(len(x_train) * {fraction}))"
        lines.append(f"test_rows = {rows}  # the last rows: a test set never seen in training")
        lines.append("x_train, x_test = x_train[:-test_rows], x_train[-test_rows:]")
        lines.append("y_train, y_test = y_train[:-test_rows], y_train[-test_rows:]")
    if options["validation"] == "last":
        rows = options["validation_rows"]
        lines.append(f"x_train, x_val = x_train[:-{rows}], x_train[-{rows}:]  # the last {rows} rows validate")
        lines.append(f"y_train, y_val = y_train[:-{rows}], y_train[-{rows}:]")
    if options["input_noise"] > 0:
        stddev = _py(float(options["input_noise"]))
        lines.append(f"# inputs with noise (standard deviation {stddev}) within the data's range; targets stay clean")
        targets = ["train"] + (["val"] if options["validation"] == "last" else [])
        for part in targets:
            lines.append(
                f"noisy_{part} = np.clip(x_{part} + rng.normal(0.0, {stddev}, size=x_{part}.shape).astype(np.float32), "
                f"float(x_{part}.min()), float(x_{part}.max())).astype(np.float32)"
            )
    return lines


def _class_names(name: str) -> list[str]:
    from designer.data.registry import CLASS_NAMES

    return CLASS_NAMES[name]


# ------------------------------------------------------------------------------------------------ the rest
def _imports(stochastic: bool) -> str:
    lines = ["import argparse", "import json", "import os", "import shutil", "import tempfile",
             "from pathlib import Path"]
    if stochastic:
        lines.append("from typing import Any")
    lines += ["", "import keras", "import numpy as np", "import tensorflow as tf"]
    if stochastic:
        lines.append("from keras import layers, ops")
    else:
        lines.append("from keras import layers")
    return "\n".join(lines)


def _settings_code(settings: dict[str, Any]) -> str:
    return "\n".join([
        "# The training settings, as they were in Network Designer",
        f"EPOCHS = {settings['epochs']}",
        f"BATCH_SIZE = {settings['batch_size']}",
        f"LEARNING_RATE = {_py(float(settings['learning_rate']))}",
        f"SEED = {_py(settings['seed'])}  # a whole number makes the runs repeatable; None: new random numbers",
    ])


def _optimizer_code(settings: dict[str, Any]) -> str:
    if settings["optimizer"] == "sgd":
        return f"keras.optimizers.SGD(learning_rate=LEARNING_RATE, momentum={_py(float(settings['momentum']))})"
    if settings["optimizer"] == "rmsprop":
        return f"keras.optimizers.RMSprop(learning_rate=LEARNING_RATE, momentum={_py(float(settings['momentum']))})"
    return f"keras.optimizers.Adam(learning_rate=LEARNING_RATE, beta_1={_py(float(settings['beta_1']))})"


def _compile_code(settings: dict[str, Any], loss: str, metrics: list[str], gan: bool) -> str:
    optimizer = _optimizer_code(settings)
    if gan:
        return textwrap.dedent(f'''\
            def compile_gan(generator, discriminator):
                """The model that trains both networks, one optimizer each (call it inside the strategy's scope)."""
                gan = GAN(generator, discriminator)
                # both networks are built already: nothing for Keras to build from the data (needed under a strategy)
                gan.built = True
                gan.compile(d_optimizer={optimizer}, g_optimizer={optimizer})
                # the optimizers' variables are made now, inside the strategy's scope, not during the first step
                gan.d_optimizer.build(discriminator.trainable_variables)
                gan.g_optimizer.build(generator.trainable_variables)
                return gan''')
    chosen = "" if settings["loss"] != "auto" else "  # \"auto\" in the app: the loss that suits the output layer"
    return textwrap.dedent(f'''\
        def compile_model(model):
            """The optimizer, the loss and the metrics of the training settings."""
            model.compile(
                optimizer={optimizer},
                loss={_py(loss)},{chosen}
                metrics=[{", ".join(metrics)}],
            )''')


def _train_code(settings: dict[str, Any], data: _Data, gan: bool) -> str:
    if gan:
        return textwrap.dedent('''\
            def train(gan, x_train, epochs):
                """Fit the GAN: every batch updates the discriminator, then the generator."""
                return gan.fit(x_train, batch_size=BATCH_SIZE, epochs=epochs, verbose=2)''')
    arguments = ["batch_size=BATCH_SIZE,", "epochs=epochs,"]
    split = settings["validation_split"]
    if data.validation:
        arguments.append("validation_data=validation_data,")
    elif split > 0:
        arguments.append(f"validation_split={_py(float(split))},  # Keras holds out the last rows to validate")
    patience = settings["early_stopping_patience"]
    callbacks = ""
    if patience > 0:
        monitor = "val_loss" if data.validation or split > 0 else "loss"
        callbacks = (
            f"    # stop when the {'validation ' if monitor == 'val_loss' else ''}loss has not improved for {patience} "
            f"epoch{'s' * (patience != 1)}, keeping the best weights\n"
            f"    stop_early = keras.callbacks.EarlyStopping(monitor={_py(monitor)}, patience={patience}, "
            "restore_best_weights=True)\n"
        )
        arguments.append("callbacks=[stop_early],")
    arguments.append("verbose=2,  # one line per epoch")
    lines = "\n        ".join(arguments)
    return (
        "def train(model, x_train, y_train, validation_data, epochs):\n"
        '    """Fit the model with the batch size and the validation of the training settings."""\n'
        f"{callbacks}"
        f"    return model.fit(\n        x_train,\n        y_train,\n        {lines}\n    )"
    )


def _save_code(gan: bool, slug: str) -> str:
    if gan:
        generator, discriminator = _py(f"{slug}_generator.keras"), _py(f"{slug}_discriminator.keras")
        files = f'{{"generator": {generator}, "discriminator": {discriminator}}}'
        first = "def save_models(networks, strategy_name):"
        doc = '"""Save the trained networks beside this file as .keras files (with several workers, the chief does)."""'
        body = textwrap.dedent(f'''\
            files = {files}
            for role, network in networks.items():
                save_one(network, files[role], strategy_name)''')
    else:
        first = "def save_models(model, strategy_name):"
        doc = '"""Save the trained model beside this file as a .keras file (with several workers, the chief does)."""'
        body = f"save_one(model, {_py(slug + '.keras')}, strategy_name)"
    return SAVE_ONE + "\n\n\n" + first + "\n" + textwrap.indent(doc + "\n" + body, "    ")


def _strategy_code(device: str) -> str:
    if device == "auto":
        one = "    return tf.distribute.get_strategy()  # the default: TensorFlow's own choice of device"
    elif device == "cpu":
        one = '    return tf.distribute.OneDeviceStrategy("/cpu:0")  # the device chosen in the training settings'
    else:
        index = int(device.split(":")[1])
        one = textwrap.indent(textwrap.dedent(f'''\
            if len(tf.config.list_logical_devices("GPU")) <= {index}:
                raise SystemExit("The training settings ask for GPU {index}, which TensorFlow does not see here: "
                                 "use --strategy mirrored, or change the device in this function.")
            return tf.distribute.OneDeviceStrategy("/gpu:{index}")  # the device of the training settings'''), "    ")
    return STRATEGY.replace("{one}", one) + "\n\n\n" + MULTIWORKER_FIX


# ------------------------------------------------------------------------------------------------ fixed code
STRATEGY = '''\
def choose_strategy(name):
    """Where the model trains: "one" device, "mirrored" (every GPU of this machine), or "multiworker" (several
    machines; each process reads its place in the cluster from the TF_CONFIG environment variable)."""
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multiworker":
        return tf.distribute.MultiWorkerMirroredStrategy()
{one}


def is_chief(strategy_name):
    """True for the process that saves the results: the only one, or the chief of several workers."""
    if strategy_name != "multiworker":
        return True
    config = json.loads(os.environ.get("TF_CONFIG") or "{}")
    task = config.get("task", {})
    if "chief" in config.get("cluster", {}):
        return task.get("type") == "chief"
    return task.get("index", 0) == 0'''

MULTIWORKER_FIX = '''\
def fix_keras_for_multiworker(model, strategy, sample_batch):
    """Let Keras 3 fit under MultiWorkerMirroredStrategy with several workers.

    Keras 3 (up to 3.15 at least) averages the first batch, and each step's scalar losses, along an axis they do not
    have when several workers train together (https://github.com/keras-team/keras/issues/20585). Two small patches
    work around it: the model is built from a local batch, and scalars are averaged over the replicas. Nothing
    changes with one worker."""
    from keras.src.backend.tensorflow import trainer as tf_trainer

    if not tf_trainer._collective_all_reduce_multi_worker(strategy):
        return

    def build_from_local_batch(iterator=None, data_batch=None):
        with strategy.scope():
            model._symbolic_build(data_batch=sample_batch)

    model._maybe_symbolic_build = build_from_local_batch
    if getattr(tf_trainer.reduce_per_replica, "fixed_for_multiworker", False):
        return
    keras_reduce = tf_trainer.reduce_per_replica

    def reduce_per_replica(values, strategy, reduction):
        if reduction in ("auto", "mean") and tf_trainer._collective_all_reduce_multi_worker(strategy):
            def mean(value):
                first = strategy.experimental_local_results(value)[0]
                return strategy.reduce("MEAN", value, axis=0 if first.shape.rank else None)

            return tf.nest.map_structure(mean, values)
        return keras_reduce(values, strategy, reduction)

    reduce_per_replica.fixed_for_multiworker = True
    tf_trainer.reduce_per_replica = reduce_per_replica'''

CURVES = '''\
def show_curves(history):
    """The loss and metric curves, epoch by epoch: drawn with matplotlib when it is installed, else printed."""
    names = [name for name in history if not name.startswith("val_")]
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        for epoch in range(len(history[names[0]])):
            values = ", ".join(f"{name} {history[name][epoch]:.4g}" for name in history)
            print(f"epoch {epoch + 1}: {values}")
        return
    figure, axes = plt.subplots(1, len(names), figsize=(5 * len(names), 4), squeeze=False)
    for axis, name in zip(axes[0], names):
        epochs = range(1, len(history[name]) + 1)
        axis.plot(epochs, history[name], marker="o", label="training")
        if f"val_{name}" in history:
            axis.plot(epochs, history[f"val_{name}"], marker="o", label="validation")
        axis.set_title(name)
        axis.set_xlabel("epoch")
        axis.legend()
    figure.tight_layout()
    figure.savefig(HERE / "curves.png")
    print(f"Saved the curves to {HERE / 'curves.png'}")
    plt.show()'''

SAVE_ONE = f'''\
def save_one(network, file_name, strategy_name):
    """Save one network as a .keras file; with several workers each one saves (saving may need all of them) but only
    the chief's file is kept."""
    if is_chief(strategy_name):
        network.save(HERE / file_name)
        print(f"{SAVED_MARK}{{HERE / file_name}}")
        return
    folder = tempfile.mkdtemp()
    network.save(os.path.join(folder, file_name))
    shutil.rmtree(folder, ignore_errors=True)'''

PREDICT = f'''\
def predict_file(model, in_path, out_path):
    """Write the model's outputs for the arrays of IN.npz (x, or x0, x1... for several inputs) to OUT.npz (y, or
    y0, y1... for several outputs)."""
    with np.load(in_path) as data:
        inputs = data["x"] if "x" in data.files else [data[f"x{{i}}"] for i in range(len(data.files))]
    outputs = model.predict(inputs, batch_size={PREDICT_BATCH}, verbose=0)
    if isinstance(outputs, (list, tuple)):
        np.savez(out_path, **{{f"y{{i}}": np.asarray(y) for i, y in enumerate(outputs)}})
    else:
        np.savez(out_path, y=np.asarray(outputs))
    print(f"Wrote the outputs for {{in_path}} to {{out_path}}")'''

_ARGUMENTS = '''\
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS, help=f"passes over the data (default {EPOCHS})")
    parser.add_argument("--strategy", choices=("one", "mirrored", "multiworker"), default="one",
                        help="one device, every GPU of this machine, or several machines (TF_CONFIG)")
    parser.add_argument("--seed", type=int, default=SEED, help="a seed for repeatable runs")
    parser.add_argument("--weights", help="start from weights saved with model.save_weights (a .weights.h5 file)")
    parser.add_argument("--predict", nargs=2, metavar=("IN.npz", "OUT.npz"),
                        help="write the model's outputs for the arrays of IN.npz to OUT.npz, and stop (no training)")'''

MAIN = f'''\
def main():
{_ARGUMENTS}
    args = parser.parse_args()
    if args.seed is not None:
        keras.utils.set_random_seed(args.seed)

    if args.predict:
        model = {{build_call}}
        if args.weights:
            model.load_weights(args.weights)
        predict_file(model, *args.predict)
        return

    x_train, y_train, validation_data, test_data = load_data()
    print(f"Training rows: {{len(x_train)}}, each of shape {{x_train.shape[1:]}}")
    strategy = choose_strategy(args.strategy)
    with strategy.scope():  # the model's variables live where the strategy puts them
        model = {{build_call}}
        if args.weights:
            model.load_weights(args.weights)
        compile_model(model)
    model.summary()
    if args.strategy == "multiworker":
        fix_keras_for_multiworker(model, strategy, (x_train[:2], y_train[:2]))

    history = train(model, x_train, y_train, validation_data, args.epochs)
    print(f"Trained {{len(history.history['loss'])}} epoch(s)")
    if test_data is not None:
        scores = model.evaluate(*test_data, batch_size=BATCH_SIZE, verbose=0, return_dict=True)
        print("On the test rows:", ", ".join(f"{{name}} {{value:.4g}}" for name, value in scores.items()))
    save_models(model, args.strategy)
    if is_chief(args.strategy):
        show_curves(history.history)'''

GAN_MAIN = f'''\
def main():
{_ARGUMENTS}
    parser.add_argument("--discriminator-weights", help="start the discriminator from weights saved with save_weights")
    args = parser.parse_args()
    if args.seed is not None:
        keras.utils.set_random_seed(args.seed)

    if args.predict:  # a GAN's outputs are the generator's
        generator = build_generator()
        if args.weights:
            generator.load_weights(args.weights)
        predict_file(generator, *args.predict)
        return

    x_train, _, _, _ = load_data()
    print(f"Training rows: {{len(x_train)}}, each of shape {{x_train.shape[1:]}}")
    strategy = choose_strategy(args.strategy)
    with strategy.scope():  # the networks' variables live where the strategy puts them
        generator = build_generator()
        discriminator = build_discriminator()
        if args.weights:
            generator.load_weights(args.weights)
        if args.discriminator_weights:
            discriminator.load_weights(args.discriminator_weights)
        gan = compile_gan(generator, discriminator)
    generator.summary()
    discriminator.summary()
    if args.strategy == "multiworker":
        fix_keras_for_multiworker(gan, strategy, (x_train[:2],))

    history = train(gan, x_train, args.epochs)
    print(f"Trained {{len(history.history['d_loss'])}} epoch(s)")
    save_models({{"generator": generator, "discriminator": discriminator}}, args.strategy)
    if is_chief(args.strategy):
        show_curves(history.history)'''
