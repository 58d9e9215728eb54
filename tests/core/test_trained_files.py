"""Trained weights kept beside the project file: named from the project, checked by checksum and graph
fingerprint, written so that a kill at any moment leaves a project whose weights are all there, and never a
reason to refuse the project. The document treats the weights as bytes, so none of this needs Keras."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import jsonschema
import pytest

from designer.core.commands import History, SetParameter, SetTrained
from designer.core.graph import LayerGraph
from designer.core.project import Project
from designer.core.project_files import load_project, save_project
from designer.core.trained import TrainedWeights, graph_fingerprint, reuse_of

ROOT = Path(__file__).resolve().parents[2]


def mlp() -> LayerGraph:
    g = LayerGraph("digits")
    x = g.add("Input", shape=[64])
    x = g.add("Dense", x, units=32, activation="relu", name="hidden")
    x = g.add("Dense", x, units=16, activation="relu", name="hidden_2")
    g.add("Dense", x, units=10, activation="softmax", name="out")
    return g


SHAPES = {"hidden": ((64, 32), (32,)), "hidden_2": ((32, 16), (16,)), "out": ((16, 10), (10,))}


def trained_project(data: bytes = b"weights-1" * 100, epochs: int = 30) -> Project:
    g = mlp()
    project = Project.single(g, name="Digits")
    project.trained = {"model": TrainedWeights(data, g.copy(), dict(SHAPES), epochs)}
    return project


def weights_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.weights.h5"))


def test_saved_beside_the_project_named_from_it_with_checksum_and_fingerprint(tmp_path):
    project = trained_project()
    save_project(project, tmp_path / "digits.json")
    [name] = weights_files(tmp_path)
    weights = project.trained["model"]
    assert name == f"digits.model.{weights.sha256[:12]}.weights.h5"
    assert (tmp_path / name).read_bytes() == weights.data
    entry = json.loads((tmp_path / "digits.json").read_text())["trained"]["model"]
    assert entry["file"] == name and entry["sha256"] == weights.sha256 and entry["epochs"] == 30
    assert entry["fingerprint"] == graph_fingerprint(project.graph()) and "graph" not in entry
    schema = json.loads((ROOT / "designer" / "resources" / "project.schema.json").read_text())
    jsonschema.validate(json.loads((tmp_path / "digits.json").read_text()), schema)

    again = load_project(tmp_path / "digits.json")
    assert again.load_notes == [] and again.trained["model"].data == weights.data
    assert again.trained["model"].layers == SHAPES and again.trained["model"].epochs == 30


def test_moving_the_folder_keeps_the_project_trained(tmp_path):
    (tmp_path / "a").mkdir()
    save_project(trained_project(), tmp_path / "a" / "digits.json")
    shutil.move(tmp_path / "a", tmp_path / "elsewhere")
    again = load_project(tmp_path / "elsewhere" / "digits.json")
    assert again.load_notes == [] and "model" in again.trained


def test_saving_new_weights_replaces_the_old_file_and_untrained_removes_it(tmp_path):
    path = tmp_path / "digits.json"
    save_project(trained_project(b"first" * 50), path)
    first = weights_files(tmp_path)
    save_project(trained_project(b"second" * 50), path)
    second = weights_files(tmp_path)
    assert len(second) == 1 and second != first
    untrained = trained_project()
    untrained.trained = {}
    save_project(untrained, path)
    assert weights_files(tmp_path) == [] and "trained" not in json.loads(path.read_text())


def test_save_as_elsewhere_leaves_the_first_copy_trained(tmp_path):
    project = trained_project()
    save_project(project, tmp_path / "digits.json")
    save_project(project, tmp_path / "copy.json")
    assert len(weights_files(tmp_path)) == 2
    assert load_project(tmp_path / "digits.json").trained and load_project(tmp_path / "copy.json").trained


def test_an_edited_graph_keeps_the_graph_the_weights_were_trained_for(tmp_path):
    project = trained_project()
    hidden = project.graph().node_by_name("hidden_2").id
    project.graph().set_param(hidden, "units", 8)
    save_project(project, tmp_path / "digits.json")
    entry = json.loads((tmp_path / "digits.json").read_text())["trained"]["model"]
    assert "graph" in entry
    again = load_project(tmp_path / "digits.json")
    assert again.load_notes == []
    weights = again.trained["model"]
    assert weights.fits(trained_project().graph()) and not weights.fits(again.graph())


@pytest.mark.parametrize("damage, said", [
    (lambda folder, name: (folder / name).unlink(), "missing"),
    (lambda folder, name: (folder / name).write_bytes(b"something else"), "damaged"),
])
def test_a_missing_or_damaged_weights_file_opens_untrained_and_says_so(tmp_path, damage, said):
    save_project(trained_project(), tmp_path / "digits.json")
    [name] = weights_files(tmp_path)
    damage(tmp_path, name)
    before = (tmp_path / "digits.json").read_text()
    project = load_project(tmp_path / "digits.json")
    assert project.trained == {} and len(project.load_notes) == 1
    assert said in project.load_notes[0] and "opens untrained" in project.load_notes[0]
    assert (tmp_path / "digits.json").read_text() == before  # nothing is overwritten until the person saves


def test_weights_made_for_another_graph_are_refused_by_fingerprint(tmp_path):
    path = tmp_path / "digits.json"
    save_project(trained_project(), path)
    document = json.loads(path.read_text())
    document["graphs"][0]["nodes"][1]["params"]["units"] = 40  # edited by hand, without the trained-for graph
    path.write_text(json.dumps(document))
    project = load_project(path)
    assert project.trained == {} and "another version of this network" in project.load_notes[0]


@pytest.mark.parametrize("entry", [
    {"file": "../../etc/passwd", "sha256": "0" * 64, "fingerprint": "x", "layers": {}},
    {"file": ".hidden.weights.h5", "sha256": "0" * 64, "fingerprint": "x", "layers": {}},
    {"file": "x.weights.h5", "sha256": "not hex", "fingerprint": "x", "layers": {}},
    "not an object",
])
def test_odd_references_never_stop_the_project_from_opening(tmp_path, entry):
    path = tmp_path / "digits.json"
    save_project(trained_project(), path)
    (tmp_path / "x.weights.h5").write_bytes(b"x")
    document = json.loads(path.read_text())
    document["trained"] = {"model": entry}
    path.write_text(json.dumps(document))
    project = load_project(path)
    assert project.trained == {} and len(project.load_notes) == 1


def test_a_gan_keeps_both_networks(tmp_path):
    generator, discriminator = LayerGraph("g", "generator"), LayerGraph("d", "discriminator")
    generator.add("Dense", generator.add("Input", shape=[8]), units=4, name="make")
    discriminator.add("Dense", discriminator.add("Input", shape=[4]), units=1, name="judge")
    project = Project([generator, discriminator], name="gan")
    project.trained = {"generator": TrainedWeights(b"g" * 10, generator.copy(), {"make": ((8, 4), (4,))}),
                       "discriminator": TrainedWeights(b"d" * 10, discriminator.copy(), {"judge": ((4, 1), (1,))})}
    save_project(project, tmp_path / "gan.json")
    assert len(weights_files(tmp_path)) == 2
    assert set(load_project(tmp_path / "gan.json").trained) == {"generator", "discriminator"}


def test_what_an_edit_keeps_is_said_in_plain_words():
    weights = trained_project().trained["model"]
    assert reuse_of(weights, mlp(), SHAPES).in_words() == "Every layer keeps what it learned."
    edited = dict(SHAPES, hidden_2=((32, 8), (8,)), out=((8, 10), (10,)))
    reuse = reuse_of(weights, mlp(), edited)
    assert reuse.kept == ("hidden",) and reuse.fresh == ("hidden_2", "out")
    assert reuse.in_words() == "hidden keeps what it learned; hidden_2, out start again."
    more = dict(SHAPES, extra=((10, 3), (3,)))
    graph = mlp()
    graph.add("Dense", graph.node_by_name("out").id, units=3, name="extra")
    assert reuse_of(weights, graph, more).in_words() == "3 layers keep what they learned; extra starts again."


def test_training_and_reset_are_undoable_changes():
    project = trained_project()
    learned = dict(project.trained)
    project.trained = {}
    history = History(project)
    history.push(SetTrained(learned, "Train 30 epochs"))
    assert project.trained == learned
    reset = history.push(SetTrained({}))
    assert project.trained == {} and reset.text == "Reset weights"
    history.undo()
    assert project.trained == learned
    history.push(SetParameter(project.graph().node_by_name("out").id, "units", 9), project.graph())
    assert project.trained == learned  # an edit keeps the weights; what still fits is decided when they are used


# ------------------------------------------------------------------- a kill -9 while saving
_SAVER = textwrap.dedent("""
    import sys
    from designer.core.graph import LayerGraph
    from designer.core.project import Project
    from designer.core.project_files import save_project
    from designer.core.trained import TrainedWeights

    path, round_ = sys.argv[1], 0
    while True:  # saves until killed: the project's name and its weights' bytes always say the same round
        round_ += 1
        g = LayerGraph()
        g.add("Dense", g.add("Input", shape=[4]), units=2, name="out")
        project = Project.single(g, name=f"round {round_}")
        data = (f"round {round_};".encode() * 400_000)[:4_000_000]
        project.trained = {"model": TrainedWeights(data, g.copy(), {"out": ((4, 2), (2,))}, round_)}
        save_project(project, path)
        print(round_, flush=True)
""")


def test_a_kill_during_a_save_leaves_the_previous_project_and_weights_intact(tmp_path):
    path = tmp_path / "project.json"
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    for attempt in range(6):
        saver = subprocess.Popen([sys.executable, "-c", _SAVER, str(path)], stdout=subprocess.PIPE, env=environment)
        assert saver.stdout.readline()  # one save done: there is a previous project to protect
        time.sleep(0.05 + 0.037 * attempt)  # then kill it somewhere in the middle of a later save
        saver.send_signal(signal.SIGKILL)
        saver.wait(10)
        project = load_project(path)
        assert project.load_notes == []
        weights = project.trained["model"]
        round_ = int(project.name.split()[1])
        assert weights.data.startswith(f"round {round_};".encode()) and weights.epochs == round_
    # an interrupted save may leave weights that no project file names: the next save tidies them away
    save_project(load_project(path), path)
    assert len(weights_files(tmp_path)) == 1 and not list(tmp_path.glob(".*.tmp"))
