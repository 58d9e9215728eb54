"""Merge layers: join several branches of the graph into one."""

from designer.core.catalogue import LayerKind, ParamSpec, register

register(
    LayerKind(
        key="Concatenate",
        category="Merge",
        title="Concatenate",
        summary="Joins its inputs side by side along the last axis.",
        explanation=(
            "Puts its inputs next to each other: (10,) and (5,) become (15,). All sizes except the one "
            "along the joining axis must match. It has no weights."
        ),
        keras="keras.layers.Concatenate",
        params=(ParamSpec("axis", "int", -1, "The axis to join along (-1: the last).", minimum=-4, maximum=4),),
        min_inputs=2,
        max_inputs=None,
        error_hint="Concatenate joins inputs along one axis: all their other sizes must be equal.",
        icon="⧺",
        name_prefix="concatenate",
    )
)

register(
    LayerKind(
        key="Add",
        category="Merge",
        title="Add",
        summary="Adds its inputs value by value (a residual connection).",
        explanation=(
            "Adds its inputs element by element, so they must have the same shape. With a skip "
            "connection this makes a residual block, as in ResNet. It has no weights."
        ),
        formula="y = x₁ + x₂ + …",
        keras="keras.layers.Add",
        min_inputs=2,
        max_inputs=None,
        error_hint="Add needs inputs of exactly the same shape.",
        icon="⊕",
        name_prefix="add",
    )
)
