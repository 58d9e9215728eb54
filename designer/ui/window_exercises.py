"""The window's commands for exercises (Learn → Exercises, Check F9): the Exercises dock beside the canvas, opening
an exercise (its starting project replaces the open one, after the usual "save changes?"), the answers kept in the
project through the undo stack, a check run in the background (a progress bar while it trains, Stop), hints and the
solution, and the student's progress saved per user (designer.ui.app_settings.ExerciseProgress).

A mixin of `MainWindow`; it relies on the window's `project`, `path`, `set_project`, `ask_save_changes`,
`run_command`, `training_run`, `sweep_run` and `show_message`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMessageBox

from designer.core.commands import SetAnswer
from designer.ui.app_settings import ExerciseProgress
from designer.ui.background import BackgroundTask
from designer.ui.exercise_panel import ExercisePanel


class _CheckState(QObject):
    """The training state of a check that trains: epochs to the progress bar (queued to the GUI thread), Stop."""

    epoch = Signal(int, int)

    def __init__(self) -> None:
        super().__init__()
        self.epochs = 0
        self.stop = False

    def begin(self, total_epochs: int, steps_per_epoch: int) -> None:
        self.epochs = total_epochs
        self.epoch.emit(0, total_epochs)

    def epoch_end(self, epoch: int, logs) -> None:
        self.epoch.emit(epoch + 1, self.epochs)

    def should_stop(self) -> bool:
        return self.stop


class ExercisesMixin:
    def _make_exercise_dock(self) -> None:
        self.exercise_progress = ExerciseProgress()
        self.exercise_panel = ExercisePanel(self)
        self.exercise_panel.setObjectName("exercise_panel")
        self._exercise_dock = QDockWidget("Exercises", self)
        self._exercise_dock.setObjectName("exercises_dock")
        self._exercise_dock.setWidget(self.exercise_panel)
        self._exercise_dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable
                                        | QDockWidget.DockWidgetClosable)
        self.addDockWidget(Qt.LeftDockWidgetArea, self._exercise_dock)
        # beside the canvas, right of the palette: the statement and the network are read together
        self.splitDockWidget(self.palette.parentWidget(), self._exercise_dock, Qt.Horizontal)
        self._exercise_dock.hide()
        self.exercises = []
        self.exercise = None
        self._exercise_folder: str | None = None
        self._check_task = None
        self._check_state = None
        panel = self.exercise_panel
        panel.open_requested.connect(self.open_exercise)
        panel.folder_requested.connect(self.choose_exercise_folder)
        panel.builtin_requested.connect(lambda: self.load_exercises(None))
        panel.check_requested.connect(self.check_exercise)
        panel.stop_requested.connect(self.stop_check)
        panel.start_over_requested.connect(self.start_exercise_over)
        panel.hint_requested.connect(self.show_next_hint)
        panel.solution_requested.connect(self.show_solution)
        panel.open_solution_requested.connect(self.open_solution)
        panel.answer_edited.connect(self._answer_edited)
        self.undo_stack.indexChanged.connect(lambda _index: panel.project_changed())

    # ================================================================== the list
    def show_exercises(self) -> None:
        """Learn → Exercises: the dock, with the exercises of the folder last used (the built-in ones at first)."""
        if not self.exercises:
            self.load_exercises(self.exercise_progress.folder, quiet=True)
        self._exercise_dock.show()
        self._exercise_dock.raise_()
        if self._exercise_dock.width() < 300:
            self.resizeDocks([self._exercise_dock], [360], Qt.Horizontal)

    def load_exercises(self, folder: str | None, quiet: bool = False) -> bool:
        from designer.learn.exercise_files import ExerciseError, list_exercises

        try:
            listing = list_exercises(folder)
        except ExerciseError as error:
            if not quiet:
                QMessageBox.warning(self, "Exercises", str(error))
            if folder is None:
                return False
            return self.load_exercises(None, quiet=True)  # the folder last used is gone: the built-in ones
        self.exercises = listing.exercises
        self._exercise_folder = folder
        self.exercise_progress.set_folder(folder)
        self._refresh_exercise_list(listing.problems)
        self.exercise_panel.show_all()
        return True

    def _refresh_exercise_list(self, problems: list[str] | None = None) -> None:
        source = f"Exercises in {Path(self._exercise_folder).name}" if self._exercise_folder else "Built-in exercises"
        statuses = [self.exercise_progress.status(self._exercise_key(e)) for e in self.exercises]
        self.exercise_panel.show_list(self.exercises, statuses, source, problems or [])

    def _exercise_key(self, exercise) -> str:
        # a teacher's "perceptron" is not the built-in one: progress is kept per folder
        return exercise.id if self._exercise_folder is None else f"{self._exercise_folder}::{exercise.id}"

    def choose_exercise_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "A folder of exercise files",
                                                  self._exercise_folder or str(Path.home()))
        if folder:
            self.load_exercises(folder)

    # ================================================================== one exercise
    def open_exercise(self, index: int) -> None:
        """Open the exercise: its starting project goes on the canvas, unless the student keeps the project they
        saved (work on the exercise from an earlier session)."""
        if not 0 <= index < len(self.exercises):
            return
        choice = self.ask_keep_project() if self.path else "start"
        if choice is None or (choice == "start" and not self.ask_save_changes()):
            return
        self.exercise = self.exercises[index]
        if choice == "start":
            self.set_project(self.exercise.start_project(), None)
        self._show_open_exercise()
        self.show_message(f"Exercise: {self.exercise.title}. Build your network, then Check (F9).")

    def ask_keep_project(self) -> str | None:
        """A saved project is open: "keep" it to check it against the exercise, "start" from the exercise's own
        starting network, or None (cancelled)."""
        box = QMessageBox(QMessageBox.Question, "Exercises",
                          f"Work on the exercise in “{Path(self.path).name}”, the project that is open, or start "
                          "from the exercise's own starting network?", parent=self)
        keep = box.addButton("Keep my project", QMessageBox.AcceptRole)
        start = box.addButton("Start from the exercise", QMessageBox.DestructiveRole)
        box.addButton(QMessageBox.Cancel)
        box.setDefaultButton(keep)
        box.exec()
        return {keep: "keep", start: "start"}.get(box.clickedButton())

    def _show_open_exercise(self) -> None:
        key = self._exercise_key(self.exercise)
        self.exercise_panel.show_exercise(self.exercise, self.exercise_progress.hints_shown(key),
                                          self.exercise_progress.solution_seen(key), self.project.answers)

    def start_exercise_over(self) -> None:
        if self.exercise is not None and self.ask_save_changes():
            self.set_project(self.exercise.start_project(), None)
            self.exercise_panel.show_answers(self.project.answers)

    def show_next_hint(self) -> None:
        key = self._exercise_key(self.exercise)
        shown = min(len(self.exercise.hints), self.exercise_progress.hints_shown(key) + 1)
        self.exercise_progress.set_hints_shown(key, shown)
        self.exercise_panel.show_hints(shown)

    def show_solution(self) -> None:
        key = self._exercise_key(self.exercise)
        if not self.exercise_progress.solution_seen(key):
            answer = QMessageBox.question(
                self, "Exercises", "See the worked solution? You learn most by finding it yourself: the hints "
                "point the way one step at a time.", QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
            if answer != QMessageBox.Yes:
                return
        self.exercise_progress.saw_solution(key)
        self.exercise_panel.show_solution(True)

    def open_solution(self) -> None:
        if self.exercise is not None and self.ask_save_changes():
            self.set_project(self.exercise.solution_project(), None)
            self.exercise_panel.show_answers(self.project.answers)

    def _answer_edited(self, question: str, text: str) -> None:
        if self.project.answers.get(question, "") != text.strip():
            self.run_command(SetAnswer(question, text))

    def exercise_answers_changed(self) -> None:
        """The project's answers changed (typed, undone, another project opened): the boxes follow."""
        if self.exercise is not None:
            self.exercise_panel.show_answers(self.project.answers)

    # ================================================================== checking
    def check_exercise(self) -> None:
        """Check (F9): grade the open project against the open exercise, in the background."""
        from designer.learn.grading import grade

        if self.exercise is None:
            self.show_exercises()
            self.show_message("Open an exercise first (Learn → Exercises), then Check (F9).")
            return
        if self._check_task is not None and self._check_task.isRunning():
            return
        if self.exercise.trains and self._busy_training():
            self.show_message("A training run is going on: check once it ends (this check trains the network).")
            return
        focused = self.focusWidget()
        if focused in self.exercise_panel._answers.values():
            focused.editingFinished.emit()  # an answer typed but not yet confirmed counts
        exercise, project, path = self.exercise, self.project.copy(), self.path
        self._check_state = state = _CheckState()
        state.epoch.connect(self.exercise_panel.training_progress)
        self._check_task = task = BackgroundTask(lambda: grade(exercise, project, path, state), self)
        task.done.connect(lambda result, e=exercise: self._checked(e, result))
        task.failed.connect(self.exercise_panel.check_failed)
        self.exercise_panel.checking(exercise.trains)
        task.start()

    def _busy_training(self) -> bool:
        return ((self.training_run is not None and self.training_run.is_running())
                or (self.sweep_run is not None and self.sweep_run.is_running()))

    def stop_check(self) -> None:
        if self._check_state is not None:
            self._check_state.stop = True

    def _checked(self, exercise, graded) -> None:
        self.exercise_progress.checked(self._exercise_key(exercise), graded.passed)
        if exercise is self.exercise:
            self.exercise_panel.checked(graded)
        self._refresh_exercise_list()
        self.show_message("Passed: well done!" if graded.passed else "Not yet: the Exercises panel says what to change.")

    def wait_for_check(self) -> None:
        """Before the window closes: a check in flight is stopped and waited for."""
        if self._check_task is not None and self._check_task.isRunning():
            self.stop_check()
            self._check_task.wait()
