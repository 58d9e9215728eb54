"""The Python script and notebook exports: each network family's script trains one epoch from an empty folder
outside the repository (without the designer package) and, with the weights trained in the app, gives the trained
model's outputs; the notebook is valid and its cells run; two workers train together with MultiWorkerMirroredStrategy;
Keras downloads are prepared as the app prepares them; a failing run says why."""

import ast
import json
import socket
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from designer.core.graph import LayerGraph
from designer.core.project import DatasetChoice, Project, check_training
from designer.core.templates import load_template
from designer.data import downloads
from designer.data.registry import load_dataset

pytestmark = pytest.mark.slow

REPOSITORY = Path(__file__).resolve().parents[2]
TIMEOUT = 240


# ------------------------------------------------------------------------------------------------ helpers
def trained(project, dataset):
    """The app's own training of `project` (one epoch, as the settings of each test say)."""
    from designer.training.engine import train

    return train(project, dataset)


def rows_for(model, x):
    from designer.training.engine import shaped_for_input

    return shaped_for_input(x[:64], model)


def assert_plain(script_text, names):
    """The script names every layer as the user did and never imports the designer package."""
    for name in names:
        assert f'name="{name}"' in script_text
    tree = ast.parse(script_text)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert all(not a.name.startswith("designer") for a in node.names)
        if isinstance(node, ast.ImportFrom):
            assert not (node.module or "").startswith("designer")
    assert 'loss="auto"' not in script_text  # the loss the app resolved


def export_and_check(project, dataset, folder, rows_from="x_val"):
    from designer.exchange.python_script import write_python
    from designer.exchange.script_check import check_script

    result = trained(project, dataset)
    files = write_python(project, dataset, str(folder / "exported.py"))
    source = getattr(dataset, rows_from) if getattr(dataset, rows_from) is not None else dataset.x_train
    rows = rows_for(result.model, source)
    check = check_script(files[0], result.model, rows, timeout=TIMEOUT)
    return files, check


def settings(**overrides):
    return check_training({"epochs": 1, "batch_size": 64, "seed": 7, **overrides})


# ------------------------------------------------------------------------------------------------ families
def test_mlp_with_branches_and_odd_names_runs_from_an_empty_folder(tmp_path):
    from designer.exchange.python_script import script_of, write_python

    graph = LayerGraph(name="digits with branches")
    pixels = graph.add("Input", shape=[64], name="input")
    hidden = graph.add("Dense", pixels, units=16, activation="relu", name="hidden.1")
    side = graph.add("Dense", pixels, units=8, activation="tanh", name="side-branch")
    joined = graph.add("Concatenate", hidden, side, name="print")
    dropped = graph.add("Dropout", joined, rate=0.1, name="lambda")
    graph.add("Dense", dropped, units=10, activation="softmax", name="class_scores")
    project = Project.single(graph, name="Digits \"MLP\" \\ test", training=settings(
        loss="categorical_crossentropy", metrics=["accuracy", "auc"], optimizer="sgd", momentum=0.5))
    data = load_dataset(DatasetChoice("digits", {"validation": "last", "validation_rows": 200, "test_rows": 100}))
    files, check = export_and_check(project, data, tmp_path)
    assert check.ok, check.summary
    assert check.summary.startswith("Python script: trained 1 epoch from an empty folder; same outputs")
    assert check.rows == 64 and check.largest_difference <= check.tolerance
    text = Path(files[0]).read_text(encoding="utf-8")
    assert_plain(text, ["input", "hidden.1", "side-branch", "print", "lambda", "class_scores"])
    assert 'loss="categorical_crossentropy"' in text and "keras.metrics.AUC(name=\"auc\")" in text
    assert "np.eye(10, dtype=np.float32)[y_train.reshape(-1)]" in text  # the labels as the loss reads them
    assert "keras.optimizers.SGD(learning_rate=LEARNING_RATE, momentum=0.5)" in text
    assert [Path(f).name for f in files] == ["exported.py", "exported_data.npz"]
    assert script_of(project, data, "exported.py") == text  # the text write_python wrote
    trained_weights = tmp_path / "app.weights.h5"
    check_model = tiny_model()
    check_model.save_weights(str(trained_weights))
    again = write_python(project, data, str(tmp_path / "again" / "digits.py"), weights_path=str(trained_weights))
    assert [Path(f).name for f in again] == ["digits.py", "digits_data.npz", "digits.weights.h5"]
    assert "python digits.py --weights digits.weights.h5 --predict in.npz out.npz" in Path(again[0]).read_text()


def test_cnn_on_the_cpu_device_runs_from_an_empty_folder(tmp_path):
    graph = LayerGraph(name="small cnn")
    x = graph.add("Input", shape=[8, 8, 1], name="pixels")
    x = graph.add("Conv2D", x, filters=4, kernel_size=3, padding="same", name="edges.1")
    x = graph.add("MaxPooling2D", x, name="pool-1")
    x = graph.add("Flatten", x, name="flat")
    graph.add("Dense", x, units=10, activation="softmax", name="digit")
    project = Project.single(graph, name="CNN", training=settings(device="cpu", early_stopping_patience=1))
    data = load_dataset(DatasetChoice("digits", {"shuffle": True, "seed": 3}))
    files, check = export_and_check(project, data, tmp_path, rows_from="x_train")
    assert check.ok, check.summary
    text = Path(files[0]).read_text(encoding="utf-8")
    assert_plain(text, ["pixels", "edges.1", "pool-1", "flat", "digit"])
    assert "x_train = x_train.reshape((len(x_train), 8, 8, 1))" in text  # the data's (8, 8) fed to (8, 8, 1)
    assert 'loss="sparse_categorical_crossentropy",  # "auto" in the app' in text
    assert 'OneDeviceStrategy("/cpu:0")' in text
    assert 'EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True)' in text


def test_lstm_on_generated_sequences_runs_from_an_empty_folder(tmp_path):
    project = load_template("lstm_forecaster")
    graph = project.graph("model")
    for node in graph.nodes():
        if node.kind == "LSTM":
            graph.set_param(node.id, "units", 8)
    project.set_training(settings(batch_size=16, metrics=["mae"]))
    project.set_dataset(DatasetChoice("sine_waves", {"samples": 96, "steps": 12}))
    graph.set_param(graph.sources()[0], "shape", [12, 1])
    data = load_dataset(project.dataset)
    files, check = export_and_check(project, data, tmp_path, rows_from="x_train")
    assert check.ok, check.summary
    text = Path(files[0]).read_text(encoding="utf-8")
    assert_plain(text, [node.name for node in graph.nodes()])
    assert 'np.load(HERE / "exported_data.npz")' in text and 'metrics=["mae"]' in text


def test_vae_runs_from_an_empty_folder_and_samples_alike(tmp_path, for_8x8_digits):
    project = for_8x8_digits("vae")
    project.set_training(settings(mode="vae", batch_size=128, metrics=[]))
    project.set_dataset(DatasetChoice("digits", {"flatten": True}))
    data = load_dataset(project.dataset)
    files, check = export_and_check(project, data, tmp_path, rows_from="x_train")
    # the sampling layer draws noise when it predicts: the check seeds it alike on both sides
    assert check.ok, check.summary
    text = Path(files[0]).read_text(encoding="utf-8")
    assert_plain(text, ["z_mean", "z_log_var", "z"])
    assert "class VAESamplingLayer(keras.layers.Layer):" in text and "self.add_loss" in text
    assert 'VAESamplingLayer(kl_weight=0.001276, seed=seed, name="z")([z_mean, z_log_var])' in text


def test_gan_runs_from_an_empty_folder(tmp_path, for_8x8_digits):
    from designer.exchange.python_script import write_python
    from designer.exchange.script_check import check_script

    project = for_8x8_digits("mlp_gan")
    for graph in project.graphs:
        for node in graph.nodes():
            if node.params.get("units") in (256, 512, 1024):
                graph.set_param(node.id, "units", 16)
    project.set_training(settings(mode="gan", batch_size=128, learning_rate=0.0002, beta_1=0.5))
    project.set_dataset(DatasetChoice("digits", {"flatten": True, "scale": "-1..1"}))
    data = load_dataset(project.dataset)
    result = trained(project, data)
    files = write_python(project, data, str(tmp_path / "gan.py"))
    noise = np.random.default_rng(0).normal(size=(64, 100)).astype(np.float32)
    check = check_script(files[0], result.model, noise, timeout=TIMEOUT)  # a GAN's outputs are its generator's
    assert check.ok, check.summary
    text = Path(files[0]).read_text(encoding="utf-8")
    assert "class GAN(keras.Model):" in text and "def build_generator():" in text
    assert "def build_discriminator():" in text
    assert "keras.optimizers.Adam(learning_rate=LEARNING_RATE, beta_1=0.5)" in text


# ------------------------------------------------------------------------------------------------ notebook
def test_notebook_is_valid_and_its_cells_run(tmp_path, for_8x8_digits):
    import nbformat

    from designer.exchange.notebook import write_notebook
    from designer.exchange.script_check import check_script

    project = for_8x8_digits("denoising_autoencoder")
    project.set_training(settings(mode="autoencoder", batch_size=128, early_stopping_patience=2,
                                  loss="binary_crossentropy", metrics=[]))
    project.set_dataset(DatasetChoice("digits", {"flatten": True, "input_noise": 0.2, "validation": "last",
                                                 "validation_rows": 200, "test_rows": 100}))
    data = load_dataset(project.dataset)
    result = trained(project, data)
    files = write_notebook(project, data, str(tmp_path / "denoising.ipynb"))
    assert [Path(f).name for f in files] == ["denoising.ipynb", "denoising_data.npz"]
    notebook = nbformat.read(files[0], as_version=4)
    nbformat.validate(notebook)
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    markdown = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    assert len(code) == 7 and len(markdown) == 7  # imports, data, model, compile, train, curves, save
    assert [m.splitlines()[0] for m in markdown[1:]] == ["## Data", "## Model", "## Compile", "## Train", "## Curves",
                                                         "## Save"]
    assert not any("argparse" in c for c in code) and "EPOCHS = 1" in code[0] and 'STRATEGY = "one"' in code[0]
    assert "noisy_train" in code[1]  # a denoising autoencoder reads the noisy inputs, learns the clean ones
    check = check_script(files[0], result.model, rows_for(result.model, data.x_val), timeout=TIMEOUT)
    assert check.ok, check.summary
    assert check.format == "notebook" and check.summary.startswith("Notebook: ran its cells (1 epoch)")


# ------------------------------------------------------------------------------------------------ strategies
def free_ports(count):
    sockets = []
    for _ in range(count):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def test_two_workers_train_together(tmp_path):
    from designer.exchange.python_script import write_python
    from designer.exchange.script_check import clean_environment, run_exported, stop

    project = load_template("digits_mlp")
    project.set_training(settings(batch_size=128, early_stopping_patience=1))
    data = load_dataset(project.dataset)
    files = write_python(project, data, str(tmp_path / "export" / "digits.py"))
    folder = tmp_path / "empty"
    folder.mkdir()
    for name in files:
        (folder / Path(name).name).write_bytes(Path(name).read_bytes())
    workers = [f"127.0.0.1:{port}" for port in free_ports(2)]
    processes = []
    try:
        for index in range(2):
            env = clean_environment()
            env["TF_CONFIG"] = json.dumps({"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}})
            processes.append(run_exported(folder / "digits.py", ["--strategy", "multiworker", "--epochs", "1"],
                                          folder, env=env))
        outputs = [process.communicate(timeout=TIMEOUT) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                stop(process)
                process.communicate()
    for process, (stdout, stderr) in zip(processes, outputs):
        assert process.returncode == 0, stderr[-3000:]
        assert "Trained 1 epoch(s)" in stdout
    assert (folder / "digits.keras").is_file()  # saved by the chief only
    assert sum("Saved the trained model to" in stdout for stdout, _ in outputs) == 1


# ------------------------------------------------------------------------------------------------ data of Keras
def exec_script(text, folder):
    """The script's functions, defined in this process (only for scripts without the VAE layer, whose class would
    replace the app's registration)."""
    path = folder / "exported.py"
    path.write_text(text, encoding="utf-8")
    namespace = {"__name__": "exported", "__file__": str(path)}
    exec(compile(text, str(path), "exec"), namespace)
    return namespace


@pytest.mark.parametrize("name, options, mode", [
    ("mnist", {"flatten": True, "labels": "one-hot", "shuffle": True, "seed": 5, "test_fraction": 0.1}, "supervised"),
    ("fashion_mnist", {"validation": "last", "validation_rows": 20, "scale": "-1..1"}, "supervised"),
    ("cifar10", {"scale": "standardize", "input_noise": 0.3, "validation": "last", "validation_rows": 10,
                 "test_rows": 5, "shuffle": True}, "autoencoder"),
    ("cifar100", {"input_noise": 0.1, "test_fraction": 0.2}, "autoencoder"),
])
def test_keras_downloads_are_prepared_as_the_app_prepares_them(tmp_path, monkeypatch, name, options, mode):
    import keras

    from designer.exchange.python_script import script_of
    from designer.training.engine import plan_training

    rng = np.random.default_rng(1)
    shape = (60, 32, 32, 3) if name.startswith("cifar") else (60, 28, 28)
    x = rng.integers(0, 256, size=shape, dtype=np.uint8)
    y = rng.integers(0, 10, size=(60, 1) if name.startswith("cifar") else 60).astype(np.uint8)
    fake = ((x, y), (x[:5], y[:5]))
    monkeypatch.setattr(downloads, "fetch", lambda _: fake)
    monkeypatch.setattr(getattr(keras.datasets, name), "load_data", lambda: fake)
    data = load_dataset(DatasetChoice(name, options))
    graph = LayerGraph(name="m")
    inputs = graph.add("Input", shape=list(data.sample_shape))
    if mode == "autoencoder":  # gives back its (noisy) input's shape
        graph.add("Conv2D", inputs, filters=3, kernel_size=1, padding="same", activation="linear")
    else:
        flat = graph.add("Flatten", inputs) if len(data.sample_shape) > 1 else inputs
        graph.add("Dense", flat, units=10, activation="softmax")
    project = Project.single(graph, training=settings(mode=mode, loss="auto"))
    text = script_of(project, data)
    assert f"keras.datasets.{name}.load_data()" in text and "_data.npz" not in text
    x_train, y_train, validation, test = exec_script(text, tmp_path)["load_data"]()
    plan = plan_training(project, data)  # what the app fits: inputs, targets, validation rows
    np.testing.assert_array_equal(x_train, plan.x)
    np.testing.assert_array_equal(y_train, plan.y)
    if plan.validation_data is None:
        assert validation is None
    else:
        np.testing.assert_array_equal(validation[0], plan.validation_data[0])
        np.testing.assert_array_equal(validation[1], plan.validation_data[1])
    if data.x_test is not None:
        np.testing.assert_array_equal(test[0], data.x_test)


def test_curves_are_drawn_when_matplotlib_is_there(tmp_path, monkeypatch):
    from designer.exchange.python_script import script_of

    project = load_template("digits_mlp")
    text = script_of(project, load_dataset(project.dataset), "digits.py")
    drawn = {}

    class Axis:
        def plot(self, epochs, values, **kwargs):
            drawn.setdefault("lines", []).append(kwargs["label"])

        def __getattr__(self, name):
            return lambda *args, **kwargs: None

    class Figure:
        def tight_layout(self):
            pass

        def savefig(self, path):
            drawn["file"] = Path(path).name

    pyplot = types.ModuleType("matplotlib.pyplot")
    pyplot.subplots = lambda rows, columns, **kwargs: (Figure(), [[Axis() for _ in range(columns)]])
    pyplot.show = lambda: drawn.setdefault("shown", True)
    package = types.ModuleType("matplotlib")
    package.pyplot = pyplot
    monkeypatch.setitem(sys.modules, "matplotlib", package)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", pyplot)
    exec_script(text, tmp_path)["show_curves"]({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.8]})
    assert drawn == {"lines": ["training", "validation", "training"], "file": "digits_curves.png", "shown": True}


# ------------------------------------------------------------------------------------------------ failures
def tiny_model():
    import keras

    inputs = keras.Input(shape=(2,))
    return keras.Model(inputs, keras.layers.Dense(1)(inputs))


def test_a_failing_run_says_why_and_keeps_the_file(tmp_path):
    from designer.exchange.script_check import check_script

    script = tmp_path / "broken.py"
    script.write_text("import sys\nraise FileNotFoundError('digits_data.npz is not beside the script')\n")
    check = check_script(str(script), tiny_model(), np.zeros((3, 2), np.float32), timeout=60)
    assert not check.ok and check.format == "python"
    assert check.summary == (
        "Python script: the run stopped with an error: FileNotFoundError: digits_data.npz is not beside the script"
    )
    assert script.is_file()


def test_the_designer_package_is_out_of_reach(tmp_path):
    from designer.exchange.script_check import check_script

    stated = tmp_path / "stated.py"
    stated.write_text("from designer.core.graph import LayerGraph\n")
    check = check_script(str(stated), tiny_model(), np.zeros((3, 2), np.float32), timeout=60)
    assert not check.ok and "imports the designer package (line 1)" in check.summary
    hidden = tmp_path / "hidden.py"  # an import the text does not show is refused when it runs
    hidden.write_text("import importlib\nimportlib.import_module('desi' + 'gner')\n")
    check = check_script(str(hidden), tiny_model(), np.zeros((3, 2), np.float32), timeout=60)
    assert not check.ok and "No module named 'designer'" in check.summary


# ------------------------------------------------------------------------------------------------ more kinds
def test_a_pretrained_backbone_is_rebuilt_and_takes_the_apps_weights(tmp_path):
    from designer.exchange.python_script import script_of
    from designer.keras_bridge.models import compile_graph

    graph = LayerGraph(name="transfer")
    x = graph.add("Input", shape=[32, 32, 3], name="image")
    x = graph.add("MobileNetV2", x, weights="none", trainable=True, name="backbone")
    x = graph.add("GlobalAveragePooling2D", x, name="pooled")
    graph.add("Dense", x, units=3, activation="softmax", name="kind")
    project = Project.single(graph, training=settings())
    data = load_dataset(DatasetChoice("random_vectors", {"shape": [32, 32, 3], "classes": 3, "samples": 8}))
    text = script_of(project, data)
    assert "keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=image.shape[1:], " \
           'name="backbone")' in text
    assert "backbone_network.trainable = True" in text
    app = compile_graph(graph)
    app.save_weights(str(tmp_path / "app.weights.h5"))
    rebuilt = exec_script(text, tmp_path)["build_model"]()
    rebuilt.load_weights(str(tmp_path / "app.weights.h5"))  # keyed by layer order and class, not by name
    rows = np.random.default_rng(0).random((4, 32, 32, 3)).astype(np.float32)
    np.testing.assert_allclose(rebuilt.predict(rows, verbose=0), app.predict(rows, verbose=0), atol=1e-6)


def test_what_a_script_cannot_take_is_refused_in_plain_words():
    from designer.data.dataset import Dataset
    from designer.exchange.python_script import ScriptExportError, script_of

    project = load_template("digits_mlp")
    streamed = Dataset("photos", "Photos", "", "classification", np.zeros((2, 8, 8, 3), np.uint8),
                       np.zeros(2, np.int64), stream_train=object())
    with pytest.raises(ScriptExportError, match="read from disk while training"):
        script_of(project, streamed)
    with pytest.raises(ScriptExportError, match=r"Input expects \(64,\)"):
        script_of(project, load_dataset("iris"))


def test_new_kinds_with_penalties_wrappers_and_self_attention_run_and_give_the_apps_model(tmp_path):
    """Padding sides as nested tuples, depthwise and separable convolutions, ReLU6, self-attention called as (x, x),
    Bidirectional and TimeDistributed with the layer they wrap, L1/L2 penalties as keras.regularizers: the script
    trains from an empty folder and, rebuilt here, is the app's model layer for layer."""
    import keras

    from designer.exchange.python_script import script_of
    from designer.keras_bridge.models import compile_graph

    graph = LayerGraph(name="many kinds")
    x = graph.add("Input", shape=[8, 8, 3], name="image")
    x = graph.add("RandomFlip", x, mode="horizontal", name="flip")
    x = graph.add("ZeroPadding2D", x, padding=[0, 1, 0, 1], name="pad")
    x = graph.add("DepthwiseConv2D", x, strides=2, use_bias=False, name="depthwise")
    x = graph.add("BatchNormalization", x, name="bn")
    x = graph.add("ReLU", x, max_value=6.0, name="relu6")
    x = graph.add("SeparableConv2D", x, filters=8, padding="same", depthwise_regularizer=[0.0, 1e-4], name="separable")
    x = graph.add("Cropping2D", x, cropping=[1, 0, 1, 0], name="crop")
    steps = graph.add("Reshape", x, target_shape=[9, 8], name="steps")
    attended = graph.add("MultiHeadAttention", steps, num_heads=2, key_dim=4, name="attend")
    x = graph.add("Add", steps, attended, name="residual")
    x = graph.add("LayerNormalization", x, name="norm")
    x = graph.add("Bidirectional", x, layer="GRU", units=6, return_sequences=True, merge_mode="sum", name="both_ways")
    x = graph.add("TimeDistributed", x, units=4, activation="relu", name="per_step")
    x = graph.add("GlobalMaxPooling1D", x, name="pool")
    graph.add("Dense", x, units=3, activation="softmax", kernel_initializer="he_normal",
              kernel_regularizer=[0.0, 5e-4], bias_regularizer=[0.01, 0.0], name="kind")
    project = Project.single(graph, training=settings(batch_size=16))
    data = load_dataset(DatasetChoice("random_vectors", {"shape": [8, 8, 3], "classes": 3, "samples": 48}))
    text = script_of(project, data)
    assert_plain(text, [node.name for node in graph.nodes()])
    for code in ('layers.ZeroPadding2D(padding=((0, 1), (0, 1)), name="pad")', "layers.ReLU(max_value=6.0,",
                 '(steps, steps)', 'layers.Bidirectional(layers.GRU(units=6, return_sequences=True, name="both_ways_gru"), '
                 'merge_mode="sum", name="both_ways")', "layers.TimeDistributed(layers.Dense(units=4,",
                 "kernel_regularizer=keras.regularizers.L2(0.0005)", "bias_regularizer=keras.regularizers.L1(0.01)",
                 "depthwise_regularizer=keras.regularizers.L2(0.0001)", 'kernel_initializer="he_normal"'):
        assert code in text, code
    assert "use_bias=False" in text and "bias_initializer" not in text  # Keras's defaults are left out

    app = compile_graph(graph)
    app.save_weights(str(tmp_path / "app.weights.h5"))
    rebuilt = exec_script(text, tmp_path)["build_model"]()
    rebuilt.load_weights(str(tmp_path / "app.weights.h5"))
    assert rebuilt.count_params() == app.count_params()
    as_json = lambda layer: json.loads(json.dumps(layer.get_config(), default=keras.saving.serialize_keras_object))  # noqa: E731
    assert [as_json(layer) for layer in rebuilt.layers] == [as_json(layer) for layer in app.layers]
    assert len(rebuilt.losses) == len(app.losses) == 3  # the three penalties
    np.testing.assert_allclose(float(sum(rebuilt.losses)), float(sum(app.losses)), rtol=1e-6)
    rows = np.random.default_rng(0).random((4, 8, 8, 3)).astype(np.float32)
    np.testing.assert_allclose(rebuilt.predict(rows, verbose=0), app.predict(rows, verbose=0), atol=1e-6)

    files, check = export_and_check(project, data, tmp_path / "run", rows_from="x_train")
    assert check.ok, check.summary


def test_a_generic_keras_layer_is_written_from_its_config_and_gives_the_apps_model(tmp_path):
    """A layer the palette has no entry for (kept whole, as an import keeps it) is made in the script from its
    saved configuration in safe mode, called as the app calls it."""
    import keras

    from designer.exchange.python_script import script_of
    from designer.keras_bridge.models import compile_graph

    graph = LayerGraph(name="kept whole")
    x = graph.add("Input", shape=[6], name="reading")
    unit = keras.layers.UnitNormalization(axis=-1).get_config()
    x = graph.add("KerasLayer", x, class_name="UnitNormalization",
                  config={k: v for k, v in unit.items() if k != "name"}, name="unit")
    y = graph.add("Dense", x, units=6, name="hidden")
    x = graph.add("KerasLayer", x, y, class_name="Dot", config={"axes": -1, "normalize": False}, call="list",
                  name="similarity")
    graph.add("Dense", x, units=2, activation="softmax", name="kind")
    project = Project.single(graph, training=settings(batch_size=16))
    data = load_dataset(DatasetChoice("random_vectors", {"shape": [6], "classes": 2, "samples": 48}))
    text = script_of(project, data)
    assert_plain(text, ["reading", "hidden", "kind"])
    assert 'keras.saving.deserialize_keras_object({"module": "keras.layers", "class_name": "Dot"' in text
    assert '"name": "unit"}' in text and '"name": "similarity"}' in text
    app = compile_graph(graph)
    app.save_weights(str(tmp_path / "app.weights.h5"))
    rebuilt = exec_script(text, tmp_path)["build_model"]()
    rebuilt.load_weights(str(tmp_path / "app.weights.h5"))
    rows = np.random.default_rng(0).random((4, 6)).astype(np.float32)
    np.testing.assert_allclose(rebuilt.predict(rows, verbose=0), app.predict(rows, verbose=0), atol=1e-6)
