"""A project written out as a Jupyter notebook (nbformat v4): the content of the Python script
(`designer.exchange.python_script`), one code cell per step (imports, data, model, compile, train, curves, save),
each after a markdown cell that says what it does. Plain variables (EPOCHS, STRATEGY, SEED) replace the script's
command-line arguments; the curves are drawn inline. Like the script, it never imports the ``designer`` package, and
the data it reads is saved beside it.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from designer.core.project import Project
from designer.data.dataset import Dataset
from designer.exchange.python_script import ScriptParts, parts_of
from designer.exchange.script_snippets import SCALED_CURVES, multiworker_sample


def notebook_of(project: Project, dataset: Dataset, stem: str | None = None):
    """The notebook (an ``nbformat.NotebookNode``) and the pieces it was made of (whose data file goes beside it);
    `stem` names the files it reads and writes (default: made from the project's name)."""
    import nbformat
    from nbformat import v4

    parts = parts_of(project, dataset, stem)
    cells = []
    for markdown, code in _steps(parts):
        cells.append(v4.new_markdown_cell(markdown))
        cells.append(v4.new_code_cell(code.strip("\n")))
    notebook = v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    nbformat.validate(notebook)
    return notebook, parts


def write_notebook(project: Project, dataset: Dataset, path: str) -> list[str]:
    """Write the notebook to `path` and, beside it, the data file it reads (none for a Keras download). Returns the
    files written, the notebook first."""
    import nbformat

    target = Path(path)
    notebook, parts = notebook_of(project, dataset, target.stem)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "w", encoding="utf-8") as handle:
        nbformat.write(notebook, handle)
    return [str(target), *parts.write_data(target.parent)]


def _steps(parts: ScriptParts) -> list[tuple[str, str]]:
    """(markdown, code) for every step, in the order they run."""
    title = f"# {parts.title}\n\n" + (f"{parts.description}\n\n" if parts.description else "")
    steps = [(
        title + "Exported from Network Designer: the network rebuilt in plain Keras with its layer names, the same "
        "data with the same preparation, and the same training settings. Run the cells in order.\n\n"
        "## Imports and settings\n\n"
        "TensorFlow 2.21 and Keras 3 (`pip install tensorflow`), NumPy, and matplotlib for the curves. "
        "`EPOCHS` is how many passes over the data to train; `STRATEGY` is where: `\"one\"` device, `\"mirrored\"` "
        "(every GPU of this machine) or `\"multiworker\"` (several machines, each reading `TF_CONFIG`); a whole "
        "number as `SEED` makes the runs repeatable.",
        _imports(parts) + "\n\n"
        "HERE = Path.cwd()  # the data is read from, and the model saved to, the notebook's folder\n\n"
        + parts.settings + "\n"
        'STRATEGY = "one"  # "one", "mirrored" or "multiworker"\n\n'
        "if SEED is not None:\n    keras.utils.set_random_seed(SEED)",
    )]
    for markdown, code in parts.custom_classes:
        steps.append((f"## A layer of Network Designer's own\n\n{markdown}", code))
    steps.append((
        f"## Data\n\n{parts.data_story}",
        parts.load_data + "\n\n\n"
        "x_train, y_train, validation_data, test_data = load_data()\n" + parts.rows_print,
    ))
    steps.append(_model_step(parts))
    if parts.preparation is not None:
        steps.append(_preparation_step(parts))
    steps.append(_compile_step(parts))
    steps.append(_train_step(parts))
    steps.append((
        "## Curves\n\nThe loss (and the metrics) epoch by epoch, on the training rows and on the validation rows.",
        parts.curves + "\n\n\nshow_curves(history.history)",
    ))
    saved = "generator and discriminator, each as a `.keras` file" if parts.gan else "model as a `.keras` file"
    steps.append((
        f"## Save\n\nThe trained {saved} beside this notebook; `keras.models.load_model` reads it back.",
        parts.save + "\n\n\n"
        + ('save_models({"generator": generator, "discriminator": discriminator}, STRATEGY)' if parts.gan
           else "save_models(model, STRATEGY)"),
    ))
    return steps


def _imports(parts: ScriptParts) -> str:
    # no command line in a notebook: its settings are the variables below
    return "\n".join(line for line in parts.imports.splitlines() if line != "import argparse")


def _model_step(parts: ScriptParts) -> tuple[str, str]:
    if parts.gan:
        built = textwrap.dedent("""\
            strategy = choose_strategy(STRATEGY)
            with strategy.scope():  # the networks' variables live where the strategy puts them
                generator = build_generator()
                discriminator = build_discriminator()
            generator.summary()
            discriminator.summary()""")
        what = "The generator and the discriminator"
    else:
        call = "build_model(seed=SEED)" if parts.stochastic else "build_model()"
        built = textwrap.dedent(f"""\
            strategy = choose_strategy(STRATEGY)
            with strategy.scope():  # the model's variables live where the strategy puts them
                model = {call}
            model.summary()""")
        what = "The network"
    return (
        f"## Model\n\n{what}, one line per layer with the names given in Network Designer, built where `STRATEGY` "
        "says.",
        parts.build + "\n\n\n" + parts.strategy + "\n\n\n" + built,
    )


def _preparation_step(parts: ScriptParts) -> tuple[str, str]:
    preparation = parts.preparation
    text = ("## Preparation\n\nThe layers that prepare the data inside the model learn their numbers from the "
            "training rows before training (`adapt`), as in Network Designer; the optimizer never changes them.")
    if preparation.normalizers:
        named = ", ".join(f"`{name}`" for name in preparation.normalizers)
        text += (f" {named}, after the Input, learns each column's mean and variance, so the model takes raw rows as "
                 "they are in the file.")
    code = "learn_preparation(model, x_train, y_train)"
    if preparation.target_units:
        text += (f" `{preparation.target_units}`, the last layer, learns the target's mean and variance: the network "
                 "before it learns on standardized targets (numbers around 0, not in the thousands), and the whole "
                 "model gives its answers back in the target's units.")
        code += "\ny_train_scaled, validation_data_scaled = standardized_targets(model, y_train, validation_data)"
    return text, preparation.functions + "\n\n\n" + code


def _compile_step(parts: ScriptParts) -> tuple[str, str]:
    if parts.gan:
        code = textwrap.dedent("""\
            with strategy.scope():
                gan = compile_gan(generator, discriminator)
            if STRATEGY == "multiworker":
                fix_keras_for_multiworker(gan, strategy, (x_train[:2],))""")
        text = "The model that trains the GAN, with one optimizer for each network, as in the training settings."
    elif parts.preparation is not None and parts.preparation.target_units:
        units = parts.preparation.target_units
        code = textwrap.dedent(f"""\
            with strategy.scope():
                # the network learns on standardized targets: Keras fits the model up to {units}
                scaled_model = up_to_target_units(model)
                compile_model(scaled_model)
                # the whole model too, with the same optimizer: it scores the test rows in the target's units, and its
                # saved file keeps the optimizer that trained it
                compile_model(model, optimizer=scaled_model.optimizer)
            if STRATEGY == "multiworker":
                fix_keras_for_multiworker(scaled_model, strategy, {_sample(parts, "y_train_scaled")})""")
        text = ("The optimizer, the loss and the metrics of the training settings, for the model up to "
                f"`{parts.preparation.target_units}` (what Keras fits) and for the whole model (its scores).")
    else:
        code = textwrap.dedent(f"""\
            with strategy.scope():
                compile_model(model)
            if STRATEGY == "multiworker":
                fix_keras_for_multiworker(model, strategy, {_sample(parts, "y_train")})""")
        text = "The optimizer, the loss and the metrics of the training settings."
    return f"## Compile\n\n{text}", parts.compile + "\n\n\n" + code


def _sample(parts: ScriptParts, targets: str) -> str:
    return multiworker_sample(parts.numbers_index).replace("y_train[:2]", f"{targets}[:2]")


def _train_step(parts: ScriptParts) -> tuple[str, str]:
    if parts.gan:
        code = textwrap.dedent("""\
            history = train(gan, x_train, EPOCHS)
            print(f"Trained {len(history.history['d_loss'])} epoch(s)")""")
        text = "Every batch updates the discriminator on real and generated samples, then the generator through it."
    else:
        fitted, targets = "model", "y_train, validation_data"
        if parts.preparation is not None:
            fitted, targets = parts.preparation.fitted, parts.preparation.targets
        note = f"# {SCALED_CURVES}\n" if parts.preparation is not None and parts.preparation.target_units else ""
        code = (f"{note}history = train({fitted}, x_train, {targets}, EPOCHS)\n"
                "print(f\"Trained {len(history.history['loss'])} epoch(s)\")")
        if parts.test:
            code += textwrap.dedent("""
                scores = model.evaluate(*test_data, batch_size=BATCH_SIZE, verbose=0, return_dict=True)
                print("On the test rows:", ", ".join(f"{name} {value:.4g}" for name, value in scores.items()))""")
        text = "`EPOCHS` passes over the training rows, with the batch size and the validation of the settings."
    return f"## Train\n\n{text}", parts.train + "\n\n\n" + code
