"""The dataset summary shown by the preview: counts, shapes, class balance, ranges, images or not."""

import numpy as np

from designer.core.project import DatasetChoice
from designer.data.registry import load_dataset
from designer.data.summary import class_indices, looks_like_images, summarize


def test_digits_summary_counts_every_class_and_knows_they_are_images():
    summary = summarize(load_dataset(DatasetChoice("digits", {"validation": "last", "validation_rows": 297})))
    assert summary.train_rows == 1500 and summary.validation_rows == 297
    assert summary.sample_shape == (8, 8) and summary.is_image
    assert [name for name, _ in summary.class_counts] == [str(i) for i in range(10)]
    assert sum(n for _, n in summary.class_counts) == 1500
    assert summary.value_min == 0.0 and summary.value_max == 1.0


def test_tabular_and_regression_summaries():
    iris = summarize(load_dataset("iris"))
    assert not iris.is_image and [n for _, n in iris.class_counts] == [50, 50, 50]
    line = summarize(load_dataset("linear_5x_plus_3"))
    assert line.class_counts is None and line.task == "regression" and not line.is_image


def test_one_hot_labels_count_the_same_and_image_shapes():
    one_hot = summarize(load_dataset(DatasetChoice("iris", {"labels": "one-hot"})))
    assert [n for _, n in one_hot.class_counts] == [50, 50, 50]
    assert class_indices(np.eye(3)[[2, 0]]).tolist() == [2, 0]
    assert looks_like_images((28, 28)) and looks_like_images((32, 32, 3)) and looks_like_images((64, 64, 1))
    assert not looks_like_images((20, 1)) and not looks_like_images((784,)) and not looks_like_images((4, 4))
