"""What may be made from a Keras configuration that came from a file: Keras's own classes, never code.

A ``.keras`` file (or a project's generic "Keras layer" node) names classes and functions by module and name. Keras's
``safe_mode`` refuses a Lambda's Python code when it deserializes; this module looks first, before anything is
deserialized, and says in plain words which layer would run code and why: a Lambda, a layer that loads or wraps
another program (TFSMLayer, TorchModuleWrapper, JaxLayer, FlaxLayer), a function or class from outside Keras, or a
custom object registered by another program. Only Network Designer's own layers (registered under "designer>")
are allowed besides Keras's.
"""

from __future__ import annotations

from typing import Any

#: Keras layer classes never made from a file, with the reason in words
REFUSED_CLASSES = {
    "Lambda": "a Lambda layer holds Python code, which Network Designer never runs from a file",
    "TFSMLayer": "a TFSMLayer loads a TensorFlow SavedModel from a folder on this computer",
    "TorchModuleWrapper": "a TorchModuleWrapper holds PyTorch code",
    "JaxLayer": "a JaxLayer holds JAX code",
    "FlaxLayer": "a FlaxLayer holds Flax code",
}
#: Keras's markers for values that are not objects; "__lambda__" (Python bytecode) is refused
_PLAIN_MARKERS = {"__tuple__", "__keras_tensor__", "__tensor__", "__numpy__", "__ellipsis__", "__slice__",
                  "__typespec__", "__bytes__"}
#: the layers of our own that a file may name (Keras's registered names)
OWN_REGISTERED = {"designer>VAESampling"}


def _is_keras_module(module: Any) -> bool:
    return module is None or module == "keras" or (isinstance(module, str) and module.startswith("keras."))


def object_refusal(obj: dict[str, Any]) -> str | None:
    """Why one serialized object (a dict with "class_name") must not be made, or None when it is Keras's own."""
    class_name = obj.get("class_name")
    module = obj.get("module")
    registered = obj.get("registered_name")
    if class_name == "__lambda__":
        return "it holds a Python function's code, which Network Designer never runs from a file"
    if class_name in _PLAIN_MARKERS:
        return None
    if not isinstance(class_name, str):
        return f"it names a class that is not a text ({type(class_name).__name__})"
    if class_name in REFUSED_CLASSES and _is_keras_module(module):
        return REFUSED_CLASSES[class_name]
    if registered in OWN_REGISTERED:
        return None
    if registered not in (None, class_name) or not _is_keras_module(module):
        where = registered if registered not in (None, class_name) else f"{module}.{class_name}"
        return (f"it uses {where}, a custom object of the program that saved the model: Keras would need that "
                "program's code, which Network Designer never runs")
    return None


def refusals(config: Any, layer_name: str = "") -> list[str]:
    """Every reason, one plain line each naming the layer, why `config` (any part of a Keras config) must not be
    made; empty when only Keras's own (and Network Designer's) classes appear. Nothing is imported or run."""
    found: list[str] = []

    def walk(item: Any, owner: str) -> None:
        if isinstance(item, dict):
            if "class_name" in item:
                name = owner
                inner = item.get("config")
                if isinstance(inner, dict) and isinstance(inner.get("name"), str) and item.get("class_name") not in _PLAIN_MARKERS:
                    name = inner["name"]
                reason = object_refusal(item)
                if reason:
                    found.append(f"{name or 'a layer'} ({item.get('class_name')}): {reason}")
                    return
            for value in item.values():
                walk(value, owner)
        elif isinstance(item, list):
            for value in item:
                walk(value, owner)

    walk(config, layer_name)
    return found


def layer_class_refusal(class_name: str) -> str | None:
    """Why the generic "Keras layer" node may not make `class_name`, or None for a public keras.layers Layer class
    (imports Keras)."""
    import keras

    if class_name in REFUSED_CLASSES:
        return REFUSED_CLASSES[class_name]
    layer_class = getattr(keras.layers, class_name, None) if class_name.isidentifier() else None
    if not isinstance(layer_class, type) or not issubclass(layer_class, keras.layers.Layer):
        return f"Keras has no layer class called {class_name!r} (keras.layers.{class_name})"
    if class_name in ("Layer", "InputLayer", "Wrapper"):
        return f"{class_name} is not a layer that can be placed on its own"
    return None
