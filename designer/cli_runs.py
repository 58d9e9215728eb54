"""The command-line verbs for a project's recorded runs: runs (the table; restore, delete, note, CSV) and sweep
(train several trials with different values, each recorded).

They use the same document and engine as the window's Runs panel (designer.core.runs, designer.core.commands,
designer.training.sweep). Errors are raised as exceptions with plain messages; designer.cli prints them as one line.
"""

from __future__ import annotations

import sys
from pathlib import Path


def cmd_runs(args) -> int:
    from designer.cli import CliError, _load
    from designer.core.commands import History
    from designer.core.run_commands import DeleteRuns, SetRunNote, restore_run
    from designer.core.project_files import save_project
    from designer.core.runs import runs_csv

    project = _load(args.file)
    for line in project.load_notes:
        print(line, file=sys.stderr)
    numbers = {r.number for r in project.runs}

    def known(number: int) -> int:
        if number not in numbers:
            listed = ", ".join(str(n) for n in sorted(numbers)) or "none yet"
            raise CliError(f"{args.file} has no run {number} (its runs: {listed})")
        return number

    changed = []
    history = History(project)
    if args.note is not None:
        number, text = args.note
        history.push(SetRunNote(known(_whole(number, "--note")), text))
        changed.append(f"noted run {number}")
    if args.delete:
        wanted = [known(_whole(n, "--delete")) for n in args.delete.split(",") if n.strip()]
        history.push(DeleteRuns(wanted))
        changed.append("deleted run" + "s" * (len(wanted) != 1) + " " + ", ".join(str(n) for n in wanted))
    if args.restore is not None:
        record = project.run(known(args.restore))
        history.push(restore_run(project, record))
        kept = " and the weights it reached" if record.weights else ""
        changed.append(f"restored run {record.number}'s settings{kept}")
    if changed:
        save_project(project, args.file)
        print(f"{args.file}: " + "; ".join(changed), file=sys.stderr)
    if args.csv:
        Path(args.csv).write_text(runs_csv(project.runs), encoding="utf-8", newline="")
        print(f"wrote {len(project.runs)} run{'s' * (len(project.runs) != 1)} to {args.csv}", file=sys.stderr)
    if not project.runs:
        print(f"{args.file} has no recorded runs yet: train it ('designer train {args.file}') or sweep it.")
        return 0
    print_runs(project.runs)
    return 0


def print_runs(records) -> None:
    """One line per run: number, date, the settings that differ, the best score, epochs and time."""
    from designer.cli import _print_table
    from designer.core.runs import best_score, differing, duration_in_words, legend, when_in_words

    keys = differing(records)
    rows = [("run", "date", "differs", "best", "epochs", "time", "note")]
    for record in records:
        differs = legend(record, keys).partition(" ")[2] if keys else ""
        if record.sweep is not None:
            differs = f"{differs}  [sweep {record.sweep}.{record.trial}]".strip()
        score = best_score(record.history)
        epochs = (f"{record.epochs}" + (f" (+{record.epochs_before} before)" if record.epochs_before else "")
                  + (" (pruned)" if record.pruned else " (stopped)" if record.stopped else ""))
        rows.append((record.number, when_in_words(record.started), differs or "—",
                     f"{score.in_words()} (epoch {score.epoch})" if score else "—", epochs,
                     duration_in_words(record.seconds), record.note.splitlines()[0][:40] if record.note else ""))
    _print_table(rows, right=(0,))


def cmd_sweep(args) -> int:
    from designer.cli import _load
    from designer.cli_data import data_choice, project_dataset, saved_choice
    from designer.cli_errors import CliError
    from designer.core.project_files import save_project
    from designer.core.runs import best_score, duration_in_words, format_value, short_name
    from designer.core.sweeps import SweepError, parse_vary
    from designer.training.run_records import device_in_words
    from designer.training.sweep import SweepSpec, check_sweep, run_sweep

    project = _load(args.file)
    for line in project.load_notes:
        print(line, file=sys.stderr)
    if args.epochs is not None and args.epochs < 1:
        raise CliError("--epochs must be at least 1")
    try:
        spec = SweepSpec([parse_vary(text) for text in args.vary], search=args.search, trials=args.trials,
                         epochs=args.epochs, prune=args.prune, seed=args.seed, keep_weights=args.keep_weights)
        check_sweep(project, spec)  # before the data loads: a typo is said at once, in one line
    except SweepError as error:
        raise CliError(str(error)) from None
    dataset = project_dataset(project, args.file, args.data, args.target)  # loaded once, for every trial
    device = device_in_words(project.training["device"])

    def recorded(sweep, record) -> None:
        project.runs.append(record)
        save_project(project, args.file)  # at once: stopping or a crash later loses no finished trial
        score = best_score(record.history, sweep.score_name)
        values = ", ".join(f"{short_name(k)} {format_value(v)}" for k, v in record.varied.items())
        outcome = (f"{score.in_words()} (epoch {score.epoch})" if score else "no score") + (
            ", pruned" if record.pruned else "")
        print(f"trial {record.trial}/{sweep.total}  run {record.number}  {values}  {outcome}  "
              f"{record.epochs} epoch{'s' * (record.epochs != 1)}  {duration_in_words(record.seconds)}", flush=True)

    def failed(trial, message: str) -> None:
        values = ", ".join(f"{short_name(k)} {format_value(v)}" for k, v in trial.values.items())
        print(f"trial {trial.number}  {values}  could not train: {message}", flush=True)

    try:
        print(f"Sweeping {project.name!r} on {dataset.title} ({dataset.train_rows:,} samples): "
              + "; ".join(v.in_words() for v in spec.varies) + f"; {args.search} search", file=sys.stderr)
        swept = project
        if args.data or args.target:  # the trials' records say the data they trained on, not the project's
            swept = project.copy()
            swept.dataset = saved_choice(data_choice(project, args.file, args.data, args.target)[0], args.file)
        sweep = run_sweep(swept, dataset, spec, device, recorded, failed)
    except SweepError as error:
        raise CliError(str(error)) from None
    best = sweep.best
    if best is None:
        print("best: no trial reached a score", file=sys.stderr)
        return 1
    values = ", ".join(f"{k} {format_value(v)}" for k, v in best.varied.items())
    score = best_score(best.history, sweep.score_name)
    print(f"best: trial {best.trial} (run {best.number}): {values} → {score.in_words()} (epoch {score.epoch})")
    if args.apply_best:
        from designer.core.commands import History
        from designer.core.sweeps import apply_values

        History(project).push(apply_values(project, best.varied))
        save_project(project, args.file)
        print(f"{args.file} now uses the best trial's values ({values})", file=sys.stderr)
    else:
        print(f"to use it: designer runs {args.file} --restore {best.number}", file=sys.stderr)
    return 0


def _whole(text: str, option: str) -> int:
    from designer.cli import CliError

    try:
        return int(text)
    except ValueError:
        raise CliError(f"{option}: {text!r} is not a run number") from None


def add_parsers(commands) -> None:
    from designer.cli import _add_target  # the same flag, the same words, as train's (cli is loaded: it calls us)

    runs = commands.add_parser("runs", help="the runs recorded with a project: a table; restore, delete, note, CSV")
    runs.add_argument("file", help="a project file")
    runs.add_argument("--csv", help="also write the table, with every setting and score, to this .csv file")
    runs.add_argument("--restore", type=int, metavar="N", help="put run N's settings (and its weights, if kept) "
                      "back into the project")
    runs.add_argument("--delete", metavar="N[,M…]", help="delete these runs' records")
    runs.add_argument("--note", nargs=2, metavar=("N", "TEXT"), help="write a note on run N")
    sweep = commands.add_parser("sweep", help="train several trials with different settings, each recorded as a run")
    sweep.add_argument("file", help="a project file")
    sweep.add_argument("--vary", action="append", required=True, metavar="NAME=VALUES",
                       help="what to vary: a training setting (learning_rate) or LAYER.PARAM (dense.units), with "
                            "values V1,V2,… or a range LOW..HIGH or LOW..HIGH:log; up to 3 times")
    sweep.add_argument("--search", default="grid", choices=("grid", "random", "bayes"),
                       help="every combination (grid, the default), random samples, or Bayesian search (Optuna's TPE)")
    sweep.add_argument("--trials", type=int, help="how many trials (random and bayes: 10 by default; grid: all)")
    sweep.add_argument("--epochs", type=int, help="epochs per trial, instead of the project's")
    sweep.add_argument("--prune", action="store_true", help="stop hopeless trials early (Optuna's median pruner on "
                       "the validation score)")
    sweep.add_argument("--seed", type=int, default=0, help="the search's own seed (default 0): the same seed, the "
                       "same trials")
    sweep.add_argument("--keep-weights", action="store_true", help="keep each trial's weights with its record")
    sweep.add_argument("--apply-best", action="store_true", help="at the end, put the best trial's values of what was "
                       "varied into the project")
    sweep.add_argument("--data", help="a dataset name or your own file, instead of the project's")
    _add_target(sweep)
