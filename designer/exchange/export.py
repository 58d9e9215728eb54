"""Export a project's trained network in a format, then check the file by re-running it: what File → Export…
and `designer export` both do.

Which network is written (`parts_of`): the model; for a GAN the generator, or the discriminator on request; for a
variational autoencoder the whole model, or the decoder on its own. The rows the check compares on are rows the
model never trained on when there are any (else training rows); a generator and a decoder get random codes.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from designer.core.project import Project
from designer.data.dataset import Dataset
from designer.exchange.check import CheckResult
from designer.exchange.formats import (FORMAT_TITLES, MODEL_FORMATS, TFLITE_PRECISIONS, ExportError, default_suffix,
                                       export_model, words_refused)
from designer.exchange.verify import check_export

FORMATS = (*MODEL_FORMATS, "python", "notebook")
TITLES = {**FORMAT_TITLES, "python": "Python script (.py)", "notebook": "Jupyter notebook (.ipynb)"}
SUFFIXES = {**{f: default_suffix(f) for f in MODEL_FORMATS}, "python": ".py", "notebook": ".ipynb"}
CHECK_ROWS = 64
CALIBRATION_ROWS = 200


@dataclass
class ExportRequest:
    format: str
    path: str
    #: which network (see `parts_of`); None: the first
    part: str | None = None
    precision: str = "float32"
    opset: int | None = None


def parts_of(project: Project) -> list[tuple[str, str]]:
    """The networks of `project` that can be exported, as (key, words for a person), the usual one first."""
    if project.is_gan:
        return [("generator", "the generator (noise in, samples out)"), ("discriminator", "the discriminator")]
    if any(node.kind == "VAESampling" for node in project.graph("model").nodes()):
        return [("model", "the whole variational autoencoder"), ("decoder", "the decoder on its own (code in, sample out)")]
    return [("model", "the model")]


def check_request(project: Project, request: ExportRequest) -> None:
    """ExportError in plain words for a request that cannot be carried out, before any work is done."""
    if request.format not in FORMATS:
        raise ExportError(f"There is no export format {request.format!r}; the formats are: {', '.join(FORMATS)}.")
    keys = [key for key, _ in parts_of(project)]
    if request.part is not None and request.part not in keys:
        raise ExportError(f"This project has no {request.part!r} to export; it has: {', '.join(keys)}.")
    if request.format in ("python", "notebook") and request.part not in (None, keys[0]):
        raise ExportError("A script or notebook rebuilds and trains the whole project; it has no parts to choose.")
    words = [node.name for graph in project.graphs for node in graph.nodes() if node.kind == "TextInput"]
    if request.format in ("tflite", "onnx") and words:
        raise ExportError(words_refused(request.format, words))
    if request.precision not in TFLITE_PRECISIONS:
        raise ExportError(f"Unknown precision {request.precision!r}: choose one of {', '.join(TFLITE_PRECISIONS)}.")
    if request.precision != "float32" and request.format != "tflite":
        raise ExportError("A precision other than float32 is for TensorFlow Lite files only.")
    if request.opset is not None and request.format != "onnx":
        raise ExportError("An opset is for ONNX files only.")
    if request.opset is not None and not 9 <= request.opset <= 18:
        raise ExportError(f"ONNX opset {request.opset} is not one tf2onnx writes: choose one from 9 to 18.")


def export_project(project: Project, dataset: Dataset | None, request: ExportRequest) -> CheckResult:
    """Write the export and check it; the result says how the check went (a failed check keeps the file).

    Without a dataset (a model just imported), a model file is checked on random inputs of the right shapes; a
    script, a notebook and a calibrated int8 file need the data."""
    from designer.training.scoring import trained_model

    check_request(project, request)
    notes = [] if project.trained else ["The project is not trained: the file holds the weights a network starts with."]
    if dataset is None:
        return _export_without_data(project, request, notes)
    trained = trained_model(project, dataset) if project.trained else None
    if request.format in ("python", "notebook"):
        return _export_script(project, dataset, request, trained, notes)
    network = _network(project, dataset, request.part or parts_of(project)[0][0], trained)
    rows, labels = _rows(project, dataset, request.part, network, trained)
    calibration = _training_rows(network, dataset, CALIBRATION_ROWS) if request.precision == "int8" else None
    notes += export_model(network, request.format, request.path, precision=request.precision, opset=request.opset,
                          calibration_rows=calibration)
    result = check_export(request.format, request.path, network, rows, labels)
    result.notes = notes + result.notes
    return result


def _export_without_data(project: Project, request: ExportRequest, notes: list[str]) -> CheckResult:
    from designer.keras_bridge.models import BuildError, compile_graph, decoder_of
    from designer.keras_bridge.trained import load_trained

    if request.format in ("python", "notebook") or request.precision == "int8":
        what = "an int8 file is calibrated on it" if request.precision == "int8" else "the script loads it"
        raise ExportError(f"Choose the project's dataset first: {what}.")
    part = request.part or parts_of(project)[0][0]
    role = "model" if part == "decoder" else part
    graph = project.graph(role)
    try:
        network = compile_graph(graph)
    except BuildError as error:
        raise ExportError(str(error)) from None
    if role in project.trained:
        load_trained(network, graph, project.trained[role])
    if part == "decoder":
        network = decoder_of(network, graph)
    rng = np.random.default_rng(0)
    rows = [rng.normal(size=(CHECK_ROWS, *tuple(int(d) for d in tensor.shape[1:]))).astype(np.float32)
            for tensor in network.inputs]
    notes = notes + ["The project has no dataset yet: the file was checked on random inputs of the right shapes."]
    notes += export_model(network, request.format, request.path, precision=request.precision, opset=request.opset)
    result = check_export(request.format, request.path, network, rows if len(rows) > 1 else rows[0])
    result.notes = notes + result.notes
    return result


def _network(project: Project, dataset: Dataset, part: str, trained):
    from designer.keras_bridge.models import BuildError, compile_graph, decoder_of

    if trained is not None:
        networks = dict(zip(trained.plan.roles, trained.plan.networks))
    else:
        networks = {g.role: compile_graph(g) for g in project.graphs}
    if part == "decoder":
        try:
            return decoder_of(networks["model"], project.graph("model"))
        except BuildError as error:
            raise ExportError(str(error)) from None
    return networks[part]


def _rows(project: Project, dataset: Dataset, part: str | None, network, trained):
    """Inputs to compare the export with the model on, and their labels when the model classifies them."""
    if part in ("generator", "decoder"):
        shape = tuple(network.inputs[0].shape[1:])
        return np.random.default_rng(0).normal(size=(CHECK_ROWS, *shape)).astype(np.float32), None
    if trained is not None and part != "discriminator":
        try:
            held = trained.held_out()
            held = held.first(CHECK_ROWS)
            return held.x, (held.y if trained.mode == "supervised" else None)
        except Exception:  # no rows apart (or streamed data): training rows still show the file computes the same
            pass
    x = _training_rows(network, dataset, CHECK_ROWS)
    labels = None
    if dataset.y_train is not None and project.training["mode"] == "supervised" and not project.is_gan:
        labels = np.asarray(dataset.y_train[:CHECK_ROWS])
    return x, labels


def _training_rows(network, dataset: Dataset, count: int):
    from designer.training.engine import dataset_rows

    return dataset_rows(network, dataset, "train", rows=slice(None, count))


def _export_script(project: Project, dataset: Dataset, request: ExportRequest, trained, notes) -> CheckResult:
    from designer.exchange.notebook import write_notebook
    from designer.exchange.python_script import write_python
    from designer.exchange.script_check import check_script
    from designer.keras_bridge.models import compile_graph

    model = trained.model if trained is not None else compile_graph(project.graphs[0])
    if request.format == "notebook":
        written = write_notebook(project, dataset, request.path)
    else:
        with tempfile.TemporaryDirectory() as folder:
            weights = None
            if trained is not None:  # the trained weights go beside the script, for its --weights
                weights = os.path.join(folder, "trained.weights.h5")
                model.save_weights(weights)
            written = write_python(project, dataset, request.path, weights_path=weights)
    rows, _ = _rows(project, dataset, None, model, trained)
    result = check_script(request.path, model, rows)
    extra = [f"Also written: {Path(p).name}" for p in written[1:]]
    result.notes = notes + extra + result.notes
    return result
