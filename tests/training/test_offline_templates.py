"""Every template whose data is a download trains offline on the bundled 8×8 digits once adapted to them (one epoch
each, Keras's cache empty and no network): the adapted shapes meet, for MLPs, CNNs, autoencoders, the VAE and the
GAN alike."""

import pytest

from designer.core.adapt import adapt_to_sample, command, offline_choice
from designer.core.commands import History
from designer.core.templates import list_templates, load_template
from designer.data.downloads import SOURCES
from designer.data.registry import load_dataset

DOWNLOADING = [t.key for t in list_templates()
               if (p := load_template(t.key)).dataset is not None and p.dataset.name in SOURCES
               and t.key != "vgg16_transfer"]  # refused in words (tests/core/test_adapt.py)


@pytest.mark.slow
@pytest.mark.parametrize("template", DOWNLOADING)
def test_a_download_template_trains_offline_on_the_bundled_digits(template):
    from designer.training.engine import train

    project = load_template(template)
    choice = offline_choice(project)
    dataset = load_dataset(choice)
    adaptation = adapt_to_sample(project, tuple(dataset.x_train.shape[1:]))
    assert adaptation.refused is None and adaptation.changes
    History(project).push(command(project, adaptation, choice))
    project.training["batch_size"] = 64
    result = train(project, dataset, epochs=1)
    losses = result.history.get("loss") or result.history["g_loss"]
    assert len(losses) == 1 and losses[0] == losses[0]  # one epoch, a number


def test_every_downloading_template_is_covered():
    assert len(DOWNLOADING) == 9
