"""The Keras shape oracle: for every catalogue kind it reports what a plain Keras layer reports, errors come back
as plain words, and nothing is allocated or left behind in Keras's global state.

Each kind has one small case in `CASES`: the inputs it is applied to, the parameters, and the reference layer
written here directly with ``keras.layers`` / ``keras.applications`` (not through ``designer.keras_bridge``), so the
oracle is compared with Keras itself, never with numbers typed into the test.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import keras
import pytest
from keras.src.backend.common import global_state
from keras.src.utils import file_utils

from designer.keras_bridge import shape_oracle
from designer.keras_bridge.custom_layers import vae_sampling_class
from designer.keras_bridge.shape_oracle import keras_layer_info, make_analyzer
from designer.core import catalogue
from designer.core.graph import LayerGraph


@dataclass
class Case:
    input_shapes: tuple
    reference: Callable[[], Any]  # makes the plain Keras layer (or model) to compare with
    params: dict = field(default_factory=dict)  # overrides of the catalogue defaults


IMAGE = (None, 32, 32, 3)
SEQUENCE = (None, 10, 3)

CASES: dict[str, Case] = {
    "Input": Case((), lambda: keras.Input(shape=(28, 28, 1)), {"shape": [28, 28, 1]}),
    "TextInput": Case((), lambda: keras.Input(shape=(1,), dtype="string"), {"column": "region"}),
    "StringLookup": Case(((None, 1),), lambda: keras.layers.StringLookup(vocabulary=["east", "north", "west"],
                                                                         output_mode="one_hot"),
                         {"vocabulary": ["east", "north", "west"]}),
    "Dense": Case(((None, 8),), lambda: keras.layers.Dense(5, activation="relu", use_bias=True),
                  {"units": 5, "activation": "relu", "kernel_initializer": "he_normal", "kernel_regularizer": [0.0, 5e-4]}),
    "Activation": Case(((None, 4, 4),), lambda: keras.layers.Activation("sigmoid"), {"activation": "sigmoid"}),
    "LeakyReLU": Case(((None, 6),), lambda: keras.layers.LeakyReLU(negative_slope=0.2)),
    "Flatten": Case(((None, 28, 28, 1),), lambda: keras.layers.Flatten()),
    "Reshape": Case(((None, 784),), lambda: keras.layers.Reshape((28, 28, 1))),
    "Embedding": Case(((None, 12),), lambda: keras.layers.Embedding(100, 8), {"input_dim": 100, "output_dim": 8}),
    "Conv2D": Case(((None, 28, 28, 1),), lambda: keras.layers.Conv2D(4, (3, 3), activation="relu", use_bias=False),
                   {"filters": 4, "use_bias": False, "bias_regularizer": [1e-4, 1e-4]}),
    "Conv2DTranspose": Case(((None, 7, 7, 8),),
                            lambda: keras.layers.Conv2DTranspose(4, (3, 3), strides=(2, 2), padding="same"),
                            {"filters": 4, "padding": "same"}),
    "Conv1D": Case((SEQUENCE,), lambda: keras.layers.Conv1D(4, 3, activation="relu"), {"filters": 4}),
    "MaxPooling2D": Case(((None, 28, 28, 3),), lambda: keras.layers.MaxPooling2D((2, 2))),
    "AveragePooling2D": Case(((None, 9, 9, 2),), lambda: keras.layers.AveragePooling2D((3, 3), strides=(2, 2)),
                             {"pool_size": [3, 3], "strides": [2, 2]}),
    "GlobalAveragePooling2D": Case(((None, 7, 7, 5),), lambda: keras.layers.GlobalAveragePooling2D()),
    "MaxPooling1D": Case((SEQUENCE,), lambda: keras.layers.MaxPooling1D(2)),
    "SimpleRNN": Case((SEQUENCE,), lambda: keras.layers.SimpleRNN(6, return_sequences=True),
                      {"units": 6, "return_sequences": True}),
    "LSTM": Case((SEQUENCE,), lambda: keras.layers.LSTM(5), {"units": 5}),
    "GRU": Case((SEQUENCE,), lambda: keras.layers.GRU(4), {"units": 4}),
    "Concatenate": Case(((None, 3, 4), (None, 3, 6)), lambda: keras.layers.Concatenate(axis=-1)),
    "Add": Case(((None, 5), (None, 5), (None, 5)), lambda: keras.layers.Add()),
    "Dropout": Case(((None, 10),), lambda: keras.layers.Dropout(0.3), {"rate": 0.3}),
    "BatchNormalization": Case(((None, 6, 6, 3),), lambda: keras.layers.BatchNormalization(axis=1, scale=False),
                               {"axis": 1, "scale": False}),
    "GaussianNoise": Case(((None, 10),), lambda: keras.layers.GaussianNoise(0.1)),
    "ActivityRegularization": Case(((None, 10),), lambda: keras.layers.ActivityRegularization(l1=1e-5)),
    "UpSampling2D": Case(((None, 7, 7, 2),), lambda: keras.layers.UpSampling2D((2, 2))),
    "UpSampling1D": Case((SEQUENCE,), lambda: keras.layers.UpSampling1D(3), {"size": 3}),
    # convolutions: initializers, penalties and bias switched off change no shape but must reach Keras
    "Conv1DTranspose": Case((SEQUENCE,), lambda: keras.layers.Conv1DTranspose(4, 3, strides=2, padding="same"),
                            {"filters": 4, "strides": 2, "padding": "same"}),
    "SeparableConv2D": Case((IMAGE,), lambda: keras.layers.SeparableConv2D(8, 3, depth_multiplier=2, use_bias=False),
                            {"filters": 8, "depth_multiplier": 2, "use_bias": False}),
    "DepthwiseConv2D": Case((IMAGE,), lambda: keras.layers.DepthwiseConv2D(3, strides=2, padding="same"),
                            {"strides": [2, 2], "padding": "same"}),
    "ZeroPadding2D": Case((IMAGE,), lambda: keras.layers.ZeroPadding2D(((0, 1), (2, 3))), {"padding": [0, 1, 2, 3]}),
    "Cropping2D": Case((IMAGE,), lambda: keras.layers.Cropping2D(((1, 2), (3, 4))), {"cropping": [1, 2, 3, 4]}),
    # pooling
    "GlobalMaxPooling2D": Case(((None, 7, 7, 5),), lambda: keras.layers.GlobalMaxPooling2D(keepdims=True),
                               {"keepdims": True}),
    "GlobalAveragePooling1D": Case((SEQUENCE,), lambda: keras.layers.GlobalAveragePooling1D()),
    "GlobalMaxPooling1D": Case((SEQUENCE,), lambda: keras.layers.GlobalMaxPooling1D()),
    "AveragePooling1D": Case((SEQUENCE,), lambda: keras.layers.AveragePooling1D(3, strides=1, padding="same"),
                             {"pool_size": 3, "strides": 1, "padding": "same"}),
    # recurrent wrappers
    "Bidirectional": Case((SEQUENCE,), lambda: keras.layers.Bidirectional(keras.layers.GRU(5, return_sequences=True)),
                          {"layer": "GRU", "units": 5, "return_sequences": True}),
    "TimeDistributed": Case((SEQUENCE,), lambda: keras.layers.TimeDistributed(keras.layers.Dense(4, activation="relu")),
                            {"units": 4, "activation": "relu"}),
    "RepeatVector": Case(((None, 6),), lambda: keras.layers.RepeatVector(4), {"n": 4}),
    # merges
    "Multiply": Case(((None, 5), (None, 5)), lambda: keras.layers.Multiply()),
    "Average": Case(((None, 2, 3), (None, 2, 3), (None, 2, 3)), lambda: keras.layers.Average()),
    "Subtract": Case(((None, 4), (None, 4)), lambda: keras.layers.Subtract()),
    "Maximum": Case(((None, 4), (None, 4)), lambda: keras.layers.Maximum()),
    # activations
    "ReLU": Case(((None, 6),), lambda: keras.layers.ReLU(6.0), {"max_value": 6.0}),
    "Softmax": Case(((None, 3, 4),), lambda: keras.layers.Softmax(axis=1), {"axis": 1}),
    "ELU": Case(((None, 6),), lambda: keras.layers.ELU(0.5), {"alpha": 0.5}),
    "PReLU": Case(((None, 4, 3),), lambda: keras.layers.PReLU()),
    # attention, called on the sequence as query and value
    "MultiHeadAttention": Case((SEQUENCE,), lambda: keras.layers.MultiHeadAttention(2, 8, dropout=0.1),
                               {"num_heads": 2, "key_dim": 8, "dropout": 0.1}),
    # preprocessing
    "Rescaling": Case(((None, 8, 8, 3),), lambda: keras.layers.Rescaling(1 / 127.5, offset=-1.0),
                      {"scale": 1 / 127.5, "offset": -1.0}),
    "Normalization": Case(((None, 5),), lambda: keras.layers.Normalization(invert=True), {"invert": True}),
    "RandomFlip": Case((IMAGE,), lambda: keras.layers.RandomFlip("horizontal"), {"mode": "horizontal"}),
    "RandomRotation": Case((IMAGE,), lambda: keras.layers.RandomRotation(0.2), {"factor": 0.2}),
    "RandomZoom": Case((IMAGE,), lambda: keras.layers.RandomZoom(0.1, 0.2), {"width_factor": 0.2}),
    "RandomTranslation": Case((IMAGE,), lambda: keras.layers.RandomTranslation(0.1, 0.1)),
    "LayerNormalization": Case((SEQUENCE,), lambda: keras.layers.LayerNormalization(center=False), {"center": False}),
    # the generic node: any Keras layer by class name and config (here one the palette has no entry for)
    "KerasLayer": Case(((None, 6),), lambda: keras.layers.UnitNormalization(axis=-1),
                       {"class_name": "UnitNormalization", "config": {"axis": -1}}),
    # Network Designer's own Keras layer, made directly from its class
    "VAESampling": Case(((None, 2), (None, 2)), lambda: vae_sampling_class()(kl_weight=0.5), {"kl_weight": 0.5}),
    # backbones: weights=None, like the oracle (which never downloads); one of them fine-tuned (trainable)
    "VGG16": Case((IMAGE,), lambda: _backbone(keras.applications.VGG16, trainable=True), {"trainable": True}),
    "MobileNetV2": Case((IMAGE,), lambda: _backbone(keras.applications.MobileNetV2, trainable=False)),
    "ResNet50": Case((IMAGE,), lambda: _backbone(keras.applications.ResNet50, trainable=False)),
}


def _backbone(application, trainable: bool):
    model = application(include_top=False, weights=None, input_shape=IMAGE[1:])
    model.trainable = trainable
    return model


def _count(weights) -> int:
    return int(sum(math.prod(w.shape) for w in weights))


def _reference_info(case: Case, kind: catalogue.LayerKind) -> tuple:
    """(output shape, trainable, non-trainable) as plain Keras reports them for `case`."""
    if kind.is_source:
        return tuple(case.reference().shape), 0, 0
    layer = case.reference()
    inputs = [keras.Input(batch_shape=shape) for shape in case.input_shapes]
    if kind.call == "query_value":  # self-attention: the sequence is the query and the value
        output = layer(inputs[0], inputs[0])
    else:
        output = layer(inputs[0] if len(inputs) == 1 else inputs)
    trainable, frozen = _count(layer.trainable_weights), _count(layer.non_trainable_weights)
    assert trainable + frozen == layer.count_params()
    return tuple(output.shape), trainable, frozen


@pytest.fixture
def no_network(monkeypatch):
    """Any download attempt fails the test instead of reaching the internet."""

    def refuse(url, *args, **kwargs):
        raise AssertionError(f"the shape oracle tried to download {url}")

    monkeypatch.setattr(file_utils, "urlretrieve", refuse)


@pytest.mark.parametrize("kind", catalogue.all_kinds(), ids=lambda kind: kind.key)
def test_oracle_matches_plain_keras_for_every_kind(kind: catalogue.LayerKind, no_network) -> None:
    if kind.key not in CASES:
        pytest.fail(f"no test case for the layer kind {kind.key}: add one to CASES")
    case = CASES[kind.key]
    params = kind.check_params({**kind.defaults(), **case.params})
    info = keras_layer_info(kind.key, params, case.input_shapes)
    assert info.error is None, info.error
    expected_shape, expected_trainable, expected_frozen = _reference_info(case, kind)
    assert info.output_shape == expected_shape
    assert (info.trainable_params, info.non_trainable_params) == (expected_trainable, expected_frozen)


def test_every_case_is_a_catalogue_kind() -> None:
    # a case left behind after a kind is renamed would silently test nothing
    assert set(CASES) <= {kind.key for kind in catalogue.all_kinds()}


def test_analyzer_reports_keras_counts_for_a_whole_graph() -> None:
    graph = LayerGraph()
    x = graph.add("Input", shape=[28, 28, 1])
    c = graph.add("Conv2D", x, filters=8)
    p = graph.add("MaxPooling2D", c)
    f = graph.add("Flatten", p)
    b = graph.add("BatchNormalization", f)
    y = graph.add("Dense", b, units=10, activation="softmax")
    report = make_analyzer().analyse(graph)
    assert report.ok, report.errors(graph)

    inputs = keras.Input(shape=(28, 28, 1))
    outputs = keras.layers.Dense(10, activation="softmax")(
        keras.layers.BatchNormalization()(
            keras.layers.Flatten()(keras.layers.MaxPooling2D()(keras.layers.Conv2D(8, 3, activation="relu")(inputs)))
        )
    )
    reference = keras.Model(inputs, outputs)
    assert report.nodes[y].output_shape == tuple(reference.output.shape)
    assert report.trainable_params == _count(reference.trainable_weights)
    assert report.non_trainable_params == _count(reference.non_trainable_weights)
    assert report.total_params == reference.count_params()


# ------------------------------------------------------------------------------------------------ plain-words errors
_ANSI = re.compile(r"\x1b\[")

#: case -> (kind, parameters, input shapes, what the message must mention: the shapes as the canvas shows them)
ERROR_CASES = {
    "Concatenate of (3, 4) and (5, 4)": ("Concatenate", {}, ((None, 3, 4), (None, 5, 4)), ("(3, 4)", "(5, 4)")),
    "Add of different shapes": ("Add", {}, ((None, 3), (None, 4)), ("(3,)", "(4,)")),
    "Conv2D window bigger than the image": ("Conv2D", {"kernel_size": [5, 5]}, ((None, 3, 3, 1),), ("(3, 3, 1)",)),
    "Reshape to a wrong size": ("Reshape", {"target_shape": [7, 7]}, ((None, 50),), ("(50,)", "50 values")),
    "VAESampling with mismatched inputs": ("VAESampling", {}, ((None, 2), (None, 3)), ("(2,)", "(3,)")),
}


@pytest.mark.parametrize("case", ERROR_CASES, ids=list(ERROR_CASES))
def test_errors_are_plain_words(case: str) -> None:
    key, overrides, input_shapes, mentions = ERROR_CASES[case]
    kind = catalogue.get(key)
    info = keras_layer_info(key, kind.check_params({**kind.defaults(), **overrides}), input_shapes)
    assert info.output_shape is None
    assert info.error, "Keras refused these inputs, so the oracle must say why"
    for bad in ("`", "Traceback", "Exception encountered", "File \""):
        assert bad not in info.error, info.error
    assert not _ANSI.search(info.error), info.error
    assert "\n" not in info.error
    for fragment in mentions:
        assert fragment in info.error, info.error


def test_concatenate_mismatch_is_caught_where_compute_output_shape_is_silent() -> None:
    shapes = [(None, 3, 4), (None, 5, 4)]
    # this is why the oracle calls the layer instead of asking compute_output_shape
    assert keras.layers.Concatenate().compute_output_shape(shapes) == (None, 3, 8)
    info = keras_layer_info("Concatenate", {"axis": -1}, tuple(shapes))
    assert info.error and "(3, 4)" in info.error and "(5, 4)" in info.error


# ---------------------------------------------------------------------------------------- no weights, no leftovers
def _uninitialized_variables() -> list:
    return list(global_state.get_global_attribute("uninitialized_variables", None) or [])


def test_oracle_leaves_keras_uninitialised_variable_list_unchanged(no_network) -> None:
    before = _uninitialized_variables()
    analyzer = make_analyzer()
    for key, case in CASES.items():
        if key in ("VGG16", "ResNet50"):
            continue  # MobileNetV2 covers nested models; the big ones only cost time here
        kind = catalogue.get(key)
        analyzer.layer_info(key, kind.check_params({**kind.defaults(), **case.params}), case.input_shapes)
    for key, overrides, input_shapes, _ in ERROR_CASES.values():  # errors raised inside the scope too
        kind = catalogue.get(key)
        analyzer.layer_info(key, kind.check_params({**kind.defaults(), **overrides}), input_shapes)
    after = _uninitialized_variables()
    assert len(after) == len(before)
    assert all(a is b for a, b in zip(after, before))


def _huge_dense():
    return "Dense", catalogue.get("Dense").check_params({"units": 4096}), ((None, 25088),)


def test_huge_dense_is_analysed_without_allocating_its_weights(monkeypatch) -> None:
    made = []

    def spy_make_layer(*args, **kwargs):
        made.append(shape_oracle_make_layer(*args, **kwargs))
        return made[-1]

    shape_oracle_make_layer = shape_oracle.make_layer
    monkeypatch.setattr(shape_oracle, "make_layer", spy_make_layer)
    info = keras_layer_info(*_huge_dense())
    assert info.output_shape == (None, 4096)
    assert info.trainable_params == 25088 * 4096 + 4096
    (layer,) = made
    # a Keras variable made with initialize_variables=False keeps its initializer and holds no value
    assert hasattr(layer.kernel, "_value"), "Keras changed how it stores a variable's value: update this test"
    assert layer.kernel._value is None and layer.bias._value is None


def test_huge_dense_costs_about_as_much_as_a_tiny_one() -> None:
    # A real 25088 x 4096 kernel is 400 MB of random numbers (about a second to make); weightless it is
    # the same few Python calls as a 8 x 4 one. Best of several runs, and a wide margin, so load on the
    # machine cannot flip the result; allocating the weights would make it hundreds of times slower.
    tiny = ("Dense", catalogue.get("Dense").check_params({"units": 4}), ((None, 8),))

    def best_time(args) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            assert keras_layer_info(*args).error is None
            times.append(time.perf_counter() - start)
        return min(times)

    best_time(tiny)  # warm up Keras's lazy imports
    assert best_time(_huge_dense()) < 20 * best_time(tiny)
