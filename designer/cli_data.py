"""The data a command works on: `--data NAME_OR_FILE` with the project's options that apply to it, `--target
COLUMN`, a target the model's output cannot learn refused in one line before anything trains, `--fit` (the window's
"Fit model to data"), and a network made for a download adapted to other data. Notes go to stderr, one line each.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from designer.cli_errors import CliError


def data_choice(project, project_file: str, data: str | None, target: str | None = None):
    """The data a command works on, and a note for stderr (empty: none): --data NAME_OR_FILE with the project's data
    options that apply to it (the note names those left out), else the project's own choice (its files found beside
    it); --target sets the column to predict. When --data names the project's own data, its options stay as they
    are. The note is for after the checks, so that a refusal stays one line."""
    from designer.core.project import DatasetChoice
    from designer.data.dataset import DataError
    from designer.data.registry import project_choice

    try:
        own = project_choice(project, project_file) if project.dataset is not None or not data else None
    except DataError as error:
        raise CliError(str(error)) from None
    if target is not None:
        _check_target(data or own.name, target)  # before anything is said about the project's options
    if own is not None and (not data or _same_data(own.name, data)):
        choice, note = own.copy(), ""
    else:
        kept, note = _kept_options(project, own, data, said=target is None)
        choice = DatasetChoice(data, kept)
    return (choice if target is None else DatasetChoice(choice.name, {**choice.options, "target": target})), note


def _same_data(name: str, data: str) -> bool:
    from designer.data.user_files import is_user_file

    if name == data:
        return True
    same = is_user_file(name) and is_user_file(data)
    return same and Path(name).expanduser().resolve() == Path(data).expanduser().resolve()


def _kept_options(project, own, data: str, said: bool = True) -> tuple[dict, str]:
    """The options of the project's data that `data` takes and reads the same way (a CSV's target is a column, a
    sine wave's is "next" or "sequence"), and a note naming those left out (a target only when it is not replaced:
    `said`)."""
    from designer.core.adapt import offline_choice
    from designer.data.downloads import SOURCES
    from designer.data.registry import option_specs

    if own is None or not own.options:
        return {}, ""
    before = {spec.name: spec for spec in option_specs(own.name)}
    after = {spec.name: spec for spec in option_specs(data)}
    kept = {name: value for name, value in own.options.items() if name in after and name in before
            and (before[name].type, tuple(before[name].choices)) == (after[name].type, tuple(after[name].choices))}
    if own.name in SOURCES:  # what fitted a download (validation rows by the thousand) does not fit other data
        kept = {name: value for name, value in kept.items() if name in offline_choice(project, data).options}
    left_out = [f"{name} {value!r}" for name, value in own.options.items()
                if name not in kept and (said or name != "target")]
    if not left_out:
        return kept, ""
    return kept, (f"Left out the project's data option{'s' * (len(left_out) > 1)} {', '.join(left_out)}: "
                  f"{Path(data).name} does not take {'them' if len(left_out) > 1 else 'it'}"
                  + (" (the others are kept)" if kept else ""))


def _check_target(name: str, target: str) -> None:
    from designer.data.registry import option_specs

    if "target" not in {spec.name for spec in option_specs(name)}:
        raise CliError(f"--target {target}: {Path(name).name} has no columns to choose from (--target names a "
                       "column of a .csv file)")


def load_choice(choice, target: str | None = None):
    """The dataset of `choice`; a CSV without the project's target column (not one given with --target) says how to
    pick another."""
    from designer.data.dataset import DataError
    from designer.data.registry import load_dataset

    try:
        return load_dataset(choice)
    except DataError as error:
        said, kept = str(error), choice.options.get("target")
        if target is None and kept and f"no column {kept!r}" in said:
            said += " (the project's target: choose another with --target COLUMN)"
        raise CliError(said) from None


def project_dataset(project, project_file: str, data: str | None, target: str | None = None):
    """The dataset a command works on (see `data_choice`), refused when the model's output cannot learn or give
    its target (`refuse_misfit`): scores or answers for it would be nonsense."""
    choice, note = data_choice(project, project_file, data, target)
    dataset = load_choice(choice, target)
    refuse_misfit(project, dataset)
    say(note)
    return dataset


def say(note: str) -> None:
    if note:
        print(note, file=sys.stderr)


def saved_choice(choice, project_file: str):
    """`choice` as a project file keeps it: a file of one's own by its path from the project's folder (which is where
    the project looks for it), not from wherever the command ran; a file given by its full path outside that folder
    keeps it."""
    from designer.core.project import DatasetChoice
    from designer.data.user_files import is_user_file

    if not is_user_file(choice.name):
        return choice.copy()
    where = os.path.relpath(Path(choice.name).expanduser().resolve(), Path(project_file).resolve().parent)
    if Path(choice.name).expanduser().is_absolute() and where.startswith(".."):
        return choice.copy()
    return DatasetChoice(Path(where).as_posix(), choice.copy().options)


def predicting(dataset) -> str:
    """", predicting bought (2 classes)": what the network learns, said before it trains (never picked silently)."""
    column = _target_column(dataset)
    if column is None:
        return ""
    return f", predicting {column} ({f'{dataset.num_classes} classes' if dataset.num_classes else 'a number'})"


def _target_column(dataset) -> str | None:
    """The CSV column a dataset's labels come from; None for data without columns."""
    return (dataset.options.get("target") or dataset.columns[-1]) if dataset.columns else None


# ----------------------------------------------------------------------------- the model against the data
#: what a bounded output's numbers are, said where numbers to predict meet them
BOUNDED = {"sigmoid": "between 0 and 1", "softmax": "that sum to 1"}


def misfit(project, dataset) -> str | None:
    """Why the model's output cannot learn the data's target, in words ("customers.csv's target visits has 14
    classes but the output layer dense_1 gives 1 number (sigmoid)"), as designer.data.fit's `advise` judges it;
    None when it fits, or when nothing compares the output with labels (an autoencoder, a GAN)."""
    from designer.core.prepare import answering_node
    from designer.data.fit import fit_advice, fit_target, values_to_predict

    target = fit_target(project)
    if target is None or not target[1] or dataset.y_train is None:
        return None
    graph, task = target[0], dataset.task
    output = answering_node(graph)
    advice = fit_advice(project, dataset, graph)
    if output is None or output.id not in advice.problems:
        return None
    column = _target_column(dataset)
    what = f"{dataset.title}'s target {column}" if column else dataset.title
    if task == "classification":
        has = f"has {dataset.num_classes} classes"
    else:
        values = values_to_predict(task, dataset.label_shape)
        has = "is a number to predict" if values == 1 else f"has {values or 'several'} numbers to predict"
    units, activation = output.params.get("units"), output.params.get("activation")
    gives = f"{units} number{'s' * (units != 1)}"
    if task != "classification" and activation in BOUNDED:
        gives += f" {BOUNDED[activation]}"
    return f"{what} {has} but the output layer {output.name} gives {gives} ({activation})"


def refuse_misfit(project, dataset, fit_hint: bool = False) -> None:
    """CliError, in one line with what to do, when the model's output cannot learn the data's target: training it
    would only make nonsense (a 14-class target squeezed into one sigmoid unit). `fit_hint`: --fit can fix it."""
    from designer.data.fit import output_fit

    said = misfit(project, dataset)
    if said is None:
        return
    other = "choose another --target" if _target_column(dataset) else "choose other data with --data"
    fix = output_fit(project, dataset)
    if fix is None:
        raise CliError(f"{said}: {other}.")
    activation = next((change.new for change in fix.changes if change.param == "activation"), None)
    units = f"{fix.units} unit{'s' * (fix.units != 1)}"
    change = f"make {fix.node_name} a {activation} output of {units}" if activation else f"give the output {units}"
    raise CliError(f"{said}: {other}, or {'add --fit to ' if fit_hint else ''}{change}.")


def fit_to_data(project, dataset, project_file: str, choice=None):
    """--fit: the model fitted to the data as the window's "Fit model to data" does (designer.data.fit.plan_fit:
    the Input's shape, what makes a sample, small images' paddings, the output layer, the loss and metrics that go
    with it, unasked, and a table's preparation), each change said on stderr. `choice`: the data the project trains
    on from now on (None: its own). Returns the dataset to train on: reloaded when the fit changed its options."""
    from designer.core.commands import History, SetDataset
    from designer.data.fit import plan_fit
    from designer.data.registry import project_choice

    history, before = History(project), project.dataset
    moved = choice is not None and saved_choice(choice, project_file) != project.dataset
    if moved:
        # first, so that the plan prepares this data (a table's scale becomes "none" in the project's choice); the
        # command line keeps no undo stack, so two steps are as good as one
        history.push(SetDataset(saved_choice(choice, project_file)))
    plan = plan_fit(project, dataset, vanishing=_vanishing(project, tuple(dataset.sample_shape)))
    if plan.refused:
        raise CliError(f"{project_file} cannot be fitted to {dataset.title}: {plan.refused}")
    lines = plan.lines + ([f"the project now trains on {dataset.title}"] if moved else [])
    if plan.command() is not None:
        history.push(plan.command())
    if not lines:
        print(f"The model already fits {dataset.title}: nothing to change", file=sys.stderr)
        return dataset
    print(f"Fitted the model to {dataset.title}:", file=sys.stderr)
    for line in lines:
        print(f"  {line}", file=sys.stderr)
    return load_choice(project_choice(project, project_file)) if project.dataset != before else dataset


def _vanishing(project, sample: tuple) -> bool:
    """The data's small images shrink to nothing on their way through the network (the window's fit asks the same
    analysis), so that the fit makes paddings "same" even where the Input keeps its shape."""
    from designer.core.fit_checks import vanishing_problems
    from designer.data.fit import fit_target
    from designer.keras_bridge.shape_oracle import make_analyzer

    target = fit_target(project)
    if len(sample) < 2 or target is None:
        return False
    return bool(vanishing_problems(target[0], make_analyzer().analyse(target[0]), sample))


def adapted_to(project, dataset, project_file: str, choice) -> None:
    """With --data, a network made for other data (a template for MNIST given the bundled digits) is adapted to
    it in one step, said line by line; the project then trains on that data (its file says so once saved)."""
    from designer.core.adapt import adapt_to_sample, command
    from designer.core.commands import History
    from designer.data.downloads import SOURCES

    if dataset.streamed or dataset.x_train is None or project.dataset is None or choice.name == project.dataset.name:
        return
    if project.dataset.name not in SOURCES:  # only a network made for downloaded images stands in this way
        return
    sample = tuple(dataset.x_train.shape[1:])
    adaptation = adapt_to_sample(project, sample, dataset.num_classes if dataset.task == "classification" else None)
    if adaptation.refused:
        raise CliError(f"{project_file} cannot train on {dataset.title}: {adaptation.refused}")
    if not adaptation.changes:
        return
    History(project).push(command(project, adaptation, saved_choice(choice, project_file)))
    print(f"Adapted the network to {dataset.title} (the project now trains on it):", file=sys.stderr)
    for line in adaptation.in_words():
        print(f"  {line}", file=sys.stderr)
