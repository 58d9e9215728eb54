"""The data's preparation inside the model: Keras `Normalization` layers whose numbers are learned from the
training rows when a run starts, so that the trained (and exported) model takes raw rows as they are in the file
and answers in the target's own units.

- A `Normalization` right after the Input standardizes each input column (its mean and variance adapted on the
  training rows): the model reads raw rows.
- A `Normalization` with ``invert`` as the last layer gives the answer back in the target's units (its mean and
  variance adapted on the training targets). The network before it learns on standardized targets — a house
  price of 490,000 would make every gradient enormous — so Keras fits the model *up to* that layer on
  standardized targets (`TargetUnits.scaled`), and the curves are given back in the target's units
  (`TargetUnits.callback`: a mean absolute error times the target's spread is the error in its units).

Layers that kept their numbers from the weights kept with the project (training goes on) are not adapted again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from designer.core import prepare
from designer.core.graph import LayerGraph
from designer.training.feeds import numbers_of

#: metrics that grow with the target's spread (times the spread) or with its square (times its square)
_LINEAR = ("mae", "mean_absolute_error", "rmse", "root_mean_squared_error")
_SQUARED = ("mse", "mean_squared_error")


def input_normalizers(graph: LayerGraph) -> list[str]:
    """Names of the Normalization layers (not inverted) that read an Input directly."""
    return [node.name for node in prepare.input_normalizers(graph)]


def target_normalizer(graph: LayerGraph) -> str | None:
    """The name of the inverted Normalization that is the graph's only output, or None."""
    node = prepare.target_units_node(graph)
    return node.name if node is not None else None


@dataclass
class TargetUnits:
    """The target's mean and spread, as the last (inverted) Normalization learned them."""

    layer: str
    mean: np.ndarray
    std: np.ndarray

    def scaled(self, y: np.ndarray | None) -> np.ndarray | None:
        """Targets in the target's units -> standardized, as the network before the last layer learns them."""
        return None if y is None else ((np.asarray(y, dtype=np.float32) - self.mean) / self.std).astype(np.float32)

    def in_units(self, y: np.ndarray | None) -> np.ndarray | None:
        return None if y is None else (np.asarray(y, dtype=np.float32) * self.std + self.mean).astype(np.float32)

    def convert_logs(self, logs: dict | None, loss: str) -> None:
        """Loss and metrics of the standardized targets -> in the target's units, in place (one target column:
        with several, each has its own spread and an average of them has no one unit)."""
        if not logs or self.std.size != 1:
            return
        spread = float(self.std.reshape(-1)[0])
        for key in list(logs):
            name = key.removeprefix("val_")
            if name == "loss":
                name = loss  # a loss like Huber's has no one unit: it stays as Keras gives it
            if name in _LINEAR:
                logs[key] = float(logs[key]) * spread
            elif name in _SQUARED:
                logs[key] = float(logs[key]) * spread * spread

    def callback(self, loss: str):
        """A Keras callback, first of the run's, that gives the logs in the target's units to those after it."""
        import keras

        units = self

        class InTargetUnits(keras.callbacks.Callback):
            def _convert(self, logs):
                units.convert_logs(logs, loss)

            def on_train_batch_end(self, batch, logs=None):
                self._convert(logs)

            def on_test_end(self, logs=None):
                self._convert(logs)

            def on_epoch_end(self, epoch, logs=None):
                self._convert(logs)

        return InTargetUnits()


def adapt(model, graph: LayerGraph, x: np.ndarray, y: np.ndarray | None, kept: set[str]) -> TargetUnits | None:
    """Learn the preparation's numbers from the training rows (`x`, `y`), except in layers in `kept` (their
    numbers came with the weights kept with the project); the target's units, when the last layer gives them. `x`
    may be several inputs (numbers and words): the Normalization learns from the numbers. A StringLookup has its
    words from the node's vocabulary, so it learns nothing here."""
    for name in input_normalizers(graph):
        if name not in kept:
            model.get_layer(name).adapt(np.asarray(numbers_of(x), dtype=np.float32))
    name = target_normalizer(graph)
    if name is None:
        return None
    layer = model.get_layer(name)
    if name not in kept:
        if y is None:
            return None
        layer.adapt(np.asarray(y, dtype=np.float32).reshape(len(y), -1))
    mean = np.asarray(layer.adapt_mean.numpy(), dtype=np.float32)
    std = np.sqrt(np.maximum(np.asarray(layer.adapt_variance.numpy(), dtype=np.float32), 1e-12))
    return TargetUnits(name, mean, std)


def as_seen(model, graph: LayerGraph, x, y, raw_y, units: TargetUnits | None, loss: str) -> tuple:
    """The rows and targets as the health checks should judge them: the rows after the preparation inside the
    model (raw rows of a table are in the thousands, yet the network sees them standardized), and the targets in
    the units the curves are given in (a loss like Huber's stays on the standardized targets)."""
    inside = input_normalizers(graph)
    x = numbers_of(x)  # the words of a table are not numbers to judge
    if inside and isinstance(x, np.ndarray):
        x = np.asarray(model.get_layer(inside[0])(np.asarray(x[:2048], dtype=np.float32)))
    if units is not None and loss in _LINEAR + _SQUARED:
        y = raw_y
    return x, y


def up_to_target_units(model, units: TargetUnits):
    """The model without its last layer (sharing every other layer and its weights): what Keras fits."""
    import keras

    return keras.Model(model.inputs, model.get_layer(units.layer).input, name=f"{model.name}_scaled")
