"""The trained weights beside a project file: one Keras weights file per trained graph, in the project's folder,
referenced from the project's JSON with a checksum and the fingerprint of the graph it was trained for.

Files are named ``<project file stem>.<graph role>.<first 12 hex digits of their SHA-256>.weights.h5``: new
weights never overwrite old ones. Saving writes the weights first, then the project file (which names them), then
removes the files the previous project file named and the new one does not; a crash at any point leaves a project
file whose weights are all there. Only the file's name is kept, so moving or copying the folder keeps the project
trained. Reading checks everything and never refuses the project for its weights: a missing, damaged or mismatched
file is a note, and the project opens untrained.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from designer.core.atomic import write_bytes_atomic
from designer.core.graph import LayerGraph
from designer.core.trained import TrainedWeights, graph_fingerprint

MAX_WEIGHTS_BYTES = 2 * 1024**3
_HEX = re.compile(r"^[0-9a-f]{64}$")


def weights_file_name(project_path: Path, role: str, trained: TrainedWeights) -> str:
    return f"{project_path.stem}.{role}.{trained.sha256[:12]}.weights.h5"


def trained_to_dict(project_path: Path, trained: dict[str, TrainedWeights], graphs: dict[str, LayerGraph]) -> dict:
    """The "trained" section of the project's JSON: per graph role, the weights file and what checks it. The graph
    the weights were trained for is written only when it differs from the project's (an edit since training)."""
    section = {}
    for role, weights in trained.items():
        entry: dict[str, Any] = {
            "file": weights_file_name(project_path, role, weights),
            "sha256": weights.sha256,
            "fingerprint": weights.fingerprint,
            "epochs": weights.epochs,
            "layers": {name: [list(shape) for shape in shapes] for name, shapes in weights.layers.items()},
        }
        if role in graphs and not weights.fits(graphs[role]):
            from designer.core.project_files import graph_to_dict

            entry["graph"] = graph_to_dict(weights.graph)
        section[role] = entry
    return section


def write_weights_files(project_path: Path, trained: dict[str, TrainedWeights]) -> set[str]:
    """Write each graph's weights beside the project (skipped when that exact file is already there); returns the
    file names. Each is written through a temporary file, flushed, then renamed."""
    names = set()
    for role, weights in trained.items():
        name = weights_file_name(project_path, role, weights)
        names.add(name)
        target = project_path.parent / name
        if target.is_file() and target.stat().st_size == len(weights.data) and _sha256_of(target) == weights.sha256:
            continue
        write_bytes_atomic(target, weights.data)
    return names


def files_named_by(project_path: Path) -> set[str]:
    """The weights files the project file now at `project_path` names (none when it is missing or unreadable)."""
    try:
        data = json.loads(project_path.read_text(encoding="utf-8-sig"))
        entries = list((data.get("trained") or {}).values())
        for run in data.get("runs") or []:  # the weights kept with runs (designer.core.run_files)
            if isinstance(run, dict) and isinstance(run.get("weights"), dict):
                entries += run["weights"].values()
        return {e["file"] for e in entries if isinstance(e, dict) and _plain_file_name(e.get("file"))}
    except (OSError, ValueError, AttributeError, TypeError):
        return set()


def stray_weights_files(project_path: Path, kept: set[str]) -> set[str]:
    """Weights files named like this project's (``<stem>.<role>.<12 hex>.weights.h5``, the role ``run3-model`` for
    a run's kept weights) that are not in `kept`, and the temporaries of its weights and of the project file
    itself: left by a save that was interrupted."""
    stem, name = re.escape(project_path.stem), re.escape(project_path.name)
    role = r"(?:run[0-9]+-)?[a-z]+"
    pattern = re.compile(rf"^(\.{stem}\.{role}\.[0-9a-f]{{12}}\.weights\.h5\.\w+\.tmp|{stem}\.{role}\.[0-9a-f]{{12}}\.weights\.h5"
                         rf"|\.{name}\.\w+\.tmp)$")
    try:
        return {p.name for p in project_path.parent.iterdir() if pattern.match(p.name)} - kept
    except OSError:
        return set()


def remove_weights_files(folder: Path, names: set[str]) -> None:
    """Remove weights files no project file names any more; a file that cannot go is left (it is only space)."""
    for name in names:
        if os.path.basename(name) == name and (name.endswith(".weights.h5") or name.endswith(".tmp")):
            try:
                (folder / name).unlink(missing_ok=True)
            except OSError:
                pass


def read_trained(section: Any, project_path: Path | None, graphs: dict[str, LayerGraph]) -> tuple[dict[str, TrainedWeights], list[str]]:
    """The trained weights the "trained" section names, read from beside the project, and one plain note for each
    that could not be used (the project then opens untrained for that graph)."""
    from designer.core.project_files import ProjectError, graph_from_dict

    if section is None:
        return {}, []
    if not isinstance(section, dict):
        return {}, ["The project's \"trained\" section is not an object; the project opens untrained."]
    trained, notes = {}, []
    for role, entry in section.items():
        what = f"The trained weights of the {role} graph" if role != "model" else "The trained weights"
        try:
            if role not in graphs:
                raise _Unusable(f"belong to a {role!r} graph this project does not have")
            if not isinstance(entry, dict) or not _plain_file_name(entry.get("file")):
                raise _Unusable("are named in a way the app cannot read (\"file\" must be a file name beside the project)")
            if project_path is None:
                raise _Unusable("cannot be found: the project did not come from a file")
            path = project_path.parent / entry["file"]
            data = _read_weights(path)
            if not (isinstance(entry.get("sha256"), str) and _HEX.match(entry["sha256"])):
                raise _Unusable("have no valid checksum in the project file")
            if hashlib.sha256(data).hexdigest() != entry["sha256"]:
                raise _Unusable(f"in {path.name} are damaged or were replaced (the checksum does not match)")
            trained_for = graphs[role]
            if "graph" in entry:
                try:
                    trained_for = graph_from_dict(entry["graph"], f"trained.{role}.graph")
                except ProjectError as error:
                    raise _Unusable(f"name the graph they were trained for in a way the app cannot read ({error})") from None
                trained_for.role = role
            if entry.get("fingerprint") != graph_fingerprint(trained_for):
                raise _Unusable(f"in {path.name} were made for another version of this network")
            layers = _layer_shapes(entry.get("layers"))
            epochs = entry.get("epochs", 0)
            epochs = epochs if isinstance(epochs, int) and not isinstance(epochs, bool) and epochs >= 0 else 0
            trained[role] = TrainedWeights(data, trained_for.copy(), layers, epochs)
        except _Unusable as problem:
            notes.append(f"{what} {problem}; it opens untrained. Train it again, or put the right file back and reopen "
                         "the project. Nothing is overwritten until you save.")
    return trained, notes


class _Unusable(Exception):
    pass


def _read_weights(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_WEIGHTS_BYTES:
            raise _Unusable(f"in {path.name} are {size / 1e9:.1f} GB, more than the app reads")
        return path.read_bytes()
    except FileNotFoundError:
        raise _Unusable(f"are missing: {path.name} is not beside the project file") from None
    except OSError as error:
        raise _Unusable(f"in {path.name} cannot be read ({error.strerror})") from None


def _layer_shapes(value: Any) -> dict[str, tuple[tuple[int, ...], ...]]:
    if not isinstance(value, dict):
        raise _Unusable("have no list of layer shapes in the project file")
    layers = {}
    for name, shapes in value.items():
        if not (isinstance(shapes, list) and all(
                isinstance(s, list) and all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in s)
                for s in shapes)):
            raise _Unusable(f"list the shapes of layer {name!r} in a way the app cannot read")
        layers[name] = tuple(tuple(s) for s in shapes)
    return layers


def _plain_file_name(name: Any) -> bool:
    """A file name in the project's own folder: no folder part, nothing hidden or special."""
    return (isinstance(name, str) and 0 < len(name) <= 255 and name == os.path.basename(name)
            and "/" not in name and "\\" not in name and not name.startswith(".") and "\x00" not in name)


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
