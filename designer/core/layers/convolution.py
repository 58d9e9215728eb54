"""Convolution layers: Conv2D, Conv2DTranspose, Conv1D, Conv1DTranspose."""

from designer.core.catalogue import LayerKind, ParamSpec, register
from designer.core.layers._common import (
    IMAGE_HINT, SEQUENCE_HINT, activation, filters, kernel_pair, padding, use_bias, weight_settings,
)

CONV_FORMULA = "y[i, j, k] = f(Σ over the window and input channels of w · x + b_k)"


def steps_1d(strides: int, strides_help: str) -> tuple[ParamSpec, ...]:
    """Window and step of a convolution along a sequence (whole numbers, where 2D kinds take pairs)."""
    return (
        ParamSpec("kernel_size", "int", 3, "How many time steps each filter sees.", minimum=1, maximum=1024),
        ParamSpec("strides", "int", strides, strides_help, minimum=1, maximum=1024),
    )


register(
    LayerKind(
        key="Conv2D",
        category="Convolution",
        title="Conv2D",
        summary="Slides small learned filters over an image to detect patterns.",
        explanation=(
            "Each filter is a small window of weights (3×3 by default) slid across the image; at every "
            "position it computes a weighted sum of the pixels under it, giving one feature map per filter. "
            "Early filters find edges, later ones shapes. "
            "Parameters: kernel height × kernel width × input channels × filters + filters."
        ),
        formula=CONV_FORMULA,
        keras="keras.layers.Conv2D",
        params=(
            filters(32),
            kernel_pair("kernel_size", 3, "Size of each filter window (height, width)."),
            kernel_pair("strides", 1, "How far the window moves at each step."),
            padding(),
            activation("relu"),
            use_bias(added_later=True),
            *weight_settings("kernel", "bias"),
        ),
        input_ranks=(3,),
        rank_hint=IMAGE_HINT,
        key_params=("filters", "kernel_size", "activation"),
        icon="▦",
        name_prefix="conv2d",
    )
)

register(
    LayerKind(
        key="Conv2DTranspose",
        category="Convolution",
        title="Conv2DTranspose",
        summary="A learned upsampling: the reverse direction of a Conv2D.",
        explanation=(
            "Spreads each input value over a window of learned weights, so with strides 2 the image "
            "doubles in size. Used in decoders of convolutional autoencoders and in GAN generators."
        ),
        keras="keras.layers.Conv2DTranspose",
        params=(
            filters(32),
            kernel_pair("kernel_size", 3, "Size of each filter window (height, width)."),
            kernel_pair("strides", 2, "Upsampling factor along height and width."),
            padding(),
            activation("relu"),
            use_bias(added_later=True),
            *weight_settings("kernel", "bias"),
        ),
        input_ranks=(3,),
        rank_hint=IMAGE_HINT,
        key_params=("filters", "kernel_size", "strides"),
        icon="▩",
        name_prefix="conv2d_transpose",
    )
)

register(
    LayerKind(
        key="Conv1D",
        category="Convolution",
        title="Conv1D",
        summary="Slides learned filters along a sequence.",
        explanation=(
            "Like Conv2D but along one axis: each filter looks at a few consecutive time steps at once. "
            "Good for signals, sensor data and text."
        ),
        formula=CONV_FORMULA,
        keras="keras.layers.Conv1D",
        params=(
            filters(32),
            *steps_1d(1, "How far the window moves at each step."),
            padding(),
            activation("relu"),
            use_bias(added_later=True),
            *weight_settings("kernel", "bias"),
        ),
        input_ranks=(2,),
        rank_hint=SEQUENCE_HINT,
        key_params=("filters", "kernel_size"),
        icon="▥",
        name_prefix="conv1d",
    )
)

register(
    LayerKind(
        key="Conv1DTranspose",
        category="Convolution",
        title="Conv1DTranspose",
        summary="A learned upsampling of a sequence: the reverse direction of a Conv1D.",
        explanation=(
            "Spreads each time step over a window of learned weights; with strides 2 the sequence becomes twice "
            "as long. Used in decoders that rebuild a signal from a short code."
        ),
        keras="keras.layers.Conv1DTranspose",
        params=(
            filters(32),
            *steps_1d(1, "Upsampling factor: 2 makes the sequence twice as long."),
            padding(),
            activation("linear"),
            use_bias(added_later=True),
            *weight_settings("kernel", "bias"),
        ),
        input_ranks=(2,),
        rank_hint=SEQUENCE_HINT,
        key_params=("filters", "kernel_size", "strides"),
        icon="▤",
        name_prefix="conv1d_transpose",
    )
)
