"""Does the model fit the chosen data? Checked before any training: the Input's shape against one sample's
shape, and the output layer's units against the number of classes (or values to predict). Each problem comes
with the fix the Data panel can apply in one undoable step."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from designer.core import catalogue
from designer.core.adapt import new_input_shape
from designer.core.graph import LayerGraph
from designer.core.shapes import format_shape


@dataclass
class FitAdvice:
    #: node id -> problems in plain words
    problems: dict[str, list[str]] = field(default_factory=dict)
    #: (Input node id, the shape that fits the data)
    input_fix: tuple[str, list[int]] | None = None
    #: (output layer id, the units that fit the labels)
    output_fix: tuple[str, int] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def reshape_fits(sample: tuple[int, ...], wanted: tuple[int, ...]) -> bool:
    """The loader can feed `sample`-shaped data to an Input of `wanted` (same rule as registry.fit_to_input)."""
    if sample == wanted:
        return True
    return math.prod(sample) == math.prod(wanted) and (
        sample + (1,) == wanted or sample == wanted + (1,) or len(wanted) == 1 or len(sample) == 1
    )


def advise(
    graph: LayerGraph,
    sample_shape: tuple[int, ...],
    task: str,
    num_classes: int | None,
    label_shape: tuple[int, ...] | None,
    check_output: bool = True,
) -> FitAdvice:
    advice = FitAdvice()
    inputs = [n for n in graph.nodes() if catalogue.has(n.kind) and catalogue.get(n.kind).is_source]
    if len(inputs) == 1:
        node = inputs[0]
        wanted = tuple(node.params.get("shape", ()))
        if not reshape_fits(tuple(sample_shape), wanted):
            # the same rule as the fit itself (designer.core.adapt): a model that starts flat wants the data
            # flattened, an image model keeps its channel axis (a convolution needs one)
            fix = new_input_shape(wanted, tuple(sample_shape))
            said = f"Data: one sample of the chosen data is {format_shape(sample_shape)}, but this Input expects " \
                   f"{format_shape(wanted)}."
            if fix is None:
                said += " No one step turns one into the other: choose data shaped like it, or change the layers."
            else:
                advice.input_fix = (node.id, list(fix))
                said += f" Set its shape to {format_shape(fix)} (Data → Fit model to data)."
            advice.problems.setdefault(node.id, []).append(said)
    sinks = graph.sinks()
    if not check_output or len(sinks) != 1 or task not in ("classification", "regression"):
        return advice
    output = graph.node(sinks[0])
    if output.kind != "Dense":
        return advice
    units = output.params.get("units")
    if task == "classification" and num_classes:
        fits = units == num_classes or (num_classes == 2 and units == 1)
        if not fits:
            advice.output_fix = (output.id, num_classes)
            advice.problems.setdefault(output.id, []).append(
                f"Data: the data has {num_classes} classes, but this output layer has {units} units. Give it "
                f"{num_classes} units (one per class, with softmax)"
                + (" or 1 unit with sigmoid for a yes/no answer" if num_classes == 2 else "")
                + "."
            )
    elif task == "regression" and label_shape is not None:
        values = math.prod(label_shape) if label_shape else 1
        if units != values:
            advice.output_fix = (output.id, values)
            advice.problems.setdefault(output.id, []).append(
                f"Data: each sample has {values} value{'s' * (values != 1)} to predict, but this output layer has "
                f"{units} units. Give it {values}."
            )
    return advice
