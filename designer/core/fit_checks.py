"""Checks that the two ends of a model meet, and that the chosen data's images survive the way through, read from
the shapes the analysis computed: a GAN's generator must make what its discriminator reads, an autoencoder's (or a
VAE's) output must have the shape of its input, and small images must not shrink to nothing in "valid"
convolutions and poolings. Each problem is a message in plain words for the layer it concerns, shown on the canvas
before any training (training would otherwise stop at its start, after F5, with the same complaint); the window's
"Fit model to data" fixes them (`designer.core.adapt`).
"""

from __future__ import annotations

from designer.core.adapt import RECONSTRUCTING, SHRINKING
from designer.core.analysis import GraphReport
from designer.core.graph import LayerGraph
from designer.core.project import Project
from designer.core.shapes import format_shape

FIX = "Data → Fit model to data"

#: role -> node id -> messages
Problems = dict[str, dict[str, list[str]]]


def _sample_shape(report: GraphReport | None, node_id: str) -> tuple | None:
    """One sample's shape at a layer's output (no batch axis); None when the analysis has none (yet)."""
    node = report.nodes.get(node_id) if report is not None else None
    if node is None or node.output_shape is None or node.has_error:
        return None
    return tuple(node.output_shape[1:])


def _only(ids: list[str]) -> str | None:
    return ids[0] if len(ids) == 1 else None


def _make_it(graph: LayerGraph, node_id: str, wanted: tuple) -> str:
    """How to make a layer's output `wanted`: a flat Dense output takes that many units."""
    if graph.node(node_id).kind == "Dense" and len(wanted) == 1:
        return f"Give this layer {wanted[0]} units ({FIX})."
    return f"Make its output {format_shape(wanted)} ({FIX} adapts flat outputs)."


def side_problems(project: Project, reports: dict[str, GraphReport | None]) -> Problems:
    """Where what a model makes does not meet what it is compared with, by graph role; `reports` by role: a GAN's
    two networks, an autoencoder's two ends, and a model with more outputs than the data has targets."""
    problems: Problems = {}
    if project.is_gan:
        generator, discriminator = project.graph("generator"), project.graph("discriminator")
        made_at = _only(generator.sinks())
        read_at = _only([n.id for n in discriminator.nodes() if n.kind == "Input"])
        if made_at is None or read_at is None:
            return problems
        made = _sample_shape(reports.get("generator"), made_at)
        read = _sample_shape(reports.get("discriminator"), read_at)
        if made is None or read is None or made == read:
            return problems
        problems.setdefault("generator", {})[made_at] = [
            f"The generator makes samples of shape {format_shape(made)}, but the discriminator reads "
            f"{format_shape(read)}: they must match. " + _make_it(generator, made_at, read)]
        problems.setdefault("discriminator", {})[read_at] = [
            f"The discriminator reads samples of shape {format_shape(read)}, but the generator makes "
            f"{format_shape(made)}: they must match (its output layer says how)."]
        return problems
    if not any(g.role == "model" for g in project.graphs):
        return problems
    model = project.graph("model")
    ends = [n for n in model.sinks() if model.inputs_of(n)]
    if len(ends) > 1:  # a layer added beside the output by accident makes a second output nobody asked for
        names = ", ".join(model.node(n).name for n in ends)
        problems["model"] = {n: [
            f"This network has {len(ends)} outputs ({names}), but the data gives one target per sample: connect "
            f"{model.node(n).name} on to the next layer, or delete it."] for n in ends}
        return problems
    if project.training.get("mode") not in RECONSTRUCTING:
        return problems
    made_at = _only(model.sinks())
    read_at = _only([n.id for n in model.nodes() if n.kind == "Input"])
    if made_at is None or read_at is None:
        return problems
    made, read = _sample_shape(reports.get("model"), made_at), _sample_shape(reports.get("model"), read_at)
    if made is not None and read is not None and made != read:
        problems["model"] = {made_at: [
            f"An autoencoder rebuilds its input: this output makes {format_shape(made)}, but the Input takes "
            f"{format_shape(read)}. " + _make_it(model, made_at, read)]}
    return problems


def vanishing_problems(graph: LayerGraph, report: GraphReport | None, sample: tuple) -> dict[str, list[str]]:
    """The convolutions and poolings whose window the chosen data's images no longer fill by the time they get
    there (Keras refused to build them): what to change, with the data's own size."""
    if report is None or len(sample) < 2:
        return {}
    problems = {}
    for node_id, node_report in report.nodes.items():
        if node_id not in graph:
            continue  # the report is of a moment ago: the layer was removed since (an undo), its analysis is coming
        node = graph.node(node_id)
        if node.kind not in SHRINKING or not node_report.has_error:
            continue
        sources = graph.inputs_of(node_id)
        reaching = _sample_shape(report, sources[0]) if len(sources) == 1 else None
        if reaching is None or len(reaching) != 3:
            continue  # not an image reaching it: its error is about something else
        problems[node_id] = [
            f"The chosen data's {sample[0]}×{sample[1]} images are only {reaching[0]}×{reaching[1]} by this layer, "
            "too small for its window: this network cannot shrink them that far. Use padding \"same\" on the "
            f"convolutions and poolings ({FIX} does it), or fewer pooling layers."]
    return problems
