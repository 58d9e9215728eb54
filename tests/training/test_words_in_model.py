"""A table's columns of words read inside the model: Fit model to data adds a text input and a string lookup per
column, the model trains on the words as they are in the file, and the saved model answers raw rows — words
included — in plain Keras in a fresh process."""

import json
import subprocess
import sys

import numpy as np
import pytest

from designer.core.commands import History
from designer.core.graph import LayerGraph
from designer.core.project import DatasetChoice, Project, check_training
from designer.data.fit import plan_fit
from designer.data.registry import load_dataset
from designer.training.engine import fit, plan_training

REGIONS = ("east", "north", "west")


def customers(path, rows=160, seed=4):
    """Whether a customer buys depends mostly on the region (a word), a little on the income (thousands)."""
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 80, rows)
    income = rng.uniform(15_000, 90_000, rows)
    region = rng.choice(REGIONS, rows)
    bought = np.where(region == "north", "yes", np.where(region == "west", income > 50_000, False))
    bought = np.where(bought == "yes", "yes", np.where(bought == "True", "yes", "no"))
    lines = ["age,region,income,bought"] + [f"{a},{r},{i:.0f},{b}" for a, r, i, b in zip(age, region, income, bought)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return age, region, income, bought


def classifier(inputs: int) -> LayerGraph:
    g = LayerGraph()
    x = g.add("Input", shape=[inputs])
    x = g.add("Dense", x, units=16, activation="relu")
    g.add("Dense", x, units=2, activation="softmax")
    return g


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("customers")
    columns = customers(folder / "customers.csv")
    project = Project.single(classifier(7), training=check_training(
        {"epochs": 60, "batch_size": 16, "seed": 2, "learning_rate": 0.02, "validation_split": 0.25,
         "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]}))
    project.dataset = DatasetChoice(str(folder / "customers.csv"), {"target": "bought"})
    plan = plan_fit(project, load_dataset(project.dataset))
    History(project).push(plan.command())
    return folder, project, plan, columns


def test_fit_puts_the_words_into_the_model(fitted):
    folder, project, plan, _ = fitted
    graph = project.graph("model")
    text = [n for n in graph.nodes() if n.kind == "TextInput"]
    assert [(n.name, n.params["column"]) for n in text] == [("region", "region")]
    lookup = graph.node(graph.outputs_of(text[0].id)[0])
    assert lookup.kind == "StringLookup" and lookup.params["vocabulary"] == list(REGIONS)
    join = graph.node(graph.outputs_of(lookup.id)[0])
    assert join.kind == "Concatenate"
    assert [graph.node(s).name for s in graph.inputs_of(join.id)] == ["standardize", lookup.name]
    numbers = next(n for n in graph.nodes() if n.kind == "Input")
    assert numbers.params["shape"] == [2]  # age and income; the region is no longer three one-hot values
    assert project.dataset.options["text_columns"] == "in model"
    assert any(line.startswith("region (3 words): read as words inside the model") for line in plan.lines)
    # the canvas places every new layer on a free spot
    places = [tuple(n.position) for n in graph.nodes()]
    assert len(set(places)) == len(places)
    assert plan_fit(project, load_dataset(project.dataset)).command() is None  # fitted: nothing more to change


def test_fit_is_one_undo_step(tmp_path):
    customers(tmp_path / "c.csv", rows=40)
    project = Project.single(classifier(7))
    project.dataset = DatasetChoice(str(tmp_path / "c.csv"), {"target": "bought"})
    before = project.graph("model").copy()
    history = History(project)
    history.push(plan_fit(project, load_dataset(project.dataset)).command())
    history.undo()
    assert [n.kind for n in project.graph("model").nodes()] == [n.kind for n in before.nodes()]
    assert "text_columns" not in project.dataset.options


def test_the_model_learns_from_the_words_and_answers_raw_rows_in_a_fresh_process(fitted):
    folder, project, _, (age, region, income, bought) = fitted
    dataset = load_dataset(project.dataset)
    assert dataset.word_columns == ["region"] and dataset.words_train.shape[1] == 1
    result = fit(plan_training(project, dataset))
    assert result.history["val_accuracy"][-1] >= 0.85, result.history["val_accuracy"]
    model_file = folder / "model.keras"
    result.model.save(model_file)
    script = (
        "import json, sys, numpy as np, keras, tensorflow as tf\n"
        "model = keras.models.load_model(sys.argv[1])\n"
        "numbers, words = json.loads(sys.argv[2])\n"
        "out = model.predict([np.array(numbers, dtype='float32'), tf.constant(words)], verbose=0)\n"
        "print(json.dumps(out.argmax(axis=1).tolist()))\n"
    )
    rows = list(range(30))
    numbers = [[float(age[i]), float(income[i])] for i in rows]
    words = [[str(region[i])] for i in rows]
    done = subprocess.run([sys.executable, "-c", script, str(model_file), json.dumps([numbers, words])],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    answers = json.loads(done.stdout.strip().splitlines()[-1])
    classes = dataset.class_names
    right = sum(classes[a] == bought[i] for a, i in zip(answers, rows))
    assert right >= 24, (right, answers)
    # a word the file never had still gets an answer (the lookup's unknown unit)
    unseen = result.model.predict([np.array([[40.0, 50_000.0]], "float32"),
                                   __import__("tensorflow").constant([["south"]])], verbose=0)
    assert unseen.shape == (1, 2) and np.isfinite(unseen).all()


def test_scores_exports_and_refusals(fitted):
    from designer.exchange.export import ExportError, ExportRequest, export_project
    from designer.training.scoring import trained_model

    folder, project, _, _ = fitted
    dataset = load_dataset(project.dataset)
    if not project.trained:
        project.trained = fit(plan_training(project, dataset, epochs=3)).trained
    scores = trained_model(project, dataset).score()
    assert 0.0 <= scores.values["accuracy"] <= 1.0
    checked = export_project(project, dataset, ExportRequest("keras", str(folder / "export.keras")))
    assert checked.ok, checked.summary
    checked = export_project(project, dataset, ExportRequest("savedmodel", str(folder / "saved")))
    assert checked.ok, checked.summary
    for format_ in ("tflite", "onnx"):
        with pytest.raises(ExportError, match=r"reads words \(region\).*\.keras file or a SavedModel"):
            export_project(project, dataset, ExportRequest(format_, str(folder / f"m.{format_}")))


def test_a_model_reading_words_without_them_in_the_data_is_refused_in_words(fitted):
    from designer.training.engine import TrainingError

    folder, project, _, _ = fitted
    one_hot = project.copy()
    one_hot.dataset = DatasetChoice(project.dataset.name, {**project.dataset.options, "text_columns": "one-hot"})
    with pytest.raises(TrainingError, match="reads the text column 'region'"):
        plan_training(one_hot, load_dataset(one_hot.dataset))


def test_a_model_built_for_the_one_hot_values_or_one_hot_chosen_keeps_them(tmp_path):
    """Words go into the model when Fit would change the Input anyway; a model whose Input already takes the one-hot
    values (2 numbers + 3 regions), or text columns set to one-hot in the Data panel, keeps the data's encoding."""
    customers(tmp_path / "c.csv", rows=40)
    for graph, options in ((classifier(5), {"target": "bought"}),
                           (classifier(7), {"target": "bought", "text_columns": "one-hot"})):
        project = Project.single(graph)
        project.dataset = DatasetChoice(str(tmp_path / "c.csv"), options)
        plan = plan_fit(project, load_dataset(project.dataset))
        History(project).push(plan.command())
        assert not [n for n in project.graph("model").nodes() if n.kind == "TextInput"], plan.lines
        assert project.dataset.options.get("text_columns", "auto") != "in model"
        assert next(n for n in project.graph("model").nodes() if n.kind == "Input").params["shape"] == [5]


def test_another_target_refits_the_words_the_model_reads(tmp_path):
    """Fitted to predict visits, bought is a column of words read by the model; predicting bought instead, its text
    input and lookup go (it is the target now) and region's stay."""
    customers(tmp_path / "c.csv", rows=40)
    text = (tmp_path / "c.csv").read_text().splitlines()
    visits = [str(i % 4) for i in range(len(text) - 1)]
    (tmp_path / "c.csv").write_text("\n".join([text[0] + ",visits"] + [f"{row},{v}" for row, v in zip(text[1:], visits)]))
    project = Project.single(classifier(9))  # not the 7 one-hot values: Fit reads the words in the model
    history = History(project)
    project.dataset = DatasetChoice(str(tmp_path / "c.csv"), {"target": "visits"})
    history.push(plan_fit(project, load_dataset(project.dataset)).command())
    columns = lambda: sorted(n.params["column"] for n in project.graph("model").nodes() if n.kind == "TextInput")
    assert columns() == ["bought", "region"]
    project.dataset = DatasetChoice(str(tmp_path / "c.csv"), {**project.dataset.options, "target": "bought"})
    plan = plan_fit(project, load_dataset(project.dataset))
    history.push(plan.command())
    assert columns() == ["region"], plan.lines
    assert any(line.startswith("bought: no longer an input of words") for line in plan.lines)
    assert [n.kind for n in project.graph("model").nodes()].count("StringLookup") == 1
    result = fit(plan_training(project, load_dataset(project.dataset), epochs=1))
    assert np.isfinite(result.history["loss"][-1])
