"""Run records in the project file and the commands on them: the "runs" section read back as written (NaN as
null, a run's graph only when it differs from the project's), weights kept with a run beside the file and removed
once the run is deleted, broken records and weights said in a note while the project still opens, and adding,
deleting, noting and restoring runs as undoable commands. Weights are bytes here: none of this needs Keras."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from designer.core.commands import History, ReplaceGraph, SetAllTraining, SetDataset, SetTrained
from designer.core.run_commands import AddRun, DeleteRuns, SetRunNote, restore_run
from designer.core.graph import LayerGraph
from designer.core.project import DatasetChoice, Project, check_training
from designer.core.project_files import dumps, load_project, loads, project_to_dict, save_project
from designer.core.runs import RunRecord
from designer.core.sweeps import SweepError, apply_values
from designer.core.trained import TrainedWeights, graph_fingerprint

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "designer" / "resources" / "project.schema.json").read_text(encoding="utf-8"))
NAN = float("nan")
SHAPES = {"hidden": ((2, 3), (3,)), "verdict": ((3, 1), (1,))}


def classifier(hidden: int = 3) -> LayerGraph:
    graph = LayerGraph("classifier")
    x = graph.add("Input", shape=[2], name="features", position=(0, 0))
    x = graph.add("Dense", x, units=hidden, activation="relu", name="hidden", position=(0, 120))
    graph.add("Dense", x, units=1, activation="sigmoid", name="verdict", position=(0, 240))
    return graph


def a_project() -> Project:
    return Project.single(classifier(), name="Tiny", dataset=DatasetChoice("sum_threshold"),
                          training=check_training({"epochs": 50, "learning_rate": 0.02}))


def a_record(number: int, graph: LayerGraph | None = None, **training) -> RunRecord:
    return RunRecord(
        number=number, started="2026-12-01T15:40:02+01:00", seconds=2.345678, device="CPU",
        dataset=DatasetChoice("sum_threshold"), training=check_training({"epochs": 3, **training}),
        graphs=[(graph or classifier()).copy()],
        history={"loss": [0.7, 0.5, 0.4], "val_loss": [0.72, 0.6, 0.55], "val_accuracy": [0.5, 0.7, 0.75]},
    )


def weights(data: bytes, graph: LayerGraph | None = None, epochs: int = 3) -> TrainedWeights:
    return TrainedWeights(data, (graph or classifier()).copy(), dict(SHAPES), epochs)


def weights_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.weights.h5"))


def refuse_constant(constant):
    raise AssertionError(f"{constant} is not JSON")


def same_record(a: RunRecord, b: RunRecord) -> bool:
    """Equal in every field (RunRecord's own == also compares the graph objects)."""
    fields = ("number", "started", "seconds", "device", "dataset", "training", "history", "stopped", "findings",
              "note", "sweep", "trial", "varied", "pruned", "epochs_before")
    return all(getattr(a, f) == getattr(b, f) for f in fields) and a.fingerprints == b.fingerprints


# ------------------------------------------------------------------------------------------ round trips
def test_records_round_trip_with_nan_as_null_and_every_field(tmp_path) -> None:
    project = a_project()
    first = a_record(1, learning_rate=0.01)
    first.history["loss"][2] = NAN
    first.history["val_loss"][1] = None
    first.stopped = "Training stopped at epoch 3: the loss became nan."
    first.findings, first.note, first.epochs_before = ["Dead ReLUs in hidden (epoch 2)"], "too fast", 12
    second = a_record(2, learning_rate=0.003)
    second.sweep, second.trial, second.varied, second.pruned = 1, 2, {"learning_rate": 0.003}, True
    project.runs = [first, second]
    path = tmp_path / "tiny.json"
    save_project(project, path)

    data = json.loads(path.read_text(), parse_constant=refuse_constant)
    jsonschema.validate(data, SCHEMA)
    one, two = data["runs"]
    assert one["history"]["loss"] == [0.7, 0.5, None] and one["history"]["val_loss"] == [0.72, None, 0.55]
    assert one["seconds"] == 2.346 and one["epochs_before"] == 12 and one["note"] == "too fast"
    assert one["fingerprints"] == {"model": graph_fingerprint(project.graph())}
    assert "graphs" not in one and "sweep" not in one and "weights" not in one
    assert (two["sweep"], two["trial"], two["varied"], two["pruned"]) == (1, 2, {"learning_rate": 0.003}, True)
    assert "note" not in two and "findings" not in two and "epochs_before" not in two

    again = load_project(path)
    assert again.load_notes == []
    a, b = again.runs
    assert a.history["loss"] == [0.7, 0.5, None] and a.seconds == 2.346
    first.history["loss"][2], first.seconds, second.seconds = None, 2.346, 2.346
    assert same_record(a, first) and same_record(b, second)
    assert dumps(again, path) == path.read_text()  # read back and written again: the same text


def test_a_runs_graph_is_written_only_when_the_network_was_edited_since(tmp_path) -> None:
    project = a_project()
    project.runs = [a_record(1, graph=classifier(3)), a_record(2, graph=classifier(8))]
    moved = classifier(3)
    moved.set_position(moved.node_by_name("hidden").id, (400, 400))  # positions are not the network
    project.runs.append(a_record(3, graph=moved))
    path = tmp_path / "tiny.json"
    save_project(project, path)
    runs = json.loads(path.read_text())["runs"]
    assert "graphs" not in runs[0] and "graphs" not in runs[2]
    [graph] = runs[1]["graphs"]
    assert graph["role"] == "model" and [n["params"]["units"] for n in graph["nodes"] if n["name"] == "hidden"] == [8]

    again = load_project(path)
    assert again.load_notes == []
    units = [r.graph().node_by_name("hidden").params["units"] for r in again.runs]
    assert units == [3, 8, 3]
    assert again.runs[1].fingerprints == {"model": graph_fingerprint(classifier(8))}
    # the record's graph is its own copy: editing the project's graph later changes no record
    again.graph().set_param(again.graph().node_by_name("hidden").id, "units", 5)
    assert again.runs[0].graph().node_by_name("hidden").params["units"] == 3
    save_project(again, path)
    assert "graphs" in json.loads(path.read_text())["runs"][0]
    assert load_project(path).runs[0].graph().node_by_name("hidden").params["units"] == 3


def test_a_gan_records_both_networks(tmp_path) -> None:
    generator = LayerGraph("generator", "generator")
    generator.add("Dense", generator.add("Input", shape=[8], name="noise"), units=4, name="dense")
    discriminator = LayerGraph("discriminator", "discriminator")
    discriminator.add("Dense", discriminator.add("Input", shape=[4], name="image"), units=1, name="dense")
    project = Project([generator, discriminator], training=check_training({"mode": "gan"}))
    bigger = generator.copy()
    bigger.set_param(bigger.node_by_name("dense").id, "units", 16)
    run = RunRecord(1, "2026-12-01T15:40:02+01:00", 1.0, "CPU", None, dict(project.training),
                    [bigger, discriminator.copy()], {"d_loss": [0.7, 0.6], "g_loss": [1.2, 1.0]})
    project.runs = [run]
    save_project(project, tmp_path / "gan.json")
    entry = json.loads((tmp_path / "gan.json").read_text())["runs"][0]
    assert set(entry["fingerprints"]) == {"generator", "discriminator"}
    assert [g["role"] for g in entry["graphs"]] == ["generator"] and entry["dataset"] is None
    jsonschema.validate(json.loads((tmp_path / "gan.json").read_text()), SCHEMA)
    [again] = load_project(tmp_path / "gan.json").runs
    assert [g.role for g in again.graphs] == ["generator", "discriminator"] and again.epochs == 2
    assert again.graph("generator").node_by_name("dense").params["units"] == 16


def test_without_runs_there_is_no_runs_section() -> None:
    assert "runs" not in project_to_dict(a_project())
    assert loads(dumps(a_project())).runs == []


def test_the_run_example_of_the_format_guide_fits_the_schema_and_loads() -> None:
    guide = (ROOT / "docs" / "project-format.md").read_text(encoding="utf-8")
    [block] = [b for b in re.findall(r"```json\n(.*?)```", guide, flags=re.S) if b.lstrip().startswith('"runs"')]
    document = project_to_dict(a_project())
    document["runs"] = json.loads("{" + block + "}")["runs"]
    jsonschema.validate(document, SCHEMA)
    project = loads(json.dumps(document))
    assert project.load_notes == []
    [run] = project.runs
    assert run.varied == {"learning_rate": 0.01} and run.training["seed"] == 1 and run.epochs == 2


# ------------------------------------------------------------------------------------------ kept weights
def test_a_runs_kept_weights_are_written_beside_the_file_and_read_back(tmp_path) -> None:
    project = a_project()
    project.trained = {"model": weights(b"project" * 40)}
    kept = a_record(1)
    kept.weights = {"model": weights(b"run one" * 40)}
    edited = a_record(2, graph=classifier(8))
    edited.weights = {"model": weights(b"run two" * 40, classifier(8))}  # trained on an earlier network
    project.runs = [kept, edited, a_record(3)]
    path = tmp_path / "tiny.json"
    save_project(project, path)
    sha1, sha2 = kept.weights["model"].sha256[:12], edited.weights["model"].sha256[:12]
    assert weights_files(tmp_path) == sorted([
        f"tiny.model.{project.trained['model'].sha256[:12]}.weights.h5",
        f"tiny.run1-model.{sha1}.weights.h5", f"tiny.run2-model.{sha2}.weights.h5"])
    data = json.loads(path.read_text())
    jsonschema.validate(data, SCHEMA)
    entry = data["runs"][0]["weights"]["model"]
    assert entry["file"] == f"tiny.run1-model.{sha1}.weights.h5" and entry["epochs"] == 3
    assert entry["sha256"] == kept.weights["model"].sha256 and "weights" not in data["runs"][2]

    again = load_project(path)
    assert again.load_notes == []
    assert again.runs[0].weights["model"].data == b"run one" * 40
    assert again.runs[1].weights["model"].data == b"run two" * 40
    assert again.runs[1].weights["model"].fits(classifier(8)) and again.runs[2].weights == {}
    assert again.trained["model"].data == b"project" * 40


def test_deleting_a_run_removes_its_weights_file_at_the_next_save_and_undo_brings_it_back(tmp_path) -> None:
    project = a_project()
    one, two = a_record(1), a_record(2)
    one.weights, two.weights = {"model": weights(b"first" * 40)}, {"model": weights(b"second" * 40)}
    project.runs = [one, two]
    path = tmp_path / "tiny.json"
    save_project(project, path)
    assert len(weights_files(tmp_path)) == 2
    history = History(project)
    history.push(DeleteRuns([1]))
    save_project(project, path)
    assert weights_files(tmp_path) == [f"tiny.run2-model.{two.weights['model'].sha256[:12]}.weights.h5"]
    assert [r.number for r in load_project(path).runs] == [2]
    history.undo()
    save_project(project, path)
    again = load_project(path)
    assert again.load_notes == [] and again.runs[0].weights["model"].data == b"first" * 40


def test_a_save_removes_run_weights_an_interrupted_save_left(tmp_path) -> None:
    path = tmp_path / "tiny.json"
    stray = tmp_path / "tiny.run7-model.0123456789ab.weights.h5"
    temporary = tmp_path / ".tiny.run7-model.0123456789ab.weights.h5.x1y2.tmp"
    other = tmp_path / "other.run7-model.0123456789ab.weights.h5"  # another project's: left alone
    for file in (stray, temporary, other):
        file.write_bytes(b"left over")
    save_project(a_project(), path)
    assert not stray.exists() and not temporary.exists() and other.exists()


@pytest.mark.parametrize("damage", ["missing", "damaged"])
def test_missing_or_damaged_run_weights_keep_the_record_without_them(tmp_path, damage) -> None:
    project = a_project()
    kept = a_record(1)
    kept.weights = {"model": weights(b"run one" * 40)}
    project.runs = [kept, a_record(2)]
    path = tmp_path / "tiny.json"
    save_project(project, path)
    [name] = weights_files(tmp_path)
    if damage == "missing":
        (tmp_path / name).unlink()
    else:
        (tmp_path / name).write_bytes(b"something else")
    text = path.read_text()
    again = load_project(path)
    assert again.load_notes == ["The weights kept with run 1 cannot be used, so the record is kept without them."]
    assert [r.number for r in again.runs] == [1, 2] and again.runs[0].weights == {}
    assert same_record(again.runs[0], load_project(path).runs[0])
    assert path.read_text() == text  # nothing is overwritten until the person saves


def test_run_weights_named_outside_the_folder_are_not_read(tmp_path) -> None:
    project = a_project()
    kept = a_record(1)
    kept.weights = {"model": weights(b"run one" * 40)}
    project.runs = [kept]
    path = tmp_path / "tiny.json"
    save_project(project, path)
    data = json.loads(path.read_text())
    data["runs"][0]["weights"]["model"]["file"] = "../elsewhere.weights.h5"
    path.write_text(json.dumps(data))
    again = load_project(path)
    assert len(again.load_notes) == 1 and again.runs[0].weights == {}


# ------------------------------------------------------------------------------------------ broken records
def saved_with_runs(tmp_path, *damages) -> Path:
    """A project with one good record after each damaged copy of a record, saved and damaged by hand."""
    project = a_project()
    project.runs = [a_record(i + 1) for i in range(len(damages) + 1)]
    path = tmp_path / "tiny.json"
    save_project(project, path)
    data = json.loads(path.read_text())
    for entry, damage in zip(data["runs"], damages):
        damage(entry)
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize("damage, words", [
    (lambda e: e.update(number="one"), '"number" is not a whole number'),
    (lambda e: e.update(number=0), '"number" is not a whole number'),
    (lambda e: e.update(seconds=-3), '"seconds" is not a duration'),
    (lambda e: e.update(seconds="long"), '"seconds" is not a duration'),
    (lambda e: e["history"].update(loss=[0.5, "much", 0.3]), "curve 'loss' holds something that is not a number"),
    (lambda e: e.update(history=[0.5, 0.4]), "curves are not lists of numbers"),
    (lambda e: e["training"].update(lernrate=0.1), "unknown training setting 'lernrate'"),
    (lambda e: e["training"].update(learning_rate=-1), "a training setting"),
    (lambda e: e.update(dataset="moons"), "dataset is not a name with options"),
    (lambda e: e.update(fingerprints={"generator": "abc"}), "'generator' graph the project does not have"),
    (lambda e: e.update(graphs=[{"nodes": "none"}]), "its graph"),
    (lambda e: e.update(graphs=5), "graphs are not a list"),
    (lambda e: e.update(findings="all fine"), "findings are not lines of text"),
    (lambda e: e.update(note=7), "note is not text"),
    (lambda e: e.update(sweep=0), "sweep is not a whole number"),
    (lambda e: e.update(trial=True), "trial is not a whole number"),
    (lambda e: e.update(varied=[1]), "varied values are not an object"),
    (lambda e: e.update(epochs_before=-1), '"epochs_before" is not a whole number'),
])
def test_a_broken_record_is_left_out_with_a_note_and_the_project_opens(tmp_path, damage, words) -> None:
    path = saved_with_runs(tmp_path, damage)
    project = load_project(path)
    [note] = project.load_notes
    assert note.startswith("Run record 1 cannot be read (") and words in note, note
    assert "it is left out" in note
    assert [r.number for r in project.runs] == [2] and project.graph().node_by_name("hidden")


def test_several_broken_records_each_get_a_note(tmp_path) -> None:
    path = saved_with_runs(tmp_path, lambda e: e.update(number="x"), lambda e: e["history"].update(loss=["x"]))
    project = load_project(path)
    assert [n[:18] for n in project.load_notes] == ["Run record 1 canno", "Run record 2 canno"]
    assert [r.number for r in project.runs] == [3]


@pytest.mark.parametrize("section", [{"number": 1}, "runs", 5])
def test_a_runs_section_that_is_not_a_list_opens_without_runs(section) -> None:
    document = project_to_dict(a_project())
    document["runs"] = section
    project = loads(json.dumps(document))
    assert project.runs == [] and project.load_notes == [
        "The project's list of runs cannot be read (\"runs\" is not a list); it opens without them."]


def test_two_records_with_one_number_keep_the_first(tmp_path) -> None:
    path = saved_with_runs(tmp_path, lambda e: e.update(note="first"), lambda e: e.update(number=1))
    project = load_project(path)
    assert project.load_notes == ["Two run records are numbered 1; the second is left out."]
    assert [(r.number, r.note) for r in project.runs] == [(1, "first"), (3, "")]


def test_a_hand_written_record_needs_only_its_number() -> None:
    document = project_to_dict(a_project())
    document["runs"] = [{"number": 4}]
    jsonschema.validate(document, SCHEMA)
    [run] = loads(json.dumps(document)).runs
    assert run.number == 4 and run.history == {} and run.epochs == 0 and run.dataset is None
    assert run.training == check_training({}) and run.fingerprints == {"model": graph_fingerprint(classifier())}


# ------------------------------------------------------------------------------------------ commands
def project_with_events() -> tuple[Project, list[str]]:
    project = a_project()
    seen: list[str] = []
    project.subscribe(lambda event: seen.append(event.kind))
    return project, seen


def test_adding_a_run_is_undoable_and_a_number_is_never_taken_twice() -> None:
    project, seen = project_with_events()
    history = History(project)
    history.push(AddRun(a_record(1)))
    assert [r.number for r in project.runs] == [1] and seen == ["runs_changed"]
    with pytest.raises(ValueError, match="already has a run 1"):
        history.push(AddRun(a_record(1)))
    history.push(AddRun(a_record(2)))
    history.undo()
    assert [r.number for r in project.runs] == [1]
    history.undo()
    assert project.runs == [] and not history.can_undo
    history.redo()
    history.redo()
    assert [r.number for r in project.runs] == [1, 2] and seen.count("runs_changed") == 6


def test_deleting_runs_is_undoable_in_their_order() -> None:
    project = a_project()
    project.runs = [a_record(n) for n in (1, 2, 3, 4)]
    history = History(project)
    command = history.push(DeleteRuns([3, 1]))
    assert command.text == "Delete runs 1, 3" and [r.number for r in project.runs] == [2, 4]
    history.undo()
    assert [r.number for r in project.runs] == [1, 2, 3, 4]
    history.redo()
    assert [r.number for r in project.runs] == [2, 4]
    assert DeleteRuns([2]).text == "Delete run 2"


def test_a_note_replaces_the_record_and_undo_brings_the_old_one_back() -> None:
    project = a_project()
    original = a_record(1)
    project.runs = [original, a_record(2)]
    copy = project.copy()
    history = History(project)
    history.push(SetRunNote(1, "  without dropout \n"))
    assert project.run(1).note == "without dropout" and project.run(1) is not original
    assert original.note == "" and copy.run(1).note == ""  # records are replaced, never changed in place
    history.undo()
    assert project.run(1) is original
    history.redo()
    assert project.run(1).note == "without dropout"
    with pytest.raises(KeyError):
        history.push(SetRunNote(9, "no such run"))
    assert project.run(1).note == "without dropout"


def test_restoring_a_run_brings_back_its_settings_data_network_and_weights_in_one_step() -> None:
    project = a_project()
    graph = project.graph()
    hidden = graph.node_by_name("hidden").id
    old = a_record(1, graph=classifier(8), learning_rate=0.005, batch_size=8)
    old.dataset = DatasetChoice("moons", {"noise": 0.2})
    old.weights = {"model": weights(b"old run" * 20, classifier(8))}
    project.runs = [old]
    before = project_to_dict(project)
    seen: list[str] = []
    project.subscribe(lambda event: seen.append(event.kind))
    history = History(project)
    command = restore_run(project, old)
    assert command.text == "Restore run 1"
    assert [type(s) for s in command.steps] == [SetDataset, SetAllTraining, ReplaceGraph, SetTrained]
    history.push(command)
    assert project.training == old.training and project.dataset == DatasetChoice("moons", {"noise": 0.2})
    assert project.graph() is graph and graph.node(hidden).params["units"] == 8  # the same graph object, edited
    assert graph_fingerprint(graph) == graph_fingerprint(classifier(8))
    assert project.trained["model"].data == b"old run" * 20 and project.trained["model"].fits(graph)
    assert {"dataset_changed", "training_changed", "trained_changed"} <= set(seen)
    history.undo()
    assert project_to_dict(project) == before and project.trained == {} and project.graph() is graph
    history.redo()
    assert graph.node_by_name("hidden").params["units"] == 8 and project.trained["model"].data == b"old run" * 20
    assert project.runs == [old]  # restoring adds no run


def test_restoring_a_run_of_the_same_network_without_weights_changes_only_the_settings() -> None:
    project = a_project()
    project.trained = {"model": weights(b"today" * 20)}
    run = a_record(1, learning_rate=0.1)
    command = restore_run(project, run, text="Use run 1")
    assert command.text == "Use run 1" and [type(s) for s in command.steps] == [SetDataset, SetAllTraining]
    History(project).push(command)
    assert project.training["learning_rate"] == 0.1 and project.training["epochs"] == 3
    assert project.trained["model"].data == b"today" * 20


def test_replace_graph_keeps_names_ports_and_order() -> None:
    merged = LayerGraph()
    a = merged.add("Input", shape=[2], name="a")
    b = merged.add("Input", shape=[3], name="b")
    both = merged.add("Concatenate", b, a, name="both")
    merged.add("Dense", both, units=1, name="out")
    project = a_project()
    history = History(project)
    history.push(ReplaceGraph("model", merged))
    graph = project.graph()
    assert graph_fingerprint(graph) == graph_fingerprint(merged)
    assert [graph.node(n).name for n in graph.inputs_of(both)] == ["b", "a"]
    history.undo()
    assert graph_fingerprint(project.graph()) == graph_fingerprint(classifier())


def test_apply_values_sets_only_the_varied_values_in_one_step() -> None:
    project = a_project()
    hidden = project.graph().node_by_name("hidden").id
    before = project_to_dict(project)
    history = History(project)
    command = history.push(apply_values(project, {"learning_rate": 0.005, "hidden.units": 8}))
    assert command.text == "Apply the best trial"
    assert project.training == {**before["training"], "learning_rate": 0.005}  # the epochs stay the project's
    params = project.graph().node(hidden).params
    assert params["units"] == 8 and params["activation"] == "relu"
    history.undo()
    assert project_to_dict(project) == before
    history.redo()
    assert project.graph().node(hidden).params["units"] == 8
    only_layer = apply_values(project, {"hidden.units": 4}, text="Use trial 3")
    history.push(only_layer)
    assert only_layer.text == "Use trial 3" and project.training["learning_rate"] == 0.005


def test_apply_values_of_a_layer_that_is_gone_says_so() -> None:
    with pytest.raises(SweepError, match="no layer named 'dense_9'"):
        apply_values(a_project(), {"dense_9.units": 8})
