"""Train a project's network on a dataset, reporting to a `TrainingState`.

`train(project, dataset, state)` compiles the graph with `designer.keras_bridge.models.compile_graph`, picks the
optimizer, loss and metrics from the project's training settings ("auto" loss: suggested from the output layer
and the labels), and runs Keras's own `fit` with one small callback that forwards progress to the state, honours
stop/pause requests (`model.stop_training`) and stops a run whose loss turns NaN or infinite with a message that
names the likely causes. Modes: supervised, autoencoder (the target is the input), VAE (the KL term comes from
the VAESampling layer) and GAN (two graphs, alternating updates in a custom `train_step`: in Keras 3 the classic
"discriminator.trainable = False, then build the combined model" never trains the discriminator).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from designer.keras_bridge.models import compile_graph
from designer.core import catalogue
from designer.core.graph import LayerGraph
from designer.core.project import Project
from designer.data.dataset import DataError, Dataset
from designer.data.registry import fit_to_input
from designer.training.state import NullState, TrainingState

NAN_ADVICE = (
    "The loss became {value} at epoch {epoch}, so training stopped. Likely causes: a learning rate that is too "
    "high (try ten times smaller), or inputs that are not scaled (scale them to 0..1 or standardize them)."
)


class TrainingError(ValueError):
    """The run cannot start (settings that do not fit the model or the data); plain words."""


@dataclass
class TrainingResult:
    #: the trained model (for a GAN: the generator)
    model: Any
    #: per-epoch metrics under Keras's names: loss, val_loss, accuracy, ... (GAN: d_loss, g_loss)
    history: dict[str, list[float]] = field(default_factory=dict)
    #: None when every epoch ran; otherwise why the run ended early, in plain words
    stopped_reason: str | None = None
    loss: str = ""
    #: the discriminator of a GAN
    discriminator: Any = None


def output_node(graph: LayerGraph):
    sinks = [graph.node(n) for n in graph.sinks() if not catalogue.get(graph.node(n).kind).is_source]
    return sinks[0] if len(sinks) == 1 else None


def suggest_loss(graph: LayerGraph, mode: str, labels: np.ndarray | None) -> str:
    """The loss that fits the output layer and the labels, as the notes pair them."""
    node = output_node(graph)
    activation = node.params.get("activation") if node else None
    units = node.params.get("units") if node else None
    if mode in ("autoencoder", "vae"):
        return "binary_crossentropy" if activation == "sigmoid" else "mse"
    if activation == "softmax":
        one_hot = labels is not None and labels.ndim == 2 and labels.shape[1] == units and units > 1
        return "categorical_crossentropy" if one_hot else "sparse_categorical_crossentropy"
    if activation == "sigmoid":
        return "binary_crossentropy"
    return "mse"


def loss_warning(graph: LayerGraph, mode: str, loss: str) -> str | None:
    """Why a chosen loss does not suit the output layer, in plain words; None when they agree."""
    if mode != "supervised" or loss == "auto":
        return None
    node = output_node(graph)
    if node is None or node.kind != "Dense":
        return None
    activation, units = node.params.get("activation"), node.params.get("units")
    crossentropy = "crossentropy" in loss
    if activation == "softmax" and loss == "binary_crossentropy" and units and units > 1:
        return ("softmax shares one probability among the classes, but binary cross-entropy scores each output as its "
                "own yes/no: use (sparse) categorical cross-entropy, or one sigmoid unit for a yes/no answer.")
    if activation == "sigmoid" and units == 1 and loss in ("categorical_crossentropy", "sparse_categorical_crossentropy"):
        return "One sigmoid unit answers yes or no: use binary cross-entropy (categorical losses need one unit per class)."
    if crossentropy and activation not in ("softmax", "sigmoid"):
        return (f"Cross-entropy needs probabilities, but the output layer's activation is {activation}: use softmax "
                "(classes) or sigmoid (yes/no) on it, or MSE/MAE to predict numbers.")
    if not crossentropy and activation == "softmax":
        return f"{loss.upper()} on softmax outputs trains slowly; categorical cross-entropy is the loss made for classes."
    return None


def _optimizer(settings: dict[str, Any]):
    import keras

    rate = settings["learning_rate"]
    if settings["optimizer"] == "sgd":
        return keras.optimizers.SGD(learning_rate=rate, momentum=settings["momentum"])
    if settings["optimizer"] == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate=rate, momentum=settings["momentum"])
    return keras.optimizers.Adam(learning_rate=rate, beta_1=settings["beta_1"])


def _metrics(names: list[str], loss: str, mode: str) -> list:
    import keras

    classifying = "crossentropy" in loss and mode == "supervised"
    chosen = []
    for name in names:
        if name in ("accuracy", "auc") and not classifying:
            # accuracy of a regression or of a reconstruction says nothing; the loss already says how far off it is
            continue
        chosen.append(keras.metrics.AUC(name="auc") if name == "auc" else name)
    return chosen


def _progress_callback(state: TrainingState, loss_keys: tuple[str, ...], observer=None, observed=()):
    """The callback of every fit; `observer` (designer.training.insights.Observer) takes snapshots of the
    `observed` models (the model itself when empty; a GAN's generator and discriminator)."""
    import keras

    class Progress(keras.callbacks.Callback):
        """Forwards progress to the state; stops on request or on a NaN/inf loss; snapshots for the panels.

        Keras's TensorFlow trainer hands the callbacks plain floats after every batch (every execution of
        `steps_per_execution` batches), with or without us, so checking the loss there costs no extra device
        sync and catches a NaN at once, not an epoch later."""

        def __init__(self) -> None:
            super().__init__()
            self.epoch = 0
            self.stopped_reason: str | None = None
            #: the trainable weights changed while paused: this fit ends and a new one goes on
            self.restart = False
            self.diverged = False
            self.panels_failed = False
            self._planned = False

        def on_train_begin(self, logs=None):
            # Keras's own count of batches (after the validation split) is the one the bar must reach
            state.begin(self.params.get("epochs") or 0, self.params.get("steps") or 0)
            if observer is not None and not self._planned:
                self._planned = True
                state.insights_planned(observer.plan(*(observed or (self.model,))))

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            logs = logs or {}
            state.batch_end(self.epoch, batch, logs)
            for key in loss_keys:
                value = logs.get(key)
                if isinstance(value, float) and not math.isfinite(value):
                    self._stop_for(value)
                    return
            state.wait_if_paused()
            if state.adjust(self.model):  # changes made while paused (learning rate, unfrozen layers)
                self.restart = True
                self.model.stop_training = True
            if state.should_stop():
                self.stopped_reason = "Stopped by request; the model keeps what it learned so far."
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            logs = {k: float(v) for k, v in (logs or {}).items()}
            if self.stopped_reason is None:
                for key, value in logs.items():
                    if key.endswith("loss") and not math.isfinite(value):
                        self._stop_for(value)
                        break
            state.epoch_end(epoch, logs)
            if observer is not None and not self.diverged and not self.panels_failed:  # NaN weights make no picture
                last = (self.model.stop_training and not self.restart) or epoch + 1 >= (self.params.get("epochs") or 0)
                if observer.due(last):
                    try:
                        snapshot = observer.snapshot(*(observed or (self.model,)), epoch=epoch)
                    except Exception:  # the panels are a view of the run: a fault there must not end the training
                        self.panels_failed = True
                        logging.getLogger(__name__).exception("The live panels' snapshot failed; training goes on")
                        return
                    state.insights(snapshot)

        def _stop_for(self, value: float) -> None:
            self.stopped_reason = NAN_ADVICE.format(value=value, epoch=self.epoch + 1)
            self.diverged = True
            self.model.stop_training = True

    return Progress()


def steps_per_execution(rows: int, batch_size: int) -> int:
    """How many batches Keras runs per call into TensorFlow: one call per batch costs more than a small batch
    itself (bench/bench_training.py: 4-5x on the notes-002 MLP), so an epoch of many batches runs them in groups
    of up to 32, still reporting to the panels ~16 times or more per epoch."""
    steps = math.ceil(rows / max(1, batch_size))
    return max(1, min(32, steps // 16))


def _device_scope(device: str):
    """TensorFlow's device scope for the setting: "auto" (TensorFlow's choice: the first GPU when there is
    one), "cpu", or "gpu:N"; TrainingError when that GPU is not there."""
    from contextlib import nullcontext

    import tensorflow as tf

    if device == "auto":
        return nullcontext()
    if device == "cpu":
        return tf.device("/CPU:0")
    index = int(device.split(":")[1])
    gpus = tf.config.list_logical_devices("GPU")
    if index >= len(gpus):
        seen = f"TensorFlow sees {len(gpus)} GPU{'s' * (len(gpus) != 1)} here" if gpus else "TensorFlow sees no GPU here"
        raise TrainingError(
            f"The training settings ask for GPU {index}, but {seen}. Choose \"auto\" or \"cpu\" as the device in "
            "the Settings tab, and train again."
        )
    return tf.device(gpus[index].name)


def _fit_reporting_memory(model, *args, **kwargs):
    """`model.fit`, with running out of device memory said in plain words."""
    import tensorflow as tf

    try:
        return model.fit(*args, **kwargs)
    except tf.errors.ResourceExhaustedError as error:
        raise TrainingError(
            "The model and a batch of data do not fit in the device's memory. Make the batch size smaller, "
            "or the model smaller (fewer units or filters), and train again."
        ) from error


def labels_for_loss(y: np.ndarray, loss: str, classes: int) -> np.ndarray:
    """Class labels as the loss reads them: one-hot rows for categorical cross-entropy, class numbers for the
    sparse one; anything else (regression targets, binary labels) unchanged."""
    y = np.asarray(y)
    one_hot = y.ndim == 2 and y.shape[1] > 1
    if loss == "categorical_crossentropy" and not one_hot and np.issubdtype(y.dtype, np.integer):
        return np.eye(classes, dtype=np.float32)[y.reshape(-1)]
    if loss == "sparse_categorical_crossentropy" and one_hot:
        return y.argmax(axis=1).astype(np.int64)
    return y


def evaluate(model, dataset: Dataset, mode: str = "supervised") -> dict[str, float]:
    """The trained model's loss and metrics on the dataset's test rows, under Keras's names."""
    if dataset.streamed:
        x_only = mode in ("autoencoder", "vae")
        loss = model.loss if isinstance(model.loss, str) else ""
        one_hot = (dataset.num_classes or 0) if (loss == "categorical_crossentropy" and not x_only) else 0
        pipeline = dataset.stream_test.tf_dataset(32, dataset.options.get("scale", "auto"), x_only=x_only,
                                                  one_hot=one_hot, input_shape=tuple(model.inputs[0].shape[1:]))
        scores = model.evaluate(pipeline, verbose=0, return_dict=True)
        return {name: float(value) for name, value in scores.items()}
    x = _fit(dataset.x_test, model)
    y = x if mode in ("autoencoder", "vae") else dataset.y_test
    if mode == "supervised":
        y = labels_for_loss(y, model.loss if isinstance(model.loss, str) else "", dataset.num_classes or int(model.output_shape[-1]))
    scores = model.evaluate(x, y, verbose=0, return_dict=True)
    return {name: float(value) for name, value in scores.items()}


def train(project: Project, dataset: Dataset, state: TrainingState | None = None, epochs: int | None = None) -> TrainingResult:
    """Train `project` on `dataset`; returns the model and its history even when stopped early."""
    import keras

    state = state or NullState()
    settings = dict(project.training)
    if epochs is not None:
        settings["epochs"] = epochs
    if settings["seed"] is not None:
        keras.utils.set_random_seed(settings["seed"])
    with _device_scope(settings["device"]):
        if settings["mode"] == "gan" or project.is_gan:
            return _train_gan(project, dataset, state, settings)
        graph = project.graph("model")
        model = compile_graph(graph)
        if dataset.streamed:
            return _train_streamed(graph, model, dataset, state, settings)
        return _train_in_memory(graph, model, dataset, state, settings)


def _train_in_memory(graph: LayerGraph, model, dataset: Dataset, state: TrainingState, settings: dict[str, Any]):
    x = _fit(dataset.x_train, model)
    x_val = _fit(dataset.x_val, model) if dataset.x_val is not None else None
    clean_x = x
    mode = settings["mode"]
    if mode in ("autoencoder", "vae"):
        y, y_val = x, x_val
        if dataset.noisy_train is not None:  # denoising: noisy inputs, clean targets
            x = _fit(dataset.noisy_train, model)
            x_val = _fit(dataset.noisy_val, model) if dataset.noisy_val is not None else None
        if tuple(model.output_shape[1:]) != tuple(x.shape[1:]):
            raise TrainingError(
                f"An autoencoder's output must have the shape of its input: the model outputs "
                f"{tuple(model.output_shape[1:])} but the data is {tuple(x.shape[1:])}. Change the last layer."
            )
    else:
        if dataset.y_train is None:
            raise TrainingError(f"The dataset {dataset.name} has no labels; choose the autoencoder mode or other data.")
        y, y_val = dataset.y_train, dataset.y_val
    loss = settings["loss"] if settings["loss"] != "auto" else suggest_loss(graph, mode, np.asarray(y))
    if mode == "supervised":
        # integer or one-hot labels, whichever the chosen loss reads, so the data's label option never clashes
        classes = dataset.num_classes or int(model.output_shape[-1])
        y = labels_for_loss(y, loss, classes)
        y_val = None if y_val is None else labels_for_loss(y_val, loss, classes)
    validation_split = 0.0 if x_val is not None else settings["validation_split"]
    train_rows = len(x) - int(len(x) * validation_split)
    _compile(model, settings, loss, mode, train_rows)

    observer = None
    if state.wants_insights:
        from designer.training.insights import Observer

        # Keras's validation_split holds out the last rows; the panels show those, or the dataset's own
        if x_val is not None:
            view = (x_val, y_val)
        elif validation_split:
            view = (x[train_rows:], y[train_rows:])
        else:
            view = (x, y)
        observer = Observer(mode, dataset, train=(x, y), view=view, loss=loss, seed=settings["seed"] or 0)
        observer.value_range = (float(np.min(clean_x)), float(np.max(clean_x)))
    return _run_fit(
        model, state, settings, loss,
        has_validation=x_val is not None or validation_split > 0,
        observer=observer,
        recompile=lambda: _compile(model, settings, loss, mode, train_rows),
        x=x,
        y=y,
        batch_size=settings["batch_size"],
        validation_split=validation_split,
        validation_data=(x_val, y_val) if x_val is not None else None,
    )


def _compile(model, settings: dict[str, Any], loss: str, mode: str, train_rows: int) -> None:
    model.compile(optimizer=_optimizer(settings), loss=loss, metrics=_metrics(settings["metrics"], loss, mode),
                  steps_per_execution=steps_per_execution(train_rows, settings["batch_size"]))


def _run_fit(model, state: TrainingState, settings: dict[str, Any], loss: str, has_validation: bool,
             observer=None, recompile=None, **fit_arguments) -> TrainingResult:
    """`model.fit` with the progress, stop and NaN callback and early stopping; the result handed to the state.

    When layers are unfrozen while paused (`TrainingState.adjust` says so), the fit ends after that batch and
    `recompile` makes Keras collect the new set of trainable weights; training goes on from the next epoch with
    the weights as they are (a new optimizer at the learning rate in use)."""
    import keras

    progress = _progress_callback(state, ("loss",), observer)
    history: dict[str, list[float]] = {}
    while True:
        callbacks = [progress]
        if settings["early_stopping_patience"] > 0:
            callbacks.append(
                keras.callbacks.EarlyStopping(
                    monitor="val_loss" if has_validation else "loss",
                    patience=settings["early_stopping_patience"],
                    restore_best_weights=True,
                )
            )
        done = len(history.get("loss", []))
        try:
            fitted = _fit_reporting_memory(model, epochs=settings["epochs"], initial_epoch=done, callbacks=callbacks,
                                           verbose=0, **fit_arguments)
        except ValueError as error:
            raise TrainingError(f"Keras could not train on this data: {str(error).splitlines()[0]}") from error
        for key, values in fitted.history.items():
            history.setdefault(key, []).extend(float(v) for v in values)
        if not progress.restart or recompile is None or progress.stopped_reason:
            break
        progress.restart = False
        if len(history.get("loss", [])) >= settings["epochs"]:
            break
        rate = float(model.optimizer.learning_rate.numpy())
        recompile()
        model.optimizer.learning_rate = rate
    reason = progress.stopped_reason
    if reason is None and len(history.get("loss", [])) < settings["epochs"] and settings["early_stopping_patience"]:
        reason = "Early stopping: the validation loss stopped improving; the best weights were kept."
    result = TrainingResult(model, history, reason, loss)
    state.end(result)
    return result


def _train_streamed(graph: LayerGraph, model, dataset: Dataset, state: TrainingState, settings: dict[str, Any]):
    """Training on an image folder read from disk batch by batch (tf.data), for folders too big for memory."""
    import tensorflow as tf

    mode = settings["mode"]
    x_only = mode in ("autoencoder", "vae")
    train_stream, val_stream = dataset.stream_train, dataset.stream_val
    if not x_only and train_stream.labels is None:
        raise TrainingError(f"The dataset {dataset.name} has no labels; choose the autoencoder mode or other data.")
    input_shape = tuple(model.inputs[0].shape[1:])
    _fit(dataset.x_train[:1], model)  # the same shape check, with the same message, as for data in memory
    if x_only and tuple(model.output_shape[1:]) != input_shape:
        raise TrainingError(
            f"An autoencoder's output must have the shape of its input: the model outputs "
            f"{tuple(model.output_shape[1:])} but the data is {input_shape}. Change the last layer."
        )
    labels = None if x_only else dataset.y_train
    loss = settings["loss"] if settings["loss"] != "auto" else suggest_loss(graph, mode, labels)
    classes = dataset.num_classes or int(model.output_shape[-1])
    one_hot = classes if (not x_only and loss == "categorical_crossentropy") else 0
    seed = settings["seed"] if settings["seed"] is not None else 0
    if val_stream is None and settings["validation_split"] > 0:
        # the files are listed class by class: mix them before the last ones are set aside
        mixed = train_stream.subset(np.random.default_rng(seed).permutation(len(train_stream)))
        rows = max(1, int(round(len(mixed) * settings["validation_split"])))
        train_stream, val_stream = mixed.subset(slice(0, len(mixed) - rows)), mixed.subset(slice(len(mixed) - rows, None))
    scale = dataset.options.get("scale", "auto")

    def pipeline(stream, shuffle: bool):
        return stream.tf_dataset(settings["batch_size"], scale, x_only=x_only, one_hot=one_hot,
                                 input_shape=input_shape, shuffle_seed=seed if shuffle else None)

    _compile(model, settings, loss, mode, len(train_stream))
    observer = None
    if state.wants_insights:  # the panels follow the first images, the ones decoded for the preview
        from designer.training.insights import Observer

        first = _fit(dataset.x_train, model)
        targets = first if x_only else labels_for_loss(dataset.y_train, loss, classes)
        observer = Observer(mode, dataset, train=(first, targets), view=(first, targets), loss=loss, seed=seed)
    try:
        return _run_fit(
            model, state, settings, loss,
            has_validation=val_stream is not None,
            observer=observer,
            recompile=lambda: _compile(model, settings, loss, mode, len(train_stream)),
            shuffle=False,  # the pipeline shuffles the file names itself
            x=pipeline(train_stream, shuffle=True),
            validation_data=pipeline(val_stream, shuffle=False) if val_stream is not None else None,
        )
    except tf.errors.InvalidArgumentError as error:
        detail = str(getattr(error, "message", error)).splitlines()[0]
        raise TrainingError(
            f"An image of {dataset.name} could not be read while training ({detail}). Open the folder's images "
            "in an image viewer to find the damaged one, and delete or replace it."
        ) from None


def _fit(x: np.ndarray | None, model) -> np.ndarray | None:
    if x is None:
        return None
    shape = tuple(model.inputs[0].shape[1:])
    try:
        return fit_to_input(x, shape)
    except DataError as error:
        raise TrainingError(str(error)) from None


# ----------------------------------------------------------------------------- GAN
def _gan_class():
    import keras
    import tensorflow as tf

    class GAN(keras.Model):
        """Alternating updates: the discriminator on real and generated samples, then the generator through
        the discriminator. Each network has its own optimizer, so both sets of weights really train."""

        def __init__(self, generator, discriminator, **kwargs):
            super().__init__(**kwargs)
            self.generator = generator
            self.discriminator = discriminator
            self.latent_shape = tuple(generator.inputs[0].shape[1:])
            self.seed_generator = keras.random.SeedGenerator(1337)
            self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
            self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

        def compile(self, d_optimizer, g_optimizer, steps_per_execution=1):
            super().compile(steps_per_execution=steps_per_execution)
            self.d_optimizer = d_optimizer
            self.g_optimizer = g_optimizer
            self.loss_fn = keras.losses.BinaryCrossentropy()

        @property
        def metrics(self):
            return [self.d_loss_tracker, self.g_loss_tracker]

        def train_step(self, data):
            real = data[0] if isinstance(data, tuple) else data
            batch = tf.shape(real)[0]
            noise = keras.random.normal((batch, *self.latent_shape), seed=self.seed_generator)
            fake = self.generator(noise, training=False)
            images = tf.concat([real, fake], axis=0)
            labels = tf.concat([tf.ones((batch, 1)), tf.zeros((batch, 1))], axis=0)
            # a little noise on the labels, as notes 000 does, keeps the discriminator from saturating
            labels += 0.05 * keras.random.uniform(tf.shape(labels), seed=self.seed_generator)
            with tf.GradientTape() as tape:
                d_loss = self.loss_fn(labels, self.discriminator(images, training=True))
            grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
            self.d_optimizer.apply(grads, self.discriminator.trainable_weights)

            noise = keras.random.normal((batch, *self.latent_shape), seed=self.seed_generator)
            with tf.GradientTape() as tape:
                verdict = self.discriminator(self.generator(noise, training=True), training=False)
                g_loss = self.loss_fn(tf.ones((batch, 1)), verdict)
            grads = tape.gradient(g_loss, self.generator.trainable_weights)
            self.g_optimizer.apply(grads, self.generator.trainable_weights)
            self.d_loss_tracker.update_state(d_loss)
            self.g_loss_tracker.update_state(g_loss)
            return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}

    return GAN


def _train_gan(project: Project, dataset: Dataset, state: TrainingState, settings: dict[str, Any]) -> TrainingResult:
    try:
        generator_graph, discriminator_graph = project.graph("generator"), project.graph("discriminator")
    except KeyError:
        raise TrainingError("GAN training needs a generator graph and a discriminator graph.") from None
    generator = compile_graph(generator_graph)
    discriminator = compile_graph(discriminator_graph)
    produced, judged = tuple(generator.output_shape[1:]), tuple(discriminator.inputs[0].shape[1:])
    if produced != judged:
        raise TrainingError(
            f"The generator makes samples of shape {produced} but the discriminator reads {judged}: they must match."
        )
    x = _fit(dataset.x_train, discriminator)
    gan = _gan_class()(generator, discriminator)
    gan.compile(d_optimizer=_optimizer(settings), g_optimizer=_optimizer(settings),
                steps_per_execution=steps_per_execution(len(x), settings["batch_size"]))
    observer = None
    if state.wants_insights:
        from designer.training.insights import Observer

        observer = Observer("gan", dataset, train=(x, None), view=(x, None), noise_shape=gan.latent_shape,
                            seed=settings["seed"] or 0)
    progress = _progress_callback(state, ("d_loss", "g_loss"), observer, observed=(generator, discriminator))
    fitted = _fit_reporting_memory(gan, x, batch_size=settings["batch_size"], epochs=settings["epochs"], callbacks=[progress], verbose=0)
    history = {k: [float(v) for v in values] for k, values in fitted.history.items()}
    result = TrainingResult(generator, history, progress.stopped_reason, "binary_crossentropy", discriminator)
    state.end(result)
    return result
