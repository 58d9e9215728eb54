"""Pretrained image backbones from keras.applications, without their classifier top.

With weights "imagenet" Keras downloads the weights once into ``$KERAS_HOME/models`` (``~/.keras/models``);
offline, `PretrainedWeightsError` says what failed and where a copy of the file can be put. Shape inference
(`shapes_only`) never downloads anything: it builds the same architecture with random weights.
"""

from __future__ import annotations

import os
import socket
from typing import Any

from designer.data.downloads import download_timeout, keras_home
from designer.keras_bridge.layers import builds

#: file names Keras looks for in $KERAS_HOME/models for each backbone (include_top=False)
WEIGHT_FILES = {
    "vgg16": "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
    "mobilenetv2": "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5",
    "resnet50": "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5",
}


class PretrainedWeightsError(RuntimeError):
    """The ImageNet weights could not be had; the message says what to do."""


def keras_models_dir() -> str:
    return os.path.join(keras_home(), "models")


def _build(app_name: str, key: str, params: dict[str, Any], name: str | None, input_shapes: tuple, shapes_only: bool):
    import keras

    application = getattr(keras.applications, app_name)
    wants_imagenet = params["weights"] == "imagenet" and not shapes_only
    kwargs: dict[str, Any] = {
        "include_top": False,
        "weights": "imagenet" if wants_imagenet else None,
        "input_shape": tuple(input_shapes[0][1:]),
    }
    if name:
        kwargs["name"] = name
    try:
        with download_timeout():
            model = application(**kwargs)
    except (OSError, socket.timeout, ConnectionError) as error:
        if not wants_imagenet:
            raise
        raise PretrainedWeightsError(
            f"{app_name} needs its ImageNet weights, downloaded from the internet once; that failed ({error}). "
            f"Connect to the internet and try again, or put the file {WEIGHT_FILES[key]} in "
            f"{keras_models_dir()}, or set this layer's weights to \"none\" to start from random weights."
        ) from error
    except Exception as error:
        if wants_imagenet and ("URL fetch failure" in str(error) or "HTTP" in str(error)):
            raise PretrainedWeightsError(
                f"{app_name} needs its ImageNet weights, downloaded from the internet once; that failed ({error}). "
                f"Put the file {WEIGHT_FILES[key]} in {keras_models_dir()}, or set weights to \"none\"."
            ) from error
        raise
    model.trainable = bool(params["trainable"])
    return model


@builds("VGG16")
def vgg16(params, name, input_shapes, shapes_only=False):
    return _build("VGG16", "vgg16", params, name, input_shapes, shapes_only)


@builds("MobileNetV2")
def mobilenetv2(params, name, input_shapes, shapes_only=False):
    return _build("MobileNetV2", "mobilenetv2", params, name, input_shapes, shapes_only)


@builds("ResNet50")
def resnet50(params, name, input_shapes, shapes_only=False):
    return _build("ResNet50", "resnet50", params, name, input_shapes, shapes_only)
