"""A Linux machine without the system libraries of Qt's X11 plugin: `designer` names them and the command that
installs them (Debian/Ubuntu and Fedora) and exits with status 1, instead of Qt's abort; the headless commands
never look. The broken machine is made with a folder first on LD_LIBRARY_PATH holding a `libxcb-cursor.so.0`
that is no library at all, which the dynamic loader takes before any real one."""

import _ctypes
import os
import subprocess
import sys
from pathlib import Path

import pytest

from designer.ui import platform_check
from designer.ui.platform_check import MissingLibrariesError, check_platform_plugin, describe, xcb_will_be_used

ROOT = Path(__file__).resolve().parents[2]
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Qt's xcb plugin is Linux's")


@pytest.fixture
def broken_xcb(tmp_path):
    """The environment of a desktop session whose libxcb-cursor cannot load (no X server behind DISPLAY: if the
    check let Qt start, Qt would abort on the missing display, never open a window)."""
    broken = tmp_path / "lib"
    broken.mkdir()
    (broken / "libxcb-cursor.so.0").write_bytes(b"oops")  # "file too short" to the loader
    env = {k: v for k, v in os.environ.items() if k not in (
        "QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE", "QT_PLUGIN_PATH", "QT_QPA_PLATFORM_PLUGIN_PATH")}
    env.update(
        DISPLAY=":97",
        LD_LIBRARY_PATH=os.pathsep.join(filter(None, [str(broken), os.environ.get("LD_LIBRARY_PATH")])),
        DESIGNER_CONFIG_DIR=str(tmp_path / "config"),
        DESIGNER_DATA_DIR=str(tmp_path / "data"),
    )
    return env


def run(args, env):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


@linux_only
def test_the_broken_library_really_stops_qt(broken_xcb):
    """The control: with this environment Qt itself cannot start, so the next test means something."""
    qt = run(["-c", "from PySide6.QtWidgets import QApplication; QApplication([])"], broken_xcb)
    assert qt.returncode != 0
    assert "xcb" in qt.stderr


@linux_only
def test_designer_names_the_library_and_both_install_commands(broken_xcb):
    window = run(["-m", "designer"], broken_xcb)
    assert window.returncode == 1, window.stderr
    lines = [line for line in window.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("designer: error: the window cannot open"), window.stderr
    assert "libxcb-cursor.so.0" in lines[0] and "file too short" in lines[0]
    assert "Debian/Ubuntu: sudo apt-get install libxcb-cursor0" in lines[0]
    assert "Fedora: sudo dnf install xcb-util-cursor" in lines[0]
    assert "Traceback" not in window.stderr and "Aborted" not in window.stderr


@linux_only
def test_the_headless_commands_do_not_look(broken_xcb):
    templates = run(["-m", "designer", "templates"], broken_xcb)
    assert templates.returncode == 0, templates.stderr
    assert "digits_mlp" in templates.stdout and templates.stderr == ""


def test_the_error_travels_as_the_command_lines_one_line(monkeypatch, capsys):
    from designer import cli

    def missing():
        raise MissingLibrariesError({"libxcb-icccm.so.4": "", "libxcb-keysyms.so.1": ""})

    monkeypatch.setattr("designer.ui.app.check_platform_plugin", missing)
    assert cli.main([]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("designer: error: the window cannot open: ")
    assert ("libxcb-icccm.so.4, libxcb-keysyms.so.1. Install them, then run designer again. "
            "Debian/Ubuntu: sudo apt-get install libxcb-icccm4 libxcb-keysyms1; "
            "Fedora: sudo dnf install xcb-util-wm xcb-util-keysyms") in err


def test_packages_are_named_once_each_and_unknown_libraries_still_named():
    text = describe({"libxcb-shape.so.0": "", "libxcb-randr.so.0": "", "libEGL.so.1": "", "libfoo.so.3": ""})
    assert "libxcb-shape.so.0, libxcb-randr.so.0, libEGL.so.1, libfoo.so.3 (find the package that provides it)." in text
    assert text.endswith("Debian/Ubuntu: sudo apt-get install libxcb-shape0 libxcb-randr0 libegl1; "
                         "Fedora: sudo dnf install libxcb libglvnd-egl")


def test_a_library_that_is_there_but_cannot_load_says_why():
    text = describe({"libxcb-cursor.so.0": "/opt/lib/libxcb-cursor.so.0: file too short"})
    assert "libxcb-cursor.so.0 (/opt/lib/libxcb-cursor.so.0: file too short)" in text


def test_only_unknown_libraries_gives_no_install_command():
    text = describe({"libfoo.so.3": ""})
    assert "libfoo.so.3 (find the package that provides it)" in text and "apt-get" not in text


def test_every_known_library_has_both_package_names():
    for soname, (debian, fedora) in platform_check.PACKAGES.items():
        assert soname.startswith("lib") and ".so." in soname
        assert debian and fedora and " " not in debian + fedora


def test_missing_libraries_come_from_the_loader_error_and_ldd(monkeypatch):
    monkeypatch.setattr(platform_check, "_ldd_not_found", lambda plugin: ["libxcb-icccm.so.4", "libxcb-keysyms.so.1",
                                                                          "libxcb-icccm.so.4"])
    found = platform_check.missing_libraries(
        Path("libqxcb.so"), "libxcb-icccm.so.4: cannot open shared object file: No such file or directory")
    assert found == {"libxcb-icccm.so.4": "", "libxcb-keysyms.so.1": ""}
    found = platform_check.missing_libraries(Path("libqxcb.so"), "/tmp/x/libxcb-cursor.so.0: file too short")
    assert found["libxcb-cursor.so.0"] == "/tmp/x/libxcb-cursor.so.0: file too short"


@pytest.mark.parametrize("environ, platform, expected", [
    ({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}, "linux", False),  # the tests
    ({"DISPLAY": ":0"}, "linux", True),
    ({"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}, "linux", True),
    ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", False),  # Qt takes its wayland plugin
    ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0", "XDG_SESSION_TYPE": "wayland"}, "linux", False),
    ({"QT_QPA_PLATFORM": "xcb"}, "linux", True),
    ({"QT_QPA_PLATFORM": "xcb:display=:1;wayland"}, "linux", True),
    ({"QT_QPA_PLATFORM": "wayland;xcb", "DISPLAY": ":0"}, "linux", False),
    ({"DISPLAY": ":0"}, "darwin", False),
    ({}, "linux", False),
])
def test_the_check_runs_only_where_qt_would_use_xcb(environ, platform, expected):
    assert xcb_will_be_used(environ, platform) is expected


def test_offscreen_never_looks_for_the_plugin(monkeypatch):
    monkeypatch.setattr(platform_check, "plugin_candidates", lambda environ: pytest.fail("looked"))
    check_platform_plugin({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"})


@linux_only
def test_qt_plugin_paths_come_first(tmp_path):
    (tmp_path / "platforms").mkdir()
    (tmp_path / "platforms" / "libqxcb.so").write_bytes(b"not a library")
    candidates = platform_check.plugin_candidates({"QT_PLUGIN_PATH": str(tmp_path)})
    assert candidates[0] == tmp_path / "platforms" / "libqxcb.so"
    assert candidates[-1].parts[-5:] == ("PySide6", "Qt", "plugins", "platforms", "libqxcb.so")


@linux_only
def test_any_copy_of_the_plugin_that_loads_will_do(tmp_path, monkeypatch):
    broken = tmp_path / "libqxcb.so"
    broken.write_bytes(b"not a library")
    loadable = Path(getattr(_ctypes, "__file__", "libc.so.6"))  # a real shared library, already loaded here
    monkeypatch.setattr(platform_check, "plugin_candidates", lambda environ: [broken, loadable])
    check_platform_plugin({"QT_QPA_PLATFORM": "xcb"})
    monkeypatch.setattr(platform_check, "plugin_candidates", lambda environ: [broken])
    with pytest.raises(MissingLibrariesError, match="libqxcb.so"):
        check_platform_plugin({"QT_QPA_PLATFORM": "xcb"})
