"""The check after an export: the written file re-run in its own runtime, in a separate process, and compared
with the model it came from.

The child process runs `rerun.py` (numpy and the format's runtime only); arrays travel through temporary .npz
files. The model's own outputs are computed here on the CPU, as the child computes its own (a GPU's TF32 matrix
products alone would differ from any CPU runtime by more than a float32 export does).

Three kinds of comparison:

* deterministic model, float file: the largest absolute difference, within 1e-4 of the outputs' scale;
* a model that samples at inference (the VAE's sampling layer): no two runs agree, in Keras either, so each row
  is repeated `DRAWS` times and the averages are compared, within what the sampling's spread explains, and the
  spreads themselves, within `SPREAD_RATIO`;
* a quantized TFLite file: its outputs differ by design; it passes when it re-runs, and for a classifier with
  labels the accuracy before and after is what the person reads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from designer.exchange.check import CheckResult

RERUN_SCRIPT = Path(__file__).with_name("rerun.py")
#: what each format is called at the start of a summary line
SHORT_NAMES = {"keras": "Keras", "savedmodel": "SavedModel", "tflite": "TFLite", "onnx": "ONNX"}
QUANTIZATION_NAMES = {"float16": "float16", "dynamic_int8": "dynamic-range int8", "int8": "int8"}
#: float32 exports agree with Keras to about 1e-7; this leaves room for other kernels without hiding a real fault
RELATIVE_TOLERANCE = 1e-4
#: repetitions of each row for a model that samples at random
DRAWS = 32
#: how many standard errors two averages of `DRAWS` draws may differ by. Over 50,000 outputs (64 rows of 28×28
#: pixels) the largest comes to about 5 (5.8 at most in 20 simulated checks); a wrong weight moves them further
STANDARD_ERRORS = 7.0
#: how much wider or narrower the export's draws may spread than the model's (the average variance over all the
#: outputs of one tensor is measured on thousands of draws: it varies by a few percent)
SPREAD_RATIO = 1.5
#: the function that registers Network Designer's own layers, for a .keras file that names them
_PRELUDE = "designer.keras_bridge.custom_layers:register"
#: how rerun.py starts its one line about a failure (it cannot share the constant: it imports nothing of the app)
ERROR_PREFIX = "rerun: "


def check_export(fmt: str, path: str, model, rows, labels=None, *, timeout: float = 300) -> CheckResult:
    """Re-run the file at `path` in its own runtime in a separate process and compare it with `model` on `rows`.

    Never raises for a broken file: the failure is in the result's `ok` and `summary`. `rows` is an array, or a
    list of arrays (or a dict by input name) for a model with several inputs; `labels` (optional) are a
    classifier's class ids or one-hot rows, for the accuracy before and after quantization.
    """
    if fmt not in SHORT_NAMES:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(SHORT_NAMES)}")
    inputs = model_inputs(model, rows)
    count = len(inputs[0])
    label = SHORT_NAMES[fmt]
    if count == 0:
        return CheckResult(fmt, path, False, f"{label}: not checked: there were no rows to compare on")
    notes: list[str] = []

    first = _predict(model, inputs)
    random_model = not _same(first, _predict(model, inputs))
    if random_model:
        inputs = [np.repeat(array, DRAWS, axis=0) for array in inputs]
        reference = _predict(model, inputs)
        notes.append(
            f"The model samples at random when it runs, so each row was run {DRAWS} times and the averages compared."
        )
    else:
        reference = first

    prelude = None
    if fmt == "keras":
        custom = _designer_layers_in(path)
        if custom:
            prelude = _PRELUDE
            # the one case where the child imports the app: plain Keras cannot rebuild a layer it has never seen
            notes.append(
                f"Checked with Network Designer's {', '.join(custom)} layer registered first: plain Keras cannot "
                "load the file without it."
            )
    found = _rerun(fmt, path, model, inputs, prelude, timeout)
    if isinstance(found, str):
        return CheckResult(fmt, path, False, f"{label}: failed: {found}", rows=count, notes=notes)
    outputs, info = found

    quantization = info.get("quantization")
    if quantization:
        label = f"{label} ({QUANTIZATION_NAMES.get(quantization, quantization)})"
    if "Flex" in info.get("runtime", ""):
        notes.append("Checked with TensorFlow's tf.lite.Interpreter: the file needs its Flex delegate.")

    problem = _shape_problem(outputs, reference)
    if problem:
        return CheckResult(fmt, path, False, f"{label}: failed: {problem}", rows=count, notes=notes)

    spread = None
    spread_ratio = 1.0
    if random_model:
        spread = [_standard_error(o, r, count) for o, r in zip(outputs, reference)]
        spread_ratio = _spread_ratio(outputs, reference, count)
        outputs = [_per_row_mean(o, count) for o in outputs]
        reference = [_per_row_mean(r, count) for r in reference]
    difference, tolerance, share = _compare(outputs, reference, spread)
    before = after = None
    kind = _classifier_kind(model)
    if labels is not None and kind:
        truth = _truth(np.asarray(labels), kind)
        if len(truth) == count:
            before = _accuracy(reference[0], truth, kind)
            after = _accuracy(outputs[0], truth, kind)

    result = CheckResult(fmt, path, False, "", largest_difference=difference, rows=count, tolerance=tolerance,
                         accuracy_before=before, accuracy_after=after, notes=notes)
    over = f"over {count} rows" + (f" × {DRAWS} draws" if random_model else "")
    if quantization:
        # a quantized file is meant to differ: re-running at all is the pass; the accuracy is the measure
        result.ok = bool(np.isfinite(difference))
        if not result.ok:
            result.summary = f"{label}: failed: the file's outputs are not finite numbers"
        elif before is not None:
            result.summary = f"{label}: accuracy {before:.2f} before, {after:.2f} after on {count} rows"
        else:
            result.summary = (
                f"{label}: re-ran, largest difference {difference:.1g} {over} (quantized: it differs by design)"
            )
        return result
    result.ok = share <= 1.0 and 1 / SPREAD_RATIO <= spread_ratio <= SPREAD_RATIO
    if result.ok:
        same = "same outputs on average" if random_model else "same outputs"
        result.summary = f"{label}: {same}, largest difference {difference:.1g} {over}"
    elif share <= 1.0:  # the averages agree, the spread of the draws does not
        result.summary = (
            f"{label}: failed: the draws spread {spread_ratio:.2g} times as widely as the model's "
            f"(largest difference of the averages {difference:.1g} {over})"
        )
    elif random_model:
        errors = share * STANDARD_ERRORS
        result.summary = (
            f"{label}: failed: different outputs on average, largest difference {difference:.1g} {over} "
            f"(the averages are {errors:.0f} standard errors of the sampling apart; at most {STANDARD_ERRORS:g} pass)"
        )
    else:
        result.summary = (
            f"{label}: failed: different outputs, largest difference {difference:.1g} {over} "
            f"(allowed {tolerance:.1g})"
        )
    return result


# --------------------------------------------------------------------------------------------------- the model side
def model_inputs(model, rows) -> list[np.ndarray]:
    """`rows` as one array per model input, in the model's input order, in each input's dtype."""
    names = [t.name for t in model.inputs]
    if isinstance(rows, dict):
        missing = [n for n in names if n not in rows]
        if missing:
            raise ValueError(f"no rows for the input(s) {', '.join(missing)}")
        arrays = [rows[n] for n in names]
    elif isinstance(rows, (list, tuple)):
        arrays = list(rows)
    else:
        arrays = [rows]
    if len(arrays) != len(names):
        raise ValueError(f"the model has {len(names)} inputs but {len(arrays)} arrays of rows were given")
    return [_text(a) if str(t.dtype) == "string" else np.asarray(a, dtype=t.dtype) for a, t in zip(arrays, model.inputs)]


def _text(rows) -> np.ndarray:
    """Words as a NumPy array of text (a string tensor gives bytes): it is saved for the runtime like numbers."""
    values = np.asarray(rows.numpy() if hasattr(rows, "numpy") else rows)
    return np.vectorize(lambda v: v.decode("utf-8") if isinstance(v, bytes) else str(v), otypes=[str])(values)


def _predict(model, inputs: list[np.ndarray]) -> list[np.ndarray]:
    """The model's outputs on the CPU, in batches of 256 called directly (`predict` would trace a new function
    for every new number of rows, and warn about it)."""
    import keras

    from designer.keras_bridge.models import recursion_room

    batches = []
    with recursion_room(len(model.layers)), keras.device("cpu"):
        for start in range(0, len(inputs[0]), 256):
            part = _fed([array[start : start + 256] for array in inputs])
            outputs = model(part[0] if len(part) == 1 else part, training=False)
            outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
            batches.append([keras.ops.convert_to_numpy(o) for o in outputs])
    return [np.concatenate([batch[i] for batch in batches]) for i in range(len(batches[0]))]


def _fed(parts: list[np.ndarray]) -> list:
    """Rows as the model takes them: with words, every part a tensor (Keras refuses NumPy text, and a call may not
    mix tensors with arrays)."""
    if not any(rows.dtype.kind in "US" for rows in parts):
        return parts
    import tensorflow as tf

    return [tf.constant(rows) for rows in parts]


def _same(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return all(np.allclose(x, y, rtol=1e-5, atol=1e-6, equal_nan=True) for x, y in zip(a, b))


def _classifier_kind(model) -> str | None:
    """'argmax' for a softmax output, 'threshold' for one sigmoid unit, None for anything else."""
    if len(model.outputs) != 1:
        return None
    history = getattr(model.outputs[0], "_keras_history", None)  # the layer that made the output
    layer = getattr(history, "operation", None)
    activation = getattr(getattr(layer, "activation", None), "__name__", "")
    units = model.outputs[0].shape[-1]
    if activation == "softmax" and units and units > 1:
        return "argmax"
    if activation == "sigmoid" and units == 1:
        return "threshold"
    return None


def _truth(labels: np.ndarray, kind: str) -> np.ndarray:
    if kind == "argmax" and labels.ndim >= 2 and labels.shape[-1] > 1:
        return labels.argmax(axis=-1).ravel()
    truth = labels.reshape(len(labels), -1)[:, 0]
    return truth > 0.5 if kind == "threshold" else truth.astype(int)


def _accuracy(outputs: np.ndarray, truth: np.ndarray, kind: str) -> float:
    guess = outputs.argmax(axis=-1) if kind == "argmax" else outputs.reshape(len(outputs), -1)[:, 0] > 0.5
    return float(np.mean(guess.ravel() == truth))


# --------------------------------------------------------------------------------------------------- the child side
def _designer_layers_in(path: str) -> list[str]:
    """The Network Designer layer classes a .keras file names ("designer>VAESampling" -> VAESampling)."""
    try:
        with zipfile.ZipFile(path) as archive:
            config = archive.read("config.json").decode("utf-8")
    except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        return []  # the child will say what is wrong with the file
    found = set()
    for part in config.split('"designer>')[1:]:
        found.add(part.split('"', 1)[0])
    return sorted(found)


def _rerun(fmt, path, model, inputs, prelude, timeout) -> tuple[list[np.ndarray], dict] | str:
    """Run rerun.py on the file; its outputs and info, or one plain line saying why not."""
    with tempfile.TemporaryDirectory(prefix="designer-check-") as folder:
        inputs_path = os.path.join(folder, "inputs.npz")
        outputs_path = os.path.join(folder, "outputs.npz")
        arrays = {f"input_{i}": a for i, a in enumerate(inputs)}
        np.savez(inputs_path, names=np.array([t.name for t in model.inputs]), **arrays)
        # -P: the script's folder (this package's modules) stays off sys.path, so none of them can shadow a module
        # the runtime imports
        command = [sys.executable, "-P", str(RERUN_SCRIPT), fmt, os.path.abspath(path), inputs_path, outputs_path,
                   "--layers", str(len(model.layers))]
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
        # the child runs on the CPU: a second TensorFlow would otherwise claim the memory of the GPU the app trains on
        env["CUDA_VISIBLE_DEVICES"] = "-1"
        if prelude:
            command += ["--prelude", prelude]
            package_root = str(Path(__file__).resolve().parents[2])
            env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        try:
            # the child starts in the temporary folder, so nothing of the app is importable from its directory
            done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=timeout,
                                  check=False)
        except subprocess.TimeoutExpired:
            return f"the runtime did not finish within {timeout:g} s"
        if done.returncode != 0:
            return _child_error(done)
        try:
            with np.load(outputs_path, allow_pickle=False) as data:
                info = json.loads(str(data["info"]))
                count = sum(1 for key in data.files if key.startswith("output_"))
                outputs = [np.asarray(data[f"output_{i}"], dtype=np.float64) for i in range(count)]
        except (OSError, ValueError, KeyError) as error:
            return f"the runtime's outputs could not be read back ({error})"
    return outputs, info


def _child_error(done: subprocess.CompletedProcess) -> str:
    for line in reversed(done.stderr.splitlines()):
        if line.startswith(ERROR_PREFIX):
            return line[len(ERROR_PREFIX):]
    if done.returncode < 0:
        return f"the runtime crashed (signal {-done.returncode})"
    last = next((line.strip() for line in reversed(done.stderr.splitlines()) if line.strip()), "")
    return f"the runtime stopped with status {done.returncode}" + (f": {last[:300]}" if last else "")


# -------------------------------------------------------------------------------------------------------- comparing
def _shape_problem(outputs: list[np.ndarray], reference: list[np.ndarray]) -> str | None:
    if len(outputs) != len(reference):
        return f"the file gives {len(outputs)} output(s) where the model gives {len(reference)}"
    for i, (found, expected) in enumerate(zip(outputs, reference)):
        if found.shape != expected.shape:
            which = f"output {i + 1} has" if len(reference) > 1 else "the output has"
            return f"{which} shape {found.shape} in the file but {expected.shape} in the model"
    return None


def _compare(outputs, reference, spread) -> tuple[float, float, float]:
    """The largest difference, the allowance (for a sampling model, each output's own: it is None), and the worst
    difference as a share of its allowance (at most 1 passes)."""
    largest, worst = 0.0, 0.0
    allowances = []
    for i, (found, expected) in enumerate(zip(outputs, reference)):
        if found.size == 0:
            continue
        allowed = RELATIVE_TOLERANCE * max(1.0, float(np.max(np.abs(expected))))
        allowances.append(allowed)
        if spread is not None:
            allowed = allowed + STANDARD_ERRORS * spread[i]
        difference = np.abs(found - expected)
        if not np.all(np.isfinite(found)):
            return float("inf"), None if spread is not None else max(allowances), float("inf")
        largest = max(largest, float(difference.max()))
        worst = max(worst, float(np.max(difference / allowed)))
    tolerance = None if spread is not None or not allowances else max(allowances)
    return largest, tolerance, worst


def _per_row_mean(array: np.ndarray, rows: int) -> np.ndarray:
    return array.reshape(rows, DRAWS, *array.shape[1:]).mean(axis=1)


def _spread_ratio(outputs, reference, rows: int) -> float:
    """How many times as widely the export's draws spread as the model's (the ratio of the standard deviations,
    from the variances averaged over each output tensor); the one furthest from 1 over all outputs."""
    worst = 1.0
    for found, expected in zip(outputs, reference):
        variances = [float(np.mean(a.reshape(rows, DRAWS, -1).var(axis=1, ddof=1))) for a in (found, expected)]
        if max(variances) < 1e-12:  # an output the sampling does not reach (an encoder's mean, say)
            continue
        ratio = np.sqrt(variances[0] / variances[1]) if variances[1] > 0 else float("inf")
        if max(ratio, 1 / ratio if ratio else float("inf")) > max(worst, 1 / worst):
            worst = float(ratio)
    return worst


def _standard_error(found: np.ndarray, expected: np.ndarray, rows: int) -> np.ndarray:
    """The standard error of the difference of the two averages of DRAWS draws, from both sides' spread."""
    variance = [a.reshape(rows, DRAWS, *a.shape[1:]).var(axis=1, ddof=1) for a in (found, expected)]
    return np.sqrt((variance[0] + variance[1]) / DRAWS)
