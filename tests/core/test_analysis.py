"""Graph validation and the cached shape analysis, driven by a fake oracle written here (no Keras).

The fake oracle knows just enough layer arithmetic to give plausible shapes; what is tested is the analyser:
which layers it asks about, which messages it makes of the answers, and that it never raises.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.core import catalogue
from designer.core.analysis import (
    GraphReport,
    LayerInfo,
    ShapeAnalyzer,
    structural_report,
)
from designer.core.graph import LayerGraph, LayerNode
from designer.core.shapes import format_sample_shape, format_shape, output_in_words, sample_in_words


class FakeOracle:
    """Shapes for a handful of kinds; records every question it is asked."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict, tuple]] = []

    def __call__(self, kind: str, params: dict, input_shapes: tuple) -> LayerInfo:
        self.calls.append((kind, dict(params), input_shapes))
        if kind == "Input":
            return LayerInfo((None, *params["shape"]))
        (shape, *others) = input_shapes
        if kind == "Dense":
            weights = shape[-1] * params["units"] + params["units"]
            return LayerInfo((*shape[:-1], params["units"]), trainable_params=weights)
        if kind in ("SimpleRNN", "LSTM"):
            units = params["units"]
            gates = 4 if kind == "LSTM" else 1
            out = (None, shape[1], units) if params["return_sequences"] else (None, units)
            return LayerInfo(out, trainable_params=gates * units * (shape[-1] + units + 1))
        if kind == "Flatten":
            return LayerInfo((None, math.prod(shape[1:])))
        if kind == "Reshape":
            return LayerInfo((None, *params["target_shape"]))
        if kind == "BatchNormalization":
            return LayerInfo(shape, trainable_params=2 * shape[-1], non_trainable_params=2 * shape[-1])
        if kind == "Add":
            if any(other != shape for other in others):
                return LayerInfo(None, error="Inputs have different shapes.")
            return LayerInfo(shape)
        if kind == "Concatenate":
            return LayerInfo((*shape[:-1], sum(s[-1] for s in input_shapes)))
        return LayerInfo(shape)


def _messages(report: GraphReport, node_id: str) -> list[str]:
    return [m.text for m in report.nodes[node_id].messages]


# ------------------------------------------------------------------------------------------ structure
def test_a_graph_without_an_input_is_reported() -> None:
    graph = LayerGraph()
    graph.add("Dense", units=3)
    report = structural_report(graph)
    assert not report.ok
    assert any("no Input layer" in m.text and "Core → Input" in m.text for m in report.messages)
    assert structural_report(LayerGraph()).messages == []  # an empty canvas is not an error


def test_a_loop_is_reported_on_every_layer_of_it() -> None:
    graph = LayerGraph()
    x = graph.add("Input", shape=[4])
    a = graph.add("Dense", x, name="a")
    cat = graph.add("Concatenate", a, x, name="cat")
    b = graph.add("Dense", cat, name="b")
    graph.insert_edge(b, cat)  # low level: commands would refuse this
    report = structural_report(graph)
    for node_id in (cat, b):
        (text,) = [t for t in _messages(report, node_id) if "loop" in t]
        assert "remove one of these connections" in text and "cat" in text and "b" in text
    assert not any("loop" in t for t in _messages(report, a))
    analysis = ShapeAnalyzer(FakeOracle()).analyse(graph)
    assert not analysis.ok and analysis.nodes[b].output_shape is None


def test_unconnected_and_overfull_inputs_are_reported() -> None:
    graph = LayerGraph()
    x = graph.add("Input", shape=[4])
    lonely = graph.add("Dense", name="lonely")
    y = graph.add("Input", shape=[4], name="spare")
    d = graph.add("Dense", x, name="d")
    graph.insert_edge(y, d)  # a second input into a one-input layer
    cat = graph.add("Concatenate", name="cat")
    graph.insert_edge(x, cat)
    report = structural_report(graph)
    assert _messages(report, lonely) == [
        "Dense has no input: drag a connection from another layer's output port to this one."
    ]
    (too_many,) = _messages(report, d)
    assert "takes one input but has 2" in too_many and "Concatenate or Add" in too_many
    assert _messages(report, cat) == ["Concatenate needs at least 2 inputs but has 1."]
    assert report.nodes[x].messages == []
    assert [m.severity for m in report.nodes[y].messages] == []
    errors = report.errors(graph)
    assert any(line.startswith("lonely: ") for line in errors) and any(line.startswith("d: ") for line in errors)


def test_an_input_feeding_nothing_is_a_warning() -> None:
    graph = LayerGraph()
    x = graph.add("Input", shape=[4])
    graph.add("Dense", x)
    spare = graph.add("Input", shape=[2])
    report = structural_report(graph)
    (message,) = report.nodes[spare].messages
    assert message.severity == "warning" and "feeds no layer" in message.text
    assert report.ok


def test_bad_parameter_values_and_unknown_kinds_are_reported() -> None:
    graph = LayerGraph()
    x = graph.add("Input", shape=[4])
    d = graph.add("Dense", x)
    graph.set_params(d, {"units": 0, "activation": "relu", "use_bias": True})  # low level: unchecked
    ghost = LayerNode("ghost", "Perceptron", "ghost", {})
    graph.insert_node(ghost)
    report = structural_report(graph)
    assert _messages(report, d) == ["units must be at least 1 (got 0)."]
    assert _messages(report, "ghost") == ["Unknown layer kind 'Perceptron'."]
    analysis = ShapeAnalyzer(FakeOracle()).analyse(graph)
    assert analysis.nodes[d].output_shape is None and analysis.nodes["ghost"].output_shape is None


# ------------------------------------------------------------------------------------------ shapes
def test_shapes_and_counts_come_from_the_oracle() -> None:
    graph = LayerGraph()
    x = graph.add("Input", shape=[2])
    h = graph.add("Dense", x, units=3, activation="relu")
    y = graph.add("Dense", h, units=1, activation="sigmoid")
    b = graph.add("BatchNormalization", y)
    report = ShapeAnalyzer(FakeOracle()).analyse(graph)
    assert report.ok
    assert [report.nodes[n].output_shape for n in (x, h, y, b)] == [(None, 2), (None, 3), (None, 1), (None, 1)]
    assert report.nodes[h].params == 9 and report.nodes[y].params == 4
    assert report.trainable_params == 15 and report.non_trainable_params == 2 and report.total_params == 17
    assert format_shape((None, 28, 28, 1)) == "(None, 28, 28, 1)"
    assert format_shape((None,)) == "(None,)" and format_shape(None) == "?"
    assert format_sample_shape((None, 784)) == "(784,)"


def test_shapes_in_words_say_what_a_sample_or_an_output_is() -> None:
    assert sample_in_words((64,)) == "64 values" and sample_in_words((1,)) == "1 value"
    assert sample_in_words((8, 8)) == "samples of shape 8 × 8" and sample_in_words(None) == "no input"
    assert output_in_words((10,)) == "10 values"
    assert output_in_words((20, 16)) == "20 time steps × 16 features"
    assert output_in_words((26, 26, 32)) == "32 feature maps of 26 × 26" and output_in_words((5, 5, 1)) == "1 feature map of 5 × 5"
    assert output_in_words((2, 3, 4, 5)) == "shape 2 × 3 × 4 × 5"


def test_reports_list_layers_in_data_flow_order() -> None:
    graph = LayerGraph()
    late = graph.add("Dense", units=2)  # placed first, fed last
    x = graph.add("Input", shape=[3])
    graph.connect(x, late)
    assert [node.id for node in graph.nodes()] == [late, x]  # in the order they were placed
    assert list(ShapeAnalyzer(FakeOracle()).analyse(graph).nodes) == [x, late]


def _chain(length: int) -> tuple[LayerGraph, list[str]]:
    """Input then Dense layers of all different widths, so no two layers share a cache entry by accident."""
    graph = LayerGraph()
    ids = [graph.add("Input", shape=[8])]
    for i in range(1, length):
        ids.append(graph.add("Dense", ids[-1], units=10 + i))
    return graph, ids


def test_after_one_edit_only_the_layers_whose_inputs_changed_are_asked_again() -> None:
    graph, ids = _chain(200)
    oracle = FakeOracle()
    analyzer = ShapeAnalyzer(oracle)
    first = analyzer.analyse(graph)
    assert first.ok and len(oracle.calls) == 200 and analyzer.oracle_calls == 200
    assert first.nodes[ids[-1]].output_shape == (None, 209)

    oracle.calls.clear()
    analyzer.analyse(graph)
    assert oracle.calls == [], "nothing changed, so nothing is asked"

    # new width at layer 100: it changes, and so does the input of layer 101; layer 102 on sees the same inputs
    graph.set_param(ids[100], "units", 5)
    report = analyzer.analyse(graph)
    asked = [(kind, params["units"], shapes) for kind, params, shapes in oracle.calls]
    assert asked == [("Dense", 5, ((None, 109),)), ("Dense", 111, ((None, 5),))]
    assert report.nodes[ids[101]].output_shape == (None, 111)
    assert report.nodes[ids[101]].trainable_params == 5 * 111 + 111

    # an edit that keeps the output shape asks about the edited layer only
    oracle.calls.clear()
    graph.set_param(ids[50], "activation", "tanh")
    analyzer.analyse(graph)
    assert [(k, p["units"], p["activation"]) for k, p, _ in oracle.calls] == [("Dense", 60, "tanh")]

    # undoing the first edit is answered from the cache entirely
    oracle.calls.clear()
    graph.set_param(ids[100], "units", 110)
    analyzer.analyse(graph)
    assert oracle.calls == []


def test_the_cache_is_bounded() -> None:
    graph, ids = _chain(30)
    oracle = FakeOracle()
    analyzer = ShapeAnalyzer(oracle, cache_size=10)
    analyzer.analyse(graph)
    analyzer.analyse(graph)
    assert len(oracle.calls) == 60, "a cache of 10 cannot hold a chain of 30"


def test_rank_errors_advise_flatten_or_reshape() -> None:
    graph = LayerGraph()
    image = graph.add("Input", shape=[28, 28, 1])
    dense = graph.add("Dense", image, units=10)
    after = graph.add("Dense", dense, units=2)
    flat = graph.add("Input", shape=[784], name="flat")
    lstm = graph.add("LSTM", flat)
    oracle = FakeOracle()
    report = ShapeAnalyzer(oracle).analyse(graph)
    (dense_error,) = _messages(report, dense)
    assert "receives data of shape (28, 28, 1)" in dense_error and "Add a Flatten" in dense_error
    (lstm_error,) = _messages(report, lstm)
    assert "(time steps, features)" in lstm_error and "receives data of shape (784,)" in lstm_error
    assert "Add a Reshape" in lstm_error
    assert report.nodes[dense].output_shape is None
    assert report.nodes[after].messages == [] and report.nodes[after].output_shape is None  # blocked upstream
    assert [call[0] for call in oracle.calls] == ["Input", "Input"], "layers with rank errors are not asked"


def test_dense_on_sequences_warns_unless_they_come_from_a_recurrent_layer() -> None:
    graph = LayerGraph()
    seq = graph.add("Input", shape=[20, 3])
    dense = graph.add("Dense", seq, units=4)
    rnn = graph.add("SimpleRNN", seq, units=8, return_sequences=True)
    per_step = graph.add("Dense", rnn, units=1)
    report = ShapeAnalyzer(FakeOracle()).analyse(graph)
    (warning,) = report.nodes[dense].messages
    assert warning.severity == "warning" and "Flatten" in warning.text and "(20, 3)" in warning.text
    assert report.nodes[dense].output_shape == (None, 20, 4)
    assert report.nodes[per_step].messages == []
    assert report.nodes[per_step].output_shape == (None, 20, 1)
    assert report.ok


def test_oracle_errors_become_messages_with_the_kinds_hint() -> None:
    graph = LayerGraph()
    a = graph.add("Input", shape=[3], name="a")
    b = graph.add("Input", shape=[5], name="b")
    add = graph.add("Add", a, b)
    tail = graph.add("Dense", add)
    report = ShapeAnalyzer(FakeOracle()).analyse(graph)
    (error,) = _messages(report, add)
    assert error == "Inputs have different shapes. " + catalogue.get("Add").error_hint
    assert report.nodes[tail].output_shape is None and not report.ok


# ------------------------------------------------------------------------------------------ never raises
KINDS = [kind.key for kind in catalogue.all_kinds()]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_analysis_never_raises_on_a_broken_graph(data) -> None:
    graph = LayerGraph()
    for _ in range(data.draw(st.integers(0, 10))):
        kind = data.draw(st.sampled_from(KINDS + ["Perceptron"]))
        node_id = graph.new_node_id()
        params = catalogue.get(kind).defaults() if catalogue.has(kind) else {}
        if params and data.draw(st.booleans()):
            name = data.draw(st.sampled_from(sorted(params)))
            params[name] = data.draw(st.sampled_from([0, -1, None, "x", [1, 2, 3, 4, 5, 6], 10**9]))
        graph.insert_node(LayerNode(node_id, kind, node_id, params))
    ids = [node.id for node in graph.nodes()]
    if ids:
        for _ in range(data.draw(st.integers(0, 14))):
            source, target = data.draw(st.sampled_from(ids)), data.draw(st.sampled_from(ids))
            if source != target and not graph.has_edge(source, target):
                graph.insert_edge(source, target)  # loops, overfull inputs, inputs into Inputs: all allowed here

    def shaky_oracle(kind, params, shapes):
        if data.draw(st.booleans()):
            return LayerInfo(None, error="Keras refused this layer.")
        return LayerInfo((None, *([3] * data.draw(st.integers(0, 4)))), trainable_params=1)

    report = ShapeAnalyzer(shaky_oracle).analyse(graph)
    assert set(report.nodes) == set(ids)
    report.errors(graph)
    assert report.ok == (not any(r.has_error for r in report.nodes.values()) and not any(m.is_error for m in report.messages))
    for node_report in report.nodes.values():
        assert all(m.text.strip() and m.severity in ("error", "warning") for m in node_report.messages)
