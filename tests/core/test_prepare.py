"""Fitting a model to a person's table puts the preparation into the model, one undo step, said in words."""

from designer.core.commands import Compound, History
from designer.core.graph import LayerGraph
from designer.core.prepare import gives_target_units, prepares_inputs, preparation_steps
from designer.core.project import DatasetChoice, Project


def classifier() -> Project:
    g = LayerGraph()
    x = g.add("Input", shape=[3])
    x = g.add("Dense", x, units=8, activation="relu")
    g.add("Dense", x, units=1, activation="linear", name="price")
    project = Project.single(g)
    project.dataset = DatasetChoice("houses.csv", {"target": "price", "scale": "standardize"})
    return project


def test_the_preparation_goes_into_the_model_in_one_step_and_comes_out_with_undo():
    project = classifier()
    before = project.to_dict() if hasattr(project, "to_dict") else None
    steps, lines = preparation_steps(project, "model", regression=True, target="price")
    history = History(project)
    history.push(Compound("Fit model to data", steps))
    graph = project.graph("model")
    assert prepares_inputs(graph) and gives_target_units(graph)
    order = [graph.node(n).name for n in graph.topological_order()]
    assert order == ["input", "standardize", "dense", "price", "target_units"]
    assert graph.node(next(n for n in graph.nodes() if n.name == "target_units").id).params["invert"] is True
    assert project.dataset.options == {"target": "price", "scale": "none"}
    assert any("standardize: added after input" in line for line in lines)
    assert any(line.startswith("target_units: added after price") and line.endswith("answers in the units of price")
               for line in lines)
    history.undo()
    assert [n.name for n in project.graph("model").nodes()] == ["input", "dense", "price"]
    assert project.dataset.options["scale"] == "standardize"
    if before is not None:
        assert project.to_dict() == before


def test_nothing_is_added_twice_and_classes_get_no_target_units():
    project = classifier()
    steps, _ = preparation_steps(project, "model", regression=False)
    History(project).push(Compound("Fit", steps))
    assert prepares_inputs(project.graph("model")) and not gives_target_units(project.graph("model"))
    again, lines = preparation_steps(project, "model", regression=False)
    assert again == [] and lines == []


def test_the_new_layers_sit_on_free_places_below_what_they_follow():
    from designer.core.layout import overlaps

    project = classifier()
    steps, _ = preparation_steps(project, "model", regression=True)
    History(project).push(Compound("Fit", steps))
    graph = project.graph("model")
    by_name = {node.name: node for node in graph.nodes()}
    order = ["input", "standardize", "dense", "price", "target_units"]
    heights = [by_name[name].position[1] for name in order]
    assert heights == sorted(heights) and len(set(heights)) == len(heights)
    assert not overlaps(graph, by_name["target_units"].position, ignore={by_name["target_units"].id})
