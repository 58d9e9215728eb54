"""The trained model of a project, ready to score and to try: built from the graph with the weights kept with the
project, compiled with the loss and metrics it trained with, and the rows it never trained on.

The rows scored are the dataset's test rows; when no test rows are set aside, the validation rows (said so: training
looked at them each epoch, and early stopping chose by them). `designer evaluate`, `designer predict` and the
window's Model panel all go through here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from designer.core.project import Project
from designer.data.dataset import Dataset
from designer.training import feeds
from designer.training.engine import (TrainingError, TrainingPlan, dataset_rows, evaluate, plan_training,
                                        shaped_for_input)
from designer.training.losses import RECONSTRUCTING, labels_for_loss


class NotTrainedError(TrainingError):
    """The project keeps no trained weights yet."""


@dataclass
class HeldOutRows:
    #: "test" or "validation"
    kind: str
    #: the inputs as the model reads them, and the targets as the loss reads them (the inputs for an autoencoder)
    x: np.ndarray
    y: np.ndarray

    def __len__(self) -> int:
        return feeds.row_count(self.x)

    def first(self, count: int) -> "HeldOutRows":
        """Only the first `count` rows (inputs that are several — numbers and words — cut together)."""
        return HeldOutRows(self.kind, feeds.take(self.x, slice(None, count)), self.y[:count])

    def in_words(self) -> str:
        if self.kind == "test":
            return f"{len(self):,} test rows never seen in training"
        return (f"{len(self):,} validation rows (no test rows are set aside; set a test fraction in the data's "
                "options for a score on rows training never looked at)")


@dataclass
class Scores:
    rows: str  # "test" or "validation"
    row_count: int
    #: under Keras's metric names: loss, accuracy, ...
    values: dict[str, float]
    description: str

    def in_words(self) -> str:
        shown = ", ".join(f"{name} {value:.4f}" for name, value in self.values.items())
        return f"{shown}  ({self.description})"


@dataclass
class TrainedModel:
    """A project's trained network with what scoring and trying it need."""

    plan: TrainingPlan
    project: Project
    dataset: Dataset

    @property
    def model(self):
        """The network as designed (a GAN's generator)."""
        return self.plan.networks[0]

    @property
    def mode(self) -> str:
        return "gan" if self.project.is_gan else self.project.training["mode"]

    @property
    def loss(self) -> str:
        return self.plan.loss

    def held_out(self) -> HeldOutRows:
        """The rows to score on: test rows, else validation rows; TrainingError when there are neither."""
        if self.mode == "gan":
            raise TrainingError("A GAN has no rows to score: its generator makes new samples. Try it instead.")
        if self.dataset.streamed:
            raise TrainingError("Scoring a folder read from disk while training is done by `designer evaluate` on its test images.")
        reconstructing = self.mode in RECONSTRUCTING
        if self.dataset.x_test is not None and len(self.dataset.x_test):
            x = dataset_rows(self.model, self.dataset, "test", self.graph)
            y = x if reconstructing else self._labels(self.dataset.y_test)
            return HeldOutRows("test", x, y)
        units = self.plan.target_units  # the plan's targets are standardized: scores are in the target's units
        back = units.in_units if units is not None else (lambda y: y)
        if self.plan.validation_data is not None:
            x, y = self.plan.validation_data
            return HeldOutRows("validation", x, back(y))
        if self.plan.validation_split > 0:
            count = feeds.row_count(self.plan.x)
            start = count - int(count * self.plan.validation_split)
            return HeldOutRows("validation", feeds.take(self.plan.x, slice(start, None)), back(self.plan.y[start:]))
        raise TrainingError("No rows are kept apart from training (no test rows and no validation rows), so a score "
                            "would only say how well the model remembers. Set a test fraction in the Data tab.")

    def score(self) -> Scores:
        if self.dataset.streamed and self.dataset.stream_test is not None:
            values = evaluate(self.plan.model, self.dataset, self.mode)
            rows = len(self.dataset.stream_test)
            return Scores("test", rows, values, f"{rows:,} test images never seen in training")
        rows = self.held_out()
        # the network as designed (compiled too when it answers in the target's units), on targets in those units
        scorer = self.model if self.plan.target_units is not None else self.plan.model
        values = scorer.evaluate(rows.x, rows.y, verbose=0, return_dict=True)
        return Scores(rows.kind, len(rows), {k: float(v) for k, v in values.items()}, rows.in_words())

    @property
    def graph(self):
        """The graph of the network as designed (it names the column each text input reads)."""
        return self.plan.graphs[0] if self.plan.graphs else None

    @property
    def reads_words(self) -> bool:
        """Some of the model's inputs are words (a table's text columns read inside the model)."""
        return bool(feeds.text_inputs(self.model))

    def predict(self, x, words: np.ndarray | None = None) -> np.ndarray:
        """The model's outputs for rows already prepared like the data (shaped for its input here): an array of
        numbers, with `words` (rows × the data's word columns) for a model that reads words; or rows as the model
        reads them already (a list, e.g. held-out rows)."""
        if not feeds.is_several(x):
            x = shaped_for_input(x, self.model, words, self.dataset.word_columns, self.graph)
        return np.asarray(self.model.predict(x, verbose=0))

    def _labels(self, y: np.ndarray) -> np.ndarray:
        if self.mode != "supervised":
            return y
        return labels_for_loss(y, self.plan.loss, self.dataset.num_classes or int(self.model.output_shape[-1]))


def trained_model(project: Project, dataset: Dataset) -> TrainedModel:
    """The project's trained network on `dataset`; NotTrainedError when it keeps no weights, TrainingError when
    the model and the data do not go together."""
    if not project.trained:
        raise NotTrainedError(f"{project.name!r} is not trained yet: train it first (in the window, or with "
                              "`designer train FILE`), then save it.")
    unseeded = project.copy()
    unseeded.training["seed"] = None  # no reseeding of Keras's random numbers: a run may be training meanwhile
    return TrainedModel(plan_training(unseeded, dataset, insights=False), project, dataset)


def class_probabilities(model_output: Any, class_names: list[str] | None) -> list[tuple[str, float]] | None:
    """One row's output as (class, probability) pairs, most likely first; None when the output is not classes
    (a regression, an image). One sigmoid unit is two classes: the second's probability is the output."""
    row = np.asarray(model_output, dtype=np.float64).reshape(-1)
    if row.size == 1:
        if not 0.0 <= row[0] <= 1.0:
            return None
        names = class_names if class_names and len(class_names) == 2 else ["0", "1"]
        pairs = [(names[0], 1.0 - row[0]), (names[1], row[0])]
    else:
        if np.any(row < -1e-6) or abs(row.sum() - 1.0) > 1e-3:
            return None
        names = class_names if class_names and len(class_names) == row.size else [str(i) for i in range(row.size)]
        pairs = list(zip(names, row.tolist()))
    return sorted(pairs, key=lambda pair: -pair[1])
