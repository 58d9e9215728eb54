"""Attention layers: MultiHeadAttention as self-attention, the core of the Transformer."""

from designer.core.catalogue import LayerKind, ParamSpec, register
from designer.core.layers._common import SEQUENCE_HINT

register(
    LayerKind(
        key="MultiHeadAttention",
        category="Attention",
        title="MultiHeadAttention",
        summary="Self-attention: every time step looks at every other one and takes what it needs.",
        explanation=(
            "For each step of the sequence it makes a query, and for every step a key and a value (all learned "
            "projections). The query is compared with every key; the better they match, the more of that step's "
            "value is taken. Several heads do this in parallel, each free to attend to something else, and "
            "their results are joined. Here the sequence attends to itself (self-attention), as in a "
            "Transformer encoder; the output has the input's shape."
        ),
        formula="Attention(Q, K, V) = softmax(Q·Kᵀ / √key_dim) · V,  Q = x·W_Q, K = x·W_K, V = x·W_V  (per head)",
        keras="keras.layers.MultiHeadAttention",
        params=(
            ParamSpec("num_heads", "int", 4, "How many attention heads run in parallel.", minimum=1, maximum=1024),
            ParamSpec("key_dim", "int", 16, "Size of each head's queries and keys.", minimum=1, maximum=65_536),
            ParamSpec("dropout", "float", 0.0, "Fraction of attention weights dropped while training.",
                      minimum=0.0, maximum=0.99),
        ),
        input_ranks=(2,),
        rank_hint=SEQUENCE_HINT,
        key_params=("num_heads", "key_dim"),
        icon="◎",
        name_prefix="multi_head_attention",
        call="query_value",
    )
)
