"""Is a model nested in an imported model one of the catalogue's pretrained backbones (VGG16, MobileNetV2,
ResNet50 without their top)? It is when its configuration is exactly what the catalogue's own builder makes for the
same input shape (names and frozen flags aside): then it becomes that one node, its weights copied in whole."""

from __future__ import annotations

import json
from typing import Any

from designer.core import catalogue


def _normal(config: Any) -> Any:
    """The configuration as JSON, without what may differ between two equal backbones (the names of the whole
    model and of its input, which Keras numbers as it makes them, and the layers' trainable flags)."""
    text = json.dumps(config, sort_keys=True, default=str)
    layers = config.get("layers") or []
    if layers and layers[0].get("class_name") == "InputLayer":
        text = text.replace(json.dumps(layers[0].get("name")), '"__input__"')

    def strip(item: Any) -> Any:
        if isinstance(item, dict):
            return {k: strip(v) for k, v in item.items() if k not in ("trainable",)}
        if isinstance(item, list):
            return [strip(v) for v in item]
        return item

    return strip(json.loads(text))


def _input_shape(config: dict) -> tuple | None:
    layers = config.get("layers") or []
    if not layers or layers[0].get("class_name") != "InputLayer":
        return None
    shape = (layers[0].get("config") or {}).get("batch_shape")
    if not isinstance(shape, list) or any(s is None for s in shape[1:]):
        return None
    return tuple(shape)


def backbone_of(layer: dict[str, Any]) -> str | None:
    """The catalogue key of the backbone a nested model (its serialized form) is, or None."""
    config = layer.get("config") or {}
    shape = _input_shape(config)
    if layer.get("class_name") != "Functional" or shape is None:
        return None
    flags = {bool((inner.get("config") or {}).get("trainable", True))
             for inner in config.get("layers") or [] if inner.get("class_name") != "InputLayer"}
    if len(flags) > 1:
        return None  # partly frozen: unfolded, so that each layer keeps its own flag
    import keras

    from designer.keras_bridge.layers import make_layer
    from designer.keras_bridge.shape_oracle import weightless

    wanted = _normal({k: v for k, v in config.items() if k != "name"})
    for kind in catalogue.by_category()["Pretrained"]:
        with weightless():
            try:
                model = make_layer(kind, {"weights": "none", "trainable": True}, config.get("name"), (shape,), True)
            except Exception:  # an input the backbone refuses (too small): not this one
                continue
        if len(model.layers) != len(config.get("layers") or []):
            continue
        made = keras.saving.serialize_keras_object(model)["config"]
        if _normal({k: v for k, v in made.items() if k != "name"}) == wanted:
            return kind.key
    return None
