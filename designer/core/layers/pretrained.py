"""Pretrained backbones from keras.applications, without their classifier top, for transfer learning."""

from designer.core.catalogue import LayerKind, ParamSpec, register
from designer.core.layers._common import IMAGE_HINT

BACKBONE_PARAMS = (
    ParamSpec(
        "weights",
        "choice",
        "imagenet",
        "\"imagenet\": start from weights learned on ImageNet (downloaded once); \"none\": random weights.",
        choices=("imagenet", "none"),
    ),
    ParamSpec(
        "trainable",
        "bool",
        False,
        "Off: the backbone is frozen and only the layers after it learn (transfer learning). On: fine-tune it too.",
    ),
)

_BACKBONES = (
    ("VGG16", "vgg16", "16 layers of 3×3 convolutions; 14.7 million weights without its top.", 32),
    ("MobileNetV2", "mobilenetv2", "Small and fast, made for phones; 2.3 million weights without its top.", 32),
    ("ResNet50", "resnet50", "50 layers with residual connections; 23.6 million weights without its top.", 32),
)

for key, prefix, blurb, min_side in _BACKBONES:
    register(
        LayerKind(
            key=key,
            category="Pretrained",
            title=f"{key} backbone",
            summary=f"The {key} image network, pretrained on ImageNet, without its classifier.",
            explanation=(
                f"{blurb} It turns an image (at least {min_side}×{min_side} pixels, 3 colour channels) into "
                "feature maps. Keep it frozen and add GlobalAveragePooling2D and Dense layers after it to "
                "reuse what it learned on ImageNet for your own classes (transfer learning)."
            ),
            keras=f"keras.applications.{key}",
            params=BACKBONE_PARAMS,
            input_ranks=(3,),
            rank_hint=IMAGE_HINT.replace("(28, 28, 1)", "(32, 32, 3)"),
            key_params=("weights", "trainable"),
            icon="❖",
            name_prefix=prefix,
        )
    )
