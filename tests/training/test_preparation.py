"""The preparation inside the model: raw rows in, answers in the target's units, learned from the training rows;
the saved model does the same in plain Keras in a fresh process."""

import json
import subprocess
import sys

import numpy as np
import pytest

from designer.core.graph import LayerGraph
from designer.core.project import DatasetChoice, Project, check_training
from designer.data.registry import load_dataset
from designer.keras_bridge.models import save_model
from designer.training.engine import fit, plan_training
from designer.training.scoring import trained_model


def prepared_regressor(target_units: bool = True) -> LayerGraph:
    g = LayerGraph()
    x = g.add("Input", shape=[2])
    x = g.add("Normalization", x)
    x = g.add("Dense", x, units=16, activation="relu")
    x = g.add("Dense", x, units=1, activation="linear")
    if target_units:
        g.add("Normalization", x, invert=True)
    return g


def project_on(path, graph, epochs=40) -> Project:
    project = Project.single(graph, training=check_training(
        {"epochs": epochs, "batch_size": 16, "seed": 1, "learning_rate": 0.01, "loss": "mse",
         "metrics": ["mae"], "validation_split": 0.2}))
    project.dataset = DatasetChoice(str(path), {"scale": "none", "target": "price"})
    return project


@pytest.fixture(scope="module")
def trained_on_prices(tmp_path_factory, house_prices):
    folder = tmp_path_factory.mktemp("prices")
    area, rooms, price = house_prices(folder / "houses.csv")
    project = project_on(folder / "houses.csv", prepared_regressor())
    dataset = load_dataset(project.dataset)
    result = fit(plan_training(project, dataset))
    project.trained = result.trained
    return folder, project, dataset, result, (area, rooms, price)


def test_the_curves_and_the_answers_are_in_the_target_s_units(trained_on_prices):
    folder, project, dataset, result, (area, rooms, price) = trained_on_prices
    # prices spread by about 110,000: an error in standard deviations would be below 1
    spread = float(np.std(price))
    assert spread > 50_000
    final_mae = result.history["val_mae"][-1]
    assert 1_000 < final_mae < 0.5 * spread, final_mae
    # the loss is a mean squared error in dollars², the square of the error's size
    assert result.history["val_loss"][-1] > final_mae ** 2 * 0.5
    answers = result.model.predict(np.stack([area, rooms], axis=1)[:20].astype("float32"), verbose=0).reshape(-1)
    assert np.all(np.abs(answers - price[:20]) < 0.5 * spread)


def test_scores_are_in_the_target_s_units(trained_on_prices):
    folder, project, dataset, result, _ = trained_on_prices
    scores = trained_model(project, dataset).score()
    assert scores.values["mae"] == pytest.approx(result.history["val_mae"][-1], rel=0.05)


def test_the_saved_model_answers_raw_rows_in_plain_keras_in_a_fresh_process(trained_on_prices):
    folder, project, dataset, result, (area, rooms, price) = trained_on_prices
    save_model(result.model, str(folder / "model.keras"))
    script = (
        "import json, sys, numpy as np, keras\n"
        "model = keras.models.load_model(sys.argv[1])\n"
        "rows = np.array(json.loads(sys.argv[2]), dtype='float32')\n"
        "print(json.dumps(model.predict(rows, verbose=0).reshape(-1).tolist()))\n"
    )
    rows = [[float(a), float(r)] for a, r in zip(area[:5], rooms[:5])]
    done = subprocess.run([sys.executable, "-c", script, str(folder / "model.keras"), json.dumps(rows)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    answers = np.array(json.loads(done.stdout.strip().splitlines()[-1]))
    expected = result.model.predict(np.array(rows, dtype="float32"), verbose=0).reshape(-1)
    np.testing.assert_allclose(answers, expected, rtol=1e-4)
    assert np.all(np.abs(answers - price[:5]) < 0.5 * float(np.std(price)))


def test_going_on_training_keeps_the_learned_preparation(trained_on_prices):
    folder, project, dataset, result, _ = trained_on_prices
    before = result.model.get_layer("normalization").get_weights()
    plan = plan_training(project, dataset, epochs=1)
    after = plan.networks[0].get_layer("normalization").get_weights()
    for a, b in zip(before, after):
        np.testing.assert_allclose(a, b)


def test_without_the_last_layer_the_targets_are_not_touched(tmp_path, house_prices):
    house_prices(tmp_path / "houses.csv", rows=60)
    project = project_on(tmp_path / "houses.csv", prepared_regressor(target_units=False), epochs=1)
    plan = plan_training(project, load_dataset(project.dataset))
    assert plan.target_units is None
    assert plan.y.max() > 100_000  # trained on the prices as they are (the person chose so)


def test_rows_scaled_by_the_data_and_by_the_model_are_refused_in_words(tmp_path, house_prices):
    from designer.training.engine import TrainingError

    house_prices(tmp_path / "houses.csv", rows=40)
    project = project_on(tmp_path / "houses.csv", prepared_regressor(), epochs=1)
    project.dataset = DatasetChoice(str(tmp_path / "houses.csv"), {"target": "price"})  # auto: standardize
    with pytest.raises(TrainingError, match="standardizes the rows inside the model, but the data is scaled too"):
        plan_training(project, load_dataset(project.dataset))


def test_a_classifier_fitted_to_a_house_price_table_trains_to_prices(tmp_path, house_prices):
    """The modeler's path: a classifier, a CSV of prices, Fit model to data (as the window and `--fit` do), train;
    the model takes raw rows and answers in dollars."""
    from designer.core.commands import History
    from designer.data.fit import plan_fit

    area, rooms, price = house_prices(tmp_path / "houses.csv")
    g = LayerGraph()
    x = g.add("Input", shape=[7])
    x = g.add("Dense", x, units=16, activation="relu")
    g.add("Dense", x, units=3, activation="softmax")
    project = Project.single(g, training=check_training(
        {"epochs": 40, "batch_size": 16, "seed": 1, "learning_rate": 0.01, "validation_split": 0.2,
         "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]}))
    project.dataset = DatasetChoice(str(tmp_path / "houses.csv"), {"target": "price"})
    plan = plan_fit(project, load_dataset(project.dataset))
    History(project).push(plan.command())
    assert any(line.startswith("standardize: added after input") for line in plan.lines)
    assert any(line.startswith("target_units: added after dense_1") for line in plan.lines)
    assert project.dataset.options["scale"] == "none"
    assert plan_fit(project, load_dataset(project.dataset)).command() is None  # fitted: nothing more to change
    dataset = load_dataset(project.dataset)
    result = fit(plan_training(project, dataset))
    assert "accuracy" not in result.history
    rows = np.stack([area, rooms], axis=1)[:10].astype("float32")
    answers = result.model.predict(rows, verbose=0).reshape(-1)
    assert np.all(np.abs(answers - price[:10]) < 0.5 * float(np.std(price)))


@pytest.mark.parametrize("format_, name", [("keras", "model.keras"), ("onnx", "model.onnx"), ("tflite", "model.tflite")])
def test_exports_keep_the_preparation_and_are_checked_in_the_target_s_units(trained_on_prices, format_, name):
    from designer.exchange.export import ExportRequest, export_project

    folder, project, dataset, result, _ = trained_on_prices
    checked = export_project(project, dataset, ExportRequest(format_, str(folder / name)))
    assert checked.ok, checked.summary


@pytest.mark.parametrize("format_, name", [("python", "prices.py"), ("notebook", "prices.ipynb")])
def test_a_script_learns_the_preparation_before_training_and_is_checked(trained_on_prices, format_, name):
    """The script (and the notebook) adapt the Normalization layers on the training rows and fit the model up to
    the last one on standardized targets, as the app does (tests/exchange/test_script_preparation.py says more)."""
    from designer.exchange.export import ExportRequest, export_project

    folder, project, dataset, result, _ = trained_on_prices
    checked = export_project(project, dataset, ExportRequest(format_, str(folder / format_ / name)))
    assert checked.ok, checked.summary


def test_the_health_checks_judge_the_rows_and_the_loss_as_the_network_sees_them(tmp_path, house_prices):
    """Raw rows in the thousands are standardized inside the model: no "unscaled inputs"; a loss in dollars² is
    compared with guessing in dollars², not with guessing on standardized targets."""
    house_prices(tmp_path / "houses.csv")
    project = project_on(tmp_path / "houses.csv", prepared_regressor(), epochs=12)
    plan = plan_training(project, load_dataset(project.dataset), health=True)
    assert plan.health.facts.input_extent < 5
    assert plan.health.facts.guessing_loss > 1e9
    result = fit(plan)
    assert [f.key for f in result.findings if f.key in ("unscaled_inputs", "learning_rate_high")] == []


def test_a_folder_of_images_is_rescaled_inside_the_model(tmp_path):
    """Fitted to a person's folder of images, the model divides the pixel values itself: the data goes in as
    0..255 and the trained model takes images as they are in the files."""
    import tensorflow as tf

    from designer.core.commands import History
    from designer.data.fit import plan_fit

    for cls, value in (("dark", 30), ("light", 220)):
        (tmp_path / "shapes" / cls).mkdir(parents=True)
        for i in range(6):
            pixels = np.full((8, 8, 3), value + i, np.uint8)
            tf.io.write_file(str(tmp_path / "shapes" / cls / f"{i}.png"), tf.io.encode_png(pixels))
    g = LayerGraph()
    x = g.add("Input", shape=[8, 8, 3])
    x = g.add("Flatten", x)
    g.add("Dense", x, units=2, activation="softmax")
    project = Project.single(g, training=check_training({"epochs": 1, "batch_size": 4, "seed": 1}))
    project.dataset = DatasetChoice(str(tmp_path / "shapes"), {"image_size": [8, 8]})
    plan = plan_fit(project, load_dataset(project.dataset))
    History(project).push(plan.command())
    assert any(line.startswith("rescale: added after input: it divides the pixel values by 255") for line in plan.lines)
    rescale = next(n for n in project.graph("model").nodes() if n.kind == "Rescaling")
    assert rescale.params["scale"] == pytest.approx(1 / 255)
    assert project.dataset.options["scale"] == "none"
    dataset = load_dataset(project.dataset)
    assert dataset.x_train.max() > 200  # the data as it is in the files
    result = fit(plan_training(project, dataset))
    assert result.model.get_layer("rescale")(np.full((1, 8, 8, 3), 255.0, np.float32)).numpy().max() == pytest.approx(1.0)
