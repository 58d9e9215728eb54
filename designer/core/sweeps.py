"""What a sweep varies: one to three names, each with a list of values or a range, checked against a project.

A name is a training setting (``learning_rate``) or a layer's parameter (``dense.units``; ``generator/dense.units``
in a GAN). `parse_vary` reads the command line's ``NAME=V1,V2,…`` and ``NAME=LOW..HIGH[:log]``; `resolve` checks
the name and every value against the project (the setting's or the parameter's own type and range) and says in
plain words what is wrong; `with_values` is the project a trial trains: a copy with the values put in. The search
itself (grid, random, Bayesian) is Optuna's, in `designer.training.sweep`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from designer.core import catalogue
from designer.core.catalogue import ParameterError, ParamSpec
from designer.core.project import TRAINING_SPECS, Project

SEARCHES = ("grid", "random", "bayes")
MAX_VARIED = 3
#: how many values a range gives in a grid search
GRID_POINTS = 5
#: settings a sweep keeps fixed, and why: trials must be comparable
FIXED = {
    "mode": "it changes what the network learns",
    "seed": "every trial uses the same seed, so that trials differ only in what is varied",
    "validation_split": "every trial is scored on the same validation rows",
    "device": "it changes where, not how, the network trains",
    "loss": "losses of different kinds cannot be compared",
    "metrics": "it changes what is reported, not how the network learns",
}


class SweepError(ValueError):
    """A sweep that cannot run as asked; plain words."""


@dataclass(frozen=True)
class Vary:
    """One thing to vary: a list of `values`, or a range from `low` to `high` (on a log scale when `log`)."""

    name: str
    values: tuple = ()
    low: float | None = None
    high: float | None = None
    log: bool = False

    @property
    def is_range(self) -> bool:
        return self.low is not None

    def in_words(self) -> str:
        if self.is_range:
            return f"{self.name} from {self.low:g} to {self.high:g}" + (" (log scale)" if self.log else "")
        return f"{self.name} in " + ", ".join(str(v) for v in self.values)


@dataclass(frozen=True)
class Varied:
    """A `Vary` checked against a project: what it changes and the `spec` its values obey."""

    vary: Vary
    spec: ParamSpec
    #: the graph role and the layer's node id, for a layer's parameter; None for a training setting
    role: str | None = None
    node_id: str | None = None

    @property
    def name(self) -> str:
        return self.vary.name

    @property
    def numeric(self) -> bool:
        return self.spec.type in ("int", "float")

    def grid(self) -> list:
        """The values a grid search tries: the list, or `GRID_POINTS` evenly spaced over the range."""
        vary = self.vary
        if not vary.is_range:
            return list(vary.values)
        if vary.log:
            a, b = math.log(vary.low), math.log(vary.high)
            points = [math.exp(a + (b - a) * i / (GRID_POINTS - 1)) for i in range(GRID_POINTS)]
        else:
            points = [vary.low + (vary.high - vary.low) * i / (GRID_POINTS - 1) for i in range(GRID_POINTS)]
        if self.spec.type == "int":
            return list(dict.fromkeys(int(round(p)) for p in points))
        return [float(f"{p:.6g}") for p in points]


def parse_vary(text: str) -> Vary:
    """``NAME=V1,V2,…`` or ``NAME=LOW..HIGH`` or ``NAME=LOW..HIGH:log``; SweepError in words when malformed."""
    name, equals, rest = text.partition("=")
    name, rest = name.strip(), rest.strip()
    if not equals or not name or not rest:
        raise SweepError(f"--vary {text!r}: write NAME=V1,V2,… or NAME=LOW..HIGH[:log], e.g. learning_rate=0.01,0.001")
    if ".." in rest:
        log = rest.endswith(":log")
        bounds = rest[:-4] if log else rest
        low_text, _, high_text = bounds.partition("..")
        try:
            low, high = float(low_text), float(high_text)
        except ValueError:
            raise SweepError(f"--vary {text!r}: a range is two numbers, LOW..HIGH (e.g. 0.0001..0.1:log)") from None
        if not (math.isfinite(low) and math.isfinite(high)) or low >= high:
            raise SweepError(f"--vary {text!r}: the range must go from a smaller number to a bigger one")
        if log and low <= 0:
            raise SweepError(f"--vary {text!r}: a log range must start above 0")
        return Vary(name, low=low, high=high, log=log)
    values = tuple(_value(v.strip()) for v in rest.split(",") if v.strip())
    if not values:
        raise SweepError(f"--vary {text!r}: give at least one value")
    return Vary(name, values=tuple(dict.fromkeys(values)))


def _value(text: str) -> Any:
    """A value as typed: a whole number, a number, on/off, or a word (an optimizer, an activation)."""
    lowered = text.lower()
    if lowered in ("true", "on", "yes"):
        return True
    if lowered in ("false", "off", "no"):
        return False
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def resolve(project: Project, varies: list[Vary]) -> list[Varied]:
    """Check what a sweep varies against `project`: 1 to 3 different names, each a training setting a sweep may
    vary or a layer's parameter, every value valid for it; SweepError in words otherwise."""
    if not varies:
        raise SweepError("choose something to vary (a training setting like learning_rate, or a layer's "
                         "parameter like dense.units)")
    if len(varies) > MAX_VARIED:
        raise SweepError(f"a sweep varies at most {MAX_VARIED} things at once; this one names {len(varies)}")
    names = [v.name for v in varies]
    for name in names:
        if names.count(name) > 1:
            raise SweepError(f"{name} is varied twice; give all its values in one --vary")
    return [_checked(project, vary) for vary in varies]


def _checked(project: Project, vary: Vary) -> Varied:
    settings = {spec.name: spec for spec in TRAINING_SPECS}
    if vary.name in FIXED:
        raise SweepError(f"a sweep cannot vary {vary.name}: {FIXED[vary.name]}")
    if vary.name in settings:
        varied = Varied(vary, settings[vary.name])
    else:
        varied = _layer_parameter(project, vary)
    spec = varied.spec
    if vary.is_range:
        if not varied.numeric:
            raise SweepError(f"{vary.name} is not a number: give its values as a list ({_choices(spec)})")
        try:
            low, high = spec.coerce(_typed(spec, vary.low)), spec.coerce(_typed(spec, vary.high))
        except ParameterError as error:
            raise SweepError(f"{vary.name}: {error}") from None
        if low == high:
            raise SweepError(f"{vary.name}: the range {vary.low:g}..{vary.high:g} holds one whole number only")
        return Varied(Vary(vary.name, low=low, high=high, log=vary.log), spec, varied.role, varied.node_id)
    values = []
    for value in vary.values:
        try:
            values.append(spec.coerce(_typed(spec, value)))
        except ParameterError as error:
            raise SweepError(f"{vary.name}: {error}") from None
    return Varied(Vary(vary.name, values=tuple(dict.fromkeys(values))), spec, varied.role, varied.node_id)


def _layer_parameter(project: Project, vary: Vary) -> Varied:
    settings = ", ".join(s.name for s in TRAINING_SPECS if s.name not in FIXED)
    layer, dot, param = vary.name.rpartition(".")
    if not dot:
        raise SweepError(f"{vary.name!r} is neither a training setting ({settings}) nor a layer's parameter "
                         "written LAYER.PARAM (e.g. dense.units)")
    role, slash, layer_name = layer.rpartition("/")
    graphs = [g for g in project.graphs if g.role == role] if slash else list(project.graphs)
    found = [(g, g.node_by_name(layer_name)) for g in graphs if layer_name in g.names()]
    if not found:
        known = ", ".join(sorted(n for g in graphs for n in g.names())[:12])
        raise SweepError(f"the network has no layer named {layer_name!r} (its layers: {known})")
    if len(found) > 1:
        raise SweepError(f"both networks have a layer named {layer_name!r}: write generator/{layer_name}.{param} "
                         f"or discriminator/{layer_name}.{param}")
    graph, node = found[0]
    specs = {spec.name: spec for spec in catalogue.get(node.kind).params} if catalogue.has(node.kind) else {}
    if param not in specs or specs[param].type not in ("int", "float", "choice", "bool"):
        usable = [s.name for s in specs.values() if s.type in ("int", "float", "choice", "bool")]
        detail = f"its parameters a sweep can vary: {', '.join(usable)}" if usable else "it has none a sweep can vary"
        raise SweepError(f"layer {layer_name} ({node.kind}) has no parameter {param!r} to vary; {detail}")
    return Varied(vary, specs[param], graph.role, node.id)


def _typed(spec: ParamSpec, value: Any) -> Any:
    """A value typed on the command line as the parameter reads it: 64 for a float is 64.0; 1e2 for an int is 100."""
    if spec.type == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if spec.type == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _choices(spec: ParamSpec) -> str:
    return ", ".join(str(c) for c in spec.choices) if spec.choices else "on, off"


def apply_values(project: Project, values: dict[str, Any], text: str = "Apply the best trial"):
    """One undo step that puts a trial's varied values into `project` (only those: the rest of the settings, the
    epochs a person wants for real training among them, stay). SweepError when a varied layer is gone."""
    from designer.core.commands import Compound, OnGraph, SetAllTraining, SetParameter

    varied = resolve(project, [Vary(name, values=(value,)) for name, value in values.items()])
    settings = {item.name: item.vary.values[0] for item in varied if item.role is None}
    steps = [SetAllTraining({**project.training, **settings})] if settings else []
    steps += [OnGraph(item.role, SetParameter(item.node_id, item.spec.name, item.vary.values[0]))
              for item in varied if item.role is not None]
    return Compound(text, steps)


def with_values(project: Project, varied: list[Varied], values: dict[str, Any]) -> Project:
    """A copy of `project` with each varied name set to its value in `values` (already valid for it)."""
    trial = project.copy()
    for item in varied:
        value = values[item.name]
        if item.role is None:
            trial.training[item.name] = value
        else:
            graph = trial.graph(item.role)
            graph.set_param(item.node_id, item.spec.name, value)
    return trial
