"""Recurrent layers: SimpleRNN, LSTM, GRU read sequences one time step at a time."""

from designer.core.catalogue import LayerKind, ParamSpec, register
from designer.core.layers._common import SEQUENCE_HINT, activation, return_sequences, units

RECURRENT_RANK_HINT = SEQUENCE_HINT + " To stack recurrent layers, switch on return_sequences in the one before."

register(
    LayerKind(
        key="SimpleRNN",
        category="Recurrent",
        title="SimpleRNN",
        summary="A recurrent layer with a memory of the previous step.",
        explanation=(
            "Reads a sequence step by step. At each step it mixes the new input with its own previous "
            "output (the hidden state), so it remembers what came before. It struggles with long "
            "sequences (vanishing gradients). "
            "Parameters: units × (inputs + units + 1)."
        ),
        formula="hₜ = tanh(W·xₜ + U·hₜ₋₁ + b)",
        keras="keras.layers.SimpleRNN",
        params=(units(32), activation("tanh"), return_sequences()),
        input_ranks=(2,),
        rank_hint=RECURRENT_RANK_HINT,
        key_params=("units", "return_sequences"),
        icon="↻",
        name_prefix="simple_rnn",
    )
)

register(
    LayerKind(
        key="LSTM",
        category="Recurrent",
        title="LSTM",
        summary="Long short-term memory: a recurrent layer with gates that decide what to remember.",
        explanation=(
            "Keeps a cell state cₜ alongside its output. A forget gate decides what to erase from it, an "
            "input gate what to write, and an output gate what to show; so it can carry information over "
            "long sequences. Parameters: 4 × units × (inputs + units + 1)."
        ),
        formula=(
            "fₜ = σ(W_f·xₜ + U_f·hₜ₋₁ + b_f)   (forget gate)\n"
            "iₜ = σ(W_i·xₜ + U_i·hₜ₋₁ + b_i)   (input gate)\n"
            "oₜ = σ(W_o·xₜ + U_o·hₜ₋₁ + b_o)   (output gate)\n"
            "c̃ₜ = tanh(W_c·xₜ + U_c·hₜ₋₁ + b_c)\n"
            "cₜ = fₜ ⊙ cₜ₋₁ + iₜ ⊙ c̃ₜ\n"
            "hₜ = oₜ ⊙ tanh(cₜ)"
        ),
        keras="keras.layers.LSTM",
        params=(units(50), activation("tanh", "The function applied to the candidate cell state and the output."), return_sequences()),
        input_ranks=(2,),
        rank_hint=RECURRENT_RANK_HINT,
        key_params=("units", "return_sequences"),
        icon="⟳",
        name_prefix="lstm",
    )
)

register(
    LayerKind(
        key="GRU",
        category="Recurrent",
        title="GRU",
        summary="Gated recurrent unit: a lighter LSTM with two gates.",
        explanation=(
            "Like an LSTM with an update gate and a reset gate and no separate cell state: fewer "
            "parameters, often just as good."
        ),
        formula=(
            "zₜ = σ(W_z·xₜ + U_z·hₜ₋₁ + b_z)   (update gate)\n"
            "rₜ = σ(W_r·xₜ + U_r·hₜ₋₁ + b_r)   (reset gate)\n"
            "h̃ₜ = tanh(W·xₜ + U·(rₜ ⊙ hₜ₋₁) + b)\n"
            "hₜ = zₜ ⊙ hₜ₋₁ + (1 − zₜ) ⊙ h̃ₜ"
        ),
        keras="keras.layers.GRU",
        params=(units(32), activation("tanh"), return_sequences()),
        input_ranks=(2,),
        rank_hint=RECURRENT_RANK_HINT,
        key_params=("units", "return_sequences"),
        icon="⥁",
        name_prefix="gru",
    )
)
