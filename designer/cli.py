"""The headless command line: templates, datasets, new, summary, train, evaluate, predict, export, import, runs,
sweep, exercises, exercise, check, doctor, install-desktop.

It drives the same engine the window uses (core document, Keras shape oracle, compiler, training engine).
Every failure prints one plain line, ``designer: error: ...``, and exits with a non-zero status; a traceback
is a bug.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
from pathlib import Path

from designer import __version__
from designer.cli_data import (adapted_to, data_choice, fit_to_data, load_choice, predicting, refuse_misfit,
                                saved_choice, say)
from designer.cli_errors import CliError
from designer.cli_model import cmd_evaluate, cmd_export, cmd_import, cmd_predict
from designer.cli_learn import add_parsers as add_learn_parsers
from designer.cli_learn import cmd_check, cmd_exercise, cmd_exercises
from designer.cli_runs import add_parsers as add_run_parsers
from designer.cli_runs import cmd_runs, cmd_sweep

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130



class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, like every other error of ours
        raise CliError(f"{message} (see 'designer --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="designer",
        description="Network Designer: design neural networks, train them, export them. "
        "With no command, the designer window opens on a bundled example.",
    )
    parser.add_argument("--version", action="version", version=f"Network Designer {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    open_ = commands.add_parser("open", help="open a project file (or import a Keras model) in the designer window")
    open_.add_argument("file", help="a project file, or a .keras / .h5 model")
    commands.add_parser("templates", help="list the ready-made networks of the course notes")
    commands.add_parser("datasets", help="list the datasets with their shapes and tasks")
    new = commands.add_parser("new", help="start a project file from a template")
    new.add_argument("template", help="template key, as 'designer templates' lists them")
    new.add_argument("file", help="the project file to write")
    new.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    summary = commands.add_parser("summary", help="a Keras-like table of the layers, shapes and parameters")
    summary.add_argument("file", help="a project file")
    train = commands.add_parser("train", help="train a project with a progress bar")
    train.add_argument("file", help="a project file")
    train.add_argument("--epochs", type=int, help="override the project's number of epochs")
    train.add_argument("--out", help="also write model.keras and history.json (and test.json) to this folder")
    train.add_argument("--fresh", action="store_true", help="start from fresh weights, not from those kept with the project")
    train.add_argument("--data", help="a dataset name, or the path of your own .csv/.npz/.npy file, to use instead of the "
                       "project's (its data options that apply are kept)")
    _add_target(train)
    train.add_argument("--fit", action="store_true", help="fit the model to the data first, as the window's \"Fit model "
                       "to data\" does (the Input's shape, the output's units), each change said; FILE keeps it")
    train.add_argument("--keep-weights", action="store_true", help="also keep this run's weights with its record "
                       "(to restore them later with 'designer runs FILE --restore N')")
    train.add_argument("--tensorboard", metavar="FOLDER", help="also write TensorBoard logs to FOLDER/run-N")
    evaluate = commands.add_parser("evaluate", help="the trained model's scores on the rows it never trained on")
    evaluate.add_argument("file", help="a trained project file")
    evaluate.add_argument("--data", help="a dataset name or your own file, instead of the project's")
    _add_target(evaluate)
    predict = commands.add_parser("predict", help="the trained model's answer for an input of your own")
    predict.add_argument("file", help="a trained project file")
    predict.add_argument("input", help="an image file, a .csv file of rows, or a .npy array, in the data's own units")
    predict.add_argument("--data", help="the dataset whose preparation the input gets, instead of the project's")
    _add_target(predict)
    predict.add_argument("--top", type=int, default=3, help="how many classes to show (default 3)")
    predict.add_argument("--out", help="also save the raw outputs to this .npy file")
    export = commands.add_parser("export", help="write the trained model in a format, checked by re-running it")
    export.add_argument("file", help="a project file (trained: its weights go in the export), or a .keras model")
    export.add_argument("--format", required=True, help="keras, savedmodel, tflite, onnx, python or notebook")
    export.add_argument("--out", required=True, help="the file to write (a folder for savedmodel)")
    export.add_argument("--part", help="which network: generator or discriminator (a GAN), model or decoder (a VAE)")
    export.add_argument("--precision", default="float32", help="tflite: float32, float16, dynamic_int8, or int8 "
                        "(full integer, calibrated on rows of the project's data)")
    export.add_argument("--opset", type=int, help="onnx: the opset to write (default: tf2onnx's)")
    export.add_argument("--data", help="a dataset name or your own file, instead of the project's")
    _add_target(export)
    import_ = commands.add_parser("import", help="open a Keras model (.keras, or .h5 saved by Keras) as a project, "
                                  "its weights kept")
    import_.add_argument("model", help="a .keras file (or a legacy .h5 model)")
    import_.add_argument("file", help="the project file to write")
    import_.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    import_.add_argument("--list", action="store_true", help="list every layer and what it became")
    import_.add_argument("--no-check", action="store_true", help="skip running the file's model and the project's "
                         "side by side (seconds for a big model)")
    add_run_parsers(commands)
    add_learn_parsers(commands)
    commands.add_parser("doctor", help="what this installation has and lacks: versions, GPUs (and why none), the "
                        "display, the Keras cache, the app's folders")
    install = commands.add_parser("install-desktop", help="add the app to the desktop menu with its icon, and make "
                                  "project files open in it (Linux, this user)")
    install.add_argument("--remove", action="store_true", help="take it out again")
    return parser


def _add_target(parser) -> None:
    parser.add_argument("--target", metavar="COLUMN", help="the column of a .csv file to predict, instead of the "
                        "project's (or the last column)")


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ start-up chatter is not for users
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) == 1 and argv[0].lower().endswith((".json", ".keras", ".h5")):
        argv = ["open", argv[0]]  # `designer FILE.json`, as a file manager or the desktop launcher calls it
    try:
        args = parser.parse_args(argv)
        if args.command in (None, "open"):
            # the window: with no command, on the bundled example (or a project recovered after a crash)
            from designer.ui.app import run

            return run(getattr(args, "file", None))
        if args.command in NEEDS_TENSORFLOW:
            from designer.keras_bridge.runtime import import_tensorflow_quietly

            import_tensorflow_quietly()
        return COMMANDS[args.command](args)
    except BrokenPipeError:  # `designer templates | head`: the reader left; nothing to say
        sys.stdout = open(os.devnull, "w")
        return 0
    except KeyboardInterrupt:
        print("designer: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except CliError as error:
        print(f"designer: error: {error}", file=sys.stderr)
        return EXIT_USAGE if "see 'designer --help'" in str(error) else EXIT_ERROR
    except Exception as error:  # the promise: one line, never a traceback
        message = " ".join(str(error).split()) or type(error).__name__
        print(f"designer: error: {message}", file=sys.stderr)
        return EXIT_ERROR


# ----------------------------------------------------------------------------- commands
def cmd_templates(args) -> int:
    from designer.core.templates import list_templates
    from designer.data.registry import where_from

    for template in list_templates():
        print(f"{template.key:<26} {template.name}")
        print(f"{'':<26} {template.description} {where_from(template.dataset)}".rstrip())
    return 0


def cmd_datasets(args) -> int:
    from designer.core.shapes import format_shape
    from designer.data.registry import list_datasets

    rows = [("name", "task", "source", "sample", "label", "description")]
    for info in list_datasets():
        rows.append((info.name, info.task, info.source, format_shape(info.sample_shape), format_shape(info.label_shape), info.title))
    _print_table(rows)
    print("\nYour own data: wherever a dataset name goes, give the path of a .csv file (one row per sample; the last "
          "column, or the one named with --target COLUMN, is what the network learns to predict), a .npz "
          "file (arrays x and y) or a .npy file (inputs only, for an autoencoder). Example: "
          "designer train project.json --data my_data.csv")
    return 0


def cmd_new(args) -> int:
    from designer.core.templates import template_path

    try:
        source = template_path(args.template)
    except KeyError as error:
        raise CliError(error.args[0]) from None
    target = Path(args.file)
    if target.exists() and not args.force:
        raise CliError(f"{target} already exists; choose another name or add --force to overwrite it")
    shutil.copyfile(source, target)
    print(f"wrote {target} from the template {args.template!r}")
    return 0


def cmd_summary(args) -> int:
    from designer.keras_bridge.shape_oracle import make_analyzer
    from designer.core.shapes import format_shape

    project = _load(args.file)
    analyzer = make_analyzer()
    problems = 0
    for graph in project.graphs:
        report = analyzer.analyse(graph)
        title = f"{project.name} — {graph.name}" if len(project.graphs) > 1 else f"{project.name} ({graph.name})"
        print(title)
        rows = [("Layer (name)", "Kind", "Output shape", "Param #")]
        order = graph.topological_order() if graph.find_cycle() is None else [n.id for n in graph.nodes()]
        for node_id in order:
            node = graph.node(node_id)
            info = report.nodes[node_id]
            rows.append((node.name, node.kind, format_shape(info.output_shape), f"{info.params:,}"))
        _print_table(rows, rule=True, right=(3,))
        print(f"Total params: {report.total_params:,}")
        print(f"Trainable params: {report.trainable_params:,}")
        print(f"Non-trainable params: {report.non_trainable_params:,}")
        for message in report.messages:
            print(f"  {message.severity}: {message.text}")
            problems += message.is_error
        for node_id in order:
            for message in report.nodes[node_id].messages:
                print(f"  {message.severity} in {graph.node(node_id).name}: {message.text}")
                problems += message.is_error
        print()
    return EXIT_ERROR if problems else 0


def cmd_train(args) -> int:
    from designer.core.project_files import save_project
    from designer.keras_bridge.models import save_model
    from designer.core.runs import next_number
    from designer.training.engine import evaluate, fit, plan_training
    from designer.training.run_records import RunClock, device_in_words, record_of, tensorboard_logs
    from designer.training.state import ConsoleState

    project = _load(args.file)
    if args.epochs is not None and args.epochs < 1:
        raise CliError("--epochs must be at least 1")
    out = Path(args.out) if args.out else None
    if args.fresh:
        project.trained = {}
    choice, note = data_choice(project, args.file, args.data, args.target)
    dataset = load_choice(choice, args.target)
    if args.fit:
        dataset = fit_to_data(project, dataset, args.file, choice if args.data or args.target else None)
    elif args.data:
        adapted_to(project, dataset, args.file, choice)
    refuse_misfit(project, dataset, fit_hint=not args.fit)  # before any training: nonsense is not trained
    say(note)
    print(f"Training {project.name!r} on {dataset.title} ({dataset.train_rows:,} samples){predicting(dataset)}",
          file=sys.stderr)
    for line in project.load_notes:
        print(line, file=sys.stderr)
    state = ConsoleState()
    clock, ran = RunClock(), project.copy()  # what the run's record says it trained with
    if args.epochs is not None:
        ran.training["epochs"] = args.epochs
    if (args.data or args.target) and not args.fit:  # (fitted, the project trains on that data from now on)
        ran.dataset = saved_choice(choice, args.file)  # the data it trained on, not the project's
    number = next_number(project.runs)
    plan = plan_training(project, dataset, args.epochs, insights=state.wants_insights, health=state.wants_health)
    if args.tensorboard:
        plan.callbacks.append(tensorboard_logs(args.tensorboard, number))
    for role, reuse in plan.reuse.items():
        network = "" if role == "model" else f" ({role})"
        print(f"Going on from the weights kept with the project{network}: {reuse.in_words()} "
              "(--fresh starts from new weights)", file=sys.stderr)
    result = fit(plan, state)
    project.trained = result.trained
    project.runs.append(record_of(ran, result, clock, device_in_words(ran.training["device"]), number,
                                  keep_weights=args.keep_weights))
    save_project(project, args.file)  # the project file keeps what was learned (its weights beside it) and the run
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        if result.discriminator is not None:
            save_model(result.model, str(out / "generator.keras"))
            save_model(result.discriminator, str(out / "discriminator.keras"))
        else:
            save_model(result.model, str(out / "model.keras"))
        # NaN is not JSON: a loss that blew up is written as null, which every JSON reader accepts
        history = {k: [v if math.isfinite(v) else None for v in values] for k, values in result.history.items()}
        (out / "history.json").write_text(json.dumps(history, indent=2) + "\n", encoding="utf-8")
    if result.stopped_reason:
        print(result.stopped_reason, file=sys.stderr)
    last = {k: v[-1] for k, v in result.history.items() if v}
    print("final: " + ", ".join(f"{k} {v:.4f}" for k, v in last.items()), file=sys.stderr)
    for finding in result.findings:  # said when they appeared, and again here, where the run's summary is read
        print(finding.line(), file=sys.stderr)
    if not result.findings:
        print("health: nothing found (no dead, saturated or vanishing layers, no overfitting, no trouble with the "
              "learning rate)", file=sys.stderr)
    test_rows = len(dataset.stream_test if dataset.streamed else dataset.x_test) if (
        dataset.stream_test is not None or dataset.x_test is not None) else 0
    if test_rows and result.discriminator is None:
        scores = evaluate(result.model, dataset, project.training["mode"])
        if out is not None:
            (out / "test.json").write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")
        print(f"test ({test_rows:,} rows never seen in training): "
              + ", ".join(f"{k} {v:.4f}" for k, v in scores.items()), file=sys.stderr)
    print(f"saved the trained weights with {args.file} (run {number}: 'designer runs {args.file}')"
          + (f"; wrote {out}/" if out is not None else ""))
    return 0


def cmd_doctor(args) -> int:
    from designer.doctor import diagnose, report

    print(report(diagnose()))
    return 0


def cmd_install_desktop(args) -> int:
    from designer.desktop import DesktopError, install, remove

    try:
        done = remove() if args.remove else install()
    except DesktopError as error:
        raise CliError(str(error)) from None
    for line in done:
        print(line)
    return 0


NEEDS_TENSORFLOW = {"summary", "train", "export", "evaluate", "predict", "import", "sweep", "doctor", "check"}

COMMANDS = {
    "templates": cmd_templates,
    "exercises": cmd_exercises,
    "exercise": cmd_exercise,
    "check": cmd_check,
    "datasets": cmd_datasets,
    "new": cmd_new,
    "summary": cmd_summary,
    "train": cmd_train,
    "export": cmd_export,
    "evaluate": cmd_evaluate,
    "predict": cmd_predict,
    "import": cmd_import,
    "runs": cmd_runs,
    "sweep": cmd_sweep,
    "doctor": lambda args: cmd_doctor(args),
    "install-desktop": lambda args: cmd_install_desktop(args),
}


# ----------------------------------------------------------------------------- helpers
def _load(path: str):
    from designer.core.project_files import load_project

    return load_project(path)


def _print_table(rows: list[tuple], rule: bool = False, right: tuple[int, ...] = ()) -> None:
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]

    def line(row):
        cells = [str(c).rjust(w) if i in right else str(c).ljust(w) for i, (c, w) in enumerate(zip(row, widths))]
        return "  ".join(cells).rstrip()

    width = sum(widths) + 2 * (len(widths) - 1)
    print(line(rows[0]))
    print(("━" if rule else "-") * width)
    for row in rows[1:]:
        print(line(row))
    if rule:
        print("━" * width)
