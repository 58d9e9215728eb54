"""Train a project's network on a dataset, reporting to a `TrainingState`: one plan, then one fit.

`plan_training` decides everything before the run starts and returns a `TrainingPlan`: the model Keras fits (the
graph compiled by `designer.keras_bridge.models.compile_graph`; for a GAN both graphs inside the model of
`designer.training.gan`), the data as that model reads it (arrays in memory, or tf.data pipelines reading an image
folder from disk batch by batch), the loss ("auto": suggested by `designer.training.losses` from the output layer
and the labels) with the labels converted for it, and the observer of the live panels. The modes differ only in
how they make the plan: supervised, autoencoder (the target is the input; the clean input when the inputs are
noisy), VAE (the KL term comes from the VAESampling layer) and GAN. `fit` then runs Keras's own `fit` the same way
for every plan, with the callback of `designer.training.progress`, and `train` is the two in a row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable

import numpy as np

from designer.core.graph import LayerGraph
from designer.core.project import Project
from designer.data.dataset import Dataset
from designer.core.trained import Reuse, TrainedWeights
from designer.keras_bridge.models import compile_graph
from designer.keras_bridge.trained import TrainedWeightsError, load_trained, weights_of
from designer.training.gan import gan_model
from designer.training.health_setup import health_monitor
from designer.training import feeds, preparation
from designer.training.losses import RECONSTRUCTING, labels_for_loss, metrics_for_loss, suggest_loss
from designer.training.progress import progress_callback
from designer.training.state import NullState, TrainingState
from designer.training.devices import device_scope
# used here, and imported from here by the rest of the app
from designer.training.errors import TrainingError  # noqa: F401
from designer.training.rows import dataset_rows, shaped_for_input  # noqa: F401


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
    #: graph role -> the weights learned, to keep with the project (designer.core.trained)
    trained: dict[str, TrainedWeights] = field(default_factory=dict)
    #: graph role -> what the run started from of the weights kept with the project (absent: fresh weights)
    reuse: dict[str, Reuse] = field(default_factory=dict)
    #: the training-health findings (designer.training.health.Finding), when the state asked for them
    findings: list = field(default_factory=list)


@dataclass
class TrainingPlan:
    """What a run fits and how, decided before it starts; `fit` runs any plan the same way."""

    #: the compiled model Keras fits (for a GAN: the model that trains both networks)
    model: Any
    #: the networks as designed: what the result hands back and the panels look at (the model, or a GAN's
    #: generator and discriminator)
    networks: tuple
    loss: str
    #: the inputs as the model reads them (the noisy ones of a denoising autoencoder), or a tf.data pipeline of
    #: inputs and targets (streamed data)
    x: Any
    #: the targets: labels converted for the loss, or the clean inputs of an autoencoder; None with a pipeline or a GAN
    y: Any = None
    validation_data: Any = None
    #: the share of the last rows Keras holds out, when the data has no validation rows of its own
    validation_split: float = 0.0
    #: model.fit's other arguments (batch size, shuffle)
    fit_arguments: dict[str, Any] = field(default_factory=dict)
    epochs: int = 1
    #: epochs without improvement of `monitor` before early stopping; 0: none
    patience: int = 0
    monitor: str = "loss"
    #: the losses the NaN guard checks after every batch; the first one counts the epochs done
    loss_keys: tuple[str, ...] = ("loss",)
    #: designer.training.insights.Observer of the live panels and the health checks; None when neither is wanted
    observer: Any = None
    #: designer.training.health.HealthMonitor; None when the state wants no health findings
    health: Any = None
    #: compiles the model again so that Keras collects the trainable weights anew (layers frozen or unfrozen
    #: while paused); None: the run cannot go on with a new set
    recompile: Callable[[], None] | None = None
    #: the dataset's name when its images are decoded while training: a damaged one is said in plain words
    read_from_disk: str | None = None
    device: str = "auto"
    #: the graph role of each of `networks` and the graph it was built from, to keep the weights learned
    roles: tuple[str, ...] = ("model",)
    graphs: tuple = ()
    #: graph role -> what was loaded of the weights kept with the project; epochs those weights had trained
    reuse: dict[str, Reuse] = field(default_factory=dict)
    epochs_before: int = 0
    #: designer.training.preparation.TargetUnits when the model's last layer gives answers in the target's units:
    #: `model` is then the network before that layer, fitted on standardized targets (`y`, `validation_data`)
    target_units: Any = None
    #: more Keras callbacks for the fit (TensorBoard logs: designer.training.run_records.tensorboard_logs)
    callbacks: list = field(default_factory=list)


def steps_per_execution(rows: int, batch_size: int) -> int:
    """How many batches Keras runs per call into TensorFlow: one call per batch costs more than a small batch
    itself (bench/bench_training.py: 4-5x on the notes-002 MLP), so an epoch of many batches runs them in groups
    of up to 32, still reporting to the panels ~16 times or more per epoch."""
    steps = math.ceil(rows / max(1, batch_size))
    return max(1, min(32, steps // 16))


def train(project: Project, dataset: Dataset, state: TrainingState | None = None, epochs: int | None = None,
          callbacks: tuple = ()) -> TrainingResult:
    """Train `project` on `dataset`; returns the model and its history even when stopped early. `callbacks`: more
    Keras callbacks for the fit (TensorBoard logs)."""
    state = state or NullState()
    plan = plan_training(project, dataset, epochs, insights=state.wants_insights, health=state.wants_health)
    plan.callbacks.extend(callbacks)
    return fit(plan, state)


def plan_training(project: Project, dataset: Dataset, epochs: int | None = None, insights: bool = False,
                  health: bool = False) -> TrainingPlan:
    """The plan of training `project` on `dataset` (`epochs`: instead of the settings'); `insights`: with the
    observer of the live panels; `health`: with the training-health checks (designer.training.health). Seeds Keras's random numbers when the settings fix a seed and builds the model on
    the chosen device, so the plan holds the weights the run starts from. TrainingError when the model and the
    data do not go together."""
    import keras

    settings = dict(project.training)
    if epochs is not None:
        settings["epochs"] = epochs
    if settings["seed"] is not None:
        keras.utils.set_random_seed(settings["seed"])
    reuse: dict[str, Reuse] = {}
    with device_scope(settings["device"]):
        if settings["mode"] == "gan" or project.is_gan:
            plan = _plan_gan(project, dataset, settings, (insights, health), partial(_built, project, reuse=reuse))
            plan.roles = ("generator", "discriminator")
        else:
            graph = project.graph("model")
            model = _built(project, "model", reuse)
            if dataset.streamed:
                plan = _plan_streamed(graph, model, dataset, settings, (insights, health))
            else:
                kept = set(reuse["model"].kept) if "model" in reuse else set()
                plan = _plan_in_memory(graph, model, dataset, settings, (insights, health), kept)
    plan.epochs, plan.device = settings["epochs"], settings["device"]
    plan.graphs = tuple(project.graph(role).copy() for role in plan.roles)
    plan.reuse = reuse
    # epochs go on counting only where some layer kept what it learned: after an edit that keeps nothing, a run
    # starts again from epoch 0
    plan.epochs_before = max((project.trained[r].epochs for r, kept in reuse.items() if kept.kept), default=0)
    return plan


def _built(project: Project, role: str, reuse: dict[str, Reuse]):
    """The Keras model of the project's `role` graph, starting from the weights kept with the project where
    they still fit (`reuse[role]` says which layers); fresh weights when there are none."""
    graph = project.graph(role)
    model = compile_graph(graph)
    trained = project.trained.get(role)
    if trained is not None:
        try:
            reuse[role] = load_trained(model, graph, trained)
        except TrainedWeightsError as error:
            raise TrainingError(f"The weights kept with the project cannot be used: {error}. Choose Train → Reset "
                                "weights to start from fresh weights.") from None
    return model


def _plan_in_memory(graph: LayerGraph, model, dataset: Dataset, settings: dict[str, Any],
                    watch: tuple[bool, bool], kept: set[str] = frozenset()) -> TrainingPlan:
    """Data in memory. The preparation inside the model (designer.training.preparation) learns its numbers from
    the training rows first; a model that answers in the target's units is fitted without its last layer, on
    standardized targets, its curves given back in the target's units."""
    mode = settings["mode"]
    x = clean_x = dataset_rows(model, dataset, "train", graph)
    x_val = dataset_rows(model, dataset, "val", graph)
    if mode in RECONSTRUCTING:
        y, y_val = x, x_val
        if dataset.noisy_train is not None:  # denoising: noisy inputs, clean targets
            x, x_val = shaped_for_input(dataset.noisy_train, model), shaped_for_input(dataset.noisy_val, model)
    else:
        y, y_val = dataset.y_train, dataset.y_val
    _check_targets(model, dataset, mode, tuple(feeds.numbers_of(x).shape[1:]), labelled=y is not None)
    loss = settings["loss"] if settings["loss"] != "auto" else suggest_loss(graph, mode, np.asarray(y))
    if mode == "supervised":
        # integer or one-hot labels, whichever the chosen loss reads, so the data's label option never clashes
        classes = dataset.num_classes or int(model.output_shape[-1])
        y = labels_for_loss(y, loss, classes)
        y_val = None if y_val is None else labels_for_loss(y_val, loss, classes)
    validation_split = 0.0 if x_val is not None else settings["validation_split"]
    train_rows = feeds.row_count(x) - int(feeds.row_count(x) * validation_split)
    _check_scaled_once(graph, dataset)
    network = model  # as designed: what the panels look at and the project keeps
    units = preparation.adapt(model, graph, feeds.take(clean_x, slice(None, train_rows)),
                              y[:train_rows] if mode == "supervised" and y is not None else None, kept)
    raw_y, raw_y_val = y, y_val
    if units is not None:
        model = preparation.up_to_target_units(network, units)
        y, y_val = units.scaled(y), units.scaled(y_val)
    recompile = partial(_compile, model, settings, loss, mode, train_rows)
    recompile()
    if units is not None:
        # compiled too, for scores in the target's units (designer.training.scoring), with the optimizer that
        # trains its layers: a saved model then holds that optimizer's state, and loads without a warning
        network.compile(optimizer=model.optimizer, loss=loss, metrics=metrics_for_loss(settings["metrics"], loss, mode))
    observer = None
    if any(watch):
        # Keras's validation_split holds out the last rows; the panels show those, or the dataset's own
        if x_val is not None:
            view = (x_val, raw_y_val)
        elif validation_split:
            view = (feeds.take(x, slice(train_rows, None)), raw_y[train_rows:])
        else:
            view = (x, raw_y)
        observer = _observer(mode, dataset, settings, watch, train=(x, raw_y), view=view, loss=loss)
        numbers = feeds.numbers_of(clean_x)
        if not feeds.is_text(numbers):
            observer.value_range = (float(np.min(numbers)), float(np.max(numbers)))
    validated = x_val is not None or validation_split > 0
    health = None
    if watch[1]:
        # what the checks compare: the rows as the first layers after the preparation see them, and the targets
        # in the units the curves are given in
        seen_x, seen_y = preparation.as_seen(network, graph, x, y, raw_y, units, loss)
        health = health_monitor(mode, {"model": graph}, settings, dataset.options, loss, seen_x, seen_y, validated)
    return TrainingPlan(
        model, (network,), loss, x, y,
        validation_data=(x_val, y_val) if x_val is not None else None,
        validation_split=validation_split,
        fit_arguments={"batch_size": settings["batch_size"]},
        patience=settings["early_stopping_patience"],
        monitor="val_loss" if validated else "loss",
        observer=observer,
        health=health,
        recompile=recompile,
        target_units=units,
    )


def _check_scaled_once(graph: LayerGraph, dataset: Dataset) -> None:
    """A Normalization after the Input prepares raw rows: rows already scaled by the data would train a model
    that needs that scaling done outside it, which nobody would see. Said in words instead."""
    inside = preparation.input_normalizers(graph)
    if inside and dataset.applied_scale != "none":
        raise TrainingError(
            f"{inside[0]} standardizes the rows inside the model, but the data is scaled too (scale "
            f"{dataset.applied_scale} in the Data panel), so the trained model would need that scaling done outside "
            "it. Set scale to none in the Data panel (Data → Fit model to data does it).")


def _plan_streamed(graph: LayerGraph, model, dataset: Dataset, settings: dict[str, Any],
                   watch: tuple[bool, bool]) -> TrainingPlan:
    """An image folder read from disk batch by batch (tf.data), for folders too big for memory."""
    mode = settings["mode"]
    x_only = mode in RECONSTRUCTING
    train_stream, val_stream = dataset.stream_train, dataset.stream_val
    input_shape = tuple(model.inputs[0].shape[1:])
    shaped_for_input(dataset.x_train[:1], model)  # the same shape check, with the same message, as for data in memory
    _check_targets(model, dataset, mode, input_shape, labelled=train_stream.labels is not None)
    loss = settings["loss"] if settings["loss"] != "auto" else suggest_loss(graph, mode, None if x_only else dataset.y_train)
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

    recompile = partial(_compile, model, settings, loss, mode, len(train_stream))
    recompile()
    observer = None
    if any(watch):  # the panels follow the first images, the ones decoded for the preview
        first = shaped_for_input(dataset.x_train, model)
        targets = first if x_only else labels_for_loss(dataset.y_train, loss, classes)
        observer = _observer(mode, dataset, settings, watch, train=(first, targets), view=(first, targets), loss=loss)
    # the inputs of a stream are scaled as they are read: their size is not known beforehand
    health = health_monitor(mode, {"model": graph}, settings, dataset.options, loss,
                            validated=val_stream is not None) if watch[1] else None
    return TrainingPlan(
        model, (model,), loss, pipeline(train_stream, shuffle=True),
        validation_data=pipeline(val_stream, shuffle=False) if val_stream is not None else None,
        fit_arguments={"shuffle": False},  # the pipeline shuffles the file names itself
        patience=settings["early_stopping_patience"],
        monitor="val_loss" if val_stream is not None else "loss",
        observer=observer,
        health=health,
        recompile=recompile,
        read_from_disk=dataset.name,
    )


def _plan_gan(project: Project, dataset: Dataset, settings: dict[str, Any], watch: tuple[bool, bool],
              built) -> TrainingPlan:
    if not project.is_gan:
        raise TrainingError("GAN training needs a generator graph and a discriminator graph.")
    generator, discriminator = built("generator"), built("discriminator")
    produced, judged = tuple(generator.output_shape[1:]), tuple(discriminator.inputs[0].shape[1:])
    if produced != judged:
        raise TrainingError(
            f"The generator makes samples of shape {produced} but the discriminator reads {judged}: they must match."
        )
    x = shaped_for_input(dataset.x_train, discriminator)
    gan = gan_model(generator, discriminator)
    gan.compile(d_optimizer=_optimizer(settings), g_optimizer=_optimizer(settings),
                steps_per_execution=steps_per_execution(len(x), settings["batch_size"]))
    observer = None
    if any(watch):
        observer = _observer("gan", dataset, settings, watch, train=(x, None), view=(x, None),
                             noise_shape=gan.latent_shape)
    graphs = {role: project.graph(role) for role in ("generator", "discriminator")}
    health = health_monitor("gan", graphs, settings, dataset.options, x=x) if watch[1] else None
    # no early stopping (there is no one loss to watch) and no new fit for layers unfrozen while paused
    return TrainingPlan(gan, (generator, discriminator), "binary_crossentropy", x,
                        fit_arguments={"batch_size": settings["batch_size"]}, loss_keys=("d_loss", "g_loss"),
                        observer=observer, health=health)


def _check_targets(model, dataset: Dataset, mode: str, data_shape: tuple, labelled: bool) -> None:
    """What the model learns towards is there: an autoencoder's own input (so its output has the input's shape),
    else the dataset's labels."""
    if mode in RECONSTRUCTING:
        if tuple(model.output_shape[1:]) != data_shape:
            raise TrainingError(
                f"An autoencoder's output must have the shape of its input: the model outputs "
                f"{tuple(model.output_shape[1:])} but the data is {data_shape}. Change the last layer."
            )
    elif not labelled:
        raise TrainingError(f"The dataset {dataset.name} has no labels; choose the autoencoder mode or other data.")


def _observer(mode: str, dataset: Dataset, settings: dict[str, Any], watch: tuple[bool, bool], train: tuple,
              view: tuple, **options):
    from designer.training.insights import Observer

    panels, health = watch
    return Observer(mode, dataset, train=train, view=view, seed=settings["seed"] or 0, panels=panels, health=health,
                    **options)


def _optimizer(settings: dict[str, Any]):
    import keras

    rate = settings["learning_rate"]
    if settings["optimizer"] == "sgd":
        return keras.optimizers.SGD(learning_rate=rate, momentum=settings["momentum"])
    if settings["optimizer"] == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate=rate, momentum=settings["momentum"])
    return keras.optimizers.Adam(learning_rate=rate, beta_1=settings["beta_1"])


def _compile(model, settings: dict[str, Any], loss: str, mode: str, train_rows: int) -> None:
    model.compile(optimizer=_optimizer(settings), loss=loss, metrics=metrics_for_loss(settings["metrics"], loss, mode),
                  steps_per_execution=steps_per_execution(train_rows, settings["batch_size"]))


def fit(plan: TrainingPlan, state: TrainingState | None = None) -> TrainingResult:
    """Run the plan: Keras's `fit` with the progress, stop and NaN callback and early stopping; the result handed
    to the state.

    When layers are unfrozen while paused (`TrainingState.adjust` says so), the fit ends after that batch and
    `plan.recompile` makes Keras collect the new set of trainable weights; training goes on from the next epoch
    with the weights as they are (a new optimizer at the learning rate in use)."""
    import keras
    import tensorflow as tf

    state = state or NullState()
    model, counted = plan.model, plan.loss_keys[0]
    progress = progress_callback(state, plan.loss_keys, plan.observer, plan.networks, plan.health)
    history: dict[str, list[float]] = {}
    with device_scope(plan.device):
        while True:
            # the curves in the target's units: converted before the progress (and the history) read them
            units = [plan.target_units.callback(plan.loss)] if plan.target_units is not None else []
            callbacks = [*units, progress, *plan.callbacks]
            if plan.patience > 0:
                callbacks.append(keras.callbacks.EarlyStopping(monitor=plan.monitor, patience=plan.patience,
                                                               restore_best_weights=True))
            try:
                fitted = _fit_reporting_memory(plan, callbacks, initial_epoch=len(history.get(counted, [])))
            except TrainingError:
                raise  # already in plain words (running out of memory): a ValueError too, not to be prefixed
            except ValueError as error:
                raise TrainingError(f"Keras could not train on this data: {_first_words(error)}") from error
            except tf.errors.InvalidArgumentError as error:
                if plan.read_from_disk is None:
                    raise
                from designer.data.image_folders import unreadable_while_training  # names the file, in plain words

                raise TrainingError(unreadable_while_training(plan.read_from_disk, error)) from None
            for key, values in fitted.history.items():
                history.setdefault(key, []).extend(float(v) for v in values)
            if not progress.restart or plan.recompile is None or progress.stopped_reason:
                break
            progress.restart = False
            if len(history.get(counted, [])) >= plan.epochs:
                break
            rate = float(model.optimizer.learning_rate.numpy())
            plan.recompile()
            model.optimizer.learning_rate = rate
    reason = progress.stopped_reason
    if reason is None and plan.patience and len(history.get(counted, [])) < plan.epochs:
        reason = "Early stopping: the validation loss stopped improving; the best weights were kept."
    trained, *discriminator = plan.networks
    result = TrainingResult(trained, history, reason, plan.loss, *discriminator, reuse=dict(plan.reuse),
                            findings=plan.health.all() if plan.health is not None else [])
    epochs = plan.epochs_before + len(history.get(counted, []))
    if not progress.diverged:  # weights that made the loss NaN are not worth keeping: the project keeps its own
        result.trained = {role: weights_of(network, graph, epochs)
                          for role, network, graph in zip(plan.roles, plan.networks, plan.graphs)}
    state.end(result)
    return result


def _first_words(error: Exception) -> str:
    """What an error says, in one line: raised inside a traced function (the health checks' gradients), its first
    line is only "in user code:" and the message is the last, after the traceback."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    if len(lines) > 1 and lines[0].startswith("in user code"):
        return lines[-1].removeprefix(f"{type(error).__name__}: ")
    return lines[0] if lines else type(error).__name__


def _fit_reporting_memory(plan: TrainingPlan, callbacks: list, initial_epoch: int):
    """`model.fit` of the plan, with running out of device memory said in plain words."""
    import tensorflow as tf

    try:
        return plan.model.fit(plan.x, plan.y, validation_split=plan.validation_split,
                              validation_data=plan.validation_data, epochs=plan.epochs, initial_epoch=initial_epoch,
                              callbacks=callbacks, verbose=0, **plan.fit_arguments)
    except tf.errors.ResourceExhaustedError as error:
        raise TrainingError(
            "The model and a batch of data do not fit in the device's memory. Make the batch size smaller, "
            "or the model smaller (fewer units or filters), and train again."
        ) from error


def evaluate(model, dataset: Dataset, mode: str = "supervised") -> dict[str, float]:
    """The trained model's loss and metrics on the dataset's test rows, under Keras's names."""
    x_only = mode in RECONSTRUCTING
    loss = model.loss if isinstance(model.loss, str) else ""
    if dataset.streamed:
        one_hot = (dataset.num_classes or 0) if (loss == "categorical_crossentropy" and not x_only) else 0
        pipeline = dataset.stream_test.tf_dataset(32, dataset.options.get("scale", "auto"), x_only=x_only,
                                                  one_hot=one_hot, input_shape=tuple(model.inputs[0].shape[1:]))
        scores = model.evaluate(pipeline, verbose=0, return_dict=True)
    else:
        x = dataset_rows(model, dataset, "test")
        y = x if x_only else dataset.y_test
        if mode == "supervised":
            y = labels_for_loss(y, loss, dataset.num_classes or int(model.output_shape[-1]))
        scores = model.evaluate(x, y, verbose=0, return_dict=True)
    return {name: float(value) for name, value in scores.items()}
