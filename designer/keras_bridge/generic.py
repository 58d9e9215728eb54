"""The builder of the generic "Keras layer" node: Keras's own layer class, made from its saved configuration.

The class must be a public ``keras.layers`` layer and nothing in the configuration may name code or a class from
outside Keras (`designer.keras_bridge.safety`); the layer is then made by Keras's own deserializer in safe mode.
"""

from __future__ import annotations

from designer.keras_bridge.layers import builds
from designer.keras_bridge.safety import layer_class_refusal, refusals


class UnsafeLayerError(ValueError):
    """A generic node names a class or a configuration Network Designer will not make; plain words."""


@builds("KerasLayer")
def keras_layer(params, name, input_shapes, shapes_only=False):
    import keras

    class_name = params["class_name"]
    reason = layer_class_refusal(class_name)
    if reason:
        raise UnsafeLayerError(reason)
    problems = refusals(params["config"], name or class_name) + refusals(params["call_kwargs"], name or class_name)
    if problems:
        raise UnsafeLayerError(problems[0])
    config = dict(params["config"])
    if name:
        config["name"] = name
    else:
        config.pop("name", None)
    return keras.saving.deserialize_keras_object(
        {"module": "keras.layers", "class_name": class_name, "config": config, "registered_name": None},
        safe_mode=True,
    )
