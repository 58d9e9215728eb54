"""Every built-in exercise: its file follows the documented schema, its worked solution passes every one of its
checks (training ones included, with the grading seed), and its starting project fails with feedback that says
what to change. At least 15 of them, in the order of the course notes."""

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from designer.learn.exercise_files import builtin_folder, list_exercises, read_exercise
from designer.learn.grading import grade

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(builtin_folder().glob("*.json"))
SCHEMA = json.loads((ROOT / "designer" / "resources" / "exercise.schema.json").read_text(encoding="utf-8"))


def test_there_are_at_least_15_and_all_of_them_read():
    listing = list_exercises()
    assert listing.problems == []
    assert len(listing.exercises) >= 15
    assert len({e.id for e in listing.exercises}) == len(listing.exercises)


def test_the_schema_is_generated_from_the_checks_the_app_reads():
    run = subprocess.run([sys.executable, "tools/make_exercise_schema.py", "--check"], cwd=ROOT)
    assert run.returncode == 0, "designer/resources/exercise.schema.json is out of date: run tools/make_exercise_schema.py"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_each_file_follows_the_schema(path):
    errors = list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(json.loads(path.read_text(encoding="utf-8"))))
    assert not errors, [e.message for e in errors]


@pytest.mark.slow
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_the_solution_passes_and_the_start_fails_with_feedback(path):
    exercise = read_exercise(path)
    solved = grade(exercise, exercise.solution_project())
    assert solved.passed, solved.feedback()
    assert solved.score == (len(exercise.checks), len(exercise.checks))
    started = grade(exercise, exercise.start_project())
    assert not started.passed
    said = started.feedback()
    assert said and all(isinstance(line, str) and len(line) > 15 for line in said)
    assert exercise.hints and exercise.explanation  # help one step at a time, and the why of the solution
