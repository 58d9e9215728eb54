"""The data-loading code of an exported script: ``load_data``, reading the arrays the app loaded from the data file
written beside the script, or a Keras download prepared step by step as the app prepares it; the labels converted
as the loss reads them, and the loss and metrics that follow from the data. A table's inputs are named as its
columns are ("age", "region=east"): in the story, in a comment over the arrays and in the data file."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from designer.core import catalogue
from designer.core.graph import LayerGraph
from designer.data.dataset import Dataset
from designer.data.fit import reshape_fits
from designer.data.registry import DATASETS
from designer.exchange.script_model import input_shape, output_node
from designer.exchange.script_text import ScriptExportError, literal
from designer.training.losses import RECONSTRUCTING, labels_for_loss, metrics_for_loss, suggest_loss


@dataclass
class DataCode:
    """``def load_data():`` and what follows from the data: the loss and metrics, whether there are validation and
    test rows, and the data file written beside the script with its arrays (none for a Keras download)."""

    code: str
    story: str
    loss: str
    metrics: list[str]
    validation: bool
    test: bool
    file_name: str | None = None
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    #: the model reads words too: x_train is then a list, one entry per model input, the numbers at this place
    numbers_index: int | None = None
    #: how many of the model's inputs read words
    word_inputs: int = 0


def data_code(dataset: Dataset, graph: LayerGraph, settings: dict[str, Any], gan: bool, data_file: str) -> DataCode:
    """`def load_data():` returning (x_train, y_train, validation_data, test_data) as the model reads them."""
    mode = "gan" if gan else settings["mode"]
    info = DATASETS.get(dataset.name)
    download = info is not None and info.source == "download"
    options = dict(dataset.options)
    feeds = _word_feeds(graph, dataset, mode)
    needed = _needed(mode) + (tuple(f"words_{part}" for part in ("train", "val", "test")) if feeds else ())
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
            f"saved beside this file in {file_name}.{_names_story(dataset)}"
        )
        lines += _names_comment(dataset)
        lines.append(f"with np.load(HERE / {literal(file_name)}) as data:")
        for key in arrays:
            if key in needed:
                lines.append(f"    {key} = data[{literal(key)}]")
    present = {key for key in _needed(mode) if getattr(dataset, key) is not None}

    # the rows as the model's Input reads them (the engine's shaped_for_input)
    wanted = input_shape(graph)
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

    if feeds:
        lines += _word_lines(feeds, present)

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
        output = output_node(graph)
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
    numbers_index = next((i for i, feed in enumerate(feeds) if feed is None), None) if feeds else None
    return DataCode(code, story, loss, metrics, validation, test, file_name, arrays, numbers_index,
                    sum(feed is not None for feed in feeds))


def _word_feeds(graph: LayerGraph, dataset: Dataset, mode: str) -> list[tuple[str, int] | None]:
    """What each of the model's inputs reads, in the order of its inputs (the graph's sources in the order the model
    is built): None for the numbers, (column, its place in the words arrays) for a text input; [] when no input
    reads words. ScriptExportError in plain words when the data lacks a column of words a text input reads."""
    sources = [graph.node(n) for n in graph.topological_order() if catalogue.get(graph.node(n).kind).is_source]
    if not any(node.kind == "TextInput" for node in sources):
        return []
    if mode != "supervised":
        raise ScriptExportError("A script trains a model that reads words only on labelled rows (the supervised "
                                "mode): choose it in the training settings, or remove the text inputs.")
    columns = list(dataset.word_columns or [])
    feeds: list[tuple[str, int] | None] = []
    for node in sources:
        if node.kind != "TextInput":
            feeds.append(None)
            continue
        column = node.params.get("column", node.name)
        if column not in columns:
            have = ", ".join(columns) or "none"
            raise ScriptExportError(
                f"{node.name} reads the text column {column!r}, but the data has no such column read as words (text "
                f"columns read inside the model: {have}). Choose the file with that column and text columns \"in "
                "model\" in the Data panel, or remove the text input.")
        feeds.append((column, columns.index(column)))
    return feeds


def _word_lines(feeds: list[tuple[str, int] | None], present: set[str]) -> list[str]:
    """The lines that make each part's inputs the list the model reads: the numbers, and each text input's column
    of words as a string tensor."""
    said = ", ".join("the numbers" if feed is None else f"the words of {feed[0]} (column {feed[1]} of the words "
                     "arrays, one word per row)" for feed in feeds)
    text = (f"The model reads a list, one entry per input, in the order of its inputs: {said}. Keras takes words as "
            "TensorFlow string tensors (tf.constant), not as NumPy arrays of text.")
    lines = [f"# {line}" for line in textwrap.wrap(text, 110)]
    for part in ("train", "val", "test"):
        if f"x_{part}" not in present:
            continue
        parts = [f"x_{part}" if feed is None else f"tf.constant(words_{part}[:, [{feed[1]}]])" for feed in feeds]
        lines.append(f"x_{part} = [{', '.join(parts)}]")
    return lines


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
    if _feature_names(dataset):
        arrays["feature_names"] = np.asarray(_feature_names(dataset))
    if dataset.word_columns:  # the columns of words, as they are in the file (rows × columns of text)
        for part in ("train", "val", "test"):
            words = getattr(dataset, f"words_{part}")
            if words is not None:
                arrays[f"words_{part}"] = np.asarray(words).astype(str)
        arrays["word_columns"] = np.asarray([str(column) for column in dataset.word_columns])
    return arrays


#: input names said in the story at most (the comment in the code lists them all)
STORY_NAMES = 12


def _feature_names(dataset: Dataset) -> list[str] | None:
    """A table's input names, one per value of a sample; None when the data names none."""
    names = dataset.feature_names
    return list(names) if names and len(names) == int(np.prod(dataset.sample_shape)) else None


def _names_story(dataset: Dataset) -> str:
    names = _feature_names(dataset)
    if not names:
        return ""
    more = len(names) - STORY_NAMES
    said = ", ".join(names[:STORY_NAMES]) + (f" and {more} more" if more > 0 else "")
    if dataset.word_columns:
        said += f", and the words of {', '.join(dataset.word_columns)}"
    target = (dataset.options.get("target") or dataset.columns[-1]) if dataset.columns else None
    predicts = f"; it predicts {target}" if target else ""
    return f" Each row's inputs, in order: {said}{predicts}."


def _names_comment(dataset: Dataset) -> list[str]:
    """Comment lines naming each input value of a row, in order, as a list that can be copied (the data file holds
    it too, as feature_names)."""
    names = _feature_names(dataset)
    if not names:
        return []
    rows, row = [], []
    for item in (literal(name) for name in names):
        if row and len(", ".join([*row, item])) > 90:  # a name never splits across lines
            rows.append(row)
            row = []
        row.append(item)
    rows.append(row)
    listed = [", ".join(items) for items in rows]
    listed = [f"#   [{listed[0]}"] + [f"#    {line}" for line in listed[1:]]
    listed = [line + ("," if i < len(listed) - 1 else "]") for i, line in enumerate(listed)]
    return ["# the inputs of each row, in order (feature_names in the data file):", *listed]


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
        return literal(metric)
    return f"keras.metrics.{type(metric).__name__}(name={literal(metric.name)})"


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
    top = literal(float(info.image_max))
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
        fraction = literal(options["test_fraction"])
        rows = literal(options["test_rows"]) if options["test_rows"] else f"int(round(len(x_train) * {fraction}))"
        lines.append(f"test_rows = {rows}  # the last rows: a test set never seen in training")
        lines.append("x_train, x_test = x_train[:-test_rows], x_train[-test_rows:]")
        lines.append("y_train, y_test = y_train[:-test_rows], y_train[-test_rows:]")
    if options["validation"] == "last":
        rows = options["validation_rows"]
        lines.append(f"x_train, x_val = x_train[:-{rows}], x_train[-{rows}:]  # the last {rows} rows validate")
        lines.append(f"y_train, y_val = y_train[:-{rows}], y_train[-{rows}:]")
    if options["input_noise"] > 0:
        stddev = literal(float(options["input_noise"]))
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
