"""Run records: what one training run was and what it reached, kept with the project to compare runs.

A `RunRecord` holds when the run started and how long it took, the device, the dataset and its options, every
training setting, the graph(s) as they were trained, the per-epoch curves, why it stopped, its training-health
findings (one line each), a note, and — only when the person keeps them — its weights. A sweep's trial also says
which sweep it belongs to and the values it tried. Records are small: curves, not weights.

Comparing runs means seeing what differed: `run_values` flattens a record into named values (the training
settings, the data and its options, every layer parameter as ``layer.param``, the network's fingerprint), and
`differing` names those that are not the same in every record, which the Runs table highlights and a curve's
legend says ("lr 0.003"). `best_score` picks the score a person compares runs by (the validation accuracy, else
the validation loss, else the training ones). Reading and writing records is `designer.core.run_files`.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from typing import Any

from designer.core.graph import LayerGraph
from designer.core.project import TRAINING_SPECS, DatasetChoice
from designer.core.trained import TrainedWeights, graph_fingerprint

#: the scores a run is compared by, in order of preference, and whether higher is better
SCORES: tuple[tuple[str, bool], ...] = (
    ("val_accuracy", True),
    ("val_loss", False),
    ("accuracy", True),
    ("loss", False),
)
TRAINING_SPECS_NAMES = tuple(spec.name for spec in TRAINING_SPECS)
#: short names for the settings a legend or a table column says ("lr 0.003")
SHORT_NAMES = {
    "learning_rate": "lr",
    "batch_size": "batch",
    "early_stopping_patience": "patience",
    "validation_split": "val split",
}


@dataclass(frozen=True)
class Score:
    """A run's best value of one score (`name`, Keras's), at `epoch` (from 1)."""

    name: str
    value: float
    epoch: int
    higher_is_better: bool

    def in_words(self) -> str:
        return f"{self.name} {format_value(self.value)}"


@dataclass
class RunRecord:
    """One training run (or one trial of a sweep), as kept with the project."""

    number: int
    #: when it started: ISO 8601 with the time zone ("2026-12-01T15:40:02+01:00")
    started: str
    seconds: float
    #: where it trained, in words ("CPU", "GPU 0: NVIDIA H200")
    device: str
    dataset: DatasetChoice | None
    #: every training setting, as the run used them (the epochs asked for; the seed a sweep fixed)
    training: dict[str, Any]
    #: the graph(s) as trained (copies)
    graphs: list[LayerGraph]
    #: per-epoch values under Keras's names; None where a value was not a number (a loss that blew up)
    history: dict[str, list[float | None]]
    #: None when every epoch ran; else why it stopped early, in words
    stopped: str | None = None
    #: the training-health findings, one line each
    findings: list[str] = field(default_factory=list)
    note: str = ""
    #: the sweep this run was a trial of (numbered within the project), its trial number and the values it tried
    sweep: int | None = None
    trial: int | None = None
    varied: dict[str, Any] = field(default_factory=dict)
    #: True when the sweep stopped this trial early as hopeless (Optuna's median pruner)
    pruned: bool = False
    #: epochs the weights it started from had trained already (0: it started from fresh weights)
    epochs_before: int = 0
    #: graph role -> the weights the run reached, when the person keeps them with the record
    weights: dict[str, TrainedWeights] = field(default_factory=dict, compare=False)

    @property
    def epochs(self) -> int:
        for key in ("loss", "d_loss", *self.history):
            if key in self.history:
                return len(self.history[key])
        return 0

    @property
    def fingerprints(self) -> dict[str, str]:
        return {graph.role: graph_fingerprint(graph) for graph in self.graphs}

    def graph(self, role: str = "model") -> LayerGraph | None:
        return next((g for g in self.graphs if g.role == role), None)

    def final(self) -> dict[str, float]:
        """The last epoch's values (those that were numbers)."""
        return {k: v[-1] for k, v in self.history.items() if v and v[-1] is not None}

    def label(self) -> str:
        return f"run {self.number}" + (f" (sweep {self.sweep}, trial {self.trial})" if self.sweep is not None else "")


def best_score(history: dict[str, list], name: str | None = None) -> Score | None:
    """The best value of `name` (or of the first of `SCORES` the history has) and its epoch; None without one."""
    choices = [(n, h) for n, h in SCORES if n == name] if name else list(SCORES)
    if name and not choices:
        choices = [(name, "acc" in name or "auc" in name)]
    for key, higher in choices:
        values = [(v, i) for i, v in enumerate(history.get(key) or []) if v is not None and math.isfinite(v)]
        if values:
            # on a tie the earliest epoch, for a loss as for an accuracy (as Keras's EarlyStopping keeps the first)
            sign = 1 if higher else -1
            value, index = max(values, key=lambda pair: (sign * pair[0], -pair[1]))
            return Score(key, float(value), index + 1, higher)
    return None


def format_value(value: Any) -> str:
    """A value as a table or a legend says it: 0.003, 64, adam, on/off, [accuracy, auc]."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if value is None:
        return "—"
    return str(value)


def short_name(key: str) -> str:
    return SHORT_NAMES.get(key, key.replace("_", " "))


def run_values(record: RunRecord) -> dict[str, Any]:
    """The record flattened into named values a person compares: the training settings, the data and its options
    ("data", "data scale"), every layer parameter ("dense.units"; "generator/dense.units" in a GAN) and the
    network's fingerprint ("network")."""
    values: dict[str, Any] = dict(record.training)
    if record.dataset is not None:
        values["data"] = _file_name(record.dataset.name)
        for option, value in sorted(record.dataset.options.items()):
            values[f"data {option}"] = value
    several = len(record.graphs) > 1
    for graph in record.graphs:
        for node in graph.nodes():
            for param, value in node.params.items():
                values[f"{graph.role}/{node.name}.{param}" if several else f"{node.name}.{param}"] = value
    values["network"] = " ".join(fingerprint[:6] for fingerprint in record.fingerprints.values())
    return values


def differing(records: list[RunRecord]) -> list[str]:
    """The names of the values that are not the same in every record (missing counts as different), training
    settings first, then the data, the layers and the network; none for fewer than two records."""
    if len(records) < 2:
        return []
    flat = [run_values(r) for r in records]
    keys: list[str] = []
    for values in flat:
        keys += [k for k in values if k not in keys]
    changed = [k for k in keys if len({repr(values[k]) if k in values else "<missing>" for values in flat}) > 1]
    settings_or_data = set(TRAINING_SPECS_NAMES) | {k for k in keys if k == "data" or k.startswith("data ")}
    if "network" in changed and any(k not in settings_or_data and k != "network" for k in changed):
        changed.remove("network")  # a layer's parameter that differs already says how the networks differ
    settings = list(TRAINING_SPECS_NAMES)

    def order(key: str) -> tuple[int, int]:
        if key in settings:
            return 0, settings.index(key)
        if key == "data" or key.startswith("data "):
            return 1, 0
        if key == "network":
            return 3, 0
        return 2, 0

    return sorted(changed, key=lambda k: (order(k), keys.index(k)))


def legend(record: RunRecord, keys: list[str]) -> str:
    """What differed in this run, for a curve's legend: "lr 0.003, batch 64" (the run's number without keys)."""
    if not keys:
        return record.label()
    values = run_values(record)
    shown = [k for k in keys if k != "network"] or keys
    text = ", ".join(f"{short_name(k)} {format_value(values.get(k))}" for k in shown[:3])
    return f"#{record.number} {text}" + (" …" if len(shown) > 3 else "")


def duration_in_words(seconds: float) -> str:
    seconds = max(0.0, float(seconds))
    if seconds < 59.5:  # bounds where the rounding carries over: 9.96 s is "10 s", 59.7 s "1 min 00 s", not "60 s"
        return f"{seconds:.1f} s" if seconds < 9.95 else f"{seconds:.0f} s"
    minutes, rest = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes} min {rest:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def when_in_words(started: str, today: str | None = None) -> str:
    """"2026-12-01 15:40" from the ISO time a record keeps (as it is, when it is not ISO); only "15:40" when the
    run started on `today` ("2026-12-01")."""
    if not (len(started) >= 16 and started[10:11] == "T"):
        return started
    return started[11:16] if today is not None and started[:10] == today else started[:16].replace("T", " ")


def next_number(records: list[RunRecord]) -> int:
    return max((r.number for r in records), default=0) + 1


def next_sweep(records: list[RunRecord]) -> int:
    return max((r.sweep for r in records if r.sweep is not None), default=0) + 1


def runs_csv(records: list[RunRecord]) -> str:
    """The runs as CSV, one row each: when, how long, where, the data, every training setting, the values that
    differ between them (layer parameters too), the epochs, why it stopped, the best score, the last epoch's
    values, the findings and the note."""
    keys = differing(records)
    settings = [spec.name for spec in TRAINING_SPECS]
    extra = [k for k in keys if k not in settings]
    finals: list[str] = []
    for record in records:
        finals += [k for k in record.final() if k not in finals]
    header = (["run", "started", "seconds", "trained on", "dataset", *settings, *extra, "sweep", "trial", "epochs run",
               "epochs before", "stopped", "best score", "best value", "best epoch", *(f"final {k}" for k in finals), "findings", "note"])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for record in records:
        values = run_values(record)
        score = best_score(record.history)
        final = record.final()
        writer.writerow([
            record.number, record.started, f"{record.seconds:.2f}", record.device,
            record.dataset.name if record.dataset else "",
            *(_csv_value(record.training.get(k)) for k in settings),
            *(_csv_value(values.get(k)) for k in extra),
            record.sweep if record.sweep is not None else "", record.trial if record.trial is not None else "",
            record.epochs, record.epochs_before, record.stopped or ("pruned" if record.pruned else ""),
            score.name if score else "", repr(score.value) if score else "", score.epoch if score else "",
            *(repr(final[k]) if k in final else "" for k in finals),
            "; ".join(record.findings), record.note,
        ])
    return out.getvalue()


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _file_name(name: str) -> str:
    """A dataset's name as a column shows it: a file's name without its folders."""
    return name.replace("\\", "/").rsplit("/", 1)[-1]
