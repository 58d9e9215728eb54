"""Exercise files: one JSON document per exercise (format "network-designer-exercise", documented by
`resources/exercise.schema.json` and docs/exercises.md), the built-in ones under `resources/exercises/`, and a
teacher's own in any folder.

An exercise has a statement in plain words, a starting project (a template, a project written inline, or a blank
canvas), its checks (`designer.learn.checks`), hints given one at a time, and a worked solution (a project and an
explanation) shown only on request. Reading trusts nothing: a file that cannot be used raises `ExerciseError`
naming the file, the place in it and what is wrong; a folder lists the exercises it can read and says which it
could not.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from designer.core.project import DatasetChoice, Project, check_training
from designer.core.project_files import ProjectError, project_from_dict
from designer.core.templates import load_template, resources_dir
from designer.learn.check_files import TRAINING_CHECKS, read_check
from designer.learn.checks import Answer, Check, ExerciseError

FORMAT = "network-designer-exercise"
VERSION = 1
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_CHECKS = 50
MAX_HINTS = 20


@dataclass
class Exercise:
    id: str
    title: str
    statement: str
    checks: list[Check]
    #: given one at a time, in order
    hints: list[str] = field(default_factory=list)
    #: where in the course notes it comes from ("notes 003: the CNN")
    notes: str = ""
    #: how the worked solution goes, in words
    explanation: str = ""
    #: the file it was read from
    path: Path | None = None
    _start: Any = field(default=None, repr=False)
    _solution: Any = field(default=None, repr=False)

    @property
    def questions(self) -> list[Answer]:
        """The numbers the student works out and types in (answer checks, also inside any_of)."""
        return _answers(self.checks)

    @property
    def trains(self) -> bool:
        """Whether checking trains the project (a check about a training result)."""
        return any(c.trains for c in self.checks)

    def start_project(self) -> Project:
        """A new copy of the project the student starts from."""
        return _project(self._start, f"{self.id}: start")

    def solution_project(self) -> Project:
        """A new copy of the worked solution."""
        return _project(self._solution, f"{self.id}: solution")


def builtin_folder() -> Path:
    return resources_dir() / "exercises"


def read_exercise(path: str | os.PathLike) -> Exercise:
    """The exercise in the file at `path`; ExerciseError (file, place, problem) when it cannot be used."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ExerciseError(f"{path}: too big for an exercise file ({path.stat().st_size:,} bytes)")
        text = path.read_text(encoding="utf-8")
        data = json.loads(text, parse_constant=_refuse_constant)
    except ExerciseError:
        raise
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error).split("\n")[0]
        raise ExerciseError(f"{path}: cannot be read as an exercise file: {reason}") from None
    try:
        exercise = exercise_from_dict(data, default_id=path.stem)
    except ExerciseError as error:
        raise ExerciseError(f"{path}: {error}") from None
    exercise.path = path
    return exercise


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def exercise_from_dict(data: Any, default_id: str = "exercise") -> Exercise:
    """An exercise from decoded JSON; checks every field and that both of its projects can be made."""
    if not isinstance(data, dict):
        raise ExerciseError("must be a JSON object")
    allowed = {"format", "version", "id", "title", "notes", "statement", "start", "checks", "hints", "solution"}
    extra = sorted(set(data) - allowed)
    if extra:
        raise ExerciseError(f"unknown field {extra[0]!r}; known: {', '.join(sorted(allowed))}")
    if data.get("format") != FORMAT:
        raise ExerciseError(f"format: this is not a Network Designer exercise (expected \"format\": \"{FORMAT}\")")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ExerciseError("version: must be a whole number from 1")
    if version > VERSION:
        raise ExerciseError(f"version: made for a newer Network Designer (version {version}); update the app")
    ident = data.get("id", default_id)
    if not isinstance(ident, str) or not ident or len(ident) > 80 or not all(c.isalnum() or c in "-_." for c in ident):
        raise ExerciseError("id: must be letters, digits, '-', '_' or '.' (at most 80)")
    for name in ("title", "statement"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise ExerciseError(f"{name}: must be a text")
    checks_data = data.get("checks")
    if not isinstance(checks_data, list) or not checks_data or len(checks_data) > MAX_CHECKS:
        raise ExerciseError(f"checks: must be a list of 1 to {MAX_CHECKS} checks")
    checks = [read_check(c, f"checks[{i}]") for i, c in enumerate(checks_data)]
    hints = data.get("hints", [])
    if not isinstance(hints, list) or len(hints) > MAX_HINTS or not all(isinstance(h, str) and h.strip() for h in hints):
        raise ExerciseError(f"hints: must be a list of at most {MAX_HINTS} texts")
    notes = data.get("notes", "")
    if not isinstance(notes, str):
        raise ExerciseError("notes: must be a text")
    solution = data.get("solution")
    if not isinstance(solution, dict):
        raise ExerciseError("solution: must be an object with a \"template\" or a \"project\", and an \"explanation\"")
    explanation = solution.get("explanation", "")
    if not isinstance(explanation, str):
        raise ExerciseError("solution.explanation: must be a text")
    start = data.get("start", "blank")
    ids = [q.id for q in _answers(checks)]
    if len(set(ids)) != len(ids):
        raise ExerciseError("checks: two questions have the same id")
    exercise = Exercise(ident, data["title"].strip(), data["statement"].strip(), checks, [h.strip() for h in hints],
                        notes.strip(), explanation.strip(), _start=start,
                        _solution={k: v for k, v in solution.items() if k != "explanation"})
    exercise.start_project()  # both projects must be makeable: an error now, not when a student opens it
    exercise.solution_project()
    return exercise


def _answers(checks) -> list[Answer]:
    found = []
    for check in checks:
        if isinstance(check, Answer):
            found.append(check)
        found += _answers(getattr(check, "checks", ()))
    return found


def _project(spec: Any, where: str) -> Project:
    """A project from an exercise's "start" or "solution": "blank", {"template": KEY, ...changes} or
    {"project": {...a whole project document...}}; changes: "name", "dataset", "training" (settings over the
    template's), "answers"."""
    if spec == "blank":
        from designer.core.graph import LayerGraph

        return Project([LayerGraph()], name="Untitled")
    if not isinstance(spec, dict):
        raise ExerciseError(f"{where}: must be \"blank\", or an object with a \"template\" or a \"project\"")
    allowed = {"template", "project", "name", "dataset", "training", "answers"}
    extra = sorted(set(spec) - allowed)
    if extra:
        raise ExerciseError(f"{where}: unknown field {extra[0]!r}; known: {', '.join(sorted(allowed))}")
    if ("template" in spec) == ("project" in spec):
        raise ExerciseError(f"{where}: needs one of \"template\" or \"project\"")
    try:
        if "template" in spec:
            if not isinstance(spec["template"], str):
                raise ExerciseError(f"{where}.template: must be a template key")
            project = load_template(spec["template"])
        else:
            project = project_from_dict(spec["project"])
    except KeyError as error:
        raise ExerciseError(f"{where}: {error.args[0]}") from None
    except ProjectError as error:
        raise ExerciseError(f"{where}.project: {error}") from None
    if "name" in spec:
        if not isinstance(spec["name"], str):
            raise ExerciseError(f"{where}.name: must be a text")
        project.name = spec["name"]
    if "dataset" in spec:
        choice = spec["dataset"]
        if not (isinstance(choice, dict) and isinstance(choice.get("name"), str)
                and isinstance(choice.get("options", {}), dict)):
            raise ExerciseError(f"{where}.dataset: must be an object with a \"name\" and optional \"options\"")
        project.dataset = DatasetChoice(choice["name"], dict(choice.get("options", {})))
    if "training" in spec:
        if not isinstance(spec["training"], dict):
            raise ExerciseError(f"{where}.training: must be an object of settings")
        try:
            project.training = check_training({**project.training, **spec["training"]})
        except ValueError as error:
            raise ExerciseError(f"{where}.training: {error}") from None
    if "answers" in spec:
        answers = spec["answers"]
        if not isinstance(answers, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                    for k, v in answers.items()):
            raise ExerciseError(f"{where}.answers: must be an object of question id -> answer text")
        project.answers = dict(answers)
    return project


@dataclass
class Listing:
    exercises: list[Exercise]
    #: one line per file that could not be read
    problems: list[str]


def list_exercises(folder: str | os.PathLike | None = None) -> Listing:
    """The exercises of a folder (the built-in ones when None), in file-name order; unreadable files are said."""
    folder = Path(folder) if folder is not None else builtin_folder()
    if not folder.is_dir():
        raise ExerciseError(f"{folder}: no such folder")
    found, problems, ids = [], [], set()
    for path in sorted(folder.glob("*.json")):
        try:
            exercise = read_exercise(path)
        except ExerciseError as error:
            problems.append(str(error))
            continue
        if exercise.id in ids:
            problems.append(f"{path}: another exercise of this folder has the id {exercise.id!r}")
            continue
        ids.add(exercise.id)
        found.append(exercise)
    return Listing(found, problems)


def find_exercise(name: str) -> Exercise:
    """A built-in exercise by id, or the exercise file at a path."""
    if name.lower().endswith(".json") or os.sep in name or "/" in name:
        return read_exercise(name)
    listing = list_exercises()
    for exercise in listing.exercises:
        if exercise.id == name:
            return exercise
    known = ", ".join(e.id for e in listing.exercises)
    raise ExerciseError(f"there is no exercise {name!r}; the built-in ones are: {known}")


__all__ = ["Exercise", "ExerciseError", "Listing", "TRAINING_CHECKS", "builtin_folder", "exercise_from_dict",
           "find_exercise", "list_exercises", "read_exercise"]
