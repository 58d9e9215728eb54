"""Adapting a network to other data in one step: a template made for a download (MNIST's 28×28 digits, CIFAR-10's
32×32 colour photos) trained instead on the bundled 8×8 digits, offline.

`adapt_to_sample` looks at the layer that takes the data (the Input; a GAN's discriminator Input) and the shape of
one sample of the new data, and says what changes, in words: the Input's shape ((784,) → (64,); (28, 28, 1) → (8, 8,
1)); an output layer that rebuilds or makes a sample (an autoencoder's, a VAE's, a GAN generator's Dense of 784) to
the new size; a Reshape to the old image shape to the new one; convolutions and poolings whose "valid" padding would
shrink 8×8 images to nothing to "same", so pooling and upsampling still meet. A pretrained backbone cannot be
adapted (its ImageNet weights are a download, and it wants images of 32×32 or more): refused in words. The changes
are plain parameter edits that `command` makes one undo step, with the new dataset choice; Keras then checks the
shapes like for any edit.

The window's "Fit model to data" uses the same adapter for any chosen data (`download_ok`: a pretrained backbone may
fetch its weights when it trains), and `change_steps` makes its changes one undo step without a new choice.
`fit_output` makes the output layer answer what the data asks — numbers (a linear output, mean squared error, no
accuracy) or classes (softmax or sigmoid, cross-entropy) — with the training settings that go with it, asked as
one question (designer.data.fit.plan_fit puts the whole fit together).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from designer.core.graph import LayerGraph
from designer.core.project import DatasetChoice, Project
from designer.core.prepare import answering_node
from designer.core.shapes import format_shape

#: layers whose "valid" padding shrinks an image; on small images they become "same"
SHRINKING = ("Conv2D", "MaxPooling2D", "AveragePooling2D", "SeparableConv2D", "DepthwiseConv2D")
#: layers that bring pretrained weights (a download) and want big images
PRETRAINED = ("VGG16", "MobileNetV2", "ResNet50")
#: below this many pixels a side, "valid" convolutions and poolings run out of image
SMALL_IMAGE = 16


#: the `role` of a `Change` to a training setting (the loss, the metrics) rather than to a graph's layer
TRAINING = "training"
#: the output activations that answer with classes: probabilities of each class, or of "yes"
CLASSIFYING = ("softmax", "sigmoid")
#: the data tasks whose targets are numbers: a linear output and a regression loss
NUMERIC_TASKS = ("regression", "forecasting")
#: the metrics that mean something only for classes, and those only for numbers
CLASS_METRICS = ("accuracy", "auc")
NUMBER_METRICS = ("mae", "mse")
LOSS_WORDS = {
    "mse": "mean squared error",
    "mae": "mean absolute error",
    "binary_crossentropy": "binary cross-entropy",
    "categorical_crossentropy": "categorical cross-entropy",
    "sparse_categorical_crossentropy": "sparse categorical cross-entropy",
}


@dataclass
class Change:
    role: str
    node_id: str
    param: str
    old: Any
    new: Any
    words: str


@dataclass
class Adaptation:
    changes: list[Change] = field(default_factory=list)
    #: why the network cannot be adapted (None: it can)
    refused: str | None = None

    def in_words(self, roles: bool = False) -> list[str]:
        """One line per change; the paddings made "same" together in one line. `roles`: each layer named with
        its graph (a GAN's two graphs both have an "input" and a "dense_3")."""
        def said(change: Change) -> str:
            named = roles and change.role not in ("model", TRAINING)
            return f"{change.role} {change.words}" if named else change.words

        lines = [said(change) for change in self.changes if change.param != "padding"]
        padded = [said(change).split(":")[0] for change in self.changes if change.param == "padding"]
        if padded:
            lines.append(f"padding valid → same on {', '.join(padded)} (small images)")
        return lines


@dataclass
class OutputFit(Adaptation):
    """The output layer (and the training settings) changed to answer what the data asks, asked first as one
    `question` about the layer `node_name`, which ends with `units` units."""

    node_name: str = ""
    units: int = 0
    question: str = ""

    @property
    def changes_kind(self) -> bool:
        """More than the units change: the activation or the loss (numbers instead of classes, or back)."""
        return any(change.param != "units" for change in self.changes)


def data_input(project: Project) -> tuple[LayerGraph, Any] | None:
    """The graph and the Input node that take the data (a GAN: the discriminator's); None when not exactly one."""
    graph = project.graph("discriminator") if project.is_gan else project.graph("model")
    inputs = [n for n in graph.nodes() if n.kind == "Input"]
    return (graph, inputs[0]) if len(inputs) == 1 else None


def adapt_to_sample(project: Project, sample: tuple[int, ...], classes: int | None = None, *,
                    download_ok: bool = False, vanishing: bool = False) -> Adaptation:
    """What to change so that `project` trains on data whose one sample has the shape `sample` (and, for a
    classifier, `classes` classes: an output layer of another size is refused, never trained into nonsense).

    `download_ok`: a pretrained backbone may fetch its weights (fitting to chosen data, not training offline); it is
    still refused images too small for it. `vanishing`: the analysis says the images shrink to nothing on the way,
    so small images get padding "same" even when the Input keeps its shape."""
    taken = data_input(project)
    if taken is None:
        return Adaptation(refused="the network has several inputs (or none): adapt it by hand")
    graph, node = taken
    old = tuple(node.params.get("shape") or ())
    refused = _backbone_refusal(project, tuple(sample), download_ok)
    if refused:
        return Adaptation(refused=refused)
    if project.training["mode"] == "supervised" and classes and not project.is_gan:
        sinks = [graph.node(n) for n in graph.sinks()]
        units = sinks[0].params.get("units") if len(sinks) == 1 else None
        if units is not None and units != classes and not (units == 1 and classes == 2):
            return Adaptation(refused=f"its output layer {sinks[0].name} gives {units} value{'s' * (units != 1)} "
                                      f"but this data has {classes} classes: give it {classes} units (softmax), or "
                                      "pick data like its own")
    new = new_input_shape(old, tuple(sample))
    if new is None:
        return Adaptation(refused=f"its Input takes {format_shape(old)} and one sample of this data is "
                                  f"{format_shape(sample)}: there is no one-step change between them")
    adaptation = Adaptation()
    if new != old:
        adaptation.changes.append(Change(graph.role, node.id, "shape", list(old), list(new),
                                         f"{node.name}: shape {format_shape(old)} → {format_shape(new)}"))
    old_size, new_size = math.prod(old), math.prod(new)
    makers = sample_makers(project)
    small = len(new) == 3 and min(new[:2]) < SMALL_IMAGE
    for g in project.graphs:
        for n in g.nodes():
            units = n.params.get("units")
            # what rebuilds or makes a flat sample must make the new one, even when it was already off (a
            # classifier's output is left alone: its units are the classes, asked about by the window's fit)
            if n.kind == "Dense" and (g.role, n.id) in makers and len(new) == 1 and units != new_size:
                adaptation.changes.append(Change(g.role, n.id, "units", units, new_size,
                                                 f"{n.name}: units {units} → {new_size} (it makes one sample)"))
            if new != old and n.kind == "Reshape" and math.prod(n.params.get("target_shape") or [0]) == old_size:
                target = list(new) if len(new) == len(n.params["target_shape"]) else [new_size]
                adaptation.changes.append(Change(g.role, n.id, "target_shape", n.params["target_shape"], target,
                                                 f"{n.name}: target shape {format_shape(n.params['target_shape'])}"
                                                 f" → {format_shape(target)}"))
            if small and (new != old or vanishing) and n.kind in SHRINKING and n.params.get("padding") == "valid":
                adaptation.changes.append(Change(g.role, n.id, "padding", "valid", "same",
                                                 f"{n.name}: padding valid → same"))
    return adaptation


def sample_makers(project: Project) -> set[tuple[str, str]]:
    """(role, node id) of the layers whose output is compared with one sample of the data: a GAN generator's
    output (the discriminator reads it), an autoencoder's or a VAE's reconstruction (its target is its input)."""
    if project.is_gan:
        generator = project.graph("generator")
        return {("generator", n) for n in generator.sinks()}
    if project.training["mode"] in RECONSTRUCTING:
        model = project.graph("model")
        return {("model", n) for n in model.sinks()}
    return set()


#: the training modes whose target is the input itself (designer.training.losses.RECONSTRUCTING; core cannot
#: import the training layer)
RECONSTRUCTING = ("autoencoder", "vae")
#: pretrained backbones want images at least this big a side
BACKBONE_SMALLEST = 32


def _backbone_refusal(project: Project, sample: tuple[int, ...], download_ok: bool) -> str | None:
    too_small = len(sample) >= 2 and min(sample[:2]) < BACKBONE_SMALLEST
    for g in project.graphs:
        for n in g.nodes():
            if n.kind not in PRETRAINED:
                continue
            if not download_ok:
                return (f"{n.name} is a pretrained {n.kind}: its ImageNet weights are a download, and it needs "
                        "images of at least 32×32, which the bundled data does not have")
            if too_small or len(sample) < 2:
                return (f"{n.name} is a pretrained {n.kind}: it needs images of at least 32×32, and one sample of "
                        f"this data is {format_shape(sample)}")
    return None


def new_input_shape(old: tuple[int, ...], sample: tuple[int, ...]) -> tuple[int, ...] | None:
    """The Input shape that reads `sample`-shaped data the way the Input of shape `old` read its own: flat stays
    flat, an image keeps its channel axis (a convolution needs one); None when there is no such one-step change."""
    if len(old) == 1:
        return (math.prod(sample),)  # a flat model reads flattened samples
    if len(old) == 2 and len(sample) == 2:
        return sample
    if len(old) == 2 and len(sample) == 3 and sample[2] == 1:
        return sample[:2]  # grey images with a channel axis, read as (height, width)
    if len(old) == 3 and len(sample) == 2:
        return (*sample, 1)  # grey images get their one channel
    if len(old) == 3 and len(sample) == 3:
        return sample
    return None


def command(project: Project, adaptation: Adaptation, choice: DatasetChoice, text: str | None = None):
    """One undo step: the new dataset choice and every change of the adaptation."""
    from designer.core.commands import Compound, SetDataset

    steps = [SetDataset(choice), *change_steps(adaptation)]
    return Compound(text or f"Train on {choice.name}", steps)


def change_steps(adaptation: Adaptation) -> list:
    """The adaptation's changes as project commands (each on its graph, or the training settings), for one
    `Compound`."""
    from designer.core.commands import OnGraph, SetParameter, SetTraining

    return [SetTraining(c.param, c.new) if c.role == TRAINING
            else OnGraph(c.role, SetParameter(c.node_id, c.param, c.new)) for c in adaptation.changes]


def fit_output(graph: LayerGraph, training: dict[str, Any], task: str, size: int | None,
               one_hot: bool = False) -> OutputFit | None:
    """What makes `graph`'s output layer (one Dense) and the `training` settings answer data of this `task`: for
    numbers ("regression", "forecasting"; `size` numbers a sample, None: the units stay) a linear output, a
    regression loss and no accuracy; for classes ("classification"; `size` classes; `one_hot` labels) softmax,
    or sigmoid for one unit, and cross-entropy. None when the output already answers that kind of question (its
    units alone are `units_fit`'s)."""
    node = answering_node(graph)
    if node is None or node.kind != "Dense":
        return None
    if task in NUMERIC_TASKS:
        wanted, kind = _for_numbers(node.params, training, size), f" ({task})"
    elif task == "classification" and size:
        wanted, kind = _for_classes(node.params, training, size, one_hot), ""
    else:
        return None
    if wanted is None:
        return None
    units, activation, loss, metrics, what = wanted
    fit = OutputFit(node_name=node.name, units=units)
    auto = training["loss"] == "auto"
    if units != node.params.get("units"):
        fit.changes.append(Change(graph.role, node.id, "units", node.params.get("units"), units,
                                  f"{node.name}: units {node.params.get('units')} → {units} ({what})"))
    if activation != node.params.get("activation"):
        picks = f"; the loss \"auto\" now picks {LOSS_WORDS[loss]}" if auto else ""
        fit.changes.append(Change(graph.role, node.id, "activation", node.params.get("activation"), activation,
                                  f"{node.name}: activation {node.params.get('activation')} → {activation} ({what}"
                                  f"{picks})"))
    if not auto and loss != training["loss"]:
        fit.changes.append(Change(TRAINING, "", "loss", training["loss"], loss,
                                  f"loss {LOSS_WORDS[training['loss']]} → {LOSS_WORDS[loss]}"))
    if metrics != list(training["metrics"]):
        fit.changes.append(Change(TRAINING, "", "metrics", list(training["metrics"]), metrics,
                                  f"metrics {_listed(training['metrics'])} → {_listed(metrics)}"))
    fit.question = (f"The data has {what}{kind}: make {node.name} a {activation} output of {units} "
                    f"unit{'s' * (units != 1)} and train with {LOSS_WORDS[loss]}?")
    return fit if fit.changes else None


def units_fit(graph: LayerGraph, node_id: str, units: int) -> OutputFit:
    """The output layer given `units` units (one per class, or per number to predict), asked first."""
    node = graph.node(node_id)
    old = node.params.get("units")
    change = Change(graph.role, node.id, "units", old, units, f"{node.name}: units {old} → {units} (the labels)")
    return OutputFit([change], node_name=node.name, units=units,
                     question=f"Also give the output layer {node.name} {units} units to match the data?")


def _for_numbers(params: dict, training: dict, values: int | None):
    """(units, activation, loss, metrics, what the data has) for numbers to predict; None when it already suits."""
    if params.get("activation") not in CLASSIFYING and "crossentropy" not in training["loss"]:
        return None
    loss = "mse" if training["loss"] == "auto" or "crossentropy" in training["loss"] else training["loss"]
    metrics = _swap_metrics(training["metrics"], CLASS_METRICS, "mae")
    return values or params.get("units"), "linear", loss, metrics, "numbers to predict"


def _for_classes(params: dict, training: dict, classes: int, one_hot: bool):
    """(units, activation, loss, metrics, what the data has) for `classes` classes; None when it already suits."""
    units = params.get("units")
    binary = classes == 2 and units == 1  # one sigmoid unit answers yes or no
    activation = "sigmoid" if binary else "softmax"
    suits = ("binary_crossentropy",) if binary else ("categorical_crossentropy", "sparse_categorical_crossentropy")
    loss = training["loss"]
    if params.get("activation") == activation and (loss == "auto" or loss in suits):
        return None
    if loss == "auto" or loss not in suits:
        loss = suits[0] if binary or one_hot else suits[1]
    metrics = _swap_metrics(training["metrics"], NUMBER_METRICS, "accuracy")
    return (1 if binary else classes), activation, loss, metrics, f"{classes} classes"


def _swap_metrics(metrics: list[str], dropped: tuple[str, ...], added: str) -> list[str]:
    kept = [name for name in metrics if name not in dropped]
    return kept if added in kept else [*kept, added]


def _listed(names: list[str]) -> str:
    return ", ".join(names) or "none"


def offline_choice(project: Project, name: str = "digits") -> DatasetChoice:
    """The bundled 8×8 digits (or the dataset `name`), with the options of the project's data that any dataset
    understands (its scale, flattened or not, the labels, the noise) and none of those that fitted the download
    (validation rows by the thousand)."""
    options = project.dataset.options if project.dataset is not None else {}
    kept = {k: v for k, v in options.items() if k in ("scale", "flatten", "labels", "input_noise")}
    return DatasetChoice(name, kept)

