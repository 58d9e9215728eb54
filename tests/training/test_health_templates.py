"""The training-health checks keep quiet on the bundled templates: each trains with its own settings (its epochs cut
to at most EPOCHS, to keep the suite fast; bench/bench_health.py trains every one for all its epochs) on its own
data, or on the bundled 8×8 digits for the MNIST ones, and raises no finding — except overfitting and not learning
on the templates whose data is random vectors with random labels, where they are the truth."""

import pytest

from designer.core.project import DatasetChoice
from designer.core.templates import load_template
from designer.data.registry import load_dataset
from designer.training.engine import train
from designer.training.state import TrainingState

EPOCHS = 12
OWN_DATA = ["perceptron", "binary_classifier", "linear_regression", "digits_mlp", "lstm_forecaster"]
ON_DIGITS = ["autoencoder", "denoising_autoencoder", "sparse_autoencoder", "vae", "mlp_gan"]
RANDOM_LABELS = ["feedforward_binary", "rnn_classifier"]


class Findings(TrainingState):
    wants_health = True


@pytest.mark.parametrize("name", OWN_DATA + ON_DIGITS + RANDOM_LABELS)
def test_a_template_trained_as_it_is_raises_no_finding(name, for_8x8_digits):
    if name in ON_DIGITS:
        project = for_8x8_digits(name)
        project.dataset = DatasetChoice("digits", {**project.dataset.options, "flatten": True})
    else:
        project = load_template(name)
    project.training["seed"] = 0
    epochs = min(EPOCHS, project.training["epochs"])
    result = train(project, load_dataset(project.dataset), Findings(), epochs=epochs)
    allowed = {"overfitting", "not_learning"} if name in RANDOM_LABELS else set()
    assert {f.key for f in result.findings} <= allowed, [f.line() for f in result.findings]
