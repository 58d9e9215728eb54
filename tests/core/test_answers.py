"""A student's answers to an exercise's questions are part of the project: typed as one undoable command each,
saved in the project file's "answers" (valid by the schema), read back, and a bad "answers" section is refused in
plain words with its place."""

import json
from pathlib import Path

import jsonschema
import pytest

from designer.core.commands import History, SetAnswer
from designer.core.graph import LayerGraph
from designer.core.project import Project
from designer.core.project_files import ProjectError, load_project, loads, save_project

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "designer" / "resources" / "project.schema.json")
                    .read_text(encoding="utf-8"))


def test_an_answer_is_one_undo_step_and_is_saved_with_the_project(tmp_path):
    project = Project([LayerGraph()])
    seen = []
    project.subscribe(lambda event: seen.append(event.kind))
    history = History(project)
    history.push(SetAnswer("y", " 0,7311 "))
    history.push(SetAnswer("z", "1"))
    assert project.answers == {"y": "0,7311", "z": "1"} and seen == ["answers_changed"] * 2
    history.undo()
    assert project.answers == {"y": "0,7311"}
    history.push(SetAnswer("y", ""))  # clearing an answer removes it
    assert project.answers == {}
    history.undo()
    save_project(project, tmp_path / "p.json")
    document = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert document["answers"] == {"y": "0,7311"}
    jsonschema.validate(document, SCHEMA)
    assert load_project(tmp_path / "p.json").answers == {"y": "0,7311"}
    assert project.copy().answers == {"y": "0,7311"}


def test_a_project_without_answers_writes_none():
    from designer.core.project_files import dumps

    assert "answers" not in json.loads(dumps(Project([LayerGraph()])))


@pytest.mark.parametrize("answers, words", [
    ([1, 2], "at answers: must be an object of question id -> answer"),
    ({"y": 0.73}, "at answers.y: must be a text of at most 200 characters"),
    ({"y": "x" * 201}, "at answers.y: must be a text of at most 200 characters"),
])
def test_bad_answers_are_refused_with_their_place(answers, words):
    document = {"format": "network-designer-project", "version": 1, "graphs": [{"nodes": []}], "answers": answers}
    with pytest.raises(ProjectError) as caught:
        loads(json.dumps(document))
    assert words in str(caught.value)
