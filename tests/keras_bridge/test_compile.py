"""`compile_graph` turns any layer graph into the Keras model it draws, or says in plain words why it cannot.

Covered: several inputs and outputs, a residual Add, layer names kept as typed, merge inputs in port order, a
graph with problems, a 1,500-layer chain (deeper than Keras manages at Python's default recursion limit), a VAE
that saves and reloads in a fresh process without custom code, a frozen backbone, and pretrained weights that
cannot be downloaded (the download is faked: no test touches the network).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import urllib.error
from pathlib import Path

import keras
import numpy as np
import pytest
from keras.src.backend import config as keras_config
from keras.src.utils import file_utils

from designer.core import catalogue
from designer.keras_bridge.backbones import WEIGHT_FILES
from designer.keras_bridge.layers import builder_of
from designer.keras_bridge.models import BuildError, compile_graph, save_model
from designer.keras_bridge.shape_oracle import make_analyzer
from designer.core.graph import LayerGraph

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_IN_MESSAGES = ("`", "Traceback", "\x1b[", "Exception encountered")


def _assert_plain(text: str) -> None:
    for bad in FORBIDDEN_IN_MESSAGES:
        assert bad not in text, text


def _count(weights) -> int:
    return int(sum(np.prod(w.shape) for w in weights))


# ---------------------------------------------------------------------------------------------------- graph shapes
def test_two_inputs_concatenate_two_outputs() -> None:
    graph = LayerGraph("two_heads")
    image = graph.add("Input", shape=[6], name="image_features")
    extra = graph.add("Input", shape=[3], name="extra_features")
    joined = graph.add("Concatenate", image, extra, name="joined")
    hidden = graph.add("Dense", joined, units=8, activation="relu", name="hidden")
    graph.add("Dense", hidden, units=4, activation="softmax", name="label")
    graph.add("Dense", hidden, units=1, name="score")

    model = compile_graph(graph)

    assert [t.name for t in model.inputs] == ["image_features", "extra_features"]
    assert [tuple(t.shape) for t in model.inputs] == [(None, 6), (None, 3)]
    assert sorted(model.output_names) == ["label", "score"]
    assert sorted(tuple(t.shape) for t in model.outputs) == [(None, 1), (None, 4)]
    predictions = model.predict([np.ones((2, 6)), np.ones((2, 3))], verbose=0)
    assert sorted(p.shape for p in predictions) == [(2, 1), (2, 4)]
    # the live analysis and the compiled model agree on the counts
    report = make_analyzer().analyse(graph)
    assert report.total_params == model.count_params() == (9 * 8 + 8) + (8 * 4 + 4) + (8 + 1)


def test_residual_add() -> None:
    graph = LayerGraph("residual")
    x = graph.add("Input", shape=[16], name="x")
    first = graph.add("Dense", x, units=16, activation="relu", name="first")
    second = graph.add("Dense", first, units=16, name="second")
    graph.add("Add", x, second, name="skip")

    model = compile_graph(graph)

    skip = model.get_layer("skip")
    fed_by = [t._keras_history.operation.name for t in skip._inbound_nodes[0].input_tensors]
    assert fed_by == ["x", "second"]
    # with the second Dense made zero, the block is the identity: proof that x really skips around
    second_layer = model.get_layer("second")
    second_layer.set_weights([np.zeros_like(w) for w in second_layer.get_weights()])
    data = np.random.default_rng(0).normal(size=(3, 16)).astype("float32")
    np.testing.assert_allclose(model.predict(data, verbose=0), data, rtol=1e-6)


def test_layer_names_are_kept_exactly() -> None:
    graph = LayerGraph("names")
    names = ["Pixels_In", "encoder.first-layer", "Z.mean_2", "out-put"]
    x = graph.add("Input", shape=[4], name=names[0])
    x = graph.add("Dense", x, units=3, name=names[1])
    x = graph.add("Dense", x, units=2, name=names[2])
    graph.add("Dense", x, units=1, name=names[3])

    model = compile_graph(graph)

    assert [layer.name for layer in model.layers] == names
    assert model.get_layer("encoder.first-layer").units == 3


def test_merge_inputs_follow_port_order() -> None:
    graph = LayerGraph("ports")
    a = graph.add("Input", shape=[2], name="a")
    b = graph.add("Input", shape=[3], name="b")
    joined = graph.add("Concatenate", a, b, name="joined")
    # move b to port 0: the concatenation must now put b's values first
    graph.remove_edge(b, joined)
    graph.insert_edge(b, joined, port=0)
    assert graph.inputs_of(joined) == [b, a]

    model = compile_graph(graph)

    out = model.predict({"a": np.zeros((1, 2)), "b": np.ones((1, 3))}, verbose=0)
    np.testing.assert_array_equal(out, [[1, 1, 1, 0, 0]])


# ------------------------------------------------------------------------------------------------------ bad graphs
def test_graph_with_errors_raises_build_error_in_plain_words() -> None:
    graph = LayerGraph("broken")
    x = graph.add("Input", shape=[8], name="x")
    graph.add("Dense", x, units=4, name="fine")
    graph.add("Dense", name="orphan", units=2)  # no input
    graph.add("Concatenate", x, name="lonely_join")  # one input where two are needed

    with pytest.raises(BuildError) as caught:
        compile_graph(graph)

    problems = caught.value.problems
    assert any(p.startswith("orphan: ") and "no input" in p for p in problems), problems
    assert any(p.startswith("lonely_join: ") and "at least 2 inputs" in p for p in problems), problems
    assert not any(p.startswith("fine:") for p in problems)
    for problem in problems:
        _assert_plain(problem)


def test_keras_refusal_becomes_a_build_error_naming_the_layer() -> None:
    graph = LayerGraph("mismatch")
    x = graph.add("Input", shape=[3, 4], name="x")
    y = graph.add("Input", shape=[5, 4], name="y")
    graph.add("Concatenate", x, y, name="join")

    with pytest.raises(BuildError) as caught:
        compile_graph(graph)

    (problem,) = caught.value.problems
    assert problem.startswith("join: ") and "(3, 4)" in problem and "(5, 4)" in problem
    _assert_plain(problem)


# ------------------------------------------------------------------------------------------------------ deep chains
def test_1500_layer_chain_compiles_and_the_recursion_limit_is_restored() -> None:
    graph = LayerGraph("deep")
    x = graph.add("Input", shape=[4], name="x")
    for _ in range(1_500):
        x = graph.add("Dense", x, units=4)
    original = sys.getrecursionlimit()
    # Python's own default: what a plain `python` process has (importing Keras may raise it to 3,000)
    sys.setrecursionlimit(1_000)
    try:
        model = compile_graph(graph)
        limit_after = sys.getrecursionlimit()
    finally:
        sys.setrecursionlimit(original)

    assert limit_after == 1_000
    assert len(model.layers) == 1_501
    assert model.count_params() == 1_500 * (4 * 4 + 4)


# -------------------------------------------------------------------------------------------------------------- VAE
def _vae_graph() -> LayerGraph:
    graph = LayerGraph("vae")
    x = graph.add("Input", shape=[6], name="pixels")
    h = graph.add("Dense", x, units=5, activation="relu", name="hidden")
    mean = graph.add("Dense", h, units=2, name="z_mean")
    log_var = graph.add("Dense", h, units=2, name="z_log_var")
    z = graph.add("VAESampling", mean, log_var, name="z", kl_weight=0.5)
    graph.add("Dense", z, units=6, activation="sigmoid", name="decoder")
    return graph


# What is compared across save and reload must not depend on the random draw ε: the encoder's two outputs,
# the decoder applied to z_mean (ε = 0), and the KL loss (a function of μ and log σ² only). Together they
# involve every weight of the model and the sampling layer's saved kl_weight.
DETERMINISTIC_OUTPUTS = """
def deterministic_outputs(model, data):
    import keras
    encoder = keras.Model(model.input, [model.get_layer("z_mean").output, model.get_layer("z_log_var").output])
    mean, log_var = (keras.ops.convert_to_numpy(t) for t in encoder(data))
    decoded = keras.ops.convert_to_numpy(model.get_layer("decoder")(mean))
    model(data)
    (kl,) = [float(keras.ops.convert_to_numpy(loss)) for loss in model.losses]
    return {"mean": mean.tolist(), "log_var": log_var.tolist(), "decoded": decoded.tolist(), "kl": kl}
"""
namespace: dict = {}
exec(DETERMINISTIC_OUTPUTS, namespace)
deterministic_outputs = namespace["deterministic_outputs"]


def _vae_input() -> np.ndarray:
    return np.random.default_rng(7).random((4, 6)).astype("float32")


def test_vae_compiles_and_adds_its_kl_term() -> None:
    model = compile_graph(_vae_graph())
    data = _vae_input()
    assert model.losses == []
    model(data)
    assert len(model.losses) == 1

    encoder = keras.Model(model.input, [model.get_layer("z_mean").output, model.get_layer("z_log_var").output])
    mean, log_var = (np.asarray(t) for t in encoder(data))
    kl = -0.5 * np.mean(np.sum(1 + log_var - mean**2 - np.exp(log_var), axis=-1))
    np.testing.assert_allclose(float(model.losses[0]), 0.5 * kl, rtol=1e-5)


def test_vae_saves_and_reloads_in_a_fresh_process_without_custom_objects(tmp_path: Path) -> None:
    model = compile_graph(_vae_graph())
    path = tmp_path / "vae.keras"
    save_model(model, str(path))
    expected = deterministic_outputs(model, _vae_input())
    np.save(tmp_path / "input.npy", _vae_input())

    script = textwrap.dedent(
        f"""
        import json, sys
        import numpy as np
        from designer.keras_bridge.models import load_model
        {textwrap.indent(DETERMINISTIC_OUTPUTS, " " * 8).strip()}
        model = load_model({str(path)!r})
        data = np.load({str(tmp_path / "input.npy")!r})
        found = deterministic_outputs(model, data)
        found["sampling_class"] = type(model.get_layer("z")).__name__
        found["kl_weight"] = model.get_layer("z").kl_weight
        print(json.dumps(found))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])

    assert found.pop("sampling_class") == "VAESamplingLayer"
    assert found.pop("kl_weight") == 0.5
    for key in ("mean", "log_var", "decoded"):
        np.testing.assert_allclose(found[key], expected[key], rtol=1e-6, atol=1e-7)
    assert found["kl"] == pytest.approx(expected["kl"], rel=1e-6)


# -------------------------------------------------------------------------------------------------------- backbones
def _transfer_graph(weights: str, trainable: bool, backbone: str = "MobileNetV2") -> LayerGraph:
    graph = LayerGraph("transfer")
    x = graph.add("Input", shape=[32, 32, 3], name="image")
    x = graph.add(backbone, x, name="backbone", weights=weights, trainable=trainable)
    x = graph.add("GlobalAveragePooling2D", x, name="pool")
    graph.add("Dense", x, units=3, activation="softmax", name="classes")
    return graph


def test_frozen_backbone_has_only_non_trainable_params() -> None:
    model = compile_graph(_transfer_graph("none", trainable=False))
    backbone = model.get_layer("backbone")
    assert backbone.trainable_weights == []
    assert _count(backbone.non_trainable_weights) == backbone.count_params() > 2_000_000
    head = model.get_layer("classes")
    assert _count(model.trainable_weights) == head.count_params()
    assert _count(model.non_trainable_weights) == backbone.count_params()


@pytest.fixture
def offline_keras_home(tmp_path: Path, monkeypatch) -> list[str]:
    """KERAS_HOME is an empty folder and every download fails as it does without a network."""
    attempts: list[str] = []

    def no_network(url, target, *args, **kwargs):
        attempts.append(target)
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    # Keras reads KERAS_HOME once, when it is imported; point its copy at the same folder
    monkeypatch.setattr(keras_config, "_KERAS_DIR", str(tmp_path))
    monkeypatch.setattr(file_utils, "urlretrieve", no_network)
    return attempts


def test_imagenet_weights_without_network_give_a_plain_build_error(tmp_path: Path, offline_keras_home) -> None:
    graph = _transfer_graph("imagenet", trainable=False, backbone="VGG16")

    with pytest.raises(BuildError) as caught:
        compile_graph(graph)

    # the fake download was asked for the file in our empty KERAS_HOME, so nothing reached the network
    assert offline_keras_home and Path(offline_keras_home[0]).parent == tmp_path / "models"
    (problem,) = caught.value.problems
    _assert_plain(problem)
    assert problem.startswith("backbone: ")
    assert "downloaded" in problem and "once" in problem
    assert WEIGHT_FILES["vgg16"] in problem
    assert str(tmp_path / "models") in problem
    assert "none" in problem  # says how to go on without the file


def test_shapes_only_build_never_downloads(offline_keras_home) -> None:
    model = compile_graph(_transfer_graph("imagenet", trainable=False), load_pretrained_weights=False)
    assert offline_keras_home == []
    assert tuple(model.output.shape) == (None, 3)


@pytest.mark.parametrize("kind", catalogue.all_kinds(), ids=[kind.key for kind in catalogue.all_kinds()])
def test_the_bridge_can_make_every_kind_of_the_catalogue(kind) -> None:
    """A kind is a keras.layers class, the Input, or a kind the bridge registered a builder for; the classes the
    catalogue names (keras.layers.Bidirectional, keras.applications.VGG16, designer>VAESampling) are the ones the
    builders make."""
    builder = builder_of(kind.key)
    if kind.is_source:
        assert kind.keras == "keras.Input" and builder is None
    elif kind.keras.startswith("keras.layers."):
        layer_class = getattr(keras.layers, kind.keras.removeprefix("keras.layers."))
        if builder is not None:  # it turns the parameters into Keras's arguments (a wrapped layer, padding sides)
            made = builder(kind.defaults(), None, (), True)
            # the generic Keras layer node makes any layer class it names (keras.layers.Layer stands for them all)
            assert type(made) is layer_class if layer_class is not keras.layers.Layer else isinstance(made, layer_class)
    else:
        assert builder is not None, f"no builder is registered for {kind.key}"
        shapes = ((None, 32, 32, 3),) if kind.input_ranks == (3,) else ((None, 4), (None, 4))
        layer = builder(kind.defaults(), None, shapes, True)
        made = keras.saving.get_registered_name(type(layer))
        if kind.keras.startswith("designer>"):
            assert made == kind.keras
        else:  # a keras.applications backbone is a functional model named after its application
            assert isinstance(layer, keras.Model)
            assert layer.name.replace("_", "").startswith(kind.keras.removeprefix("keras.applications.").lower()[:6])
