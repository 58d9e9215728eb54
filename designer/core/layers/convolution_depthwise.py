"""Cheaper convolutions of MobileNet and Xception: DepthwiseConv2D filters each channel on its own, SeparableConv2D
follows that with a 1×1 convolution that mixes the channels."""

from designer.core.catalogue import LayerKind, ParamSpec, register
from designer.core.layers._common import IMAGE_HINT, activation, filters, kernel_pair, padding, use_bias, weight_settings


def depth_multiplier() -> ParamSpec:
    return ParamSpec("depth_multiplier", "int", 1, "How many filters each input channel gets.", minimum=1, maximum=1024)


register(
    LayerKind(
        key="SeparableConv2D",
        category="Convolution",
        title="SeparableConv2D",
        summary="A Conv2D split in two cheaper steps: per-channel filters, then a 1×1 mix of the channels.",
        explanation=(
            "First slides one small filter over each input channel on its own (a depthwise convolution), then "
            "mixes the channels with a 1×1 convolution into the wanted number of filters. It finds the same kind "
            "of patterns as a Conv2D with far fewer weights. Parameters: kernel height × kernel width × input "
            "channels + input channels × filters + filters."
        ),
        formula="y = pointwise(depthwise(x)):  y[i, j, k] = f(Σ_c v[c, k] · Σ over the window of w_c · x_c + b_k)",
        keras="keras.layers.SeparableConv2D",
        params=(
            filters(32),
            kernel_pair("kernel_size", 3, "Size of each filter window (height, width)."),
            kernel_pair("strides", 1, "How far the window moves at each step."),
            padding(),
            depth_multiplier(),
            activation("linear"),
            use_bias(),
            *weight_settings("depthwise", "pointwise", "bias"),
        ),
        input_ranks=(3,),
        rank_hint=IMAGE_HINT,
        key_params=("filters", "kernel_size"),
        icon="▧",
        name_prefix="separable_conv2d",
    )
)

register(
    LayerKind(
        key="DepthwiseConv2D",
        category="Convolution",
        title="DepthwiseConv2D",
        summary="Filters each channel on its own, without mixing channels (MobileNet's building block).",
        explanation=(
            "Slides one small filter (or depth_multiplier filters) over each input channel separately, so the "
            "channels never mix: 32 channels in give 32 channels out. A 1×1 Conv2D after it mixes them. "
            "Parameters: kernel height × kernel width × input channels × depth_multiplier, plus the biases."
        ),
        formula="y[i, j, c] = f(Σ over the window of w_c · x_c + b_c)",
        keras="keras.layers.DepthwiseConv2D",
        params=(
            depth_multiplier(),
            kernel_pair("kernel_size", 3, "Size of each filter window (height, width)."),
            kernel_pair("strides", 1, "How far the window moves at each step."),
            padding(),
            activation("linear"),
            use_bias(),
            *weight_settings("depthwise", "bias"),
        ),
        input_ranks=(3,),
        rank_hint=IMAGE_HINT,
        key_params=("kernel_size", "strides"),
        icon="▨",
        name_prefix="depthwise_conv2d",
    )
)
