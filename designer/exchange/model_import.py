"""Open a Keras model made elsewhere as an editable project: `import_model(path)`, then `check_import(result)`.

The file is read and checked first (`model_file`: whole, fits in memory, nothing that would run code); its
configuration becomes a layer graph (`model_graph`), laid out top to bottom with branches side by side; the
weights are kept with the project as trained weights (`designer.core.trained`) and the training settings come from
how the model was compiled; the dataset is left unchosen. A ``.keras`` file whose layers all became one node each,
in the model's order, needs no Keras load at all: its own weights file fits the canvas's model as it is. A model
with nested or shared layers, or a legacy ``.h5`` file, is loaded by Keras (safe mode) and its layers' weights
copied into the canvas's model one by one.

`check_import` then loads the file's model with Keras, builds the canvas's model with the kept weights and runs both
on the same inputs: an import that would change what the model computes says so, it is never silent. It takes
seconds for a big model, so the window runs it after the project is shown.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field

from designer.core import catalogue
from designer.core.layout import layered_positions
from designer.core.project import Project
from designer.core.trained import TrainedWeights
from designer.exchange.model_file import ModelFile, ModelImportError, read_model_file
from designer.exchange.model_graph import GraphPlan, ModelGraphError, graph_from_config
from designer.exchange.model_settings import training_from_compile

#: outputs of the file's model and the canvas's model on the same inputs may differ by float rounding only
OUTPUT_TOLERANCE = 1e-4


@dataclass(frozen=True)
class ImportCheck:
    """The file's model and the canvas's, side by side."""

    #: weights as Keras counts them in the file's model, and in the canvas's model (more when a layer was shared)
    keras_params: int
    canvas_params: int
    #: the largest difference between the two models' outputs on the same inputs (None: the model draws random
    #: numbers as it predicts, so outputs are not compared)
    largest_difference: float | None

    @property
    def same_outputs(self) -> bool:
        return self.largest_difference is None or self.largest_difference <= OUTPUT_TOLERANCE

    def lines(self) -> list[str]:
        counted = (f"Keras counts the same {self.keras_params:,} weights in the file's model"
                   if self.keras_params == self.canvas_params else
                   f"Keras counts {self.keras_params:,} weights in the file's model, the canvas {self.canvas_params:,} "
                   "(a shared layer has one copy per use)")
        if self.largest_difference is None:
            return [f"Checked: {counted}; the model draws random numbers as it predicts, so its outputs were not "
                    "compared."]
        if self.same_outputs:
            return [f"Checked: {counted}, and the canvas's model gives the same outputs on the same inputs."]
        return [f"Warning: {counted}, but on the same inputs the outputs differ by up to {self.largest_difference:.3g}; "
                "look at the layers kept whole as Keras layers before trusting this project."]


@dataclass
class ImportResult:
    project: Project
    plan: GraphPlan
    #: the file imported
    path: str
    #: weights on the canvas, as the shape oracle counts them
    canvas_params: int
    #: the weights the project keeps (also in `project.trained`, which the window may change meanwhile)
    trained: TrainedWeights
    #: what could not be taken over from the compile settings
    notes: list[str] = field(default_factory=list)
    #: set by `check_import`
    check: ImportCheck | None = None
    #: the file's model when the import had to load it (reused by the check)
    keras_model: object = field(default=None, repr=False)
    #: step -> seconds it took
    timings: dict[str, float] = field(default_factory=dict, repr=False)

    def summary(self) -> list[str]:
        """What became what, in plain lines, for the window and the command line."""
        plan, shown = self.plan, os.path.basename(self.path)
        lines = [f"Imported {plan.graph.name} from {shown}: {len(plan.layers)} layers, {self.canvas_params:,} weights."]
        counts = Counter(layer.kind for layer in plan.layers if layer.kind not in ("Input", "KerasLayer"))
        if counts:
            lines.append("Palette layers: " + ", ".join(f"{catalogue.get(k).title} ×{n}" for k, n in counts.most_common()) + ".")
        generic = Counter(layer.class_name for layer in plan.layers if layer.kind == "KerasLayer")
        if generic:
            lines.append("Kept whole as Keras layers (no palette entry says all their settings): "
                         + ", ".join(f"{name} ×{n}" for name, n in generic.most_common()) + ".")
        lines += plan.notes + self.notes
        lines += self.check.lines() if self.check is not None else []
        lines.append("Choose a dataset before training; the weights from the file are kept with the project.")
        return lines

    def table(self) -> list[tuple[str, str, str]]:
        """(layer in the file, its Keras class, what it became on the canvas) for every node."""
        rows = []
        for layer in self.plan.layers:
            became = catalogue.get(layer.kind).title
            if layer.name != layer.source[-1]:
                became += f" named {layer.name}"
            rows.append(("/".join(layer.source), layer.class_name, became + (f" ({layer.note})" if layer.note else "")))
        return rows


def import_model(path: str) -> ImportResult:
    """The project of the Keras model in `path`; ModelImportError (one plain sentence naming the file) otherwise."""
    shown = os.path.basename(path) or path
    clock = _Stopwatch()
    model_file = read_model_file(path)
    clock.lap("read and check the file")
    keras_model = None
    config = model_file.config
    if model_file.format != "keras":  # a legacy file: Keras turns its description into today's form
        keras_model = _load(model_file, shown)
        config = _serialized(keras_model)
        clock.lap("load the legacy file with Keras")
    try:
        plan = graph_from_config(config)
    except ModelGraphError as error:
        raise ModelImportError(f"{shown} cannot be shown on the canvas: {error}.") from None
    except (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError) as error:
        # a description Keras would not have written: a file may hold anything
        raise ModelImportError(f"{shown} is damaged: its model description cannot be read ({type(error).__name__}: "
                               f"{str(error)[:120]}).") from None
    clock.lap("make the graph (match each layer to a kind)")
    for node_id, position in layered_positions(plan.graph).items():
        plan.graph.set_position(node_id, position)
    clock.lap("lay it out")
    report = _analysed(plan, shown)
    clock.lap("shapes and counts from Keras")
    if plan.flat and model_file.format == "keras":
        data = _weights_file(model_file, shown)
        shapes = {plan.graph.node(n).name: r.weight_shapes for n, r in report.nodes.items() if r.weight_shapes}
        trained = TrainedWeights(data, plan.graph.copy(), shapes, 0)
    else:
        if keras_model is None:
            keras_model = _load(model_file, shown)
        trained = _copied_weights(keras_model, plan, shown)
    clock.lap("keep the weights")
    settings, notes = training_from_compile(model_file.compile_config)
    # the project gets its own copy of the graph: the window edits it while `check_import` reads the plan's
    project = Project.single(plan.graph.copy(), name=plan.graph.name, description=f"Imported from {shown}.",
                             training=settings)
    project.trained = {plan.graph.role: trained}
    clock.lap("make the project")
    return ImportResult(project, plan, path, report.total_params, trained, notes, keras_model=keras_model,
                        timings=clock.laps)


class _Stopwatch:
    """How long each step took (the import benchmark prints them)."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.laps[step] = now - self._last
        self._last = now


def check_import(result: ImportResult) -> ImportCheck:
    """Run the file's model and the canvas's (with the weights the project keeps) on the same inputs."""
    from designer.keras_bridge.models import compile_graph
    from designer.keras_bridge.trained import load_trained

    shown = os.path.basename(result.path)
    keras_model = result.keras_model or _load(read_model_file(result.path), shown)
    graph = result.plan.graph
    canvas_model = compile_graph(graph, load_pretrained_weights=False)
    load_trained(canvas_model, graph, result.trained)
    result.check = ImportCheck(int(keras_model.count_params()), int(canvas_model.count_params()),
                               _largest_difference(keras_model, canvas_model, result.plan))
    result.keras_model = None  # the check is done: the memory goes back
    return result.check


def _serialized(keras_model) -> dict:
    import keras

    # as Keras writes it to a file: JSON, tuples as lists
    return json.loads(json.dumps(keras.saving.serialize_keras_object(keras_model)))


def _analysed(plan: GraphPlan, shown: str):
    """Shapes and counts of every node from Keras (the shape oracle); a node Keras cannot build stops the import."""
    from designer.keras_bridge.shape_oracle import make_analyzer

    report = make_analyzer().analyse(plan.graph)
    if not report.ok:
        raise ModelImportError(f"{shown}: the canvas cannot build the imported model ({report.errors(plan.graph)[0]}).")
    return report


def _weights_file(model_file: ModelFile, shown: str) -> bytes:
    """The file's own weights file, without the optimizer's state (the project keeps what the layers learned)."""
    try:
        with zipfile.ZipFile(model_file.path) as archive:
            if "model.weights.h5" not in archive.namelist():
                raise ModelImportError(f"{shown} holds no weights (model.weights.h5 is missing from it).")
            data = archive.read("model.weights.h5")
    except (zipfile.BadZipFile, OSError) as error:
        raise ModelImportError(f"{shown} could not be read ({error}).") from None
    import h5py

    try:
        with h5py.File(io.BytesIO(data), "r") as source:
            if "optimizer" not in source:
                return data
            out = io.BytesIO()
            with h5py.File(out, "w") as target:
                for key, value in source.attrs.items():
                    target.attrs[key] = value
                for key in source:
                    if key != "optimizer":
                        source.copy(key, target)
            return out.getvalue()
    except (OSError, ValueError) as error:
        raise ModelImportError(f"{shown} is damaged: its weights file cannot be read ({error}).") from None


def _load(model_file: ModelFile, shown: str):
    import keras

    from designer.keras_bridge.custom_layers import register
    from designer.keras_bridge.models import recursion_room

    register()
    suffix = ".keras" if model_file.format == "keras" else ".h5"
    with _with_suffix(model_file.path, suffix) as path:
        try:
            with recursion_room(str(model_file.config).count("class_name")):
                return keras.models.load_model(path, compile=False, safe_mode=True)
        except MemoryError:
            raise ModelImportError(f"{shown} is too big to load in this computer's memory.") from None
        except Exception as error:  # Keras and h5py raise many types for a file they cannot read
            detail = next((line.strip() for line in str(error).splitlines() if line.strip()), type(error).__name__)
            advice = (" It is an older (HDF5) model file: open it in the Keras that made it and save it again as "
                      ".keras with Keras 3 (model.save(\"model.keras\"))." if model_file.format == "h5" else "")
            raise ModelImportError(f"{shown} could not be loaded by Keras: {detail[:300]}.{advice}") from None


class _with_suffix:
    """The file under a name ending in `suffix` (Keras decides how to read a file by its name): a link in a
    temporary folder when the name ends otherwise."""

    def __init__(self, path: str, suffix: str) -> None:
        self.path, self.suffix, self.folder = path, suffix, None

    def __enter__(self) -> str:
        if self.path.lower().endswith(self.suffix):
            return self.path
        self.folder = tempfile.TemporaryDirectory()
        link = os.path.join(self.folder.name, "model" + self.suffix)
        os.symlink(os.path.abspath(self.path), link)
        return link

    def __exit__(self, *exc) -> None:
        if self.folder is not None:
            self.folder.cleanup()


def _copied_weights(keras_model, plan: GraphPlan, shown: str) -> TrainedWeights:
    """Build the canvas's model and copy every layer's weights from the file's model (nested and shared layers)."""
    from designer.keras_bridge.models import BuildError, compile_graph
    from designer.keras_bridge.trained import weights_of

    try:
        canvas_model = compile_graph(plan.graph, load_pretrained_weights=False)
    except BuildError as error:
        raise ModelImportError(f"{shown}: the canvas cannot build the imported model ({error.problems[0]}).") from None
    for imported in plan.layers:
        target = canvas_model.get_layer(imported.name)
        if target.weights:
            source = keras_model
            for name in imported.source:
                source = source.get_layer(name)
            target.set_weights(source.get_weights())
    return weights_of(canvas_model, plan.graph, epochs=0)


def _largest_difference(keras_model, canvas_model, plan: GraphPlan) -> float | None:
    """Run both models on the same random inputs (in inference mode) and return the largest difference between
    their outputs, matched by name; None when the model draws random numbers as it predicts."""
    import numpy as np

    if any(node.kind == "VAESampling" for node in plan.graph.nodes()):
        return None
    rng = np.random.default_rng(0)
    inputs = [rng.random((2, *tuple(int(d) for d in tensor.shape[1:])), dtype=np.float32)
              for tensor in canvas_model.inputs]
    ours = canvas_model(inputs if len(inputs) > 1 else inputs[0], training=False)
    theirs = keras_model(inputs if len(inputs) > 1 else inputs[0], training=False)
    ours = ours if isinstance(ours, (list, tuple)) else [ours]
    theirs = theirs if isinstance(theirs, (list, tuple)) else [theirs]
    # the canvas's outputs come in its graph's order (as compile_graph makes them), the file's in its own
    graph = plan.graph
    canvas_order = [graph.node(n).name for n in graph.topological_order()
                    if not graph.outputs_of(n) and not catalogue.get(graph.node(n).kind).is_source]
    mine = dict(zip(canvas_order, ours))
    return max((float(np.max(np.abs(np.asarray(mine[name]) - np.asarray(value)), initial=0.0))
                for name, value in zip(plan.outputs, theirs)), default=0.0)
