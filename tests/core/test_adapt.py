"""Adapting a template made for a download to the bundled 8×8 digits: what changes, in words, for each kind of
network (flat MLP, image MLP, CNN, convolutional autoencoder, autoencoders, VAE, GAN), what cannot be adapted (a
pretrained backbone, several inputs, shapes with no one-step change), and the one undo step it makes."""

import pytest

from designer.core.adapt import adapt_to_sample, command, offline_choice
from designer.core.commands import History
from designer.core.graph import LayerGraph
from designer.core.project import DatasetChoice, Project
from designer.core.templates import load_template

DIGITS = (8, 8)


@pytest.mark.parametrize("template, expected", [
    ("autoencoder", ["input: shape (784,) → (64,)", "dense_1: units 784 → 64 (it makes one sample)"]),
    ("vae", ["input: shape (784,) → (64,)", "dense_2: units 784 → 64 (it makes one sample)"]),
    ("fashion_mnist_mlp", ["input: shape (28, 28) → (8, 8)"]),
    ("conv_autoencoder", ["input: shape (28, 28, 1) → (8, 8, 1)"]),
    ("mlp_gan", ["input: shape (784,) → (64,)", "dense_3: units 784 → 64 (it makes one sample)"]),
])
def test_what_changes_is_said(template, expected):
    assert adapt_to_sample(load_template(template), DIGITS).in_words() == expected


def test_a_cnn_for_big_images_keeps_its_small_images_from_vanishing():
    adaptation = adapt_to_sample(load_template("cifar10_cnn"), DIGITS)
    words = adaptation.in_words()
    assert words[0] == "input: shape (32, 32, 3) → (8, 8, 1)"
    assert words[1:] == ["padding valid → same on conv2d, max_pooling2d, conv2d_1, max_pooling2d_1, conv2d_2 "
                         "(small images)"]
    assert len(adaptation.changes) == 6


def test_a_gan_changes_the_discriminator_input_and_the_generator_output_not_the_noise():
    adaptation = adapt_to_sample(load_template("mlp_gan"), DIGITS)
    assert {(c.role, c.param) for c in adaptation.changes} == {("discriminator", "shape"), ("generator", "units")}
    assert adaptation.in_words(roles=True) == ["discriminator input: shape (784,) → (64,)",
                                               "generator dense_3: units 784 → 64 (it makes one sample)"]


def test_what_cannot_be_adapted_is_refused_in_words():
    assert "pretrained VGG16" in adapt_to_sample(load_template("vgg16_transfer"), DIGITS).refused
    sequences = load_template("lstm_forecaster")  # (20, 1) sequences: images are no one-step change
    assert adapt_to_sample(sequences, (8, 8, 3, 2)).refused.startswith("its Input takes (20, 1)")
    graph = LayerGraph()
    graph.add("Input", shape=[4])
    graph.add("Input", shape=[4])
    assert "several inputs" in adapt_to_sample(Project.single(graph), DIGITS).refused


def test_a_network_that_fits_needs_no_change():
    assert adapt_to_sample(load_template("digits_mlp"), DIGITS).changes == []


def test_the_adaptation_is_one_undo_step_with_the_new_data():
    project = load_template("mlp_gan")
    choice = offline_choice(project)
    assert choice == DatasetChoice("digits", {"scale": "-1..1", "flatten": True})  # the GAN's tanh range is kept
    history = History(project)
    history.push(command(project, adapt_to_sample(project, DIGITS), choice))
    assert project.dataset.name == "digits"
    assert project.graph("generator").node_by_name("dense_3").params["units"] == 64
    assert project.graph("discriminator").node_by_name("input").params["shape"] == [64]
    history.undo()
    assert project.dataset.name == "mnist"
    assert project.graph("generator").node_by_name("dense_3").params["units"] == 784
    assert offline_choice(load_template("fashion_mnist_mlp")).options == {}  # its 5,000 validation rows stay behind


def test_a_classifier_whose_output_does_not_fit_the_classes_is_refused_not_trained_into_nonsense():
    refused = adapt_to_sample(load_template("binary_classifier"), DIGITS, classes=10).refused
    assert refused.startswith("its output layer dense_1 gives 1 value but this data has 10 classes")
    assert adapt_to_sample(load_template("mnist_cnn"), DIGITS, classes=10).refused is None
    assert adapt_to_sample(load_template("binary_classifier"), DIGITS, classes=2).refused is None  # yes/no


# ---------------------------------------------------------------------------- the window's "Fit model to data"
def test_a_cnn_fitted_to_grey_digits_keeps_its_channel_axis_and_pads_same():
    adaptation = adapt_to_sample(load_template("mnist_cnn"), DIGITS, download_ok=True)
    assert adaptation.in_words() == ["input: shape (28, 28, 1) → (8, 8, 1)",
                                     "padding valid → same on conv2d, max_pooling2d, conv2d_1, max_pooling2d_1 "
                                     "(small images)"]


def test_images_that_vanish_get_padding_same_even_when_the_input_already_fits():
    project = load_template("mnist_cnn")
    project.graph("model").node_by_name("input").params["shape"] = [8, 8, 1]
    assert adapt_to_sample(project, DIGITS, download_ok=True).changes == []
    vanishing = adapt_to_sample(project, DIGITS, download_ok=True, vanishing=True)
    assert {c.param for c in vanishing.changes} == {"padding"} and len(vanishing.changes) == 4


def test_the_output_side_is_fitted_even_when_the_input_already_was():
    gan = load_template("mlp_gan")
    gan.graph("discriminator").node_by_name("input").params["shape"] = [64]  # half fitted: the old bug
    assert adapt_to_sample(gan, DIGITS).in_words() == ["dense_3: units 784 → 64 (it makes one sample)"]
    autoencoder = load_template("autoencoder")
    autoencoder.graph("model").node_by_name("input").params["shape"] = [64]
    assert adapt_to_sample(autoencoder, DIGITS).in_words() == ["dense_1: units 784 → 64 (it makes one sample)"]
    # a classifier's output is its classes: never resized to the input (the window asks about its units)
    assert adapt_to_sample(load_template("digits_mlp"), (4,)).in_words() == ["input: shape (64,) → (4,)"]


def test_a_pretrained_backbone_is_fitted_to_big_enough_images_when_it_may_download():
    transfer = load_template("vgg16_transfer")
    assert adapt_to_sample(transfer, (64, 64, 3), download_ok=True).refused is None
    assert "at least 32×32" in adapt_to_sample(transfer, DIGITS, download_ok=True).refused


def test_the_changes_alone_are_one_undo_step():
    from designer.core.adapt import change_steps
    from designer.core.commands import Compound

    project = load_template("autoencoder")
    history = History(project)
    history.push(Compound("Fit model to data", change_steps(adapt_to_sample(project, DIGITS))))
    assert project.graph("model").node_by_name("dense_1").params["units"] == 64
    history.undo()
    assert project.graph("model").node_by_name("dense_1").params["units"] == 784
    assert project.graph("model").node_by_name("input").params["shape"] == [784]
