"""The project — the one document a person edits: its graph(s), the dataset choice and the training settings.

Its graphs emit their own `GraphEvent`s; the project emits a `ProjectEvent` when its dataset choice or its
training settings change (through `set_dataset` and `set_training`, which the undoable commands of
`designer.core.commands` call), so the window's panels redraw from the document instead of being told by hand.
The training settings are typed and ranged like layer parameters (`TRAINING_SPECS`). Reading and writing project
files is `designer.core.project_files`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from designer.core.catalogue import ParameterError, ParamSpec
from designer.core.graph import LayerGraph
from designer.core.trained import TrainedWeights

if TYPE_CHECKING:
    from designer.core.runs import RunRecord

MODES = ("supervised", "autoencoder", "vae", "gan")
OPTIMIZERS = ("adam", "sgd", "rmsprop")
LOSSES = (
    "auto",
    "mse",
    "mae",
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
)
#: "gpu:N" is the N-th GPU TensorFlow sees (the settings panel lists only those that are there)
DEVICES = ("auto", "cpu", "all_gpus", *(f"gpu:{index}" for index in range(8)))
METRICS = ("accuracy", "auc", "mae", "mse")

#: the training settings, typed and ranged like layer parameters (the settings panel is generated from these)
TRAINING_SPECS: tuple[ParamSpec, ...] = (
    ParamSpec("mode", "choice", "supervised", "What the network learns: labels (supervised), to copy its input "
              "(autoencoder), a VAE, or a generator against a discriminator (GAN).", choices=MODES),
    ParamSpec("optimizer", "choice", "adam", "How the weights are updated from the gradients.", choices=OPTIMIZERS),
    ParamSpec("learning_rate", "float", 0.001, "Step size of each update.", minimum=1e-7, maximum=10.0),
    ParamSpec("momentum", "float", 0.0, "SGD only: how much of the previous step carries over.", minimum=0.0, maximum=0.999),
    ParamSpec("beta_1", "float", 0.9, "Adam only: decay of the running mean of gradients (0.5 for GANs).", minimum=0.0, maximum=0.999),
    ParamSpec("loss", "choice", "auto", "What is minimised; \"auto\" picks one from the output layer and the labels.", choices=LOSSES),
    ParamSpec("metrics", "multi", ["accuracy"], "What is reported besides the loss.", choices=METRICS),
    ParamSpec("epochs", "int", 10, "How many passes over the training data.", minimum=1, maximum=100_000),
    ParamSpec("batch_size", "int", 32, "How many samples per weight update.", minimum=1, maximum=65_536),
    ParamSpec("validation_split", "float", 0.2, "Fraction of the data held out to measure generalisation.", minimum=0.0, maximum=0.9),
    ParamSpec("early_stopping_patience", "int", 0, "Stop when the validation loss has not improved for this many epochs (0: never).", minimum=0, maximum=10_000),
    ParamSpec("seed", "int", None, "Random seed for repeatable runs (empty: random).", minimum=0, maximum=2**31 - 1, optional=True),
    ParamSpec("device", "choice", "auto", "Where training runs: \"auto\" uses the first GPU TensorFlow sees, else the "
              "CPU; or a chosen GPU, or the CPU; \"all_gpus\" splits each batch across every GPU (TensorFlow's "
              "MirroredStrategy).", choices=DEVICES),
)


@dataclass
class DatasetChoice:
    """Which dataset the project trains on, with loader options (interpreted by designer.data)."""

    name: str
    options: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "options": dict(self.options)}

    def copy(self) -> "DatasetChoice":
        return DatasetChoice(self.name, {k: list(v) if isinstance(v, list) else v for k, v in self.options.items()})


def default_training() -> dict[str, Any]:
    return {spec.name: (list(spec.default) if isinstance(spec.default, list) else spec.default) for spec in TRAINING_SPECS}


def check_training(settings: dict[str, Any]) -> dict[str, Any]:
    """Full, canonical training settings (defaults filled in); ParameterError for a bad value."""
    known = {spec.name: spec for spec in TRAINING_SPECS}
    unknown = sorted(set(settings) - set(known))
    if unknown:
        raise ParameterError(f"unknown training setting {unknown[0]!r}; known: {', '.join(known)}")
    result = default_training()
    for name, value in settings.items():
        result[name] = known[name].coerce(value)
    return result


@dataclass(frozen=True)
class ProjectEvent:
    """What changed outside the graphs: kind is "dataset_changed", "training_changed", "trained_changed" (the
    weights kept with the project) or "runs_changed" (its run records)."""

    kind: str


@dataclass
class Project:
    graphs: list[LayerGraph]
    name: str = "Untitled"
    description: str = ""
    dataset: DatasetChoice | None = None
    training: dict[str, Any] = field(default_factory=default_training)
    #: graph role -> what training learned for that graph (designer.core.trained); empty when untrained
    trained: dict[str, TrainedWeights] = field(default_factory=dict, compare=False)
    #: the runs recorded with the project, oldest first (designer.core.runs)
    runs: list["RunRecord"] = field(default_factory=list, compare=False)
    #: a student's answers to an exercise's questions: question id -> the answer as typed (designer.learn)
    answers: dict[str, str] = field(default_factory=dict)
    #: what opening the file had to say without refusing it (a weights file missing or damaged), one line each
    load_notes: list[str] = field(default_factory=list, compare=False, repr=False)
    _listeners: list[Callable[[ProjectEvent], None]] = field(default_factory=list, init=False, repr=False, compare=False)

    # ------------------------------------------------------------ events and mutators
    def subscribe(self, listener: Callable[[ProjectEvent], None]) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[ProjectEvent], None]) -> None:
        self._listeners.remove(listener)

    def _emit(self, event: ProjectEvent) -> None:
        for listener in list(self._listeners):
            listener(event)

    def set_dataset(self, choice: DatasetChoice | None) -> None:
        """Low-level mutator (commands check first): choose the data and tell the listeners."""
        self.dataset = choice.copy() if choice is not None else None
        self._emit(ProjectEvent("dataset_changed"))

    def set_training(self, settings: dict[str, Any]) -> None:
        """Low-level mutator: replace the training settings (already checked) and tell the listeners."""
        self.training = {k: list(v) if isinstance(v, list) else v for k, v in settings.items()}
        self._emit(ProjectEvent("training_changed"))

    def set_trained(self, trained: dict[str, TrainedWeights]) -> None:
        """Low-level mutator: keep these trained weights (graph role -> weights; empty: untrained) and tell the
        listeners."""
        self.trained = dict(trained)
        self._emit(ProjectEvent("trained_changed"))

    def set_runs(self, runs: list["RunRecord"]) -> None:
        """Low-level mutator: replace the run records (a record added, deleted or noted) and tell the listeners."""
        self.runs = list(runs)
        self._emit(ProjectEvent("runs_changed"))

    def set_answer(self, question: str, text: str) -> None:
        """Low-level mutator: keep the answer to an exercise's question ("" removes it) and tell the listeners."""
        answers = dict(self.answers)
        if text:
            answers[question] = text
        else:
            answers.pop(question, None)
        self.answers = answers
        self._emit(ProjectEvent("answers_changed"))

    def run(self, number: int) -> "RunRecord":
        for record in self.runs:
            if record.number == number:
                return record
        raise KeyError(f"this project has no run {number}")

    def copy(self) -> "Project":
        """An independent copy without listeners (a training run trains one while the canvas goes on changing)."""
        return Project(
            [graph.copy() for graph in self.graphs],
            name=self.name,
            description=self.description,
            dataset=self.dataset.copy() if self.dataset is not None else None,
            training={k: list(v) if isinstance(v, list) else v for k, v in self.training.items()},
            trained=dict(self.trained),  # the weights themselves never change: sharing them is safe
            answers=dict(self.answers),
            runs=list(self.runs),  # records are replaced, never changed in place (see designer.core.commands)
        )

    def graph(self, role: str = "model") -> LayerGraph:
        for graph in self.graphs:
            if graph.role == role:
                return graph
        raise KeyError(f"this project has no {role} graph")

    @property
    def is_gan(self) -> bool:
        roles = {g.role for g in self.graphs}
        return {"generator", "discriminator"} <= roles

    @classmethod
    def single(cls, graph: LayerGraph, **kwargs: Any) -> "Project":
        return cls([graph], **kwargs)
