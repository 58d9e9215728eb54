"""`designer doctor` and `designer install-desktop`: the report says what is there and, when TensorFlow sees no GPU,
the likely reason (tested with made-up facts for each case, and for real on this machine); a folder the app cannot
write to is a problem in words; the launcher, icons and project file type are written for this user and taken out
again, and a project file is told from other JSON files by its content."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from designer import desktop, doctor
from designer.doctor import NOTE, OK, PROBLEM, GpuFacts


def test_a_visible_gpu_is_listed():
    section = doctor.gpus(GpuFacts(("NVIDIA H200",), built_with_cuda=True, driver=True, cuda_libraries=True))
    assert section.status == OK and section.lines[0] == "GPU 0: NVIDIA H200"


@pytest.mark.parametrize("facts, reason", [
    (GpuFacts((), False, False, False, "linux"), "CPU-only build"),
    (GpuFacts((), False, False, False, "darwin"), "macOS has no CUDA"),
    (GpuFacts((), False, False, False, "win32"), "WSL2"),
    (GpuFacts((), True, False, False, "linux"), "no NVIDIA driver"),
    (GpuFacts((), True, True, False, "linux"), "network-designer[gpu]"),
    (GpuFacts((), True, True, True, "linux"), "CUDA_VISIBLE_DEVICES"),
])
def test_no_gpu_says_the_likely_reason(facts, reason):
    section = doctor.gpus(facts)
    assert section.status == NOTE and "runs on the CPU" in section.lines[0]
    assert reason in section.lines[1]


def test_the_display_section_follows_the_environment():
    assert doctor.display({"QT_QPA_PLATFORM": "offscreen"}).status == OK
    if sys.platform.startswith("linux"):
        headless = doctor.display({})
        assert headless.status == NOTE and "xvfb-run" in headless.lines[-1]


def test_a_folder_that_cannot_be_written_is_a_problem(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DESIGNER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("DESIGNER_DATA_DIR", str(blocker / "data"))  # a folder inside a file cannot be made
    section = doctor.folders()  # the app's own data_dir() fails making it: the report says so, it does not raise
    assert section.status == PROBLEM and any("NOT writable" in line for line in section.lines)
    text = doctor.report([section])
    assert text.startswith("[PROBLEM] Folders") and text.endswith("Needs attention: Folders (see above).")


def test_designer_doctor_on_this_machine(tmp_path):
    env = {**os.environ, "DESIGNER_CONFIG_DIR": str(tmp_path / "c"), "DESIGNER_DATA_DIR": str(tmp_path / "d"),
           "KERAS_HOME": str(tmp_path / "keras")}
    run = subprocess.run([sys.executable, "-m", "designer", "doctor"], capture_output=True, text=True, env=env,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    for heading in ("] Versions", "] GPU", "] Display", "] Keras cache", "] Folders"):
        assert heading in run.stdout
    assert "tensorflow 2." in run.stdout and "keras 3." in run.stdout
    assert "Datasets already downloaded: none" in run.stdout
    assert run.stdout.rstrip().splitlines()[-1].startswith(("Everything", "Needs attention"))
    assert "Traceback" not in run.stderr


def test_install_desktop_writes_the_launcher_icons_and_file_type_and_removes_them(tmp_path):
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "share")}
    lines = desktop.install(env)
    files = desktop.installed_files(env)
    assert all(path.is_file() for path in files)
    entry = (tmp_path / "share" / "applications" / "network-designer.desktop").read_text()
    assert "Icon=network-designer" in entry and f"MimeType={desktop.MIME_TYPE};" in entry
    assert entry.splitlines()[5].startswith("Exec=") and entry.splitlines()[5].endswith(" %f")
    assert any("installed the launcher" in line for line in lines)
    assert desktop.remove(env)[0] == f"removed {len(files)} files (launcher, icons, file type)"
    assert not any(path.exists() for path in files)
    assert desktop.remove(env)[0].startswith("nothing to remove")


def test_the_packaged_launcher_matches_what_install_desktop_writes():
    packaged = Path(__file__).resolve().parents[1] / "packaging" / "network-designer.desktop"
    assert packaged.read_text() == desktop.desktop_entry("designer")


@pytest.mark.skipif(not (shutil.which("gio") and shutil.which("update-mime-database")),
                    reason="needs GIO and shared-mime-info to ask the desktop what a file is")
def test_a_project_file_is_known_by_its_content(tmp_path):
    from designer.core.project_files import save_project
    from designer.core.templates import load_template

    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "share")}
    desktop.install(env)
    project, other = tmp_path / "digits.json", tmp_path / "other.json"
    save_project(load_template("digits_mlp"), project)
    other.write_text('{"format": "something else"}')

    def content_type(path):
        run = subprocess.run(["gio", "info", "-a", "standard::content-type", str(path)], capture_output=True,
                             text=True, env=env, timeout=60)
        return run.stdout.strip().splitlines()[-1].split(": ")[-1]

    assert content_type(project) == desktop.MIME_TYPE
    assert content_type(other) == "application/json"
