"""The wheel carries what the app reads: built from the checkout, it holds every template, the bundled datasets and
the project schema inside the package, and an installation of it (not the checkout, not an editable install) lists
the templates, starts a project and trains it on the bundled digits from a folder far from the checkout."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = ROOT / "designer" / "resources"

pytestmark = pytest.mark.slow  # builds a wheel (seconds) and trains one epoch in a subprocess


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    (path,) = out.glob("network_designer-*.whl")
    return path


def test_the_wheel_carries_the_templates_datasets_schema_and_icons(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("templates", "exercises", "datasets", "icons"):
        expected = {f"designer/resources/{folder}/{p.name}" for p in (RESOURCES / folder).iterdir() if p.is_file()}
        assert expected and expected <= names, expected - names
    assert "designer/resources/project.schema.json" in names
    assert "designer/resources/exercise.schema.json" in names
    assert not any(name.startswith(("tests/", "tools/", "bench/")) for name in names)


def test_an_installed_wheel_runs_a_template_from_any_folder(wheel, tmp_path):
    site = tmp_path / "site"
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site),
                                str(wheel)], capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}  # before the checkout's editable install on sys.path

    def designer(*args):
        return subprocess.run([sys.executable, "-m", "designer", *args], capture_output=True, text=True, cwd=work,
                              env=env, timeout=300)

    where = subprocess.run([sys.executable, "-c", "import designer.core.templates as t; print(t.resources_dir())"],
                           capture_output=True, text=True, cwd=work, env=env, timeout=60)
    assert Path(where.stdout.strip()).is_relative_to(site), where.stdout  # the wheel's copy, not the checkout's
    listed = designer("templates")
    assert listed.returncode == 0 and "digits_mlp" in listed.stdout and "mlp_gan" in listed.stdout
    assert designer("new", "digits_mlp", "digits.json").returncode == 0
    trained = designer("train", "digits.json", "--epochs", "1")
    assert trained.returncode == 0, trained.stderr
    assert "Handwritten digits 8×8" in trained.stderr  # the bundled dataset, read from inside the package
    exercises = designer("exercises")
    assert exercises.returncode == 0 and exercises.stdout.startswith("one-neuron")  # the exercises too
    window = subprocess.run(
        [sys.executable, "-c", "from designer.ui.app import make_application, open_window\n"
         "app = make_application(); window = open_window(); print(window.project.name, len(window.editors))\n"
         "window.undo_stack.setClean(); window.close()"],
        capture_output=True, text=True, cwd=work, timeout=300,
        env={**env, "QT_QPA_PLATFORM": "offscreen", "DESIGNER_CONFIG_DIR": str(tmp_path / "config"),
             "DESIGNER_DATA_DIR": str(tmp_path / "data")})
    assert window.returncode == 0, window.stderr
    assert window.stdout.strip() == "Digits classifier (8×8, offline) 1"  # the window opens on the bundled example
