"""Validation and the task in one place (the walkthrough of issue 18): the validation rows are set only in the Data
panel, beside how they are taken — the fraction the trainer holds out ("split") or the last rows ("last"), only the
field that applies shown — and the task the Data panel names is the one the model trains (an autoencoder rebuilds
its inputs, whatever the dataset's labels)."""


from designer.core.project import DatasetChoice


def test_validation_is_set_in_one_place_and_only_what_applies_is_shown(window, qtbot):
    assert "validation_split" not in window.training_settings.form.names  # not in the Settings tab any more
    window.new_project("digits_mlp")
    window._data_dock.raise_()
    panel = window.data_panel
    qtbot.waitUntil(lambda: "Task:" in panel.facts.text(), timeout=60_000)
    form = panel.options_form
    assert panel.split_form.isVisibleTo(panel) and not form.is_row_visible("validation_rows")
    combo = form.field("validation")
    combo.setFocus()
    combo.setCurrentIndex(combo.findText("last"))  # as a person picks it in the list
    qtbot.waitUntil(lambda: window.project.dataset.options.get("validation") == "last", timeout=10_000)
    form = panel.options_form
    assert not panel.split_form.isVisibleTo(panel) and form.is_row_visible("validation_rows")
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: panel.split_form.isVisibleTo(panel), timeout=10_000)
    assert not panel.options_form.is_row_visible("validation_rows")


def test_the_task_shown_is_the_one_the_model_trains(window, qtbot):
    window.new_project("digits_mlp")
    window._data_dock.raise_()
    panel = window.data_panel
    qtbot.waitUntil(lambda: "Task: <b>classification</b>" in panel.facts.text(), timeout=60_000)
    mode = window.training_settings.form.field("mode")
    mode.setFocus()
    mode.setCurrentIndex(mode.findText("autoencoder"))
    assert window.project.training["mode"] == "autoencoder"
    assert "Task: <b>rebuild each sample (autoencoder): the labels are not used</b>" in panel.facts.text()
    window.undo_stack.undo()
    assert "Task: <b>classification</b>" in panel.facts.text()
    assert window.project.dataset == DatasetChoice("digits", {"scale": "0..1", "shuffle": True})
