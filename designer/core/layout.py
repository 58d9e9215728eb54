"""Where layers sit on the canvas: the spacing of a stack and of side-by-side branches, and the layered layout
that "Auto-arrange" applies (data flowing top to bottom, branches side by side).

Positions are part of the document (canvas coordinates), so the spacing lives here, once, for every place that
places layers: the Python API's `LayerGraph.add`, the canvas's "add after the selection" and auto-arrange, and
the templates' generator. A canvas layer is 210 × 86 px; stacked layers leave 60 px between them, columns 40 px.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx

if TYPE_CHECKING:  # the graph places its new layers with these spacings: no import back at run time
    from designer.core.graph import LayerGraph

#: from one layer's top to the next one's in a stack
ROW_SPACING = 146.0
#: from one column's left edge to the next one's
COLUMN_SPACING = 250.0


def layered_positions(graph: LayerGraph) -> dict[str, tuple[float, float]]:
    """Top-down layered layout: one row per topological generation, each row centred, ordered by the mean
    column of a layer's inputs so that branches do not cross needlessly. A connection that skips rows (the shortcut
    of a residual block) keeps a column of its own in the rows it passes, so that it never runs under a layer. A
    graph with a loop is left as is."""
    if graph.find_cycle() is not None or not len(graph):
        return {node.id: node.position for node in graph.nodes()}
    order = {node_id: i for i, node_id in enumerate(graph.topological_order())}
    digraph = nx.DiGraph()
    digraph.add_nodes_from(order)
    digraph.add_edges_from((e.source, e.target) for e in graph.edges())
    row_of = {node_id: row for row, generation in enumerate(nx.topological_generations(digraph)) for node_id in generation}
    rows: list[list[str]] = [[] for _ in range(max(row_of.values()) + 1)]
    parents: dict[str, list[str]] = {node_id: [] for node_id in order}
    for node_id in order:
        rows[row_of[node_id]].append(node_id)
    for edge in graph.edges():
        source = edge.source
        # a waypoint per row the connection passes through: it takes a place in that row like a layer
        for row in range(row_of[edge.source] + 1, row_of[edge.target]):
            waypoint = f"{edge.source}>{edge.target}@{row}"
            parents[waypoint] = [source]
            order[waypoint] = order[edge.source]
            rows[row].append(waypoint)
            source = waypoint
        parents[edge.target].append(source)
    column: dict[str, float] = {}
    positions: dict[str, tuple[float, float]] = {}
    for row, members in enumerate(rows):
        def barycentre(node_id: str) -> tuple[float, int]:
            above = parents[node_id]
            mean = sum(column[p] for p in above) / len(above) if above else float(order[node_id])
            return mean, order[node_id]

        ranked = sorted(members, key=barycentre)
        for i, node_id in enumerate(ranked):
            column[node_id] = float(i)
            if node_id in row_of:
                x = (i - (len(ranked) - 1) / 2) * COLUMN_SPACING
                positions[node_id] = (round(x, 2), round(row * ROW_SPACING, 2))
    return positions


#: a canvas layer's size (designer.ui.canvas.node_item draws it so)
LAYER_SIZE = (210.0, 86.0)


def overlaps(graph: LayerGraph, position: tuple[float, float], ignore: set[str] = frozenset()) -> bool:
    """Whether a layer placed at `position` would cover (part of) another layer."""
    width, height = LAYER_SIZE
    return any(abs(node.position[0] - position[0]) < width and abs(node.position[1] - position[1]) < height
               for node in graph.nodes() if node.id not in ignore)


def free_position(graph: LayerGraph, position: tuple[float, float]) -> tuple[float, float]:
    """`position`, or the nearest one to its right on the same row that covers no layer: a new layer is never
    drawn on top of another (it hid the layer under it, and made a second output nobody saw)."""
    x, y = position
    while overlaps(graph, (x, y)):
        x += COLUMN_SPACING
    return (x, y)
