"""The layer catalogue and the activation functions: every kind is complete, and parameter specs coerce right.

Nothing here imports Keras: the Keras class a kind names is checked by its form, not by importing it (the Keras
bridge's tests check that every kind can be made).
"""

from __future__ import annotations

import json
import math
import re
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from designer.core import activations, catalogue
from designer.core.catalogue import CATEGORIES, PARAM_TYPES, LayerKind, ParameterError, ParamSpec
from designer.core.graph import NAME_PATTERN, LayerGraph

ROOT = Path(__file__).resolve().parents[2]
KINDS = catalogue.all_kinds()
KIND_IDS = [kind.key for kind in KINDS]

REQUIRED_KINDS = (
    "Input", "Dense", "Activation", "Dropout", "Flatten", "Reshape", "BatchNormalization", "Conv1D", "Conv2D",
    "Conv2DTranspose", "MaxPooling1D", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D",
    "UpSampling2D", "SimpleRNN", "LSTM", "GRU", "Embedding", "GaussianNoise", "LeakyReLU", "Concatenate", "Add",
    "VAESampling", "VGG16", "MobileNetV2", "ResNet50",
)

KERAS_CLASS = re.compile(r"^(keras\.layers\.|keras\.applications\.|designer>)[A-Z][A-Za-z0-9]*$")


def test_the_kinds_of_the_issue_are_all_there() -> None:
    missing = [key for key in REQUIRED_KINDS if not catalogue.has(key)]
    assert not missing
    for key in REQUIRED_KINDS:
        assert catalogue.get(key).key == key


def test_keys_are_unique_and_unknown_keys_are_refused_plainly() -> None:
    assert len(KIND_IDS) == len(set(KIND_IDS))
    assert not catalogue.has("Perceptron")
    with pytest.raises(KeyError, match="unknown layer kind 'Perceptron'"):
        catalogue.get("Perceptron")


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_every_kind_is_complete(kind: LayerKind) -> None:
    assert kind.category in CATEGORIES
    assert kind.title.strip() and kind.summary.strip() and kind.explanation.strip()
    assert kind.icon.strip()
    assert NAME_PATTERN.fullmatch(kind.name_prefix or kind.key.lower())
    names = [spec.name for spec in kind.params]
    assert len(names) == len(set(names)), "a parameter is listed twice"
    for spec in kind.params:
        assert spec.type in PARAM_TYPES and spec.help.strip()
        assert spec.coerce(spec.default) == spec.default, f"{spec.name}: the default is not in canonical form"
        if spec.type in ("choice", "multi"):
            assert spec.choices
    assert kind.check_params({}) == kind.defaults()
    assert set(kind.key_params) <= set(names), "a key parameter that the kind does not take"


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_every_kind_names_the_keras_class_it_becomes_and_no_module_of_ours(kind: LayerKind) -> None:
    # the document names Keras classes only: which bridge module builds a kind is the bridge's own business
    assert kind.keras == "keras.Input" or KERAS_CLASS.match(kind.keras), kind.keras
    assert ":" not in kind.keras and "designer." not in kind.keras


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_arity_and_ranks_are_consistent(kind: LayerKind) -> None:
    assert kind.min_inputs >= 0
    if kind.max_inputs is not None:
        assert kind.min_inputs <= kind.max_inputs
    assert kind.is_source == (kind.max_inputs == 0)
    assert kind.describe_arity()
    if kind.input_ranks is not None:
        assert kind.input_ranks and all(rank >= 1 for rank in kind.input_ranks)
        assert kind.rank_hint.strip(), "a kind that refuses some ranks must say what to do"
    assert set(kind.warn_ranks) <= set(kind.input_ranks or ())
    if kind.warn_ranks:
        assert kind.warn_hint.strip()
    if kind.max_inputs is None or kind.max_inputs > 1:
        assert kind.error_hint.strip(), "a merge layer must explain its shape errors"


def test_the_palette_groups_every_kind_in_category_order() -> None:
    groups = catalogue.by_category()
    assert list(groups) == list(CATEGORIES)
    assert [kind.key for group in groups.values() for kind in group] == KIND_IDS
    assert all(groups[name] for name in ("Core", "Convolution", "Pooling", "Recurrent", "Merge", "Generative", "Pretrained"))


def test_formulas_of_the_notes_are_present() -> None:
    dense = catalogue.get("Dense").formula
    assert "σ" in dense and "Σ" in dense and "w" in dense and "b" in dense
    rnn = catalogue.get("SimpleRNN").formula
    assert "hₜ" in rnn and "hₜ₋₁" in rnn and "tanh" in rnn
    lstm = catalogue.get("LSTM").formula
    for part in ("forget gate", "input gate", "output gate", "cₜ", "hₜ", "σ", "tanh"):
        assert part in lstm
    assert "μ" in catalogue.get("VAESampling").formula and "ε" in catalogue.get("VAESampling").formula


def test_activations_cover_the_notes_with_formula_and_derivative() -> None:
    for key in ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"):
        item = activations.activation(key)
        assert item.key == key
        assert item.title.strip() and item.formula.strip() and item.derivative.strip() and item.explanation.strip()
        assert "′" in item.derivative or "∂" in item.derivative
    assert activations.activation("sigmoid").derivative == "σ′(x) = σ(x) · (1 − σ(x))"
    assert activations.ACTIVATION_KEYS == tuple(a.key for a in activations.ACTIVATIONS)
    assert len(set(activations.ACTIVATION_KEYS)) == len(activations.ACTIVATION_KEYS)
    with pytest.raises(KeyError):
        activations.activation("sine")
    # the layers offer exactly these names (Keras accepts them for activation=)
    assert catalogue.get("Dense").param("activation").choices == activations.ACTIVATION_KEYS
    assert "Σ" in activations.NEURON_FORMULA


# ------------------------------------------------------------------------------------------ ParamSpec.coerce
def _refuses(spec: ParamSpec, value) -> str:
    with pytest.raises(ParameterError) as caught:
        spec.coerce(value)
    message = str(caught.value)
    assert message.startswith(spec.name) and len(message) < 300 and "\n" not in message
    return message


UNITS = ParamSpec("units", "int", 32, "How many.", minimum=1, maximum=100)
RATE = ParamSpec("rate", "float", 0.5, "A fraction.", minimum=0.0, maximum=1.0)
FLAG = ParamSpec("flag", "bool", True, "On or off.")
MODE = ParamSpec("mode", "choice", "a", "Pick one.", choices=("a", "b", "c"))
TAGS = ParamSpec("tags", "multi", ["a"], "Pick some.", choices=("a", "b", "c"))
TEXT = ParamSpec("text", "str", "", "Some words.")
KERNEL = ParamSpec("kernel", "pair", [3, 3], "A window.", minimum=1, maximum=9)
STRIDES = ParamSpec("strides", "pair", None, "Steps.", minimum=1, maximum=9, optional=True)
SHAPE = ParamSpec("shape", "shape", [4], "Sizes.", minimum=1, maximum=1000, min_length=1, max_length=3)
TARGET = ParamSpec("target", "shape", [2, -1], "Sizes.", minimum=1, maximum=1000, allow_minus_one=True)

anything = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=300),
    st.lists(st.one_of(st.integers(), st.text(max_size=3), st.floats()), max_size=6),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2), st.tuples(st.integers(), st.integers()),
)


@settings(max_examples=300, deadline=None)
@given(value=anything)
def test_coerce_accepts_exactly_the_values_of_each_type(value) -> None:
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    finite = is_number and abs(value) <= sys.float_info.max
    whole = is_number and (isinstance(value, int) or (finite and value.is_integer() and abs(value) < 2**53))
    # int: whole numbers in range (2.0 counts as 2)
    if whole and 1 <= value <= 100:
        assert UNITS.coerce(value) == value and type(UNITS.coerce(value)) is int
    else:
        _refuses(UNITS, value)
    # float: finite numbers in range, returned as float
    if finite and 0 <= value <= 1:
        assert RATE.coerce(value) == value and type(RATE.coerce(value)) is float
    else:
        _refuses(RATE, value)
    # bool: only true and false (not 0/1)
    if isinstance(value, bool):
        assert FLAG.coerce(value) is value
    else:
        _refuses(FLAG, value)
    # choice: one of the choices, exactly
    if isinstance(value, str) and value in MODE.choices:
        assert MODE.coerce(value) == value
    else:
        _refuses(MODE, value)
    # str: short texts
    if isinstance(value, str) and len(value) <= 200:
        assert TEXT.coerce(value) == value
    else:
        _refuses(TEXT, value)
    # optional: None is "not set"
    assert STRIDES.coerce(None) is None
    _refuses(KERNEL, None)


@settings(max_examples=300, deadline=None)
@given(sizes=st.lists(st.integers(-3, 1200), max_size=5), as_tuple=st.booleans())
def test_shapes_accept_sizes_in_range_and_one_minus_one_where_allowed(sizes, as_tuple: bool) -> None:
    value = tuple(sizes) if as_tuple else sizes
    fits_length = 1 <= len(sizes) <= 3
    if fits_length and all(1 <= s <= 1000 for s in sizes):
        assert SHAPE.coerce(value) == list(sizes)
    else:
        _refuses(SHAPE, value)
    target_ok = 1 <= len(sizes) <= 4 and sizes.count(-1) <= 1 and all(s == -1 or 1 <= s <= 1000 for s in sizes)
    if target_ok:
        assert TARGET.coerce(value) == list(sizes)
    else:
        _refuses(TARGET, value)


@settings(max_examples=200, deadline=None)
@given(value=st.one_of(st.integers(-2, 12), st.lists(st.integers(-2, 12), max_size=3), st.text(max_size=2)))
def test_pairs_take_one_number_or_two(value) -> None:
    if isinstance(value, int) and 1 <= value <= 9:
        assert KERNEL.coerce(value) == [value, value]
    elif isinstance(value, list) and len(value) == 2 and all(1 <= v <= 9 for v in value):
        assert KERNEL.coerce(value) == value and KERNEL.coerce(tuple(value)) == value
    else:
        _refuses(KERNEL, value)


@settings(max_examples=200, deadline=None)
@given(value=st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=6))
def test_multi_choices_keep_the_first_of_each_and_refuse_unknown_names(value) -> None:
    if "d" in value:
        assert "'d' is not one of" in _refuses(TAGS, value)
    else:
        assert TAGS.coerce(value) == list(dict.fromkeys(value))
    _refuses(TAGS, "a")


def test_coerce_refuses_odd_numbers_in_plain_words() -> None:
    assert "whole number" in _refuses(UNITS, 2.5)
    assert "at least 1" in _refuses(UNITS, 0)
    assert "at most 100" in _refuses(UNITS, 10**400)
    assert "about 10^400" in _refuses(UNITS, 10**400)
    for bad in (math.nan, math.inf, -math.inf, 10**400, True, "0.5"):
        _refuses(RATE, bad)
    assert "only once" in _refuses(TARGET, [-1, -1])
    assert "at least 1" in _refuses(SHAPE, [28, -1])
    assert "..." in _refuses(UNITS, list(range(10_000)))  # a huge value is cut short in the message
    with pytest.raises(ValueError, match="unknown parameter type"):
        ParamSpec("x", "complex", 1, "no such type")


def test_training_only_kinds_say_so_and_self_attention_takes_one_input() -> None:
    training_only = {kind.key for kind in KINDS if kind.training_only}
    assert {"Dropout", "GaussianNoise", "RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation"} <= training_only
    for key in training_only:
        assert "training" in catalogue.get(key).explanation, key
    for kind in KINDS:
        assert kind.call in ("auto", "query_value", "params")
        if kind.call == "query_value":
            assert kind.max_inputs == 1


PENALTY = ParamSpec("kernel_regularizer", "penalty", [0.0, 0.0], "L1 and L2.")


def test_penalties_are_two_factors_from_0_to_1000() -> None:
    assert PENALTY.coerce((0, 5e-4)) == [0.0, 5e-4] and PENALTY.coerce([1, 2]) == [1.0, 2.0]
    for bad in ([0.1], [0, -1e-3], "l2", [0, math.nan], [True, 0], [0, 1e4], None):
        _refuses(PENALTY, bad)
    assert all(catalogue.get(key).param(f"{weights}_regularizer").type == "penalty"
               for key in ("Dense", "Conv1D", "Conv2D", "Conv2DTranspose", "Conv1DTranspose") for weights in ("kernel", "bias"))


def test_check_params_fills_defaults_and_names_unknown_parameters() -> None:
    dense = catalogue.get("Dense")
    assert dense.check_params({"units": 7.0}) == {
        "units": 7, "activation": "linear", "use_bias": True, "kernel_initializer": "glorot_uniform",
        "bias_initializer": "zeros", "kernel_regularizer": [0.0, 0.0], "bias_regularizer": [0.0, 0.0],
    }
    with pytest.raises(ParameterError, match="Dense has no parameter 'unit'; it takes: activation, bias_initializer, "):
        dense.check_params({"unit": 7})
    with pytest.raises(ParameterError, match="it takes none"):
        catalogue.get("Flatten").check_params({"axis": 1})
    with pytest.raises(KeyError):
        dense.param("filters")


# ------------------------------------------------------------------------------------------ registering a kind
EXTRA_MODULE = '''
"""A layer kind added by a test, to show that one register() call is all a new kind needs."""

from designer.core.catalogue import LayerKind, ParamSpec, register

register(
    LayerKind(
        key="TestOnlyScale",
        category="Regularization",
        title="Scale",
        summary="Multiplies every value by a factor.",
        explanation="Multiplies each value it receives by a fixed factor. It has no weights.",
        keras="designer.keras_bridge.custom_layers:TestOnlyScale",
        params=(ParamSpec("factor", "float", 2.0, "The factor.", minimum=0.0, maximum=100.0),),
        key_params=("factor",),
        icon="×",
        name_prefix="scale",
    )
)
'''


@pytest.fixture
def extra_kind(tmp_path, monkeypatch):
    (tmp_path / "extra_test_layers.py").write_text(textwrap.dedent(EXTRA_MODULE), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        __import__("extra_test_layers")
        yield catalogue.get("TestOnlyScale")
    finally:
        catalogue._REGISTRY.pop("TestOnlyScale", None)
        sys.modules.pop("extra_test_layers", None)


def test_registering_a_kind_in_a_new_module_is_enough(extra_kind: LayerKind) -> None:
    kinds = catalogue.all_kinds()
    assert extra_kind in kinds
    regularization = [k.key for k in catalogue.by_category()["Regularization"]]
    assert regularization[-1] == "TestOnlyScale"
    graph = LayerGraph()
    x = graph.add("Input", shape=[3])
    node = graph.node(graph.add("TestOnlyScale", x, factor=3))
    assert node.params == {"factor": 3.0} and node.name == "scale"
    # the schema generator picks it up, so the committed schema would be reported as stale
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_schema", ROOT / "tools" / "make_schema.py")
    make_schema = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_schema)
    schema = make_schema.build_schema()
    assert "TestOnlyScale" in schema["$defs"]["node"]["properties"]["kind"]["enum"]
    assert "factor" in schema["$defs"]["params.TestOnlyScale"]["properties"]


def test_the_extra_kind_is_gone_again() -> None:
    assert not catalogue.has("TestOnlyScale")
    assert [k.key for k in catalogue.all_kinds()] == KIND_IDS


def test_register_refuses_broken_kinds() -> None:
    base = dict(key="TestOnlyBroken", title="B", summary="s", explanation="e", keras="keras.layers.Dense")
    with pytest.raises(ValueError, match="unknown category"):
        catalogue.register(LayerKind(category="Magic", **base))
    with pytest.raises(ParameterError):
        catalogue.register(LayerKind(category="Core", params=(ParamSpec("units", "int", 0, "h", minimum=1),), **base))
    assert not catalogue.has("TestOnlyBroken")
    dense = catalogue.get("Dense")
    assert catalogue.register(dense) is dense  # registering the same kind again changes nothing
    with pytest.raises(ValueError, match="registered twice"):
        catalogue.register(LayerKind(**{**dense.__dict__, "summary": "something else"}))
    assert catalogue.get("Dense") is dense


def test_a_parameter_added_to_a_kind_leaves_old_fingerprints_alone() -> None:
    """Trained weights are kept with a project by the fingerprint of its graph (designer.core.trained), which counts
    every parameter of every layer. A parameter added to a kind that projects may already use must be marked
    `added_later=True` (then, at its default, it stays out of the fingerprint), or every project trained before
    would open untrained. data/fingerprinted_params.json lists the parameters each kind counted when it was written;
    a new kind is free to count all of its own."""
    path = Path(__file__).resolve().parent / "data" / "fingerprinted_params.json"
    counted = json.loads(path.read_text())
    for kind in catalogue.all_kinds():
        if kind.key not in counted:
            continue
        new = [spec.name for spec in kind.params if spec.name not in counted[kind.key] and not spec.added_later]
        assert not new, f"{kind.key} gained {new}: mark them added_later=True (see designer.core.catalogue.ParamSpec)"
        assert set(counted[kind.key]) <= {spec.name for spec in kind.params}, f"{kind.key} lost a parameter"
