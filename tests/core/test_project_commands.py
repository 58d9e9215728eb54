"""The project as the one document: dataset and training changes are undoable commands that emit the project's
events, several steps make one `Compound` done whole or not at all, and one `History` holds graph and project
edits alike."""

from __future__ import annotations

import pytest

from designer.core.catalogue import ParameterError
from designer.core.commands import AddNode, Compound, Connect, History, SetDataset, SetParameter, SetTraining
from designer.core.graph import GraphError, LayerGraph
from designer.core.project import DatasetChoice, Project


def project_with_events() -> tuple[Project, list[str]]:
    graph = LayerGraph()
    x = graph.add("Input", shape=[4], name="in")
    graph.add("Dense", x, units=3, name="out")
    project = Project.single(graph, dataset=DatasetChoice("iris"))
    seen: list[str] = []
    project.subscribe(lambda event: seen.append(event.kind))
    return project, seen


def test_choosing_a_dataset_is_undoable_and_tells_the_listeners() -> None:
    project, seen = project_with_events()
    history = History(project)
    history.push(SetDataset(DatasetChoice("digits", {"flatten": True})))
    assert project.dataset == DatasetChoice("digits", {"flatten": True}) and seen == ["dataset_changed"]
    assert not history.is_clean
    history.undo()
    assert project.dataset == DatasetChoice("iris") and seen == ["dataset_changed"] * 2
    history.redo()
    assert project.dataset.options == {"flatten": True}
    history.push(SetDataset(None))
    assert project.dataset is None
    history.undo()
    assert project.dataset.name == "digits"


def test_the_project_keeps_its_own_copy_of_a_choice() -> None:
    project, _ = project_with_events()
    choice = DatasetChoice("digits", {"flatten": True})
    History(project).push(SetDataset(choice))
    choice.options["flatten"] = False  # the caller's object changes later: the document does not
    assert project.dataset.options == {"flatten": True}


def test_a_training_setting_is_checked_undoable_and_tells_the_listeners() -> None:
    project, seen = project_with_events()
    history = History(project)
    history.push(SetTraining("learning_rate", 0.01))
    assert project.training["learning_rate"] == 0.01 and seen == ["training_changed"]
    assert history.push(SetTraining("learning_rate", 0.01)).text == "Set learning rate"
    with pytest.raises(ParameterError, match="at most 0.9"):
        history.push(SetTraining("validation_split", 2.0))
    with pytest.raises(ParameterError, match="unknown training setting"):
        history.push(SetTraining("colour", "blue"))
    assert project.training["validation_split"] == 0.2 and len(seen) == 2  # refused: nothing changed or told
    history.undo()
    history.undo()
    assert project.training["learning_rate"] == 0.001


def test_one_history_holds_graph_edits_and_project_edits() -> None:
    project, seen = project_with_events()
    graph = project.graph()
    history = History(project)
    out = graph.node_by_name("out").id
    history.push(SetParameter(out, "units", 7), graph)
    history.push(SetTraining("epochs", 3))
    history.undo()
    assert project.training["epochs"] == 10 and graph.node(out).params["units"] == 7
    history.undo()
    assert graph.node(out).params["units"] == 3
    history.redo()
    history.redo()
    assert graph.node(out).params["units"] == 7 and project.training["epochs"] == 3


def test_a_compound_is_one_step_done_whole_or_not_at_all() -> None:
    graph = LayerGraph()
    x = graph.add("Input", shape=[4], name="in")
    events = []
    graph.subscribe(lambda event: events.append(event.kind))
    history = History(graph)
    node_id = graph.new_node_id()
    history.push(Compound("Add Dense", [AddNode("Dense", (0, 100), node_id=node_id), Connect(x, node_id)]))
    assert graph.inputs_of(node_id) == [x] and events == ["node_added", "edge_added"]
    history.undo()
    assert len(graph) == 1 and not graph.edges()
    history.redo()
    assert graph.inputs_of(node_id) == [x]

    before = (len(graph), len(graph.edges()), graph.node(node_id).params["units"])
    refused = Compound("Fit", [SetParameter(node_id, "units", 5), Connect(x, node_id)])  # already connected
    with pytest.raises(GraphError, match="already connected"):
        history.push(refused)
    assert (len(graph), len(graph.edges()), graph.node(node_id).params["units"]) == before  # the first step undone
    history.undo()
    assert len(graph) == 1  # the refused compound never reached the history


def test_a_project_copy_is_independent_and_has_no_listeners() -> None:
    project, seen = project_with_events()
    copy = project.copy()
    copy.graph().set_param(copy.graph().node_by_name("out").id, "units", 9)
    copy.set_training({**copy.training, "epochs": 2})
    copy.set_dataset(DatasetChoice("moons"))
    assert project.graph().node_by_name("out").params["units"] == 3
    assert project.training["epochs"] == 10 and project.dataset.name == "iris"
    assert seen == []  # the copy's changes told nobody who listens to the original
