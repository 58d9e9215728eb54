"""A project written out as one readable Python script in plain Keras and NumPy, which repeats the app's training.

The script rebuilds the network with the user's layer names (one line per layer, functional style, in the order the
app builds them, so a weights file saved by the app loads into it), loads the same data with the same preparation
(the arrays the app loaded, saved beside it as ``<name>_data.npz``; Keras's own downloads through
``keras.datasets``; a table's columns of words as string tensors for the model's text inputs), learns the numbers
of the preparation inside the model from the training rows as the app does (Normalization layers: standardized
inputs, answers in the target's units), compiles and trains with the same settings (the loss resolved, never
"auto"), shows the curves and saves the trained model. It takes ``--epochs``, ``--strategy one|mirrored|multiworker``,
``--seed``, ``--weights FILE`` and ``--predict IN.npz OUT.npz`` (outputs of the rebuilt model, no training), which is
how `designer.exchange.script_check` compares it with the trained model. It never imports the ``designer`` package:
the custom layers it needs (VAE sampling, the GAN training model) are copied into it from their sources.

The same pieces (`ScriptParts`) make the notebook of `designer.exchange.notebook`. This module puts them together;
`designer.exchange.script_model` writes the model, `designer.exchange.script_data` the data,
`designer.exchange.script_preparation` the learning of the preparation inside the model and
`designer.exchange.script_snippets` the rest.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from designer.core.project import Project
from designer.data.dataset import Dataset
from designer.exchange.script_data import data_code
from designer.exchange.script_model import (
    builder_code,
    check_gan_shapes,
    draws_samples,
    gan_class_source,
    vae_class_source,
)
from designer.exchange.script_preparation import PreparationCode, preparation_code
from designer.exchange.script_snippets import (
    PREDICT_BATCH,
    SAVED_MARK,
    TRAINED_MARK,
    compile_code,
    curves_code,
    imports_code,
    main_code,
    predict_code,
    rows_print,
    save_code,
    settings_code,
    strategy_code,
    train_code,
)
from designer.exchange.script_text import ScriptExportError

#: what other modules take from here (the marks the check reads, the error of an export that cannot be written)
__all__ = [
    "PREDICT_BATCH", "SAVED_MARK", "TRAINED_MARK", "ScriptExportError", "ScriptParts", "parts_of", "script_of",
    "write_python",
]


# ------------------------------------------------------------------------------------------------ public API
def script_of(project: Project, dataset: Dataset, file_name: str | None = None) -> str:
    """The text of the Python script that rebuilds, trains and saves `project`'s network on `dataset` (the loaded
    data the project trains on: its arrays go in the ``<name>_data.npz`` file that `write_python` writes beside the
    script). `file_name`: the script's, which names the files beside it (default: made from the project's name)."""
    stem = Path(file_name).stem if file_name else None
    return parts_of(project, dataset, stem).script(file_name)


def write_python(project: Project, dataset: Dataset, path: str, weights_path: str | None = None) -> list[str]:
    """Write the script to `path`, and beside it the data file it reads (when the data is not a Keras download)
    and, with `weights_path` (weights saved with ``model.save_weights``), a copy of those weights that
    ``--weights`` can load. Returns the files written, the script first."""
    target = Path(path)
    parts = parts_of(project, dataset, target.stem)
    weights = target.parent / f"{target.stem}.weights.h5" if weights_path is not None else None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(parts.script(target.name, weights.name if weights else None), encoding="utf-8")
    written = [str(target)]
    written += parts.write_data(target.parent)
    if weights is not None:
        if Path(weights_path).resolve() != weights.resolve():
            shutil.copyfile(weights_path, weights)
        written.append(str(weights))
    return written


# ------------------------------------------------------------------------------------------------ the pieces
@dataclass
class ScriptParts:
    """The code of an export, piece by piece, each a block of Python; the script and the notebook put them
    together differently (functions and a `main` with arguments; cells run one after another)."""

    title: str
    description: str
    #: the export's name: the files it reads and writes are named after it (<stem>_data.npz, <stem>.keras)
    stem: str
    #: what the data is and how it was prepared, one paragraph
    data_story: str
    #: the model(s): build_model, or build_generator and build_discriminator
    builders: tuple[str, ...]
    gan: bool
    stochastic: bool
    imports: str
    settings: str
    custom_classes: list[tuple[str, str]]
    load_data: str
    build: str
    strategy: str
    compile: str
    train: str
    curves: str
    save: str
    predict: str
    #: the data has test rows, scored after training
    test: bool
    data_file: str | None = None
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    #: the preparation inside the model, learned from the training rows before training; None: nothing to learn
    preparation: PreparationCode | None = None
    #: the model reads words too: x_train is a list of its inputs, the numbers at this place (None: one array)
    numbers_index: int | None = None
    word_inputs: int = 0

    @property
    def rows_print(self) -> str:
        """The line that says how many training rows there are, and what each holds."""
        return rows_print(self.numbers_index, self.word_inputs)

    def write_data(self, folder: Path) -> list[str]:
        """Save the data file beside the script (none for a Keras download); returns the files written."""
        if self.data_file is None:
            return []
        path = folder / self.data_file
        np.savez_compressed(path, **self.arrays)
        return [str(path)]

    def script(self, file_name: str | None = None, weights_file: str | None = None) -> str:
        """The whole script; `file_name` is the one its usage lines show, `weights_file` the weights trained in the
        app that were written beside it."""
        blocks = [
            self._docstring(file_name or f"{self.stem}.py", weights_file) + "\n\n" + self.imports,
            'HERE = Path(__file__).resolve().parent  # the data is read from, and the model saved to, this folder\n\n'
            + self.settings,
            *(code for _, code in self.custom_classes),
            self.load_data,
            self.build,
            self.preparation.functions if self.preparation else "",
            self.strategy,
            self.compile,
            self.train,
            self.curves,
            self.save,
            self.predict,
            main_code(self.gan, self.stochastic, self.preparation, self.numbers_index, self.word_inputs),
            'if __name__ == "__main__":\n    main()',
        ]
        return "\n\n\n".join(block.strip("\n") for block in blocks if block) + "\n"

    def _docstring(self, file_name: str, weights_file: str | None) -> str:
        lines = [
            f"{self.title}: exported from Network Designer.",
            "",
            *(textwrap.wrap(self.description, 100) + [""] if self.description else []),
            "Rebuilds the network in plain Keras with its layer names, loads the same data with the same preparation,",
            "trains it with the same settings, shows the loss curves and saves the trained model.",
            "",
            *textwrap.wrap(self.data_story, 100),
            "",
            "Run it with:",
            *_usage(f"python {file_name}", weights_file or "trained.weights.h5"),
            "",
            *([f"{weights_file} holds the weights trained in Network Designer.", ""] if weights_file else []),
            "Needs TensorFlow 2.21 and Keras 3 (pip install tensorflow) and NumPy; matplotlib draws the curves.",
        ]
        return '"""' + _doc_text("\n".join(lines)) + '\n"""'


def _usage(command: str, weights: str) -> list[str]:
    """The ways to run the script, one per line, their comments aligned."""
    runs = [
        ("", "train as in the app"),
        (" --epochs 5", "fewer (or more) epochs"),
        (" --strategy mirrored", "on every GPU of this machine"),
        (" --strategy multiworker", "on several machines (each reads TF_CONFIG)"),
        (f" --weights {weights}", "start from weights saved by model.save_weights"),
        (f" --weights {weights} --predict in.npz out.npz", "the outputs for in.npz with those weights, no training"),
    ]
    width = max(len(command + arguments) for arguments, _ in runs[:-1])
    lines = [f"    {(command + arguments).ljust(width)}  # {comment}" for arguments, comment in runs[:-1]]
    arguments, comment = runs[-1]  # the longest: its comment on a line of its own
    return lines + [f"    {command}{arguments}", f"    {''.ljust(width)}  # {comment}"]


def parts_of(project: Project, dataset: Dataset, stem: str | None = None) -> ScriptParts:
    """The pieces of the export of `project` trained on `dataset`, the files beside it named after `stem` (default:
    made from the project's name); ScriptExportError when it cannot be written."""
    if dataset.streamed:
        raise ScriptExportError(
            f"The data {dataset.name} is an image folder read from disk while training; a script can only take data "
            "that fits in memory. Choose a smaller image size so the folder is loaded at once, then export again."
        )
    settings = dict(project.training)
    gan = settings["mode"] == "gan" or project.is_gan
    if gan:
        try:
            graphs = (project.graph("generator"), project.graph("discriminator"))
        except KeyError:
            raise ScriptExportError("GAN training needs a generator graph and a discriminator graph.") from None
        data_graph = graphs[1]
    else:
        graphs = (project.graph("model"),)
        data_graph = graphs[0]
    stochastic = any(draws_samples(graph) for graph in graphs)
    names = ("build_generator", "build_discriminator") if gan else ("build_model",)
    builds = [builder_code(graph, name, draws_samples(graph)) for graph, name in zip(graphs, names)]
    if gan:
        check_gan_shapes(*graphs)

    title = project.name or "Untitled"
    stem = stem or _slug(title, "model")
    data = data_code(dataset, data_graph, settings, gan, f"{stem}_data.npz")
    preparation = preparation_code(data_graph, settings, data.validation, data.numbers_index, gan)
    custom = []
    if stochastic:
        custom.append((
            "The VAE sampling layer, as Network Designer defines it: it draws the code z from the mean and the "
            "log-variance, and adds the KL divergence to the loss.",
            vae_class_source(),
        ))
    if gan:
        custom.append((
            "The model that trains a GAN, as Network Designer defines it: the discriminator and the generator are "
            "updated in turn, each with its own optimizer.",
            gan_class_source(),
        ))
    return ScriptParts(
        title=title,
        description=project.description,
        stem=stem,
        data_story=data.story,
        builders=names,
        gan=gan,
        stochastic=stochastic,
        imports=imports_code(stochastic),
        settings=settings_code(settings),
        custom_classes=custom,
        load_data=data.code,
        build="\n\n\n".join(builds),
        strategy=strategy_code(settings["device"]),
        compile=compile_code(settings, data.loss, data.metrics, gan,
                             shared=preparation is not None and preparation.target_units is not None),
        train=train_code(settings, data.validation, gan),
        curves=curves_code(stem),
        save=save_code(gan, stem),
        predict=predict_code(words=data.word_inputs > 0),
        test=data.test,
        data_file=data.file_name,
        arrays=data.arrays,
        preparation=preparation,
        numbers_index=data.numbers_index,
        word_inputs=data.word_inputs,
    )


def _doc_text(text: str) -> str:
    # a project's name or description may hold backslashes or triple quotes, which would end the docstring
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def _slug(text: str, fallback: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()[:40].strip("_")
    return slug or fallback
