"""Run records in the project file: the "runs" section, and the weights a person kept with a run beside the file.

A record's graph is written only when it differs from the project's graph of the same role (an edit since that
run), like the trained weights' graph; otherwise it is the project's. A kept run's weights are Keras weights files
beside the project, named like the trained weights with the run in the role part
(``<stem>.run3-model.<12 hex>.weights.h5``), written before the project file and removed after it no longer
names them (`designer.core.project_files.save_project`). Reading trusts nothing: a record that cannot be read is
left out with a note, and a run whose weights are missing or damaged keeps its record without them; the project
itself always opens.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from designer.core import trained_files
from designer.core.catalogue import ParameterError
from designer.core.graph import LayerGraph
from designer.core.project import DatasetChoice, check_training
from designer.core.runs import RunRecord
from designer.core.trained import TrainedWeights, graph_fingerprint

MAX_RUNS = 10_000
MAX_EPOCHS_KEPT = 100_000
MAX_LINES = 100


def weights_role(number: int, role: str) -> str:
    """The role part of a kept run's weights file name ("run3-model")."""
    return f"run{number}-{role}"


def kept_weights(runs: list[RunRecord]) -> dict[str, TrainedWeights]:
    """Every run's kept weights, under the role names their files take."""
    return {weights_role(r.number, role): w for r in runs for role, w in r.weights.items()}


def runs_to_list(project_path: Path | None, runs: list[RunRecord], graphs: dict[str, LayerGraph]) -> list[dict]:
    """The "runs" section: one object per record; kept weights named only when the file's `project_path` is known."""
    from designer.core.project_files import graph_to_dict

    section = []
    for record in runs:
        entry: dict[str, Any] = {
            "number": record.number,
            "started": record.started,
            "seconds": round(float(record.seconds), 3),
            "device": record.device,
            "dataset": record.dataset.to_dict() if record.dataset is not None else None,
            "training": dict(record.training),
            "fingerprints": record.fingerprints,
        }
        differs = [g for g in record.graphs if g.role not in graphs or graph_fingerprint(g) != graph_fingerprint(graphs[g.role])]
        if differs:
            entry["graphs"] = [graph_to_dict(g) for g in differs]
        entry["history"] = {k: [_number(v) for v in values] for k, values in record.history.items()}
        entry["stopped"] = record.stopped
        if record.epochs_before:
            entry["epochs_before"] = record.epochs_before
        if record.findings:
            entry["findings"] = list(record.findings)
        if record.note:
            entry["note"] = record.note
        if record.sweep is not None:
            entry.update(sweep=record.sweep, trial=record.trial, varied=dict(record.varied), pruned=record.pruned)
        if record.weights and project_path is not None:
            named = trained_files.trained_to_dict(
                project_path, {weights_role(record.number, role): w for role, w in record.weights.items()}, {})
            entry["weights"] = {role: named[weights_role(record.number, role)] for role in record.weights}
        section.append(entry)
    return section


def read_runs(section: Any, project_path: Path | None, graphs: dict[str, LayerGraph]) -> tuple[list[RunRecord], list[str]]:
    """The records of the "runs" section and one plain note per record (or kept weights) that could not be read."""
    if section is None:
        return [], []
    if not isinstance(section, list):
        return [], ["The project's list of runs cannot be read (\"runs\" is not a list); it opens without them."]
    runs: list[RunRecord] = []
    notes: list[str] = []
    for index, entry in enumerate(section[:MAX_RUNS]):
        try:
            record = _record(entry, graphs)
        except _Unreadable as problem:
            notes.append(f"Run record {index + 1} cannot be read ({problem}); it is left out. Nothing is overwritten "
                         "until you save.")
            continue
        if any(r.number == record.number for r in runs):
            notes.append(f"Two run records are numbered {record.number}; the second is left out.")
            continue
        if isinstance(entry.get("weights"), dict):
            record.weights, problems = _weights(entry["weights"], record, project_path)
            notes += problems
        runs.append(record)
    if len(section) > MAX_RUNS:
        notes.append(f"The project lists {len(section):,} runs; the first {MAX_RUNS:,} are read.")
    return runs, notes


class _Unreadable(Exception):
    pass


def _record(entry: Any, graphs: dict[str, LayerGraph]) -> RunRecord:
    from designer.core.project_files import ProjectError, graph_from_dict

    if not isinstance(entry, dict):
        raise _Unreadable("it is not an object")
    number = entry.get("number")
    if not (isinstance(number, int) and not isinstance(number, bool) and number >= 1):
        raise _Unreadable("its \"number\" is not a whole number from 1")
    started = _text(entry.get("started", ""), "started", 64)
    seconds = entry.get("seconds", 0.0)
    if not (isinstance(seconds, (int, float)) and not isinstance(seconds, bool) and math.isfinite(seconds) and seconds >= 0):
        raise _Unreadable("its \"seconds\" is not a duration")
    device = _text(entry.get("device", ""), "device", 200)
    dataset = None
    if entry.get("dataset") is not None:
        data = entry["dataset"]
        if not (isinstance(data, dict) and isinstance(data.get("name"), str) and isinstance(data.get("options", {}), dict)):
            raise _Unreadable("its dataset is not a name with options")
        dataset = DatasetChoice(_text(data["name"], "dataset", 4096), dict(data.get("options", {})))
    training = entry.get("training", {})
    if not isinstance(training, dict):
        raise _Unreadable("its training settings are not an object")
    try:
        training = check_training(training)
    except ParameterError as error:
        raise _Unreadable(f"a training setting: {error}") from None
    own: dict[str, LayerGraph] = {}
    if not isinstance(entry.get("graphs") or [], list):
        raise _Unreadable("its graphs are not a list")
    for i, data in enumerate(entry.get("graphs") or []):
        try:
            graph = graph_from_dict(data, f"graphs[{i}]")
        except ProjectError as error:
            raise _Unreadable(f"its graph: {error}") from None
        own[graph.role] = graph
    fingerprints = entry.get("fingerprints", {})
    if not isinstance(fingerprints, dict):
        raise _Unreadable("its fingerprints are not an object")
    record_graphs = []
    for role in (fingerprints or {"model": None}):
        graph = own.get(role) or graphs.get(role)
        if graph is None:
            raise _Unreadable(f"it names a {role!r} graph the project does not have")
        record_graphs.append(graph.copy())
    history = entry.get("history", {})
    if not (isinstance(history, dict) and all(isinstance(k, str) and isinstance(v, list) for k, v in history.items())):
        raise _Unreadable("its curves are not lists of numbers by name")
    curves = {}
    for key, values in history.items():
        if not all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in values):
            raise _Unreadable(f"its curve {key!r} holds something that is not a number")
        curves[_text(key, "history", 100)] = [None if v is None else float(v) for v in values[:MAX_EPOCHS_KEPT]]
    stopped = entry.get("stopped")
    stopped = _text(stopped, "stopped", 2000) if stopped is not None else None
    findings = entry.get("findings", [])
    if not (isinstance(findings, list) and all(isinstance(f, str) for f in findings)):
        raise _Unreadable("its findings are not lines of text")
    varied = entry.get("varied", {})
    if not isinstance(varied, dict):
        raise _Unreadable("its varied values are not an object")
    sweep, trial = entry.get("sweep"), entry.get("trial")
    for name, value in (("sweep", sweep), ("trial", trial)):
        if value is not None and not (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
            raise _Unreadable(f"its {name} is not a whole number from 1")
    before = entry.get("epochs_before", 0)
    if not (isinstance(before, int) and not isinstance(before, bool) and before >= 0):
        raise _Unreadable("its \"epochs_before\" is not a whole number")
    return RunRecord(
        number, started, float(seconds), device, dataset, training, record_graphs, curves,
        stopped=stopped, findings=[_text(f, "findings", 2000) for f in findings[:MAX_LINES]],
        note=_text(entry.get("note", ""), "note", 10_000), sweep=sweep, trial=trial,
        varied={_text(k, "varied", 200): v for k, v in varied.items() if isinstance(v, (int, float, str, bool))},
        pruned=entry.get("pruned") is True, epochs_before=before,
    )


def _weights(section: dict, record: RunRecord, project_path: Path | None) -> tuple[dict[str, TrainedWeights], list[str]]:
    """The weights kept with a run, read like the project's trained weights, under the run's file role names."""
    renamed = {weights_role(record.number, role): entry for role, entry in section.items() if isinstance(role, str)}
    graphs = {weights_role(record.number, g.role): g for g in record.graphs}
    read, problems = trained_files.read_trained(renamed, project_path, graphs)
    weights = {role: read[weights_role(record.number, role)] for role in section if weights_role(record.number, role) in read}
    notes = [f"The weights kept with run {record.number} cannot be used, so the record is kept without them."] if problems else []
    return weights, notes


def _text(value: Any, what: str, limit: int) -> str:
    if not isinstance(value, str):
        raise _Unreadable(f"its {what} is not text")
    return value[:limit]


def _number(value: float | None) -> float | None:
    """A curve's value as JSON holds it: a value that was not a number (a loss that blew up) is null."""
    return float(value) if value is not None and math.isfinite(value) else None
