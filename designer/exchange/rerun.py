"""Re-run an exported model file in its own runtime, in a process of its own; the parent compares the outputs.

    python rerun.py FORMAT PATH INPUTS.npz OUTPUTS.npz [--layers N] [--prelude MODULE:FUNCTION]

FORMAT is keras, savedmodel, onnx or tflite. INPUTS.npz holds ``names`` (the model's input names, in order) and
``input_0``, ``input_1``, ...; OUTPUTS.npz gets ``output_0``, ``output_1``, ... in the model's output order and
``info``, a JSON string (the runtime used, the batch size the file insists on, a TFLite file's quantization).

This script imports numpy and the format's runtime only, never the ``designer`` package: a file that re-runs here
stands alone. (A ``.keras`` file that names Network Designer's own layers cannot: for it the parent passes
``--prelude`` naming the function that registers them, and says so in its notes.) A failure ends the process
with status 2 and one plain line on stderr that starts with ``rerun: ``, never a traceback.
"""

from __future__ import annotations

import json
import os
import re
import sys

#: the start of the one line on stderr that says why the re-run failed (verify.py reads it)
ERROR_PREFIX = "rerun: "
#: Keras walks a model's graph recursively when it loads it: about this many frames per layer (as the app's own
#: designer.keras_bridge.models allows for; repeated here because this script must not import the app)
_FRAMES_PER_LAYER = 12


class RerunError(Exception):
    """A failure to report in one plain line."""


def main(argv: list[str]) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before any runtime loads TensorFlow's native code
    args, options = _parse(argv)
    if len(args) != 4:
        return _fail("usage: rerun.py FORMAT PATH INPUTS.npz OUTPUTS.npz [--layers N] [--prelude MODULE:FUNCTION]")
    fmt, path, inputs_path, outputs_path = args
    try:
        layers = int(options.get("layers", "0") or 0)
        sys.setrecursionlimit(max(sys.getrecursionlimit(), 1_000 + _FRAMES_PER_LAYER * layers))
        import numpy as np

        names, arrays = _read_inputs(inputs_path)
        if "prelude" in options:
            _run_prelude(options["prelude"])
        runner = RUNNERS.get(fmt)
        if runner is None:
            raise RerunError(f"unknown format {fmt!r}; expected one of {', '.join(RUNNERS)}")
        if not os.path.exists(path):
            raise RerunError(f"there is no file at {path}")
        outputs, info = runner(path, names, arrays)
        payload = {f"output_{i}": np.asarray(out) for i, out in enumerate(outputs)}
        payload["info"] = np.array(json.dumps(info))
        np.savez(outputs_path, **payload)
    except RerunError as error:
        return _fail(str(error))
    except Exception as error:  # noqa: BLE001 - every failure becomes one plain line for the parent
        return _fail(_plain(error))
    return 0


def _parse(argv: list[str]) -> tuple[list[str], dict[str, str]]:
    args, options, i = [], {}, 0
    while i < len(argv):
        if argv[i].startswith("--") and i + 1 < len(argv):
            options[argv[i][2:]] = argv[i + 1]
            i += 2
        else:
            args.append(argv[i])
            i += 1
    return args, options


def _fail(line: str) -> int:
    print(ERROR_PREFIX + " ".join(line.split()), file=sys.stderr, flush=True)
    return 2


def _plain(error: BaseException) -> str:
    """The first meaningful line of an exception's message, without the runtimes' markup."""
    text = str(error).strip() or type(error).__name__
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    line = lines[0] if lines else text
    # onnxruntime prefixes "[ONNXRuntimeError] : 7 : INVALID_PROTOBUF : "; keep what follows
    line = re.sub(r"^\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*\w+\s*:\s*", "", line)
    line = line.replace("`", "'")
    return line[:400]


def _read_inputs(path: str):
    import numpy as np

    with np.load(path, allow_pickle=False) as data:
        names = [str(name) for name in data["names"]]
        arrays = [data[f"input_{i}"] for i in range(len(names))]
    return names, arrays


def _run_prelude(spec: str) -> None:
    """Import MODULE and call FUNCTION: how a .keras file's custom layers get registered before it loads."""
    import importlib

    module_name, _, function_name = spec.partition(":")
    try:
        function = getattr(importlib.import_module(module_name), function_name)
    except (ImportError, AttributeError) as error:
        raise RerunError(f"the file's custom layers need {spec}, which could not be imported: {_plain(error)}")
    function()


def _quiet_import_tensorflow():
    """TensorFlow writes banners straight to file descriptor 2 while it loads; keep stderr for our one line."""
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            import tensorflow
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    return tensorflow


# ------------------------------------------------------------------------------------------------------ runtimes
def _run_keras(path, names, arrays):
    import zipfile

    if not zipfile.is_zipfile(path):
        raise RerunError("the file is not a .keras archive (a .keras file is a zip archive)")
    _quiet_import_tensorflow()
    import keras

    try:
        # compile=False: the optimizer and loss play no part in the outputs, and a loss may be a custom function
        model = keras.models.load_model(path, compile=False)
    except Exception as error:  # noqa: BLE001
        missing = re.search(r"Could not locate class '([^']+)'", str(error))
        if missing:
            raise RerunError(f"Keras does not know the layer class {missing.group(1)} the file names") from None
        raise RerunError(f"Keras could not load the file: {_plain(error)}") from None
    import tensorflow as tf

    arrays = [tf.constant(a) if a.dtype.kind in "US" else a for a in arrays]  # words: Keras refuses NumPy text
    feed = arrays[0] if len(arrays) == 1 else _by_name([t.name for t in model.inputs], names, arrays, "Keras")
    outputs = model.predict(feed, verbose=0, batch_size=min(len(arrays[0]), 256) or 1)
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    return outputs, {"runtime": f"Keras {keras.__version__}"}


def _run_savedmodel(path, names, arrays):
    tf = _quiet_import_tensorflow()
    try:
        loaded = tf.saved_model.load(path)
    except Exception as error:  # noqa: BLE001
        raise RerunError(f"TensorFlow could not load the SavedModel: {_plain(error)}") from None
    if "serving_default" not in loaded.signatures:
        raise RerunError("the SavedModel has no serving_default signature")
    serve = loaded.signatures["serving_default"]
    # the signature's keyword names are the input names made into Python identifiers; each spec keeps the real one
    specs = serve.structured_input_signature[1]
    wanted = [spec.name or key for key, spec in specs.items()]
    fed = _by_name(wanted, names, arrays, "the SavedModel")
    feed = {key: tf.constant(array, dtype=spec.dtype) for (key, spec), array in zip(specs.items(), fed)}
    result = serve(**feed)
    return [result[key].numpy() for key in _natural_order(result)], {"runtime": f"TensorFlow {tf.__version__}"}


def _run_onnx(path, names, arrays):
    import numpy as np
    import onnxruntime

    try:
        session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    except Exception as error:  # noqa: BLE001
        raise RerunError(f"onnxruntime could not load the file: {_plain(error)}") from None
    inputs = session.get_inputs()
    fed = _by_name([i.name for i in inputs], names, arrays, "the ONNX file")
    types = {"tensor(float)": np.float32, "tensor(double)": np.float64, "tensor(int64)": np.int64,
             "tensor(int32)": np.int32, "tensor(float16)": np.float16, "tensor(bool)": np.bool_}
    feed = {i.name: np.asarray(a, dtype=types.get(i.type, a.dtype)) for i, a in zip(inputs, fed)}
    outputs = session.run(None, feed)
    return outputs, {"runtime": f"onnxruntime {onnxruntime.__version__}"}


def _run_tflite(path, names, arrays):
    import numpy as np

    interpreter, runtime = _tflite_interpreter(path)
    runner = interpreter.get_signature_runner()
    details = runner.get_input_details()
    keys = list(details)
    fed = _by_name(keys, names, arrays, "the TFLite file")
    rows = len(fed[0])
    # a file converted for a fixed batch (a recurrent model whose sequence length is open) takes that many at once
    fixed = [int(details[k]["shape_signature"][0]) for k in keys if len(details[k]["shape_signature"])]
    batch = fixed[0] if fixed and fixed[0] > 0 else rows
    chunks = []
    for start in range(0, rows, batch):
        feed = {}
        for key, array in zip(keys, fed):
            part = array[start : start + batch]
            if len(part) < batch:  # the last chunk of a fixed-batch file: pad with its last row, cut after
                part = np.concatenate([part, np.repeat(part[-1:], batch - len(part), axis=0)])
            feed[key] = _to_tensor(part, details[key])
        result = runner(**feed)
        output_details = runner.get_output_details()
        chunks.append([_from_tensor(result[key], output_details[key]) for key in _natural_order(result)])
    outputs = [np.concatenate([chunk[i] for chunk in chunks])[:rows] for i in range(len(chunks[0]))]
    info = {"runtime": runtime, "batch": batch if fixed and fixed[0] > 0 else None,
            "quantization": _tflite_quantization(interpreter)}
    return outputs, info


def _tflite_interpreter(path):
    """LiteRT's interpreter; TensorFlow's own for a file with select TensorFlow ops (it may carry the Flex
    delegate, LiteRT's does not)."""
    from ai_edge_litert.interpreter import Interpreter

    try:
        interpreter = Interpreter(model_path=path)
        interpreter.allocate_tensors()
        return interpreter, "LiteRT interpreter"
    except Exception as error:  # noqa: BLE001
        if not _needs_flex(error):
            raise RerunError(f"the LiteRT interpreter could not load the file: {_plain(error)}") from None
    try:
        tf = _quiet_import_tensorflow()
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tf.lite.Interpreter's deprecation notice
            interpreter = tf.lite.Interpreter(model_path=path)
        interpreter.allocate_tensors()
        return interpreter, "TensorFlow's tf.lite.Interpreter (Flex delegate)"
    except Exception as error:  # noqa: BLE001
        if _needs_flex(error):
            raise RerunError(
                "the file needs TensorFlow's Flex delegate (select TensorFlow operations), and neither the LiteRT "
                "interpreter nor this TensorFlow's tf.lite.Interpreter includes it"
            ) from None
        raise RerunError(f"TensorFlow's tf.lite.Interpreter could not load the file: {_plain(error)}") from None


def _needs_flex(error: BaseException) -> bool:
    text = str(error)
    return "Flex delegate" in text or "Select TensorFlow op" in text


def _to_tensor(array, detail):
    """Quantize for an integer input tensor; cast otherwise."""
    import numpy as np

    dtype = detail["dtype"]
    scale, zero_point = detail.get("quantization", (0.0, 0))
    if np.issubdtype(dtype, np.integer) and scale:
        info = np.iinfo(dtype)
        return np.clip(np.round(array / scale + zero_point), info.min, info.max).astype(dtype)
    return np.asarray(array, dtype=dtype)


def _from_tensor(array, detail):
    import numpy as np

    scale, zero_point = detail.get("quantization", (0.0, 0))
    if np.issubdtype(array.dtype, np.integer) and scale:
        return (array.astype(np.float32) - zero_point) * scale
    return array


def _tflite_quantization(interpreter) -> str | None:
    """How the file was quantized, read from its tensors and operations: full int8 quantizes its activations
    (QUANTIZE operations at the inputs), dynamic range keeps float activations with int8 weights, float16 stores
    float16 weights dequantized at load."""
    import numpy as np

    dtypes = {np.dtype(t["dtype"]) for t in interpreter.get_tensor_details()}
    try:
        ops = {op["op_name"] for op in interpreter._get_ops_details()}
    except Exception:  # noqa: BLE001 - a private API: without it, int8 weights read as full int8
        ops = {"QUANTIZE"}
    if np.dtype(np.int8) in dtypes or np.dtype(np.uint8) in dtypes:
        return "int8" if "QUANTIZE" in ops else "dynamic_int8"
    if np.dtype(np.float16) in dtypes:
        return "float16"
    return None


# ------------------------------------------------------------------------------------------------------- helpers
def _by_name(wanted: list[str], names: list[str], arrays: list, what: str) -> list:
    """The arrays in the order `wanted` names them; by position when the names differ but the count agrees."""
    if len(wanted) != len(arrays):
        raise RerunError(f"{what} takes {len(wanted)} inputs ({', '.join(wanted)}) but the model has {len(arrays)}")
    if sorted(wanted) == sorted(names):
        return [arrays[names.index(name)] for name in wanted]
    if len(arrays) == 1:
        return list(arrays)
    # runtimes may add ":0" or sanitize a name; match on what is left
    plain = [re.sub(r"[^0-9A-Za-z]", "_", name.split(":")[0]) for name in names]
    found = [re.sub(r"[^0-9A-Za-z]", "_", name.split(":")[0]) for name in wanted]
    if sorted(found) == sorted(plain):
        return [arrays[plain.index(name)] for name in found]
    raise RerunError(f"{what} takes inputs named {', '.join(wanted)}; the model's are {', '.join(names)}")


def _natural_order(keys) -> list[str]:
    """output_0, output_1, ..., output_10: numbers compared as numbers."""
    return sorted(keys, key=lambda k: [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", k)])


RUNNERS = {"keras": _run_keras, "savedmodel": _run_savedmodel, "onnx": _run_onnx, "tflite": _run_tflite}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
