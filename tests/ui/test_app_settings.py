"""The app's folders and the recent-files list: order, no repeats, the limit, and broken files read as empty."""

import json
import os

import pytest

from designer.ui import app_settings
from designer.ui.app_settings import MAX_RECENT, RecentFiles, config_dir, data_dir


@pytest.fixture
def folders(tmp_path, monkeypatch):
    monkeypatch.setenv("DESIGNER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("DESIGNER_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def test_folders_follow_the_environment_and_are_created(folders):
    assert config_dir() == folders / "config" and config_dir().is_dir()
    assert data_dir() == folders / "data" and data_dir().is_dir()


def test_folders_default_to_platformdirs(tmp_path, monkeypatch):
    monkeypatch.delenv("DESIGNER_CONFIG_DIR", raising=False)
    monkeypatch.delenv("DESIGNER_DATA_DIR", raising=False)
    monkeypatch.setattr(app_settings.platformdirs, "user_config_dir", lambda app: str(tmp_path / "c" / app))
    monkeypatch.setattr(app_settings.platformdirs, "user_data_dir", lambda app: str(tmp_path / "d" / app))
    assert config_dir() == tmp_path / "c" / "network-designer"
    assert data_dir() == tmp_path / "d" / "network-designer"


def test_recent_files_are_most_recent_first_without_repeats(folders):
    recent = RecentFiles()
    assert recent.paths() == []
    for name in ("a.json", "b.json", "c.json"):
        recent.add(folders / name)
    recent.add(folders / "a.json")
    assert recent.paths() == [str(folders / n) for n in ("a.json", "c.json", "b.json")]
    assert recent.path == folders / "config" / "recent.json"
    # a new object reads the same list: it is stored, not kept in memory
    assert RecentFiles().paths() == recent.paths()


def test_recent_files_are_made_absolute(folders, monkeypatch):
    monkeypatch.chdir(folders)
    recent = RecentFiles()
    recent.add("project.json")
    recent.add(os.path.join("sub", "..", "project.json"))
    assert recent.paths() == [str(folders / "project.json")]


def test_recent_files_keep_at_most_ten(folders):
    recent = RecentFiles()
    for i in range(MAX_RECENT + 5):
        recent.add(folders / f"{i}.json")
    assert MAX_RECENT == 10
    assert recent.paths() == [str(folders / f"{i}.json") for i in range(14, 4, -1)]


def test_remove_and_clear(folders):
    recent = RecentFiles()
    recent.add(folders / "a.json")
    recent.add(folders / "b.json")
    recent.remove(folders / "a.json")
    recent.remove(folders / "never-there.json")
    assert recent.paths() == [str(folders / "b.json")]
    recent.clear()
    assert recent.paths() == []


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"\xff\xfe\x00", b"[1, 2]", b'{"recent": "a.json"}', b"null", b""],
)
def test_a_broken_list_reads_as_empty_and_is_replaced(folders, content):
    recent = RecentFiles()
    recent.path.write_bytes(content)
    assert recent.paths() == []
    recent.add(folders / "a.json")
    assert recent.paths() == [str(folders / "a.json")]


def test_odd_entries_in_a_hand_edited_list_are_dropped(folders):
    recent = RecentFiles()
    a = str(folders / "a.json")
    recent.path.write_text(json.dumps({"recent": [a, 3, None, "relative.json", "", a, str(folders / "b.json")]}))
    assert recent.paths() == [a, str(folders / "b.json")]


def test_an_unreadable_list_reads_as_empty(folders):
    recent = RecentFiles()
    recent.path.mkdir()  # a folder where the file should be: reading and writing both fail
    assert recent.paths() == []
    recent.add(folders / "a.json")  # logged, not raised
    assert recent.paths() == []


def test_writes_are_atomic_and_leave_no_temporaries(folders, monkeypatch):
    recent = RecentFiles()
    recent.add(folders / "a.json")

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(app_settings.os, "replace", crash)
    recent.add(folders / "b.json")  # the write fails half way: the old list survives whole
    assert recent.paths() == [str(folders / "a.json")]
    assert sorted(p.name for p in recent.path.parent.iterdir()) == ["recent.json"]
