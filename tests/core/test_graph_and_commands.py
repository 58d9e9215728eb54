"""The layer graph and its undoable commands: refusals in plain words, port order, do/undo/redo, events.

The stateful test drives `History` with random edits, undos and redos and checks after every step that the
graph is exactly what it was the last time the history stood at the same place.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from designer.core import catalogue
from designer.core.catalogue import ParameterError
from designer.core.commands import (
    AddNode,
    AddSubgraph,
    Command,
    Connect,
    Disconnect,
    History,
    MoveNodes,
    RemoveNodes,
    RenameNode,
    SetParameter,
)
from designer.core.graph import Edge, GraphError, GraphEvent, LayerGraph, LayerNode


def snapshot(graph: LayerGraph) -> str:
    """Everything that makes the document what it is, in a canonical text (ids, kinds, names, parameters, exact
    positions, insertion order, edges with ports)."""
    nodes = sorted(
        (node.id, node.kind, node.name, node.params, list(node.position), graph.node_order(node.id))
        for node in graph.nodes()
    )
    edges = sorted((e.target, e.port, e.source) for e in graph.edges())
    return json.dumps({"nodes": nodes, "edges": edges}, sort_keys=True)


EMPTY = snapshot(LayerGraph())


def three_layers() -> tuple[LayerGraph, str, str, str]:
    graph = LayerGraph()
    x = graph.add("Input", shape=[4])
    h = graph.add("Dense", x, units=8)
    y = graph.add("Dense", h, units=1, name="out")
    return graph, x, h, y


# ------------------------------------------------------------------------------------------ refusals
def test_can_connect_refuses_with_plain_reasons() -> None:
    graph, x, h, y = three_layers()
    other = graph.add("Input", shape=[2])
    assert "cannot feed itself" in graph.can_connect(h, h)
    loose = graph.add("Dense", units=2, name="loose")
    fed = graph.add("Dense", loose, units=2, name="fed")
    assert graph.can_connect(fed, loose) == "connecting fed to loose would make a loop: data would flow back into fed"
    assert "takes one input and already has 1" in graph.can_connect(other, h)
    assert "Concatenate or Add" in graph.can_connect(other, h)
    assert "nothing can flow into it" in graph.can_connect(h, other)
    assert "already connected" in graph.can_connect(x, h)
    assert "must be layers of this graph" in graph.can_connect(x, "n999")
    for source, target in [(h, h), (fed, loose), (y, h), (other, h), (h, other), (x, h)]:
        before = snapshot(graph)
        with pytest.raises(GraphError) as caught:
            graph.connect(source, target)
        assert str(caught.value) == graph.can_connect(source, target)
        assert snapshot(graph) == before
    free = graph.add("Dense", units=2)
    assert graph.can_connect(other, free) is None


def test_a_loop_through_several_layers_is_refused() -> None:
    graph = LayerGraph()
    x = graph.add("Input", shape=[4])
    a = graph.add("Dense", x, units=2, name="a")
    cat = graph.add("Concatenate", a, x, name="cat")
    b = graph.add("Dense", cat, units=2, name="b")
    reason = graph.can_connect(b, cat)
    assert reason == "connecting b to cat would make a loop: data would flow back into b"


def test_add_checks_kind_parameters_and_names() -> None:
    graph = LayerGraph()
    with pytest.raises(KeyError, match="unknown layer kind"):
        graph.add("Perceptron")
    with pytest.raises(ParameterError, match="units must be at least 1"):
        graph.add("Dense", units=0)
    x = graph.add("Input", shape=[3], name="pixels")
    with pytest.raises(GraphError, match="already named 'pixels'"):
        graph.add("Dense", x, name="pixels")
    for bad in ("1st", "has space", "", "x" * 65, "tail\n"):
        with pytest.raises(GraphError, match="not a usable layer name"):
            graph.add("Dense", x, name=bad)
    assert len(graph) == 1, "a refused add leaves nothing behind"
    names = [graph.node(graph.add("Dense", x)).name for _ in range(3)]
    assert names == ["dense", "dense_1", "dense_2"]
    with pytest.raises(ParameterError, match="dense: units must be at least 1"):
        graph.set_param(graph.node_by_name("dense").id, "units", 0)


def test_merge_inputs_are_ordered_by_port() -> None:
    graph = LayerGraph()
    a, b, c = (graph.add("Input", shape=[n], name=f"in{n}") for n in (1, 2, 3))
    cat = graph.add("Concatenate", b, a)
    assert graph.inputs_of(cat) == [b, a]
    assert [graph.port_of(s, cat) for s in (b, a)] == [0, 1]
    history = History(graph)
    history.push(Connect(c, cat, port=1))  # inserted between: later ports shift up
    assert graph.inputs_of(cat) == [b, c, a]
    assert sorted(e.port for e in graph.edges()) == [0, 1, 2]
    history.push(Disconnect(b, cat))
    assert graph.inputs_of(cat) == [c, a] and [graph.port_of(s, cat) for s in (c, a)] == [0, 1]
    history.undo()
    assert graph.inputs_of(cat) == [b, c, a]
    history.undo()
    assert graph.inputs_of(cat) == [b, a]
    history.push(Connect(c, cat, port=99))  # a port past the end goes last
    assert graph.inputs_of(cat) == [b, a, c]
    # removing a middle input closes the gap; undo puts it back in its place
    history.push(RemoveNodes([a]))
    assert graph.inputs_of(cat) == [b, c]
    history.undo()
    assert graph.inputs_of(cat) == [b, a, c]


def test_structure_queries() -> None:
    graph, x, h, y = three_layers()
    assert graph.topological_order() == [x, h, y]
    assert graph.sources() == [x] and graph.sinks() == [y]
    assert graph.downstream_of(x) == {h, y}
    assert graph.node_by_name("out").id == y
    assert graph.find_cycle() is None
    with pytest.raises(GraphError, match="no layer named"):
        graph.node_by_name("nothing")
    with pytest.raises(GraphError, match="no layer with id"):
        graph.node("n999")
    graph.insert_edge(y, h)  # low level: trusts its caller, so a loop can be made on purpose
    assert set(graph.find_cycle()) == {h, y}
    with pytest.raises(GraphError, match="has a loop"):
        graph.topological_order()
    clone = graph.copy()
    assert snapshot(clone) == snapshot(graph) and clone is not graph


# ------------------------------------------------------------------------------------------ commands
def _check_do_undo_redo(graph: LayerGraph, command: Command) -> None:
    history = History(graph)
    before = snapshot(graph)
    history.push(command)
    after = snapshot(graph)
    assert after != before, f"{type(command).__name__} changed nothing"
    for _ in range(2):
        assert history.undo() and snapshot(graph) == before
        assert history.redo() and snapshot(graph) == after
    assert command.text


def test_every_command_does_undoes_and_redoes() -> None:
    graph, x, h, y = three_layers()
    _check_do_undo_redo(graph, AddNode("Dense", (10, 20), {"units": 5}, name="extra"))
    extra = graph.node_by_name("extra")
    assert extra.params == {**catalogue.get("Dense").defaults(), "units": 5} and extra.position == (10, 20)
    _check_do_undo_redo(graph, Connect(h, extra.id))
    _check_do_undo_redo(graph, Disconnect(h, extra.id))
    _check_do_undo_redo(graph, MoveNodes({x: ((0.0, 0.0), (5.5, -3.0)), h: (graph.node(h).position, (1.0, 2.0))}))
    assert graph.node(x).position == (5.5, -3.0)
    _check_do_undo_redo(graph, SetParameter(h, "units", 64))
    assert graph.node(h).params["units"] == 64
    _check_do_undo_redo(graph, RenameNode(h, "hidden"))
    assert graph.node(h).name == "hidden"
    _check_do_undo_redo(graph, RemoveNodes([h]))
    assert h not in graph and graph.inputs_of(y) == []
    nodes = [LayerNode("a", "Dense", "dense", {"units": 3}, (0, 0)), LayerNode("b", "Dropout", "drop", {}, (0, 50))]
    paste = AddSubgraph(nodes, [Edge("a", "b", 0)], offset=(100, 100))
    _check_do_undo_redo(graph, paste)
    a, b = paste.id_map["a"], paste.id_map["b"]
    assert graph.inputs_of(b) == [a] and graph.node(b).position == (100, 150)
    assert graph.node(a).name == "dense"  # free, so kept
    again = AddSubgraph(nodes, [Edge("a", "b", 0)])
    _check_do_undo_redo(graph, again)
    assert graph.node(again.id_map["a"]).name == "dense_1"  # taken, so a fresh one


def test_refused_commands_change_nothing_and_are_not_recorded() -> None:
    graph, x, h, y = three_layers()
    history = History(graph)
    before = snapshot(graph)
    refused = [
        (AddNode("Dense", params={"units": -1}), ParameterError),
        (AddNode("Dense", name="out"), GraphError),
        (Connect(y, h), GraphError),
        (Connect(x, x), GraphError),
        (Disconnect(x, y), GraphError),
        (SetParameter(h, "units", "many"), ParameterError),
        (SetParameter(h, "colour", "red"), ParameterError),
        (RenameNode(h, "out"), GraphError),
        (RenameNode(h, "9lives"), GraphError),
        (RemoveNodes([h, "n999"]), GraphError),
    ]
    for command, error in refused:
        with pytest.raises(error):
            history.push(command)
        assert snapshot(graph) == before, type(command).__name__
    assert not history.can_undo and not history.undo() and not history.redo()


def test_history_clean_state_and_redo_cleared_by_a_new_edit() -> None:
    graph, x, h, y = three_layers()
    history = History(graph)
    assert history.is_clean
    history.push(SetParameter(h, "units", 9))
    assert not history.is_clean
    history.set_clean()
    history.push(SetParameter(h, "units", 10))
    assert not history.is_clean
    history.undo()
    assert history.is_clean and history.can_redo
    history.push(RenameNode(h, "other"))
    assert not history.can_redo and not history.is_clean
    history.undo()
    assert history.is_clean


# ------------------------------------------------------------------------------------------ events
def test_subscribers_receive_the_right_events() -> None:
    graph, x, h, y = three_layers()
    events: list[GraphEvent] = []
    graph.subscribe(events.append)
    history = History(graph)

    def kinds_after(command: Command | str) -> list[tuple]:
        events.clear()
        start = graph.revision
        if command == "undo":
            history.undo()
        elif command == "redo":
            history.redo()
        else:
            history.push(command)
        assert graph.revision == start + len(events)
        return [(e.kind, e.node_id, e.edge) for e in events]

    add = AddNode("Dense", name="extra")
    assert kinds_after(add) == [("node_added", add.node_id, None)]
    assert kinds_after(Connect(h, add.node_id)) == [("edge_added", add.node_id, Edge(h, add.node_id, 0))]
    assert kinds_after(MoveNodes({h: ((0, 0), (3, 4))})) == [("node_moved", h, None)]
    assert kinds_after(SetParameter(h, "units", 3)) == [("param_changed", h, None)]
    assert kinds_after(RenameNode(h, "hid")) == [("node_renamed", h, None)]
    removed = kinds_after(RemoveNodes([h]))
    assert sorted(removed[:-1]) == sorted(
        [("edge_removed", h, Edge(x, h, 0)), ("edge_removed", y, Edge(h, y, 0)), ("edge_removed", add.node_id, Edge(h, add.node_id, 0))]
    )
    assert removed[-1] == ("node_removed", h, None)
    undone = kinds_after("undo")
    assert undone[0] == ("node_added", h, None) and {e[0] for e in undone[1:]} == {"edge_added"}
    assert kinds_after("undo") == [("node_renamed", h, None)]
    assert kinds_after("redo") == [("node_renamed", h, None)]
    graph.unsubscribe(events.append)
    events.clear()
    history.undo()
    assert events == []


# ------------------------------------------------------------------------------------------ stateful
KIND_CHOICES = ["Input", "Dense", "Dropout", "Flatten", "Concatenate", "Add", "VAESampling", "Conv2D", "LSTM"]
NAMES = st.sampled_from(["a", "b", "dense", "input", "layer.1", "bad name", "9x", "x" * 70])
POSITIONS = st.tuples(st.floats(-1e4, 1e4, allow_nan=False), st.floats(-1e4, 1e4, allow_nan=False))


def _param_values(spec) -> st.SearchStrategy:
    """Mostly sensible values, some refused, for SetParameter."""
    junk = st.sampled_from([None, -5, 0, 10**9, "text", [1, 2, 3], 2.5, True])
    if spec.type == "int":
        good = st.integers(int(spec.minimum or -4), min(int(spec.maximum or 64), 64))
    elif spec.type == "float":
        good = st.floats(spec.minimum or 0.0, spec.maximum or 1.0, allow_nan=False)
    elif spec.type == "bool":
        good = st.booleans()
    elif spec.type == "choice":
        good = st.sampled_from(spec.choices)
    elif spec.type == "pair":
        good = st.one_of(st.integers(1, 5), st.lists(st.integers(1, 5), min_size=2, max_size=2))
    elif spec.type == "shape":
        good = st.lists(st.integers(1, 30), min_size=1, max_size=3)
    else:
        good = st.just(spec.default)
    return st.one_of(good, good, junk)


class HistoryMachine(RuleBasedStateMachine):
    """Random edits through History, with undo and redo, against snapshots of each history position."""

    def __init__(self) -> None:
        super().__init__()
        self.graph = LayerGraph()
        self.history = History(self.graph)
        self.position = 0
        self.snapshots = {0: snapshot(self.graph)}

    # ---------------------------------------------------------------- helpers
    def _push(self, command: Command, expect_ok: bool | None = None) -> None:
        before = snapshot(self.graph)
        try:
            self.history.push(command)
        except (GraphError, ParameterError) as error:
            assert str(error), "a refusal without a reason"
            assert expect_ok is not True, f"refused: {error}"
            assert snapshot(self.graph) == before, "a refused command changed the graph"
            return
        assert expect_ok is not False, f"{type(command).__name__} should have been refused"
        self.position += 1
        for stale in [p for p in self.snapshots if p >= self.position]:
            del self.snapshots[stale]  # the redo branch is gone
        self.snapshots[self.position] = snapshot(self.graph)

    def _ids(self) -> list[str]:
        return sorted(node.id for node in self.graph.nodes())

    # ---------------------------------------------------------------- edits
    @rule(kind=st.sampled_from(KIND_CHOICES), position=POSITIONS, name=st.one_of(st.none(), NAMES))
    def add_node(self, kind: str, position, name) -> None:
        self._push(AddNode(kind, position, name=name))

    @precondition(lambda self: len(self.graph) > 0)
    @rule(data=st.data())
    def remove_nodes(self, data) -> None:
        doomed = data.draw(st.lists(st.sampled_from(self._ids()), min_size=1, max_size=3, unique=True))
        self._push(RemoveNodes(doomed), expect_ok=True)

    @precondition(lambda self: len(self.graph) > 0)
    @rule(data=st.data(), port=st.one_of(st.none(), st.integers(0, 3)))
    def connect(self, data, port) -> None:
        source = data.draw(st.sampled_from(self._ids()))
        target = data.draw(st.sampled_from(self._ids()))
        allowed = self.graph.can_connect(source, target) is None
        self._push(Connect(source, target, port), expect_ok=allowed)

    @precondition(lambda self: len(self.graph) > 0)
    @rule(data=st.data())
    def disconnect(self, data) -> None:
        edges = self.graph.edges()
        if edges and data.draw(st.booleans()):
            edge = data.draw(st.sampled_from(sorted(edges, key=lambda e: (e.target, e.port))))
            self._push(Disconnect(edge.source, edge.target), expect_ok=True)
        else:
            source, target = data.draw(st.sampled_from(self._ids())), data.draw(st.sampled_from(self._ids()))
            self._push(Disconnect(source, target), expect_ok=self.graph.has_edge(source, target))

    @precondition(lambda self: len(self.graph) > 0)
    @rule(data=st.data())
    def move_nodes(self, data) -> None:
        moved = data.draw(st.lists(st.sampled_from(self._ids()), min_size=1, max_size=3, unique=True))
        moves = {n: (self.graph.node(n).position, data.draw(POSITIONS)) for n in moved}
        self._push(MoveNodes(moves), expect_ok=True)

    @precondition(lambda self: any(node.params for node in self.graph.nodes()))
    @rule(data=st.data())
    def set_parameter(self, data) -> None:
        node = self.graph.node(data.draw(st.sampled_from([n.id for n in self.graph.nodes() if n.params])))
        spec = data.draw(st.sampled_from(catalogue.get(node.kind).params))
        value = data.draw(_param_values(spec))
        try:
            catalogue.get(node.kind).check_params({**node.params, spec.name: value})
            valid = True
        except ParameterError:
            valid = False
        self._push(SetParameter(node.id, spec.name, value), expect_ok=valid)

    @precondition(lambda self: len(self.graph) > 0)
    @rule(data=st.data(), name=NAMES)
    def rename_node(self, data, name: str) -> None:
        node_id = data.draw(st.sampled_from(self._ids()))
        try:
            self.graph.check_name(name, node_id)
            valid = True
        except GraphError:
            valid = False
        self._push(RenameNode(node_id, name), expect_ok=valid)

    @precondition(lambda self: len(self.graph) > 0)
    @rule(data=st.data(), offset=POSITIONS)
    def add_subgraph(self, data, offset) -> None:
        """Paste a copy of some layers with the connections among them."""
        picked = set(data.draw(st.lists(st.sampled_from(self._ids()), min_size=1, max_size=4, unique=True)))
        nodes = [self.graph.node(n).copy() for n in sorted(picked)]
        edges = [e for e in self.graph.edges() if e.source in picked and e.target in picked]
        paste = AddSubgraph(nodes, edges, offset)
        self._push(paste, expect_ok=True)
        for edge in edges:  # the copy is wired like the original
            assert self.graph.has_edge(paste.id_map[edge.source], paste.id_map[edge.target])

    # ---------------------------------------------------------------- undo / redo
    @rule()
    def undo(self) -> None:
        done = self.history.undo()
        assert done == (self.position > 0)
        if done:
            self.position -= 1
            assert snapshot(self.graph) == self.snapshots[self.position]

    @rule()
    def redo(self) -> None:
        done = self.history.redo()
        assert done == (self.position + 1 in self.snapshots)
        if done:
            self.position += 1
            assert snapshot(self.graph) == self.snapshots[self.position]

    # ---------------------------------------------------------------- checks
    @invariant()
    def graph_matches_the_snapshot_of_this_position(self) -> None:
        assert snapshot(self.graph) == self.snapshots[self.position]

    @invariant()
    def graph_stays_a_valid_document(self) -> None:
        assert self.graph.find_cycle() is None
        names = [node.name for node in self.graph.nodes()]
        assert len(names) == len(set(names))
        for node in self.graph.nodes():
            kind = catalogue.get(node.kind)
            inputs = self.graph.inputs_of(node.id)
            assert kind.max_inputs is None or len(inputs) <= kind.max_inputs
            assert [self.graph.port_of(s, node.id) for s in inputs] == list(range(len(inputs)))
            assert kind.check_params(node.params) == node.params

    def teardown(self) -> None:
        top = max(self.snapshots)
        while self.history.redo():
            self.position += 1
        assert self.position == top and snapshot(self.graph) == self.snapshots[top]
        while self.history.undo():
            pass
        assert snapshot(self.graph) == EMPTY and len(self.graph) == 0 and not self.graph.edges()
        while self.history.redo():
            pass
        assert snapshot(self.graph) == self.snapshots[top]


HistoryMachine.TestCase.settings = settings(
    max_examples=120, stateful_step_count=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestHistoryMachine = HistoryMachine.TestCase


def test_copy_is_independent_and_keeps_ports_orders_and_names() -> None:
    from designer.core.project_files import graph_to_dict

    graph = LayerGraph()
    a = graph.add("Input", shape=[4])
    b = graph.add("Dense", a, units=3)
    c = graph.add("Dense", a, units=5)
    merge = graph.add("Concatenate", c, b)  # ports: c is 0, b is 1
    clone = graph.copy()
    assert graph_to_dict(clone) == graph_to_dict(graph)
    assert clone.inputs_of(merge) == [c, b]
    clone.set_param(b, "units", 7)
    clone.set_name(c, "renamed")
    assert graph.node(b).params["units"] == 3 and graph.node(c).name != "renamed"
    assert clone.new_node_id() not in clone and clone.unique_name("dense") not in clone.names()
    assert len(graph.subgraph([a, b]).edges()) == 1 and len(graph.subgraph([b, c])) == 2
