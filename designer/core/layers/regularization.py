"""Regularization layers: Dropout, BatchNormalization, LayerNormalization, GaussianNoise, ActivityRegularization."""

from designer.core.catalogue import LayerKind, ParamSpec, register


def epsilon() -> ParamSpec:
    return ParamSpec("epsilon", "float", 0.001, "Small number added to the variance to avoid dividing by zero.",
                     minimum=1e-12, maximum=1.0)


def shift_and_scale() -> tuple[ParamSpec, ...]:
    return (ParamSpec("center", "bool", True, "Learn the shift β (off: β = 0).", added_later=True),
            ParamSpec("scale", "bool", True, "Learn the scale γ (off: γ = 1).", added_later=True))


register(
    LayerKind(
        key="Dropout",
        category="Regularization",
        title="Dropout",
        summary="Randomly silences a fraction of values while training, to prevent overfitting.",
        explanation=(
            "During training it sets a random fraction of its inputs to zero at each step (and scales up "
            "the rest), so the network cannot rely on any single neuron. At prediction time it does nothing."
        ),
        keras="keras.layers.Dropout",
        params=(ParamSpec("rate", "float", 0.5, "Fraction of values dropped at each training step.", minimum=0.0, maximum=0.99),),
        key_params=("rate",),
        icon="⋯",
        name_prefix="dropout",
        training_only=True,
    )
)

register(
    LayerKind(
        key="BatchNormalization",
        category="Regularization",
        title="BatchNormalization",
        summary="Re-centres and re-scales values batch by batch, which speeds up training.",
        explanation=(
            "Normalises each channel to mean 0 and variance 1 over the batch, then applies a learned scale γ "
            "and shift β. It keeps running averages of the mean and variance (not trainable) for prediction. "
            "Parameters: 4 per channel, 2 of them trainable."
        ),
        formula="y = γ · (x − μ_batch) / √(σ²_batch + ε) + β",
        keras="keras.layers.BatchNormalization",
        params=(
            ParamSpec("axis", "int", -1, "The channel axis, normalised on its own (-1: the last).", minimum=-4, maximum=4,
                      added_later=True),
            ParamSpec("momentum", "float", 0.99, "How slowly the running averages follow the batches.", minimum=0.0, maximum=1.0),
            epsilon(),
            *shift_and_scale(),
        ),
        icon="≈",
        name_prefix="batch_normalization",
    )
)

register(
    LayerKind(
        key="LayerNormalization",
        category="Regularization",
        title="LayerNormalization",
        summary="Re-centres and re-scales the values of each sample on its own (used in Transformers).",
        explanation=(
            "Normalises the values of each sample (along its last axis) to mean 0 and variance 1, then applies a "
            "learned scale γ and shift β. Unlike BatchNormalization it does not depend on the other samples "
            "of the batch, so it acts the same in training and prediction and suits sequences and attention. "
            "Parameters: 2 per value of the last axis."
        ),
        formula="y = γ · (x − μ_sample) / √(σ²_sample + ε) + β",
        keras="keras.layers.LayerNormalization",
        params=(epsilon(), *shift_and_scale()),
        icon="≋",
        name_prefix="layer_normalization",
    )
)

register(
    LayerKind(
        key="GaussianNoise",
        category="Regularization",
        title="GaussianNoise",
        summary="Adds random noise while training (used by denoising autoencoders).",
        explanation=(
            "During training it adds noise drawn from a normal distribution with mean 0 to every value; at "
            "prediction time it does nothing. Placed right after the input, it makes a denoising autoencoder."
        ),
        formula="y = x + ε,  ε ~ N(0, stddev²)  (training only)",
        keras="keras.layers.GaussianNoise",
        params=(ParamSpec("stddev", "float", 0.1, "Standard deviation of the noise.", minimum=0.0, maximum=100.0),),
        key_params=("stddev",),
        icon="∿",
        name_prefix="gaussian_noise",
        training_only=True,
    )
)

register(
    LayerKind(
        key="ActivityRegularization",
        category="Regularization",
        title="ActivityRegularization",
        summary="Adds a penalty on the size of the values passing through (makes a sparse autoencoder).",
        explanation=(
            "Passes its input through unchanged but adds l1 × Σ|x| + l2 × Σx² to the loss, so the network "
            "learns to keep most of these values near zero. Placed after the code layer of an autoencoder, "
            "it makes a sparse autoencoder. It has no weights."
        ),
        formula="loss += l1 · Σ|x| + l2 · Σx²",
        keras="keras.layers.ActivityRegularization",
        params=(
            ParamSpec("l1", "float", 1e-5, "Weight of the L1 penalty (drives values to exactly zero).", minimum=0.0, maximum=10.0),
            ParamSpec("l2", "float", 0.0, "Weight of the L2 penalty (keeps values small).", minimum=0.0, maximum=10.0),
        ),
        key_params=("l1",),
        icon="⌀",
        name_prefix="activity_regularization",
    )
)
