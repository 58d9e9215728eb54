"""Reading an exercise's checks from their JSON objects (`read_check`): each "check" name, the class it makes
(designer.learn.checks) and its fields as the file spells them, every value checked, and a fault named with its
place in the file (`checks[2].expect.units: ...`). Nothing from the file is run: a check is one of the classes
below, its fields plain values."""

from __future__ import annotations

import math
from typing import Any

from designer.learn.checks import (Answer, AnyOf, Check, DatasetChoice, ExerciseError, HowMany, LayerParameters,
                                   LayersInOrder, LearnedWeights, LossFitsOutput, MetricReached, NoHealthFinding,
                                   OutputShape, ParameterCount, TrainingSetting, VariedSamples)


def _kinds_list(v, where):
    return tuple(_strings(v, where))


def _strings(value, where) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise ExerciseError(f"{where}: must be a layer kind or a list of them")
    return value


def _int(value, where, low: int | None = None) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or (low is not None and value < low):
        raise ExerciseError(f"{where}: must be a whole number" + (f" of at least {low}" if low is not None else ""))
    return value


def _number(value, where) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        raise ExerciseError(f"{where}: must be a number")
    return float(value)


def _text(value, where) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 2000:
        raise ExerciseError(f"{where}: must be a text (at most 2,000 characters)")
    return value


def _numbers(value, where) -> tuple[float, ...]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ExerciseError(f"{where}: must be a number or a list of numbers")
    return tuple(_number(v, f"{where}[{i}]") for i, v in enumerate(value))


def _expected(value, where) -> Any:
    """A value to meet: a plain JSON value, or one object of one_of / at_most / at_least."""
    if isinstance(value, dict):
        if not value or set(value) - {"one_of", "at_most", "at_least"} or ("one_of" in value and len(value) > 1):
            raise ExerciseError(f"{where}: must be a value, or an object of \"one_of\" (a list), or of \"at_most\" "
                                "and/or \"at_least\" (numbers)")
        if "one_of" in value and (not isinstance(value["one_of"], list) or not value["one_of"]):
            raise ExerciseError(f"{where}.one_of: must be a non-empty list")
        for bound in ("at_most", "at_least"):
            if bound in value:
                _number(value[bound], f"{where}.{bound}")
    return value


_FIELDS: dict[str, tuple[type, dict[str, tuple[str, Any]], tuple[str, ...]]] = {
    # check: (class, {file field: (attribute, reader)}, required fields)
    "layers": (LayersInOrder, {"kinds": ("kinds", _kinds_list), "ignoring": ("ignoring", _kinds_list)}, ("kinds",)),
    "layer": (LayerParameters, {"kind": ("kind", _text), "nth": ("nth", lambda v, w: _nth(v, w)),
                                "expect": ("expect", lambda v, w: _expect_map(v, w))}, ("kind",)),
    "count": (HowMany, {"kinds": ("kinds", _kinds_list), "at_least": ("at_least", lambda v, w: _int(v, w, 0)),
                        "at_most": ("at_most", lambda v, w: _int(v, w, 0))}, ("kinds",)),
    "params": (ParameterCount, {"which": ("which", lambda v, w: _choice(v, w, ("total", "trainable", "non_trainable"))),
                                "expected": ("expected", lambda v, w: _int(v, w, 0))}, ("expected",)),
    "output_shape": (OutputShape, {"shape": ("shape", lambda v, w: tuple(_int(d, w, 1) for d in _list(v, w))),
                                   "like_input": ("like_input", lambda v, w: _bool(v, w))}, ()),
    "setting": (TrainingSetting, {"name": ("name", _text), "expected": ("expected", _expected)}, ("name", "expected")),
    "loss_fits": (LossFitsOutput, {}, ()),
    "dataset": (DatasetChoice, {"name": ("name", _text), "options": ("options", lambda v, w: _expect_map(v, w))}, ()),
    "answer": (Answer, {"id": ("id", _text), "ask": ("ask", _text), "answer": ("answer", _number),
                        "tolerance": ("tolerance", _number)}, ("id", "ask", "answer")),
    "metric": (MetricReached, {"metric": ("metric", _text), "at_least": ("at_least", _number),
                               "at_most": ("at_most", _number)}, ("metric",)),
    "weights": (LearnedWeights, {"kind": ("kind", _text), "nth": ("nth", lambda v, w: _nth(v, w)),
                                 "kernel": ("kernel", _numbers), "bias": ("bias", _numbers),
                                 "tolerance": ("tolerance", _number)}, ()),
    "healthy": (NoHealthFinding, {"findings": ("keys", lambda v, w: tuple(_strings(v, w)))}, ()),
    "varied": (VariedSamples, {"at_least": ("at_least", _number)}, ()),
    "any_of": (AnyOf, {"checks": ("checks", lambda v, w: _check_list(v, w))}, ("checks",)),
}

#: the checks that look at a training result
TRAINING_CHECKS = ("metric", "weights", "healthy", "varied")
CHECK_NAMES = tuple(_FIELDS)


def _list(value, where) -> list:
    if not isinstance(value, list) or not value:
        raise ExerciseError(f"{where}: must be a non-empty list")
    return value


def _bool(value, where) -> bool:
    if not isinstance(value, bool):
        raise ExerciseError(f"{where}: must be true or false")
    return value


def _choice(value, where, choices) -> str:
    if value not in choices:
        raise ExerciseError(f"{where}: must be one of {', '.join(choices)}")
    return value


def _nth(value, where) -> int:
    if value == "last":
        return -1
    return _int(value, where, 1)


def _expect_map(value, where) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ExerciseError(f"{where}: must be an object of name -> value")
    return {_text(k, where): _expected(v, f"{where}.{k}") for k, v in value.items()}


def _check_list(value, where) -> tuple[Check, ...]:
    return tuple(read_check(c, f"{where}[{i}]") for i, c in enumerate(_list(value, where)))


def read_check(data: Any, where: str) -> Check:
    """A check from its JSON object; ExerciseError naming the place of the first fault."""
    if not isinstance(data, dict) or not isinstance(data.get("check"), str):
        raise ExerciseError(f"{where}: must be an object with a \"check\" (one of {', '.join(CHECK_NAMES)})")
    name = data["check"]
    if name not in _FIELDS:
        raise ExerciseError(f"{where}.check: unknown check {name!r}; known: {', '.join(CHECK_NAMES)}")
    cls, fields, required = _FIELDS[name]
    allowed = {"check", "graph", "says", *fields}
    extra = sorted(set(data) - allowed)
    if extra:
        raise ExerciseError(f"{where}: unknown field {extra[0]!r} for a {name!r} check; known: "
                            f"{', '.join(sorted(allowed))}")
    for field_name in required:
        if field_name not in data:
            raise ExerciseError(f"{where}: a {name!r} check needs \"{field_name}\"")
    values: dict[str, Any] = {}
    for field_name, (attribute, reader) in fields.items():
        if field_name in data:
            values[attribute] = reader(data[field_name], f"{where}.{field_name}")
    if "graph" in data:
        values["graph"] = _choice(data["graph"], f"{where}.graph", ("model", "generator", "discriminator"))
    if "says" in data:
        values["says"] = _text(data["says"], f"{where}.says")
    if name == "metric" and (values.get("at_least") is None) == (values.get("at_most") is None):
        raise ExerciseError(f"{where}: a 'metric' check needs one of \"at_least\" or \"at_most\"")
    if name == "output_shape" and (values.get("shape") is None) == (not values.get("like_input")):
        raise ExerciseError(f"{where}: an 'output_shape' check needs \"shape\" or \"like_input\": true")
    return cls(**values)
