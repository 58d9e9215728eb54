"""The command-line verbs of the exercises: `exercises [FOLDER]` (one line each: id, then title), `exercise ID`
(the statement, a hint, the starting project or the worked solution written to a file) and `check EXERCISE
PROJECT...` (a grade per project, `--csv` for a mark book).

They use the same files and checks as the window's Exercises panel (designer.learn). `check` grades every project
it is given: a broken or hostile file is one failing line, never the end of the run; it exits 0 when every project
passes and 1 when any fails.
"""

from __future__ import annotations

import sys
from pathlib import Path


def add_parsers(commands) -> None:
    listing = commands.add_parser("exercises", help="list the exercises (the built-in ones, or a folder of your own)")
    listing.add_argument("folder", nargs="?", help="a folder of exercise files (default: the built-in exercises)")
    one = commands.add_parser("exercise", help="an exercise's statement and questions; its hints, starting project "
                              "or worked solution on request")
    one.add_argument("exercise", help="an exercise id (as 'designer exercises' lists them) or an exercise file")
    one.add_argument("--start", metavar="FILE", help="write the project the student starts from to FILE")
    one.add_argument("--hint", type=int, metavar="N", help="show hint N (from 1), and how many there are")
    one.add_argument("--solution", metavar="FILE", help="write the worked solution to FILE and explain it")
    one.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    check = commands.add_parser("check", help="grade project files against an exercise: pass or fail, with what "
                                "to change")
    check.add_argument("exercise", help="an exercise id or an exercise file")
    check.add_argument("projects", nargs="+", metavar="PROJECT", help="project files, or folders of them")
    check.add_argument("--csv", metavar="FILE", help="also write a mark book (one row per project) to FILE")


def _exercise(name: str):
    from designer.cli import CliError
    from designer.learn.exercise_files import ExerciseError, find_exercise

    try:
        return find_exercise(name)
    except ExerciseError as error:
        raise CliError(str(error)) from None


def cmd_exercises(args) -> int:
    from designer.cli import CliError
    from designer.learn.exercise_files import ExerciseError, list_exercises

    try:
        listing = list_exercises(args.folder)
    except ExerciseError as error:
        raise CliError(str(error)) from None
    width = max((len(e.id) for e in listing.exercises), default=0) + 2
    for exercise in listing.exercises:
        print(f"{exercise.id:<{width}}{exercise.title}")
    for problem in listing.problems:
        print(f"designer: skipped {problem}", file=sys.stderr)
    if not listing.exercises:
        raise CliError(f"{args.folder or 'the built-in folder'} holds no exercise file that can be read")
    return 1 if listing.problems else 0


def cmd_exercise(args) -> int:
    from designer.cli import CliError
    from designer.core.project_files import save_project

    exercise = _exercise(args.exercise)
    if args.hint is not None:
        if not exercise.hints:
            raise CliError(f"{exercise.id} has no hints")
        if not 1 <= args.hint <= len(exercise.hints):
            raise CliError(f"{exercise.id} has hints 1 to {len(exercise.hints)}")
        print(f"Hint {args.hint} of {len(exercise.hints)}: {exercise.hints[args.hint - 1]}")
        return 0
    for option, make in ((args.start, exercise.start_project), (args.solution, exercise.solution_project)):
        if option is None:
            continue
        target = Path(option)
        if target.exists() and not args.force:
            raise CliError(f"{target} already exists; choose another name or add --force to overwrite it")
        save_project(make(), target)
        print(f"wrote {target}", file=sys.stderr)
    if args.solution is not None:
        print(exercise.explanation or "(this exercise explains no solution)")
        return 0
    if args.start is not None:
        return 0
    print(exercise.title)
    if exercise.notes:
        print(f"({exercise.notes})")
    print()
    print(exercise.statement)
    if exercise.questions:
        print("\nQuestions (answer them in the window's Exercises panel, or in the project file's \"answers\"):")
        for question in exercise.questions:
            print(f"  {question.id}: {question.ask}")
    print(f"\nHints: {len(exercise.hints)} ('designer exercise {exercise.id} --hint 1'). "
          f"Start: 'designer exercise {exercise.id} --start FILE'; check: 'designer check {exercise.id} FILE'.")
    return 0


def project_files(paths: list[str]) -> list[str]:
    """The project files named, each folder standing for the .json files in it (in name order)."""
    from designer.cli import CliError

    found = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            inside = sorted(str(p) for p in path.glob("*.json"))
            if not inside:
                raise CliError(f"{path} holds no .json project files")
            found += inside
        else:
            found.append(name)
    return found


class _Progress:
    """A line on stderr while a grading trains (only on a terminal: a mark book run in a script stays quiet)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.epochs = 0
        self.shown = sys.stderr.isatty()

    def begin(self, total_epochs: int, steps_per_epoch: int) -> None:
        self.epochs = total_epochs

    def epoch_end(self, epoch: int, logs) -> None:
        if self.shown:
            print(f"\r{self.name}: training epoch {epoch + 1}/{self.epochs}", end="", file=sys.stderr, flush=True)

    def end(self, result) -> None:
        if self.shown:
            print("\r\033[K", end="", file=sys.stderr, flush=True)

    def should_stop(self) -> bool:
        return False


def cmd_check(args) -> int:
    from designer.learn.grading import grade_file, mark_book
    from designer.keras_bridge.shape_oracle import make_analyzer

    exercise = _exercise(args.exercise)
    files = project_files(args.projects)
    analyzer = make_analyzer()  # one Keras shape cache for the whole class: most projects share their layers
    grades = []
    for name in files:
        graded = grade_file(exercise, name, state=_Progress(name), analyzer=analyzer)
        grades.append((name, graded))
        print(graded.line(name), flush=True)
    passed = sum(1 for _, g in grades if g.passed)
    if len(files) > 1:
        print(f"{passed} of {len(files)} passed {exercise.id}", file=sys.stderr)
    if args.csv:
        Path(args.csv).write_text(mark_book(exercise, grades), encoding="utf-8", newline="")
        print(f"wrote the mark book to {args.csv}", file=sys.stderr)
    return 0 if passed == len(files) else 1
