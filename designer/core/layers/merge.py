"""Merge layers: join several branches of the graph into one (side by side, or value by value)."""

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

# element-wise merges: same shapes in, the same shape out, no weights; only what they compute differs
_ELEMENT_WISE = (
    ("Multiply", "Multiplies its inputs value by value (a gate or an attention mask).",
     "Multiplies its inputs element by element, so one branch can scale or switch off another, as in the "
     "squeeze-and-excitation blocks of EfficientNet.", "y = x₁ · x₂ · …", "⊗", None),
    ("Average", "Averages its inputs value by value (an ensemble of branches).",
     "Takes the mean of its inputs element by element, e.g. to combine the predictions of several branches.",
     "y = (x₁ + x₂ + … + xₙ) / n", "⊘", None),
    ("Subtract", "Subtracts the second input from the first, value by value.",
     "Takes exactly two inputs and computes the first minus the second, element by element (connect the one "
     "to subtract from first): e.g. the difference between two encodings.", "y = x₁ − x₂", "⊖", 2),
    ("Maximum", "Keeps the largest of its inputs, value by value.",
     "Compares its inputs element by element and keeps the largest value at each position.",
     "y = max(x₁, x₂, …)", "⩔", None),
)

for key, summary, explanation, formula, icon, most in _ELEMENT_WISE:
    register(
        LayerKind(
            key=key,
            category="Merge",
            title=key,
            summary=summary,
            explanation=explanation + " It has no weights.",
            formula=formula,
            keras=f"keras.layers.{key}",
            min_inputs=2,
            max_inputs=most,
            error_hint=f"{key} needs {'two inputs' if most == 2 else 'inputs'} of exactly the same shape.",
            icon=icon,
            name_prefix=key.lower(),
        )
    )
