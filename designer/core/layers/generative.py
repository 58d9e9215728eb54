"""Generative layers: upsampling for decoders and generators, and the VAE sampling layer."""

from designer.core.catalogue import LayerKind, ParamSpec, register
from designer.core.layers._common import IMAGE_HINT, SEQUENCE_HINT, kernel_pair

register(
    LayerKind(
        key="UpSampling2D",
        category="Generative",
        title="UpSampling2D",
        summary="Enlarges an image by repeating (or interpolating) its pixels.",
        explanation=(
            "Makes each feature map bigger, (2, 2) doubles height and width, by repeating pixels or "
            "interpolating between them. Used in decoders. It has no weights."
        ),
        keras="keras.layers.UpSampling2D",
        params=(
            kernel_pair("size", 2, "Upsampling factor (height, width)."),
            ParamSpec("interpolation", "choice", "nearest", "How new pixels are filled in.", choices=("nearest", "bilinear")),
        ),
        input_ranks=(3,),
        rank_hint=IMAGE_HINT,
        key_params=("size",),
        icon="⤢",
        name_prefix="up_sampling2d",
    )
)

register(
    LayerKind(
        key="UpSampling1D",
        category="Generative",
        title="UpSampling1D",
        summary="Lengthens a sequence by repeating each time step.",
        explanation=(
            "Repeats each time step size times, so a sequence of 10 steps becomes 20 with size 2. Used in "
            "decoders that rebuild a signal. It has no weights."
        ),
        keras="keras.layers.UpSampling1D",
        params=(ParamSpec("size", "int", 2, "How many times each step is repeated.", minimum=1, maximum=1024),),
        input_ranks=(2,),
        rank_hint=SEQUENCE_HINT,
        key_params=("size",),
        icon="⤧",
        name_prefix="up_sampling1d",
    )
)

register(
    LayerKind(
        key="VAESampling",
        category="Generative",
        title="VAE sampling",
        summary="Draws the latent code z from the mean and log-variance (the reparameterisation trick).",
        explanation=(
            "Takes two inputs, the mean μ and the log-variance log σ² of the latent code (connect μ "
            "first), and returns z = μ + σ · ε with ε drawn from a standard normal distribution, so "
            "gradients can flow through the random draw. It also adds the KL divergence between "
            "N(μ, σ²) and N(0, 1) to the loss, which keeps the latent space smooth. No weights."
        ),
        formula="z = μ + exp(½ · log σ²) · ε,  ε ~ N(0, 1)\nKL = −½ · Σ (1 + log σ² − μ² − σ²)",
        keras="designer>VAESampling",
        params=(
            ParamSpec("kl_weight", "float", 1.0, "How strongly the KL term pulls the codes towards N(0, 1).", minimum=0.0, maximum=1000.0),
        ),
        min_inputs=2,
        max_inputs=2,
        error_hint="VAE sampling needs the mean and the log-variance, two inputs of the same shape.",
        key_params=("kl_weight",),
        icon="ε",
        name_prefix="z",
    )
)
