"""From a Keras layer's configuration back to a catalogue kind and its parameters (for the model importer).

`match_kind(class_name, config)` reads the parameters of the kind that makes that class out of the configuration
(each parameter under its Keras name; a few kinds with a reader of their own, `reads`), then makes the layer from
them as the app would and keeps the match only when Keras reports exactly the same configuration. So whatever the
catalogue cannot say (a frozen layer, a seed, a constraint, another dtype policy, an initializer with settings of
its own) shows up as a difference and the layer is left to the generic node: nothing is dropped silently. The
layers are made inside the shape oracle's weightless scope and never called, so a whole model matches in a blink.
"""

from __future__ import annotations

import json
import re
import struct
from typing import Any, Callable

from designer.core import catalogue
from designer.core.catalogue import LayerKind

#: kind key -> reader(kind, config) -> parameters, for kinds whose parameters are not the config's keys as they are
_READERS: dict[str, Callable[[LayerKind, dict[str, Any]], dict[str, Any]]] = {}

#: names Keras saves for an activation the catalogue offers under another of its names
_ACTIVATION_ALIASES = {"silu": "swish"}

#: categories whose kinds the importer recognises by other means (backbones) or that hold a config whole
_NOT_MATCHED = ("Pretrained", "Keras")


class _Unreadable(ValueError):
    """The configuration holds a value no parameter of the kind can take."""


def reads(*kind_keys: str):
    """Register the decorated function as the reader of these kinds' parameters."""

    def register(reader):
        for key in kind_keys:
            _READERS[key] = reader
        return reader

    return register


def match_kind(class_name: str, config: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """(kind key, parameters) whose layer has exactly this configuration, or None when no catalogue kind can say
    everything the configuration says."""
    if not isinstance(config, dict):
        return None
    for kind in _kinds_making(class_name):
        try:
            params = kind.check_params(_READERS.get(kind.key, read_params)(kind, config))
            if _makes(kind, params, config):
                return kind.key, params
        except Exception:  # noqa: BLE001 - a file may hold anything; Keras refusing the parameters is a mismatch too
            continue
    return None


def _kinds_making(class_name: str) -> list[LayerKind]:
    """The kinds that make a `class_name` layer: a keras.layers class, or a layer of our own by the name it is
    registered under with Keras ("designer>VAESampling")."""
    names = (f"keras.layers.{class_name}", class_name)
    return [
        kind for kind in catalogue.all_kinds()
        if kind.keras in names and kind.category not in _NOT_MATCHED and not kind.is_source
    ]


def read_params(kind: LayerKind, config: dict[str, Any]) -> dict[str, Any]:
    """Each parameter from the config key of its name (a parameter Keras does not save keeps its default)."""
    return {spec.name: read_value(spec, config[spec.name]) for spec in kind.params if spec.name in config}


def read_value(spec: catalogue.ParamSpec, value: Any) -> Any:
    """A saved value in the form the parameter takes: an initializer's name, a penalty's [l1, l2], one window
    size out of Keras's one-element list, the catalogue's name of an activation."""
    if spec.type == "penalty":
        return _penalty(value)
    if isinstance(value, dict) and value.get("module") == "keras.initializers":
        return _snake_case(str(value.get("class_name")))
    if spec.type == "int" and isinstance(value, list) and len(value) == 1:
        return value[0]
    if spec.type == "choice" and isinstance(value, str):
        return _ACTIVATION_ALIASES.get(value, value) if value not in spec.choices else value
    return value


def _penalty(value: Any) -> list[float]:
    if value is None:
        return [0.0, 0.0]
    if isinstance(value, dict) and value.get("class_name") in ("L1", "L2", "L1L2"):
        factors = value.get("config") or {}
        l1, l2 = factors.get("l1", 0.0), factors.get("l2", 0.0)
        if value["class_name"] == "L1" and isinstance(l1, float):
            l1 = _shortest_float32(l1)  # Keras keeps L1's factor as a float32: 0.01 comes back as 0.0099999997
        return [l1, l2]
    raise _Unreadable(f"a penalty the catalogue cannot say: {value!r}")


def _shortest_float32(number: float) -> float:
    """The shortest decimal with the same float32 value (what the person typed, as far as float32 can tell)."""
    single = struct.unpack("f", struct.pack("f", number))[0]
    for digits in range(1, 10):
        candidate = float(f"{number:.{digits}g}")
        if struct.unpack("f", struct.pack("f", candidate))[0] == single:
            return candidate
    return number


def _snake_case(class_name: str) -> str:
    """"HeNormal" -> "he_normal": Keras's string name of one of its initializer classes."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", class_name).lower()


def _makes(kind: LayerKind, params: dict[str, Any], config: dict[str, Any]) -> bool:
    """The app's layer for these parameters has exactly `config` (compared as JSON)."""
    from designer.keras_bridge.layers import make_layer
    from designer.keras_bridge.shape_oracle import weightless

    with weightless():
        layer = make_layer(kind, params, config.get("name"), (), shapes_only=True)
        made = layer.get_config()
    return _plain(made) == _plain(config)


def _plain(config: dict[str, Any]) -> Any:
    """The config as JSON reads it back (tuples as lists), less the names of the layers a wrapper holds: the app
    names them after the wrapper, and Keras keys their weights by place, not by name."""
    import keras

    plain = json.loads(json.dumps(config, default=keras.saving.serialize_keras_object))
    for value in plain.values():
        if isinstance(value, dict) and value.get("module") == "keras.layers" and isinstance(value.get("config"), dict):
            value["config"].pop("name", None)
    return plain


# ------------------------------------------------------------------------------------------------ readers
def _inner(config: dict[str, Any], classes: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
    inner = config.get("layer")
    if not isinstance(inner, dict) or inner.get("class_name") not in classes:
        raise _Unreadable("the wrapped layer is not one the catalogue can wrap")
    return inner["class_name"], inner.get("config") or {}


@reads("Bidirectional")
def _bidirectional(kind: LayerKind, config: dict[str, Any]) -> dict[str, Any]:
    rnn, inner = _inner(config, kind.param("layer").choices)
    return {"layer": rnn, "merge_mode": config.get("merge_mode"),
            **{name: read_value(kind.param(name), inner.get(name)) for name in ("units", "return_sequences")}}


@reads("TimeDistributed")
def _time_distributed(kind: LayerKind, config: dict[str, Any]) -> dict[str, Any]:
    _, inner = _inner(config, ("Dense",))
    return read_params(kind, inner)


@reads("ZeroPadding2D", "Cropping2D")
def _sides(kind: LayerKind, config: dict[str, Any]) -> dict[str, Any]:
    (spec,) = kind.params
    (top, bottom), (left, right) = config[spec.name]  # ((top, bottom), (left, right))
    return {spec.name: [top, bottom, left, right]}


@reads("RandomRotation")
def _rotation(kind: LayerKind, config: dict[str, Any]) -> dict[str, Any]:
    params = read_params(kind, config)
    factor = config.get("factor")
    if isinstance(factor, list):  # Keras saves a factor f as the range [-f, f]
        low, high = factor
        if low != -high:
            raise _Unreadable("a rotation range that is not symmetric")
        params["factor"] = high
    return params
