"""Script and notebook exports of models that prepare the data inside them: a Normalization after the Input and an
inverted one as the last layer (a regression that answers in dollars), and text inputs with string lookups (a
classifier fitted to a table with a column of words). The exported file learns the preparation's numbers from the
training rows as the app does, trains, and the check (run from an empty folder, without the designer package)
passes."""

import re
import shutil

import numpy as np
import pytest

from designer.core.graph import LayerGraph
from designer.core.project import DatasetChoice, Project, check_training
from designer.data.registry import load_dataset
from designer.training.engine import dataset_rows
from designer.training.scoring import trained_model

pytestmark = pytest.mark.slow


# ------------------------------------------------------------------------------------------------ helpers
def shoppers(path, rows=80, seed=5):
    """Who bought: the rich, and everyone in the west."""
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 80, rows)
    income = rng.uniform(20_000, 150_000, rows)
    region = rng.choice(["east", "north", "west"], rows)
    bought = np.where((income > 70_000) | (region == "west"), "yes", "no")
    lines = ["age,income,region,bought"] + [f"{a},{i:.0f},{r},{b}" for a, i, r, b in zip(age, income, region, bought)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def trained_in_the_app(project):
    from designer.training.engine import fit, plan_training

    dataset = load_dataset(project.dataset)
    result = fit(plan_training(project, dataset))
    project.trained = result.trained
    return dataset, result


def export(project, dataset, path, format_):
    from designer.exchange.export import ExportRequest, export_project

    return export_project(project, dataset, ExportRequest(format_, str(path)))


# ------------------------------------------------------------------------------------------------ prices
@pytest.fixture(scope="module")
def prices(tmp_path_factory, house_prices):
    folder = tmp_path_factory.mktemp("prices")
    area, rooms, price = house_prices(folder / "houses.csv", rows=160)
    g = LayerGraph()
    x = g.add("Input", shape=[2])
    x = g.add("Normalization", x, name="standardize")
    x = g.add("Dense", x, units=8, activation="relu")
    x = g.add("Dense", x, units=1, activation="linear")
    g.add("Normalization", x, name="target_units", invert=True)
    project = Project.single(g, training=check_training(
        {"epochs": 5, "batch_size": 16, "seed": 1, "learning_rate": 0.02, "loss": "mse", "metrics": ["mae"],
         "validation_split": 0.2}))
    project.name = "Houses"
    # the last 20 rows kept apart: the script scores them with the whole model, in dollars
    project.dataset = DatasetChoice(str(folder / "houses.csv"), {"scale": "none", "target": "price", "test_rows": 20})
    dataset, _ = trained_in_the_app(project)
    return folder, project, dataset, (area, rooms, price)


def test_a_script_learns_the_preparation_and_its_model_answers_in_dollars(prices):
    from designer.exchange.script_check import clean_environment, run_exported

    folder, project, dataset, (area, rooms, price) = prices
    script = folder / "script" / "houses.py"
    checked = export(project, dataset, script, "python")
    assert checked.ok, checked.summary
    assert checked.rows == 20  # the test rows, as the app's trained model answers them (in dollars)

    text = script.read_text(encoding="utf-8")
    assert 'model.get_layer("standardize").adapt(x_train[:rows])' in text
    assert 'model.get_layer("target_units").adapt(y_train[:rows].reshape(rows, -1))' in text
    assert 'keras.Model(model.inputs, model.get_layer("target_units").input' in text
    assert "history = train(scaled_model, x_train, y_train_scaled, validation_data_scaled, args.epochs)" in text
    assert 'layers.Normalization(invert=True, name="target_units")' in text

    # the script trains on its own (from fresh weights: the preparation learned from the rows) and its saved model
    # takes raw rows and answers in dollars
    run_dir = folder / "run"
    run_dir.mkdir()
    for name in ("houses.py", "houses_data.npz"):
        shutil.copy2(folder / "script" / name, run_dir / name)
    process = run_exported(run_dir / "houses.py", ["--epochs", "40"], run_dir, clean_environment())
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr[-3000:]
    spread = float(np.std(price))
    scored = re.search(r"On the test rows: .*mae ([0-9.e+]+)", stdout)
    assert scored, stdout[-2000:]
    assert 1_000 < float(scored.group(1)) < 0.5 * spread  # the test rows scored in dollars, not standard deviations

    import keras

    model = keras.models.load_model(run_dir / "houses.keras")
    rows = np.stack([area, rooms], axis=1)[:20].astype("float32")
    answers = model.predict(rows, verbose=0).reshape(-1)
    assert answers.mean() > 100_000
    assert np.all(np.abs(answers - price[:20]) < 0.5 * spread)


def test_a_notebook_learns_the_preparation_and_its_cells_run(prices):
    import nbformat

    folder, project, dataset, _ = prices
    path = folder / "notebook" / "houses.ipynb"
    checked = export(project, dataset, path, "notebook")
    assert checked.ok, checked.summary
    notebook = nbformat.read(str(path), as_version=4)
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert "learn_preparation(model, x_train, y_train)" in code
    assert "y_train_scaled, validation_data_scaled = standardized_targets(model, y_train, validation_data)" in code
    assert "history = train(scaled_model, x_train, y_train_scaled, validation_data_scaled, EPOCHS)" in code
    assert any(cell.source.startswith("## Preparation") for cell in notebook.cells if cell.cell_type == "markdown")


# ------------------------------------------------------------------------------------------------ words
@pytest.fixture(scope="module")
def buyers(tmp_path_factory):
    from designer.core.commands import History
    from designer.data.fit import plan_fit

    folder = tmp_path_factory.mktemp("buyers")
    shoppers(folder / "buyers.csv")
    g = LayerGraph()
    x = g.add("Input", shape=[7])
    x = g.add("Dense", x, units=8, activation="relu")
    g.add("Dense", x, units=2, activation="softmax")
    project = Project.single(g, training=check_training({"epochs": 2, "batch_size": 16, "seed": 1}))
    project.name = "Buyers"
    project.dataset = DatasetChoice(str(folder / "buyers.csv"), {"target": "bought"})
    History(project).push(plan_fit(project, load_dataset(project.dataset)).command())
    kinds = {node.kind for node in project.graph("model").nodes()}
    assert {"Normalization", "TextInput", "StringLookup", "Concatenate"} <= kinds
    assert project.dataset.options["text_columns"] == "in model"
    dataset, _ = trained_in_the_app(project)
    assert dataset.word_columns == ["region"]
    return folder, project, dataset


def test_a_script_reads_the_words_as_the_model_does(buyers):
    folder, project, dataset = buyers
    script = folder / "script" / "buyers.py"
    checked = export(project, dataset, script, "python")
    assert checked.ok, checked.summary

    text = script.read_text(encoding="utf-8")
    assert 'region = keras.Input(shape=(1,), dtype="string", name="region")' in text
    assert 'region_words_vocabulary = ["east", "north", "west"]' in text
    assert 'layers.StringLookup(vocabulary=region_words_vocabulary, output_mode="one_hot", name="region_words")' in text
    assert "x_train = [x_train, tf.constant(words_train[:, [0]])]" in text
    assert 'model.get_layer("standardize").adapt(x_train[0][:rows])' in text
    assert "TensorFlow string tensors" in text
    with np.load(folder / "script" / "buyers_data.npz") as data:
        assert data["words_train"].dtype.kind == "U"
        assert list(data["word_columns"]) == ["region"]

    # the script's functions, run here: the rows it reads are the app's, and its preparation learns the app's numbers
    namespace = {"__name__": "exported", "__file__": str(script)}
    exec(compile(text, str(script), "exec"), namespace)
    x_train, y_train, _, _ = namespace["load_data"]()
    model = namespace["build_model"]()
    namespace["learn_preparation"](model, x_train, y_train)
    app = trained_model(project, dataset).model
    for mine, theirs in zip(model.get_layer("standardize").get_weights(), app.get_layer("standardize").get_weights()):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5)
    # with the app's weights, the script's list of inputs (numbers, then words) gives the app's answers
    model.set_weights(app.get_weights())
    fed = dataset_rows(app, dataset, "train", project.graph("model"))
    np.testing.assert_allclose(model.predict(x_train, verbose=0), app.predict(fed, verbose=0), atol=1e-6)


def test_a_notebook_reads_the_words_as_the_model_does(buyers):
    folder, project, dataset = buyers
    checked = export(project, dataset, folder / "notebook" / "buyers.ipynb", "notebook")
    assert checked.ok, checked.summary
