"""Pooling layers: shrink feature maps by keeping the largest or the average value of each window, or of the whole
map (global pooling). The most used come first: the palette lists them in this order."""

from designer.core.catalogue import LayerKind, ParamSpec, register
from designer.core.layers._common import IMAGE_HINT, SEQUENCE_HINT, kernel_pair, optional_pair, padding

STRIDES_HELP = "How far the window moves; empty means the window size."


def window_2d() -> tuple[ParamSpec, ...]:
    return (kernel_pair("pool_size", 2, "Size of the window (height, width)."), optional_pair("strides", STRIDES_HELP),
            padding())


def window_1d() -> tuple[ParamSpec, ...]:
    return (
        ParamSpec("pool_size", "int", 2, "How many time steps each window holds.", minimum=1, maximum=1024),
        ParamSpec("strides", "int", None, STRIDES_HELP, minimum=1, maximum=1024, optional=True),
        padding(),
    )


def keepdims() -> ParamSpec:
    return ParamSpec("keepdims", "bool", False, "Keep the pooled axes, with size 1, instead of dropping them.",
                     added_later=True)


register(
    LayerKind(
        key="MaxPooling2D",
        category="Pooling",
        title="MaxPooling2D",
        summary="Keeps the largest value of each window: halves the image with (2, 2).",
        explanation=(
            "Splits each feature map into windows (2×2 by default) and keeps only the largest value of "
            "each, so the map shrinks and small shifts of the image matter less. It has no weights."
        ),
        formula="y = max(x over the window)",
        keras="keras.layers.MaxPooling2D",
        params=window_2d(),
        input_ranks=(3,),
        rank_hint=IMAGE_HINT,
        key_params=("pool_size",),
        icon="⊞",
        name_prefix="max_pooling2d",
    )
)

register(
    LayerKind(
        key="GlobalAveragePooling2D",
        category="Pooling",
        title="GlobalAveragePooling2D",
        summary="Averages each whole feature map to one number.",
        explanation=(
            "Replaces each feature map by its mean, so (h, w, channels) becomes (channels,). The usual way "
            "to go from a convolutional backbone to Dense layers without a huge Flatten."
        ),
        formula="y_k = mean over i, j of x[i, j, k]",
        keras="keras.layers.GlobalAveragePooling2D",
        params=(keepdims(),),
        input_ranks=(3,),
        rank_hint=IMAGE_HINT,
        icon="◫",
        name_prefix="global_average_pooling2d",
    )
)

register(
    LayerKind(
        key="AveragePooling2D",
        category="Pooling",
        title="AveragePooling2D",
        summary="Keeps the average of each window.",
        explanation="Like MaxPooling2D, but each window is replaced by the mean of its values. No weights.",
        formula="y = mean(x over the window)",
        keras="keras.layers.AveragePooling2D",
        params=window_2d(),
        input_ranks=(3,),
        rank_hint=IMAGE_HINT,
        key_params=("pool_size",),
        icon="⊡",
        name_prefix="average_pooling2d",
    )
)

register(
    LayerKind(
        key="GlobalMaxPooling2D",
        category="Pooling",
        title="GlobalMaxPooling2D",
        summary="Keeps the largest value of each whole feature map.",
        explanation=(
            "Replaces each feature map by its largest value, so (h, w, channels) becomes (channels,): "
            "\"is this pattern anywhere in the image?\". It has no weights."
        ),
        formula="y_k = max over i, j of x[i, j, k]",
        keras="keras.layers.GlobalMaxPooling2D",
        params=(keepdims(),),
        input_ranks=(3,),
        rank_hint=IMAGE_HINT,
        icon="◪",
        name_prefix="global_max_pooling2d",
    )
)

register(
    LayerKind(
        key="MaxPooling1D",
        category="Pooling",
        title="MaxPooling1D",
        summary="Keeps the largest value of each window along a sequence.",
        explanation="Shortens a sequence by keeping the largest value of each window of time steps.",
        formula="y = max(x over the window)",
        keras="keras.layers.MaxPooling1D",
        params=window_1d(),
        input_ranks=(2,),
        rank_hint=SEQUENCE_HINT,
        key_params=("pool_size",),
        icon="⊟",
        name_prefix="max_pooling1d",
    )
)

register(
    LayerKind(
        key="GlobalAveragePooling1D",
        category="Pooling",
        title="GlobalAveragePooling1D",
        summary="Averages each feature over all time steps.",
        explanation=(
            "Replaces a sequence by the mean of its time steps, so (steps, features) becomes (features,): a "
            "simple way to summarise a whole sentence or signal before Dense layers. It has no weights."
        ),
        formula="y_k = mean over t of x[t, k]",
        keras="keras.layers.GlobalAveragePooling1D",
        params=(keepdims(),),
        input_ranks=(2,),
        rank_hint=SEQUENCE_HINT,
        icon="◧",
        name_prefix="global_average_pooling1d",
    )
)

register(
    LayerKind(
        key="GlobalMaxPooling1D",
        category="Pooling",
        title="GlobalMaxPooling1D",
        summary="Keeps the largest value of each feature over all time steps.",
        explanation=(
            "Replaces a sequence by the largest value of each feature over its time steps, so (steps, features) "
            "becomes (features,). Common after a Conv1D on text. It has no weights."
        ),
        formula="y_k = max over t of x[t, k]",
        keras="keras.layers.GlobalMaxPooling1D",
        params=(keepdims(),),
        input_ranks=(2,),
        rank_hint=SEQUENCE_HINT,
        icon="◨",
        name_prefix="global_max_pooling1d",
    )
)

register(
    LayerKind(
        key="AveragePooling1D",
        category="Pooling",
        title="AveragePooling1D",
        summary="Keeps the average of each window along a sequence.",
        explanation="Shortens a sequence by replacing each window of time steps by their mean. No weights.",
        formula="y = mean(x over the window)",
        keras="keras.layers.AveragePooling1D",
        params=window_1d(),
        input_ranks=(2,),
        rank_hint=SEQUENCE_HINT,
        key_params=("pool_size",),
        icon="⊏",
        name_prefix="average_pooling1d",
    )
)
