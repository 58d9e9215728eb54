"""Layers around recurrent networks: Bidirectional reads a sequence both ways, TimeDistributed applies a Dense
layer to every time step, RepeatVector turns one vector into a sequence (the bridge of a sequence autoencoder).

Bidirectional and TimeDistributed wrap a layer of their own; the Keras bridge builds the layer inside from the
parameters here (which are Keras's names for that inner layer's settings)."""

from designer.core.catalogue import LayerKind, ParamSpec, register
from designer.core.layers._common import FLATTEN_HINT, SEQUENCE_HINT, activation, return_sequences, units
from designer.core.layers.recurrent import RECURRENT_RANK_HINT

register(
    LayerKind(
        key="Bidirectional",
        category="Recurrent",
        title="Bidirectional",
        summary="Runs a recurrent layer forwards and backwards over the sequence and joins both results.",
        explanation=(
            "Holds two copies of a recurrent layer (LSTM, GRU or SimpleRNN): one reads the sequence from the "
            "first step to the last, the other from the last to the first, so every step sees what comes after "
            "it as well as what came before. Their outputs are joined (concat: side by side, twice as many "
            "values) or combined (sum, mul, ave). Parameters: twice those of the layer inside."
        ),
        formula="hₜ = merge(h→ₜ, h←ₜ)   (concat: [h→ₜ ; h←ₜ])",
        keras="keras.layers.Bidirectional",
        params=(
            ParamSpec("layer", "choice", "LSTM", "The recurrent layer run in both directions.",
                      choices=("LSTM", "GRU", "SimpleRNN")),
            units(32, "How many units each direction has."),
            return_sequences(),
            ParamSpec("merge_mode", "choice", "concat",
                      "How the two directions are joined: concat (side by side), sum, mul (product), ave (mean).",
                      choices=("concat", "sum", "mul", "ave")),
        ),
        input_ranks=(2,),
        rank_hint=RECURRENT_RANK_HINT,
        key_params=("layer", "units", "merge_mode"),
        icon="⇄",
        name_prefix="bidirectional",
    )
)

register(
    LayerKind(
        key="TimeDistributed",
        category="Recurrent",
        title="TimeDistributed Dense",
        summary="Applies the same Dense layer to every time step of a sequence.",
        explanation=(
            "Runs one Dense layer on each time step separately, with the same weights at every step, so "
            "(steps, features) becomes (steps, units). Used at the end of a sequence-to-sequence network to "
            "make one prediction per step. Parameters: (features + 1) × units, shared by all the steps."
        ),
        formula="yₜ = f(W·xₜ + b)   for every step t, with the same W and b",
        keras="keras.layers.TimeDistributed",
        params=(units(32, "How many outputs the Dense layer makes at each step."), activation("linear")),
        input_ranks=(2, 3),
        rank_hint=SEQUENCE_HINT,
        key_params=("units", "activation"),
        icon="⋮",
        name_prefix="time_distributed",
    )
)

register(
    LayerKind(
        key="RepeatVector",
        category="Recurrent",
        title="RepeatVector",
        summary="Repeats a vector n times to make a sequence.",
        explanation=(
            "Turns one vector into a sequence of n copies of it, so (features,) becomes (n, features). In a "
            "sequence autoencoder it sits between the encoder's last state and the decoder, which needs a "
            "sequence to read. It has no weights."
        ),
        formula="y = (x, x, …, x)   (n times)",
        keras="keras.layers.RepeatVector",
        params=(ParamSpec("n", "int", 10, "How many times to repeat (the length of the sequence made).",
                          minimum=1, maximum=100_000),),
        input_ranks=(1,),
        rank_hint="RepeatVector repeats one flat vector: " + FLATTEN_HINT.replace("Add a", "add a"),
        key_params=("n",),
        icon="⇶",
        name_prefix="repeat_vector",
    )
)
