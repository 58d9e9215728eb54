"""The `designer` command line, run as a real process: every command, and errors as one plain line."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from designer.core.graph import LayerGraph
from designer.core.project import DatasetChoice, Project, check_training
from designer.core.project_files import save_project

ROOT = Path(__file__).resolve().parents[1]


def designer(*args, cwd=None, offline=False):
    env = {**os.environ}
    if offline:
        # a proxy on a closed local port: any download fails at once, whatever network the machine has
        env.update(HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9", KERAS_HOME=str(cwd))
    return subprocess.run([sys.executable, "-m", "designer", *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


def assert_one_line_error(run, *words):
    assert run.returncode != 0
    assert "Traceback" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("designer: error: "), run.stderr
    for word in words:
        assert word in lines[0]


@pytest.fixture
def tiny_project(tmp_path):
    g = LayerGraph()
    x = g.add("Input", shape=[2])
    x = g.add("Dense", x, units=3, activation="relu", name="hidden")
    g.add("Dense", x, units=1, activation="sigmoid", name="verdict")
    path = tmp_path / "tiny.json"
    save_project(Project.single(g, name="Tiny", dataset=DatasetChoice("sum_threshold"), training=check_training({"epochs": 2})), path)
    return path


def test_help_lists_the_commands():
    run = designer("--help")
    assert run.returncode == 0 and "summary" in run.stdout and "train" in run.stdout and "open" in run.stdout


def test_templates_lists_every_template_file():
    run = designer("templates")
    assert run.returncode == 0
    for path in (ROOT / "designer" / "resources" / "templates").glob("*.json"):
        assert path.stem in run.stdout


def test_datasets_lists_shapes_tasks_and_sources():
    run = designer("datasets")
    assert run.returncode == 0
    assert "digits" in run.stdout and "(8, 8)" in run.stdout and "bundled" in run.stdout
    assert "fashion_mnist" in run.stdout and "download" in run.stdout


def test_new_copies_a_template_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "mine.json"
    assert designer("new", "digits_mlp", target).returncode == 0
    assert json.loads(target.read_text())["format"] == "network-designer-project"
    assert_one_line_error(designer("new", "digits_mlp", target), "already exists", "--force")
    assert_one_line_error(designer("new", "no_such_template", tmp_path / "x.json"), "no template")


def test_summary_is_a_keras_like_table_with_totals():
    run = designer("summary", ROOT / "designer" / "resources" / "templates" / "fashion_mnist_mlp.json")
    assert run.returncode == 0, run.stderr
    assert "(None, 784)" in run.stdout and "78,500" in run.stdout
    assert "Total params: 86,835" in run.stdout and "Non-trainable params: 0" in run.stdout
    assert run.stderr.strip() == ""  # TensorFlow's start-up noise is hidden


def test_summary_of_a_broken_graph_explains_and_fails(tmp_path):
    g = LayerGraph()
    x = g.add("Input", shape=[28, 28, 1])
    g.add("LSTM", g.add("Flatten", x))
    path = tmp_path / "bad.json"
    save_project(Project.single(g), path)
    run = designer("summary", path)
    assert run.returncode == 1
    assert "error in lstm" in run.stdout and "Reshape" in run.stdout


def test_train_writes_model_and_history_under_keras_names(tiny_project, tmp_path):
    out = tmp_path / "run"
    run = designer("train", tiny_project, "--epochs", 2, "--out", out)
    assert run.returncode == 0, run.stderr
    history = json.loads((out / "history.json").read_text())
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history["loss"]) == 2
    assert (out / "model.keras").is_file()
    # the progress bar is on stderr; stdout carries only the result, for scripts
    assert "Epoch 2/2" in run.stderr and "val_loss" in run.stderr
    assert run.stdout.strip() == (f"saved the trained weights with {tiny_project} (run 1: 'designer runs "
                                  f"{tiny_project}'); wrote {out}/")
    assert not any(line.startswith(("E0000", "W0000", "I0000")) for line in run.stderr.splitlines())


def test_train_a_run_that_diverges_says_why_and_writes_valid_json(tmp_path):
    g = LayerGraph()
    g.add("Dense", g.add("Input", shape=[1]), units=1)
    settings = {"optimizer": "sgd", "learning_rate": 10.0, "loss": "mse", "epochs": 300, "validation_split": 0.0}
    path = tmp_path / "wild.json"
    save_project(Project.single(g, dataset=DatasetChoice("linear_5x_plus_3", {"samples": 64}), training=check_training(settings)), path)
    run = designer("train", path, "--out", tmp_path / "wild")
    assert run.returncode == 0, run.stderr
    assert "learning rate" in run.stderr and "Traceback" not in run.stderr

    def refuse(constant):
        raise AssertionError(f"{constant} is not JSON")

    losses = json.loads((tmp_path / "wild" / "history.json").read_text(), parse_constant=refuse)["loss"]
    assert len(losses) < 300 and losses[-1] is None and losses[0] > 0


def test_train_prints_each_health_finding_when_it_appears_and_again_at_the_end(tmp_path):
    g = LayerGraph()
    x = g.add("Dense", g.add("Input", shape=[10]), units=32, activation="relu")
    x = g.add("Dense", x, units=32, activation="relu", name="second")
    g.add("Dense", x, units=2, activation="softmax")
    settings = {"optimizer": "sgd", "learning_rate": 3.0, "epochs": 4, "seed": 1, "validation_split": 0.2}
    path = tmp_path / "dying.json"
    data = DatasetChoice("random_vectors", {"shape": [10], "classes": 2, "samples": 384})
    save_project(Project.single(g, dataset=data, training=check_training(settings)), path)
    run = designer("train", path)
    assert run.returncode == 0, run.stderr
    lines = [line for line in run.stderr.splitlines() if line.startswith("health:")]
    dead = [line for line in lines if "Dead ReLU units in second" in line]
    assert len(dead) == 2  # when it appeared, and in the summary after "final:"
    said = [i for i, line in enumerate(run.stderr.splitlines()) if "Dead ReLU units in second" in line]
    final = next(i for i, line in enumerate(run.stderr.splitlines()) if line.startswith("final:"))
    assert said[0] < final < said[1]
    assert "LeakyReLU" in dead[0] and "Traceback" not in run.stderr


def test_train_the_readme_example(tmp_path):
    out = tmp_path / "readme"
    assert designer("new", "binary_classifier", tmp_path / "binary.json").returncode == 0
    run = designer("train", tmp_path / "binary.json", "--epochs", 3, "--out", out)
    assert run.returncode == 0, run.stderr
    assert len(json.loads((out / "history.json").read_text())["loss"]) == 3


def test_export_a_project_and_re_export_a_trained_model(tiny_project, tmp_path):
    first = tmp_path / "a.keras"
    assert designer("export", tiny_project, "--format", "keras", "--out", first).returncode == 0
    second = tmp_path / "b.keras"
    run = designer("export", first, "--format", "keras", "--out", second)
    assert run.returncode == 0, run.stderr
    import keras

    assert [layer.name for layer in keras.models.load_model(second).layers] == ["input", "hidden", "verdict"]
    assert_one_line_error(designer("export", tiny_project, "--format", "zip", "--out", tmp_path / "m.zip"),
                          "no export format 'zip'", "onnx", "notebook")
    assert_one_line_error(designer("export", tiny_project, "--format", "onnx", "--precision", "int8", "--out",
                                   tmp_path / "m.onnx"), "TensorFlow Lite files only")


@pytest.mark.parametrize(
    "content, words",
    [("{", "looks cut short"), ("{]", "not valid JSON"),
     ('{"format": "network-designer-project", "version": 1, "graphs": []}', "graphs")],
)
def test_broken_project_files_give_the_loaders_message(tmp_path, content, words):
    path = tmp_path / "broken.json"
    path.write_text(content)
    assert_one_line_error(designer("summary", path), words, "broken.json")


def test_missing_file_unknown_command_and_offline_download(tmp_path, tiny_project):
    assert_one_line_error(designer("summary", tmp_path / "nope.json"), "no such file")
    assert_one_line_error(designer("fly"), "invalid choice")
    run = designer("train", tiny_project, "--data", "mnist", "--out", tmp_path / "r", cwd=tmp_path, offline=True)
    assert_one_line_error(run, "internet", "mnist.npz")


@pytest.mark.parametrize("inherited", ["default", "ignored"])
def test_ctrl_c_during_training_exits_130_without_a_traceback(tmp_path, inherited):
    """Also when the command starts with Ctrl+C ignored, as a parent process may hand it on (a fresh-clone CI run
    saw the run train on after the signal): the command's own handler stops the run."""
    import signal

    g = LayerGraph()
    g.add("Dense", g.add("Input", shape=[2]), units=1, activation="sigmoid")
    path = tmp_path / "long.json"
    save_project(Project.single(g, dataset=DatasetChoice("sum_threshold"), training=check_training({"epochs": 100_000, "batch_size": 1})), path)
    ignore = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if inherited == "ignored" else None
    process = subprocess.Popen([sys.executable, "-m", "designer", "train", str(path), "--out", str(tmp_path / "r")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=ignore)
    try:
        for line in process.stderr:
            if line.startswith("Epoch 1/"):
                break
        process.send_signal(signal.SIGINT)
        _, rest = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 130
    assert "Traceback" not in rest


def test_window_without_a_display_says_so_in_one_line():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    run = subprocess.run([sys.executable, "-m", "designer"], capture_output=True, text=True, env=env, cwd=ROOT)
    assert run.returncode == 1
    assert run.stderr.startswith("designer: error: no display") and "designer --help" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_project_file_alone_opens_the_window_as_the_launcher_calls_it(monkeypatch):
    from designer import cli

    opened = []
    monkeypatch.setattr("designer.ui.app.run", lambda path=None: opened.append(path) or 0)
    assert cli.main(["my project.json"]) == 0
    assert opened == ["my project.json"]


def test_train_on_the_persons_own_csv_file(tiny_project, tmp_path):
    rows = "".join(f"{a / 10},{b / 10},{int(a + b > 10)}\n" for a in range(10) for b in range(10))
    data = tmp_path / "sums.csv"
    data.write_text("x0,x1,above\n" + rows)
    out = tmp_path / "own"
    run = designer("train", tiny_project, "--epochs", 1, "--data", data, "--out", out)
    assert run.returncode == 0, run.stderr
    assert "sums.csv" in run.stderr and "100 samples" in run.stderr
    assert (out / "history.json").is_file()


def test_train_on_a_broken_csv_says_where_in_one_line(tiny_project, tmp_path):
    data = tmp_path / "broken.csv"
    data.write_text("x0,x1,y\n0.1,0.2,0\n0.3,oops,1\n0.5,0.6,1\n0.7,0.8,0\n")
    run = designer("train", tiny_project, "--data", data)
    assert_one_line_error(run, "broken.csv", "line 3", "'x1'", "'oops' is not a number")


def test_a_data_file_named_in_a_project_is_found_beside_it(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "sums.csv").write_text("x0,x1,y\n" + "".join(f"{i / 20},{(19 - i) / 40},{i % 2}\n" for i in range(20)))
    g = LayerGraph()
    g.add("Dense", g.add("Input", shape=[2]), units=1, activation="sigmoid")
    project = folder / "p.json"
    save_project(Project.single(g, dataset=DatasetChoice("sums.csv"), training=check_training({"epochs": 1})), project)
    run = designer("train", project, "--out", tmp_path / "out", cwd=tmp_path)
    assert run.returncode == 0, run.stderr


def test_train_scores_the_test_rows_and_writes_test_json(tmp_path):
    g = LayerGraph()
    g.add("Dense", g.add("Input", shape=[4]), units=3, activation="softmax")
    path = tmp_path / "iris.json"
    choice = DatasetChoice("iris", {"shuffle": True, "test_fraction": 0.2})
    save_project(Project.single(g, dataset=choice, training=check_training({"epochs": 1})), path)
    run = designer("train", path, "--out", tmp_path / "iris")
    assert run.returncode == 0, run.stderr
    assert "test (30 rows never seen in training): " in run.stderr and "accuracy" in run.stderr.splitlines()[-1]
    assert set(json.loads((tmp_path / "iris" / "test.json").read_text())) == {"loss", "accuracy"}


# ------------------------------------------------------------------ a trained project: train, evaluate, predict
@pytest.fixture(scope="module")
def trained_digits(tmp_path_factory):
    """The digits classifier, trained 2 epochs by `designer train`, with a fifth of its rows set apart as test rows."""
    folder = tmp_path_factory.mktemp("digits")
    path = folder / "digits.json"
    assert designer("new", "digits_mlp", path).returncode == 0
    document = json.loads(path.read_text())
    document["training"].update(epochs=2, seed=1)
    document["dataset"]["options"]["test_fraction"] = 0.2
    path.write_text(json.dumps(document))
    run = designer("train", path)
    assert run.returncode == 0, run.stderr
    return path, run


def test_train_leaves_the_project_file_trained(trained_digits):
    path, run = trained_digits
    assert run.stdout.strip() == f"saved the trained weights with {path} (run 1: 'designer runs {path}')"
    entry = json.loads(path.read_text())["trained"]["model"]
    assert (path.parent / entry["file"]).is_file() and entry["epochs"] == 2
    assert not (path.parent / "runs").exists()  # a folder of files only with --out


def test_a_second_run_goes_on_from_the_kept_weights_and_fresh_starts_again(trained_digits, tmp_path):
    path, _ = trained_digits
    copy = tmp_path / "copy.json"
    assert designer("new", "digits_mlp", copy).returncode == 0
    copy.write_text(path.read_text())
    shutil.copy(path.parent / json.loads(path.read_text())["trained"]["model"]["file"], tmp_path)
    run = designer("train", copy, "--epochs", 1)
    assert "Going on from the weights kept with the project: Every layer keeps what it learned." in run.stderr
    assert json.loads(copy.read_text())["trained"]["model"]["epochs"] == 3
    run = designer("train", copy, "--epochs", 1, "--fresh")
    assert "Going on" not in run.stderr and json.loads(copy.read_text())["trained"]["model"]["epochs"] == 1


def test_evaluate_prints_the_test_scores_under_keras_names(trained_digits):
    path, train_run = trained_digits
    run = designer("evaluate", path)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "On 359 test rows never seen in training:"
    scores = dict(line.split() for line in lines[1:])
    assert set(scores) == {"accuracy", "loss"} and 0.5 < float(scores["accuracy"]) <= 1
    # the same numbers `designer train` printed for its test rows
    assert f"accuracy {scores['accuracy']}" in train_run.stderr


def test_evaluate_without_test_rows_says_it_scores_the_validation_rows(tiny_project):
    assert designer("train", tiny_project, "--epochs", 1).returncode == 0
    run = designer("evaluate", tiny_project)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("On 100 validation rows (no test rows are set aside")


def test_evaluate_an_untrained_project_says_to_train_it(tiny_project):
    assert_one_line_error(designer("evaluate", tiny_project), "not trained yet", "designer train")


def test_predict_a_digit_from_an_image_a_csv_row_and_an_array(trained_digits, tmp_path):
    import numpy as np

    from designer.data.registry import load_dataset

    path, _ = trained_digits
    digits = load_dataset(DatasetChoice("digits", {"scale": "none"}))
    raw = digits.x_train[:2]  # 0..16, as the data's own units
    np.save(tmp_path / "two.npy", raw)
    np.savetxt(tmp_path / "one.csv", raw[:1].reshape(1, -1), delimiter=",")
    image = tmp_path / "digit.png"
    import tensorflow as tf

    pixels = np.rint(raw[0] * 255 / 16).astype(np.uint8)[..., None]
    image.write_bytes(tf.io.encode_png(pixels).numpy())
    labels = [str(int(v)) for v in digits.y_train[:2]]
    for source, expected in (("two.npy", [f"row 1: {labels[0]} (", f"row 2: {labels[1]} ("]),
                             ("one.csv", [f"{labels[0]} ("]), ("digit.png", [f"{labels[0]} ("])):
        run = designer("predict", path, tmp_path / source)
        assert run.returncode == 0, run.stderr
        lines = run.stdout.splitlines()
        assert [line[:len(e)] for line, e in zip(lines, expected)] == expected, run.stdout


def test_predict_refuses_an_input_of_the_wrong_size_in_one_line(trained_digits, tmp_path):
    path, _ = trained_digits
    (tmp_path / "row.csv").write_text("1,2,3\n")
    assert_one_line_error(designer("predict", path, tmp_path / "row.csv"), "row.csv holds 1×3", "64 numbers a row")
    (tmp_path / "words.csv").write_text("a,b\n1,zwei\n")
    assert_one_line_error(designer("predict", path, tmp_path / "words.csv"), "'zwei' is not a number")


def test_a_missing_weights_file_is_said_and_the_project_still_trains(trained_digits, tmp_path):
    path, _ = trained_digits
    copy = tmp_path / "alone.json"
    copy.write_text(path.read_text())  # without its weights file
    run = designer("evaluate", copy)
    assert "are missing" in run.stderr and "not trained yet" in run.stderr
    run = designer("train", copy, "--epochs", 1)
    assert run.returncode == 0 and "are missing" in run.stderr


def test_export_a_trained_project_prints_the_check_of_the_file(trained_digits, tmp_path):
    path, _ = trained_digits
    run = designer("export", path, "--format", "tflite", "--precision", "int8", "--out", tmp_path / "digits.tflite")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == f"wrote {tmp_path / 'digits.tflite'}"
    assert lines[-1].startswith("TFLite (int8): accuracy ") and " before, " in lines[-1] and "on 64 rows" in lines[-1]
    run = designer("export", tiny_project_untrained(tmp_path), "--format", "onnx", "--out", tmp_path / "fresh.onnx")
    assert run.returncode == 0, run.stderr
    assert "not trained" in run.stdout and run.stdout.splitlines()[-1].startswith("ONNX: same outputs")


def tiny_project_untrained(folder):
    g = LayerGraph()
    g.add("Dense", g.add("Input", shape=[2]), units=1, activation="sigmoid", name="verdict")
    path = folder / "fresh.json"
    save_project(Project.single(g, dataset=DatasetChoice("sum_threshold", {"samples": 64})), path)
    return path


def test_a_keras_file_with_a_lambda_is_refused_without_running_it(tmp_path):
    script = ("import keras\n"
              "i = keras.Input((2,))\n"
              "keras.Model(i, keras.layers.Lambda(lambda x: x * 2)(i)).save(r'%s')\n" % (tmp_path / "lambda.keras"))
    subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, timeout=120)
    run = designer("export", tmp_path / "lambda.keras", "--format", "onnx", "--out", tmp_path / "l.onnx")
    assert_one_line_error(run, "holds a Lambda layer", "never runs code from a file")
    assert "safe_mode" not in run.stderr and not (tmp_path / "l.onnx").exists()


def test_the_command_line_module_loads_neither_numpy_nor_tensorflow():
    """`designer` opens the window through designer.cli: what it imports first delays the window (bench_startup)."""
    probe = "import sys, designer.cli; print('numpy' in sys.modules, 'tensorflow' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["False", "False"], done.stderr


def test_import_a_keras_model_writes_a_trained_project_that_exports_the_same(tmp_path):
    import keras
    import numpy as np

    inputs = keras.Input((3,), name="reading")
    hidden = keras.layers.Dense(5, activation="tanh", name="hidden")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(2, name="out")(hidden), name="sensor")
    model.compile(keras.optimizers.SGD(0.05, momentum=0.9), loss="mse")
    model.save(tmp_path / "sensor.keras")
    run = designer("import", tmp_path / "sensor.keras", tmp_path / "sensor.json", "--list")
    assert run.returncode == 0, run.stderr
    assert "Imported sensor from sensor.keras: 3 layers, 32 weights." in run.stdout
    assert "Checked: Keras counts the same 32 weights" in run.stdout and "hidden" in run.stdout
    project = json.loads((tmp_path / "sensor.json").read_text())
    assert project["training"]["optimizer"] == "sgd" and project["training"]["momentum"] == 0.9
    assert project["trained"]
    again = designer("import", tmp_path / "sensor.keras", tmp_path / "sensor.json")
    assert_one_line_error(again, "already exists", "--force")
    exported = designer("export", tmp_path / "sensor.json", "--format", "keras", "--out", tmp_path / "again.keras")
    assert exported.returncode == 0, exported.stderr
    rows = np.random.default_rng(0).random((4, 3), dtype=np.float32)
    np.testing.assert_allclose(keras.models.load_model(tmp_path / "again.keras").predict(rows, verbose=0),
                               model.predict(rows, verbose=0), atol=1e-6)


def test_import_refusals_are_one_line(tmp_path):
    (tmp_path / "notes.keras").write_text("not a model")
    assert_one_line_error(designer("import", tmp_path / "notes.keras", tmp_path / "p.json"), "notes.keras is damaged")
    assert_one_line_error(designer("import", tmp_path / "gone.keras", tmp_path / "p.json"), "gone.keras: there is no such file")
    assert not (tmp_path / "p.json").exists()


def test_train_with_data_digits_adapts_a_download_template_offline(tmp_path):
    path = tmp_path / "cnn.json"
    assert designer("new", "mnist_cnn", path).returncode == 0
    run = designer("train", path, "--data", "digits", "--epochs", "1", cwd=tmp_path, offline=True)
    assert run.returncode == 0, run.stderr
    assert "Adapted the network to Handwritten digits 8×8" in run.stderr
    assert "input: shape (28, 28, 1) → (8, 8, 1)" in run.stderr
    saved = json.loads(path.read_text())
    assert saved["dataset"]["name"] == "digits"  # the project now trains on them: again without --data, offline
    again = designer("train", path, "--epochs", "1", cwd=tmp_path, offline=True)
    assert again.returncode == 0, again.stderr
    vgg = tmp_path / "vgg.json"
    assert designer("new", "vgg16_transfer", vgg).returncode == 0
    refused = designer("train", vgg, "--data", "digits", cwd=tmp_path, offline=True)
    assert_one_line_error(refused, "pretrained VGG16", "32×32")
    # a network made for other data than downloaded images is not reshaped to stand in: the Input's own words
    forecaster = tmp_path / "lstm.json"
    assert designer("new", "lstm_forecaster", forecaster).returncode == 0
    mismatch = designer("train", forecaster, "--data", "digits", cwd=tmp_path)
    assert mismatch.returncode != 0 and "Adapted" not in mismatch.stderr
