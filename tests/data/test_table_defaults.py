"""Sensible defaults for a person's own tables and folders: "auto" standardizes each column of a table, a range
scale is each column's own, rows sorted by class are shuffled before the validation rows are set aside, and
sequences stay in time order."""

import numpy as np
import pytest

from designer.core.project import DatasetChoice
from designer.data.registry import load_dataset, option_specs


def customers(path, rows=60):
    """Columns on very different scales, sorted by the target (as an export from a database often is)."""
    rng = np.random.default_rng(0)
    lines = ["age,income,visits,bought"]
    for i in range(rows):
        bought = "yes" if i >= rows // 2 else "no"
        lines.append(f"{rng.integers(18, 80)},{rng.uniform(20_000, 150_000):.0f},{rng.integers(0, 14)},{bought}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_auto_standardizes_each_column_of_a_table(tmp_path):
    data = load_dataset(DatasetChoice(str(customers(tmp_path / "c.csv")), {"shuffle": False}))
    assert data.applied_scale == "standardize"
    np.testing.assert_allclose(data.x_train.mean(axis=0), 0.0, atol=1e-4)
    np.testing.assert_allclose(data.x_train.std(axis=0), 1.0, atol=1e-3)
    # a new raw row is prepared with the same numbers
    raw = np.array([[40, 60_000, 3]], dtype=np.float32)
    assert np.all(np.abs(data.scale_inputs(raw)) < 3)


@pytest.mark.parametrize("name", ["iris", "wine"])
def test_auto_standardizes_the_bundled_tables_and_leaves_generated_points_alone(name):
    assert load_dataset(name).applied_scale == "standardize"
    moons = load_dataset(DatasetChoice("moons", {"samples": 50}))
    assert moons.applied_scale == "none"
    assert load_dataset("digits").applied_scale == "0..1"


def test_a_range_scale_takes_each_column_s_own_range(tmp_path):
    data = load_dataset(DatasetChoice(str(customers(tmp_path / "c.csv")), {"scale": "0..1"}))
    np.testing.assert_allclose(data.x_train.min(axis=0), 0.0, atol=1e-6)
    np.testing.assert_allclose(data.x_train.max(axis=0), 1.0, atol=1e-6)  # age reaches 1 as income does
    wide = load_dataset(DatasetChoice(str(customers(tmp_path / "c.csv")), {"scale": "-1..1"}))
    np.testing.assert_allclose(wide.x_train.min(axis=0), -1.0, atol=1e-6)
    np.testing.assert_allclose(wide.x_train.max(axis=0), 1.0, atol=1e-6)


def test_rows_sorted_by_class_are_shuffled_before_the_validation_rows_are_set_aside(tmp_path):
    path = customers(tmp_path / "c.csv")
    data = load_dataset(DatasetChoice(str(path), {"validation": "last", "validation_rows": 12}))
    assert set(data.y_val.tolist()) == {0, 1}  # unshuffled, the last 12 rows would all be "yes"
    again = load_dataset(DatasetChoice(str(path), {"validation": "last", "validation_rows": 12}))
    np.testing.assert_array_equal(again.x_val, data.x_val)  # the seed makes it repeatable
    kept = load_dataset(DatasetChoice(str(path), {"validation": "last", "validation_rows": 12, "shuffle": False}))
    assert set(kept.y_val.tolist()) == {1}


def test_an_image_folder_sorted_by_class_is_shuffled(tmp_path):
    import tensorflow as tf

    for cls, value in (("circles", 40), ("squares", 200)):
        (tmp_path / "shapes" / cls).mkdir(parents=True)
        for i in range(8):
            pixels = tf.constant(np.full((6, 6, 3), value, np.uint8))
            tf.io.write_file(str(tmp_path / "shapes" / cls / f"{i}.png"), tf.io.encode_png(pixels))
    data = load_dataset(DatasetChoice(str(tmp_path / "shapes"), {"image_size": [6, 6], "validation": "last",
                                                                 "validation_rows": 6}))
    assert set(data.y_val.tolist()) == {0, 1}


def test_sequences_stay_in_time_order_and_say_so():
    shuffle = next(spec for spec in option_specs("sine_waves") if spec.name == "shuffle")
    assert shuffle.default is False
    assert next(spec for spec in option_specs("moons") if spec.name == "shuffle").default is True
    data = load_dataset(DatasetChoice("sine_waves", {"samples": 20}))
    assert "the validation rows are the last ones" in data.description
