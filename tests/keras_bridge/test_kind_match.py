"""From a Keras layer's configuration back to a catalogue kind: every kind the importer may meet round-trips from a
plain Keras layer, non-default values the catalogue can say are read back exactly, anything it cannot say gives
None, and the layers of keras.applications models match (all of ResNet50's and MobileNetV2's).

The reference layers are the shape oracle test's `CASES`: plain ``keras.layers`` written there, not through the
Keras bridge.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

import keras
import pytest

from designer.core import catalogue
from designer.keras_bridge.kind_match import match_kind
from designer.keras_bridge.layers import make_layer
from designer.keras_bridge.shape_oracle import weightless


def _shape_oracle_cases() -> dict:
    path = Path(__file__).with_name("test_shape_oracle.py")
    spec = importlib.util.spec_from_file_location("shape_oracle_cases", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module.CASES


CASES = _shape_oracle_cases()
#: the importer recognises these by other means: inputs, whole backbones, the generic node (a config kept whole)
NOT_MATCHED = ("Pretrained", "Keras")
MATCHED_KINDS = [k for k in catalogue.all_kinds() if not k.is_source and k.category not in NOT_MATCHED]


def as_json(config: dict) -> dict:
    """A configuration as a .keras file holds it."""
    return json.loads(json.dumps(config, default=keras.saving.serialize_keras_object))


def saved(layer) -> tuple[str, dict]:
    """(class name, configuration) as the importer reads them."""
    return keras.saving.get_registered_name(type(layer)), as_json(layer.get_config())


def rebuilt(kind_key: str, params: dict, name: str) -> dict:
    with weightless():
        return as_json(make_layer(catalogue.get(kind_key), params, name, (), shapes_only=True).get_config())


def without_inner_names(config: dict) -> dict:
    """A wrapper's configuration less the names of the layers it holds (the app names them after the wrapper)."""
    for value in config.values():
        if isinstance(value, dict) and isinstance(value.get("config"), dict):
            value["config"].pop("name", None)
    return config


def assert_round_trip(layer, kind_key: str) -> dict:
    class_name, config = saved(layer)
    matched = match_kind(class_name, config)
    assert matched is not None, f"{class_name} did not match: {config}"
    key, params = matched
    assert key == kind_key
    assert catalogue.get(key).check_params(params) == params
    assert without_inner_names(rebuilt(key, params, config["name"])) == without_inner_names(config)
    return params


@pytest.mark.parametrize("kind", MATCHED_KINDS, ids=lambda kind: kind.key)
def test_every_kind_round_trips_from_a_plain_keras_layer(kind: catalogue.LayerKind) -> None:
    assert_round_trip(CASES[kind.key].reference(), kind.key)


REPRESENTABLE = {
    "Dense he_normal + L2": (
        lambda: keras.layers.Dense(7, activation="relu", kernel_initializer="he_normal",
                                   kernel_regularizer=keras.regularizers.L2(5e-4), name="fc"),
        "Dense", {"units": 7, "activation": "relu", "kernel_initializer": "he_normal", "kernel_regularizer": [0.0, 5e-4],
                  "bias_regularizer": [0.0, 0.0]},
    ),
    "Dense L1 and L1L2": (
        lambda: keras.layers.Dense(3, kernel_regularizer=keras.regularizers.L1(0.01),
                                   bias_regularizer=keras.regularizers.L1L2(0.001, 0.002)),
        "Dense", {"kernel_regularizer": [0.01, 0.0], "bias_regularizer": [0.001, 0.002]},
    ),
    "Dense swish (saved as silu)": (lambda: keras.layers.Dense(4, activation="swish"), "Dense", {"activation": "swish"}),
    "Conv2D without bias": (
        lambda: keras.layers.Conv2D(16, 3, strides=2, padding="same", use_bias=False, name="Conv1"),
        "Conv2D", {"filters": 16, "strides": [2, 2], "padding": "same", "use_bias": False, "activation": "linear"},
    ),
    "Conv1D kernel 5": (lambda: keras.layers.Conv1D(8, 5), "Conv1D", {"kernel_size": 5, "strides": 1}),
    "ReLU6": (lambda: keras.layers.ReLU(6.0), "ReLU", {"max_value": 6.0}),
    "BatchNormalization of ResNet50": (
        lambda: keras.layers.BatchNormalization(axis=3, epsilon=1.001e-5),
        "BatchNormalization", {"axis": 3, "epsilon": 1.001e-5},
    ),
    "ZeroPadding2D uneven": (lambda: keras.layers.ZeroPadding2D(((0, 1), (0, 1))), "ZeroPadding2D",
                             {"padding": [0, 1, 0, 1]}),
    "Cropping2D": (lambda: keras.layers.Cropping2D(((1, 2), (3, 4))), "Cropping2D", {"cropping": [1, 2, 3, 4]}),
    "Bidirectional LSTM summed": (
        lambda: keras.layers.Bidirectional(keras.layers.LSTM(6, return_sequences=True), merge_mode="sum"),
        "Bidirectional", {"layer": "LSTM", "units": 6, "return_sequences": True, "merge_mode": "sum"},
    ),
    "TimeDistributed Dense": (lambda: keras.layers.TimeDistributed(keras.layers.Dense(3, activation="softmax")),
                              "TimeDistributed", {"units": 3, "activation": "softmax"}),
    "RandomRotation": (lambda: keras.layers.RandomRotation(0.25), "RandomRotation", {"factor": 0.25}),
    "MaxPooling1D": (lambda: keras.layers.MaxPooling1D(3), "MaxPooling1D", {"pool_size": 3}),
}


@pytest.mark.parametrize("case", REPRESENTABLE, ids=list(REPRESENTABLE))
def test_values_the_catalogue_can_say_are_read_back(case: str) -> None:
    make, kind_key, expected = REPRESENTABLE[case]
    params = assert_round_trip(make(), kind_key)
    for name, value in expected.items():
        assert params[name] == value, name


UNSAYABLE = {
    "frozen": lambda: keras.layers.Dense(4, trainable=False),
    "constraint": lambda: keras.layers.Conv2D(4, 3, kernel_constraint=keras.constraints.NonNeg()),
    "seeded initializer": lambda: keras.layers.Dense(4, kernel_initializer=keras.initializers.HeNormal(seed=1)),
    "initializer with settings": lambda: keras.layers.Dense(4, kernel_initializer=keras.initializers.RandomNormal(stddev=1.0)),
    "seeded dropout": lambda: keras.layers.Dropout(0.2, seed=3),
    "dropout noise shape": lambda: keras.layers.Dropout(0.2, noise_shape=(None, 1, 1, 4)),
    "another dtype policy": lambda: keras.layers.Dense(4, dtype="mixed_float16"),
    "activity penalty": lambda: keras.layers.Dense(4, activity_regularizer="l2"),
    "activation the catalogue lacks": lambda: keras.layers.Activation("hard_sigmoid"),
    "zero penalty object": lambda: keras.layers.Dense(4, kernel_regularizer=keras.regularizers.L1L2(0.0, 0.0)),
    "recurrent dropout inside a wrapper": lambda: keras.layers.Bidirectional(keras.layers.LSTM(4, dropout=0.1)),
    "a wrapper of another layer": lambda: keras.layers.TimeDistributed(keras.layers.Conv2D(2, 3)),
    "lopsided rotation": lambda: keras.layers.RandomRotation((-0.1, 0.3)),
    "attention with its own value size": lambda: keras.layers.MultiHeadAttention(2, 8, value_dim=4),
    "channels first": lambda: keras.layers.ZeroPadding2D(1, data_format="channels_first"),
    "a class without a kind": lambda: keras.layers.UnitNormalization(),
}


@pytest.mark.parametrize("case", UNSAYABLE, ids=list(UNSAYABLE))
def test_what_the_catalogue_cannot_say_is_not_matched(case: str) -> None:
    assert match_kind(*saved(UNSAYABLE[case]())) is None


def test_odd_input_is_not_matched() -> None:
    assert match_kind("Dense", None) is None
    assert match_kind("Dense", {"units": "many"}) is None
    assert match_kind("Dense", {"units": 4, "kernel_regularizer": {"class_name": "OrthogonalRegularizer"}}) is None
    huge = {"module": "keras.regularizers", "class_name": "L1", "config": {"l1": 1e300}}  # beyond float32
    assert match_kind("Dense", {"name": "d", "units": 4, "kernel_regularizer": huge}) is None
    assert match_kind("InputLayer", {"batch_shape": [None, 3]}) is None
    assert match_kind("Functional", {"layers": []}) is None


APPLICATIONS = {"ResNet50": 0, "MobileNetV2": 0, "DenseNet121": 0, "EfficientNetB0": None}


@pytest.mark.slow
@pytest.mark.parametrize("application", APPLICATIONS)
def test_layers_of_keras_applications_match(application: str) -> None:
    """ResNet50's, MobileNetV2's and DenseNet121's layers all match; EfficientNetB0 uses initializers with settings of
    their own (VarianceScaling fan_out) and Dropout with a noise shape, which the catalogue cannot say."""
    model = getattr(keras.applications, application)(weights=None)
    saved_model = as_json(keras.saving.serialize_keras_object(model))
    layers = [layer for layer in saved_model["config"]["layers"] if layer["class_name"] != "InputLayer"]
    missed = Counter(layer["class_name"] for layer in layers if match_kind(layer["class_name"], layer["config"]) is None)
    if APPLICATIONS[application] is not None:
        assert sum(missed.values()) == APPLICATIONS[application], missed
    else:
        assert set(missed) <= {"Conv2D", "DepthwiseConv2D", "Dense", "Dropout", "Normalization"}, missed
