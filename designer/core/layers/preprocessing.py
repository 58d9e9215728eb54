"""Preprocessing layers inside the model: Rescaling of pixel values, and the random image augmentations (flip,
rotation, zoom, translation), which act only while training."""

from designer.core.catalogue import LayerKind, ParamSpec, register
from designer.core.layers._common import IMAGE_HINT

AUGMENTATION_NOTE = (
    " It acts only while training (each batch gets a new random draw), so the network sees more varied images; "
    "at prediction time images pass through unchanged. It has no weights."
)


def fraction(name: str, default: float | None, help: str) -> ParamSpec:
    return ParamSpec(name, "float", default, help, minimum=0.0, maximum=1.0, optional=default is None)


register(
    LayerKind(
        key="Rescaling",
        category="Preprocessing",
        title="Rescaling",
        summary="Multiplies every value by a scale and adds an offset: pixels 0–255 to 0–1.",
        explanation=(
            "Brings raw values into the range the network learns best from: scale 1/255 maps pixels 0–255 "
            "to 0–1; scale 1/127.5 with offset −1 maps them to −1–1. Placed right after the input, the saved "
            "model takes raw images. It has no weights."
        ),
        formula="y = x · scale + offset",
        keras="keras.layers.Rescaling",
        params=(
            ParamSpec("scale", "float", 1 / 255, "The factor each value is multiplied by.", minimum=-1e6, maximum=1e6),
            ParamSpec("offset", "float", 0.0, "The number added after scaling.", minimum=-1e6, maximum=1e6),
        ),
        key_params=("scale",),
        icon="⤡",
        name_prefix="rescaling",
    )
)


def augmentation(key: str, prefix: str, icon: str, does: str, params: tuple[ParamSpec, ...]) -> LayerKind:
    """A random image augmentation: what it `does` to each image, and the settings of how much."""
    return LayerKind(
        key=key,
        category="Preprocessing",
        title=key,
        summary=f"{does.split(' (')[0]} at random while training (data augmentation).",
        explanation=f"{does}, at random." + AUGMENTATION_NOTE,
        keras=f"keras.layers.{key}",
        params=params,
        input_ranks=(3,),
        rank_hint=IMAGE_HINT,
        key_params=tuple(spec.name for spec in params if not spec.optional),
        icon=icon,
        name_prefix=prefix,
        training_only=True,
    )


register(augmentation("RandomFlip", "random_flip", "⇋", "Mirrors images left–right and/or upside down", (
    ParamSpec("mode", "choice", "horizontal_and_vertical", "Which flips may happen.",
              choices=("horizontal_and_vertical", "horizontal", "vertical")),
)))
register(augmentation("RandomRotation", "random_rotation", "↺", "Turns images by an angle (up to ± factor of a full "
                      "turn: 0.1 is ±36°)", (
    fraction("factor", 0.1, "The largest turn, as a fraction of a full circle (0.1: ±36°)."),
)))
register(augmentation("RandomZoom", "random_zoom", "⌕", "Zooms images in or out (by up to ± the given fraction)", (
    fraction("height_factor", 0.1, "The largest zoom, as a fraction of the height (0.1: ±10%)."),
    fraction("width_factor", None, "The largest zoom of the width; empty: the same as the height (keeps the "
                                   "proportions)."),
)))
register(augmentation("RandomTranslation", "random_translation", "✥", "Shifts images up, down, left or right (by up "
                      "to ± the given fraction of their height and width)", (
    fraction("height_factor", 0.1, "The largest shift up or down, as a fraction of the height."),
    fraction("width_factor", 0.1, "The largest shift left or right, as a fraction of the width."),
)))


register(
    LayerKind(
        key="Normalization",
        category="Preprocessing",
        title="Normalization",
        summary="Each column to mean 0, spread 1 (learned from the training rows); inverted: back to the target's "
                "units.",
        explanation=(
            "Right after the Input, it shifts and stretches each input column to mean 0 and spread 1, with the mean "
            "and variance of the training rows, learned when training starts: the saved model then takes raw rows "
            "as they are in your file. With invert on, as the last layer of a network that predicts numbers, it "
            "does the opposite: the network learns on standardized targets and the saved model answers in the "
            "target's own units (a price in dollars, not in standard deviations). Its numbers are not trained by "
            "the optimizer (non-trainable): they are counted apart."
        ),
        formula="y = (x − mean) / √variance   (invert: y = x · √variance + mean)",
        keras="keras.layers.Normalization",
        params=(
            ParamSpec("invert", "bool", False, "Give standardized numbers back in the data's own units (as the last "
                      "layer, for the target)."),
        ),
        key_params=("invert",),
        icon="σ",
        name_prefix="normalization",
    )
)


register(
    LayerKind(
        key="TextInput",
        category="Preprocessing",
        title="Text input",
        summary="Where one column of words enters (region: east, west…), as it is in the file.",
        explanation=(
            "A second entrance to the network for one column of words of a table, read as text: the trained model "
            "then takes rows as they are in your file, words included. Follow it with a String lookup, which "
            "turns each word into numbers the next layers can read. Data → Fit model to data adds both for every "
            "column of words when the data's text columns are read \"in model\"."
        ),
        keras="keras.Input",
        params=(
            ParamSpec("column", "str", "text", "The name of the column of words it reads, as in the file's header."),
        ),
        min_inputs=0,
        max_inputs=0,
        key_params=("column",),
        icon="T",
        name_prefix="text",
    )
)

register(
    LayerKind(
        key="StringLookup",
        category="Preprocessing",
        title="String lookup",
        summary="Each word to a one-hot row: one unit per known word, and one for a word it has never seen.",
        explanation=(
            "Reads a Text input and gives, for each word, a row of zeros with a single 1 in the unit of that word "
            "(one-hot). Its vocabulary lists the words it knows, in order; the first unit stands for any other word "
            "([UNK]), so a new word in a new row still gets an answer. It has no weights. Fit model to data fills "
            "the vocabulary with the column's words."
        ),
        formula="east → [0, 1, 0, 0],  west → [0, 0, 1, 0],  unknown → [1, 0, 0, 0]",
        keras="keras.layers.StringLookup",
        params=(
            ParamSpec("vocabulary", "words", ["no", "yes"], "The words it knows, in order (separated by ;). Each "
                      "gets a unit after the first, which is for words not listed."),
        ),
        key_params=("vocabulary",),
        icon="≡",
        name_prefix="lookup",
    )
)
