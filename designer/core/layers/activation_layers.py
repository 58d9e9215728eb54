"""Activation layers: a function applied to every value, as a layer of its own (ReLU, Softmax, LeakyReLU, ELU,
PReLU). Unlike the Activation layer they take settings of their own (a cap, a slope, an axis)."""

from designer.core.catalogue import LayerKind, ParamSpec, register
from designer.core.layers._common import initializer, penalty

register(
    LayerKind(
        key="ReLU",
        category="Activations",
        title="ReLU",
        summary="Keeps positive values, zeroes negative ones; can also cap them (ReLU6).",
        explanation=(
            "The rectified linear unit: values above the threshold pass unchanged, the others become 0 (or are "
            "multiplied by a small slope). With max_value 6 it is the ReLU6 of MobileNet, which never outputs "
            "more than 6. It has no weights."
        ),
        formula="f(x) = min(x, max_value) if x ≥ threshold, else negative_slope · (x − threshold)",
        keras="keras.layers.ReLU",
        params=(
            ParamSpec("max_value", "float", None, "The largest value it outputs (6 for ReLU6); empty: no cap.",
                      minimum=0.0, maximum=1e6, optional=True),
            ParamSpec("negative_slope", "float", 0.0, "The slope for values below the threshold (0: plain ReLU).",
                      minimum=0.0, maximum=1.0),
            ParamSpec("threshold", "float", 0.0, "Values below this count as negative.", minimum=0.0, maximum=1e6),
        ),
        key_params=("max_value",),
        icon="⌊",
        name_prefix="re_lu",
    )
)

register(
    LayerKind(
        key="Softmax",
        category="Activations",
        title="Softmax",
        summary="Turns scores into probabilities that add up to 1.",
        explanation=(
            "Raises e to the power of each value and divides by the sum of them all, so every output lies "
            "between 0 and 1 and they add up to 1 along the chosen axis: the usual last layer of a classifier. "
            "It has no weights."
        ),
        formula="softmax(x)ᵢ = eˣⁱ / Σⱼ eˣʲ",
        keras="keras.layers.Softmax",
        params=(ParamSpec("axis", "int", -1, "The axis whose values add up to 1 (-1: the last).", minimum=-4, maximum=4),),
        icon="∑",
        name_prefix="softmax",
    )
)

register(
    LayerKind(
        key="LeakyReLU",
        category="Activations",
        title="Leaky ReLU",
        summary="ReLU that lets a small slope through for negative inputs.",
        explanation=(
            "Keeps positive values and multiplies negative ones by a small slope α instead of zeroing "
            "them, so no neuron stops learning. Common in GAN discriminators."
        ),
        formula="f(x) = x if x > 0, else α·x",
        keras="keras.layers.LeakyReLU",
        params=(
            ParamSpec("negative_slope", "float", 0.2, "The slope α for negative inputs.", minimum=0.0, maximum=1.0),
        ),
        key_params=("negative_slope",),
        icon="⟋",
        name_prefix="leaky_re_lu",
    )
)

register(
    LayerKind(
        key="ELU",
        category="Activations",
        title="ELU",
        summary="Exponential linear unit: like ReLU, but bends smoothly to −α for negative inputs.",
        explanation=(
            "Keeps positive values; negative ones follow a smooth curve that levels off at −α, so the "
            "outputs average closer to zero and gradients never stop entirely. It has no weights."
        ),
        formula="f(x) = x if x > 0, else α · (eˣ − 1)",
        keras="keras.layers.ELU",
        params=(ParamSpec("alpha", "float", 1.0, "The level −α that negative inputs approach.", minimum=0.0, maximum=100.0),),
        key_params=("alpha",),
        icon="∪",
        name_prefix="elu",
    )
)

register(
    LayerKind(
        key="PReLU",
        category="Activations",
        title="PReLU",
        summary="A leaky ReLU whose negative slope is learned.",
        explanation=(
            "Like a leaky ReLU, but the slope for negative inputs is a weight the network learns, one for each "
            "value it receives. Parameters: as many as the values of one sample."
        ),
        formula="f(x) = x if x > 0, else a·x  (a learned)",
        keras="keras.layers.PReLU",
        params=(initializer("alpha_initializer", "zeros", "slopes"), penalty("alpha_regularizer", "slopes")),
        icon="⦦",
        name_prefix="p_re_lu",
    )
)
