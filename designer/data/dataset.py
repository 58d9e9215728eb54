"""The loaded-dataset record and the error every loader raises in plain words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

TASKS = ("classification", "regression", "forecasting", "generation")


class DataError(ValueError):
    """Data that cannot be loaded or used; the message says what is wrong and what to do."""


@dataclass
class Dataset:
    name: str
    title: str
    description: str
    task: str
    x_train: np.ndarray
    y_train: np.ndarray | None
    x_val: np.ndarray | None = None
    y_val: np.ndarray | None = None
    class_names: list[str] | None = None
    #: the options that were applied, canonical (for the preview and the generated code)
    options: dict[str, Any] = field(default_factory=dict)
    #: rows kept apart (option test_fraction), for a final score after training
    x_test: np.ndarray | None = None
    y_test: np.ndarray | None = None
    #: inputs with noise added (option input_noise), fed to a denoising autoencoder whose targets stay x_train
    noisy_train: np.ndarray | None = None
    noisy_val: np.ndarray | None = None
    #: an image folder too big for memory (designer.data.image_folders.ImageStream): training reads these; then
    #: x_train/y_train hold only the first images, decoded, for the preview and the shape checks
    stream_train: Any = None
    stream_val: Any = None
    stream_test: Any = None
    #: a CSV's columns, so the person can pick the one to predict
    columns: list[str] | None = None
    #: a table's input values by name, after text columns became one-hot ("age", "region=east"), or only its
    #: columns of numbers when the words are read by the model (word_columns); None otherwise
    feature_names: list[str] | None = None
    #: the scaling applied to the inputs, "auto" resolved ("standardize" for a table, "0..1" for images)
    applied_scale: str = "none"
    #: images: the largest raw pixel value (255, or 16 for the bundled 8x8 digits) before scaling; None otherwise
    image_max: float | None = None
    #: raw inputs (in the data's own units) -> prepared as these were: see designer.data.registry.input_scaling
    scale_inputs: Any = field(default=None, repr=False, compare=False)
    #: a CSV read with text_columns "in model": the raw cells of its columns of words (numpy unicode, rows × columns),
    #: row for row beside x_train / x_val / x_test; never scaled. None otherwise
    words_train: np.ndarray | None = None
    words_val: np.ndarray | None = None
    words_test: np.ndarray | None = None
    #: those columns' names, in file order (same condition)
    word_columns: list[str] | None = None
    #: every column of words of a CSV (whatever text_columns says): its distinct values over all rows, sorted, so a
    #: lookup can be built from the data; None when the file has no column of words
    word_values: dict[str, list[str]] | None = None

    @property
    def train_rows(self) -> int:
        return len(self.stream_train) if self.stream_train is not None else len(self.x_train)

    @property
    def streamed(self) -> bool:
        return self.stream_train is not None

    @property
    def sample_shape(self) -> tuple[int, ...]:
        return tuple(self.x_train.shape[1:])

    @property
    def label_shape(self) -> tuple[int, ...] | None:
        return None if self.y_train is None else tuple(self.y_train.shape[1:])

    @property
    def input_names(self) -> list[str]:
        """The name of each value of one sample, for the preview, the panels and the exported code: the feature
        names when they are one per value, else x0, x1, …"""
        size = int(np.prod(self.sample_shape))
        if self.feature_names and len(self.feature_names) == size:
            return list(self.feature_names)
        return [f"x{i}" for i in range(size)]

    @property
    def num_classes(self) -> int | None:
        return len(self.class_names) if self.class_names else None
