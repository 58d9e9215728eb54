"""The Data panel: choosing a dataset (undoable in the window), its preview — facts, class balance, a grid of
pictures for images, a table otherwise — and a broken file shown as a message."""

from PySide6.QtCore import Qt

from designer.core.commands import SetParameter
from designer.core.project import DatasetChoice


def choose_in_combo(qtbot, panel, name):
    combo = panel.combo
    index = combo.findData(name)
    assert index >= 0, name
    combo.setCurrentIndex(index)
    combo.activated.emit(index)  # what a click on the item sends


def test_every_dataset_is_listed_and_iris_previews_as_a_table(qtbot):
    from designer.data.registry import list_datasets
    from designer.ui.data_panel import DataPanel
    from designer.ui.data_service import DataService

    data = DataService()
    panel = DataPanel(data)
    qtbot.addWidget(panel)
    panel.show()
    names = [panel.combo.itemData(i) for i in range(panel.combo.count())]
    assert names[1:] == [info.name for info in list_datasets()]
    with qtbot.waitSignal(panel.dataset_chosen) as chosen:
        choose_in_combo(qtbot, panel, "iris")
    assert chosen.args == [DatasetChoice("iris")]
    with qtbot.waitSignal(panel.preview_ready, timeout=20_000):
        data.set_choice(DatasetChoice("iris"))
    assert "150 for training" in panel.facts.text() and "classification" in panel.facts.text()
    assert [n for _, n in panel.balance.counts] == [50, 50, 50]
    assert panel.table.isVisibleTo(panel) and panel.table.rowCount() == 30 and panel.table.columnCount() == 5
    assert panel.table.horizontalHeaderItem(4).text() == "label"
    assert panel.table.item(0, 4).text() in {"setosa", "versicolor", "virginica"}


def test_digits_preview_is_a_grid_of_labelled_pictures(qtbot):
    from designer.ui.data_panel import DataPanel
    from designer.ui.data_service import DataService

    data = DataService()
    panel = DataPanel(data)
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.waitSignal(panel.preview_ready, timeout=20_000):
        data.set_choice(DatasetChoice("digits"))
    assert panel.grid.count() == 24 and not panel.table.isVisibleTo(panel)
    first = panel.grid.itemAt(0).widget()
    captions = [label.text() for label in first.findChildren(type(panel.facts)) if label.text()]
    assert captions and captions[0] in [str(i) for i in range(10)]
    assert "(8, 8)" in panel.facts.text() and "a class number" in panel.facts.text()


def test_a_broken_file_shows_its_message_and_nothing_else(qtbot, tmp_path):
    from designer.ui.data_panel import DataPanel
    from designer.ui.data_service import DataService

    broken = tmp_path / "broken.csv"
    broken.write_text("a,b,y\n1,2,0\n3,oops,1\n4,5,0\n")
    data = DataService()
    panel = DataPanel(data)
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.waitSignal(panel.preview_ready, timeout=20_000):
        data.set_choice(DatasetChoice(str(broken)))
    assert "line 3" in panel.description.text() and "'oops' is not a number" in panel.description.text()
    assert data.dataset is None and panel.grid.count() == 0
    assert panel.combo.currentText().startswith("broken.csv")


def test_choosing_a_dataset_in_the_window_is_one_undo_step(window, qtbot):
    window.new_project("perceptron")
    before = window.project.dataset
    window.show_data_panel()
    panel, data = window.data_panel, window.data
    choose_in_combo(qtbot, panel, "moons")
    assert window.project.dataset == DatasetChoice("moons") and window.isWindowModified()
    qtbot.waitUntil(lambda: data.dataset is not None or data.error is not None, timeout=20_000)
    assert data.dataset is not None and data.dataset.name == "moons"
    window.undo_action.trigger()
    assert window.project.dataset == before and not window.isWindowModified()
    assert data.choice == before


def test_a_model_that_does_not_fit_the_data_is_marked_and_fitted_in_one_step(window, qtbot):
    window.new_project("digits_mlp")
    graph = window.current_editor().graph
    input_id = next(n.id for n in graph.nodes() if n.kind == "Input")
    output_id = graph.sinks()[0]
    window.current_editor().run(SetParameter(input_id, "shape", [784]))
    window.current_editor().run(SetParameter(output_id, "units", 3))
    panel, data = window.data_panel, window.data
    qtbot.waitUntil(lambda: data.dataset is not None, timeout=30_000)  # preloaded: digits needs no download
    scene = window.current_editor().scene
    qtbot.waitUntil(lambda: input_id in scene.data_problems and output_id in scene.data_problems, timeout=30_000)
    # the marks join the layers' own messages once Keras's report of the edited graph is in
    qtbot.waitUntil(lambda: "(8, 8)" in scene.nodes[input_id].toolTip(), timeout=30_000)
    assert "10 classes" in scene.nodes[output_id].toolTip()
    assert panel.fit_button.isVisibleTo(panel)
    steps = window.undo_stack.count()
    window.confirm_output_fix = lambda name, units: True  # the person agrees to the question
    panel.fit_button.click()
    assert graph.node(input_id).params["shape"] == [64] and graph.node(output_id).params["units"] == 10
    assert window.undo_stack.count() == steps + 1
    qtbot.waitUntil(lambda: not scene.data_problems, timeout=30_000)
    assert not panel.fit_button.isVisibleTo(panel)


def test_preparation_options_are_edited_in_the_panel_and_undone_in_the_window(window, qtbot):
    window.new_project("digits_mlp")
    window.show_data_panel()
    panel, data = window.data_panel, window.data
    qtbot.waitUntil(lambda: data.dataset is not None, timeout=30_000)
    form = panel.options_form
    assert {"scale", "flatten", "labels", "validation", "validation_rows", "seed"} <= set(form.names)
    flatten = form.field("flatten")
    qtbot.mouseClick(flatten, Qt.LeftButton, pos=flatten.rect().center())
    assert window.project.dataset.options.get("flatten") is True
    qtbot.waitUntil(lambda: data.dataset is not None and data.dataset.sample_shape == (64,), timeout=30_000)
    assert not panel.grid_host.isVisibleTo(panel)  # flat vectors are shown as a table, not pictures
    rows = form.field("validation_rows")
    rows.setFocus()
    rows.lineEdit().selectAll()
    qtbot.keyClicks(rows.lineEdit(), "300")
    qtbot.keyClick(rows.lineEdit(), Qt.Key_Return)
    assert window.project.dataset.options.get("validation_rows") == 300
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert window.project.dataset.options.get("flatten") in (None, False)
    assert panel.options_form.field("flatten").isChecked() is False


def test_choosing_other_data_fits_the_input_and_asks_about_the_output(window, qtbot):
    window.new_project("digits_mlp")
    window.show_data_panel()
    panel, data = window.data_panel, window.data
    qtbot.waitUntil(lambda: data.dataset is not None, timeout=30_000)
    asked = []
    window.confirm_output_fix = lambda name, units: asked.append((name, units)) or True
    graph = window.current_editor().graph
    input_id = next(n.id for n in graph.nodes() if n.kind == "Input")
    choose_in_combo(qtbot, panel, "iris")
    qtbot.waitUntil(lambda: graph.node(input_id).params["shape"] == [4], timeout=30_000)
    assert asked == [(graph.node(graph.sinks()[0]).name, 3)]
    assert graph.node(graph.sinks()[0]).params["units"] == 3
    window.undo_action.trigger()  # the fit
    window.undo_action.trigger()  # the choice
    assert graph.node(input_id).params["shape"] == [64] and window.project.dataset.name == "digits"


def test_the_column_to_predict_is_picked_from_the_csv_columns(window, qtbot, tmp_path):
    path = tmp_path / "houses.csv"
    path.write_text("rooms,area,price\n" + "".join(f"{i % 4 + 1},{50 + i},{100 + 7.5 * i}\n" for i in range(30)))
    window.new_project("linear_regression")
    window.show_data_panel()
    panel, data = window.data_panel, window.data
    # "rooms" is classes: the fit asks about the output layer
    window.confirm_output_fix = lambda name, units: True
    window.confirm_output_kind = lambda question: True
    panel.choose_path(str(path))
    qtbot.waitUntil(lambda: data.dataset is not None, timeout=30_000)
    assert panel.target_row.isVisibleTo(panel)
    combo = panel.target_combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["rooms", "area", "price"]
    assert combo.currentText() == "price" and data.dataset.task == "regression"
    combo.setCurrentIndex(0)
    combo.activated.emit(0)
    assert window.project.dataset.options["target"] == "rooms"
    qtbot.waitUntil(lambda: data.dataset is not None and data.dataset.task == "classification", timeout=30_000)
    assert data.dataset.class_names == ["1", "2", "3", "4"] and panel.target_combo.currentText() == "rooms"


def test_the_validation_fraction_is_edited_in_the_data_panel_and_undone(window, qtbot):
    window.new_project("digits_mlp")
    window.show_data_panel()
    panel = window.data_panel
    field = panel.split_form.field("validation_split")
    assert field.text() == "0.2"
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "0.3")
    qtbot.keyClick(field, Qt.Key_Return)
    assert window.project.training["validation_split"] == 0.3 and window.isWindowModified()
    field.selectAll()
    qtbot.keyClicks(field, "2")
    qtbot.keyClick(field, Qt.Key_Return)
    assert window.project.training["validation_split"] == 0.3 and "at most 0.9" in panel.options_error.text()
    window.undo_action.trigger()
    assert window.project.training["validation_split"] == 0.2 and field.text() == "0.2"
