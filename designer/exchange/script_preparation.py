"""The code of an exported script that learns the data's preparation inside the model before training, as the app
does (designer.training.preparation): a `Normalization` right after the Input adapts to the training rows; an
inverted `Normalization` as the last layer ("target_units") adapts to the training targets, and Keras then fits the
model *up to* that layer on standardized targets, so that the whole model answers in the target's units.

`preparation_code` gives the functions the script and the notebook define (``learn_preparation``, and with a
target_units layer ``standardized_targets`` and ``up_to_target_units``) and what their main code needs to know:
which model Keras fits and on which targets. A GAN learns no preparation (neither does the app's GAN training).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

from designer.core import prepare
from designer.core.graph import LayerGraph
from designer.exchange.script_text import literal
from designer.training.losses import RECONSTRUCTING


@dataclass
class PreparationCode:
    """The preparation's functions, and the names the main code uses around them."""

    #: ``def learn_preparation(...)`` and, with target units, the two functions that train up to that layer
    functions: str
    #: the inverted Normalization that gives the answers in the target's units, or None
    target_units: str | None
    #: the Normalization layers after the Input, which standardize the raw rows
    normalizers: tuple[str, ...] = ()

    @property
    def fitted(self) -> str:
        """The variable of the model Keras fits: the model up to target_units, or the model itself."""
        return "scaled_model" if self.target_units else "model"

    @property
    def targets(self) -> str:
        """The targets and the validation data Keras fits on (standardized with target units)."""
        return "y_train_scaled, validation_data_scaled" if self.target_units else "y_train, validation_data"


def preparation_code(graph: LayerGraph, settings: dict[str, Any], validation: bool, numbers_index: int | None,
                     gan: bool) -> PreparationCode | None:
    """The preparation code of the model `graph` trained with `settings`, or None when it has nothing to learn.
    `validation`: the data has validation rows of its own (else Keras's validation_split holds out the last rows,
    which the app leaves out of the numbers it learns); `numbers_index`: where the numbers are in the list of the
    model's inputs when some read words (None: the inputs are one array)."""
    if gan:
        return None
    mode = settings["mode"]
    normalizers = [node.name for node in prepare.input_normalizers(graph)]
    units = prepare.target_units_node(graph)
    target = units.name if units is not None and mode == "supervised" else None  # the app adapts it on labels only
    if not normalizers and target is None:
        return None

    split = 0.0 if validation else float(settings["validation_split"])
    body = []
    if split > 0:
        body.append("# Keras's validation_split holds out the last rows to validate: the numbers come from the others")
        body.append(f"rows = len(y_train) - int(len(y_train) * {literal(split)})")
    taken = "[:rows]" if split > 0 else ""
    if normalizers:
        said = "each input column's mean and variance: the model standardizes raw rows with them"
        rows = "x_train"
        if mode in RECONSTRUCTING:
            rows = "y_train"
            said = f"{said} (an autoencoder's targets are its clean inputs)"
        elif numbers_index is not None:
            rows = f"x_train[{numbers_index}]"
            said = f"{said}; x_train[{numbers_index}] holds the numbers (the other inputs are words)"
        body += [f"# {line}" for line in textwrap.wrap(said, 110)]
        body += [f"model.get_layer({literal(name)}).adapt({rows}{taken})" for name in normalizers]
    if target is not None:
        body.append("# the target's mean and variance: the model gives its answers back in the target's units")
        count = "rows" if split > 0 else "len(y_train)"
        body.append(f"model.get_layer({literal(target)}).adapt(y_train{taken}.reshape({count}, -1))")
    learned = " and ".join(filter(None, [
        "the mean and the variance of each input column" if normalizers else "",
        "of the target" if target and normalizers else "the mean and the variance of the target" if target else "",
    ]))
    doc = (f'"""Learn the numbers of the data\'s preparation inside the model from the training rows, as Network '
           f"Designer does before training: {learned}. These layers learn by counting (adapt), not by training: "
           'their numbers are not weights the optimizer changes."""')
    functions = "def learn_preparation(model, x_train, y_train):\n" + textwrap.indent(
        "\n".join(textwrap.wrap(doc, 112, subsequent_indent="") + body), "    ")
    if target is not None:
        functions += "\n\n\n" + _TARGET_UNITS.replace("TARGET", literal(target))
    return PreparationCode(functions, target, tuple(normalizers))


_TARGET_UNITS = '''\
def standardized_targets(model, y_train, validation_data):
    """The targets as the network before the last layer learns them: standardized with that layer's mean and
    spread. Targets in the thousands (a price, say) would make every gradient enormous; standardized, they are
    around 0."""
    layer = model.get_layer(TARGET)
    mean = layer.adapt_mean.numpy()
    spread = np.maximum(np.sqrt(layer.adapt_variance.numpy()), keras.config.epsilon())  # as the layer computes it
    y_train_scaled = ((y_train - mean) / spread).astype(np.float32)
    if validation_data is None:
        return y_train_scaled, None
    x_val, y_val = validation_data
    return y_train_scaled, (x_val, ((y_val - mean) / spread).astype(np.float32))


def up_to_target_units(model):
    """The model without its last layer, sharing every other layer and its weights: Keras fits it on standardized
    targets, and the whole model then gives its answers in the target's units."""
    return keras.Model(model.inputs, model.get_layer(TARGET).input, name=f"{model.name}_scaled")'''
