"""A table's columns in the Data panel and after it (issue 19): a CSV asks which column to predict before the model
is fitted to it, a new target refits the Input, the next file keeps the options chosen for the last one, and the
values are named as the file names them ("age", "region=east") in the preview, the live panels and the exported
code."""

import numpy as np

from designer.core.project import DatasetChoice

REGIONS = ("east", "west", "north")
#: the inputs of shop.csv when it predicts "bought": the words of "region" one-hot, in sorted order
BOUGHT_INPUTS = ["age", "income", "region=east", "region=north", "region=west", "visits"]


def write_shop(path, tenure=False, bought=True):
    """40 customers: age, income, region (words), [tenure], [bought (yes/no)], visits (0..9: the last column, so
    the default target, ten classes)."""
    columns = ["age", "income", "region"] + ["tenure"] * tenure + ["bought"] * bought + ["visits"]
    lines = [",".join(columns)]
    for i in range(40):
        row = {"age": 20 + i, "income": 20_000 + 1_500 * (i % 7), "region": REGIONS[i % 3], "tenure": i % 5,
               "bought": "yes" if i % 4 == 0 else "no", "visits": i % 10}
        lines.append(",".join(str(row[name]) for name in columns))
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def pick_target(panel, column):
    """Choose a column in the "Predict the column" combo, as a click on its item does."""
    combo = panel.target_combo
    index = combo.findText(column)
    assert index >= 0, column
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def headers(table):
    return [table.horizontalHeaderItem(j).text() for j in range(table.columnCount())]


def answer_questions(window, yes):
    """Answer the fit's questions about the output layer (its units, or its kind) as the person would, without a
    dialog; the list of the questions asked."""
    asked = []
    window.confirm_output_fix = lambda name, units: asked.append(f"{name}: {units} units") or yes
    window.confirm_output_kind = lambda question: asked.append(question) or yes
    return asked


def input_shape(graph):
    return next(n for n in graph.nodes() if n.kind == "Input").params["shape"]


# ------------------------------------------------------------------------------------------------ in the window
def test_a_csv_asks_for_its_target_first_and_the_next_file_keeps_it_and_its_options(window, qtbot, tmp_path):
    window.new_project("feedforward_binary")  # Input [10], one sigmoid unit out
    window.show_data_panel()
    panel, data = window.data_panel, window.data
    graph = window.current_editor().graph
    asked = answer_questions(window, yes=True)

    panel.choose_path(write_shop(tmp_path / "shop.csv"))
    qtbot.waitUntil(lambda: data.dataset is not None and panel.target_row.isVisibleTo(panel), timeout=30_000)
    # the column to predict is asked for first: nothing fitted, no question about the output's units yet
    assert panel.target_prompt.isVisibleTo(panel) and panel.target_button.isVisibleTo(panel)
    assert panel.target_combo.currentText() == "visits"
    assert asked == [] and input_shape(graph) == [10]

    pick_target(panel, "bought")
    assert window.project.dataset.options["target"] == "bought"
    # "bought" left the inputs, "visits" joined; the words of region are read by the model: the Input takes the
    # three numbers
    qtbot.waitUntil(lambda: input_shape(graph) == [3], timeout=30_000)
    assert asked == []  # yes/no: the one sigmoid unit fits
    assert not panel.target_prompt.isVisibleTo(panel) and not panel.target_button.isVisibleTo(panel)
    assert window.project.dataset.options["text_columns"] == "in model"
    qtbot.waitUntil(lambda: panel.table.columnCount() == 5, timeout=30_000)
    assert headers(panel.table) == ["age", "income", "visits", "region", "bought"]

    # fitted to a table, the model standardizes the rows itself (its first layer): the data goes in raw
    assert [n.kind for n in graph.nodes()].count("Normalization") == 1
    assert window.project.dataset.options["scale"] == "none"
    seed = panel.options_form.field("seed")
    seed.setValue(7)
    assert window.project.dataset.options["seed"] == 7

    # the next file has the column "bought" too: it keeps the target and the options, and is fitted as it loads
    panel.choose_path(write_shop(tmp_path / "shop_2024.csv", tenure=True))
    choice = window.project.dataset
    assert choice.name.endswith("shop_2024.csv")
    assert choice.options["target"] == "bought" and choice.options["seed"] == 7 and choice.options["scale"] == "none"
    qtbot.waitUntil(lambda: input_shape(graph) == [4], timeout=30_000)  # one more input: tenure
    assert asked == [] and not panel.target_prompt.isVisibleTo(panel)
    assert panel.options_form.field("scale").currentText() == "none"
    assert panel.target_combo.currentText() == "bought"

    # one without it: the options stay, the column to predict is asked for again, and nothing is fitted
    panel.choose_path(write_shop(tmp_path / "visits_only.csv", bought=False))
    assert "target" not in window.project.dataset.options
    assert window.project.dataset.options["seed"] == 7
    qtbot.waitUntil(lambda: data.dataset is not None and panel.target_prompt.isVisibleTo(panel), timeout=30_000)
    assert asked == [] and input_shape(graph) == [4]


def test_use_this_column_fits_and_asks_then_another_target_refits_the_input(window, qtbot, tmp_path):
    window.new_project("feedforward_binary")
    window.show_data_panel()
    panel, data = window.data_panel, window.data
    graph = window.current_editor().graph
    asked = answer_questions(window, yes=False)  # the output stays as it is

    panel.choose_path(write_shop(tmp_path / "shop.csv"))
    qtbot.waitUntil(lambda: data.dataset is not None and panel.target_button.isVisibleTo(panel), timeout=30_000)
    assert asked == []
    panel.target_button.click()  # the column shown: "visits", ten classes
    assert window.project.dataset.options["target"] == "visits"
    qtbot.waitUntil(lambda: input_shape(graph) == [2], timeout=30_000)  # region and bought: read as words
    assert len(asked) == 1 and "10" in asked[0]  # asked once the person chose: ten classes
    assert not panel.target_button.isVisibleTo(panel)

    pick_target(panel, "bought")
    qtbot.waitUntil(lambda: input_shape(graph) == [3], timeout=30_000)
    assert len(asked) == 1  # two classes, one sigmoid unit: nothing more to ask
    # bought is the target now: its text input is gone, region's stays
    assert sorted(n.params["column"] for n in graph.nodes() if n.kind == "TextInput") == ["region"]
    window.undo_action.trigger()  # the fit
    assert input_shape(graph) == [2]


# ------------------------------------------------------------------------------------------------ the panel alone
def test_the_preview_names_the_columns_of_a_table(qtbot, tmp_path):
    from designer.ui.data_panel import DataPanel
    from designer.ui.data_service import DataService

    data = DataService()
    panel = DataPanel(data)
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.waitSignal(panel.preview_ready, timeout=20_000):
        data.set_choice(DatasetChoice(write_shop(tmp_path / "shop.csv"), {"target": "bought"}))
    assert data.dataset.feature_names == BOUGHT_INPUTS
    assert headers(panel.table) == BOUGHT_INPUTS + ["bought"]
    assert not panel.target_prompt.isVisibleTo(panel)  # chosen already


def test_the_next_file_takes_only_the_options_that_apply_to_it(tmp_path):
    from designer.ui.data_choices import options_for_file, table_columns

    shop = write_shop(tmp_path / "shop.csv")
    other = write_shop(tmp_path / "other.csv", tenure=True)
    without = write_shop(tmp_path / "without.csv", bought=False)
    chosen = DatasetChoice(shop, {"target": "bought", "task": "classification", "scale": "standardize",
                                  "shuffle": True, "seed": 7, "validation": "last", "validation_rows": 5})
    kept = {"scale": "standardize", "shuffle": True, "seed": 7, "validation": "last", "validation_rows": 5}
    assert options_for_file(chosen, other) == {**kept, "target": "bought", "task": "classification"}
    assert options_for_file(chosen, without) == kept
    # a generated set's own options (samples, noise) and its "target" are not a file's
    assert options_for_file(DatasetChoice("sine_waves", {"target": "next", "samples": 50, "scale": "0..1"}),
                            other) == {"scale": "0..1"}
    assert options_for_file(None, other) == {}
    # the columns as the reader names them: a file without a header is numbered as a spreadsheet does
    (tmp_path / "numbers.csv").write_text("1;2;3\n4;5;6\n")
    assert table_columns(str(tmp_path / "numbers.csv")) == ["column 1", "column 2", "column 3"]
    assert table_columns(other) == ["age", "income", "region", "tenure", "bought", "visits"]
    assert table_columns(str(tmp_path / "missing.csv")) is None


def test_the_model_is_fitted_to_a_table_once_its_target_is_chosen():
    from designer.ui.data_choices import fit_when_loaded

    csv, other = "/data/shop.csv", "/data/other.csv"
    assert not fit_when_loaded(DatasetChoice("digits"), DatasetChoice(csv))  # the target is asked for first
    assert fit_when_loaded(DatasetChoice(csv), DatasetChoice(csv, {"target": "bought"}))
    assert fit_when_loaded(DatasetChoice(csv, {"target": "bought"}), DatasetChoice(csv, {"target": "visits"}))
    assert fit_when_loaded(DatasetChoice(csv, {"target": "bought"}),
                           DatasetChoice(csv, {"target": "bought", "task": "regression"}))
    assert not fit_when_loaded(DatasetChoice(csv, {"target": "bought"}),
                               DatasetChoice(csv, {"target": "bought", "scale": "standardize"}))
    assert fit_when_loaded(DatasetChoice(csv, {"target": "bought"}), DatasetChoice(other, {"target": "bought"}))
    assert fit_when_loaded(DatasetChoice(csv), DatasetChoice("iris"))
    assert not fit_when_loaded(DatasetChoice("iris"), None)


# ------------------------------------------------------------------------------------------------ after the panel
def shop_dataset(rows=12):
    """A loaded shop.csv predicting "bought", as the registry makes it (names included)."""
    from designer.data.dataset import Dataset

    rng = np.random.default_rng(0)
    return Dataset("/data/shop.csv", "shop.csv", "Your file shop.csv", "classification",
                   rng.random((rows, 6)).astype(np.float32), (np.arange(rows) % 2).astype(np.int64),
                   class_names=["no", "yes"], options={"target": "bought"},
                   columns=["age", "income", "region", "bought", "visits"], feature_names=list(BOUGHT_INPUTS))


def test_a_dataset_names_its_values_or_numbers_them():
    dataset = shop_dataset()
    assert dataset.input_names == BOUGHT_INPUTS
    dataset.feature_names = None
    assert dataset.input_names == [f"x{i}" for i in range(6)]
    dataset.feature_names = ["age"]  # not one per value: not trusted
    assert dataset.input_names[:2] == ["x0", "x1"]


def test_the_activation_bars_and_the_boundary_are_labelled_with_the_names(qtbot):
    from designer.training.insights import Observer, Snapshot
    from designer.ui.insights.activations import ActivationsPanel, name_ticks, named_values, short_name
    from designer.ui.insights.boundary import BoundaryPanel

    dataset = shop_dataset()
    pair = (dataset.x_train, dataset.y_train)
    assert Observer("supervised", dataset, pair, pair).input_names == BOUGHT_INPUTS  # what the snapshots carry
    reshaped = (dataset.x_train.reshape(-1, 6, 1), dataset.y_train)  # an Input of (6, 1) reads one value per name
    assert Observer("supervised", dataset, reshaped, reshaped).input_names == BOUGHT_INPUTS

    # every name fits: all shown, long ones shortened; crowded: every k-th, never two touching
    assert name_ticks(BOUGHT_INPUTS, 700) == list(enumerate(BOUGHT_INPUTS))
    assert short_name("a very long column name") == "a very long…"
    crowded = name_ticks([f"feature {i}" for i in range(30)], 300)
    assert crowded[0] == (0, "feature 0") and 1 < len(crowded) < 30
    assert all(b[0] - a[0] == crowded[1][0] for a, b in zip(crowded, crowded[1:]))

    panel = ActivationsPanel()
    qtbot.addWidget(panel)
    samples = dataset.x_train[:8]
    shot = Snapshot(0, samples=samples, input_names=list(BOUGHT_INPUTS),
                    activations=[("dense", np.ones((8, 4), dtype=np.float32))])
    assert panel.show_snapshot(shot)
    assert panel.input_names == BOUGHT_INPUTS
    assert panel.sample_view.toolTip() == named_values(BOUGHT_INPUTS, samples[0])
    assert panel.sample_view.toolTip().splitlines()[2].startswith("region=east: ")
    assert panel.sample_view.width() > 220  # widened for the names
    panel.show_snapshot(Snapshot(1, samples=samples, activations=shot.activations))  # data without names
    assert panel.input_names is None and panel.sample_view.toolTip() == "" and panel.sample_view.width() == 220

    boundary = BoundaryPanel()
    qtbot.addWidget(boundary)
    axis = boundary.plot.getPlotItem().getAxis
    grid = {"xs": np.linspace(0, 1, 4), "ys": np.linspace(0, 1, 4), "classes": np.zeros((4, 4), dtype=np.int64),
            "points": np.zeros((2, 2)), "labels": np.array([0, 1]), "class_names": ["no", "yes"]}
    assert boundary.show_snapshot(Snapshot(0, input_names=["age", "income"], boundary=grid))
    assert (axis("bottom").labelText, axis("left").labelText) == ("age", "income")
    boundary.reset()
    assert axis("bottom").labelText == "first input"


def test_the_exported_code_names_the_columns_it_reads():
    from designer.core.commands import SetParameter
    from designer.core.project import check_training
    from designer.core.templates import load_template
    from designer.exchange.script_data import data_code

    graph = load_template("feedforward_binary").graph("model")
    SetParameter(next(n.id for n in graph.nodes() if n.kind == "Input"), "shape", [6]).do(graph)
    dataset = shop_dataset()
    code = data_code(dataset, graph, check_training({"epochs": 1}), False, "shop_data.npz")
    names = ", ".join(f'"{name}"' for name in BOUGHT_INPUTS)
    assert f"    #   [{names}]" in code.code.splitlines()
    assert "age, income, region=east, region=north, region=west, visits; it predicts bought." in code.story
    assert list(code.arrays["feature_names"]) == BOUGHT_INPUTS
    compile(code.code, "load_data", "exec")
    dataset.feature_names = None  # data without names: no comment, no array
    code = data_code(dataset, graph, check_training({"epochs": 1}), False, "shop_data.npz")
    assert "feature_names" not in code.arrays and "# the inputs of each row" not in code.code


def test_a_folder_that_cannot_be_read_hides_the_tables_column_to_predict(window, qtbot, tmp_path):
    window.new_project("feedforward_binary")
    window.show_data_panel()
    panel, data = window.data_panel, window.data
    answer_questions(window, yes=True)
    panel.choose_path(write_shop(tmp_path / "shop.csv"))
    qtbot.waitUntil(lambda: data.dataset is not None and panel.target_row.isVisibleTo(panel), timeout=30_000)
    (tmp_path / "shapes" / "squares").mkdir(parents=True)
    (tmp_path / "shapes" / "circles").mkdir(parents=True)
    for folder in ("squares", "circles"):
        (tmp_path / "shapes" / folder / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(40))
    panel.choose_path(str(tmp_path / "shapes"))
    qtbot.waitUntil(lambda: data.error is not None and "bad.png" in panel.description.text(), timeout=30_000)
    assert "function_node" not in panel.description.text()
    assert not panel.target_row.isVisibleTo(panel)
