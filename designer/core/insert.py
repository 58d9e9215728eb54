"""Adding a layer after another, as a double-click in the palette does: in a chain (the layer feeds exactly one
other) the new layer goes between the two, the layers below moving down a row — "Dropout after dense" means
dense → dropout → dense_1, not a second output drawn on top of dense_1 — and otherwise it goes below, on a free
spot. The steps are core commands, done as one compound edit by the caller."""

from __future__ import annotations

from designer.core.commands import AddNode, Command, Connect, Disconnect, MoveNodes
from designer.core.graph import LayerGraph
from designer.core.layout import ROW_SPACING, free_position


def insert_after(graph: LayerGraph, anchor: str, kind: str, node_id: str, takes_input: bool = True) -> list[Command]:
    """The steps that add a layer of `kind` (id `node_id`) after `anchor`; `takes_input`: False for a source (an
    Input), which is placed but not connected."""
    x, y = graph.node(anchor).position
    below = (x, y + ROW_SPACING)
    following = graph.outputs_of(anchor)
    if takes_input and len(following) == 1:
        after = following[0]
        port = graph.port_of(anchor, after)
        moved = {after, *graph.downstream_of(after)}
        moves = {n: (graph.node(n).position, (graph.node(n).position[0], graph.node(n).position[1] + ROW_SPACING))
                 for n in sorted(moved)}
        return [Disconnect(anchor, after), MoveNodes(moves), AddNode(kind, below, node_id=node_id),
                Connect(anchor, node_id), Connect(node_id, after, port)]
    steps: list[Command] = [AddNode(kind, free_position(graph, below), node_id=node_id)]
    if takes_input:
        steps.append(Connect(anchor, node_id))
    return steps
