"""Borders of an image: ZeroPadding2D adds rows and columns of zeros around it, Cropping2D cuts them off.

Both take the four sides as four whole numbers (top, bottom, left, right), which reads best in a form; the Keras
bridge hands them to Keras as ((top, bottom), (left, right)).
"""

from designer.core.catalogue import LayerKind, ParamSpec, register
from designer.core.layers._common import IMAGE_HINT, MAX_SIDE


def border(key: str, prefix: str, icon: str, summary: str, explanation: str, sides: ParamSpec) -> LayerKind:
    return LayerKind(
        key=key,
        category="Convolution",
        title=key,
        summary=summary,
        explanation=explanation + " It has no weights.",
        keras=f"keras.layers.{key}",
        params=(sides,),
        input_ranks=(3,),
        rank_hint=IMAGE_HINT,
        key_params=(sides.name,),
        icon=icon,
        name_prefix=prefix,
    )


def sides(name: str, default: int, help: str) -> ParamSpec:
    return ParamSpec(name, "shape", [default] * 4, help, minimum=0, maximum=MAX_SIDE, min_length=4, max_length=4)


register(border(
    "ZeroPadding2D", "zero_padding2d", "▣", "Adds rows and columns of zeros around each image.",
    "Puts a border of zeros around each feature map: (1, 1, 1, 1) makes a 28×28 map 30×30. Placed before a "
    "convolution with padding \"valid\" it controls exactly how the output size comes out, as in ResNet and MobileNet.",
    sides("padding", 1, "Rows or columns of zeros added at the (top, bottom, left, right)."),
))
register(border(
    "Cropping2D", "cropping2d", "⛶", "Cuts rows and columns off the borders of each image.",
    "Removes a border from each feature map: (2, 2, 2, 2) makes a 32×32 map 28×28. Useful to make two branches the "
    "same size before joining them, e.g. in a U-Net.",
    sides("cropping", 0, "Rows or columns cut off at the (top, bottom, left, right)."),
))
