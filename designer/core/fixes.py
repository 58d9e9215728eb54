"""One-click fixes that the training-health findings offer (`designer.training.health`), as plain edits.

A `Fix` is a small description ("switch dense_1 to LeakyReLU", "divide the learning rate by 10") that a finding
carries; `fix_command` turns it into one undoable command of `designer.core.commands` — a `Compound` where the
fix takes several steps (insert a Dropout after a layer: disconnect, add, connect, move what lies below) — and
says which document it edits: a graph role, or None for the project (training settings, the dataset's options).
A fix names its layer by name, so a fix of an old finding whose layer was renamed or deleted since is refused
with a plain message instead of editing something else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from designer.core import catalogue
from designer.core.commands import (AddNode, Command, Compound, Connect, Disconnect, MoveNodes, SetDataset,
                                    SetParameter, SetTraining)
from designer.core.graph import GraphError, LayerGraph
from designer.core.layout import ROW_SPACING
from designer.core.project import DatasetChoice, Project

#: what a fix can do; `Fix.action` is one of these
ACTIONS = ("activation", "learning_rate", "dropout_after", "batchnorm_after", "batchnorm_before_activation",
           "early_stopping", "scale_inputs")
#: epochs without improvement before early stopping when a fix turns it on (Keras then restores the best weights)
PATIENCE = 5
#: the share of units a Dropout that a fix adds drops
DROPOUT_RATE = 0.3


class FixError(ValueError):
    """The fix no longer applies (its layer is gone); plain words."""


@dataclass(frozen=True)
class Fix:
    """An edit that a finding offers. `label` is the button's text; `role` and `layer` name the graph and the
    layer (by name) it edits; `value`: the new activation, or the factor of the learning rate."""

    action: str
    label: str
    role: str = "model"
    layer: str = ""
    value: Any = None


def fix_command(project: Project, fix: Fix) -> tuple[Command, str | None]:
    """The command that applies `fix` to `project`, and the graph role it edits (None: the project itself)."""
    if fix.action == "learning_rate":
        rate = project.training["learning_rate"] * float(fix.value)
        return _named(SetTraining("learning_rate", float(f"{rate:.3g}")), fix.label), None
    if fix.action == "early_stopping":
        return _named(SetTraining("early_stopping_patience", int(fix.value or PATIENCE)), fix.label), None
    if fix.action == "scale_inputs":
        if project.dataset is None:
            raise FixError("The project has no dataset any more; choose one, then scale its inputs in the Data tab.")
        choice = DatasetChoice(project.dataset.name, {**project.dataset.options, "scale": fix.value or "standardize"})
        return _named(SetDataset(choice), fix.label), None
    if fix.action not in ACTIONS:
        raise FixError(f"Unknown fix {fix.action!r}.")
    graph = _graph(project, fix.role)
    node = _node(graph, fix.layer)
    if fix.action == "activation":
        return _named(SetParameter(node.id, "activation", fix.value), fix.label), fix.role
    if fix.action == "dropout_after":
        return Compound(fix.label, insert_after(graph, node.id, [("Dropout", {"rate": DROPOUT_RATE})])), fix.role
    if fix.action == "batchnorm_after":
        return Compound(fix.label, insert_after(graph, node.id, [("BatchNormalization", {})])), fix.role
    # batchnorm_before_activation: the layer's own activation moves behind a BatchNormalization, which keeps
    # what reaches it centred, out of the flat ends of a sigmoid or tanh
    activation = node.params.get("activation")
    steps: list[Command] = [SetParameter(node.id, "activation", "linear")]
    steps += insert_after(graph, node.id, [("BatchNormalization", {}), ("Activation", {"activation": activation})])
    return Compound(fix.label, steps), fix.role


def insert_after(graph: LayerGraph, node_id: str, layers: list[tuple[str, dict[str, Any]]]) -> list[Command]:
    """The steps that put `layers` (kind, parameters) in a chain right after `node_id`, between it and whatever it
    fed, and move that and everything below it down to make room."""
    node = graph.node(node_id)
    fed = [(target, graph.port_of(node_id, target)) for target in graph.outputs_of(node_id)]
    below = graph.downstream_of(node_id) - {node_id}
    shift = ROW_SPACING * len(layers)
    steps: list[Command] = []
    if below:
        steps.append(MoveNodes({other: (graph.node(other).position,
                                        (graph.node(other).position[0], graph.node(other).position[1] + shift))
                                for other in sorted(below)}))
    steps += [Disconnect(node_id, target) for target, _ in fed]
    previous = node_id
    taken = set(graph.names())
    ids = [graph.new_node_id() for _ in layers]
    for index, ((kind, params), new_id) in enumerate(zip(layers, ids)):
        name = graph.unique_name(catalogue.get(kind).name_prefix or kind.lower(), taken)
        taken.add(name)
        position = (node.position[0], node.position[1] + ROW_SPACING * (index + 1))
        steps += [AddNode(kind, position, params, name=name, node_id=new_id), Connect(previous, new_id)]
        previous = new_id
    steps += [Connect(previous, target, port) for target, port in fed]
    return steps


def _named(command: Command, label: str) -> Command:
    command.text = label
    return command


def _graph(project: Project, role: str) -> LayerGraph:
    try:
        return project.graph(role)
    except KeyError:
        raise FixError(f"The project has no {role} network any more.") from None


def _node(graph: LayerGraph, name: str):
    try:
        return graph.node_by_name(name)
    except GraphError:
        raise FixError(f"There is no layer named {name} any more; it was renamed or deleted since this finding. "
                       "Train again to see what still holds.") from None
