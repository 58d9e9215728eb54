"""`designer runs` and `designer sweep`, and the run `designer train` records, as real processes: the table of runs
and what differs, CSV, notes, deleting and restoring (with the weights kept), sweeps that print a line per trial and
record each one, errors as one plain line, and a sweep killed mid-way whose finished trials are all in the file."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from designer.core.graph import LayerGraph
from designer.core.project import DatasetChoice, Project, check_training
from designer.core.project_files import load_project, save_project
from designer.core.templates import load_template

pytestmark = pytest.mark.slow  # trains real (tiny) Keras models in subprocesses

ROOT = Path(__file__).resolve().parents[1]


def designer(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "designer", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def assert_one_line_error(run, *words):
    assert run.returncode != 0
    assert "Traceback" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("designer: error: "), run.stderr
    for word in words:
        assert word in lines[0], lines[0]


def binary_project(path: Path, **training) -> Path:
    """The 2→3→1 classifier template on the bundled sum_threshold data (a second an epoch)."""
    project = load_template("binary_classifier")
    project.training.update(training)
    save_project(project, path)
    return path


def weights_files(folder: Path, pattern: str = "*.weights.h5") -> list[str]:
    return sorted(p.name for p in folder.glob(pattern))


def table_rows(stdout: str) -> list[str]:
    """The rows of `designer runs`' table, under its header and rule."""
    lines = stdout.splitlines()
    assert lines[0].split()[:3] == ["run", "date", "differs"] and set(lines[1]) == {"-"}, stdout
    return lines[2:]


@pytest.fixture(scope="module")
def trained_twice(tmp_path_factory) -> Path:
    """A project trained twice: run 1 at learning rate 0.02 with its weights kept, run 2 at 0.05 going on from
    run 1's weights, with TensorBoard logs."""
    folder = tmp_path_factory.mktemp("runs")
    path = binary_project(folder / "binary.json", seed=1)
    first = designer("train", path, "--epochs", 2, "--keep-weights")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == f"saved the trained weights with {path} (run 1: 'designer runs {path}')"
    project = load_project(path)
    project.training["learning_rate"] = 0.05
    save_project(project, path)
    second = designer("train", path, "--epochs", 2, "--tensorboard", folder / "logs")
    assert second.returncode == 0, second.stderr
    assert "(run 2: " in second.stdout
    return path


@pytest.fixture
def trained(trained_twice, tmp_path) -> Path:
    """A copy of the project trained twice, with its weights files, to change."""
    for file in trained_twice.parent.iterdir():
        if file.is_file():
            shutil.copy(file, tmp_path / file.name)
    return tmp_path / trained_twice.name


# ------------------------------------------------------------------------------------------ train records runs
def test_train_records_each_run_with_its_settings_curves_and_kept_weights(trained_twice) -> None:
    project = load_project(trained_twice)
    assert project.load_notes == []
    one, two = project.runs
    assert (one.number, two.number) == (1, 2)
    assert one.training["learning_rate"] == 0.02 and two.training["learning_rate"] == 0.05
    assert one.training["epochs"] == two.training["epochs"] == 2  # the epochs the run was asked for
    assert one.epochs == two.epochs == 2 and set(one.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert one.device and one.seconds > 0 and one.started[10] == "T" and one.dataset.name == "sum_threshold"
    assert one.weights["model"].epochs == 2 and two.weights == {}  # kept only with --keep-weights
    assert one.epochs_before == 0 and two.epochs_before == 2  # run 2 went on from run 1's weights
    folder = trained_twice.parent
    assert len(weights_files(folder, "binary.run1-model.*.weights.h5")) == 1
    assert list((folder / "logs" / "run-2").rglob("events.out.tfevents.*"))


def test_train_on_other_data_records_that_data(tmp_path) -> None:
    path = binary_project(tmp_path / "binary.json")
    data = tmp_path / "points.csv"
    data.write_text("a,b,label\n" + "".join(f"{i % 7},{i % 5},{int(i % 7 + i % 5 > 5)}\n" for i in range(60)))
    run = designer("train", path, "--epochs", 1, "--data", data)
    assert run.returncode == 0, run.stderr
    [record] = load_project(path).runs
    # the file beside the project is recorded by its path from the project's folder, where the project looks for it
    assert record.dataset.name == "points.csv" and load_project(path).dataset.name == "sum_threshold"
    assert json.loads(path.read_text())["runs"][0]["dataset"]["name"] == "points.csv"


# ------------------------------------------------------------------------------------------ designer runs
def test_runs_prints_one_line_per_run_with_what_differs(trained_twice) -> None:
    run = designer("runs", trained_twice)
    assert run.returncode == 0, run.stderr
    rows = table_rows(run.stdout)
    assert len(rows) == 2
    assert rows[0].split()[0] == "1" and "lr 0.02" in rows[0] and "val_accuracy" in rows[0]
    assert rows[1].split()[0] == "2" and "lr 0.05" in rows[1] and "2 (+2 before)" in rows[1]
    assert run.stderr == ""


def test_runs_of_a_project_never_trained_says_how_to_make_one(tmp_path) -> None:
    path = binary_project(tmp_path / "new.json")
    run = designer("runs", path)
    assert run.returncode == 0 and run.stdout.strip() == (
        f"{path} has no recorded runs yet: train it ('designer train {path}') or sweep it.")


def test_runs_csv_has_a_row_per_run_with_every_setting(trained, tmp_path) -> None:
    out = tmp_path / "runs.csv"
    run = designer("runs", trained, "--csv", out)
    assert run.returncode == 0, run.stderr
    assert f"wrote 2 runs to {out}" in run.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert [r["run"] for r in rows] == ["1", "2"]
    assert [float(r["learning_rate"]) for r in rows] == [0.02, 0.05] and [r["epochs"] for r in rows] == ["2", "2"]
    assert rows[0]["best score"] == "val_accuracy" and 0 <= float(rows[0]["best value"]) <= 1
    assert rows[0]["dataset"] == "sum_threshold" and rows[0]["epochs run"] == "2"
    assert [r["epochs before"] for r in rows] == ["0", "2"]


def test_a_note_is_kept_and_shown(trained) -> None:
    run = designer("runs", trained, "--note", 2, "the higher learning rate")
    assert run.returncode == 0, run.stderr
    assert f"{trained}: noted run 2" in run.stderr
    assert table_rows(run.stdout)[1].endswith("the higher learning rate")
    assert load_project(trained).run(2).note == "the higher learning rate"


def test_deleting_a_run_removes_its_record_and_its_kept_weights(trained) -> None:
    assert weights_files(trained.parent, "binary.run1-*")
    run = designer("runs", trained, "--delete", "1")
    assert run.returncode == 0, run.stderr
    assert f"{trained}: deleted run 1" in run.stderr
    assert [r.number for r in load_project(trained).runs] == [2]
    assert weights_files(trained.parent, "binary.run1-*") == []
    assert len(weights_files(trained.parent)) == 1  # the project's own trained weights stay


def test_restoring_a_run_brings_back_its_settings_and_the_weights_it_kept(trained) -> None:
    kept = load_project(trained).run(1).weights["model"]
    run = designer("runs", trained, "--restore", 1)
    assert run.returncode == 0, run.stderr
    assert f"{trained}: restored run 1's settings and the weights it reached" in run.stderr
    project = load_project(trained)
    assert project.load_notes == []
    assert project.training["learning_rate"] == 0.02 and project.training["epochs"] == 2
    assert project.trained["model"].sha256 == kept.sha256 and project.trained["model"].epochs == 2
    assert [r.number for r in project.runs] == [1, 2]
    evaluated = designer("evaluate", trained)
    assert evaluated.returncode == 0, evaluated.stderr  # the weights restored are a working model


def test_restoring_a_run_without_kept_weights_restores_its_settings_only(trained) -> None:
    before = load_project(trained).trained["model"].sha256
    run = designer("runs", trained, "--restore", 2)
    assert run.returncode == 0 and "restored run 2's settings" in run.stderr and "weights" not in run.stderr
    assert load_project(trained).trained["model"].sha256 == before


@pytest.mark.parametrize("args, words", [
    (("--restore", 9), ("has no run 9 (its runs: 1, 2)",)),
    (("--delete", "1,7"), ("has no run 7",)),
    (("--delete", "one"), ("--delete: 'one' is not a run number",)),
    (("--note", "x", "text"), ("--note: 'x' is not a run number",)),
])
def test_runs_errors_are_one_line(trained_twice, args, words) -> None:
    text = trained_twice.read_text()
    assert_one_line_error(designer("runs", trained_twice, *args), *words)
    assert trained_twice.read_text() == text  # nothing changed


# ------------------------------------------------------------------------------------------ designer sweep
def test_sweep_prints_a_line_per_trial_and_the_best_and_records_every_trial(tmp_path) -> None:
    path = binary_project(tmp_path / "binary.json")
    run = designer("sweep", path, "--vary", "learning_rate=0.1,0.01,0.001", "--epochs", 2)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    trials = [line for line in lines if line.startswith("trial ")]
    assert len(trials) == 3 and len(lines) == 4, run.stdout
    assert all(f"/3  run {n}  lr " in line for n, line in zip((1, 2, 3), trials))
    assert all("val_accuracy" in line and "2 epochs" in line for line in trials)
    assert lines[3].startswith("best: trial ") and "learning_rate" in lines[3]
    assert f"to use it: designer runs {path} --restore " in run.stderr
    project = load_project(path)
    assert [(r.number, r.sweep, r.trial) for r in project.runs] == [(1, 1, 1), (2, 1, 2), (3, 1, 3)]
    assert sorted(r.varied["learning_rate"] for r in project.runs) == [0.001, 0.01, 0.1]
    assert {r.training["seed"] for r in project.runs} == {1} and project.training["seed"] is None
    assert project.training["epochs"] == 50 and project.training["learning_rate"] == 0.02  # the project's own stay
    assert project.trained == {}  # a sweep keeps records, not the project's weights
    listed = designer("runs", path)
    assert all("[sweep 1." in row for row in table_rows(listed.stdout))


def test_sweep_apply_best_puts_the_best_value_into_the_project(tmp_path) -> None:
    path = binary_project(tmp_path / "binary.json")
    run = designer("sweep", path, "--vary", "learning_rate=0.2,0.0005", "--vary", "dense.units=2,4", "--trials", 2,
                   "--epochs", 1, "--apply-best")
    assert run.returncode == 0, run.stderr
    best_line = run.stdout.splitlines()[-1]
    project = load_project(path)
    assert len(project.runs) == 2
    best = int(best_line.split("(run ")[1].split(")")[0])
    varied = project.run(best).varied
    assert f"{path} now uses the best trial's values" in run.stderr
    assert project.training["learning_rate"] == varied["learning_rate"]
    assert project.graph().node_by_name("dense").params["units"] == varied["dense.units"]
    assert project.training["epochs"] == 50  # not the sweep's epochs


@pytest.mark.parametrize("args, words", [
    (("--vary", "lr=0.1,0.01"), ("'lr' is neither a training setting",)),
    (("--vary", "learning_rate"), ("--vary 'learning_rate': write NAME=V1,V2",)),
    (("--vary", "seed=1,2"), ("a sweep cannot vary seed",)),
    (("--vary", "dense.units=0,4"), ("dense.units: units must be at least 1",)),
])
def test_sweep_errors_are_one_line(tmp_path, args, words) -> None:
    path = binary_project(tmp_path / "binary.json")
    text = path.read_text()
    assert_one_line_error(designer("sweep", path, *args), *words)
    assert path.read_text() == text


def test_a_gan_cannot_be_swept(tmp_path) -> None:
    generator = LayerGraph("generator", "generator")
    generator.add("Dense", generator.add("Input", shape=[4]), units=2)
    discriminator = LayerGraph("discriminator", "discriminator")
    discriminator.add("Dense", discriminator.add("Input", shape=[2]), units=1, activation="sigmoid")
    path = tmp_path / "gan.json"
    save_project(Project([generator, discriminator], dataset=DatasetChoice("sum_threshold"),
                         training=check_training({"mode": "gan"})), path)
    assert_one_line_error(designer("sweep", path, "--vary", "learning_rate=0.1,0.01"), "a GAN has no one score")


def test_a_sweep_killed_mid_way_leaves_a_project_with_every_finished_trial(tmp_path) -> None:
    path = binary_project(tmp_path / "binary.json")
    stderr = (tmp_path / "stderr.txt").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "designer", "sweep", str(path), "--vary", "learning_rate=0.1,0.03,0.01,0.003",
         "--epochs", "3", "--keep-weights"],
        stdout=subprocess.PIPE, stderr=stderr, text=True)
    trials: list[str] = []
    deadline = time.monotonic() + 280
    try:
        while len(trials) < 2 and time.monotonic() < deadline:
            line = process.stdout.readline()  # the sweep flushes each trial's line as soon as it is saved
            if not line:
                break
            if line.startswith("trial "):
                trials.append(line)
        assert len(trials) == 2, (trials, (tmp_path / "stderr.txt").read_text())
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
    finally:
        process.kill()
        process.stdout.close()
        stderr.close()
    assert process.returncode == -signal.SIGKILL

    project = load_project(path)  # opens, whatever the kill interrupted
    assert project.load_notes == []
    finished = [r for r in project.runs if r.sweep == 1]
    assert len(finished) >= 2 and [r.trial for r in finished] == list(range(1, len(finished) + 1))
    assert all(r.epochs == 3 and r.weights["model"].epochs == 3 for r in finished)
    said = {line.split("  run ")[1].split()[0] for line in trials}
    assert said <= {str(r.number) for r in finished}
    save_project(project, path)  # the next save clears whatever the kill left half-written
    assert list(tmp_path.glob("*.tmp")) == [] and list(tmp_path.glob(".*.tmp")) == []
    assert len(weights_files(tmp_path)) == len(finished)
    assert [r.number for r in load_project(path).runs] == [r.number for r in project.runs]
    again = designer("runs", path)
    assert again.returncode == 0 and len(table_rows(again.stdout)) == len(project.runs)
