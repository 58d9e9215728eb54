"""Writing a trained model to a file another program can run: Keras (.keras), a TensorFlow SavedModel, TensorFlow
Lite / LiteRT (.tflite, in float32, float16, dynamic-range int8 or full int8) and ONNX.

Keras's own exporter writes the last three (`model.export`: "tf_saved_model", "onnx", "litert"); the .keras file
is `designer.keras_bridge.models.save_model`. What `export_model` adds is what the plain call lacks:

* a recurrent layer's .tflite on TensorFlow Lite's built-in operations. With an open batch size the converter
  keeps the layer's tensor lists as select TensorFlow operations, which only the Flex delegate runs (the LiteRT
  interpreter refuses the file, and this TensorFlow's tf.lite.Interpreter lacks the delegate too). Unrolled over
  its time steps the layer becomes plain operations with the batch size left open; a layer whose sequences have
  no fixed length is converted for a batch of one instead, which the converter lowers to a built-in WHILE loop.
  Only where neither works does the file keep select operations, and its notes say it needs the Flex delegate;
* the VAE's sampling layer. Keras draws ε with TensorFlow's stateless random ops, which neither ONNX (tf2onnx) nor
  TensorFlow Lite has; the ONNX and TFLite files are traced from a twin of the layer that draws with the stateful
  normal op both have (RandomNormalLike, RANDOM_STANDARD_NORMAL): the same distribution, other random numbers;
* errors in plain words (`ExportError`), and notes to show with the file.

`check_export` (from `verify`) re-runs the written file in its own runtime in a separate process.
"""

from __future__ import annotations

import logging
import os
import re
import warnings
from contextlib import contextmanager
from functools import lru_cache

import numpy as np

from designer.exchange.verify import check_export, model_inputs  # noqa: F401  (check_export: part of this API)

MODEL_FORMATS = ("keras", "savedmodel", "tflite", "onnx")
#: int8 is full integer quantization, calibrated on rows; inputs and outputs stay float32
TFLITE_PRECISIONS = ("float32", "float16", "dynamic_int8", "int8")
FORMAT_TITLES = {
    "keras": "Keras (.keras)",
    "savedmodel": "TensorFlow SavedModel (folder)",
    "tflite": "TensorFlow Lite / LiteRT (.tflite)",
    "onnx": "ONNX (.onnx)",
}
_SUFFIXES = {"keras": ".keras", "savedmodel": "", "tflite": ".tflite", "onnx": ".onnx"}
#: rows fed to the int8 calibration, one at a time; more add time, not accuracy, for the models made here
_CALIBRATION_LIMIT = 200


class ExportError(ValueError):
    """The file could not be written; the message says what went wrong and what to do, in plain words."""


def default_suffix(fmt: str) -> str:
    """The file name ending of a format: ".keras", ".tflite", ".onnx", or "" for a SavedModel (a folder)."""
    _check_format(fmt)
    return _SUFFIXES[fmt]


def export_model(model, fmt: str, path: str, *, precision: str = "float32", opset: int | None = None,
                 calibration_rows=None) -> list[str]:
    """Write `model` to `path` in format `fmt`; returns notes to show with the file, one line each.

    `precision` is for TFLite only (one of TFLITE_PRECISIONS; "int8" needs `calibration_rows`: an array, or a
    list of arrays for several inputs); `opset` is for ONNX only (None: tf2onnx's default). Raises ExportError.
    """
    from designer.keras_bridge.models import recursion_room

    _check_format(fmt)
    if precision not in TFLITE_PRECISIONS:
        raise ExportError(f"Unknown precision {precision!r}: choose one of {', '.join(TFLITE_PRECISIONS)}.")
    if precision != "float32" and fmt != "tflite":
        raise ExportError(f"The precision {precision} is for TensorFlow Lite files; {FORMAT_TITLES[fmt]} is float32.")
    if opset is not None and fmt != "onnx":
        raise ExportError(f"An opset is for ONNX files; {FORMAT_TITLES[fmt]} has none.")
    texts = [t for t in model.inputs if str(getattr(t, "dtype", "")) == "string"]
    if texts and fmt in ("tflite", "onnx"):
        raise ExportError(words_refused(fmt, [getattr(t, "name", "text") for t in texts]))
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as error:
        raise ExportError(f"Cannot create the folder {folder}: {error.strerror or error}. Choose another place.")
    # Keras walks the graph recursively when it traces and saves it, as when it builds it
    with recursion_room(len(model.layers)):
        if fmt == "keras":
            return _export_keras(model, path)
        if fmt == "savedmodel":
            return _export_savedmodel(model, path)
        if fmt == "onnx":
            return _export_onnx(model, path, opset)
        return _export_tflite(model, path, precision, calibration_rows)


def words_refused(fmt: str, inputs: list[str]) -> str:
    """Why a model that reads words is not written as a TensorFlow Lite or ONNX file."""
    title, where = ("TensorFlow Lite", "with LiteRT on a phone") if fmt == "tflite" else ("ONNX", "in an ONNX runtime")
    return (f"The model reads words ({', '.join(inputs)}): {title} has no built-in word lookup, so the file would not "
            f"run {where}. Export it as a .keras file or a SavedModel, which keep the words; "
            "or set the data's text columns to one-hot and fit the model to the data again, for a model of numbers only.")


def _check_format(fmt: str) -> None:
    if fmt not in MODEL_FORMATS:
        raise ExportError(f"Unknown format {fmt!r}: choose one of {', '.join(MODEL_FORMATS)}.")


# ----------------------------------------------------------------------------------------------------------- keras
def _export_keras(model, path: str) -> list[str]:
    from designer.keras_bridge.models import save_model

    if not path.endswith(".keras"):
        raise ExportError(f"A Keras file's name must end in .keras ({os.path.basename(path)} does not).")
    try:
        save_model(model, path)
    except OSError as error:
        raise ExportError(f"Cannot write {path}: {error.strerror or error}. Choose another place.") from error
    custom = sorted({name for name in map(_registered_name, model.layers) if name.startswith("designer>")})
    if not custom:
        return []
    names = ", ".join(name.removeprefix("designer>") for name in custom)
    return [
        f"The file uses Network Designer's own layer {names}: load it with designer.keras_bridge.models.load_model, "
        "or with plain Keras after designer.keras_bridge.custom_layers.register()."
    ]


def _registered_name(layer) -> str:
    import keras

    return keras.saving.get_registered_name(type(layer)) or ""


# ------------------------------------------------------------------------------------------------------ savedmodel
def _export_savedmodel(model, path: str) -> list[str]:
    if os.path.isfile(path):
        raise ExportError(f"{path} is a file; a SavedModel is a folder. Choose a folder name.")
    with _plain_errors("TensorFlow could not write the SavedModel"):
        model.export(path, format="tf_saved_model", verbose=False)
    return []


# ------------------------------------------------------------------------------------------------------------ onnx
def _export_onnx(model, path: str, opset: int | None) -> list[str]:
    if opset is not None and not (isinstance(opset, int) and opset > 0):
        raise ExportError(f"The ONNX opset must be a whole number such as 17 (got {opset!r}).")
    newest = _newest_onnx_opset()
    if opset is not None and newest and opset > newest:
        raise ExportError(f"tf2onnx writes ONNX opsets up to {newest}; choose {newest} or lower (not {opset}).")
    twin, changes = _export_twin(model, unroll=False)
    notes = _twin_notes(changes, "ONNX's RandomNormalLike")
    # tf2onnx logs what it cannot convert and then fails with a less telling error: keep its log for the message
    errors: list[str] = []
    handler = _ListHandler(errors)
    logger = logging.getLogger("tf2onnx")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.ERROR)  # its warnings ("TF freezing failed...") are not the person's business
    try:
        with _plain_errors("ONNX export failed", extra=errors), warnings.catch_warnings():
            # Keras's tf2onnx patch probes np.object, which numpy 2 answers with a FutureWarning
            warnings.filterwarnings("ignore", category=FutureWarning, message=".*np.object.*")
            # Keras's ONNX exporter refuses a model never called unless it is given the input signature
            twin.export(path, format="onnx", verbose=False, opset_version=opset, input_signature=_signature(twin))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    unsupported = _onnx_reason(errors)
    if unsupported:
        # tf2onnx may still write the file, with the TensorFlow operation in it: no ONNX runtime can run that
        if os.path.isfile(path):
            os.remove(path)
        raise ExportError(
            f"ONNX export failed: {unsupported}. Replace the layer that uses it, or export to SavedModel."
        )
    return notes


def _newest_onnx_opset() -> int | None:
    """The newest opset the installed tf2onnx converts to (18 for tf2onnx 1.17)."""
    try:
        from tf2onnx import constants
    except ImportError:  # Keras's exporter will say tf2onnx is missing
        return None
    return max(constants.OPSET_TO_IR_VERSION, default=None)


class _ListHandler(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__(logging.ERROR)
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


# ---------------------------------------------------------------------------------------------------------- tflite
def _export_tflite(model, path: str, precision: str, calibration_rows) -> list[str]:
    from designer.keras_bridge.runtime import import_tensorflow_quietly

    tf = import_tensorflow_quietly()

    if not path.endswith(".tflite"):
        raise ExportError(f"A TensorFlow Lite file's name must end in .tflite ({os.path.basename(path)} does not).")
    open_length = [layer.name for layer in _recurrent_layers(model) if layer.input.shape[1] is None]
    twin, changes = _export_twin(model, unroll=not open_length)
    notes = _twin_notes(changes, "TensorFlow Lite's RANDOM_STANDARD_NORMAL")
    signature = None
    if open_length:
        if precision == "int8":
            raise ExportError(
                f"Full int8 cannot be made for {', '.join(open_length)}: its sequences have no fixed length, and "
                "TensorFlow Lite's converter cannot quantize the loop that needs. Give the Input a fixed number "
                "of time steps, or choose float16 or dynamic_int8."
            )
        # with a known batch size the converter lowers the layer's loop to built-in operations (a WHILE loop)
        signature = _signature(twin, batch=1)
        notes.append(
            f"The file takes one row at a time (a batch of 1): {', '.join(open_length)} has sequences of any "
            "length, and TensorFlow Lite runs such a layer on its built-in operations only with a fixed batch size."
        )
    options = _precision_options(tf, precision)
    if precision == "int8":
        if calibration_rows is None:
            raise ExportError("Full int8 needs rows to calibrate on (a few hundred rows of the training data).")
        options["representative_dataset"] = _calibration(model, calibration_rows)
        builtins, fallback = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8], [
            tf.lite.OpsSet.TFLITE_BUILTINS_INT8, tf.lite.OpsSet.TFLITE_BUILTINS]
    else:
        builtins, fallback = [tf.lite.OpsSet.TFLITE_BUILTINS], [
            tf.lite.OpsSet.TFLITE_BUILTINS, tf.lite.OpsSet.SELECT_TF_OPS]

    def convert(ops) -> None:
        spec = dict(options.get("target_spec", {}), supported_ops=ops)
        with warnings.catch_warnings():
            # the int8 calibration runs tf.lite.Interpreter, which warns that it is deprecated
            warnings.filterwarnings("ignore", message=".*tf.lite.Interpreter is deprecated.*")
            # Keras's LiteRT exporter passes converter attributes through (optimizations, representative_dataset,
            # target_spec as a dict), so the whole conversion stays Keras's: SavedModel, then TFLiteConverter
            twin.export(path, format="litert", verbose=False, input_signature=signature,
                        **dict(options, target_spec=spec))

    try:
        # this try is expected to fail for some models (the fallback follows): keep the converter's long report
        # of the operations it lacks off the console; the exception carries it
        with _muted_stderr():
            convert(builtins)
    except Exception as first:  # noqa: BLE001 - the converter's errors have no common class
        reason = _converter_reason(first)
        try:
            with _plain_errors("TensorFlow Lite could not convert the model"):
                convert(fallback)
        except ExportError as second:
            lacking = _converter_reason(second.__cause__) if second.__cause__ else ""
            if lacking:
                raise ExportError(
                    f"TensorFlow Lite could not convert the model: it has no version of TensorFlow's {lacking}, "
                    "not even as a select operation. Replace the layer that uses it, or export to SavedModel or ONNX."
                ) from second.__cause__
            raise
        listed = f": {reason}" if reason else ""
        if precision == "int8":
            notes.append(f"Some operations stay in float32: they have no int8 version in TensorFlow Lite{listed}.")
        else:
            notes.append(
                f"The file needs TensorFlow's Flex delegate (select TensorFlow operations{listed}): the LiteRT "
                "interpreter alone cannot run it; on Android add tensorflow-lite-select-tf-ops."
            )
    if precision == "int8":
        notes.append("Inputs and outputs stay float32: the file quantizes and dequantizes them itself.")
    return notes


def _precision_options(tf, precision: str) -> dict:
    if precision == "float16":
        return {"optimizations": [tf.lite.Optimize.DEFAULT], "target_spec": {"supported_types": [tf.float16]}}
    if precision in ("dynamic_int8", "int8"):
        return {"optimizations": [tf.lite.Optimize.DEFAULT]}
    return {}


def _calibration(model, rows):
    """The converter's representative dataset: one row at a time, by input name (the file's signature names)."""
    try:
        arrays = model_inputs(model, rows)
    except ValueError as error:
        raise ExportError(f"The calibration rows do not fit the model: {error}.") from error
    names = [t.name for t in model.inputs]
    count = min(len(arrays[0]), _CALIBRATION_LIMIT)
    if count == 0:
        raise ExportError("Full int8 needs rows to calibrate on; none were given.")

    def rows_one_by_one():
        for i in range(count):
            yield {name: np.asarray(array[i : i + 1]) for name, array in zip(names, arrays)}

    return rows_one_by_one


def _signature(model, batch: int | None = None) -> list:
    """The model's inputs as Keras's exporters take them: [spec] for one input, [[spec, ...]] for several (one
    positional argument holding the list, as a functional model is called). `batch` fixes the batch size."""
    specs = [_spec(tensor, batch) for tensor in model.inputs]
    return specs if len(specs) == 1 else [specs]


def _spec(tensor, batch: int | None):
    from designer.keras_bridge.runtime import import_tensorflow_quietly

    tf = import_tensorflow_quietly()
    return tf.TensorSpec((batch, *tensor.shape[1:]), tensor.dtype, name=tensor.name)


def _converter_reason(error: BaseException) -> str:
    """The operations TensorFlow Lite lacks, from the converter's long message: "TensorListReserve, ..."."""
    text = str(error)
    listed = re.search(r"TF Select ops: ([^\n]+)", text)
    if listed:
        return listed.group(1).strip()
    ops = sorted(set(re.findall(r"'tf\.(\w+)' op", text)))
    return ", ".join(ops)


# ------------------------------------------------------------------------------------------- the model as exported
def _recurrent_layers(model) -> list:
    import keras

    return [layer for layer in model.layers if isinstance(layer, keras.layers.RNN)]


def _export_twin(model, *, unroll: bool):
    """`model`, or a copy with the same weights whose recurrent layers are unrolled (`unroll`), whose VAE
    sampling layers draw with the stateful normal op, and whose Normalization layers are the same arithmetic as a
    Rescaling with the learned numbers written in (a Normalization keeps them as tensors captured from outside the
    traced function, which tf2onnx and the TFLite converter turn into extra inputs); returns it and the kinds of
    change made."""
    import keras

    from designer.keras_bridge.custom_layers import vae_sampling_class

    sampling = vae_sampling_class()
    to_unroll = [layer for layer in _recurrent_layers(model) if unroll and not layer.get_config().get("unroll")]
    to_swap = [layer for layer in model.layers if isinstance(layer, sampling)]
    to_fix = [layer for layer in model.layers if isinstance(layer, keras.layers.Normalization)]
    if not to_unroll and not to_swap and not to_fix:
        return model, {}
    unrolled, swapped = {id(layer) for layer in to_unroll}, {id(layer) for layer in to_swap}
    fixed = {id(layer) for layer in to_fix}

    def clone(layer):
        config = layer.get_config()
        if id(layer) in fixed:
            return _fixed_normalization(layer)
        if id(layer) in swapped:
            return _portable_sampling_class()(**config)
        if id(layer) in unrolled:
            config["unroll"] = True
        return layer.__class__.from_config(config)

    try:
        twin = keras.models.clone_model(model, clone_function=clone)
        for layer in twin.layers:  # layer by layer: a fixed Normalization has no weights of its own any more
            if layer.weights:
                layer.set_weights(model.get_layer(layer.name).get_weights())
    except Exception as error:  # noqa: BLE001
        raise ExportError(f"The model could not be prepared for export: {_first_line(error)}") from error
    changes = {}
    if to_unroll:
        changes["unrolled"] = [(layer.name, layer.input.shape[1]) for layer in to_unroll]
    if to_swap:
        changes["sampling"] = [layer.name for layer in to_swap]
    return twin, changes


def _fixed_normalization(layer):
    """A Rescaling doing what the (adapted) Normalization `layer` does: (x − mean) / std, or x · std + mean
    inverted, its numbers constants of the model."""
    import keras

    mean = np.asarray(layer.mean, dtype=np.float32).reshape(-1)
    std = np.maximum(np.sqrt(np.asarray(layer.variance, dtype=np.float32).reshape(-1)), keras.backend.epsilon())
    if layer.invert:
        scale, offset = std, mean
    else:
        scale, offset = 1.0 / std, -mean / std
    return keras.layers.Rescaling(scale=scale.tolist(), offset=offset.tolist(), name=layer.name)


def _twin_notes(changes: dict, random_op: str) -> list[str]:
    notes = []
    for name, steps in changes.get("unrolled", []):
        notes.append(
            f"{name} is unrolled over its {steps} time steps, so the file needs only TensorFlow Lite's built-in "
            "operations (the LiteRT interpreter runs it)."
        )
    if changes.get("sampling"):
        notes.append(
            f"{', '.join(changes['sampling'])} draws its random numbers with {random_op}: the same distribution as "
            "in Keras, other draws."
        )
    return notes


@lru_cache(maxsize=None)
def _portable_sampling_class():
    """The VAE sampling layer as exported to ONNX and TFLite: ε from tf.random.normal (RandomStandardNormal, which
    both formats have) instead of Keras's stateless draw; no KL term (a loss plays no part in inference)."""
    from designer.keras_bridge.custom_layers import vae_sampling_class
    from designer.keras_bridge.runtime import import_tensorflow_quietly

    tf = import_tensorflow_quietly()

    class PortableVAESampling(vae_sampling_class()):
        def call(self, inputs):
            z_mean, z_log_var = inputs
            return z_mean + tf.exp(0.5 * z_log_var) * tf.random.normal(tf.shape(z_mean), dtype=z_mean.dtype)

    return PortableVAESampling


# --------------------------------------------------------------------------------------------------------- errors
@contextmanager
def _muted_stderr():
    """File descriptor 2 to /dev/null: TensorFlow's converter writes its reports there from native code."""
    import sys

    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real stderr (a GUI started without a console): nothing to mute
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


@contextmanager
def _plain_errors(what: str, extra: list[str] | None = None):
    """Any failure inside becomes an ExportError: `what`, then the reason in one line."""
    try:
        yield
    except ExportError:
        raise
    except Exception as error:  # noqa: BLE001 - exporters raise anything from ValueError to ConverterError
        reason = _onnx_reason(extra or [])
        if not reason and _converter_reason(error):
            reason = f"it has no version of {_converter_reason(error)}"
        reason = reason or _first_line(error)
        raise ExportError(f"{what}: {reason}.") from error


def _onnx_reason(lines: list[str]) -> str:
    for line in lines:
        if "Unsupported ops" in line:
            ops = ", ".join(re.findall(r"'(\w+)'", line))
            return f"ONNX has no version of TensorFlow's {ops} (tf2onnx cannot convert it)"
    return ""


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    line = lines[0] if lines else type(error).__name__
    line = line.removeprefix("make_sure failure: ")  # tf2onnx's assertion prefix
    return line.replace("`", "'").rstrip(".")[:300]
