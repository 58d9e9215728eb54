"""Kinds whose parameters are not Keras's arguments one for one: Bidirectional and TimeDistributed wrap a layer of
their own, ZeroPadding2D and Cropping2D take their four sides as ((top, bottom), (left, right)).

For each such kind a `Recipe` says which Keras class to make with which keyword arguments and, for a wrapper, the
recipe of the layer inside. The builder makes the layer from it and the script export writes it as code, so the
app and an exported script cannot disagree. The layer inside a wrapper is named after the wrapper and its own
kind ("encoder_lstm"): Keras would otherwise give it a fresh name each time the model is built.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Callable

from designer.core import catalogue
from designer.keras_bridge.layers import builds


@dataclass(frozen=True)
class Recipe:
    """A Keras layer to make: ``keras.layers.<class_name>(<inner layer>, **kwargs)``."""

    class_name: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    inner: Recipe | None = None


#: kind key -> recipe maker(params, name)
_RECIPES: dict[str, Callable[[dict[str, Any], "str | None"], Recipe]] = {}


def _recipe(kind_key: str):
    def register(maker):
        _RECIPES[kind_key] = maker
        builds(kind_key)(functools.partial(_build, kind_key))
        return maker

    return register


def recipe_of(kind_key: str, params: dict[str, Any], name: str | None) -> Recipe | None:
    """The recipe of a kind made here, or None for a kind whose parameters are Keras's arguments as they are."""
    maker = _RECIPES.get(kind_key)
    return maker(params, name) if maker else None


def make(recipe: Recipe):
    import keras

    inner = (make(recipe.inner),) if recipe.inner else ()
    return getattr(keras.layers, recipe.class_name)(*inner, **recipe.kwargs)


def _build(kind_key, params, name, input_shapes, shapes_only=False):
    return make(recipe_of(kind_key, params, name))


def _named(kwargs: dict[str, Any], name: str | None) -> dict[str, Any]:
    return {**kwargs, "name": name} if name else kwargs


def _inner(class_name: str, kwargs: dict[str, Any], name: str | None) -> Recipe:
    # the catalogue kind of the same name knows Keras's name prefix for the class ("simple_rnn")
    return Recipe(class_name, _named(kwargs, name and f"{name}_{catalogue.get(class_name).name_prefix}"))


def _sides(values: list[int]) -> tuple[tuple[int, int], tuple[int, int]]:
    top, bottom, left, right = values
    return (top, bottom), (left, right)


@_recipe("ZeroPadding2D")
def _zero_padding(params: dict[str, Any], name: str | None) -> Recipe:
    return Recipe("ZeroPadding2D", _named({"padding": _sides(params["padding"])}, name))


@_recipe("Cropping2D")
def _cropping(params: dict[str, Any], name: str | None) -> Recipe:
    return Recipe("Cropping2D", _named({"cropping": _sides(params["cropping"])}, name))


@_recipe("Bidirectional")
def _bidirectional(params: dict[str, Any], name: str | None) -> Recipe:
    rnn = params["layer"]
    inner = _inner(rnn, {"units": params["units"], "return_sequences": params["return_sequences"]}, name)
    return Recipe("Bidirectional", _named({"merge_mode": params["merge_mode"]}, name), inner)


@_recipe("TimeDistributed")
def _time_distributed(params: dict[str, Any], name: str | None) -> Recipe:
    inner = _inner("Dense", {"units": params["units"], "activation": params["activation"]}, name)
    return Recipe("TimeDistributed", _named({}, name), inner)
