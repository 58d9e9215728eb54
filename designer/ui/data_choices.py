"""What a newly chosen file of one's own keeps and asks for: whether it is a table whose column to predict is still
to be chosen, whether the window fits the model to it once it is loaded, and which options of the data chosen
before it takes too. No Qt: plain rules the Data panel and the window follow."""

from __future__ import annotations

from pathlib import Path

from designer.core.project import DatasetChoice

#: files read as tables of named columns, one of them the target (as designer.data.user_files reads them)
TABLE_SUFFIXES = (".csv", ".tsv", ".txt")
#: how much of a newly chosen table is read for its column names, on the GUI thread
HEADER_CHARACTERS = 64 * 1024


def is_table(name: str) -> bool:
    """Whether a dataset name is a table file (the listed datasets' names have no suffix)."""
    return Path(name).suffix.lower() in TABLE_SUFFIXES


def needs_target(choice: DatasetChoice | None) -> bool:
    """A table whose column to predict the person has not chosen yet (the loader takes the last one meanwhile)."""
    return choice is not None and is_table(choice.name) and not choice.options.get("target")


def fit_when_loaded(before: DatasetChoice | None, after: DatasetChoice | None) -> bool:
    """Whether the window fits the model to `after`, chosen in place of `before`, once it is loaded: other data, or
    another column to predict (or task) — the Input's width and the output's units follow the target. Not a table
    whose target is still to be chosen: fitting to the default column would ask about output units for a column
    the person may not want; the panel asks for the column first."""
    if after is None or needs_target(after):
        return False
    if before is None or before.name != after.name:
        return True
    return _predicts(before) != _predicts(after)


def _predicts(choice: DatasetChoice) -> tuple[str, str]:
    """What a choice learns to predict: its target column ("" for the default) and task."""
    return choice.options.get("target") or "", choice.options.get("task") or "auto"


def table_columns(path: str) -> list[str] | None:
    """A table file's column names as designer.data.user_files names them, from its beginning; None when it cannot
    be read."""
    from designer.data.user_files import read_columns

    return read_columns(path, HEADER_CHARACTERS)


def options_for_file(previous: DatasetChoice | None, path: str) -> dict:
    """The options chosen for `previous` that the newly chosen file `path` takes too (scaling, shuffling, validation,
    seed, image size…), so choosing the next file does not undo them; the column to predict (and the task) only
    when `previous` was a table too and `path` has a column of that name."""
    if previous is None:
        return {}
    from designer.data.registry import option_specs

    takes = {spec.name for spec in option_specs(path)}
    kept = {name: list(value) if isinstance(value, list) else value for name, value in previous.options.items()
            if name in takes and name not in ("target", "task")}
    target = previous.options.get("target")
    if target and "target" in takes and is_table(previous.name) and target in (table_columns(path) or ()):
        kept["target"] = target
        if "task" in previous.options:
            kept["task"] = previous.options["task"]
    return kept
