"""Core layers: Input, Dense, Activation, Flatten, Reshape, Embedding."""

from designer.core.activations import NEURON_FORMULA
from designer.core.catalogue import LayerKind, ParamSpec, register
from designer.core.layers._common import FLATTEN_HINT, MAX_SIDE, activation, units, use_bias, weight_settings

register(
    LayerKind(
        key="Input",
        category="Core",
        title="Input",
        summary="Where the data enters: the shape of one sample.",
        explanation=(
            "Says what one sample of the data looks like: (784,) for a flat vector of 784 numbers, "
            "(28, 28) for a grey 28×28 image, (28, 28, 1) for the same image with a channel axis, "
            "(20, 1) for a sequence of 20 steps with one value each. The batch size is left open."
        ),
        keras="keras.Input",
        params=(
            ParamSpec(
                "shape", "shape", [784], "The size of one sample, without the batch axis.",
                minimum=1, maximum=MAX_SIDE, min_length=1, max_length=4,
            ),
        ),
        min_inputs=0,
        max_inputs=0,
        key_params=("shape",),
        icon="⇥",
        name_prefix="input",
    )
)

register(
    LayerKind(
        key="Dense",
        category="Core",
        title="Dense",
        summary="A fully connected layer: every input feeds every neuron.",
        explanation=(
            "Each of its neurons multiplies every input by a weight, adds them up with a bias, and passes "
            "the sum through the activation function. It learns the weights and biases. "
            "Parameters: inputs × units weights + units biases."
        ),
        formula=NEURON_FORMULA + "   (for each of the units neurons)",
        keras="keras.layers.Dense",
        params=(units(32), activation("linear"), use_bias(), *weight_settings("kernel", "bias")),
        input_ranks=(1, 2),
        rank_hint=FLATTEN_HINT,
        warn_ranks=(2,),
        warn_hint=(
            "Dense acts on the last axis only, so each row is treated on its own. To see each sample as one "
            "flat vector, add a Flatten before this layer."
        ),
        key_params=("units", "activation"),
        icon="◉",
        name_prefix="dense",
    )
)

register(
    LayerKind(
        key="Activation",
        category="Core",
        title="Activation",
        summary="Applies an activation function to every value.",
        explanation=(
            "Applies a function such as ReLU or sigmoid to each value it receives. It has no weights. "
            "Useful after a layer whose activation was left linear (for example after BatchNormalization)."
        ),
        formula="y = f(x), element by element",
        keras="keras.layers.Activation",
        params=(activation("relu", "The function to apply."),),
        key_params=("activation",),
        icon="ƒ",
        name_prefix="activation",
    )
)

register(
    LayerKind(
        key="Flatten",
        category="Core",
        title="Flatten",
        summary="Lays the values of each sample out in one long vector.",
        explanation=(
            "Turns each sample into a flat vector: a 28×28 image becomes 784 numbers. Needed between "
            "convolutions (or an image input) and Dense layers. It has no weights."
        ),
        keras="keras.layers.Flatten",
        icon="▭",
        name_prefix="flatten",
    )
)

register(
    LayerKind(
        key="Reshape",
        category="Core",
        title="Reshape",
        summary="Rearranges each sample into a new shape with the same number of values.",
        explanation=(
            "Gives each sample a new shape holding the same values: 784 numbers can become (28, 28, 1) "
            "for a convolution, or (784, 1) for a recurrent layer. Use -1 once for \"whatever is left\"."
        ),
        keras="keras.layers.Reshape",
        params=(
            ParamSpec(
                "target_shape", "shape", [28, 28, 1], "The new shape of one sample.",
                minimum=1, maximum=MAX_SIDE, allow_minus_one=True,
            ),
        ),
        key_params=("target_shape",),
        icon="⬚",
        name_prefix="reshape",
    )
)

register(
    LayerKind(
        key="Embedding",
        category="Core",
        title="Embedding",
        summary="Turns whole-number tokens (words, categories) into learned vectors.",
        explanation=(
            "Looks up a learned vector for each whole number in its input, so a sentence of word numbers "
            "becomes a sequence of vectors a recurrent layer can read. Parameters: vocabulary × vector size."
        ),
        keras="keras.layers.Embedding",
        params=(
            ParamSpec("input_dim", "int", 1000, "Vocabulary size: the largest token number plus one.", minimum=1, maximum=10_000_000),
            ParamSpec("output_dim", "int", 32, "Length of the vector learned for each token.", minimum=1, maximum=65_536),
        ),
        input_ranks=(1,),
        rank_hint="Embedding reads a sequence of token numbers per sample, like (100,).",
        key_params=("input_dim", "output_dim"),
        icon="≡",
        name_prefix="embedding",
    )
)
