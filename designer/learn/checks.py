"""The checks an exercise makes of a student's project, each read from its JSON object (designer.learn.check_files)
and run on a `designer.learn.grading.Work` (the project, what Keras says of each graph, and one training run when a
check needs it).

Three sorts: structural (the layers in order, one layer's parameters, how many of a kind, the parameter count and
the output shape, all from Keras), about settings and answers (a training setting, the loss fitting the output,
the dataset, a number the student worked out), and about a training result (a metric reached, a layer's learned
weights, no training-health finding, a GAN's samples varied). Each says what is wrong and where, in words that
point at the change without handing over the whole network: "your second Dense layer has 64 units; the network
asked for has 75 there".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from designer.learn.words import count, expectation, meets, ordinal, param_value, plural


class ExerciseError(ValueError):
    """An exercise file that cannot be used: where and what, in plain words."""


class CheckNotRun(Exception):
    """A check could not look at the project (it does not build, or cannot train); the words say why."""


class LayerMissing(CheckNotRun):
    """The layer a check looks at is not on the canvas: said once by the check of the layers in order, when the
    exercise has one, else by this check."""


#: said once for an empty canvas, by whichever check sees it first
EMPTY_CANVAS = "your canvas is empty: start with an Input layer from the Layers palette"


@dataclass(frozen=True)
class Outcome:
    passed: bool
    #: one sentence: what is wrong and where (failed), or what holds (passed)
    feedback: str


@dataclass
class Check:
    """One check of an exercise: `run` looks at a Work and says pass or fail with feedback."""

    #: the graph it looks at: "model", or "generator"/"discriminator" of a GAN
    graph: str = "model"
    #: feedback the exercise gives instead of the check's own words when it fails
    says: str | None = None
    #: True when the check needs the project trained
    trains = False

    def run(self, work) -> Outcome:
        raise NotImplementedError


def _fail(check: Check, words: str) -> Outcome:
    return Outcome(False, check.says or words)


def _network(check: Check) -> str:
    """How feedback names the network a check looks at: "network", or a GAN's "generator" / "discriminator"."""
    return "network" if check.graph == "model" else check.graph


def _layers_of(work, check: Check) -> list:
    return [n for n in work.layers(check.graph)]


# ====================================================================== structure
@dataclass
class LayersInOrder(Check):
    """The kinds of layers from input to output (a stack; `ignoring` kinds are skipped on both sides)."""

    kinds: tuple[str, ...] = ()
    ignoring: tuple[str, ...] = ()

    def run(self, work) -> Outcome:
        theirs = [n.kind for n in _layers_of(work, self) if n.kind not in self.ignoring]
        asked = [k for k in self.kinds if k not in self.ignoring]
        for i, (got, want) in enumerate(zip(theirs, asked)):
            if got != want:
                return _fail(self, f"your {ordinal(i + 1)} layer is {_a(got)}; the network asked for has {_a(want)} "
                                   "there")
        if not theirs and asked:
            return _fail(self, EMPTY_CANVAS)
        if len(theirs) < len(asked):
            return _fail(self, f"your network has {plural(len(theirs), 'layer')}; the one asked for has "
                               f"{len(asked)}: after your {ordinal(len(theirs))} layer comes {_a(asked[len(theirs)])}")
        if len(theirs) > len(asked):
            return _fail(self, f"your network has {plural(len(theirs), 'layer')}; the one asked for has only "
                               f"{len(asked)}: it ends after {_a(asked[-1])}")
        return Outcome(True, f"the layers are in the right order ({' → '.join(theirs)})")


@dataclass
class LayerParameters(Check):
    """The `nth` layer of `kind` (1-based; -1 the last) has these parameter values (exact, one_of, at_most,
    at_least)."""

    kind: str = "Dense"
    nth: int = 1
    expect: dict[str, Any] = field(default_factory=dict)

    def run(self, work) -> Outcome:
        found = [n for n in _layers_of(work, self) if n.kind == self.kind]
        which = f"{self.kind} layer" if len(found) == 1 else f"{ordinal(self.nth)} {self.kind} layer"
        if not found or len(found) < self.nth:
            have = "none" if not found else f"{len(found)}"
            need = "a" if self.nth in (1, -1) else f"at least {self.nth}"
            raise LayerMissing(self.says or f"the {_network(self)} asked for has {need} {self.kind} "
                               f"layer{'s' if need != 'a' else ''}; yours has {have}")
        node = found[self.nth - 1] if self.nth > 0 else found[self.nth]
        for name, expected in self.expect.items():
            value = node.params.get(name)
            if not meets(value, expected):
                return _fail(self, f"your {which} ({node.name}) has {param_value(name, value)}; the network asked "
                                   f"for has {expectation(name, expected)} there")
        said = ", ".join(param_value(k, node.params.get(k)) for k in self.expect)
        return Outcome(True, f"the {which} is right" + (f" ({said})" if said else ""))


@dataclass
class HowMany(Check):
    """How many layers of the `kinds` the graph has: `at_least`, `at_most`."""

    kinds: tuple[str, ...] = ()
    at_least: int | None = None
    at_most: int | None = None

    def run(self, work) -> Outcome:
        n = sum(1 for node in _layers_of(work, self) if node.kind in self.kinds)
        named = " or ".join(self.kinds)
        if self.at_least is not None and n < self.at_least:
            net = _network(self)
            if n == 0:
                return _fail(self, f"the {net} asked for has {_a(named) if self.at_least == 1 else self.at_least} "
                                   f"{'layer' if self.at_least == 1 else named + ' layers'}; yours has none")
            return _fail(self, f"the {net} asked for has at least {self.at_least} {named} layers; yours has {n}")
        if self.at_most is not None and n > self.at_most:
            if self.at_most == 0:
                return _fail(self, f"the {_network(self)} asked for has no {named} layer; yours has {n}")
            return _fail(self, f"the {_network(self)} asked for has at most {self.at_most} {named} layers; yours "
                               f"has {n}")
        return Outcome(True, f"{plural(n, named + ' layer')}")


@dataclass
class ParameterCount(Check):
    """Keras's parameter count of the graph: total, trainable or non_trainable."""

    which: str = "total"
    expected: int = 0

    def run(self, work) -> Outcome:
        report = work.report(self.graph)
        got = {"total": report.total_params, "trainable": report.trainable_params,
               "non_trainable": report.non_trainable_params}[self.which]
        title = {"total": "Total params", "trainable": "Trainable params",
                 "non_trainable": "Non-trainable params"}[self.which]
        if got == self.expected:
            return Outcome(True, f"{title} {count(got)}, as asked")
        gap = self.expected - got
        off = f"{count(gap)} short" if gap > 0 else f"{count(-gap)} too many"
        return _fail(self, f"{title} {count(got)}: {off}")


@dataclass
class OutputShape(Check):
    """The shape of the graph's output per sample (Keras's), e.g. [10]; `like_input`: the same as the input's."""

    shape: tuple[int, ...] | None = None
    like_input: bool = False

    def run(self, work) -> Outcome:
        nodes = _layers_of(work, self)
        graph = work.project.graph(self.graph)
        report = work.report(self.graph)
        sinks = [n for n in graph.sinks()]
        if len(sinks) != 1:
            return _fail(self, f"the network asked for has one output; yours has {len(sinks)}")
        got = report.nodes[sinks[0]].output_shape if sinks[0] in report.nodes else None
        got = tuple(got[1:]) if got is not None else None
        if self.like_input:
            sources = [n.id for n in nodes if n.kind == "Input"]
            want = tuple(report.nodes[sources[0]].output_shape[1:]) if sources and sources[0] in report.nodes and \
                report.nodes[sources[0]].output_shape else None
        else:
            want = self.shape
        if got != tuple(want or ()):
            return _fail(self, f"your network's output is {_shape(got)} for each sample; the one asked for gives "
                               f"{_shape(want)}" + (" (the shape of its input)" if self.like_input else ""))
        return Outcome(True, f"the output is {_shape(got)} for each sample")


# ====================================================================== settings, data, answers
@dataclass
class TrainingSetting(Check):
    """A training setting meets what is asked (exact, one_of, at_most, at_least)."""

    name: str = "loss"
    expected: Any = None

    def run(self, work) -> Outcome:
        value = work.project.training.get(self.name)
        label = self.name.replace("_", " ")
        if not meets(value, self.expected):
            asked = expectation(self.name, self.expected).replace(label + " ", "", 1)
            return _fail(self, f"the {label} is {value}; the exercise asks for {asked}")
        return Outcome(True, f"the {label} is {value}")


@dataclass
class LossFitsOutput(Check):
    """The loss suits the output layer and the task (designer.training.losses: the window's own warning)."""

    def run(self, work) -> Outcome:
        from designer.training.losses import loss_warning

        project = work.project
        loss, mode = project.training["loss"], project.training["mode"]
        warning = loss_warning(project.graph(self.graph), mode, loss)
        if warning:
            return _fail(self, f"the loss {loss} does not suit your output layer: {warning}")
        return Outcome(True, f"the loss ({loss}) suits the output layer")


@dataclass
class DatasetChoice(Check):
    """The project trains on this dataset; `options` each meet what is asked."""

    name: str | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def run(self, work) -> Outcome:
        choice = work.project.dataset
        if choice is None:
            return _fail(self, "the project chooses no dataset (the Data panel)")
        if self.name is not None and choice.name != self.name:
            return _fail(self, f"the project trains on {choice.name}; the exercise is about {self.name}")
        for option, expected in self.options.items():
            value = choice.options.get(option)
            if not meets(value, expected):
                return _fail(self, f"the data option {option.replace('_', ' ')} is {value}; the exercise asks for "
                                   f"{expectation(option, expected).replace(option.replace('_', ' ') + ' ', '', 1)}")
        options = ", ".join(f"{k.replace('_', ' ')} {choice.options.get(k)}" for k in self.options)
        return Outcome(True, f"the data is {choice.name}" + (f" ({options})" if options else ""))


@dataclass
class Answer(Check):
    """A number the student works out and types into the exercise: right within `tolerance`."""

    id: str = ""
    ask: str = ""
    answer: float = 0.0
    tolerance: float = 0.0

    def run(self, work) -> Outcome:
        typed = work.project.answers.get(self.id, "").strip()
        question = f"“{self.ask}”"
        if not typed:
            return _fail(self, f"{question} is not answered yet")
        value = parse_number(typed)
        if value is None:
            return _fail(self, f"your answer to {question} ({typed}) is not a number")
        if abs(value - self.answer) > self.tolerance + 1e-12:
            direction = "too high" if value > self.answer else "too low"
            return _fail(self, f"your answer to {question} ({typed}) is {direction}")
        return Outcome(True, f"{question}: {typed} is right")


def parse_number(text: str) -> float | None:
    """A number as a person types it: "0.7311", "0,7311", "1 600", "1,600" (thousands), "25%"."""
    text = text.strip().replace(" ", "").replace("\u202f", "").replace("\u2212", "-")
    percent = text.endswith("%")
    text = text.rstrip("%")
    if text.count(",") == 1 and "." not in text and not (len(text.split(",")[1]) == 3 and
                                                          text.split(",")[0].lstrip("-").isdigit()):
        text = text.replace(",", ".")  # a decimal comma; "1,600" stays a thousands separator
    text = text.replace(",", "")
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return value / 100 if percent else value


@dataclass
class AnyOf(Check):
    """Passes when any of `checks` passes (Dropout, or early stopping); fails with `says` or the first one's words."""

    checks: tuple[Check, ...] = ()

    @property
    def trains(self) -> bool:  # type: ignore[override]
        return any(c.trains for c in self.checks)

    def run(self, work) -> Outcome:
        outcomes = []
        for check in self.checks:
            try:
                outcomes.append(check.run(work))
            except CheckNotRun as reason:
                outcomes.append(Outcome(False, str(reason)))
        for outcome in outcomes:
            if outcome.passed:
                return outcome
        return _fail(self, outcomes[0].feedback)


# ====================================================================== training results
@dataclass
class MetricReached(Check):
    """After training, a logged metric reached `at_least` (accuracy) or `at_most` (a loss) at its best epoch."""

    metric: str = "val_accuracy"
    at_least: float | None = None
    at_most: float | None = None
    trains = True

    def run(self, work) -> Outcome:
        run = work.trained()
        values = [v for v in run.result.history.get(self.metric, []) if v is not None and math.isfinite(v)]
        epochs = len(run.result.history.get("loss", []))
        if not values:
            known = ", ".join(k for k in run.result.history) or "nothing"
            return _fail(self, f"training logged no {self.metric} (it logged {known}); check the loss and the "
                               "validation share")
        best = max(values) if self.at_least is not None else min(values)
        trained = f"after {plural(epochs, 'epoch')} of training"
        if self.at_least is not None and best < self.at_least:
            return _fail(self, f"{trained} the best {self.metric} was {best:.4g}; the exercise asks for at least "
                               f"{self.at_least:g}")
        if self.at_most is not None and best > self.at_most:
            return _fail(self, f"{trained} the lowest {self.metric} was {best:.4g}; the exercise asks for at most "
                               f"{self.at_most:g}")
        return Outcome(True, f"{self.metric} reached {best:.4g} {trained}")


@dataclass
class LearnedWeights(Check):
    """After training, the `nth` layer of `kind` learned a kernel and a bias near these (each within tolerance)."""

    kind: str = "Dense"
    nth: int = 1
    kernel: tuple[float, ...] | None = None
    bias: tuple[float, ...] | None = None
    tolerance: float = 0.1
    trains = True

    def run(self, work) -> Outcome:
        import numpy as np

        found = [n for n in _layers_of(work, self) if n.kind == self.kind]
        if len(found) < abs(self.nth):
            return _fail(self, f"the network asked for has {_a(self.kind)} layer; yours has none")
        node = found[self.nth - 1] if self.nth > 0 else found[self.nth]
        weights = work.trained().result.model.get_layer(node.name).get_weights()
        for label, want, got in (("weight", self.kernel, weights[0] if weights else None),
                                 ("bias", self.bias, weights[1] if len(weights) > 1 else None)):
            if want is None:
                continue
            if got is None:
                return _fail(self, f"your {node.name} layer has no {label}")
            got = np.asarray(got, dtype=float).reshape(-1)
            if got.size != len(want) or np.max(np.abs(got - np.asarray(want))) > self.tolerance:
                shown = ", ".join(f"{v:.3g}" for v in got[:4])
                return _fail(self, f"after training, {node.name} has learned the {label} {shown}: not yet what the "
                                   "data was made with")
        return Outcome(True, f"{node.name} learned the weights the data was made with")


@dataclass
class NoHealthFinding(Check):
    """Training shows none of these training-health findings (designer.training.health keys; empty: none at all)."""

    keys: tuple[str, ...] = ()
    trains = True

    def run(self, work) -> Outcome:
        found = [f for f in work.trained().result.findings if not self.keys or f.key in self.keys]
        if found:
            first = found[0]
            return _fail(self, f"training still shows “{first.title}” (epoch {first.epoch}); the Training panel's "
                               "health findings say more")
        return Outcome(True, "training shows no sign of trouble")


@dataclass
class VariedSamples(Check):
    """After training, a GAN's generated samples vary: their mean pairwise distance over the real rows' (1: as
    varied as the data) is at least `at_least`."""

    at_least: float = 0.3
    graph: str = "generator"
    trains = True

    def run(self, work) -> Outcome:
        import numpy as np

        from designer.training.health_probe import variety

        run = work.trained()
        generator = run.result.model
        noise_shape = tuple(int(d) for d in generator.input_shape[1:])
        rng = np.random.default_rng(0)
        made = np.asarray(generator.predict(rng.normal(size=(64, *noise_shape)).astype("float32"), verbose=0))
        real = np.asarray(run.dataset.x_train[:64], dtype="float32").reshape(min(64, len(run.dataset.x_train)), -1)
        measured = variety(made.reshape(len(made), -1), real)
        if measured < self.at_least:
            return _fail(self, f"the generated samples are alike (variety {measured:.2f}, where the real data has 1); "
                               f"the exercise asks for at least {self.at_least:g}")
        return Outcome(True, f"the generated samples vary (variety {measured:.2f})")


def _a(word: str) -> str:
    return ("an " if word[:1].upper() in "AEIOU" else "a ") + word


def _shape(shape) -> str:
    if shape is None:
        return "unknown"
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
