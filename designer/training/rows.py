"""A dataset's rows as a model reads them: reshaped to its Input, and for a model that reads words, the numbers
with each text input's column of words (designer.training.feeds); TrainingError in plain words when they do not go
together."""

from __future__ import annotations

import numpy as np

from designer.core.graph import LayerGraph
from designer.data.dataset import DataError, Dataset
from designer.data.registry import fit_to_input
from designer.training import feeds
from designer.training.errors import TrainingError


def shaped_for_input(x: np.ndarray | None, model, words: np.ndarray | None = None, columns: list[str] | None = None,
                     graph: LayerGraph | None = None):
    """Data rows reshaped to the model's Input (a channel axis added, images flattened); None stays None;
    TrainingError in plain words when they cannot be. A model with text inputs gets a list: the numbers and each
    text input's column of `words` (designer.training.feeds)."""
    if x is None:
        return None
    texts = {id(t) for t in feeds.text_inputs(model)}
    numbers_input = next((t for t in model.inputs if id(t) not in texts), model.inputs[0])
    try:
        if texts:  # the words first: a model that reads them, given data without them, is told so (not a shape)
            feeds.fed(model, graph, x[:0], None if words is None else words[:0], columns)
        shaped = fit_to_input(x, tuple(numbers_input.shape[1:]))
        return feeds.fed(model, graph, shaped, words, columns) if texts else shaped
    except (DataError, ValueError) as error:
        raise TrainingError(str(error)) from None


def dataset_rows(model, dataset: Dataset, part: str, graph: LayerGraph | None = None, rows: slice | None = None):
    """The `part` ("train", "val" or "test") rows of `dataset` as `model` reads them, optionally only `rows`."""
    x, words = getattr(dataset, f"x_{part}"), getattr(dataset, f"words_{part}", None)
    if x is not None and rows is not None:
        x, words = x[rows], None if words is None else words[rows]
    return shaped_for_input(x, model, words, dataset.word_columns, graph)
