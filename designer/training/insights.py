"""What the live panels show besides the curves, computed in the training thread from the model as it learns.

`Observer` is made by the engine when its state asks for insights (`TrainingState.wants_insights`) or for the
training-health checks (`wants_health`: then each snapshot also measures what they read, `Snapshot.health`, see
designer.training.health_probe; with the panels off, as on the command line, only that). At the
end of an epoch it takes a `Snapshot` of the model: per-layer activations for a few fixed samples, weight and
gradient histograms, a predictions grid, a confusion matrix, a reconstruction grid, images generated from fixed
noise (GAN), the decision boundary of 2-D data, forecast vs truth. `plan()` says beforehand which panels mean
something for this model and data, and for the others why not, in plain words.

Everything here is small numpy arrays (a few samples, histograms, at most `EVALUATED_ROWS` predictions), so the
state can hand it to a window at once. Taking a snapshot costs forward passes, so `Observer.due` keeps the
time spent on it under `BUDGET` of the time spent training: on a tiny, fast model most epochs are skipped and
the panels still change every few tenths of a second; the first and the last epoch are always shown.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from designer.core.shapes import sample_in_words
from designer.data.dataset import Dataset
from designer.data.summary import class_indices, looks_like_images
from designer.training.feeds import is_several, is_text, numbers_of, row_count, take
from designer.training.health import HealthSample
from designer.training.health_probe import (HEALTH_ROWS, HealthProbe, gradient_by_layer, input_spec, probed_layers,
                                            variety)

#: how many fixed samples the activations and the reconstruction grid follow
SAMPLES = 8
#: images in the predictions and generated grids
GRID = 16
#: rows predicted for the confusion matrix, the decision boundary's points and the forecast (a notes-003 CNN
#: predicts 1,000 rows in ~150 ms on two CPU cores: half of that keeps a snapshot near 100 ms)
EVALUATED_ROWS = 500
#: rows whose loss gradients are histogrammed
GRADIENT_ROWS = 32
#: at most this fraction of the training time goes into snapshots (the first and the last epoch are always taken)
BUDGET = 0.1
BINS = 40
#: values histogrammed per variable at most (a strided sample of bigger ones)
HISTOGRAM_VALUES = 200_000
BOUNDARY_STEPS = 80


@dataclass
class Histogram:
    name: str  # "dense/kernel"
    counts: np.ndarray
    edges: np.ndarray


@dataclass
class Snapshot:
    epoch: int  # from 0
    #: the fixed samples (as images when they are pictures, else as they are fed) and their labels if any
    samples: np.ndarray | None = None
    sample_labels: list[str] | None = None
    #: the name of each value of a sample when the data names them ("age", "region=east"); None otherwise
    input_names: list[str] | None = None
    #: (layer name, its outputs for the fixed samples: [SAMPLES, ...]) in the order of the graph
    activations: list[tuple[str, np.ndarray]] = field(default_factory=list)
    weights: list[Histogram] = field(default_factory=list)
    gradients: list[Histogram] = field(default_factory=list)
    #: images [n, h, w(, 3)] in 0..1, predicted and true class names, confidence of the prediction
    predictions: dict[str, Any] | None = None
    #: {"matrix": [classes, classes] (rows: true, columns: predicted), "classes": names}
    confusion: dict[str, Any] | None = None
    #: {"originals": images, "reconstructions": images}
    reconstructions: dict[str, Any] | None = None
    #: images from the same noise every epoch
    generated: np.ndarray | None = None
    #: {"xs", "ys": grid axes, "classes": [len(ys), len(xs)] predicted class, "points": [n, 2], "labels": [n]}
    boundary: dict[str, Any] | None = None
    #: {"truth": [n], "prediction": [n], "axis": "sample" | "step"}
    forecast: dict[str, Any] | None = None
    #: what the training-health checks measured (designer.training.health); None when they are off
    health: HealthSample | None = None


#: the live panels: one per data field of a Snapshot, in its order (the other fields say what a snapshot is of).
#: Named here once: the window's registry of panels is keyed by these names
PANELS = tuple(f.name for f in fields(Snapshot)
               if f.name not in ("epoch", "samples", "sample_labels", "input_names", "health"))


def image_shape(sample_shape: tuple[int, ...], options: dict[str, Any]) -> tuple[int, ...] | None:
    """The picture a sample is, or None: images as they are, and images the data options flattened back."""
    if looks_like_images(sample_shape):
        return sample_shape
    if len(sample_shape) == 1 and options.get("flatten"):
        for channels in (1, 3):
            side = math.isqrt(sample_shape[0] // channels)
            if side >= 8 and side * side * channels == sample_shape[0]:
                return (side, side) if channels == 1 else (side, side, 3)
    return None


class Observer:
    """Takes snapshots of a model during training; see the module docstring."""

    def __init__(self, mode: str, dataset: Dataset, train: tuple, view: tuple, loss: str = "",
                 noise_shape: tuple[int, ...] | None = None, seed: int = 0, panels: bool = True,
                 health: bool = False) -> None:
        """`train`, `view`: (inputs, targets) as the model reads them — training rows (gradients) and the rows
        the panels show (the validation rows, or training rows when there are none); targets may be None. Inputs
        may be a list, one entry per model input, words as string tensors (designer.training.feeds): what only
        means something for one array of numbers (pictures, names of values, the decision boundary) then looks
        at the numbers only, or is left out. `noise_shape`: a GAN generator's input. `panels`: take what the live
        panels show; `health`: measure what the training-health checks read (designer.training.health_probe)."""
        self.mode, self.dataset, self.loss = mode, dataset, loss
        self.panels, self.health = panels, health
        #: graph role -> designer.training.health_probe.HealthProbe, made when training begins
        self.probes: dict[str, Any] = {}
        x, y = train
        x_view, y_view = view
        self.x_view = take(x_view, slice(EVALUATED_ROWS))
        self.y_view = None if y_view is None else y_view[:EVALUATED_ROWS]
        self.x_train, self.y_train = take(x, slice(GRADIENT_ROWS)), None if y is None else y[:GRADIENT_ROWS]
        self.samples = take(self.x_view, slice(SAMPLES))
        self.classes = dataset.class_names if (mode == "supervised" and dataset.task == "classification") else None
        # several inputs (numbers and words) are a table's row, never a picture: pictures, the value range and the
        # names of values are of one array of numbers
        self.several = is_several(x)
        numbers = _numbers(x)
        shape = tuple(numbers.shape[1:]) if numbers is not None else None
        # the data's own sample shape says whether a sample is a picture, even when the Input flattens it
        own = image_shape(dataset.sample_shape, dataset.options)
        if self.several or shape is None:
            self.images = None
        else:
            self.images = own if own and math.prod(own) == math.prod(shape) else image_shape(shape, {})
        values = np.asarray(numbers) if numbers is not None else np.zeros(0)
        self.value_range = (float(np.min(values)), float(np.max(values))) if values.size else (0.0, 1.0)
        # a table's names label its values in the panels, as long as the model reads one value per name (with
        # words beside them, the numbers' values: the samples shown are the numbers)
        names = dataset.feature_names
        self.input_names = (list(names) if names and shape is not None and self.images is None
                            and len(names) == math.prod(shape) else None)
        rng = np.random.default_rng(seed)
        self.noise = rng.standard_normal((GRID, *noise_shape)).astype(np.float32) if noise_shape else None
        self.health_noise = (rng.standard_normal((HEALTH_ROWS, *noise_shape)).astype(np.float32)
                             if noise_shape and health else None)
        self._probe = None
        #: traced when training begins (`_trace`); None until then, and for a GAN
        self._forward = self._layers = self._gradient_of = None
        self._spent = 0.0
        self._started = time.monotonic()
        self.snapshots_taken = 0

    # ------------------------------------------------------------------ which panels mean something
    def plan(self, model, discriminator=None) -> dict[str, str | None]:
        """Panel → None when it will show data, else why it stays empty (plain words). Called when training
        begins: the functions the snapshots call are traced now, before the first batch (see `_trace`)."""
        if self.mode != "gan":
            self._trace(model)
        if self.health:
            self._trace_health(model, discriminator)
        inputs = tuple(model.inputs[0].shape[1:]) if self.mode != "gan" and len(model.inputs) == 1 else None
        classifying = self.classes is not None
        reasons: dict[str, str | None] = dict.fromkeys(PANELS)
        if not model.trainable_weights:
            reasons["weights"] = reasons["gradients"] = "This model has no weights that train (every layer is frozen)."
        if not classifying:
            why = f"it is for classifiers; {self._not_classifying()}."
            reasons["predictions"] = "The predictions grid shows images with their predicted and true class: " + why
            reasons["confusion"] = "The confusion matrix counts which class is taken for which: " + why
        elif self.images is None:
            reasons["predictions"] = ("The predictions grid shows pictures with their predicted and true class; this "
                                      "data's samples are not pictures. The confusion matrix shows how each class fares.")
        if self.mode not in ("autoencoder", "vae"):
            reasons["reconstructions"] = ("Reconstructions are for autoencoders (mode autoencoder or VAE), which "
                                          "rebuild their input.")
        if self.mode != "gan":
            reasons["generated"] = "Generated images are for GANs: set the mode to GAN with a generator and a discriminator."
        # the reason given is the one that holds: a regression model may well read two numbers
        if not classifying:
            reasons["boundary"] = f"The decision boundary is drawn for classifiers; {self._not_classifying()}."
        elif inputs != (2,):
            reads = sample_in_words(inputs) if inputs is not None else "several inputs"
            reasons["boundary"] = ("The decision boundary is drawn for classifiers of two numbers (points in a "
                                   f"plane); this model reads {reads}.")
        if self.dataset.task != "forecasting" or self.mode != "supervised":
            reasons["forecast"] = ("Forecast vs truth is for sequence data that predicts what comes next, such as "
                                   "the sine waves.")
        return reasons

    def _not_classifying(self) -> str:
        """What this run does instead of classifying, for the panels that are for classifiers only."""
        if self.mode == "supervised":
            task = self.dataset.task
            which = f" ({task})" if task in ("regression", "forecasting") else ""
            return f"this model predicts numbers{which}, not classes"
        return {"autoencoder": "this run trains an autoencoder", "gan": "this run trains a GAN",
                "vae": "this run trains a VAE (variational autoencoder)"}[self.mode]

    # ------------------------------------------------------------------ when
    def due(self, last: bool) -> bool:
        """Whether to take a snapshot now: always for the last epoch and the first, else within the budget."""
        if last or self.snapshots_taken == 0:
            return True
        elapsed = time.monotonic() - self._started
        return self._spent <= BUDGET * max(elapsed - self._spent, 0.0)

    def snapshot(self, model, discriminator=None, *, epoch: int) -> Snapshot:
        started = time.monotonic()
        try:
            if self.mode == "gan":
                return self._gan_snapshot(model, discriminator, epoch)
            return self._snapshot(model, epoch)
        finally:
            self._spent += time.monotonic() - started
            self.snapshots_taken += 1

    # ------------------------------------------------------------------ what
    def _snapshot(self, model, epoch: int) -> Snapshot:
        shot = Snapshot(epoch)
        gradients = self._gradient_values(model)
        if self.panels:
            self._panels(model, shot, gradients)
        if self.probes:
            by_layer = gradient_by_layer(model, *gradients) if gradients else None
            shot.health = HealthSample(epoch, self.probes["model"].measure(self.x_view, by_layer))
        return shot

    def _panels(self, model, shot: Snapshot, gradients) -> None:
        shot.samples, shot.sample_labels = self._pictures(self.samples), self._labels(self.y_view, SAMPLES)
        shot.input_names = self.input_names
        shot.activations = self._activations(model, self.samples)
        shot.weights = _histograms(model.trainable_weights, model)
        shot.gradients = _histograms(gradients[0], model, gradients[1]) if gradients else []
        if self.classes is not None or self.mode in ("autoencoder", "vae") or self.dataset.task == "forecasting":
            predicted = self._predict(model, self.x_view)
            if self.classes is not None:
                self._classification(model, shot, predicted)
            elif self.mode in ("autoencoder", "vae"):
                shot.reconstructions = {"originals": self._pictures(self.samples),
                                        "reconstructions": self._pictures(predicted[:SAMPLES])}
            elif self.y_view is not None:
                shot.forecast = _forecast(self.y_view, predicted)

    def _classification(self, model, shot: Snapshot, predicted: np.ndarray) -> None:
        import tensorflow as tf

        classes = len(self.classes)
        chosen = _class_of(predicted)
        truth = class_indices(self.y_view) if self.y_view is not None else None
        if truth is not None:
            matrix = tf.math.confusion_matrix(truth, chosen, num_classes=classes).numpy()
            shot.confusion = {"matrix": matrix, "classes": list(self.classes)}
        if self.images is not None and truth is not None:
            confidence = predicted.max(axis=1) if predicted.shape[-1] > 1 else np.where(chosen == 1, predicted[:, 0], 1 - predicted[:, 0])
            shot.predictions = {
                "images": self._pictures(self.x_view[:GRID]),
                "predicted": [self.classes[i] for i in chosen[:GRID]],
                "actual": [self.classes[i] for i in truth[:GRID]],
                "confidence": np.asarray(confidence[:GRID], dtype=np.float32),
            }
        # two numbers and nothing else: with words beside them, a plane of the numbers is not what the model reads
        if not self.several and tuple(self.x_view.shape[1:]) == (2,) and truth is not None:
            shot.boundary = self._boundary(lambda grid: _class_of(self._predict(model, grid)), truth)

    def _boundary(self, predicted_for, truth) -> dict[str, Any]:
        points = self.x_view
        low, high = points.min(axis=0), points.max(axis=0)
        margin = (high - low) * 0.1 + 1e-6
        xs = np.linspace(low[0] - margin[0], high[0] + margin[0], BOUNDARY_STEPS, dtype=np.float32)
        ys = np.linspace(low[1] - margin[1], high[1] + margin[1], BOUNDARY_STEPS, dtype=np.float32)
        grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
        return {"xs": xs, "ys": ys, "classes": predicted_for(grid).reshape(len(ys), len(xs)),
                "points": points[:500], "labels": truth[:500], "class_names": list(self.classes)}

    def _trace(self, model) -> None:
        """TensorFlow functions for the model's outputs, every layer's outputs and the loss's gradients, traced
        once here. Called eagerly, a snapshot ran 150-250 ms of Python op by op in the training thread, holding the
        interpreter lock in turns with the window's thread, which then stuttered; a traced function runs in
        TensorFlow's own code, which lets go of the lock."""
        import tensorflow as tf

        self._gradient_of = self._trace_gradients(model)
        # traced now, while the model is being set up, not in the middle of training
        if self.panels:
            spec = input_spec(self.x_view)  # a list of specs for several inputs, words as tf.string
            self._forward = tf.function(lambda x: model(x, training=False), input_signature=[spec])
            names, probe = self._probe_of(model)
            self._layers = tf.function(lambda x: probe(x, training=False), input_signature=[spec])
            self._forward(take(self.x_view, slice(2)))
            self._layers(take(self.samples, slice(2)))
        if self._gradient_of is not None:
            self._gradient_of[1](take(self.x_train, slice(2)), self.y_train[:2])

    def _trace_health(self, model, discriminator=None) -> None:
        if self.mode == "gan":
            self.probes = {"generator": HealthProbe(model, "generator"),
                           "discriminator": HealthProbe(discriminator, "discriminator")}
            self.probes["generator"].trace(self.health_noise)
            self.probes["discriminator"].trace(self.x_view)
        else:
            # with the panels on, their traced function of every layer's outputs serves the checks too: one
            # function less to trace when the run starts
            self.probes = {"model": HealthProbe(model, "model", code_layer=self.mode in ("autoencoder", "vae"),
                                                outputs=self._layers)}
            self.probes["model"].trace(self.x_view)

    def _trace_gradients(self, model):
        """(the trainable variables it was traced for, the traced function), or None without labels."""
        import tensorflow as tf

        if self.y_train is None or not model.trainable_weights:
            return None
        variables = list(model.trainable_weights)
        x_spec = input_spec(self.x_train)
        y_spec = tf.TensorSpec((None, *self.y_train.shape[1:]), tf.as_dtype(self.y_train.dtype))

        @tf.function(input_signature=[x_spec, y_spec])
        def gradients(x, y):
            with tf.GradientTape() as tape:
                predicted = model(x, training=False)
                loss = model.compute_loss(x=x, y=y, y_pred=predicted, training=False)
            return tape.gradient(loss, variables)

        return variables, gradients

    def _probe_of(self, model):
        import keras

        if self._probe is None:
            layers, tensors = probed_layers(model)
            inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs
            self._probe = ([layer.name for layer in layers], keras.Model(inputs, tensors))
        return self._probe

    def _activations(self, model, samples) -> list[tuple[str, np.ndarray]]:
        names, probe = self._probe_of(model)
        outputs = self._layers(samples) if self._layers is not None else probe(samples, training=False)
        outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        return [(name, np.asarray(out)) for name, out in zip(names, outputs)]

    def _gradient_values(self, model):
        """(the trainable variables, their loss gradients on the training rows), or None without labels."""
        if self.y_train is None or not model.trainable_weights:
            return None
        traced_for = [id(v) for v in self._gradient_of[0]] if self._gradient_of else None
        if traced_for != [id(v) for v in model.trainable_weights]:
            self._gradient_of = self._trace_gradients(model)  # layers were frozen or unfrozen since
        variables, gradients_of = self._gradient_of
        return variables, [None if g is None else np.asarray(g) for g in gradients_of(self.x_train, self.y_train)]

    def _gan_snapshot(self, generator, discriminator, epoch: int) -> Snapshot:
        shot = Snapshot(epoch)
        g_grads, d_grads = self._gan_gradients(generator, discriminator)
        if self.panels:
            samples = self.noise[:SAMPLES]
            shot.samples = samples
            shot.activations = self._activations(generator, samples)
            shot.generated = self._pictures(np.asarray(generator(self.noise, training=False)))
            shot.weights = (_histograms(generator.trainable_weights, generator, prefix="generator ") +
                            _histograms(discriminator.trainable_weights, discriminator, prefix="discriminator "))
            shot.gradients = (_histograms(generator.trainable_weights, generator, g_grads, prefix="generator ") +
                              _histograms(discriminator.trainable_weights, discriminator, d_grads,
                                          prefix="discriminator "))
        if self.probes:
            made = np.asarray(generator(self.health_noise, training=False))
            layers = (self.probes["generator"].measure(self.health_noise, gradient_by_layer(
                          generator, generator.trainable_weights, g_grads)) +
                      self.probes["discriminator"].measure(self.x_view, gradient_by_layer(
                          discriminator, discriminator.trainable_weights, d_grads)))
            shot.health = HealthSample(epoch, layers, variety=variety(made, self.x_view[:HEALTH_ROWS]))
        return shot

    def _gan_gradients(self, generator, discriminator):
        """The generator's and the discriminator's loss gradients, on the fixed noise and the training rows."""
        import keras
        import tensorflow as tf

        real = self.x_train
        bce = keras.losses.BinaryCrossentropy()
        with tf.GradientTape(persistent=True) as tape:
            fake = generator(self.noise, training=False)
            judged_fake = discriminator(fake, training=False)
            g_loss = bce(tf.ones_like(judged_fake), judged_fake)
            d_loss = bce(tf.ones((row_count(real), 1)), discriminator(real, training=False)) + bce(tf.zeros_like(judged_fake), judged_fake)
        g_grads = tape.gradient(g_loss, generator.trainable_weights)
        d_grads = tape.gradient(d_loss, discriminator.trainable_weights)
        del tape
        return g_grads, d_grads

    # ------------------------------------------------------------------ helpers
    def _predict(self, model, x, rows: int = 512) -> np.ndarray:
        """The model's outputs, in chunks (of every input's entry when it reads several), through the function
        traced when training began (`predict` would trace a new one at the first snapshot: ~0.5 s with the
        interpreter lock held, the window standing still)."""
        forward = self._forward if self._forward is not None else (lambda chunk: model(chunk, training=False))
        if not is_several(x):  # the decision boundary's grid: in the dtype the function was traced for
            x = np.asarray(x, dtype=self.x_view.dtype)
        return np.concatenate([np.asarray(forward(take(x, slice(start, start + rows))))
                               for start in range(0, row_count(x), rows)])

    def _pictures(self, x) -> np.ndarray | None:
        """Samples as images in 0..1 when they are pictures; otherwise as they are (the numbers of several
        inputs: words make no bars; None when there are only words)."""
        x = _numbers(x)
        if x is None:
            return None
        if self.images is None:
            return np.asarray(x, dtype=np.float32)
        low, high = self.value_range
        images = (np.asarray(x, dtype=np.float32).reshape(len(x), *self.images) - low) / ((high - low) or 1.0)
        if images.ndim == 4 and images.shape[-1] == 1:
            images = images[..., 0]
        return np.clip(images, 0.0, 1.0)

    def _labels(self, y: np.ndarray | None, count: int) -> list[str] | None:
        if y is None or self.classes is None:
            return None
        return [self.classes[i] for i in class_indices(y[:count])]


def _numbers(x) -> np.ndarray | None:
    """The numbers of `x` (all of it, or the float entry of several inputs); None when it has only words."""
    if x is None:
        return None
    numbers = numbers_of(x)
    return None if is_text(numbers) else numbers


def _class_of(predicted: np.ndarray) -> np.ndarray:
    """The class each prediction chooses: the biggest probability, or above 0.5 for one sigmoid unit."""
    predicted = np.asarray(predicted)
    if predicted.ndim == 2 and predicted.shape[1] > 1:
        return predicted.argmax(axis=1)
    return (predicted.reshape(len(predicted)) > 0.5).astype(np.int64)


def _forecast(truth: np.ndarray, predicted: np.ndarray) -> dict[str, Any]:
    """The next value over consecutive samples, or every step of the first sequence when each step is predicted."""
    truth, predicted = np.asarray(truth, dtype=np.float32), np.asarray(predicted, dtype=np.float32)
    if truth.ndim >= 2 and truth.shape[1] > 1:
        return {"truth": truth[0].reshape(-1), "prediction": predicted[0].reshape(-1), "axis": "step"}
    return {"truth": truth.reshape(len(truth), -1)[:200, 0], "prediction": predicted.reshape(len(predicted), -1)[:200, 0],
            "axis": "sample"}


def _histograms(variables, model, values=None, prefix: str = "") -> list[Histogram]:
    """One histogram per variable (of `values` when given: their gradients), named "layer/variable"."""
    owners = {}
    for layer in model.layers:
        for variable in layer.trainable_weights:
            owners.setdefault(id(variable), layer.name)
    histograms = []
    for index, variable in enumerate(variables):
        data = variable if values is None else values[index]
        if data is None:
            continue
        array = np.asarray(data, dtype=np.float32).reshape(-1)
        if array.size > HISTOGRAM_VALUES:
            array = array[:: math.ceil(array.size / HISTOGRAM_VALUES)]
        array = array[np.isfinite(array)]
        if not array.size:
            continue
        try:
            counts, edges = np.histogram(array, bins=BINS)
        except ValueError:  # values so far apart (a run blowing up) that 40 bins cannot span them
            continue
        name = f"{prefix}{owners.get(id(variable), model.name)}/{variable.name}"
        histograms.append(Histogram(name, counts.astype(np.int64), edges.astype(np.float32)))
    return histograms
