"""Reading a Keras model file before Keras does: what it holds, whether it is whole, whether it fits in memory, and
whether anything in it would run code (`designer.keras_bridge.safety`). Every problem is one plain sentence naming
the file; nothing from the file is deserialized here.

A ``.keras`` file is a zip archive of ``config.json`` (the model), ``metadata.json`` and ``model.weights.h5``; a
legacy ``.h5`` file (Keras 2) keeps the model's configuration as JSON in an attribute of the HDF5 file.
"""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass
from typing import Any

from designer.keras_bridge.safety import refusals

#: loading holds the weights about three times at once (Keras's model, the canvas's model, the bytes kept)
MEMORY_FACTOR = 3
#: a model's description (config.json) is kilobytes to a few megabytes; a file claiming more is not read
MAX_DESCRIPTION_BYTES = 256 * 2**20


class ModelImportError(ValueError):
    """The file cannot become a project; one plain sentence naming the file."""


@dataclass(frozen=True)
class ModelFile:
    path: str
    #: "keras" (a Keras 3 .keras archive) or "h5" (a legacy HDF5 model)
    format: str
    #: the serialized model as the file holds it ({"class_name": "Functional", "config": {...}, ...})
    config: dict[str, Any]
    #: how the model was compiled, in Keras 3's form or the legacy "training_config" (None: not compiled)
    compile_config: dict[str, Any] | None
    #: the size of the weights once read (bytes)
    weights_size: int


def available_memory() -> int | None:
    """Bytes of memory free for this process now (None where the system does not say)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _gib(size: int) -> str:
    return f"{size / 2**30:.1f} GB" if size >= 2**30 else f"{size / 2**20:.0f} MB"


def read_model_file(path: str) -> ModelFile:
    """What the file holds, checked; ModelImportError naming the file otherwise."""
    shown = os.path.basename(path) or path
    if not os.path.isfile(path):
        raise ModelImportError(f"{shown}: there is no such file")
    with open(path, "rb") as handle:
        magic = handle.read(8)
    if magic.startswith(b"PK"):
        model = _read_archive(path, shown)
    elif magic.startswith(b"\x89HDF\r\n\x1a\n"):
        model = _read_h5(path, shown)
    elif path.lower().endswith((".keras", ".h5", ".hdf5")):
        raise ModelImportError(f"{shown} is damaged: it does not start like a Keras file (neither a .keras archive "
                               "nor an HDF5 file). Save the model again from the program that made it.")
    else:
        raise ModelImportError(f"{shown} is not a Keras model: Network Designer opens .keras files (and .h5 files "
                               "saved by Keras).")
    _check_memory(model, shown)
    problems = refusals(model.config)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ModelImportError(f"{shown} was not opened: {problems[0]}{more}. Nothing from the file was run. In the "
                               "program that made the model, put a layer Keras ships in its place, then save again.")
    return model


def _read_archive(path: str, shown: str) -> ModelFile:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "config.json" not in names:
                raise ModelImportError(f"{shown} is not a Keras model: the archive has no config.json (a .keras file "
                                       "holds config.json and model.weights.h5).")
            if archive.getinfo("config.json").file_size > MAX_DESCRIPTION_BYTES:
                raise ModelImportError(f"{shown} is not a Keras model this app can read: its config.json is "
                                       f"{_gib(archive.getinfo('config.json').file_size)}, far more than any model's "
                                       "description.")
            damaged = archive.testzip()
            if damaged is not None:
                raise ModelImportError(f"{shown} is damaged: {damaged} inside it does not read back as it was written.")
            text = archive.read("config.json")
            weights = archive.getinfo("model.weights.h5").file_size if "model.weights.h5" in names else 0
    except zipfile.BadZipFile as error:
        raise ModelImportError(f"{shown} is damaged or cut short ({error}). Save the model again, or copy the whole "
                               "file again.") from None
    except (OSError, EOFError) as error:
        raise ModelImportError(f"{shown} could not be read ({error}).") from None
    config = _json(text, shown)
    return ModelFile(path, "keras", config, config.get("compile_config") or None, weights)


def _read_h5(path: str, shown: str) -> ModelFile:
    import h5py

    try:
        with h5py.File(path, "r") as handle:
            raw = handle.attrs.get("model_config")
            training = handle.attrs.get("training_config")
    except (OSError, ValueError) as error:
        raise ModelImportError(f"{shown} is damaged or cut short ({str(error).splitlines()[0][:120]}).") from None
    if raw is None:
        raise ModelImportError(f"{shown} holds weights only, not a model: open the .keras (or full .h5) file saved "
                               "with model.save(), not model.save_weights().")
    config = _json(raw, shown)
    compiled = _json(training, shown) if training is not None else None
    return ModelFile(path, "h5", config, compiled, os.path.getsize(path))


def _json(raw: Any, shown: str) -> dict[str, Any]:
    try:
        value = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise ModelImportError(f"{shown} is damaged: its model description is not readable JSON ({error}).") from None
    if not isinstance(value, dict):
        raise ModelImportError(f"{shown} is damaged: its model description is not a Keras model.")
    return value


def _check_memory(model: ModelFile, shown: str) -> None:
    free = available_memory()
    if free is not None and model.weights_size * MEMORY_FACTOR > free:
        raise ModelImportError(
            f"{shown} holds {_gib(model.weights_size)} of weights; opening it needs about "
            f"{_gib(model.weights_size * MEMORY_FACTOR)} of memory and this computer has {_gib(free)} free. Close "
            "other programs, or open it on a computer with more memory."
        )
