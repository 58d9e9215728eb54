"""What a loaded dataset looks like, for the preview panel and the command line: sizes, shapes, class balance,
value ranges, and whether its samples are pictures (so the preview shows a grid of images, not a table)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from designer.data.dataset import Dataset


@dataclass(frozen=True)
class DataSummary:
    train_rows: int
    validation_rows: int
    sample_shape: tuple[int, ...]
    label_shape: tuple[int, ...] | None
    task: str
    #: (class name, training samples) per class, or None when there are no classes
    class_counts: list[tuple[str, int]] | None
    #: for data read from disk while training, of the first images only
    value_min: float
    value_max: float
    value_mean: float
    is_image: bool


def looks_like_images(sample_shape: tuple[int, ...]) -> bool:
    """(h, w) or (h, w, 1|3) with both sides at least 8 pixels: shown as pictures."""
    if len(sample_shape) == 2:
        return min(sample_shape) >= 8
    return len(sample_shape) == 3 and sample_shape[2] in (1, 3) and min(sample_shape[:2]) >= 8


def class_indices(y: np.ndarray) -> np.ndarray:
    """Class numbers from integer or one-hot labels."""
    y = np.asarray(y)
    return y.argmax(axis=1) if y.ndim == 2 and y.shape[1] > 1 else y.reshape(-1).astype(np.int64)


def summarize(dataset: Dataset) -> DataSummary:
    x = dataset.x_train
    counts = None
    labels = dataset.stream_train.labels if dataset.streamed else dataset.y_train
    if dataset.class_names and labels is not None:
        per_class = np.bincount(class_indices(labels), minlength=len(dataset.class_names))
        counts = [(name, int(n)) for name, n in zip(dataset.class_names, per_class)]
    validation = dataset.stream_val if dataset.streamed else dataset.x_val
    return DataSummary(
        train_rows=dataset.train_rows,
        validation_rows=0 if validation is None else len(validation),
        sample_shape=dataset.sample_shape,
        label_shape=dataset.label_shape,
        task=dataset.task,
        class_counts=counts,
        value_min=float(np.min(x)),
        value_max=float(np.max(x)),
        value_mean=float(np.mean(x)),
        is_image=looks_like_images(dataset.sample_shape),
    )
