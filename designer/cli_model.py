"""The command-line verbs for a project's trained model: evaluate (scores on the rows it never trained on),
predict (its answer for an input of one's own), export (a file in a format, checked by re-running it) and import
(a Keras model made elsewhere as a project, its weights kept).

They use the same engine as the window's Model panel and Export dialog (designer.training.scoring,
designer.exchange). Errors are raised as exceptions with plain messages; designer.cli prints them as one line.
"""

from __future__ import annotations

import sys
from pathlib import Path


def cmd_evaluate(args) -> int:
    from designer.cli import _load
    from designer.cli_data import project_dataset
    from designer.training.scoring import trained_model

    project = _load(args.file)
    for line in project.load_notes:
        print(line, file=sys.stderr)
    dataset = project_dataset(project, args.file, args.data, args.target)
    scores = trained_model(project, dataset).score()
    print(f"On {scores.description}:")
    for name, value in scores.values.items():
        print(f"{name} {value:.4f}")
    return 0


def cmd_predict(args) -> int:
    import numpy as np

    from designer.cli import _load
    from designer.cli_data import project_dataset
    from designer.data.inputs import read_rows
    from designer.training.scoring import class_probabilities, trained_model

    project = _load(args.file)
    for line in project.load_notes:
        print(line, file=sys.stderr)
    dataset = project_dataset(project, args.file, args.data, args.target)
    trained = trained_model(project, dataset)
    if trained.mode == "gan":
        raise ValueError("a GAN's generator takes noise, not an input: export it and feed it noise, or try it in the window")
    numbers, words = read_rows(args.input, dataset)
    rows = dataset.scale_inputs(numbers)
    outputs = trained.predict(rows, words)
    for i, output in enumerate(outputs):
        prefix = f"row {i + 1}: " if len(outputs) > 1 else ""
        probabilities = class_probabilities(output, dataset.class_names) if trained.mode == "supervised" else None
        if probabilities is not None:
            best, chance = probabilities[0]
            others = ", ".join(f"{name} {p:.3f}" for name, p in probabilities[1:args.top])
            print(f"{prefix}{best} ({chance:.3f})" + (f"; then {others}" if others else ""))
        elif trained.mode == "supervised" and np.asarray(output).size <= 16:
            print(prefix + " ".join(f"{v:.6g}" for v in np.asarray(output).reshape(-1)))
        else:
            error = float(np.mean((np.asarray(output).reshape(-1) - rows[i].reshape(-1)) ** 2)) \
                if np.asarray(output).size == rows[i].size else None
            said = f"; reconstruction error (mean squared) {error:.6g}" if error is not None else ""
            print(f"{prefix}an output of shape {tuple(np.asarray(output).shape)}{said}")
    if args.out:
        np.save(args.out, outputs)
        print(f"wrote the outputs to {Path(args.out)}")
    return 0


def cmd_export(args) -> int:
    from designer.cli import _load
    from designer.cli_data import project_dataset
    from designer.exchange.export import ExportRequest, check_request, export_project

    source = Path(args.file)
    if source.suffix == ".keras":
        return _re_export_keras_file(args)
    project = _load(args.file)
    for line in project.load_notes:
        print(line, file=sys.stderr)
    request = ExportRequest(args.format, args.out, args.part, args.precision, args.opset)
    check_request(project, request)  # a wrong option is said before the data loads
    # a model just imported has no dataset yet: its model file is checked on random inputs
    needs_data = args.data or args.target or project.dataset is not None or args.format in ("python", "notebook") \
        or args.precision == "int8"
    dataset = project_dataset(project, args.file, args.data, args.target) if needs_data else None
    result = export_project(project, dataset, request)
    print(f"wrote {args.out}")
    for note in result.notes:
        print(f"  {note}")
    print(result.summary)
    return 0 if result.ok else 1


def _re_export_keras_file(args) -> int:
    """A .keras model made elsewhere (or by `designer train --out`) written in another format and checked."""
    import numpy as np

    from designer.exchange.export import ExportRequest, check_request
    from designer.exchange.formats import export_model
    from designer.exchange.verify import check_export
    from designer.keras_bridge.models import load_model

    if not Path(args.file).is_file():
        raise ValueError(f"{args.file}: no such file")
    if args.format in ("python", "notebook") or args.part or args.precision == "int8":
        raise ValueError("a .keras file can be written as keras, savedmodel, onnx or tflite (not int8: no data to "
                         "calibrate on); for a script or a notebook export the project")
    model = load_model(args.file)
    request = ExportRequest(args.format, args.out, None, args.precision, args.opset)
    from designer.core.project import Project
    from designer.core.graph import LayerGraph

    check_request(Project([LayerGraph()]), request)
    notes = export_model(model, args.format, args.out, precision=args.precision, opset=args.opset)
    shape = [d or 1 for d in model.inputs[0].shape[1:]]
    rows = np.random.default_rng(0).normal(size=(16, *shape)).astype(np.float32)
    result = check_export(args.format, args.out, model, rows)
    print(f"wrote {args.out}")
    for note in notes + result.notes:
        print(f"  {note}")
    print(result.summary)
    return 0 if result.ok else 1


def cmd_import(args) -> int:
    from designer.core.project_files import save_project
    from designer.exchange.model_import import check_import, import_model

    target = Path(args.file)
    if target.suffix.lower() != ".json":
        raise ValueError(f"{target}: a project file ends in .json")
    if target.exists() and not args.force:
        raise ValueError(f"{target} already exists; choose another name or add --force to overwrite it")
    result = import_model(args.model)
    if not args.no_check:
        check_import(result)
    save_project(result.project, target)
    for line in result.summary():
        print(line)
    if args.list:
        width = max(len(row[0]) for row in result.table())
        for source, class_name, became in result.table():
            print(f"  {source:<{width}}  {class_name:<24} -> {became}")
    print(f"wrote {target}")
    return 0 if result.check is None or result.check.same_outputs else 1
