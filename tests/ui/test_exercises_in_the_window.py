"""Exercises in the window, as a student uses them: Learn → Exercises (F8) opens the list beside the canvas, an
exercise's starting project goes on the canvas, Check (F9) says what to change, the student types answers and
builds the network with the mouse, the next check passes and the list marks it; hints come one at a time, the
solution only when asked; a check that trains shows its progress; progress is kept for the next session."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from designer.ui.app_settings import ExerciseProgress


def open_exercise(window, qtbot, exercise_id):
    panel = window.exercise_panel
    qtbot.keyClick(window, Qt.Key_F8)
    assert window._exercise_dock.isVisible() and panel.list.count() == len(window.exercises) > 0
    row = [e.id for e in window.exercises].index(exercise_id)
    panel.list.setCurrentRow(row)
    qtbot.mouseClick(panel.open_button, Qt.LeftButton)
    assert panel.pages.currentIndex() == 1 and window.exercise.id == exercise_id
    return panel


def check(window, qtbot):
    panel = window.exercise_panel
    qtbot.keyClick(window, Qt.Key_F9)
    qtbot.waitUntil(lambda: not panel.progress.isVisible() and panel.feedback_label.isVisible(), timeout=120_000)
    return panel.feedback_text


def choose(canvas, window, name, text):
    field = window.inspector.field(name)
    if hasattr(field, "findText") and field.findText(text) >= 0:
        field.setFocus()
        field.setCurrentIndex(field.findText(text))
    else:
        canvas.type_into(field, text)


def test_a_failed_check_then_a_passed_one(window, canvas, qtbot, monkeypatch):
    panel = open_exercise(window, qtbot, "one-neuron")
    assert len(window.project.graph()) == 0 and "w = [0.5, −0.3, 0.8]" in panel.statement_label.text()

    said = check(window, qtbot)
    assert "0 of 6 checks hold" in said and "is not answered yet" in said and "your canvas is empty" in said
    assert ExerciseProgress().status("one-neuron") == "tried"
    assert panel.list.item(0).text() == "1. One neuron by hand  ○"

    canvas.type_into(panel.answer_box("z"), "1.0")
    canvas.type_into(panel.answer_box("y"), "0,70")
    assert window.project.answers == {"z": "1.0", "y": "0,70"}
    assert window.undo_stack.undoText() == "Answer question"
    source = canvas.drop("Input", 0, 0)
    canvas.click_node(source)
    choose(canvas, window, "shape", "3")
    neuron = canvas.drop("Dense", 0, 150)
    canvas.connect(source, neuron)
    canvas.click_node(neuron)
    choose(canvas, window, "units", "2")
    choose(canvas, window, "activation", "sigmoid")
    canvas.wait_for_analysis()

    said = check(window, qtbot)
    assert "3 of 6 checks hold" in said
    assert "(0,70) is too low" in said
    assert "your Dense layer (dense) has 2 units; the network asked for has 1 unit there" in said
    assert "Total params 8: 4 too many" in said
    assert "✔ “The weighted sum z = w·x + b”: 1.0 is right" in said

    canvas.type_into(panel.answer_box("y"), "0.7311")
    canvas.click_node(neuron)
    choose(canvas, window, "units", "1")
    canvas.wait_for_analysis()
    said = check(window, qtbot)
    assert "Passed: all 6 checks hold" in said
    assert panel.list.item(0).text().endswith("  ✓") and ExerciseProgress().status("one-neuron") == "passed"

    window.undo_stack.undo()  # the units back to 2 ...
    assert "you have changed the project since" in panel.feedback_text
    window.undo_stack.undo()  # ... and the answer back to 0,70: its box follows
    assert panel.answer_box("y").text() == "0,70"

    assert panel.hint_button.text() == "Hint (1 of 4)"
    qtbot.mouseClick(panel.hint_button, Qt.LeftButton)
    qtbot.mouseClick(panel.hint_button, Qt.LeftButton)
    assert "Hint 2." in panel.hints_label.text() and "Hint 3." not in panel.hints_label.text()
    assert ExerciseProgress().hints_shown("one-neuron") == 2
    assert not panel.solution_label.isVisible()
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.Yes)
    qtbot.mouseClick(panel.solution_button, Qt.LeftButton)
    assert panel.solution_label.isVisible() and "0.7311" in panel.solution_label.text()
    assert ExerciseProgress().solution_seen("one-neuron")


def test_a_check_that_trains_shows_its_progress(window, qtbot, monkeypatch):
    panel = open_exercise(window, qtbot, "perceptron")
    assert [n.kind for n in window.project.graph().nodes()] == ["Input"]
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.Yes)
    qtbot.mouseClick(panel.solution_button, Qt.LeftButton)
    qtbot.mouseClick(panel.open_solution_button, Qt.LeftButton)
    assert [n.kind for n in window.project.graph().nodes()] == ["Input", "Dense"]
    seen = []
    panel.progress.valueChanged.connect(lambda value: seen.append(panel.progress.format()))
    said = check(window, qtbot)
    assert "Passed: all 4 checks hold" in said and "val_accuracy reached" in said
    assert any(text.startswith("Training to check: epoch") for text in seen)


def test_progress_survives_a_broken_file_and_is_kept_per_exercise(tmp_path):
    progress = ExerciseProgress(tmp_path / "exercises.json")
    assert progress.status("cnn") == "" and progress.hints_shown("cnn") == 0 and progress.folder is None
    progress.checked("cnn", passed=False)
    progress.set_hints_shown("cnn", 2)
    progress.checked("cnn", passed=True)
    progress.checked("cnn", passed=False)  # passed once stays passed
    progress.set_folder("/teacher/week3")
    again = ExerciseProgress(tmp_path / "exercises.json")
    assert (again.status("cnn"), again.hints_shown("cnn"), again.folder) == ("passed", 2, "/teacher/week3")
    (tmp_path / "exercises.json").write_text("{broken", encoding="utf-8")
    assert again.status("cnn") == "" and again.folder is None


def test_a_teachers_folder_is_loaded_and_remembered(window, qtbot, tmp_path, monkeypatch):
    import json

    from designer.learn.exercise_files import find_exercise

    folder = tmp_path / "week3"
    folder.mkdir()
    mine = json.loads(find_exercise("two-three-one").path.read_text(encoding="utf-8"))
    (folder / "01-mine.json").write_text(json.dumps({**mine, "id": "mine", "title": "My own 2-3-1"}), "utf-8")
    (folder / "02-broken.json").write_text("{", encoding="utf-8")
    panel = window.exercise_panel
    window.show_exercises()
    monkeypatch.setattr("designer.ui.window_exercises.QFileDialog.getExistingDirectory", lambda *args: str(folder))
    qtbot.mouseClick(panel.folder_button, Qt.LeftButton)
    assert [panel.list.item(i).text() for i in range(panel.list.count())] == ["1. My own 2-3-1"]
    assert panel.source_label.text() == "Exercises in week3: 0 of 1 passed"
    assert "02-broken.json: cannot be read as an exercise file" in panel.problems_label.text()
    assert ExerciseProgress().folder == str(folder)
    qtbot.mouseClick(panel.builtin_button, Qt.LeftButton)
    assert panel.list.count() >= 15 and ExerciseProgress().folder is None


def test_a_saved_project_can_be_kept_to_work_on_the_exercise(window, qtbot, tmp_path, monkeypatch):
    from designer.core.project_files import save_project
    from designer.learn.exercise_files import find_exercise

    mine = find_exercise("two-three-one").solution_project()
    save_project(mine, tmp_path / "mine.json")
    assert window.open_file(str(tmp_path / "mine.json"))
    monkeypatch.setattr(window, "ask_keep_project", lambda: "keep")  # yesterday's work, opened again
    panel = open_exercise(window, qtbot, "two-three-one")
    assert window.path == str(tmp_path / "mine.json") and len(window.project.graph()) == 3
    assert "Passed: all 5 checks hold" in check(window, qtbot)
    monkeypatch.setattr(window, "ask_keep_project", lambda: "start")
    qtbot.mouseClick(panel.back_button, Qt.LeftButton)
    qtbot.mouseClick(panel.open_button, Qt.LeftButton)
    assert window.path is None and len(window.project.graph()) == 1  # the exercise's own start: the Input
