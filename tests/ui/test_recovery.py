"""Autosave and crash recovery: a live session's autosave is never offered, a dead one's is, whole and newest
first; clean ends leave nothing behind, and damaged leftovers are skipped rather than raised."""

import json
import os
import subprocess
import sys
from datetime import datetime

import pytest

from designer.core.project_files import dumps, load_project
from designer.core.templates import load_template
from designer.ui.recovery import RecoveryEntry, RecoveryStore, process_alive


@pytest.fixture(scope="module")
def dead_pid():
    """The id of a process that has finished (reaped, so it is gone, not a zombie)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def project():
    return load_template("perceptron")


def crashed(store, pid):
    """Pretend the process that owned `store` died: its lock now names a finished process."""
    (store.directory / f"{store.session_id}.lock").write_text(f"{pid}\n")


def names(directory):
    return sorted(p.name for p in directory.iterdir())


def test_process_alive(dead_pid):
    assert process_alive(os.getpid())
    assert not process_alive(dead_pid)
    assert not process_alive(0) and not process_alive(-1) and not process_alive(2**40)


def test_start_writes_a_lock_with_the_process_id(tmp_path):
    store = RecoveryStore(tmp_path / "recovery")
    store.start()
    assert store.session_id.startswith(f"{os.getpid()}-")
    assert (tmp_path / "recovery" / f"{store.session_id}.lock").read_text().strip() == str(os.getpid())


def test_the_default_folder_is_under_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DESIGNER_DATA_DIR", str(tmp_path))
    store = RecoveryStore()
    assert store.directory == tmp_path / "recovery"
    assert store.orphans() == []  # no folder yet
    store.start()
    assert (tmp_path / "recovery").is_dir()


def test_the_autosave_is_an_ordinary_project_file(tmp_path, project):
    store = RecoveryStore(tmp_path)
    store.save(project, "/home/me/net.json")  # starts the session if needed
    assert dumps(load_project(store.project_path)) == dumps(project)
    meta = json.loads((tmp_path / f"{store.session_id}.meta.json").read_text())
    assert meta["source_path"] == "/home/me/net.json" and meta["name"] == project.name
    assert datetime.fromisoformat(meta["saved_at"]).tzinfo is not None


def test_a_live_session_is_not_an_orphan(tmp_path, project):
    first = RecoveryStore(tmp_path)
    first.start()
    first.save(project, None)
    assert first.orphans() == []  # never its own
    assert RecoveryStore(tmp_path).orphans() == []  # this test process, which owns it, is alive


def test_a_dead_session_is_offered_and_loads_back_identical(tmp_path, project, dead_pid):
    first = RecoveryStore(tmp_path)
    first.start()
    project.name = "My perceptron"
    first.save(project, "/home/me/net.json")
    crashed(first, dead_pid)

    second = RecoveryStore(tmp_path)
    second.start()
    [entry] = second.orphans()
    assert isinstance(entry, RecoveryEntry)
    assert entry.project_path == first.project_path
    assert entry.source_path == "/home/me/net.json"
    assert entry.name == "My perceptron"
    assert abs((datetime.now().astimezone() - entry.saved_at).total_seconds()) < 60
    assert dumps(entry.load()) == dumps(project)
    assert second.errors == []

    second.discard(entry)
    assert second.orphans() == []
    assert names(tmp_path) == [f"{second.session_id}.lock"]


def test_a_never_saved_project_has_no_source_path(tmp_path, project, dead_pid):
    first = RecoveryStore(tmp_path)
    first.save(project, None)
    crashed(first, dead_pid)
    [entry] = RecoveryStore(tmp_path).orphans()
    assert entry.source_path is None


def test_orphans_are_newest_first(tmp_path, project, dead_pid):
    stores = [RecoveryStore(tmp_path) for _ in range(3)]
    for store, stamp in zip(stores, ["2024-01-02T10:00:00+00:00", "2024-03-01T10:00:00+00:00", "2024-02-01T10:00:00"]):
        store.save(project, f"/p/{stamp[:7]}.json")
        meta_path = tmp_path / f"{store.session_id}.meta.json"
        meta = json.loads(meta_path.read_text())
        meta_path.write_text(json.dumps({**meta, "saved_at": stamp}))  # one naive time, as if edited by hand
        crashed(store, dead_pid)
    found = [e.source_path for e in RecoveryStore(tmp_path).orphans()]
    assert found == ["/p/2024-03.json", "/p/2024-02.json", "/p/2024-01.json"]


def test_a_session_without_a_lock_or_with_a_garbage_lock_is_an_orphan(tmp_path, project):
    lockless, garbage = RecoveryStore(tmp_path), RecoveryStore(tmp_path)
    for store in (lockless, garbage):
        store.save(project, None)
    (tmp_path / f"{lockless.session_id}.lock").unlink()
    (tmp_path / f"{garbage.session_id}.lock").write_bytes(b"\xff not a pid \x00")
    found = {e.project_path for e in RecoveryStore(tmp_path).orphans()}
    assert found == {lockless.project_path, garbage.project_path}


def test_missing_or_broken_metadata_still_offers_the_project(tmp_path, project, dead_pid):
    missing, broken = RecoveryStore(tmp_path), RecoveryStore(tmp_path)
    for store in (missing, broken):
        store.save(project, "/p/net.json")
        crashed(store, dead_pid)
    (tmp_path / f"{missing.session_id}.meta.json").unlink()
    (tmp_path / f"{broken.session_id}.meta.json").write_text('["not", "an object"]')
    entries = RecoveryStore(tmp_path).orphans()
    assert len(entries) == 2
    for entry in entries:
        assert entry.source_path is None and entry.name == project.name
        assert entry.saved_at.tzinfo is not None  # the file's modification time


def test_a_corrupt_autosave_is_skipped_and_reported(tmp_path, project, dead_pid):
    good, bad = RecoveryStore(tmp_path), RecoveryStore(tmp_path)
    for store in (good, bad):
        store.save(project, None)
        crashed(store, dead_pid)
    bad.project_path.write_text('{"format": "half a file')
    looker = RecoveryStore(tmp_path)
    assert [e.project_path for e in looker.orphans()] == [good.project_path]
    assert len(looker.errors) == 1 and bad.project_path.name in looker.errors[0]
    assert bad.project_path.exists()  # kept: a newer app might read it


def test_clear_keeps_the_lock_and_stop_removes_everything(tmp_path, project):
    store = RecoveryStore(tmp_path)
    store.save(project, None)
    store.clear()
    assert names(tmp_path) == [f"{store.session_id}.lock"]
    store.save(project, None)
    store.stop()
    assert names(tmp_path) == []
    store.stop()  # twice is fine


def test_start_sweeps_dead_sessions_with_nothing_to_recover(tmp_path, dead_pid):
    (tmp_path / f"{dead_pid}-1.lock").write_text(f"{dead_pid}\n")
    (tmp_path / f"{dead_pid}-2.meta.json").write_text("{}")
    (tmp_path / f"{os.getpid()}-3.lock").write_text(f"{os.getpid()}\n")  # alive: another window of ours
    (tmp_path / "notes.txt").write_text("not ours")
    store = RecoveryStore(tmp_path)
    store.start()
    assert names(tmp_path) == sorted([f"{os.getpid()}-3.lock", f"{store.session_id}.lock", "notes.txt"])


def test_strays_in_the_folder_are_ignored(tmp_path, project, dead_pid):
    (tmp_path / "readme.json").write_text("{}")
    (tmp_path / ".123-4.json.abc.tmp").write_text("half")
    (tmp_path / "5-6.json").mkdir()  # a folder named like an autosave
    (tmp_path / "5-6.lock").write_text(f"{dead_pid}")
    assert RecoveryStore(tmp_path).orphans() == []
