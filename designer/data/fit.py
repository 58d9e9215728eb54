"""Does the model fit the chosen data? Checked before any training: the Input's shape against one sample's
shape, and the output layer against the labels — its units against the number of classes (or of numbers to
predict), its activation against the kind of answer (class probabilities or numbers). Each problem comes with the
fix the Data panel can apply in one undoable step.

`plan_fit` is that fix, whole: what "Fit model to data" changes (the window and the command line run it as one
undo step), the output layer and the loss changed only if the person agrees to one question about them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from designer.core.adapt import (CLASSIFYING, NUMERIC_TASKS, OutputFit, adapt_to_sample, change_steps, data_input,
                                 fit_output, new_input_shape, units_fit)
from designer.core.graph import LayerGraph
from designer.core.prepare import answering_node, preparation_steps
from designer.data.user_files import is_user_file
from designer.core.shapes import format_shape

if TYPE_CHECKING:
    from designer.core.project import Project
    from designer.data.dataset import Dataset

#: the undo step of "Fit model to data"
FIT_TEXT = "Fit model to data"


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
    words: list[str] | None = None,
) -> FitAdvice:
    """What does not fit, in words, with the fixes. `words`: the columns of words that go into the model as words
    (then `sample_shape` is the numbers')."""
    advice = FitAdvice()
    inputs = [n for n in graph.nodes() if n.kind == "Input"]  # the one Input of numbers (text inputs aside)
    if len(inputs) == 1:
        node = inputs[0]
        wanted = tuple(node.params.get("shape", ()))
        if not reshape_fits(tuple(sample_shape), wanted):
            # the same rule as the fit itself (designer.core.adapt): a model that starts flat wants the data
            # flattened, an image model keeps its channel axis (a convolution needs one)
            fix = new_input_shape(wanted, tuple(sample_shape))
            if words:
                said = f"Data: a row of the chosen data has {math.prod(sample_shape)} numbers and the words of " \
                       f"{', '.join(words)}, but this Input expects {format_shape(wanted)}."
            else:
                said = f"Data: one sample of the chosen data is {format_shape(sample_shape)}, but this Input expects " \
                       f"{format_shape(wanted)}."
            if fix is None:
                said += " No one step turns one into the other: choose data shaped like it, or change the layers."
            else:
                advice.input_fix = (node.id, list(fix))
                said += f" Set its shape to {format_shape(fix)}" + (
                    ", and give the words inputs of their own" if words else "") + " (Data → Fit model to data)."
            advice.problems.setdefault(node.id, []).append(said)
    output = answering_node(graph)
    if not check_output or output is None or task not in ("classification", *NUMERIC_TASKS):
        return advice
    if output.kind != "Dense":
        return advice
    if task == "classification" and num_classes:
        _advise_classes(advice, output, num_classes)
    elif task in NUMERIC_TASKS:
        _advise_numbers(advice, output, values_to_predict(task, label_shape))
    return advice


def _advise_classes(advice: FitAdvice, output, classes: int) -> None:
    units, activation = output.params.get("units"), output.params.get("activation")
    if not (units == classes or (classes == 2 and units == 1)):
        advice.output_fix = (output.id, classes)
        said = (f"Data: the data has {classes} classes, but this output layer has {units} units. Give it {classes} "
                "units (one per class, with softmax)"
                + (" or 1 unit with sigmoid for a yes/no answer" if classes == 2 else "") + ".")
    elif units == 1 and activation == "softmax":
        said = ("Data: the data has 2 classes, but one softmax unit always answers 1. Make it sigmoid (a yes/no "
                "answer) with binary cross-entropy (Data → Fit model to data).")
    elif activation not in CLASSIFYING:
        said = (f"Data: the data has {classes} classes, but this output layer's {activation} activation gives numbers, "
                f"not class probabilities. Make it {'sigmoid' if units == 1 else 'softmax'}, trained with "
                "cross-entropy (Data → Fit model to data).")
    else:
        return
    advice.problems.setdefault(output.id, []).append(said)


def _advise_numbers(advice: FitAdvice, output, values: int | None) -> None:
    units, activation = output.params.get("units"), output.params.get("activation")
    wrong_units = values is not None and units != values
    if wrong_units:
        advice.output_fix = (output.id, values)
    if activation in CLASSIFYING:
        size = f" of {values} unit{'s' * (values != 1)}" if values is not None else ""
        said = (f"Data: the data has numbers to predict, but this output layer's {activation} gives class "
                f"probabilities. Make it a linear output{size}, trained with a regression loss such as mean squared "
                "error (Data → Fit model to data).")
    elif wrong_units:
        said = (f"Data: each sample has {values} value{'s' * (values != 1)} to predict, but this output layer has "
                f"{units} units. Give it {values}.")
    else:
        return
    advice.problems.setdefault(output.id, []).append(said)


def values_to_predict(task: str, label_shape: tuple[int, ...] | None) -> int | None:
    """How many numbers one sample's target holds, as an output Dense's units; None when its units do not say (no
    labels, or a forecast of a whole sequence: a Dense there gives each step's numbers)."""
    if label_shape is None or (task == "forecasting" and len(label_shape) > 1):
        return None
    return math.prod(label_shape) if label_shape else 1


# ---------------------------------------------------------------------------- the fix, whole
@dataclass
class FitPlan:
    """What "Fit model to data" changes: project commands for one undo step, each change said in a line; or why
    the model cannot be fitted (`refused`)."""

    steps: list = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    refused: str | None = None

    def command(self):
        """The one undo step (a `Compound`), None when nothing needs changing (or the fit is refused)."""
        from designer.core.commands import Compound

        return Compound(FIT_TEXT, self.steps) if self.steps and not self.refused else None


def fit_target(project: Project) -> tuple[LayerGraph, bool] | None:
    """The graph the data feeds (a GAN: the discriminator), and whether its output is compared with the labels."""
    if project.is_gan:
        return project.graph("discriminator"), False
    graph = next((g for g in project.graphs if g.role == "model"), None)
    if graph is None:
        return None
    return graph, project.training.get("mode", "supervised") == "supervised"


def plan_fit(project: Project, dataset: Dataset | None, *, vanishing: bool = False,
             agree: Callable[[OutputFit], bool] = lambda question: True) -> FitPlan:
    """Everything that fits `project` to `dataset`: the Input's shape, what makes or rebuilds a sample and small
    images' paddings (designer.core.adapt.adapt_to_sample), then the output layer for the labels — its units, and
    for numbers instead of classes (or back) its activation, the loss and the metrics — if `agree(output_fit)` says
    yes to its `question` (the command line agrees to all). No data (`dataset` None): a GAN's or an autoencoder's
    two ends are made to meet. `vanishing`: the analysis found small images shrinking to nothing on the way."""
    target = fit_target(project)
    taken = data_input(project) if target is not None else None
    table = dataset is not None and dataset.columns is not None and target is not None and target[1]
    words = _columns_of_words(dataset) if table and _words_in_model(project, dataset) else None
    if dataset is not None:
        sample = fitted_sample(project, dataset)
    elif taken is not None:
        sample = tuple(taken[1].params.get("shape") or ())  # no data: the Input stays, the output follows it
    else:
        return FitPlan()
    adaptation = adapt_to_sample(project, sample, download_ok=True, vanishing=vanishing)
    if adaptation.refused:
        return FitPlan(refused=adaptation.refused)
    plan = FitPlan(change_steps(adaptation), adaptation.in_words(roles=True))
    output = output_fit(project, dataset)
    if output is not None and agree(output):
        plan.steps += change_steps(output)
        plan.lines += output.in_words(roles=True)
    if table:
        # a person's table: its preparation goes into the model, which then takes rows as they are in the file
        column = dataset.options.get("target") or dataset.columns[-1]
        steps, lines = preparation_steps(project, target[0].role, regression=dataset.task in NUMERIC_TASKS,
                                         target=column, words=words)
        plan.steps += steps
        plan.lines += lines
    elif dataset is not None and dataset.image_max and is_user_file(dataset.name) and target is not None and target[1]:
        # a person's folder of images: the model rescales the pixel values itself
        steps, lines = preparation_steps(project, target[0].role, regression=False, image_max=dataset.image_max)
        plan.steps += steps
        plan.lines += lines
    return plan


def fit_advice(project: Project, dataset: Dataset, graph: LayerGraph, check_output: bool = True) -> FitAdvice:
    """`advise` for `dataset` as Fit model to data would fit `graph` to it: the numbers only when its columns of words
    go into the model as words."""
    words = list(_columns_of_words(dataset) or {}) if _words_in_model(project, dataset) else None
    return advise(graph, fitted_sample(project, dataset), dataset.task, dataset.num_classes, dataset.label_shape,
                  check_output=check_output, words=words if words and dataset.words_train is None else None)


def fitted_sample(project: Project, dataset: Dataset) -> tuple[int, ...]:
    """One sample's shape as the fitted model's Input reads it: a person's table's numbers only when its columns of
    words go into the model as words, else the data's sample (text columns one-hot, chosen so or kept by a model
    built for them)."""
    return _numbers_shape(dataset) if _words_in_model(project, dataset) else tuple(dataset.sample_shape)


def _words_in_model(project: Project, dataset: Dataset) -> bool:
    """A person's table's columns of words are (or, fitted, will be) read by the model as words: the data reads them
    so already ("in model"), or the model does not take their one-hot values as it is (a model that does keeps them:
    the person chose one-hot and built for it)."""
    target = fit_target(project)
    if dataset.columns is None or target is None or not target[1] or not _columns_of_words(dataset):
        return False
    if dataset.words_train is not None:
        return True
    if dataset.options.get("text_columns", "auto") == "one-hot":  # chosen in the Data panel: kept
        return False
    inputs = [n for n in target[0].nodes() if n.kind == "Input"]
    return not (len(inputs) == 1 and reshape_fits(tuple(dataset.sample_shape), tuple(inputs[0].params.get("shape", ()))))


def _columns_of_words(dataset: Dataset) -> dict[str, list[str]] | None:
    """A table's columns of words and the words of each, to be read inside the model; None without any."""
    values = getattr(dataset, "word_values", None)
    return {column: list(words) for column, words in values.items()} if values else None


def _numbers_shape(dataset: Dataset) -> tuple[int, ...]:
    """One sample's numbers once the columns of words are read by the model: while they are still one-hot encoded
    by the data (a value each per word), those values leave the Input."""
    if dataset.words_train is not None:
        return tuple(dataset.sample_shape)
    one_hot = sum(len(words) for words in dataset.word_values.values())
    return (int(math.prod(dataset.sample_shape)) - one_hot,)


def output_fit(project: Project, dataset: Dataset | None) -> OutputFit | None:
    """The output layer's change for `dataset`'s labels, with its question; None when it answers them already (or
    nothing compares it with labels: an autoencoder, a GAN)."""
    target = fit_target(project)
    if dataset is None or target is None or not target[1]:
        return None
    graph, task, classes = target[0], dataset.task, dataset.num_classes
    size = classes if task == "classification" else values_to_predict(task, dataset.label_shape)
    one_hot = classes is not None and classes > 1 and dataset.label_shape == (classes,)
    kind = fit_output(graph, project.training, task, size, one_hot)
    if kind is not None:
        return kind
    advice = advise(graph, dataset.sample_shape, task, classes, dataset.label_shape)
    return units_fit(graph, *advice.output_fix) if advice.output_fix else None
