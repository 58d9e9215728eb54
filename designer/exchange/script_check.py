"""Check an exported Python script or notebook by running it where Network Designer is not: a new process in an
empty temporary folder outside the repository, with nothing on PYTHONPATH and ``import designer`` refused.

The script trains one epoch (``--epochs 1``) and must say it finished the epoch and saved its model; then, with the
trained model's weights (``--weights``), it writes its outputs for the same rows (``--predict``), which must equal
the trained model's. A notebook's code cells are joined into one script, run with ``EPOCHS = 1``, and followed by
the same prediction. A failed run gives ``ok=False`` with the last line of its error; the exported file is kept.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from designer.exchange.check import CheckResult
from designer.exchange.python_script import PREDICT_BATCH, SAVED_MARK, TRAINED_MARK

#: the seed of the random draws a model makes when it predicts (a VAE's sampling), the same on both sides
CHECK_SEED = 1234
#: the repository holding the designer package, which the exported file must not see
_REPOSITORY = "" if getattr(sys, "frozen", False) else str(Path(__file__).resolve().parents[2])  # a bundle: none

#: runs the exported file as `python FILE ARGS...` would, with the designer package out of reach
_BOOTSTRAP = """\
import os, runpy, sys

class _NoDesigner:
    # the editable install finds `designer` without sys.path; this finder, asked first, refuses it
    def find_spec(self, name, path=None, target=None):
        if name == "designer" or name.startswith("designer."):
            raise ModuleNotFoundError("No module named 'designer' (an exported file must run without Network Designer)")
        return None

sys.meta_path.insert(0, _NoDesigner())
# the script's folder first, as `python script.py` has it; the checkout itself never (a virtual environment
# inside it stays: only the folder that holds the designer package is taken away)
repository = os.path.normcase(REPOSITORY)
sys.path[:] = [os.getcwd()] + [p for p in sys.path[1:] if p and os.path.normcase(os.path.abspath(p)) != repository]
script = os.path.abspath(sys.argv[1])
sys.argv = [script] + sys.argv[2:]
runpy.run_path(script, run_name="__main__")
""".replace("REPOSITORY", repr(_REPOSITORY))


def check_script(path: str, model, rows, *, timeout: float = 600) -> CheckResult:
    """Run the exported script (or notebook, by its ``.ipynb`` suffix) at `path` from an empty folder: one epoch of
    training, then its outputs with `model`'s weights for `rows` (the model's inputs: an array, or a list of arrays
    for several inputs), compared with ``model.predict(rows)``. `timeout`: seconds per run."""
    notebook = str(path).endswith(".ipynb")
    label = "Notebook" if notebook else "Python script"
    result = CheckResult("notebook" if notebook else "python", str(path), ok=False, summary="")
    source = Path(path)
    try:
        text = _notebook_code(source) if notebook else source.read_text(encoding="utf-8")
    except (OSError, ValueError) as error:
        result.summary = f"{label}: cannot be read ({error})"
        return result
    imported = _designer_import(text)
    if imported:
        result.summary = f"{label}: it imports the designer package (line {imported}), so it cannot run without the app"
        return result

    work = Path(tempfile.mkdtemp(prefix="network-designer-check-"))
    if _inside(work, Path(_REPOSITORY)):  # a TMPDIR inside the checkout would put the repository in reach
        shutil.rmtree(work, ignore_errors=True)
        work = Path(tempfile.mkdtemp(prefix="network-designer-check-", dir=os.path.expanduser("~")))
    run_dir, own = work / "run", work / "check"
    run_dir.mkdir()
    own.mkdir()
    try:
        for data in source.parent.glob("*.npz"):
            if data.name in text:  # the data files the script reads, and nothing else of the folder
                shutil.copy2(data, run_dir / data.name)
        weights, inputs, outputs = own / "trained.weights.h5", own / "rows.npz", own / "outputs.npz"
        model.save_weights(str(weights))
        _save_rows(inputs, rows)
        expected = _reference_outputs(model, rows)

        if notebook:
            script = run_dir / f"{source.stem}_cells.py"
            script.write_text(_with_one_epoch(text) + _notebook_prediction(weights, inputs, outputs), encoding="utf-8")
            run = _run(script, [], run_dir, timeout)
            failure = _failure(run, timeout) or _training_failure(run, run_dir)
        else:
            script = run_dir / source.name
            shutil.copy2(source, script)
            run = _run(script, ["--epochs", "1"], run_dir, timeout)
            failure = _failure(run, timeout) or _training_failure(run, run_dir)
            if failure is None:
                run = _run(script, ["--seed", str(CHECK_SEED), "--weights", str(weights), "--predict", str(inputs),
                                    str(outputs)], run_dir, timeout)
                failure = _failure(run, timeout, "predicting with the trained weights")
        if failure is None and not outputs.exists():
            failure = "it wrote no outputs for the check's rows"
        if failure is not None:
            result.summary = f"{label}: {failure}"
            return result

        got = _load_outputs(outputs)
        result.rows = _row_count(rows)
        if len(got) != len(expected) or any(a.shape != b.shape for a, b in zip(got, expected)):
            shapes = lambda arrays: ", ".join(str(a.shape) for a in arrays)  # noqa: E731
            result.summary = f"{label}: its outputs have shape {shapes(got)}, the model's {shapes(expected)}"
            return result
        difference = max((float(np.max(np.abs(a.astype(np.float64) - b))) if a.size else 0.0)
                         for a, b in zip(got, expected))
        scale = max((float(np.max(np.abs(b))) if b.size else 0.0) for b in expected)
        result.largest_difference = difference
        result.tolerance = 1e-4 * max(1.0, scale)
        ran = "ran its cells (1 epoch)" if notebook else "trained 1 epoch"
        if difference <= result.tolerance:
            result.ok = True
            result.summary = (
                f"{label}: {ran} from an empty folder; same outputs with the trained weights, largest difference "
                f"{difference:.0e} over {result.rows} rows"
            )
        else:
            result.summary = (
                f"{label}: {ran}, but with the trained weights its outputs differ from the model's by up to "
                f"{difference:.3g} (over {result.rows} rows)"
            )
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ------------------------------------------------------------------------------------------------ running
class _Run:
    def __init__(self, returncode: int | None, stdout: str, stderr: str, timed_out: bool) -> None:
        self.returncode, self.stdout, self.stderr, self.timed_out = returncode, stdout, stderr, timed_out


def clean_environment() -> dict[str, str]:
    """The environment of a run: no PYTHONPATH (the repository out of reach), matplotlib without windows, quiet
    TensorFlow start-up."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "TF_CONFIG")}
    env["MPLBACKEND"] = "Agg"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_exported(script: Path, arguments: list[str], folder: Path,
                 env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start the exported `script` in `folder` as ``python script ARGS`` would, ``designer`` out of reach (its own
    process group, so a hung run is stopped whole)."""
    return subprocess.Popen(
        [sys.executable, "-c", _BOOTSTRAP, str(script), *arguments],
        cwd=str(folder), env=env or clean_environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    """End a run and everything it started."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        process.kill()


def _run(script: Path, arguments: list[str], folder: Path, timeout: float) -> _Run:
    process = run_exported(script, arguments, folder)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
        return _Run(process.returncode, stdout, stderr, False)
    except subprocess.TimeoutExpired:
        stop(process)
        stdout, stderr = process.communicate()
        return _Run(None, stdout, stderr, True)


def _failure(run: _Run, timeout: float, doing: str = "") -> str | None:
    """None when the run ended well, else why not in one line."""
    during = f" while {doing}" if doing else ""
    if run.timed_out:
        return f"did not finish within {timeout:g} s{during}"
    if run.returncode != 0:
        return f"the run stopped with an error{during}: {last_error_line(run.stderr or run.stdout)}"
    return None


def _training_failure(run: _Run, folder: Path) -> str | None:
    """None when the run says it trained one epoch and saved a model file that is there."""
    epochs = TRAINED_MARK.findall(run.stdout)
    if not epochs or int(epochs[-1]) < 1:
        return "it ended without finishing an epoch of training"
    saved = [line[len(SAVED_MARK):].strip() for line in run.stdout.splitlines() if line.startswith(SAVED_MARK)]
    if not saved or not all(Path(name).is_file() and _inside(Path(name), folder) for name in saved):
        return "it trained but saved no model file in its folder"
    return None


def last_error_line(text: str) -> str:
    """The line of a traceback that names the error (the last such line), else the last line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in reversed(lines):
        if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Warning)\b", line):
            return line[:300]
    return lines[-1][:300] if lines else "no message"


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


# ------------------------------------------------------------------------------------------------ the file's text
def _designer_import(text: str) -> int | None:
    """The line of an ``import designer`` (or ``from designer...``) in the code, or None."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None  # a syntax error shows when it runs, with Python's own message
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "designer" for a in node.names):
            return node.lineno
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "designer":
            return node.lineno
    return None


def _notebook_code(path: Path) -> str:
    """A notebook's code cells joined in order into one script."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            cells.append("".join(source) if isinstance(source, list) else source)
    return "\n\n".join(cells) + "\n"


def _with_one_epoch(code: str) -> str:
    changed, count = re.subn(r"^EPOCHS = .*$", "EPOCHS = 1  # set by the check", code, flags=re.MULTILINE)
    return changed if count else "EPOCHS = 1\n" + code


def _notebook_prediction(weights: Path, inputs: Path, outputs: Path) -> str:
    """Code the check adds after a notebook's cells: a fresh model with the trained weights predicts the rows."""
    return f"""

# ---- added by Network Designer's check: the rebuilt model's outputs with the trained weights
import inspect as _inspect
_build = globals().get("build_generator") or build_model
_seeded = {{"seed": {CHECK_SEED}}} if "seed" in _inspect.signature(_build).parameters else {{}}
_checked = _build(**_seeded)
_checked.load_weights({str(weights)!r})
with np.load({str(inputs)!r}) as _rows:
    _x = _rows["x"] if "x" in _rows.files else [_rows[f"x{{i}}"] for i in range(len(_rows.files))]
if isinstance(_x, list):  # words go in as string tensors (Keras refuses NumPy text)
    _x = [tf.constant(_v) if _v.dtype.kind == "U" else _v for _v in _x]
_y = _checked.predict(_x, batch_size={PREDICT_BATCH}, verbose=0)
if isinstance(_y, (list, tuple)):
    np.savez({str(outputs)!r}, **{{f"y{{i}}": np.asarray(v) for i, v in enumerate(_y)}})
else:
    np.savez({str(outputs)!r}, y=np.asarray(_y))
"""


# ------------------------------------------------------------------------------------------------ the outputs
def _save_rows(path: Path, rows) -> None:
    if isinstance(rows, (list, tuple)):
        np.savez(path, **{f"x{i}": _saved(r) for i, r in enumerate(rows)})
    else:
        np.savez(path, x=_saved(rows))


def _saved(part) -> np.ndarray:
    """An input as NumPy stores it without pickling: words (a string tensor) as text."""
    array = np.asarray(part)
    if array.dtype.kind in "OS":  # a string tensor's cells are bytes
        array = np.char.decode(array.astype(bytes), "utf-8")
    return array


def _row_count(rows) -> int:
    return len(rows[0]) if isinstance(rows, (list, tuple)) else len(rows)


def _reference_outputs(model, rows) -> list[np.ndarray]:
    """``model.predict(rows)``, with its random draws (a VAE's sampling) started from the seed the script gets."""
    generators = []
    for layer in _all_layers(model):
        generator = getattr(layer, "seed_generator", None)
        state = getattr(generator, "state", None)
        if state is not None:
            generators.append((state, np.array(state.numpy())))
            state.assign(np.array([CHECK_SEED, 0], dtype=np.asarray(state.numpy()).dtype))
    try:
        outputs = model.predict(rows, batch_size=PREDICT_BATCH, verbose=0)
    finally:
        for state, value in generators:  # the model goes on as it was
            state.assign(value)
    if isinstance(outputs, (list, tuple)):
        return [np.asarray(o) for o in outputs]
    return [np.asarray(outputs)]


def _all_layers(model) -> list:
    found = []
    for layer in getattr(model, "layers", []):
        found.append(layer)
        if hasattr(layer, "layers"):
            found += _all_layers(layer)
    return found


def _load_outputs(path: Path) -> list[np.ndarray]:
    with np.load(path) as data:
        if "y" in data.files:
            return [data["y"]]
        return [data[f"y{i}"] for i in range(len(data.files))]
