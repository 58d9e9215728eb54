"""`designer exercises`, `designer exercise` and `designer check` as real processes: the list (one line each: id,
then title), a teacher's folder with a broken file in it, hints, the starting project and the solution written to
files, and a class of 30 project files graded at once into a CSV mark book — broken and hostile files among them
each one failing line, never a crash."""

from __future__ import annotations

import csv
import json

import pytest

from designer.core.project_files import load_project, save_project
from designer.learn.exercise_files import find_exercise

pytestmark = pytest.mark.slow  # starts the command line (and Keras) in subprocesses


def test_the_list_is_one_line_per_exercise(run_designer):
    run = run_designer("exercises")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) >= 15
    assert lines[0].split(None, 1) == ["one-neuron", "One neuron by hand"]
    assert any(line.startswith("cnn ") and "225,034" in line for line in lines)


def test_a_teachers_folder_lists_what_it_can_read_and_says_what_it_cannot(run_designer, assert_one_line_error,
                                                                           tmp_path):
    mine = json.loads(find_exercise("two-three-one").path.read_text(encoding="utf-8"))
    (tmp_path / "a.json").write_text(json.dumps({**mine, "id": "my-231", "title": "My 2-3-1"}), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps({**mine, "checks": [{"check": "eval", "code": "1"}]}),
                                     encoding="utf-8")
    run = run_designer("exercises", tmp_path)
    assert run.stdout.splitlines() == ["my-231  My 2-3-1"]
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "b.json: checks[0].check: unknown check 'eval'" in run.stderr
    assert_one_line_error(run_designer("exercises", tmp_path / "nowhere"), "no such folder")
    assert_one_line_error(run_designer("check", "no-such-exercise", tmp_path / "a.json"),
                          "there is no exercise 'no-such-exercise'", "one-neuron")


def test_statement_hints_start_and_solution(run_designer, assert_one_line_error, tmp_path):
    shown = run_designer("exercise", "one-neuron")
    assert shown.returncode == 0
    assert "One neuron by hand" in shown.stdout and "y: The neuron's output" in shown.stdout
    hint = run_designer("exercise", "one-neuron", "--hint", "2")
    assert hint.stdout.startswith("Hint 2 of 4: σ(z) = 1 / (1 + e^(−z))")
    assert_one_line_error(run_designer("exercise", "one-neuron", "--hint", "9"), "has hints 1 to 4")
    assert run_designer("exercise", "one-neuron", "--start", tmp_path / "start.json").returncode == 0
    assert len(load_project(tmp_path / "start.json").graph()) == 0  # a blank canvas
    solved = run_designer("exercise", "one-neuron", "--solution", tmp_path / "solution.json")
    assert "σ(1.0) = 1 / (1 + e^(−1)) = 0.7311" in solved.stdout
    assert load_project(tmp_path / "solution.json").answers == {"z": "1.0", "y": "0.7311"}
    assert_one_line_error(run_designer("exercise", "one-neuron", "--start", tmp_path / "start.json"),
                          "already exists")


def class_of_30(folder):
    """30 students' files for the 2 → 3 → 1 exercise: right ones, wrong ones, and files that are not projects."""
    exercise = find_exercise("two-three-one")
    expected = {}
    for n in range(30):
        path = folder / f"student{n:02}.json"
        project = exercise.solution_project()
        graph = project.graph()
        hidden, output = [node.id for node in graph.nodes() if node.kind == "Dense"]
        if n % 5 == 1:
            graph.set_param(hidden, "units", 4)
            expected[path.name] = "your first Dense layer (dense) has 4 units; the network asked for has 3 units there"
        elif n % 5 == 2:
            project.training["loss"] = "mse"
            graph.set_param(output, "activation", "softmax")
            expected[path.name] = "your second Dense layer (dense_1) has activation softmax"
        else:
            expected[path.name] = None
        save_project(project, path)
    (folder / "student05.json").write_text('{"format": "network-designer-project", "version": 1, "graphs": [',
                                           encoding="utf-8")
    expected["student05.json"] = "not a project that can be opened: the file looks cut short"
    hostile = json.loads((folder / "student10.json").read_text(encoding="utf-8"))
    hostile["graphs"][0]["nodes"][1]["kind"] = "Lambda"
    hostile["graphs"][0]["nodes"][1]["params"] = {"function": "__import__('os').system('touch pwned')"}
    (folder / "student10.json").write_text(json.dumps(hostile), encoding="utf-8")
    expected["student10.json"] = 'is of kind "Lambda", which Network Designer does not know'
    (folder / "student15.json").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    expected["student15.json"] = "not a project that can be opened"
    return expected


def test_a_class_of_30_is_graded_at_once_into_a_mark_book(run_designer, tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    expected = class_of_30(folder)
    run = run_designer("check", "two-three-one", folder, "--csv", tmp_path / "marks.csv", cwd=tmp_path)
    assert run.returncode == 1  # some failed
    assert "Traceback" not in run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 30
    passes = 0
    for line in lines:
        name = line.split(":", 1)[0].rsplit("/", 1)[-1]
        if expected[name] is None:
            assert line.endswith(": pass"), line
            passes += 1
        else:
            assert ": fail: " in line and expected[name] in line, line
    assert passes == 15
    assert "15 of 30 passed two-three-one" in run.stderr
    assert not (tmp_path / "pwned").exists()  # nothing from a file is ever executed
    with open(tmp_path / "marks.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 30 and rows[0].keys() == {"project", "exercise", "result", "checks passed", "checks",
                                                  "feedback"}
    assert sum(r["result"] == "pass" for r in rows) == 15
    broken = next(r for r in rows if r["project"].endswith("student05.json"))
    assert broken["result"] == "fail" and broken["checks"] == "5" and "looks cut short" in broken["feedback"]
    right = [r for r in rows if r["result"] == "pass"]
    assert all(r["checks passed"] == r["checks"] == "5" and r["feedback"] == "" for r in right)
    one = run_designer("check", "two-three-one", folder / "student00.json")
    assert one.returncode == 0 and one.stdout.strip().endswith("student00.json: pass")
