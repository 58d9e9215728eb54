"""The layer catalogue: every kind of layer a person can place on the canvas.

A `LayerKind` says, in plain Python, what a layer is called, which palette category it sits in, which typed
parameters it takes (with defaults, ranges, choices and one-line help), how many inputs it accepts, which input
rank it expects, and how to explain it in plain words (with the formula where the course notes give one).
It also names the Keras class (or a builder function in ``designer.keras_bridge``) that makes the real layer, as a
string, so that this module never imports Keras.

Kinds register themselves with `register` from the modules of ``designer.core.layers``; adding a kind later
is one `register(...)` call there and nothing else.
"""

from __future__ import annotations

import copy
import importlib
import math
import pkgutil
import sys
from dataclasses import dataclass, field
from typing import Any

CATEGORIES = (
    "Core",
    "Convolution",
    "Pooling",
    "Recurrent",
    "Attention",
    "Merge",
    "Activations",
    "Regularization",
    "Preprocessing",
    "Generative",
    "Pretrained",
    "Keras",
)

#: "penalty": an L1/L2 weight penalty as [l1, l2] (0, 0: none); "config": a JSON object of plain values (the whole
#: Keras config of a layer the catalogue has no kind for)
PARAM_TYPES = ("int", "float", "bool", "choice", "multi", "shape", "pair", "str", "penalty", "config", "words")
#: a "words" parameter (a lookup's vocabulary): at most this many words, each at most WORD_MAX_TEXT characters
WORDS_MAX_ITEMS = 5_000
WORD_MAX_TEXT = 200

#: how deep and how big a "config" value may be: a file may hold anything where a layer's config belongs
CONFIG_MAX_DEPTH = 16
CONFIG_MAX_ITEMS = 20_000
CONFIG_MAX_TEXT = 10_000


class ParameterError(ValueError):
    """A parameter value that the layer cannot take; the message is in plain words."""


@dataclass(frozen=True)
class ParamSpec:
    """One typed parameter of a layer kind."""

    name: str
    type: str
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Any, ...] = ()
    #: for "shape": how many dimensions are allowed, and whether -1 ("whatever is left") may appear once
    min_length: int = 1
    max_length: int = 4
    allow_minus_one: bool = False
    #: None is an accepted value (e.g. "no limit"); the editor shows it as an empty field
    optional: bool = False
    #: the kind gained this parameter after projects already kept trained weights: at its default it leaves out of
    #: the graph's fingerprint (designer.core.trained), so the weights trained before still fit whole
    added_later: bool = False

    def __post_init__(self) -> None:
        if self.type not in PARAM_TYPES:
            raise ValueError(f"unknown parameter type {self.type!r} for {self.name!r}")

    def coerce(self, value: Any) -> Any:
        """Return `value` in canonical form (tuples become lists) or raise ParameterError in plain words."""
        if value is None:
            if self.optional:
                return None
            raise ParameterError(f"{self.name} needs a value")
        kind = self.type
        if kind == "bool":
            if isinstance(value, bool):
                return value
            raise ParameterError(f"{self.name} must be on or off (true/false), not {short_repr(value)}")
        if kind == "int":
            return self._check_range(_as_int(self.name, value))
        if kind == "float":
            # abs(v) <= max is False for NaN, infinities and ints too big for a float (math.isfinite overflows)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not abs(value) <= sys.float_info.max:
                raise ParameterError(f"{self.name} must be a number, not {short_repr(value)}")
            return self._check_range(float(value))
        if kind == "choice":
            if any(value == choice and type(value) is type(choice) for choice in self.choices):
                return value
            options = ", ".join(str(c) for c in self.choices)
            raise ParameterError(f"{self.name} must be one of: {options} (got {short_repr(value)})")
        if kind == "multi":
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise ParameterError(f"{self.name} must be a list of names, not {short_repr(value)}")
            unknown = [v for v in value if v not in self.choices]
            if unknown:
                options = ", ".join(str(c) for c in self.choices)
                raise ParameterError(f"{self.name}: {short_repr(unknown[0])} is not one of {options}")
            return list(dict.fromkeys(value))
        if kind == "str":
            if not isinstance(value, str) or len(value) > 200:
                raise ParameterError(f"{self.name} must be a short text, not {short_repr(value)}")
            return value
        if kind == "penalty":
            return self._penalty(value)
        if kind == "words":
            return self._words(value)
        if kind == "config":
            return plain_config(self.name, value)
        if kind == "pair":
            if isinstance(value, (list, tuple)):
                if len(value) != 2:
                    raise ParameterError(f"{self.name} must be one whole number or two, like 3 or (3, 3)")
                return [self._check_range(_as_int(self.name, v)) for v in value]
            number = self._check_range(_as_int(self.name, value))
            return [number, number]
        # shape
        if not isinstance(value, (list, tuple)):
            raise ParameterError(f"{self.name} must be a list of sizes, like (28, 28, 1), not {short_repr(value)}")
        if not self.min_length <= len(value) <= self.max_length:
            raise ParameterError(
                f"{self.name} must have {self.min_length} to {self.max_length} sizes, not {len(value)}"
            )
        sizes = [_as_int(self.name, v) for v in value]
        if self.allow_minus_one and sizes.count(-1) > 1:
            raise ParameterError(f"{self.name} may use -1 (\"the rest\") only once")
        for size in sizes:
            if size == -1 and self.allow_minus_one:
                continue
            self._check_range(size)
        return sizes

    def _words(self, value: Any) -> list[str]:
        """Distinct short texts, in the order given (a lookup's vocabulary: each word's place is its unit)."""
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ParameterError(f"{self.name} must be a list of words, not {short_repr(value)}")
        if len(value) > WORDS_MAX_ITEMS:
            raise ParameterError(f"{self.name} holds {len(value):,} words; at most {WORDS_MAX_ITEMS:,}")
        words = list(value)
        if any(not w.strip() or len(w) > WORD_MAX_TEXT for w in words):
            raise ParameterError(f"{self.name}: every word must be 1 to {WORD_MAX_TEXT} characters, not only spaces")
        twice = next((w for i, w in enumerate(words) if w in words[:i]), None)
        if twice is not None:
            raise ParameterError(f"{self.name} lists {twice!r} twice")
        return words

    def _penalty(self, value: Any) -> list[float]:
        if not isinstance(value, (list, tuple)) or len(value) != 2:
            raise ParameterError(f"{self.name} must be two numbers, the L1 and L2 factors (0, 0: none), "
                                 f"not {short_repr(value)}")
        factors = []
        for factor in value:
            if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not 0 <= factor <= 1e3:
                raise ParameterError(f"{self.name}: each factor must be a number from 0 to 1000, not {short_repr(factor)}")
            factors.append(float(factor))
        return factors

    def _check_range(self, number: float) -> Any:
        if self.minimum is not None and number < self.minimum:
            raise ParameterError(f"{self.name} must be at least {_fmt(self.minimum)} (got {_fmt(number)})")
        if self.maximum is not None and number > self.maximum:
            raise ParameterError(f"{self.name} must be at most {_fmt(self.maximum)} (got {_fmt(number)})")
        return number


def plain_config(name: str, value: Any) -> dict[str, Any]:
    """A deep copy of `value` if it is a JSON object of plain values (text, numbers, on/off, empty, lists and objects
    of those), within `CONFIG_MAX_DEPTH` and `CONFIG_MAX_ITEMS`; ParameterError in plain words otherwise."""
    if not isinstance(value, dict):
        raise ParameterError(f"{name} must be a set of named values (a JSON object), not {short_repr(value)}")
    budget = [CONFIG_MAX_ITEMS]

    def copy(item: Any, depth: int, where: str) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            raise ParameterError(f"{name} holds more than {CONFIG_MAX_ITEMS:,} values")
        if depth > CONFIG_MAX_DEPTH:
            raise ParameterError(f"{name} is nested more than {CONFIG_MAX_DEPTH} levels deep (at {where})")
        if item is None or isinstance(item, bool) or isinstance(item, int):
            return item
        if isinstance(item, float):
            if not abs(item) <= sys.float_info.max:
                raise ParameterError(f"{name}: {where} must be a finite number, not {short_repr(item)}")
            return item
        if isinstance(item, str):
            if len(item) > CONFIG_MAX_TEXT:
                raise ParameterError(f"{name}: {where} is a text longer than {CONFIG_MAX_TEXT:,} characters")
            return item
        if isinstance(item, (list, tuple)):
            return [copy(v, depth + 1, f"{where}[{i}]") for i, v in enumerate(item)]
        if isinstance(item, dict):
            result = {}
            for key, v in item.items():
                if not isinstance(key, str):
                    raise ParameterError(f"{name}: the names in {where} must be texts, not {short_repr(key)}")
                result[key] = copy(v, depth + 1, f"{where}.{key}")
            return result
        raise ParameterError(f"{name}: {where} must be a plain value, not {short_repr(item)}")

    return copy(value, 0, name)


def _as_int(name: str, value: Any) -> int:
    if isinstance(value, bool):
        raise ParameterError(f"{name} must be a whole number, not {short_repr(value)}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    raise ParameterError(f"{name} must be a whole number, not {short_repr(value)}")


def _fmt(number: float) -> str:
    if isinstance(number, float):
        return f"{number:g}"
    if abs(number) < 10**15:
        return f"{number:,}"
    # a file may hold a 4,000-digit number; the message stays one short line
    return f"{'-' if number < 0 else ''}about 10^{int(abs(number).bit_length() * math.log10(2))}"


def short_repr(value: Any) -> str:
    """A refused value as it appears in a message, cut short (a file may hold a huge list where a number belongs)."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # ints beyond Python's digit limit, deeply nested lists
        text = f"a {type(value).__name__}"
    return text if len(text) <= 40 else text[:37] + "..."


@dataclass(frozen=True)
class LayerKind:
    """A kind of layer: its palette entry, parameters, arity and explanation."""

    key: str
    category: str
    title: str
    summary: str
    explanation: str
    #: the Keras class this kind becomes: "keras.layers.Dense", "keras.Input", "keras.applications.VGG16", or
    #: "designer>VAESampling" for a layer of our own (Keras's registered name); the Keras bridge makes the layer,
    #: with a builder of its own for the kinds that are not a keras.layers class
    keras: str
    params: tuple[ParamSpec, ...] = ()
    formula: str = ""
    min_inputs: int = 1
    #: None means "any number"
    max_inputs: int | None = 1
    #: accepted ranks of the input (sizes per sample, without the batch axis); None accepts any
    input_ranks: tuple[int, ...] | None = None
    #: plain-words advice shown when the input rank is wrong ("add a Flatten before this layer")
    rank_hint: str = ""
    #: ranks that work but are probably a mistake, with the advice shown as a warning
    warn_ranks: tuple[int, ...] = ()
    warn_hint: str = ""
    #: plain-words advice added to errors Keras raises for this kind (merge shape mismatches, ...)
    error_hint: str = ""
    #: the parameters shown on the canvas node
    key_params: tuple[str, ...] = ()
    #: short glyph used by the palette and canvas
    icon: str = ""
    #: output name prefix when a node is created ("dense" -> dense, dense_1, ...)
    name_prefix: str = ""
    tags: tuple[str, ...] = field(default=())
    #: how the layer is called on its inputs: "auto" (one tensor for one-input kinds, a list for merge kinds),
    #: "query_value" (the one input is both query and value: self-attention), "params" (the node's own "call" and
    #: "call_kwargs" parameters say: the generic Keras layer node)
    call: str = "auto"
    #: the layer acts only while training (augmentation, noise): the canvas says so on the node
    training_only: bool = False

    def param(self, name: str) -> ParamSpec:
        for spec in self.params:
            if spec.name == name:
                return spec
        raise KeyError(f"{self.key} has no parameter {name!r}")

    def defaults(self) -> dict[str, Any]:
        return {spec.name: _copy(spec.default) for spec in self.params}

    def check_params(self, params: dict[str, Any]) -> dict[str, Any]:
        """Return a full, canonical parameter dict (defaults filled in) or raise ParameterError."""
        known = {spec.name for spec in self.params}
        unknown = sorted(set(params) - known)
        if unknown:
            raise ParameterError(
                f"{self.key} has no parameter {short_repr(unknown[0])}"
                + (f"; it takes: {', '.join(sorted(known))}" if known else "; it takes none")
            )
        result = {}
        for spec in self.params:
            result[spec.name] = spec.coerce(params[spec.name]) if spec.name in params else _copy(spec.default)
        return result

    @property
    def is_source(self) -> bool:
        return self.max_inputs == 0

    def describe_arity(self) -> str:
        if self.max_inputs == 0:
            return "no inputs"
        if self.max_inputs == 1:
            return "one input"
        if self.max_inputs is None:
            return f"{self.min_inputs} or more inputs"
        return f"{self.min_inputs} to {self.max_inputs} inputs"


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return copy.deepcopy(value)
    return list(value) if isinstance(value, (list, tuple)) else value


_REGISTRY: dict[str, LayerKind] = {}
_loaded = False


def register(kind: LayerKind) -> LayerKind:
    """Add a layer kind to the catalogue (called at import time by the modules of designer.core.layers)."""
    if kind.category not in CATEGORIES:
        raise ValueError(f"{kind.key}: unknown category {kind.category!r}")
    if kind.key in _REGISTRY and _REGISTRY[kind.key] != kind:
        raise ValueError(f"layer kind {kind.key!r} is registered twice")
    for spec in kind.params:
        spec.coerce(spec.default)  # a default that its own spec refuses is a bug in the registration
    _REGISTRY[kind.key] = kind
    return kind


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    from designer.core import layers

    for module in pkgutil.iter_modules(layers.__path__):
        importlib.import_module(f"{layers.__name__}.{module.name}")


def get(key: str) -> LayerKind:
    """The kind registered under `key`; KeyError with a plain message if there is none."""
    _load_all()
    try:
        return _REGISTRY[key]
    except KeyError:
        raise KeyError(f"unknown layer kind {key!r}") from None


def has(key: str) -> bool:
    _load_all()
    return key in _REGISTRY


def all_kinds() -> list[LayerKind]:
    """Every registered kind, in palette order (category, then registration order)."""
    _load_all()
    order = {name: i for i, name in enumerate(CATEGORIES)}
    return sorted(_REGISTRY.values(), key=lambda k: order[k.category])


def by_category() -> dict[str, list[LayerKind]]:
    groups: dict[str, list[LayerKind]] = {name: [] for name in CATEGORIES}
    for kind in all_kinds():
        groups[kind.category].append(kind)
    return groups
