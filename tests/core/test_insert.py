"""A layer added after another (the palette's double-click): in a chain it goes between the two with the layers
below moved down a row — one undo step; beside a branch it lands on a free spot, never on top of a layer."""

from designer.core.commands import Compound, History
from designer.core.graph import LayerGraph
from designer.core.insert import insert_after
from designer.core.layout import ROW_SPACING, overlaps


def chain():
    graph = LayerGraph()
    x = graph.add("Input", shape=[4])
    dense = graph.add("Dense", x, units=8)
    graph.add("Dense", dense, units=1)
    return graph


def test_in_a_chain_the_layer_goes_between_and_the_rest_moves_down():
    graph = chain()
    dense, out = graph.node_by_name("dense").id, graph.node_by_name("dense_1").id
    before = graph.node(out).position
    history = History(graph)
    history.push(Compound("Add Dropout", insert_after(graph, dense, "Dropout", "n9")))
    assert [graph.node(n).kind for n in graph.topological_order()] == ["Input", "Dense", "Dropout", "Dense"]
    assert graph.outputs_of(dense) == ["n9"] and graph.outputs_of("n9") == [out]
    assert graph.node(out).position == (before[0], before[1] + ROW_SPACING)
    assert not overlaps(graph, graph.node("n9").position, ignore={"n9"})
    history.undo()
    assert graph.outputs_of(dense) == [out] and graph.node(out).position == before and "n9" not in graph


def test_beside_a_branch_the_layer_lands_on_a_free_spot():
    graph = chain()
    dense = graph.node_by_name("dense").id
    graph.add("Dense", dense, units=2, name="side")  # dense now feeds two layers: no single "next" to go before
    History(graph).push(Compound("Add Dropout", insert_after(graph, dense, "Dropout", "n9")))
    assert graph.inputs_of("n9") == [dense]
    assert not overlaps(graph, graph.node("n9").position, ignore={"n9"})
