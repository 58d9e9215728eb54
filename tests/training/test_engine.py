"""The training engine in every mode, on tiny models and data: the plan of each mode (what the model reads, the
loss, the errors), history, weights, stop, NaN, GAN updates."""

import math

import numpy as np
import pytest

from designer.core.graph import LayerGraph
from designer.core.project import DatasetChoice, Project, check_training
from designer.core.templates import load_template
from designer.data.dataset import Dataset
from designer.data.registry import load_dataset
from designer.training.engine import TrainingError, evaluate, fit, plan_training, train
from designer.training.losses import labels_for_loss, loss_warning, metrics_for_loss, suggest_loss
from designer.training.state import StopAfter, TrainingState


class Recorder(TrainingState):
    def __init__(self):
        self.began = None
        self.batches = 0
        self.epochs = []
        self.ended = None

    def begin(self, total_epochs, steps_per_epoch):
        self.began = (total_epochs, steps_per_epoch)

    def batch_end(self, epoch, step, logs):
        self.batches += 1
        self.last_batch = logs

    def epoch_end(self, epoch, logs):
        self.epochs.append(logs)

    def end(self, result):
        self.ended = result


def mlp(inputs, hidden, outputs, activation):
    g = LayerGraph()
    x = g.add("Input", shape=[inputs])
    x = g.add("Dense", x, units=hidden, activation="relu")
    g.add("Dense", x, units=outputs, activation=activation)
    return g


def project(graph, **training):
    return Project.single(graph, training=check_training({"epochs": 2, "batch_size": 32, "seed": 1, **training}))


def weights(model):
    return [w.copy() for w in model.get_weights()]


def changed(before, after):
    return any(not np.allclose(a, b) for a, b in zip(before, after))


def test_supervised_classification_reports_keras_history_and_progress():
    state = Recorder()
    result = train(project(mlp(2, 4, 1, "sigmoid"), metrics=["accuracy"]), load_dataset("sum_threshold"), state)
    assert set(result.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(result.history["loss"]) == 2 and result.stopped_reason is None
    assert result.loss == "binary_crossentropy"
    assert state.began == (2, 13) and state.batches == 26 and len(state.epochs) == 2
    assert state.ended is result


def test_validation_rows_from_the_dataset_replace_the_split():
    data = load_dataset(DatasetChoice("digits", {"flatten": True, "validation": "last", "validation_rows": 300}))
    state = Recorder()
    result = train(project(mlp(64, 8, 10, "softmax"), validation_split=0.5), data, state)
    assert result.loss == "sparse_categorical_crossentropy"
    assert "val_loss" in result.history
    assert state.began[1] == int(np.ceil(1497 / 32))  # nothing else was held out


def test_regression_recovers_w5_b3_on_the_notes_004_data():
    template = load_template("linear_regression")
    template.training["seed"] = 0
    result = train(template, load_dataset(template.dataset), epochs=40)  # the template's 100 are more than needed
    w, b = result.model.layers[-1].get_weights()
    assert w.item() == pytest.approx(5, abs=0.1) and b.item() == pytest.approx(3, abs=0.1)


def test_autoencoder_targets_its_input_and_its_loss_falls():
    g = LayerGraph()
    x = g.add("Input", shape=[64])
    x = g.add("Dense", x, units=8, activation="relu")
    g.add("Dense", x, units=64, activation="sigmoid")
    data = load_dataset(DatasetChoice("digits", {"flatten": True}))
    result = train(project(g, mode="autoencoder", epochs=4, learning_rate=0.01), data)
    assert result.loss == "binary_crossentropy"
    assert result.history["loss"][-1] < result.history["loss"][0]


def test_vae_trains_with_the_kl_term_of_the_sampling_layer():
    g = LayerGraph()
    x = g.add("Input", shape=[64])
    h = g.add("Dense", x, units=16, activation="relu")
    mean = g.add("Dense", h, units=2, name="z_mean")
    log_var = g.add("Dense", h, units=2, name="z_log_var")
    z = g.add("VAESampling", mean, log_var)
    g.add("Dense", g.add("Dense", z, units=16, activation="relu"), units=64, activation="sigmoid")
    data = load_dataset(DatasetChoice("digits", {"flatten": True}))
    result = train(project(g, mode="vae", epochs=2), data)
    assert len(result.model.losses) == 1  # the KL term
    assert all(np.isfinite(result.history["loss"]))


def gan_project(**training):
    """A tiny GAN of flattened 8×8 digits, and its data."""
    gen = LayerGraph("generator", "generator")
    x = gen.add("Input", shape=[4])
    gen.add("Dense", gen.add("Dense", x, units=8, activation="relu"), units=64, activation="tanh")
    disc = LayerGraph("discriminator", "discriminator")
    y = disc.add("Input", shape=[64])
    disc.add("Dense", disc.add("Dense", y, units=8, activation="relu"), units=1, activation="sigmoid")
    data = load_dataset(DatasetChoice("digits", {"flatten": True, "scale": "-1..1"}))
    settings = {"mode": "gan", "epochs": 1, "batch_size": 64, "seed": 2, **training}
    return Project([gen, disc], training=check_training(settings)), data


def image_folder(folder, classes=("light", "dark")):
    """PNG images of 10×10 pixels, eight in one subfolder per class, each class its own shade."""
    import tensorflow as tf

    for name, value in zip(classes, (230, 10)):
        for i in range(8):
            path = folder / name / f"{i}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            tf.io.write_file(str(path), tf.io.encode_png(np.full((10, 10, 3), value, dtype=np.uint8)))
    return folder


def folder_data(folder, streamed, monkeypatch, **options):
    """The folder's images as 8×8 pictures, in memory or (`streamed`) read from disk while training."""
    from designer.data import image_folders

    with monkeypatch.context() as patched:
        if streamed:
            patched.setattr(image_folders, "MEMORY_LIMIT_BYTES", 100)
        data = load_dataset(DatasetChoice(str(folder), {"image_size": [8, 8], **options}))
    assert data.streamed == streamed
    return data


def pictures_into(*layers):
    """A graph reading 8×8 colour pictures: Input, Flatten, then Dense layers of (units, activation)."""
    g = LayerGraph()
    x = g.add("Flatten", g.add("Input", shape=[8, 8, 3]))
    for units, activation in layers:
        x = g.add("Dense", x, units=units, activation=activation)
    return g


def test_gan_updates_both_networks(monkeypatch):
    gan, data = gan_project()

    import designer.training.engine as engine

    initial = {}
    real_compile = engine.compile_graph

    def remember_initial_weights(graph, **kwargs):
        model = real_compile(graph, **kwargs)
        initial[graph.role] = weights(model)
        return model

    monkeypatch.setattr(engine, "compile_graph", remember_initial_weights)
    result = train(gan, data)
    assert set(result.history) == {"d_loss", "g_loss"}
    assert changed(initial["generator"], weights(result.model))
    assert changed(initial["discriminator"], weights(result.discriminator))
    assert all(np.isfinite(v) for values in result.history.values() for v in values)


def test_stop_request_ends_the_run_and_keeps_the_model():
    state = StopAfter(3)
    result = train(project(mlp(2, 4, 1, "sigmoid"), epochs=50), load_dataset("sum_threshold"), state)
    assert len(result.history["loss"]) == 1
    assert "Stopped" in result.stopped_reason
    assert result.model.predict(np.zeros((1, 2)), verbose=0).shape == (1, 1)


def test_a_loss_that_turns_nan_stops_at_that_batch_with_advice():
    # The NaN is in the targets: the squared error of a NaN target is NaN on every CPU. (A NaN *input* is not a
    # test: a hidden ReLU may turn it into 0 or keep it, as the CPU's kernels decide; oneDNN's max(x, 0) drops it.)
    # One row in 16 is NaN, so every batch of 32 holds one however the rows are shuffled.
    x = np.random.default_rng(0).normal(0, 1, (64, 2)).astype(np.float32)
    y = np.ones((64, 1), np.float32)
    y[::16] = np.nan
    data = Dataset("bad", "bad", "", "regression", x, y)
    g = mlp(2, 4, 1, "linear")
    state = Recorder()
    result = train(project(g, epochs=5, validation_split=0.0, loss="mse"), data, state)
    assert math.isnan(state.last_batch["loss"])  # what Keras reported for the batch: the guard saw a real NaN
    assert state.batches == 1  # the first batch's loss is NaN: not one more batch runs
    assert len(result.history["loss"]) == 1
    assert "learning rate" in result.stopped_reason and "scaled" in result.stopped_reason


def test_a_huge_learning_rate_on_unscaled_targets_diverges_and_stops():
    g = LayerGraph()
    g.add("Dense", g.add("Input", shape=[1]), units=1)
    data = load_dataset(DatasetChoice("linear_5x_plus_3", {"scale": "none"}))
    data.y_train = data.y_train * 1000  # unscaled targets: the gradients are a thousand times too big
    result = train(project(g, optimizer="sgd", learning_rate=5.0, loss="mse", epochs=200, validation_split=0.0), data)
    assert len(result.history["loss"]) < 200
    assert not np.isfinite(result.history["loss"][-1])
    assert result.stopped_reason.startswith("The loss became")


def test_early_stopping_ends_when_validation_stops_improving_and_keeps_the_best_weights():
    train_set = load_dataset(DatasetChoice("sum_threshold", {"samples": 256}))
    # validation labels that contradict the training labels: the better it learns, the worse validation gets
    data = Dataset("flipped", "flipped", "", "classification", train_set.x_train, train_set.y_train,
                   train_set.x_train[:64], 1 - train_set.y_train[:64])
    state = Recorder()
    result = train(project(mlp(2, 8, 1, "sigmoid"), epochs=40, learning_rate=0.05, early_stopping_patience=2), data, state)
    epochs_run = len(result.history["val_loss"])
    assert epochs_run < 40
    assert "Early stopping" in result.stopped_reason
    best = int(np.argmin(result.history["val_loss"]))
    assert epochs_run == best + 1 + 2  # patience 2 after the best epoch
    kept = result.model.evaluate(data.x_val, data.y_val, verbose=0)[0]
    assert kept == pytest.approx(result.history["val_loss"][best], rel=1e-3)


def test_running_out_of_device_memory_is_said_in_plain_words(monkeypatch):
    import keras
    import tensorflow as tf

    def oom(self, *args, **kwargs):
        raise tf.errors.ResourceExhaustedError(None, None, "OOM when allocating tensor with shape[65536,4096]")

    monkeypatch.setattr(keras.Model, "fit", oom)
    with pytest.raises(TrainingError, match="batch size smaller"):
        train(project(mlp(2, 4, 1, "sigmoid")), load_dataset("sum_threshold"))


def test_reconstruction_modes_report_no_accuracy():
    g = LayerGraph()
    x = g.add("Input", shape=[64])
    g.add("Dense", g.add("Dense", x, units=4, activation="relu"), units=64, activation="sigmoid")
    data = load_dataset(DatasetChoice("digits", {"flatten": True}))
    result = train(project(g, mode="autoencoder", epochs=1, metrics=["accuracy"]), data)
    assert set(result.history) == {"loss", "val_loss"}


def test_images_get_the_channel_axis_their_input_asks_for():
    g = LayerGraph()
    x = g.add("Input", shape=[8, 8, 1])
    x = g.add("Conv2D", x, filters=2, kernel_size=[3, 3], activation="relu")
    g.add("Dense", g.add("Flatten", x), units=10, activation="softmax")
    result = train(project(g, epochs=1), load_dataset("digits"))
    assert result.loss == "sparse_categorical_crossentropy"
    assert np.isfinite(result.history["loss"][0])


def test_data_that_does_not_fit_the_input_is_refused_in_plain_words():
    with pytest.raises(TrainingError, match=r"Input expects \(3,\)"):
        train(project(mlp(3, 4, 1, "sigmoid")), load_dataset("sum_threshold"))


def test_loss_suggestions_follow_the_output_layer_and_labels():
    assert suggest_loss(mlp(2, 3, 10, "softmax"), "supervised", np.zeros(5)) == "sparse_categorical_crossentropy"
    assert suggest_loss(mlp(2, 3, 10, "softmax"), "supervised", np.zeros((5, 10))) == "categorical_crossentropy"
    assert suggest_loss(mlp(2, 3, 1, "sigmoid"), "supervised", np.zeros((5, 1))) == "binary_crossentropy"
    assert suggest_loss(mlp(2, 3, 1, "linear"), "supervised", np.zeros((5, 1))) == "mse"
    assert suggest_loss(mlp(2, 3, 2, "sigmoid"), "autoencoder", None) == "binary_crossentropy"


def test_denoising_autoencoder_learns_from_noisy_inputs_towards_clean_targets():
    g = LayerGraph()
    g.add("Dense", g.add("Input", shape=[64]), units=64, activation="sigmoid")
    data = load_dataset(DatasetChoice("digits", {"flatten": True, "input_noise": 0.2, "validation": "last",
                                                 "validation_rows": 300}))
    plan = plan_training(project(g, mode="autoencoder", epochs=1), data)
    assert np.array_equal(plan.x, data.noisy_train) and np.array_equal(plan.y, data.x_train)
    assert not np.array_equal(plan.x, plan.y)
    assert np.array_equal(plan.validation_data[0], data.noisy_val) and np.array_equal(plan.validation_data[1], data.x_val)
    result = fit(plan)
    assert len(result.history["loss"]) == 1 and math.isfinite(result.history["loss"][0])


def test_test_rows_are_scored_after_training():
    data = load_dataset(DatasetChoice("iris", {"shuffle": True, "test_fraction": 0.2, "labels": "integer"}))
    result = train(project(mlp(4, 8, 3, "softmax"), epochs=2), data)
    scores = evaluate(result.model, data)
    assert set(scores) == {"loss", "accuracy"} and 0.0 <= scores["accuracy"] <= 1.0


def test_labels_follow_the_chosen_loss_whatever_the_data_option_says():
    assert labels_for_loss(np.array([2, 0]), "categorical_crossentropy", 3).tolist() == [[0, 0, 1], [1, 0, 0]]
    assert labels_for_loss(np.eye(3)[[1, 2]], "sparse_categorical_crossentropy", 3).tolist() == [1, 2]
    assert labels_for_loss(np.array([[0.5], [1.5]]), "mse", 1).tolist() == [[0.5], [1.5]]
    one_hot_data = load_dataset(DatasetChoice("iris", {"labels": "one-hot"}))
    result = train(project(mlp(4, 8, 3, "softmax"), epochs=1, loss="sparse_categorical_crossentropy"), one_hot_data)
    integer_data = load_dataset(DatasetChoice("iris"))
    result = train(project(mlp(4, 8, 3, "softmax"), epochs=1, loss="categorical_crossentropy"), integer_data)
    assert math.isfinite(result.history["loss"][-1])


def test_an_image_folder_streamed_from_disk_trains_and_scores(tmp_path, monkeypatch):
    data = folder_data(image_folder(tmp_path / "pics"), True, monkeypatch, test_fraction=0.25, shuffle=True)
    assert data.streamed
    g = pictures_into((2, "softmax"))
    recorder = Recorder()
    result = train(project(g, epochs=3, batch_size=4, validation_split=0.25, learning_rate=0.05,
                           loss="categorical_crossentropy"), data, recorder)
    assert set(result.history) >= {"loss", "val_loss", "accuracy"} and len(result.history["loss"]) == 3
    assert recorder.batches == 3 * 3  # 9 training images in batches of 4, for 3 epochs
    assert set(evaluate(result.model, data)) == {"loss", "accuracy"}
    flat = LayerGraph()
    flat.add("Dense", flat.add("Input", shape=[192]), units=192, activation="sigmoid")
    auto = train(project(flat, mode="autoencoder", epochs=1, batch_size=4), data)
    assert math.isfinite(auto.history["loss"][-1])


def test_an_image_damaged_inside_is_named_when_it_fails_while_streaming(tmp_path, monkeypatch):
    folder = image_folder(tmp_path / "pics")
    good = (folder / "dark" / "3.png").read_bytes()
    # starts and ends like a PNG, so the check when listing passes it; TensorFlow fails on it mid-epoch
    (folder / "dark" / "3.png").write_bytes(good[:41] + bytes(12) + good[53:])
    from designer.data import image_folders

    monkeypatch.setattr(image_folders, "PREVIEW_IMAGES", 2)  # the preview decodes the first images: not this one
    data = folder_data(folder, True, monkeypatch)
    with pytest.raises(TrainingError) as failed:
        train(project(pictures_into((2, "softmax")), epochs=1, batch_size=4, loss="categorical_crossentropy"), data)
    message = str(failed.value)
    assert f"{folder / 'dark' / '3.png'} is not a readable PNG image (it looks damaged or cut short)" in message
    assert "{{" not in message and "function_node" not in message


def test_a_loss_that_does_not_suit_the_output_is_explained():
    softmax = mlp(4, 8, 3, "softmax")
    assert "categorical cross-entropy" in loss_warning(softmax, "supervised", "binary_crossentropy")
    assert loss_warning(softmax, "supervised", "sparse_categorical_crossentropy") is None
    assert loss_warning(softmax, "supervised", "auto") is None
    yes_no = mlp(2, 3, 1, "sigmoid")
    assert "binary cross-entropy" in loss_warning(yes_no, "supervised", "categorical_crossentropy")
    linear = mlp(1, 3, 1, "linear")
    assert "needs probabilities" in loss_warning(linear, "supervised", "binary_crossentropy")
    assert loss_warning(linear, "supervised", "mse") is None
    assert loss_warning(yes_no, "autoencoder", "categorical_crossentropy") is None


def test_the_metrics_asked_for_are_kept_where_they_mean_something():
    assert metrics_for_loss(["accuracy"], "sparse_categorical_crossentropy", "supervised") == ["accuracy"]
    assert metrics_for_loss(["accuracy", "auc"], "mse", "supervised") == []
    assert metrics_for_loss(["accuracy"], "binary_crossentropy", "autoencoder") == []
    assert [m.name for m in metrics_for_loss(["auc"], "binary_crossentropy", "supervised")] == ["auc"]


# ----------------------------------------------------------------------------- the plan of each mode
def test_the_plan_of_data_in_memory_holds_the_rows_the_model_reads_and_the_labels_its_loss_reads():
    one_hot = load_dataset(DatasetChoice("iris", {"labels": "one-hot"}))
    plan = plan_training(project(mlp(4, 8, 3, "softmax"), validation_split=0.25), one_hot)
    assert plan.loss == "categorical_crossentropy"  # "auto", from the softmax output and the one-hot labels
    assert plan.networks == (plan.model,) and plan.loss_keys == ("loss",) and plan.epochs == 2
    assert np.array_equal(plan.x, one_hot.x_train) and np.array_equal(plan.y, one_hot.y_train)
    assert plan.validation_data is None and plan.validation_split == 0.25 and plan.monitor == "val_loss"
    assert plan.fit_arguments == {"batch_size": 32} and plan.recompile is not None and plan.observer is None

    chosen = plan_training(project(mlp(4, 8, 3, "softmax"), loss="sparse_categorical_crossentropy"), one_hot, epochs=5)
    assert np.array_equal(chosen.y, one_hot.y_train.argmax(axis=1))  # class numbers, as the chosen loss reads them
    assert chosen.epochs == 5


def test_the_plan_for_the_live_panels_has_an_observer_of_the_model():
    from designer.training.insights import Observer

    plan = plan_training(project(mlp(2, 4, 1, "sigmoid")), load_dataset("sum_threshold"), insights=True)
    assert isinstance(plan.observer, Observer) and plan.networks == (plan.model,)


def test_the_plan_of_a_streamed_folder_reads_pipelines_of_images_and_labels(tmp_path, monkeypatch):
    import tensorflow as tf

    data = folder_data(image_folder(tmp_path / "pics"), True, monkeypatch)
    plan = plan_training(project(pictures_into((2, "softmax")), batch_size=4, loss="categorical_crossentropy"), data)
    assert isinstance(plan.x, tf.data.Dataset) and isinstance(plan.validation_data, tf.data.Dataset)
    assert plan.y is None and plan.fit_arguments == {"shuffle": False} and plan.read_from_disk == data.name
    images, labels = next(iter(plan.x))
    assert tuple(images.shape) == (4, 8, 8, 3) and tuple(labels.shape) == (4, 2)  # one-hot, for the chosen loss
    assert plan.monitor == "val_loss"


def test_the_plan_of_a_gan_fits_one_model_that_trains_both_networks():
    gan, data = gan_project(early_stopping_patience=3)
    plan = plan_training(gan, data)
    generator, discriminator = plan.networks
    assert plan.model.generator is generator and plan.model.discriminator is discriminator
    assert plan.loss == "binary_crossentropy" and plan.loss_keys == ("d_loss", "g_loss")
    assert np.array_equal(plan.x, data.x_train) and plan.y is None
    assert plan.patience == 0 and plan.recompile is None  # no one loss to stop early on; no new fit for unfrozen layers


def refusals(folder, monkeypatch, graph, **training):
    """The TrainingError messages of planning `graph` on the folder's images in memory, then streamed."""
    messages = []
    for streamed in (False, True):
        with pytest.raises(TrainingError) as refused:
            plan_training(project(graph, **training), folder_data(folder, streamed, monkeypatch))
        messages.append(str(refused.value))
    return messages


def test_an_autoencoder_whose_output_is_not_its_input_is_refused_alike_in_memory_and_streamed(tmp_path, monkeypatch):
    in_memory, streamed = refusals(image_folder(tmp_path / "pics"), monkeypatch, pictures_into((10, "sigmoid")),
                                   mode="autoencoder")
    assert in_memory == streamed
    assert in_memory == ("An autoencoder's output must have the shape of its input: the model outputs (10,) but the "
                         "data is (8, 8, 3). Change the last layer.")


def test_data_without_labels_is_refused_alike_in_memory_and_streamed(tmp_path, monkeypatch):
    in_memory, streamed = refusals(image_folder(tmp_path / "pics", classes=("faces",)), monkeypatch,
                                   pictures_into((2, "softmax")))
    assert in_memory == streamed
    assert "has no labels; choose the autoencoder mode or other data." in in_memory


def test_a_run_after_an_edit_that_keeps_no_layer_counts_its_epochs_from_zero():
    project = Project.single(mlp(4, 8, 3, "softmax"), training=check_training({"epochs": 2, "seed": 1}))
    data = load_dataset(DatasetChoice("iris", {"scale": "standardize"}))
    project.trained = fit(plan_training(project, data)).trained
    assert plan_training(project, data).epochs_before == 2
    graph = project.graph("model")
    for node in graph.nodes():  # every layer with weights gets another shape: nothing learned fits any more
        if node.kind == "Dense" and node.params["units"] == 8:
            node.params["units"] = 5
    hidden_and_output = plan_training(project, data)
    assert hidden_and_output.reuse["model"].kept == () and hidden_and_output.epochs_before == 0
