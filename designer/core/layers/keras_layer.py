"""The generic "Keras layer": any layer class Keras ships that the palette has no kind for, kept whole.

It holds the class name and the layer's whole Keras configuration (a JSON object of plain values), so a model
imported from a ``.keras`` file keeps every layer even where the catalogue has no entry (or cannot say everything
the layer's configuration says: a frozen layer, a constraint, a seed). Keras gives it shapes and counts like every
other node; its plain values are edited in the inspector. Only Keras's own layer classes are ever made from it
(`designer.keras_bridge.safety`): never a Lambda or anything else that would run code from a file.
"""

from designer.core.catalogue import LayerKind, ParamSpec, register

register(
    LayerKind(
        key="KerasLayer",
        category="Keras",
        title="Keras layer",
        summary="Any layer Keras ships, by its class name and configuration (e.g. from an imported model).",
        explanation=(
            "A layer of Keras that the palette has no entry for, kept with its class name and its whole "
            "configuration, usually because it came with an imported model. Keras works out its output shape and "
            "weights like for every other layer. Its plain settings (numbers, texts, on/off) can be edited; nested "
            "ones are shown as they are. Only Keras's own layers can be made this way: never code from a file."
        ),
        keras="keras.layers.Layer",
        params=(
            ParamSpec("class_name", "str", "Identity", "The Keras layer class, as keras.layers names it (e.g. "
                      "\"UnitNormalization\")."),
            ParamSpec("config", "config", {}, "The layer's Keras configuration (get_config): its settings by name."),
            ParamSpec("call", "choice", "single", "How the layer receives its inputs: one tensor (single), a list of "
                      "tensors (list, like merge layers), or one argument per input (positional).",
                      choices=("single", "list", "positional")),
            ParamSpec("call_kwargs", "config", {}, "Named plain values passed when the layer is called "
                      "(e.g. training: false)."),
        ),
        min_inputs=1,
        max_inputs=None,
        call="params",
        error_hint="Keras's own message above says what this layer needs of its inputs.",
        key_params=("class_name",),
        icon="K",
        name_prefix="keras_layer",
    )
)
