"""Datasets: every offline set loads with its documented shapes; options are checked; downloads fail clearly."""

import numpy as np
import pytest

from designer.core.project import DatasetChoice
from designer.data import downloads
from designer.data.dataset import DataError
from designer.data.registry import fit_to_input, list_datasets, load_dataset

OFFLINE = [info for info in list_datasets() if info.source != "download"]


@pytest.mark.parametrize("info", OFFLINE, ids=lambda i: i.name)
def test_offline_dataset_loads_with_its_documented_shapes(info):
    data = load_dataset(info.name)
    assert data.sample_shape == info.sample_shape
    assert data.label_shape == info.label_shape
    assert len(data.x_train) == len(data.y_train) > 0
    assert data.x_train.dtype == np.float32
    assert np.isfinite(data.x_train).all()
    assert data.task == info.task


def test_generated_sets_are_deterministic_for_a_seed_and_differ_between_seeds():
    a = load_dataset(DatasetChoice("moons", {"seed": 3}))
    b = load_dataset(DatasetChoice("moons", {"seed": 3}))
    c = load_dataset(DatasetChoice("moons", {"seed": 4}))
    assert np.array_equal(a.x_train, b.x_train)
    assert not np.array_equal(a.x_train, c.x_train)


def test_sum_threshold_labels_follow_the_rule_of_notes_004():
    data = load_dataset(DatasetChoice("sum_threshold", {"samples": 300}))
    expected = (data.x_train.sum(axis=1) > 1).astype(np.float32)
    assert np.array_equal(data.y_train.ravel(), expected)


def test_linear_set_lies_on_5x_plus_3():
    data = load_dataset("linear_5x_plus_3")
    slope, intercept = np.polyfit(data.x_train.ravel(), data.y_train.ravel(), 1)
    assert slope == pytest.approx(5, abs=0.1) and intercept == pytest.approx(3, abs=0.1)


def test_sine_targets_are_the_next_values():
    nxt = load_dataset(DatasetChoice("sine_waves", {"samples": 50}))
    seq = load_dataset(DatasetChoice("sine_waves", {"samples": 50, "target": "sequence"}))
    assert nxt.y_train.shape == (50, 1) and seq.y_train.shape == (50, 20, 1)
    assert np.allclose(seq.y_train[:, :-1], seq.x_train[:, 1:])
    assert np.allclose(seq.y_train[:, -1], nxt.y_train)


def test_digits_are_the_1797_uci_images_scaled_to_0_1_with_ten_classes():
    data = load_dataset("digits")
    assert data.x_train.shape == (1797, 8, 8)
    assert data.x_train.min() == 0 and data.x_train.max() == 1
    assert sorted(set(data.y_train.tolist())) == list(range(10))
    assert data.class_names == [str(i) for i in range(10)]


def test_options_scale_flatten_one_hot_and_last_rows_for_validation():
    data = load_dataset(
        DatasetChoice("digits", {"scale": "-1..1", "flatten": True, "labels": "one-hot", "validation": "last", "validation_rows": 297})
    )
    assert data.x_train.shape == (1500, 64) and data.x_val.shape == (297, 64)
    assert data.x_train.min() == -1 and data.x_train.max() == 1
    assert data.y_train.shape == (1500, 10) and np.allclose(data.y_train.sum(axis=1), 1)


@pytest.mark.parametrize(
    "options, words",
    [({"colour": "red"}, "no option 'colour'"), ({"scale": "0..2"}, "scale"), ({"samples": -3}, "samples"),
     ({"validation": "last", "validation_rows": 10_000}, "validation_rows")],
)
def test_bad_options_name_the_option(options, words):
    with pytest.raises(DataError, match=words):
        load_dataset(DatasetChoice("sum_threshold", options))


def test_unknown_dataset_lists_the_known_ones():
    with pytest.raises(DataError, match="digits"):
        load_dataset("no_such_set")


def test_download_failure_says_internet_once_and_where_to_put_the_file(monkeypatch, tmp_path):
    import keras

    from keras.src.backend import config

    monkeypatch.setattr(config, "_KERAS_DIR", str(tmp_path))  # Keras read $KERAS_HOME when it was imported

    def offline():
        raise Exception("URL fetch failure on https://example.invalid/mnist.npz: [Errno -2] Name or service not known")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", offline)
    with pytest.raises(DataError) as caught:
        load_dataset("mnist")
    message = str(caught.value)
    assert "internet" in message and "first time" in message
    assert "mnist.npz" in message and str(tmp_path) in message


def test_download_success_path_uses_the_keras_loader(monkeypatch):
    import keras

    images = np.random.default_rng(0).integers(0, 256, (12, 28, 28)).astype(np.uint8)
    labels = np.arange(12) % 10
    monkeypatch.setattr(keras.datasets.fashion_mnist, "load_data", lambda: ((images, labels), (images[:2], labels[:2])))
    data = load_dataset(DatasetChoice("fashion_mnist", {"validation": "last", "validation_rows": 2}))
    assert data.x_train.shape == (10, 28, 28) and data.x_val.shape == (2, 28, 28)
    assert data.x_train.max() <= 1.0
    assert data.class_names[0] == "T-shirt/top"


def test_download_sets_a_socket_timeout_while_fetching(monkeypatch):
    import socket

    import keras

    seen = {}

    def fake():
        seen["timeout"] = socket.getdefaulttimeout()
        return (np.zeros((2, 28, 28)), np.zeros(2)), (np.zeros((1, 28, 28)), np.zeros(1))

    monkeypatch.setattr(keras.datasets.mnist, "load_data", fake)
    load_dataset("mnist")
    assert seen["timeout"] == downloads.DOWNLOAD_TIMEOUT_S
    assert socket.getdefaulttimeout() is None


def test_fit_to_input_adds_a_channel_axis_or_flattens_and_explains_a_mismatch():
    x = np.zeros((5, 28, 28), np.float32)
    assert fit_to_input(x, (28, 28, 1)).shape == (5, 28, 28, 1)
    assert fit_to_input(x, (784,)).shape == (5, 784)
    with pytest.raises(DataError, match=r"\(28, 28\).*\(32, 32, 3\)"):
        fit_to_input(x, (32, 32, 3))


def test_fit_to_input_reshapes_a_whole_dataset_and_removes_a_trailing_1_axis():
    data = load_dataset(DatasetChoice("digits", {"validation": "last", "validation_rows": 97}))
    fitted = fit_to_input(data, (8, 8, 1))
    assert fitted.x_train.shape == (1700, 8, 8, 1) and fitted.x_val.shape == (97, 8, 8, 1)
    assert data.x_train.shape == (1700, 8, 8)  # the original is left as it was
    assert np.array_equal(fitted.y_train, data.y_train)
    assert fit_to_input(fitted.x_train, (8, 8)).shape == (1700, 8, 8)
    with pytest.raises(DataError, match="Set the Input shape to \\[8, 8\\]"):
        fit_to_input(data, (28, 28, 1))


def test_one_hot_labels_for_numbers_to_predict_are_refused():
    with pytest.raises(DataError, match="labels"):
        load_dataset(DatasetChoice("linear_5x_plus_3", {"labels": "one-hot"}))
    spiral = load_dataset(DatasetChoice("spiral", {"labels": "one-hot", "classes": 4, "samples": 40}))
    assert spiral.y_train.shape == (40, 4) and np.array_equal(spiral.y_train.sum(axis=1), np.ones(40))
