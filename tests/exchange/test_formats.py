"""A trained model written as .keras, SavedModel, TFLite and ONNX, each file re-run in its own runtime in another
process and compared with the model.

Covered: the four formats for an MLP, a small CNN, an LSTM, the VAE (whole: it samples, so averages are compared),
the VAE's decoder alone, a GAN's generator after a training step, and a model with two inputs and two outputs;
float16, dynamic-range int8 and full int8 TFLite files with the accuracy before and after; a recurrent layer
whose sequences have no fixed length (a batch-of-one file); an operation TensorFlow Lite has only as a select op
(the Flex delegate, which this environment's interpreters lack); a truncated file; the ONNX opset asked for; the
errors said in plain words; and that rerun.py imports nothing of the app.

Models are tiny and random (a GAN step aside): what is tested is that the file computes what the model does.
"""

from __future__ import annotations

import ast
from pathlib import Path

import keras
import numpy as np
import pytest

from designer.core.graph import LayerGraph
from designer.exchange.check import CheckResult
from designer.exchange.formats import (
    FORMAT_TITLES,
    MODEL_FORMATS,
    TFLITE_PRECISIONS,
    ExportError,
    check_export,
    default_suffix,
    export_model,
)
from designer.keras_bridge.models import compile_graph

pytestmark = pytest.mark.slow

ROWS = 16
FORBIDDEN_IN_SUMMARIES = ("`", "Traceback", "\x1b[", "Exception encountered", "File \"")


def _assert_plain(text: str) -> None:
    assert "\n" not in text, text
    for bad in FORBIDDEN_IN_SUMMARIES:
        assert bad not in text, text


# ------------------------------------------------------------------------------------------------------- the models
def _mlp() -> keras.Model:
    graph = LayerGraph("mlp")
    x = graph.add("Input", shape=[12], name="features")
    h = graph.add("Dense", x, units=6, activation="relu", name="hidden")
    graph.add("Dense", h, units=3, activation="softmax", name="label")
    return compile_graph(graph)


def _cnn() -> keras.Model:
    graph = LayerGraph("cnn")
    x = graph.add("Input", shape=[8, 8, 1], name="pixels")
    x = graph.add("Conv2D", x, filters=2, kernel_size=[3, 3], activation="relu", name="conv")
    x = graph.add("MaxPooling2D", x, name="pool")
    x = graph.add("Flatten", x, name="flat")
    graph.add("Dense", x, units=3, activation="softmax", name="label")
    return compile_graph(graph)


def _lstm() -> keras.Model:
    graph = LayerGraph("lstm")
    x = graph.add("Input", shape=[5, 3], name="sequence")
    x = graph.add("LSTM", x, units=4, return_sequences=True, name="lstm")
    x = graph.add("SimpleRNN", x, units=3, name="rnn")
    graph.add("Dense", x, units=2, activation="softmax", name="label")
    return compile_graph(graph)


def _vae() -> keras.Model:
    graph = LayerGraph("vae")
    x = graph.add("Input", shape=[6], name="pixels")
    h = graph.add("Dense", x, units=5, activation="relu", name="hidden")
    mean = graph.add("Dense", h, units=2, name="z_mean")
    log_var = graph.add("Dense", h, units=2, name="z_log_var")
    z = graph.add("VAESampling", mean, log_var, name="z", kl_weight=0.5)
    graph.add("Dense", z, units=6, activation="sigmoid", name="decoder")
    model = compile_graph(graph)
    # as after training, z spreads little about its mean (σ = e⁻², not the untrained e⁰): a sharper comparison
    log_var = model.get_layer("z_log_var")
    kernel, bias = log_var.get_weights()
    log_var.set_weights([kernel, bias - 4.0])
    return model


def _decoder() -> keras.Model:
    """A VAE's decoder on its own: the sub-graph from the latent vector to the pixels."""
    graph = LayerGraph("decoder")
    z = graph.add("Input", shape=[2], name="z")
    h = graph.add("Dense", z, units=5, activation="relu", name="decoder_hidden")
    graph.add("Dense", h, units=6, activation="sigmoid", name="pixels_out")
    return compile_graph(graph)


def _generator() -> keras.Model:
    """A small GAN's generator after one training step against its discriminator (weights and batch statistics
    moved), exported on its own: noise in, an 8×8 image out."""
    from designer.training.gan import gan_model

    graph = LayerGraph("generator")
    x = graph.add("Input", shape=[4], name="noise")
    x = graph.add("Dense", x, units=16, name="grow")
    x = graph.add("BatchNormalization", x, name="norm")
    x = graph.add("LeakyReLU", x, name="leaky")
    x = graph.add("Reshape", x, target_shape=[4, 4, 1], name="to_image")
    x = graph.add("Conv2DTranspose", x, filters=2, kernel_size=[3, 3], strides=[2, 2], padding="same", name="up")
    graph.add("Conv2D", x, filters=1, kernel_size=[3, 3], padding="same", activation="tanh", name="image")
    generator = compile_graph(graph)
    judge = LayerGraph("discriminator")
    y = judge.add("Input", shape=[8, 8, 1], name="image_in")
    y = judge.add("Flatten", y, name="flat")
    judge.add("Dense", y, units=1, activation="sigmoid", name="real")
    gan = gan_model(generator, compile_graph(judge))
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    gan.fit(np.random.default_rng(3).uniform(-1, 1, (8, 8, 8, 1)).astype("float32"), epochs=1, batch_size=8, verbose=0)
    return generator


def _two_inputs() -> keras.Model:
    graph = LayerGraph("two_heads")
    image = graph.add("Input", shape=[6], name="image_features")
    extra = graph.add("Input", shape=[3], name="extra-features")
    joined = graph.add("Concatenate", image, extra, name="joined")
    hidden = graph.add("Dense", joined, units=8, activation="relu", name="hidden")
    graph.add("Dense", hidden, units=4, activation="softmax", name="label")
    graph.add("Dense", hidden, units=1, name="score")
    return compile_graph(graph)


MODELS = {
    "mlp": _mlp,
    "cnn": _cnn,
    "lstm": _lstm,
    "vae": _vae,
    "vae_decoder": _decoder,
    "gan_generator": _generator,
    "two_inputs": _two_inputs,
}


@pytest.fixture(scope="module")
def built():
    """`built(name)`: the model of MODELS[name], made once per module."""
    cache: dict[str, keras.Model] = {}

    def get(name: str) -> keras.Model:
        if name not in cache:
            keras.utils.set_random_seed(0)
            cache[name] = MODELS[name]()
        return cache[name]

    return get


def _rows(model: keras.Model, count: int = ROWS, seed: int = 1):
    rng = np.random.default_rng(seed)
    arrays = [rng.random((count, *t.shape[1:])).astype("float32") for t in model.inputs]
    return arrays[0] if len(arrays) == 1 else arrays


# --------------------------------------------------------------------------------------------- the four formats
@pytest.mark.parametrize("fmt", MODEL_FORMATS)
@pytest.mark.parametrize("name", list(MODELS))
def test_each_format_reruns_in_its_own_runtime_with_the_models_outputs(built, name, fmt, tmp_path: Path) -> None:
    model = built(name)
    path = tmp_path / f"{name}{default_suffix(fmt)}"

    notes = export_model(model, fmt, str(path))
    result = check_export(fmt, str(path), model, _rows(model))

    assert isinstance(result, CheckResult)
    assert path.exists() and result.path == str(path) and result.format == fmt
    assert result.ok, result.summary
    assert result.rows == ROWS
    _assert_plain(result.summary)
    for note in notes + result.notes:
        _assert_plain(note)
    title = {"keras": "Keras", "savedmodel": "SavedModel", "tflite": "TFLite", "onnx": "ONNX"}[fmt]
    if name == "vae":
        # the VAE samples z at random, in Keras as in every export: averages over repeated draws are compared
        assert result.summary.startswith(f"{title}: same outputs on average, largest difference ")
        assert f"over {ROWS} rows × 32 draws" in result.summary
        assert result.tolerance is None  # each output has its own allowance: 7 standard errors of its average
    else:
        assert result.summary.startswith(f"{title}: same outputs, largest difference ")
        assert result.largest_difference < 1e-4
    assert f"over {ROWS} rows" in result.summary
    if name == "vae" and fmt in ("onnx", "tflite"):
        assert any("z draws its random numbers" in note for note in notes), notes
    if name == "vae" and fmt == "keras":
        assert any("VAESampling" in note for note in notes + result.notes)
    if name == "lstm" and fmt == "tflite":
        # unrolled: TensorFlow Lite's built-in operations only, so the LiteRT interpreter ran it, any batch size
        assert any("lstm is unrolled over its 5 time steps" in note for note in notes), notes
        assert not any("Flex" in note for note in notes + result.notes)


# ------------------------------------------------------------------------------------------- quantized TFLite files
def _confident_classifier() -> keras.Model:
    """A classifier whose first Dense has 2,048 weights (dynamic-range quantization leaves smaller tensors in float)
    and whose answers are clear (its last layer scaled up), so quantization error does not flip them."""
    graph = LayerGraph("classifier")
    x = graph.add("Input", shape=[64], name="pixels")
    x = graph.add("Dense", x, units=32, activation="relu", name="hidden")
    graph.add("Dense", x, units=3, activation="softmax", name="digit")
    keras.utils.set_random_seed(5)
    model = compile_graph(graph)
    last = model.get_layer("digit")
    kernel, bias = last.get_weights()
    last.set_weights([kernel * 20.0, bias])
    return model


@pytest.fixture(scope="module")
def classifier():
    model = _confident_classifier()
    rows = np.random.default_rng(2).random((64, 64)).astype("float32")
    labels = model.predict(rows, verbose=0).argmax(axis=-1)  # the model is right on every row: accuracy 1.0
    return model, rows, labels


@pytest.mark.parametrize("precision", [p for p in TFLITE_PRECISIONS if p != "float32"])
def test_quantized_tflite_reruns_and_reports_accuracy_before_and_after(classifier, precision, tmp_path) -> None:
    model, rows, labels = classifier
    path = tmp_path / f"classifier_{precision}.tflite"

    notes = export_model(model, "tflite", str(path), precision=precision, calibration_rows=rows)
    result = check_export("tflite", str(path), model, rows, labels)

    assert result.ok, result.summary
    names = {"float16": "float16", "dynamic_int8": "dynamic-range int8", "int8": "int8"}
    prefix = f"TFLite ({names[precision]}): accuracy 1.00 before, "
    assert result.summary.startswith(prefix) and result.summary.endswith(" after on 64 rows"), result.summary
    assert result.accuracy_before == 1.0
    assert result.accuracy_after >= 0.9
    assert result.largest_difference < 0.2
    if precision == "int8":
        assert any("stay float32" in note for note in notes)
    _assert_plain(result.summary)


def test_float32_tflite_of_a_classifier_reports_its_accuracy_too(classifier, tmp_path) -> None:
    model, rows, labels = classifier
    path = tmp_path / "classifier.tflite"
    export_model(model, "tflite", str(path))
    result = check_export("tflite", str(path), model, rows, labels)
    assert result.ok and result.summary.startswith("TFLite: same outputs")
    assert result.accuracy_before == result.accuracy_after == 1.0


def test_full_int8_of_an_unrolled_lstm(built, tmp_path) -> None:
    model = built("lstm")
    rows = _rows(model, 32)
    path = tmp_path / "lstm_int8.tflite"
    export_model(model, "tflite", str(path), precision="int8", calibration_rows=rows)
    result = check_export("tflite", str(path), model, rows, labels=np.zeros(32, dtype=int))
    assert result.ok, result.summary
    assert result.summary.startswith("TFLite (int8): accuracy ")


def test_int8_without_calibration_rows_is_refused_in_plain_words(classifier, tmp_path) -> None:
    model, _, _ = classifier
    with pytest.raises(ExportError, match="calibrate"):
        export_model(model, "tflite", str(tmp_path / "x.tflite"), precision="int8")


# ------------------------------------------------------------------------------------------ recurrent, any length
@pytest.fixture(scope="module")
def open_length_lstm() -> keras.Model:
    """A model Keras can have but the designer cannot draw: sequences of any length."""
    keras.utils.set_random_seed(0)
    inputs = keras.Input((None, 3), name="sequence")
    hidden = keras.layers.LSTM(4, name="lstm")(inputs)
    return keras.Model(inputs, keras.layers.Dense(2, activation="softmax", name="label")(hidden))


def test_open_length_lstm_becomes_a_batch_of_one_file_on_builtin_ops(open_length_lstm, tmp_path) -> None:
    path = tmp_path / "open.tflite"
    notes = export_model(open_length_lstm, "tflite", str(path), precision="float16")
    rows = np.random.default_rng(4).random((5, 7, 3)).astype("float32")
    result = check_export("tflite", str(path), open_length_lstm, rows)
    assert any("one row at a time" in note for note in notes), notes
    assert result.ok, result.summary
    assert not any("Flex" in note for note in notes + result.notes)


def test_open_length_lstm_refuses_full_int8_in_plain_words(open_length_lstm, tmp_path) -> None:
    # the converter crashes the process on this model (a segmentation fault): refused before it is asked
    rows = np.zeros((4, 5, 3), dtype="float32")
    with pytest.raises(ExportError, match="fixed number of time steps") as caught:
        export_model(open_length_lstm, "tflite", str(tmp_path / "x.tflite"), precision="int8", calibration_rows=rows)
    _assert_plain(str(caught.value))


# ------------------------------------------------------------------------------------------------ select TF ops
class _Atan(keras.layers.Layer):
    """atan: TensorFlow Lite has it only as a select TensorFlow operation."""

    def call(self, x):
        import tensorflow as tf

        return tf.math.atan(x)


def test_an_operation_only_tensorflow_has_needs_the_flex_delegate(tmp_path) -> None:
    inputs = keras.Input((3,), name="x")
    model = keras.Model(inputs, _Atan(name="atan")(keras.layers.Dense(3, name="dense")(inputs)))
    path = tmp_path / "atan.tflite"

    notes = export_model(model, "tflite", str(path))
    result = check_export("tflite", str(path), model, np.ones((4, 3), dtype="float32"))

    assert any("Flex delegate" in note and "Atan" in note for note in notes), notes
    if not result.ok:  # this TensorFlow's interpreter lacks the Flex delegate: the check says so and keeps the file
        assert result.summary.startswith("TFLite: failed: the file needs TensorFlow's Flex delegate")
        assert path.exists()
    _assert_plain(result.summary)


# ------------------------------------------------------------------------------------------------- broken files
def test_a_truncated_onnx_file_fails_the_check_in_one_plain_line(built, tmp_path) -> None:
    model = built("mlp")
    path = tmp_path / "mlp.onnx"
    export_model(model, "onnx", str(path))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])

    result = check_export("onnx", str(path), model, _rows(model))

    assert not result.ok
    assert result.summary.startswith("ONNX: failed: onnxruntime could not load the file"), result.summary
    _assert_plain(result.summary)
    assert path.exists() and path.stat().st_size == len(data) // 2


def test_a_missing_file_fails_the_check(built, tmp_path) -> None:
    model = built("mlp")
    result = check_export("keras", str(tmp_path / "nothing.keras"), model, _rows(model))
    assert not result.ok and result.summary == f"Keras: failed: there is no file at {tmp_path / 'nothing.keras'}"


@pytest.mark.parametrize(
    ("name", "last", "words"),
    [("vae_decoder", "pixels_out", "different outputs"), ("vae", "decoder", "different outputs on average")],
)
def test_the_file_of_another_model_fails_the_check(built, name, last, words, tmp_path) -> None:
    """The model with its last layer's bias moved after the export: for the VAE, which samples, the averages
    over repeated draws tell the two apart."""
    model = built(name)
    path = tmp_path / f"{name}.onnx"
    export_model(model, "onnx", str(path))
    other = keras.models.clone_model(model)
    other.set_weights(model.get_weights())
    kernel, bias = other.get_layer(last).get_weights()
    other.get_layer(last).set_weights([kernel, bias + 1.0])

    result = check_export("onnx", str(path), other, _rows(other))

    assert not result.ok
    assert result.summary.startswith(f"ONNX: failed: {words}, largest difference "), result.summary
    _assert_plain(result.summary)


def test_a_vae_file_whose_draws_spread_otherwise_fails_the_check(built, tmp_path) -> None:
    """The VAE with its log-variance back at an untrained 0: the same averages nearly, draws seven times wider."""
    model = built("vae")
    path = tmp_path / "vae.onnx"
    export_model(model, "onnx", str(path))
    other = keras.models.clone_model(model)
    other.set_weights(model.get_weights())
    kernel, bias = other.get_layer("z_log_var").get_weights()
    other.get_layer("z_log_var").set_weights([kernel, bias + 4.0])

    result = check_export("onnx", str(path), other, _rows(other))

    assert not result.ok
    assert result.summary.startswith("ONNX: failed: "), result.summary
    _assert_plain(result.summary)


# ------------------------------------------------------------------------------------------------------ ONNX opset
@pytest.mark.parametrize("opset", [13, 17])
def test_the_onnx_opset_asked_for_is_the_one_in_the_file(built, opset, tmp_path) -> None:
    import onnx

    path = tmp_path / f"mlp_{opset}.onnx"
    export_model(built("mlp"), "onnx", str(path), opset=opset)
    default_domain = [o.version for o in onnx.load(str(path)).opset_import if o.domain in ("", "ai.onnx")]
    assert default_domain == [opset]


# --------------------------------------------------------------------------------------------------- the API itself
def test_suffixes_and_titles() -> None:
    assert [default_suffix(f) for f in MODEL_FORMATS] == [".keras", "", ".tflite", ".onnx"]
    assert set(FORMAT_TITLES) == set(MODEL_FORMATS)
    with pytest.raises(ExportError):
        default_suffix("pickle")


@pytest.mark.parametrize(
    ("fmt", "name", "options", "words"),
    [
        ("pickle", "m.pkl", {}, "Unknown format"),
        ("onnx", "m.onnx", {"precision": "int8"}, "for TensorFlow Lite files"),
        ("keras", "m.keras", {"opset": 17}, "An opset is for ONNX"),
        ("tflite", "m.tflite", {"precision": "int4"}, "Unknown precision"),
        ("keras", "m.h5", {}, "must end in .keras"),
        ("tflite", "m.lite", {}, "must end in .tflite"),
        ("onnx", "m.onnx", {"opset": 99}, "tf2onnx writes ONNX opsets up to "),
    ],
)
def test_export_errors_are_plain(built, tmp_path, fmt, name, options, words) -> None:
    with pytest.raises(ExportError, match=words) as caught:
        export_model(built("mlp"), fmt, str(tmp_path / name), **options)
    _assert_plain(str(caught.value))


class _Erfc(keras.layers.Layer):
    """erfc: neither TensorFlow Lite (not even as a select operation) nor ONNX (tf2onnx) has it."""

    def call(self, x):
        import tensorflow as tf

        return tf.math.erfc(x)


@pytest.mark.parametrize(
    ("fmt", "words"),
    [("tflite", "TensorFlow Lite could not convert the model"), ("onnx", "ONNX has no version of TensorFlow's Erfc")],
)
def test_an_operation_the_format_lacks_is_an_export_error(fmt, words, tmp_path) -> None:
    inputs = keras.Input((3,), name="x")
    model = keras.Model(inputs, _Erfc(name="erfc")(inputs))
    path = tmp_path / f"erfc{default_suffix(fmt)}"
    with pytest.raises(ExportError, match=words) as caught:
        export_model(model, fmt, str(path))
    assert "Erfc" in str(caught.value)
    _assert_plain(str(caught.value))
    assert not path.exists()  # no file that looks usable and is not


def test_rerun_script_imports_nothing_of_the_app() -> None:
    source = (Path(__file__).resolve().parents[2] / "designer" / "exchange" / "rerun.py").read_text()
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert "designer" not in imported
    assert imported <= {"__future__", "json", "os", "re", "sys", "zipfile", "numpy", "importlib", "warnings", "keras",
                        "tensorflow", "onnxruntime", "ai_edge_litert"}
