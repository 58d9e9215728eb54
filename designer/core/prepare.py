"""Putting a table's preparation into the model, as "Fit model to data" does for a person's own CSV: a
`Normalization` layer right after the Input (each column standardized with the training rows' numbers, learned when
training starts), and for numbers to predict an inverted `Normalization` as the last layer (answers in the target's
units); the data then goes in raw (scale "none"), so the trained and exported model takes rows as they are in the
file. Two visible layers rather than one "Prepare" block: each is a plain Keras layer the person can click, read
and remove, and an exported model holds exactly what the canvas shows.

A table's columns of words go in as words too: one `TextInput` and one `StringLookup` (one-hot, its vocabulary the
column's words) per column, joined to the standardized numbers by a `Concatenate`; the data's text columns are then
read "in model", not one-hot encoded before it.

The steps are core commands for one compound edit; the words say what changed and why.
"""

from __future__ import annotations

import copy
import re

from designer.core import catalogue
from designer.core.commands import (AddNode, Command, Connect, OnGraph, RemoveNodes, RenameNode, SetDataset,
                                    SetParameter)
from designer.core.graph import LayerGraph
from designer.core.insert import insert_after
from designer.core.layout import COLUMN_SPACING, ROW_SPACING, free_position
from designer.core.project import DatasetChoice, Project

KIND = "Normalization"
#: the data option that reads a table's columns of words inside the model, and its value then
TEXT_OPTION, IN_MODEL = "text_columns", "in model"


def _input_node(graph: LayerGraph):
    """The graph's one Input of numbers (text inputs aside), or None."""
    sources = [graph.node(n) for n in graph.topological_order() if graph.node(n).kind == "Input"]
    return sources[0] if len(sources) == 1 else None


def text_inputs(graph: LayerGraph) -> list:
    """The TextInput nodes: each reads one column of words."""
    return [node for node in graph.nodes() if node.kind == "TextInput"]


def word_input_name(column: str) -> str:
    """A layer name for the text input of `column`: letters, digits and _.- only, starting with a letter."""
    name = re.sub(r"[^A-Za-z0-9_.\-]+", "_", column).strip("_") or "text"
    return (name if name[0].isalpha() else f"text_{name}")[:48]


def _output_node(graph: LayerGraph):
    outputs = [graph.node(n) for n in graph.sinks() if not catalogue.get(graph.node(n).kind).is_source]
    return outputs[0] if len(outputs) == 1 else None


def target_units_node(graph: LayerGraph):
    """The inverted Normalization that is the graph's only output (it gives answers in the target's units), or
    None."""
    output = _output_node(graph)
    return output if output is not None and output.kind == KIND and output.params.get("invert") else None


def input_normalizers(graph: LayerGraph) -> list:
    """The Normalization layers (not inverted) that read an Input directly: they standardize raw rows."""
    return [node for node in graph.nodes()
            if node.kind == KIND and not node.params.get("invert") and graph.inputs_of(node.id)
            and all(catalogue.get(graph.node(s).kind).is_source for s in graph.inputs_of(node.id))]


def answering_node(graph: LayerGraph):
    """The layer whose activation and units answer the question (the output layer; before an inverted
    Normalization that only gives its answers back in the target's units, the layer before it), or None."""
    units = target_units_node(graph)
    if units is not None:
        before = graph.inputs_of(units.id)
        return graph.node(before[0]) if len(before) == 1 else None
    return _output_node(graph)


def prepares_inputs(graph: LayerGraph, kind: str = KIND) -> bool:
    """The layer after the Input already prepares the rows: standardizes them (a Normalization, not inverted), or
    with `kind` "Rescaling" rescales pixel values."""
    source = _input_node(graph)
    return source is not None and any(
        graph.node(n).kind == kind and not graph.node(n).params.get("invert") for n in graph.outputs_of(source.id))


def gives_target_units(graph: LayerGraph) -> bool:
    return target_units_node(graph) is not None


def preparation_steps(project: Project, role: str, regression: bool, target: str = "",
                      image_max: float | None = None,
                      words: dict[str, list[str]] | None = None) -> tuple[list[Command], list[str]]:
    """The steps that put a table's preparation into the `role` graph (and the data in raw), with a line each;
    nothing when it is there already. `regression`: the target is numbers (then the last layer gives them back in
    their units; `target` names the column for the words). `image_max`: the data are images whose pixel values go up
    to it: then a Rescaling to 0..1 goes after the Input instead. `words`: a table's columns of words and the words of
    each: they go in as words (and the data's text columns "in model")."""
    graph = project.graph(role)
    steps: list[Command] = []
    lines: list[str] = []
    source, output = _input_node(graph), _output_node(graph)
    if source is None or output is None:
        return steps, lines
    # each step is planned on a scratch copy with the steps before it done, so that the second layer is placed
    # below the layers the first one moved down, not on top of one of them
    scratch = graph.copy()

    def plan(planned: list[Command]) -> None:
        steps.extend(OnGraph(role, step) for step in planned)
        for step in copy.deepcopy(planned):
            step.do(scratch)

    def add_after(anchor: str, name: str, invert: bool = False, kind: str = KIND, **params) -> str:
        node_id = scratch.new_node_id()
        name = scratch.unique_name(name)
        planned = insert_after(scratch, anchor, kind, node_id) + [RenameNode(node_id, name)]
        if invert:
            planned.append(SetParameter(node_id, "invert", True))
        planned += [SetParameter(node_id, key, value) for key, value in params.items()]
        plan(planned)
        return node_id

    if image_max:
        if not prepares_inputs(graph, "Rescaling"):
            node_id = add_after(source.id, "rescale", kind="Rescaling", scale=1.0 / image_max, offset=0.0)
            lines.append(f"{scratch.node(node_id).name}: added after {source.name}: it divides the pixel values by "
                         f"{image_max:g}, so the trained model takes images as they are in the files")
    elif not prepares_inputs(graph):
        node_id = add_after(source.id, "standardize")
        lines.append(f"{scratch.node(node_id).name}: added after {source.name}: it standardizes "
                     "each column with the training rows' numbers, so the trained model takes raw rows as they are in "
                     "the file")
    if words and not text_inputs(graph):
        lines.append(_plan_words(scratch, source.id, words, plan))
    elif words:
        lines += _replan_words(scratch, words, plan)
    if regression and not image_max and not gives_target_units(graph):
        node_id = add_after(output.id, "target_units", invert=True)
        said = f"the units of {target}" if target else "the target's own units"
        lines.append(f"{scratch.node(node_id).name}: added after {output.name}: the network learns on standardized "
                     f"targets and the model answers in {said}")
    choice = project.dataset
    if choice is not None:
        options = dict(choice.options)
        if options.get("scale", "auto") != "none":
            options["scale"] = "none"
            lines.append("Data: scale none: the model prepares the rows itself")
        if words and options.get(TEXT_OPTION) != IN_MODEL:
            options[TEXT_OPTION] = IN_MODEL
            lines.append("Data: text columns in model: the columns of words reach the model as words")
        if options != choice.options:
            steps.append(SetDataset(DatasetChoice(choice.name, options)))
    return steps, lines


def _replan_words(scratch: LayerGraph, words: dict[str, list[str]], plan) -> list[str]:
    """The text inputs already there, made to match `words` (another target, another file): a column that is no
    longer an input of words loses its text input and lookup, a new one gets them, a lookup whose words changed gets
    the new ones; the lines that say so."""
    lines = []
    existing = {node.params.get("column"): node for node in text_inputs(scratch)}
    lookups = {column: _lookup_of(scratch, node) for column, node in existing.items()}
    joins = {scratch.outputs_of(lookup.id)[0] for lookup in lookups.values()
             if lookup is not None and len(scratch.outputs_of(lookup.id)) == 1}
    if len(joins) != 1:
        return lines  # not laid out as Fit lays it out: the person's own design is left alone
    join_id = joins.pop()
    gone = [column for column in existing if column not in words]
    if gone and len(scratch.inputs_of(join_id)) - len(gone) + len(set(words) - set(existing)) >= 2:
        doomed = [existing[c].id for c in gone] + [lookups[c].id for c in gone if lookups[c] is not None]
        plan([RemoveNodes(doomed)])
        lines.append(f"{', '.join(gone)}: no longer an input of words: its text input and lookup are removed")
    for column, values in words.items():
        lookup = lookups.get(column)
        if column in existing and lookup is not None and lookup.params.get("vocabulary") != list(values):
            plan([SetParameter(lookup.id, "vocabulary", list(values))])
            lines.append(f"{lookup.name}: its words are now those of the data ({len(values)} words)")
    new = {column: values for column, values in words.items() if column not in existing}
    if new:
        lines.append(_add_word_inputs(scratch, join_id, new, plan, start=len(existing) + 1))
    return lines


def _lookup_of(graph: LayerGraph, text_node):
    following = graph.outputs_of(text_node.id)
    lookup = graph.node(following[0]) if len(following) == 1 else None
    return lookup if lookup is not None and lookup.kind == "StringLookup" else None


def _plan_words(scratch: LayerGraph, source_id: str, words: dict[str, list[str]], plan) -> str:
    """Plan (with `plan`, on `scratch`) a TextInput and a StringLookup for each column of `words` (its words), and a
    Concatenate after the numbers' preparation that joins them; the line that says so."""
    following = scratch.outputs_of(source_id)
    # the numbers' last preparation step (standardize), else the Input itself: the words join after it
    anchor = following[0] if len(following) == 1 and scratch.node(following[0]).kind == KIND else source_id
    join_id = scratch.new_node_id()
    join_name = scratch.unique_name("with_words")
    plan(insert_after(scratch, anchor, "Concatenate", join_id) + [RenameNode(join_id, join_name)])
    return _add_word_inputs(scratch, join_id, words, plan)


def _add_word_inputs(scratch: LayerGraph, join_id: str, words: dict[str, list[str]], plan, start: int = 1) -> str:
    """Plan a TextInput and a StringLookup for each column of `words`, read into the Concatenate `join_id`, placed
    in columns to the right of the Input; the line that says so."""
    numbers = _input_node(scratch)
    x, y = numbers.position if numbers is not None else scratch.node(join_id).position
    join_name = scratch.node(join_id).name
    read = []
    for column_number, (column, values) in enumerate(words.items(), start=start):
        text_id = scratch.new_node_id()
        at = free_position(scratch, (x + column_number * COLUMN_SPACING, y))
        text_name = scratch.unique_name(word_input_name(column))
        plan([AddNode("TextInput", at, params={"column": column}, name=text_name, node_id=text_id)])
        lookup_id = scratch.new_node_id()
        below = free_position(scratch, (at[0], at[1] + ROW_SPACING))
        plan([AddNode("StringLookup", below, params={"vocabulary": list(values)},
                      name=scratch.unique_name(f"{text_name}_words"), node_id=lookup_id),
              Connect(text_id, lookup_id), Connect(lookup_id, join_id)])
        read.append(f"{column} ({len(values)} words)")
    return (f"{', '.join(read)}: read as words inside the model, a text input and a string lookup each, joined to the "
            f"numbers by {join_name}, so the trained model takes rows with their words as they are in the file")

