"""The Exercises panel (Learn → Exercises), beside the canvas: the list of exercises with a mark for each (✓ passed,
○ tried), and the open exercise — its statement, a box per question, Check (F9) with a progress bar while a check
trains, the feedback of the last check (✔ what holds, ✘ what to change), hints one at a time, and the worked
solution on request.

The panel only shows and asks: the window (designer.ui.window_exercises) opens exercises, grades, and keeps the
answers in the project through the undo stack.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QProgressBar, QPushButton, QScrollArea, QStackedWidget, QVBoxLayout, QWidget)

from designer.ui import style

PASSED_COLOUR = "#2e9e6a"
#: after the title, so that the numbers line up whatever the mark
MARKS = {"passed": "  ✓", "tried": "  ○", "": ""}


def _label(text: str = "", rich: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.RichText if rich else Qt.PlainText)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return label


class ExercisePanel(QWidget):
    #: the exercise (its index in the list) the student wants to open
    open_requested = Signal(int)
    folder_requested = Signal()
    builtin_requested = Signal()
    check_requested = Signal()
    stop_requested = Signal()
    start_over_requested = Signal()
    hint_requested = Signal()
    solution_requested = Signal()
    open_solution_requested = Signal()
    #: question id, the answer as typed
    answer_edited = Signal(str, str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.exercise = None
        self._answers: dict[str, QLineEdit] = {}
        self.pages = QStackedWidget(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.pages)
        self._make_list_page()
        self._make_exercise_page()

    # ------------------------------------------------------------------ the list
    def _make_list_page(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.source_label = _label()
        self.source_label.setStyleSheet(f"color: {style.MUTED_TEXT_COLOUR}")
        layout.addWidget(self.source_label)
        self.list = QListWidget()
        self.list.setWordWrap(True)  # long titles wrap in the narrow dock
        self.list.setSpacing(1)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.list.itemActivated.connect(lambda item: self.open_requested.emit(self.list.row(item)))
        layout.addWidget(self.list, 1)
        self.problems_label = _label()
        self.problems_label.setStyleSheet(f"color: {style.ERROR_COLOUR}")
        self.problems_label.hide()
        layout.addWidget(self.problems_label)
        buttons = QHBoxLayout()
        self.open_button = QPushButton("Open")
        self.open_button.setToolTip("Open the selected exercise: its starting network goes on the canvas")
        self.open_button.clicked.connect(lambda: self.open_requested.emit(self.list.currentRow()))
        self.folder_button = QPushButton("Folder…")
        self.folder_button.setToolTip("Open a folder of exercise files (from your teacher)")
        self.folder_button.clicked.connect(self.folder_requested)
        self.builtin_button = QPushButton("Built-in")
        self.builtin_button.setToolTip("Back to the exercises that come with the app")
        self.builtin_button.clicked.connect(self.builtin_requested)
        for button in (self.open_button, self.folder_button, self.builtin_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.pages.addWidget(page)

    def show_list(self, exercises, statuses: list[str], source: str, problems: list[str]) -> None:
        """The exercises of a folder with their marks; `problems`: the files that could not be read."""
        current = max(0, self.list.currentRow())
        self.list.clear()
        for number, (exercise, status) in enumerate(zip(exercises, statuses), 1):
            item = QListWidgetItem(f"{number}. {exercise.title}{MARKS[status]}")
            item.setToolTip(exercise.notes or exercise.title)
            if status == "passed":
                item.setForeground(Qt.darkGreen)
            self.list.addItem(item)
        self.list.setCurrentRow(min(current, self.list.count() - 1))
        done = sum(1 for s in statuses if s == "passed")
        self.source_label.setText(f"{source}: {done} of {len(statuses)} passed")
        self.problems_label.setText("\n".join(problems))
        self.problems_label.setVisible(bool(problems))
        self.builtin_button.setEnabled(source != "Built-in exercises")
        self.open_button.setEnabled(bool(exercises))

    def show_all(self) -> None:
        self.pages.setCurrentIndex(0)

    # ------------------------------------------------------------------ one exercise
    def _make_exercise_page(self) -> None:
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.back_button = QPushButton("◂ All exercises")
        self.back_button.clicked.connect(self.show_all)
        self.start_over_button = QPushButton("Start over")
        self.start_over_button.setToolTip("Put the exercise's starting network back on the canvas")
        self.start_over_button.clicked.connect(self.start_over_requested)
        top.addWidget(self.back_button)
        top.addStretch(1)
        top.addWidget(self.start_over_button)
        outer.addLayout(top)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        body = QWidget()
        self.body = QVBoxLayout(body)
        self.body.setContentsMargins(2, 2, 6, 2)
        self.title_label = _label()
        self.title_label.setStyleSheet("font-weight: bold; font-size: 12pt")
        self.notes_label = _label()
        self.notes_label.setStyleSheet(f"color: {style.MUTED_TEXT_COLOUR}")
        self.statement_label = _label()
        self.questions_box = QWidget()
        self.questions_layout = QVBoxLayout(self.questions_box)
        self.questions_layout.setContentsMargins(0, 4, 0, 4)
        self.feedback_label = _label(rich=True)
        self.hints_label = _label(rich=True)
        self.solution_label = _label(rich=True)
        self.open_solution_button = QPushButton("Open the solution as a new project")
        self.open_solution_button.clicked.connect(self.open_solution_requested)
        for widget in (self.title_label, self.notes_label, self.statement_label, self.questions_box,
                       self.feedback_label, self.hints_label, self.solution_label, self.open_solution_button):
            self.body.addWidget(widget)
        self.body.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        outer.addWidget(self.progress)
        buttons = QHBoxLayout()
        self.check_button = QPushButton("Check (F9)")
        self.check_button.setToolTip("Check your network (and your answers) against the exercise")
        self.check_button.clicked.connect(self._check_or_stop)
        self.hint_button = QPushButton("Hint")
        self.hint_button.clicked.connect(self.hint_requested)
        self.solution_button = QPushButton("Solution…")
        self.solution_button.setToolTip("The worked solution: try the hints first")
        self.solution_button.clicked.connect(self.solution_requested)
        for button in (self.check_button, self.hint_button, self.solution_button):
            buttons.addWidget(button)
        outer.addLayout(buttons)
        self.pages.addWidget(page)
        self._checking = False
        self._stale = False

    def show_exercise(self, exercise, hints_shown: int, solution_shown: bool, answers: dict[str, str]) -> None:
        self.exercise = exercise
        self.title_label.setText(exercise.title)
        self.notes_label.setText(exercise.notes)
        self.notes_label.setVisible(bool(exercise.notes))
        self.statement_label.setText(exercise.statement)
        while self.questions_layout.count():
            widget = self.questions_layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self._answers = {}
        for question in exercise.questions:
            box = QLineEdit()
            box.setPlaceholderText("your answer")
            box.setAccessibleName(question.ask)
            box.editingFinished.connect(lambda q=question.id, b=box: self.answer_edited.emit(q, b.text()))
            self._answers[question.id] = box
            self.questions_layout.addWidget(_label(question.ask))
            self.questions_layout.addWidget(box)
        self.questions_box.setVisible(bool(exercise.questions))
        self.show_answers(answers)
        self.feedback_label.clear()
        self.feedback_label.hide()
        self.show_hints(hints_shown)
        self.show_solution(solution_shown)
        self.pages.setCurrentIndex(1)

    def show_answers(self, answers: dict[str, str]) -> None:
        """The project's answers in the boxes (after an undo, or another project opened)."""
        for question, box in self._answers.items():
            if box.text() != answers.get(question, ""):
                box.setText(answers.get(question, ""))

    def answer_box(self, question: str) -> QLineEdit:
        return self._answers[question]

    def show_hints(self, shown: int) -> None:
        hints = self.exercise.hints if self.exercise else []
        shown = min(shown, len(hints))
        lines = [f"<p><b>Hint {i + 1}.</b> {html.escape(h)}</p>" for i, h in enumerate(hints[:shown])]
        self.hints_label.setText("".join(lines))
        self.hints_label.setVisible(bool(lines))
        self.hint_button.setEnabled(shown < len(hints))
        self.hint_button.setText(f"Hint ({shown + 1} of {len(hints)})" if shown < len(hints) else "No more hints")

    def show_solution(self, shown: bool) -> None:
        exercise = self.exercise
        text = exercise.explanation if exercise and shown else ""
        self.solution_label.setText(f"<p><b>Solution.</b> {html.escape(text)}</p>" if text else "")
        self.solution_label.setVisible(shown)
        self.open_solution_button.setVisible(shown)

    # ------------------------------------------------------------------ checking
    def _check_or_stop(self) -> None:
        (self.stop_requested if self._checking else self.check_requested).emit()

    def checking(self, trains: bool) -> None:
        """A check started: the button stops it; a bar moves while it trains."""
        self._checking = True
        self.check_button.setText("Stop checking")
        self.progress.setRange(0, 0)
        self.progress.setFormat("Checking…")
        self.progress.setVisible(True)
        self.feedback_label.hide()

    def training_progress(self, epoch: int, epochs: int) -> None:
        self.progress.setRange(0, max(1, epochs))
        self.progress.setValue(epoch)
        self.progress.setFormat(f"Training to check: epoch {epoch} of {epochs}")

    def checked(self, grade) -> None:
        """The result of a check: a line per check, what holds and what to change."""
        self._done_checking()
        if grade.error:
            self._feedback(f"<p style='color:{style.ERROR_COLOUR}'>✘ {html.escape(grade.error)}</p>")
            return
        passed, total = grade.score
        if grade.passed:
            head = f"<p style='color:{PASSED_COLOUR}'><b>✔ Passed: all {total} checks hold. Well done!</b></p>"
        else:
            head = f"<p><b>{passed} of {total} checks hold.</b> What to change:</p>"
        lines, seen = [], set()
        for result in sorted(grade.results, key=lambda r: {False: 0, None: 1, True: 2}[r.passed]):
            if result.feedback in seen:
                continue
            seen.add(result.feedback)
            mark, colour = {True: ("✔", PASSED_COLOUR), False: ("✘", style.ERROR_COLOUR),
                            None: ("…", style.MUTED_TEXT_COLOUR)}[result.passed]
            lines.append(f"<p style='color:{colour}; margin: 0 0 4px 0'>{mark} {html.escape(result.feedback)}</p>")
        self._feedback(head + "".join(lines))

    def project_changed(self) -> None:
        """The project changed since the last check: its feedback stays, marked as about the network before."""
        if self.feedback_label.isVisible() and not self._stale and not self._checking:
            self._stale = True
            self.feedback_label.setText(f"<p style='color:{style.MUTED_TEXT_COLOUR}'><i>From your last check; you "
                                        "have changed the project since: Check (F9) again.</i></p>"
                                        + self.feedback_label.text())

    def check_failed(self, message: str) -> None:
        self._done_checking()
        self._feedback(f"<p style='color:{style.ERROR_COLOUR}'>The check could not run: {html.escape(message)}</p>")

    def _done_checking(self) -> None:
        self._checking = False
        self.check_button.setText("Check (F9)")
        self.progress.hide()

    def _feedback(self, text: str) -> None:
        self._stale = False
        self.feedback_label.setText(text)
        self.feedback_label.setVisible(True)

    @property
    def feedback_text(self) -> str:
        return self.feedback_label.text()
