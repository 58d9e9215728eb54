"""`designer doctor` and Help → Diagnostics: what this installation has and what it lacks, in plain words.

Versions (Python, Network Designer, TensorFlow, Keras, PySide6, numpy and the libraries of exports and sweeps); the
GPUs TensorFlow sees and, when it sees none, the likely reason (a TensorFlow built without CUDA, no NVIDIA driver,
CUDA libraries not found — the ``[gpu]`` extra); the display and whether Qt's platform plugin can load (the same
check the window makes before it opens); the Keras cache folder with the datasets and pretrained weights already in
it; the app's own folders (settings, recovery files, the runs' TensorBoard logs) and whether they are writable.
`diagnose` returns `Section`s; `report` turns them into text; nothing here raises for what it finds missing. It is
an entry-level module beside the command line: it reads what the window would use (its folders, its platform
check) without opening it.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import platform
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

OK, NOTE, PROBLEM = "ok", "note", "problem"
#: the distributions whose versions are reported, in this order
PACKAGES = ("network-designer", "tensorflow", "keras", "PySide6-Essentials", "numpy", "pyqtgraph", "optuna",
            "tensorboard", "onnx", "onnxruntime", "tf2onnx", "ai-edge-litert", "nbformat")
#: the libraries TensorFlow's CUDA build loads (pip's nvidia-* wheels of the [gpu] extra, or a system CUDA)
CUDA_LIBRARIES = ("libcudart.so.12", "libcudnn.so.9", "libcublas.so.12")
#: pretrained backbones: the file name Keras caches their ImageNet weights under starts with these
BACKBONE_FILES = {"VGG16": "vgg16_weights", "MobileNetV2": "mobilenet_v2_weights", "ResNet50": "resnet50_weights"}
#: the cached forms of the downloadable datasets (designer.data.downloads): any of these names in the cache
DATASET_FILES = {
    "mnist": ("mnist.npz",),
    "fashion_mnist": ("fashion-mnist",),
    "cifar10": ("cifar-10-batches-py", "cifar-10-batches-py.tar.gz"),
    "cifar100": ("cifar-100-python", "cifar-100-python.tar.gz"),
}


@dataclass
class Section:
    title: str
    status: str
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class GpuFacts:
    """What decides whether TensorFlow trains on a GPU here."""

    names: tuple[str, ...]
    built_with_cuda: bool
    driver: bool
    cuda_libraries: bool
    system: str = sys.platform


def diagnose(environ=os.environ) -> list[Section]:
    return [versions(), gpus(gpu_facts()), display(environ), keras_cache(), folders()]


def report(sections: list[Section]) -> str:
    """The sections as text, one heading each ("[ok] GPU"), then a summary line."""
    marks = {OK: "ok", NOTE: "note", PROBLEM: "PROBLEM"}
    text = []
    for section in sections:
        text.append(f"[{marks[section.status]}] {section.title}")
        text += [f"    {line}" for line in section.lines]
    problems = [s.title for s in sections if s.status == PROBLEM]
    notes = [s.title for s in sections if s.status == NOTE]
    if problems:
        summary = "Needs attention: " + ", ".join(problems) + " (see above)."
    elif notes:
        summary = "Everything the app needs is here; worth knowing: " + ", ".join(notes) + " (see above)."
    else:
        summary = "Everything the app needs is here."
    return "\n".join(text + ["", summary])


# ---------------------------------------------------------------------------- the sections
def versions() -> Section:
    lines = [f"Python {platform.python_version()} ({sys.executable})", f"System: {platform.platform()}"]
    missing = []
    for name in PACKAGES:
        try:
            lines.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            lines.append(f"{name}: not installed")
            missing.append(name)
    essential = {"tensorflow", "keras", "PySide6-Essentials", "numpy"} & set(missing)
    if essential:
        lines.append(f"Missing what the app needs: {', '.join(sorted(essential))}. Install the app again with pip.")
    return Section("Versions", PROBLEM if essential else OK, lines)


def gpu_facts() -> GpuFacts:
    """Ask TensorFlow (imported quietly) and the system."""
    from designer.keras_bridge.runtime import gpu_names, import_tensorflow_quietly

    tf = import_tensorflow_quietly()
    driver = Path("/proc/driver/nvidia/version").exists() or shutil.which("nvidia-smi") is not None
    return GpuFacts(tuple(gpu_names()), bool(tf.test.is_built_with_cuda()), driver, _cuda_libraries_load())


def _cuda_libraries_load() -> bool:
    import ctypes

    if importlib.util.find_spec("nvidia") is not None and importlib.util.find_spec("nvidia.cudnn") is not None:
        return True  # pip's CUDA wheels, which TensorFlow finds by itself
    for name in CUDA_LIBRARIES:
        try:
            ctypes.CDLL(name)
        except OSError:
            return False
    return True


def gpus(facts: GpuFacts) -> Section:
    """The GPUs TensorFlow sees, or why it sees none (the first reason that holds, most basic first)."""
    if facts.names:
        lines = [f"GPU {i}: {name}" for i, name in enumerate(facts.names)]
        lines.append("Training uses the first GPU (Settings: device); \"all_gpus\" splits each batch across all.")
        return Section("GPU", OK, lines)
    lines = ["TensorFlow sees no GPU here: training runs on the CPU (fine for the templates, slower for big "
             "networks)."]
    if not facts.built_with_cuda:
        if facts.system == "darwin":
            lines.append("Likely reason: TensorFlow on macOS has no CUDA; Apple GPUs need the tensorflow-metal "
                         "plug-in, which this app has not been tested with.")
        elif facts.system.startswith("win"):
            lines.append("Likely reason: TensorFlow on Windows uses no GPU since 2.11; run the app in WSL2 for GPU "
                         "training.")
        else:
            lines.append("Likely reason: this TensorFlow is a CPU-only build. Install the GPU one with: "
                         "pip install 'network-designer[gpu]'.")
    elif not facts.driver:
        lines.append("Likely reason: no NVIDIA driver is installed (no /proc/driver/nvidia/version, no nvidia-smi). "
                     "Install your distribution's NVIDIA driver, then restart.")
    elif not facts.cuda_libraries:
        lines.append("Likely reason: the CUDA libraries TensorFlow loads (libcudart, libcudnn, libcublas) are not "
                     "found. Install them with: pip install 'network-designer[gpu]'.")
    else:
        lines.append("The driver and the CUDA libraries are there, yet TensorFlow found no GPU: run nvidia-smi to "
                     "see whether the card is visible, and check CUDA_VISIBLE_DEVICES.")
    return Section("GPU", NOTE, lines)


def display(environ=os.environ) -> Section:
    """Where the window would appear, and whether Qt's platform plugin can load (the window's own check)."""
    from designer.ui.platform_check import MissingLibrariesError, check_platform_plugin, xcb_will_be_used

    lines = []
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE", "QT_QPA_PLATFORM"):
        if environ.get(name):
            lines.append(f"{name}={environ[name]}")
    if sys.platform.startswith("linux") and not (environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY")) \
            and environ.get("QT_QPA_PLATFORM", "") not in ("offscreen", "minimal"):
        lines.append("No display: the window cannot open here (the command line works). On a server, use "
                     "xvfb-run designer, or QT_QPA_PLATFORM=offscreen for tests.")
        return Section("Display", NOTE, lines)
    try:
        check_platform_plugin(environ)
    except MissingLibrariesError as error:
        return Section("Display", PROBLEM, lines + [str(error)])
    plugin = "X11 (xcb)" if xcb_will_be_used(environ) else (environ.get("QT_QPA_PLATFORM") or "the system's default")
    lines.append(f"Qt's platform plugin: {plugin}, loads.")
    return Section("Display", OK, lines)


def keras_cache() -> Section:
    from designer.data.downloads import keras_datasets_dir, keras_home

    home = Path(keras_home())
    datasets = Path(keras_datasets_dir())
    have = [name for name, files in DATASET_FILES.items() if any((datasets / f).exists() for f in files)]
    models = home / "models"
    weights = sorted(p.name for p in models.glob("*.h5")) if models.is_dir() else []
    backbones = [name for name, prefix in BACKBONE_FILES.items() if any(w.startswith(prefix) for w in weights)]
    lines = [f"Keras cache: {home}" + ("" if home.exists() else " (not made yet)"),
             "Datasets already downloaded: " + (", ".join(have) if have else "none (each downloads once, when "
                                                "first used; the bundled ones need no download)"),
             "Pretrained weights already downloaded: " + (", ".join(backbones) if backbones else "none")]
    return Section("Keras cache", OK, lines)


def folders() -> Section:
    from designer.ui.app_settings import RunPreferences, config_dir, data_dir

    lines, status = [], OK
    places = [("Settings", lambda: config_dir()), ("Recovery files", lambda: data_dir() / "recovery")]
    tensorboard = RunPreferences().tensorboard_folder if _writable_call(config_dir) else None
    if tensorboard:
        places.append(("Runs' TensorBoard logs", lambda: Path(tensorboard).expanduser()))
    for what, where in places:
        try:
            path = where()  # the app's own folder functions make the folder: that can fail too
        except OSError as error:
            path = Path(error.filename or "?")
        if _writable(path):
            lines.append(f"{what}: {path} (writable)")
        else:
            lines.append(f"{what}: {path} — NOT writable: settings or autosaves would be lost. Fix the folder's "
                         "permissions, or set DESIGNER_CONFIG_DIR / DESIGNER_DATA_DIR to another folder.")
            status = PROBLEM
    lines.append("Runs are kept in each project's own file (Train → Runs).")
    return Section("Folders", status, lines)


def _writable_call(where) -> bool:
    try:
        return _writable(where())
    except OSError:
        return False


def _writable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".doctor-", delete=True):
            return True
    except OSError:
        return False
