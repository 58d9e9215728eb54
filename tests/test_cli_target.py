"""`designer train/evaluate --data FILE --target COLUMN [--fit]`: the column to predict is chosen, never picked
silently; the project's data options stay with other data; a target the output cannot learn is refused in one
line before anything trains; --fit fits the model to the data and says what changed (issue 19, point 6)."""

import json
import shutil

import pytest

from designer.core.graph import LayerGraph
from designer.core.project import DatasetChoice, Project, check_training
from designer.core.project_files import save_project

COLUMNS = "age,income,region,bought,visits"


def write_customers(path, rows=40):
    """age, income, region (words), bought (yes/no), visits (0..13, whole numbers: 14 classes), visits last."""
    regions = ("north", "south", "east")
    lines = [f"{20 + i},{1000 + 37 * i}.5,{regions[i % 3]},{'yes' if i % 2 else 'no'},{i % 14}" for i in range(rows)]
    path.write_text(COLUMNS + "\n" + "\n".join(lines) + "\n")
    return path


def write_project(path, dataset, inputs=6):
    """A tiny classifier: `inputs` numbers in, one sigmoid unit ("verdict") out; one epoch."""
    g = LayerGraph()
    g.add("Dense", g.add("Dense", g.add("Input", shape=[inputs]), units=4, activation="relu"), units=1,
          activation="sigmoid", name="verdict")
    save_project(Project.single(g, name="Shop", dataset=dataset, training=check_training({"epochs": 1})), path)
    return path


@pytest.fixture
def shop(tmp_path):
    """A project beside customers.csv that predicts bought (the project's target, not the file's last column)."""
    write_customers(tmp_path / "customers.csv")
    return write_project(tmp_path / "shop.json", DatasetChoice("customers.csv", {"target": "bought"}))


def saved(path):
    return json.loads(path.read_text())


def output_layer(project):
    return next(n for n in project["graphs"][0]["nodes"] if n["name"] == "verdict")


def test_target_picks_the_column_and_the_other_datas_options_are_left_out_aloud(tmp_path, run_designer,
                                                                                  assert_one_line_error):
    write_customers(tmp_path / "customers.csv")
    project = write_project(tmp_path / "p.json", DatasetChoice("random_vectors", {"shape": [6], "classes": 2}))
    run = run_designer("train", project, "--data", "customers.csv", "--target", "bought", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "predicting bought (2 classes)" in run.stderr
    assert "Left out the project's data options shape [6], classes 2" in run.stderr
    record = saved(project)["runs"][-1]
    assert record["dataset"] == {"name": "customers.csv", "options": {"target": "bought"}}
    assert output_layer(saved(project))["params"]["units"] == 1  # one sigmoid unit: yes or no, as it was
    scored = run_designer("evaluate", project, "--data", "customers.csv", "--target", "bought", cwd=tmp_path)
    assert scored.returncode == 0, scored.stderr
    # the file's last column (visits, 14 classes) into the same model: said, not scored
    assert_one_line_error(run_designer("evaluate", project, "--data", "customers.csv", cwd=tmp_path),
                          "customers.csv's target visits has 14 classes", "verdict gives 1 number (sigmoid)",
                          "choose another --target, or make verdict a softmax output of 14 units.")


def test_the_projects_target_stays_with_other_data(shop, tmp_path, run_designer):
    shutil.copy(tmp_path / "customers.csv", tmp_path / "more.csv")
    run = run_designer("train", shop, "--data", "more.csv", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "predicting bought (2 classes)" in run.stderr and "Left out" not in run.stderr
    assert saved(shop)["runs"][-1]["dataset"] == {"name": "more.csv", "options": {"target": "bought"}}


def test_a_target_the_output_cannot_learn_is_refused_before_training(shop, tmp_path, run_designer,
                                                                   assert_one_line_error):
    before = shop.read_text()
    classes = run_designer("train", shop, "--data", "customers.csv", "--target", "visits", cwd=tmp_path)
    assert_one_line_error(classes, "customers.csv's target visits has 14 classes but the output layer verdict gives "
                          "1 number (sigmoid): choose another --target, or add --fit to make verdict a softmax output "
                          "of 14 units.")
    number = run_designer("train", shop, "--target", "income", cwd=tmp_path)
    assert_one_line_error(number, "customers.csv's target income is a number to predict but the output layer verdict "
                          "gives 1 number between 0 and 1 (sigmoid)", "add --fit to make verdict a linear output")
    assert shop.read_text() == before  # nothing trained, nothing recorded
    assert not list(tmp_path.glob("shop*.weights*"))


def test_fit_fits_the_model_to_the_data_and_says_what_changed(shop, tmp_path, run_designer):
    run = run_designer("train", shop, "--target", "visits", "--fit", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    said = run.stderr.splitlines()
    changes = said[said.index("Fitted the model to customers.csv:") + 1:]
    # the columns of words (region, and bought: an input when visits is the target) go into the model as words
    for change in ("input: shape (6,) → (2,)", "verdict: units 1 → 14", "verdict: activation sigmoid → softmax",
                   "region (3 words), bought (2 words): read as words inside the model",
                   "Data: text columns in model", "the project now trains on customers.csv"):
        assert any(line.strip().startswith(change) for line in changes), run.stderr
    assert "predicting visits (14 classes)" in run.stderr
    project = saved(shop)
    assert output_layer(project)["params"]["units"] == 14 and project["runs"]
    assert project["dataset"]["name"] == "customers.csv"  # from now on, without --data or --target
    assert project["dataset"]["options"]["target"] == "visits"


def test_an_unknown_column_or_a_file_without_columns_is_one_line(shop, tmp_path, run_designer, assert_one_line_error):
    assert_one_line_error(run_designer("train", shop, "--target", "colour", cwd=tmp_path),
                          "customers.csv has no column 'colour'", f"its columns are: {COLUMNS.replace(',', ', ')}")
    assert_one_line_error(run_designer("evaluate", shop, "--data", "digits", "--target", "bought", cwd=tmp_path),
                          "--target bought: digits has no columns to choose from")
    (tmp_path / "other.csv").write_text("a,b\n1,2\n3,4\n")
    assert_one_line_error(run_designer("train", shop, "--data", "other.csv", cwd=tmp_path),
                          "no column 'bought'", "the project's target: choose another with --target COLUMN")


# ----------------------------------------------------------------------------- the choice, without TensorFlow
def test_options_that_mean_something_else_are_left_out(tmp_path):
    from designer.cli_data import data_choice

    project = Project.single(LayerGraph(), dataset=DatasetChoice("sine_waves", {"target": "next", "seed": 3}))
    choice, note = data_choice(project, str(tmp_path / "p.json"), "rows.csv")
    assert choice == DatasetChoice("rows.csv", {"seed": 3})  # a sine wave's target is not a column
    assert note == "Left out the project's data option target 'next': rows.csv does not take it (the others are kept)"
    choice, note = data_choice(project, str(tmp_path / "p.json"), "rows.csv", "price")
    assert choice.options == {"seed": 3, "target": "price"} and note == ""


def test_the_projects_own_file_by_another_path_changes_nothing(tmp_path, monkeypatch):
    from designer.cli_data import data_choice, saved_choice

    (tmp_path / "work").mkdir()
    project = Project.single(LayerGraph(), dataset=DatasetChoice("work/c.csv", {"target": "bought", "scale": "none"}))
    monkeypatch.chdir(tmp_path / "work")
    choice, note = data_choice(project, str(tmp_path / "p.json"), "c.csv")
    assert choice.options == {"target": "bought", "scale": "none"} and note == ""
    assert saved_choice(choice, str(tmp_path / "p.json")) == project.dataset


def test_a_sweep_takes_the_target_too(shop, tmp_path, run_designer, assert_one_line_error):
    refused = run_designer("sweep", shop, "--data", "customers.csv", "--target", "visits",
                           "--vary", "learning_rate=0.1,0.01", cwd=tmp_path)
    assert_one_line_error(refused, "customers.csv's target visits has 14 classes")
    run = run_designer("sweep", shop, "--data", "customers.csv", "--target", "bought",
                       "--vary", "learning_rate=0.1,0.01", "--epochs", 1, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    records = saved(shop)["runs"]
    assert len(records) == 2 and all(r["dataset"]["options"]["target"] == "bought" for r in records)
