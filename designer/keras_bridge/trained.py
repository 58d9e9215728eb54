"""Trained weights between Keras models and the document (`designer.core.trained.TrainedWeights`).

`weights_of` keeps a model's weights as the bytes of Keras's own ``.weights.h5`` file. `load_trained` puts them
back into a freshly built model: whole when the graph is the one they were trained for; after an edit, layer by
layer, by name, wherever the weights still have the same shapes (Keras's weights file is keyed by layer order, so
the model they were trained for is rebuilt to read it, and each kept layer's weights are copied across).
"""

from __future__ import annotations

import os
import tempfile

from designer.core.graph import LayerGraph
from designer.core.trained import Reuse, Shapes, TrainedWeights, reuse_of
from designer.keras_bridge.models import compile_graph, recursion_room


class TrainedWeightsError(ValueError):
    """Weights that cannot be read into the model; plain words."""


def layer_shapes(model) -> dict[str, Shapes]:
    """Layer name -> the shapes of its weights, for the layers that have any."""
    return {layer.name: tuple(tuple(int(d) for d in w.shape) for w in layer.weights)
            for layer in model.layers if layer.weights}


def weights_of(model, graph: LayerGraph, epochs: int) -> TrainedWeights:
    """The model's weights now, as kept with the project; `graph` is what the model was built from."""
    with _scratch_file() as path:
        with recursion_room(len(model.layers)):
            model.save_weights(path)
        with open(path, "rb") as handle:
            data = handle.read()
    return TrainedWeights(data, graph.copy(), layer_shapes(model), epochs)


def load_trained(model, graph: LayerGraph, trained: TrainedWeights) -> Reuse:
    """Put `trained` into `model` (just built from `graph`) and say which layers kept what they learned."""
    shapes = layer_shapes(model)
    if trained.fits(graph):
        _load_file(model, trained.data)
        return reuse_of(trained, graph, shapes)
    reuse = reuse_of(trained, graph, shapes)
    if reuse.kept:
        try:
            before = compile_graph(trained.graph, load_pretrained_weights=False)
        except Exception as error:  # the graph it was trained for no longer builds here (another Keras): start fresh
            raise TrainedWeightsError(f"the network the weights were trained for cannot be rebuilt ({error})") from None
        _load_file(before, trained.data)
        for name in reuse.kept:
            model.get_layer(name).set_weights(before.get_layer(name).get_weights())
    return reuse


def _load_file(model, data: bytes) -> None:
    with _scratch_file() as path:
        with open(path, "wb") as handle:
            handle.write(data)
        try:
            with recursion_room(len(model.layers)):
                model.load_weights(path)
        except Exception as error:  # h5py and Keras raise many types for a damaged or foreign file
            detail = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise TrainedWeightsError(f"the weights file does not fit this network ({detail[:200]})") from None


class _scratch_file:
    """A temporary ``.weights.h5`` path (Keras insists on the suffix), removed afterwards."""

    def __enter__(self) -> str:
        fd, self.path = tempfile.mkstemp(suffix=".weights.h5")
        os.close(fd)
        return self.path

    def __exit__(self, *exc) -> None:
        try:
            os.unlink(self.path)
        except OSError:
            pass
