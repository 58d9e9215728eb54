"""Undoable edits of the document, one small command object per kind of edit.

Graph commands (`AddNode`, `Connect`, `SetParameter`, ...) are done on one `LayerGraph`; project commands
(`SetDataset`, `SetTraining`) on the `Project`. Each command checks its edit when it is first done (raising
`GraphError` or `ParameterError` with a plain message and leaving the document untouched), changes only the
document (which then emits its events), and can be undone and redone any number of times. An edit of several
steps is one `Compound` command, done whole or not at all. A command never pushes another command.

`History` is a plain undo stack for scripts and tests; the window's QUndoStack wraps the same commands, each
with the document it was done on, so both behave the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from designer.core import catalogue
from designer.core.catalogue import ParameterError
from designer.core.graph import Edge, GraphError, LayerGraph, LayerNode
from designer.core.project import DatasetChoice, Project, check_training
from designer.core.trained import TrainedWeights


class Command:
    """Base class: `text` names the edit for the Undo menu ("Add Dense"). `do` and `undo` take the document the
    command edits: a `LayerGraph` for graph commands, the `Project` for project commands."""

    text = ""

    def do(self, target) -> None:
        raise NotImplementedError

    def undo(self, target) -> None:
        raise NotImplementedError


@dataclass
class AddNode(Command):
    """Add a layer of `kind` (parameters default from the catalogue) at `position`."""

    kind: str
    position: tuple[float, float] = (0.0, 0.0)
    params: dict[str, Any] = field(default_factory=dict)
    name: str | None = None
    node_id: str | None = None

    def __post_init__(self) -> None:
        self.text = f"Add {self.kind}"
        self._node: LayerNode | None = None
        self._order: int | None = None

    def do(self, graph: LayerGraph) -> None:
        if self._node is None:
            kind = catalogue.get(self.kind)
            params = kind.check_params(self.params)
            name = self.name or graph.unique_name(kind.name_prefix or self.kind.lower())
            graph.check_name(name)
            self.node_id = self.node_id or graph.new_node_id()
            self._node = LayerNode(self.node_id, self.kind, name, params, tuple(self.position))
        # a redo puts the layer back at the same place in the layer order it had the first time
        graph.insert_node(self._node.copy(), self._order)
        self._order = graph.node_order(self.node_id)

    def undo(self, graph: LayerGraph) -> None:
        graph.delete_node(self.node_id)


@dataclass
class RemoveNodes(Command):
    """Remove layers together with every edge touching them."""

    node_ids: list[str]

    def __post_init__(self) -> None:
        self.text = "Delete layer" if len(self.node_ids) == 1 else f"Delete {len(self.node_ids)} layers"
        self._removed: list[tuple[LayerNode, int]] = []
        self._edges: list[Edge] = []

    def do(self, graph: LayerGraph) -> None:
        for node_id in self.node_ids:
            graph.node(node_id)  # GraphError before anything changes
        doomed = set(self.node_ids)
        # ports as they are before any removal, so undo restores the original order of inputs
        self._edges = sorted(
            (e for e in graph.edges() if e.source in doomed or e.target in doomed),
            key=lambda e: (e.target, e.port),
        )
        self._removed = [(graph.node(n).copy(), graph.node_order(n)) for n in self.node_ids]
        for node_id in self.node_ids:
            graph.delete_node(node_id)

    def undo(self, graph: LayerGraph) -> None:
        for node, order in self._removed:
            graph.insert_node(node.copy(), order)
        for edge in self._edges:
            graph.insert_edge(edge.source, edge.target, edge.port)


@dataclass
class Connect(Command):
    """Connect the output of `source` to the next free input port of `target` (or to `port`)."""

    source: str
    target: str
    port: int | None = None

    def __post_init__(self) -> None:
        self.text = "Connect"

    def do(self, graph: LayerGraph) -> None:
        reason = graph.can_connect(self.source, self.target)
        if reason:
            raise GraphError(reason)
        self.port = graph.insert_edge(self.source, self.target, self.port).port

    def undo(self, graph: LayerGraph) -> None:
        graph.remove_edge(self.source, self.target)


@dataclass
class Disconnect(Command):
    source: str
    target: str

    def __post_init__(self) -> None:
        self.text = "Disconnect"
        self._port = 0

    def do(self, graph: LayerGraph) -> None:
        if not graph.has_edge(self.source, self.target):
            raise GraphError("these layers are not connected")
        self._port = graph.remove_edge(self.source, self.target).port

    def undo(self, graph: LayerGraph) -> None:
        graph.insert_edge(self.source, self.target, self._port)


@dataclass
class MoveNodes(Command):
    """Move layers on the canvas; a whole drag of several layers is one command."""

    moves: dict[str, tuple[tuple[float, float], tuple[float, float]]]  # id -> (old, new)

    def __post_init__(self) -> None:
        self.text = "Move layer" if len(self.moves) == 1 else f"Move {len(self.moves)} layers"

    def do(self, graph: LayerGraph) -> None:
        for node_id, (_, new) in self.moves.items():
            graph.set_position(node_id, new)

    def undo(self, graph: LayerGraph) -> None:
        for node_id, (old, _) in self.moves.items():
            graph.set_position(node_id, old)


@dataclass
class SetParameter(Command):
    """Change one parameter of one layer (checked against the catalogue's spec)."""

    node_id: str
    name: str
    value: Any

    def __post_init__(self) -> None:
        self.text = f"Set {self.name}"
        self._old: dict[str, Any] | None = None
        self._new: dict[str, Any] | None = None

    def do(self, graph: LayerGraph) -> None:
        node = graph.node(self.node_id)
        if self._new is None:
            params = dict(node.params)
            params[self.name] = self.value
            try:
                self._new = node.layer_kind.check_params(params)
            except ParameterError as error:
                raise ParameterError(f"{node.name}: {error}") from None
            self._old = dict(node.params)
        graph.set_params(self.node_id, self._new)

    def undo(self, graph: LayerGraph) -> None:
        graph.set_params(self.node_id, self._old)


@dataclass
class RenameNode(Command):
    node_id: str
    name: str

    def __post_init__(self) -> None:
        self.text = "Rename layer"
        self._old = ""

    def do(self, graph: LayerGraph) -> None:
        graph.check_name(self.name, self.node_id)
        self._old = graph.node(self.node_id).name
        graph.set_name(self.node_id, self.name)

    def undo(self, graph: LayerGraph) -> None:
        graph.set_name(self.node_id, self._old)


@dataclass
class AddSubgraph(Command):
    """Add several layers and the edges between them at once (a paste, or a template fragment).

    `nodes` are given with provisional ids; fresh ids and names are chosen when first done so that a paste
    never clashes with what is already on the canvas. `offset` shifts every position.
    """

    nodes: list[LayerNode]
    edges: list[Edge]
    offset: tuple[float, float] = (0.0, 0.0)

    def __post_init__(self) -> None:
        self.text = "Paste" if self.nodes else "Paste nothing"
        self._placed: list[LayerNode] | None = None
        self._orders: list[int] | None = None
        self._edges: list[Edge] = []
        self.id_map: dict[str, str] = {}

    def do(self, graph: LayerGraph) -> None:
        if self._placed is None:
            placed, taken = [], set()
            for node in self.nodes:
                kind = catalogue.get(node.kind)
                new_id = graph.new_node_id()
                while new_id in self.id_map.values():
                    new_id = graph.new_node_id()
                self.id_map[node.id] = new_id
                name = node.name if node.name not in graph.names() | taken else graph.unique_name(
                    kind.name_prefix or node.kind.lower(), taken
                )
                taken.add(name)
                position = (node.position[0] + self.offset[0], node.position[1] + self.offset[1])
                placed.append(LayerNode(new_id, node.kind, name, kind.check_params(node.params), position))
            self._edges = [
                Edge(self.id_map[e.source], self.id_map[e.target], e.port)
                for e in sorted(self.edges, key=lambda e: (e.target, e.port))
                if e.source in self.id_map and e.target in self.id_map
            ]
            self._placed = placed
        orders = self._orders or [None] * len(self._placed)
        for node, order in zip(self._placed, orders):
            graph.insert_node(node.copy(), order)
        self._orders = [graph.node_order(node.id) for node in self._placed]
        for edge in self._edges:
            graph.insert_edge(edge.source, edge.target, edge.port)

    def undo(self, graph: LayerGraph) -> None:
        for node in reversed(self._placed or []):
            graph.delete_node(node.id)


class Compound(Command):
    """Several commands on the same document as one undo step ("Fit model to data", "Delete").

    Done whole or not at all: when a step is refused, the steps before it are undone and the refusal is raised.
    Steps may name ids that an earlier step makes (give `AddNode` its `node_id` to connect it in the same edit).
    """

    def __init__(self, text: str, steps: list[Command]) -> None:
        self.text = text
        self.steps = list(steps)

    def do(self, target) -> None:
        done: list[Command] = []
        try:
            for step in self.steps:
                step.do(target)
                done.append(step)
        except Exception:
            for step in reversed(done):
                step.undo(target)
            raise

    def undo(self, target) -> None:
        for step in reversed(self.steps):
            step.undo(target)


# ---------------------------------------------------------------------------- the project's own settings
@dataclass
class SetDataset(Command):
    """Choose the data the project trains on (a dataset name or a file, with its options); None for none."""

    choice: DatasetChoice | None

    def __post_init__(self) -> None:
        self.text = "Choose dataset"
        self._old: DatasetChoice | None = None

    def do(self, project: Project) -> None:
        self._old = project.dataset.copy() if project.dataset is not None else None
        project.set_dataset(self.choice)

    def undo(self, project: Project) -> None:
        project.set_dataset(self._old)


@dataclass
class SetAnswer(Command):
    """Answer one of an exercise's questions (the answer as typed; "" clears it)."""

    question: str
    answer: str

    def __post_init__(self) -> None:
        self.answer = self.answer.strip()
        self.text = "Answer question"
        self._old = ""

    def do(self, project: Project) -> None:
        if len(self.answer) > 200:
            raise ValueError("an answer is at most 200 characters")
        self._old = project.answers.get(self.question, "")
        project.set_answer(self.question, self.answer)

    def undo(self, project: Project) -> None:
        project.set_answer(self.question, self._old)


@dataclass
class SetTraining(Command):
    """Change one training setting (checked against `designer.core.project.TRAINING_SPECS`)."""

    name: str
    value: Any

    def __post_init__(self) -> None:
        self.text = f"Set {self.name.replace('_', ' ')}"
        self._old: dict[str, Any] | None = None
        self._new: dict[str, Any] | None = None

    def do(self, project: Project) -> None:
        if self._new is None:
            self._new = check_training({**project.training, self.name: self.value})  # ParameterError if refused
            self._old = dict(project.training)
        project.set_training(self._new)

    def undo(self, project: Project) -> None:
        project.set_training(self._old)


@dataclass
class SetTrained(Command):
    """Keep what a training run learned with the project (graph role -> weights), or forget it: `trained` empty is
    "Reset weights", after which the next run starts from fresh weights."""

    trained: dict[str, TrainedWeights]
    text: str = ""

    def __post_init__(self) -> None:
        self.text = self.text or ("Keep trained weights" if self.trained else "Reset weights")
        self._old: dict[str, TrainedWeights] = {}

    def do(self, project: Project) -> None:
        self._old = dict(project.trained)
        project.set_trained(self.trained)

    def undo(self, project: Project) -> None:
        project.set_trained(self._old)


@dataclass
class SetAllTraining(Command):
    """Replace every training setting at once (restoring a run's, applying a sweep's best)."""

    settings: dict[str, Any]
    text: str = "Set training settings"

    def __post_init__(self) -> None:
        self._old: dict[str, Any] | None = None
        self._new: dict[str, Any] | None = None

    def do(self, project: Project) -> None:
        if self._new is None:
            self._new = check_training(self.settings)
            self._old = dict(project.training)
        project.set_training(self._new)

    def undo(self, project: Project) -> None:
        project.set_training(self._old)


@dataclass
class ReplaceGraph(Command):
    """Make the project's `role` graph the same as `graph` (layers, parameters, positions, connections): restoring a
    run trained on an earlier version of the network. The graph object stays, so its canvas stays open."""

    role: str
    graph: LayerGraph
    text: str = "Restore network"

    def __post_init__(self) -> None:
        self._old: LayerGraph | None = None

    def do(self, project: Project) -> None:
        target = project.graph(self.role)
        self._old = target.copy()
        _replace_contents(target, self.graph)

    def undo(self, project: Project) -> None:
        _replace_contents(project.graph(self.role), self._old)


def _replace_contents(target: LayerGraph, source: LayerGraph) -> None:
    for node in list(target.nodes()):
        target.delete_node(node.id)
    for node_id in source.topological_order() if source.find_cycle() is None else [n.id for n in source.nodes()]:
        target.insert_node(source.node(node_id).copy(), source.node_order(node_id))
    for edge in sorted(source.edges(), key=lambda e: (e.target, e.port)):
        target.insert_edge(edge.source, edge.target, edge.port)


@dataclass
class OnGraph(Command):
    """A graph command done on the project's `role` graph, so that one project-level step can change a layer
    (applying a sweep's best "dense.units" together with its learning rate)."""

    role: str
    command: Command

    def __post_init__(self) -> None:
        self.text = self.command.text

    def do(self, project: Project) -> None:
        self.command.do(project.graph(self.role))

    def undo(self, project: Project) -> None:
        self.command.undo(project.graph(self.role))


class History:
    """A plain undo/redo stack over one document (a graph, or a project and its graphs); the window uses a
    QUndoStack with the same commands.

    `push(command)` does the command on the document; `push(command, graph)` on one graph of the project."""

    def __init__(self, document: LayerGraph | Project) -> None:
        self.document = document
        self._done: list[tuple[object, Command]] = []
        self._undone: list[tuple[object, Command]] = []
        self._clean_index: int | None = 0

    def push(self, command: Command, target: LayerGraph | Project | None = None) -> Command:
        """Do `command` and record it; if it raises, nothing is recorded and the document is unchanged."""
        target = self.document if target is None else target
        command.do(target)
        self._done.append((target, command))
        if self._clean_index is not None and self._clean_index > len(self._done) - 1:
            self._clean_index = None
        self._undone.clear()
        return command

    def undo(self) -> bool:
        if not self._done:
            return False
        target, command = self._done.pop()
        command.undo(target)
        self._undone.append((target, command))
        return True

    def redo(self) -> bool:
        if not self._undone:
            return False
        target, command = self._undone.pop()
        command.do(target)
        self._done.append((target, command))
        return True

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    def set_clean(self) -> None:
        self._clean_index = len(self._done)

    @property
    def is_clean(self) -> bool:
        return self._clean_index == len(self._done)
