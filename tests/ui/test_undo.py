"""The window's undo stack holds core commands only, each with the document it edits, one entry per edit (no Qt
macros): the same command objects in a core `History` do and undo exactly what the window does."""

from PySide6.QtCore import Qt

from designer.core.commands import Command, History
from designer.core.project_files import dumps
from designer.ui.undo import CoreUndoCommand


def double_click_in_palette(qtbot, window, key):
    palette = window.palette
    item = palette.item_for(key)
    palette.tree.scrollToItem(item)
    qtbot.mouseDClick(palette.tree.viewport(), Qt.LeftButton, pos=palette.tree.visualItemRect(item).center())


def type_setting(qtbot, form, name, text):
    field = form.field(name)
    line_edit = field.lineEdit() if hasattr(field, "lineEdit") and field.lineEdit() else field
    line_edit.setFocus()
    line_edit.selectAll()
    qtbot.keyClicks(line_edit, text)
    qtbot.keyClick(line_edit, Qt.Key_Return)


def test_the_window_and_a_core_history_do_and_undo_the_same_commands(window, qtbot):
    window.new_project("digits_mlp")
    project, graph = window.project, window.current_editor().graph
    before = dumps(project)
    # a graph edit of two steps, a dataset choice, a training setting, a delete of several things: four edits
    window.current_editor().scene.select_nodes([graph.sinks()[0]])
    double_click_in_palette(qtbot, window, "Dropout")
    window.show_data_panel()
    qtbot.waitUntil(lambda: window.data.dataset is not None, timeout=30_000)
    flatten = window.data_panel.options_form.field("flatten")  # the same data, prepared otherwise: nothing to fit
    qtbot.mouseClick(flatten, Qt.LeftButton, pos=flatten.rect().center())
    type_setting(qtbot, window.training_settings.form, "learning_rate", "0.05")
    window.current_editor().scene.select_nodes([graph.sinks()[0]])
    window.delete_action.trigger()
    after = dumps(project)
    stack = window.undo_stack
    entries = [stack.command(i) for i in range(stack.count())]
    assert [e.text() for e in entries] == ["Add Dropout", "Choose dataset", "Set learning rate", "Delete"]
    assert all(isinstance(e, CoreUndoCommand) and isinstance(e.command, Command) and e.childCount() == 0
               for e in entries)
    assert [e.target for e in entries] == [graph, project, project, graph]

    window.undo_action.trigger()
    window.undo_action.trigger()
    assert project.training["learning_rate"] == 0.01 and window.training_settings.form.field("learning_rate").text() == "0.01"
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert dumps(project) == before and window.data.choice.options.get("flatten") in (None, False)

    # the same commands, done and undone by the core's own history on the same documents
    history = History(project)
    for entry in entries:
        history.push(entry.command, entry.target)
    assert dumps(project) == after
    while history.undo():
        pass
    assert dumps(project) == before
