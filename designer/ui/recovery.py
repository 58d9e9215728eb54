"""Autosave and crash recovery for the main window, in plain Python (no Qt) so it can be tested alone.

Each running window is one *session* with an id ``<pid>-<time_ns>``. Its files sit in one folder
(``data_dir()/recovery`` by default): ``<session>.lock`` holds the owning process id while the window runs,
``<session>.json`` is the autosaved project (an ordinary project file that ``load_project`` reads) and
``<session>.<role>.<hash>.weights.h5`` beside it hold its trained weights, and
``<session>.meta.json`` says where it came from (the file it was opened from, when it was saved, its name).
A clean close removes all three. A session whose process is gone but whose project file is still there is an
*orphan*: the window crashed, and the next window offers to restore it. Liveness is checked with
``os.kill(pid, 0)`` on POSIX and ``OpenProcess`` on Windows; a reused process id can hide an orphan until that
process ends, which is harmless. Nothing here raises for a broken folder, lock or metadata file: recovery runs
while the app starts, and a damaged leftover must never stop the app from opening.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from designer.core.project import Project
from designer.core.project_files import ProjectError, load_project, save_project, write_text_atomic
from designer.ui.app_settings import data_dir

log = logging.getLogger(__name__)

# only files named like a session are ours; anything else in the folder (temporaries, strays) is left alone
_SESSION = re.compile(r"^(\d+-\d+)(\.json|\.meta\.json|\.lock)$")


@dataclass
class RecoveryEntry:
    """A project autosaved by a window that did not close cleanly."""

    project_path: Path
    source_path: str | None
    saved_at: datetime
    name: str

    @property
    def session(self) -> str:
        return self.project_path.name[: -len(".json")]

    def load(self) -> Project:
        """The autosaved project; ProjectError if it cannot be read."""
        return load_project(self.project_path)


class RecoveryStore:
    """This window's autosave slot, and the orphans other (crashed) windows left behind."""

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = Path(directory) if directory is not None else None
        self.session_id = f"{os.getpid()}-{time.time_ns()}"
        self.started = False
        # plain-words reasons why leftovers were skipped by the last orphans() call, for the log
        self.errors: list[str] = []

    @property
    def directory(self) -> Path:
        # resolved late so that constructing a store never touches the disk
        return self._directory if self._directory is not None else data_dir() / "recovery"

    def _file(self, session: str, suffix: str) -> Path:
        return self.directory / f"{session}{suffix}"

    @property
    def project_path(self) -> Path:
        return self._file(self.session_id, ".json")

    # ------------------------------------------------------------- this session
    def start(self) -> None:
        """Claim the session's lock; also sweeps away dead sessions that left nothing to recover."""
        self.directory.mkdir(parents=True, exist_ok=True)
        write_text_atomic(self._file(self.session_id, ".lock"), f"{os.getpid()}\n")
        self.started = True
        self._sweep()

    def save(self, project: Project, source_path: str | os.PathLike | None) -> None:
        """Autosave `project` (opened from or last saved to `source_path`, None if never saved). Raises OSError
        if the folder cannot be written: the window reports that, and the work is still in memory."""
        if not self.started:
            self.start()
        # the project first: metadata without a project is ignored, a project without metadata is still offered;
        # its trained weights are written beside it like any project's (designer.core.trained_files)
        save_project(project, self.project_path)
        meta = {
            "source_path": os.fspath(source_path) if source_path is not None else None,
            "saved_at": datetime.now().astimezone().isoformat(),
            "name": project.name,
        }
        text = json.dumps(meta, indent=2, ensure_ascii=False) + "\n"
        write_text_atomic(self._file(self.session_id, ".meta.json"), text)

    def clear(self) -> None:
        """Forget the autosave (after a successful save, or on a clean close); the lock stays."""
        self._remove(self.session_id, (".json", ".meta.json"))

    def stop(self) -> None:
        """End the session cleanly: nothing is left to recover."""
        self._remove(self.session_id, (".json", ".meta.json", ".lock"))
        self.started = False

    # ---------------------------------------------------------------- orphans
    def orphans(self) -> list[RecoveryEntry]:
        """Autosaves of sessions whose process is gone, newest first; never this session's own."""
        self.errors = []
        entries = []
        for session in self._sessions():
            if session == self.session_id or self._alive(session):
                continue
            project_path = self._file(session, ".json")
            if not project_path.is_file():
                continue
            try:
                project = load_project(project_path)
            except ProjectError as error:
                # left in place, not deleted: it may come from a newer version of the app that can read it
                self.errors.append(f"skipped the unreadable autosave {project_path}: {error.problem}")
                continue
            entries.append(self._entry(project_path, project))
        entries.sort(key=lambda e: e.saved_at, reverse=True)
        return entries

    def discard(self, entry: RecoveryEntry) -> None:
        """Delete an orphan's files (after it was restored, or the user declined it)."""
        self._remove(entry.session, (".json", ".meta.json", ".lock"))

    # ---------------------------------------------------------------- helpers
    def _entry(self, project_path: Path, project: Project) -> RecoveryEntry:
        meta = _read_meta(self._file(project_path.name[: -len(".json")], ".meta.json"))
        source = meta.get("source_path")
        name = meta.get("name")
        return RecoveryEntry(
            project_path=project_path,
            source_path=source if isinstance(source, str) and source else None,
            saved_at=_parse_time(meta.get("saved_at")) or _modified(project_path),
            name=name if isinstance(name, str) and name else project.name,
        )

    def _sessions(self) -> list[str]:
        try:
            names = [p.name for p in self.directory.iterdir()]
        except OSError:  # no folder yet (never autosaved) or unreadable: nothing to recover
            return []
        return sorted({m.group(1) for m in map(_SESSION.match, names) if m})

    def _alive(self, session: str) -> bool:
        try:
            text = self._file(session, ".lock").read_text(encoding="utf-8").strip()
        except (OSError, ValueError):  # no lock (or an unreadable one): nobody holds the session
            return False
        # the lock is written atomically, so garbage means damage, not a writer half way through
        return re.fullmatch(r"[0-9]{1,10}", text) is not None and process_alive(int(text))

    def _sweep(self) -> None:
        """Remove the locks and metadata of dead sessions with no project to recover."""
        for session in self._sessions():
            if session != self.session_id and not self._file(session, ".json").exists() and not self._alive(session):
                self._remove(session, (".meta.json", ".lock"))

    def _remove(self, session: str, suffixes: tuple[str, ...]) -> None:
        if ".json" in suffixes:  # the autosave's trained weights go with it
            suffixes += tuple(p.name[len(session):] for p in self.directory.glob(f"{session}.*.weights.h5"))
        for suffix in suffixes:
            try:
                self._file(session, suffix).unlink(missing_ok=True)
            except OSError as error:  # e.g. a file held open on Windows; it will be offered or swept next time
                log.warning("could not remove a recovery file: %s", error)


def process_alive(pid: int) -> bool:
    """Whether a process with this id is running. When unsure, says yes: hiding an orphan until later is harmless,
    offering a live window's autosave to another window is not."""
    if not 0 < pid < 2**31:  # 0 and negatives mean process groups to os.kill, not one process
        return False
    if sys.platform == "win32":
        return _windows_process_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists but belongs to another user
        return True
    return True


def _windows_process_alive(pid: int) -> bool:
    # os.kill on Windows terminates the process whatever the signal, so ask the kernel instead
    import ctypes

    query_limited_information, access_denied, still_active = 0x1000, 5, 259
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    handle = kernel32.OpenProcess(query_limited_information, False, pid)
    if not handle:
        return ctypes.get_last_error() == access_denied
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == still_active
    finally:
        kernel32.CloseHandle(handle)


def _read_meta(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing or damaged metadata: the project itself is still worth offering
        return {}
    return data if isinstance(data, dict) else {}


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    # aware times only, so a hand-edited naive time still sorts against the others (read as local time)
    return moment.astimezone() if moment.tzinfo is None else moment


def _modified(path: Path) -> datetime:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    except OSError:
        return datetime.now().astimezone()
