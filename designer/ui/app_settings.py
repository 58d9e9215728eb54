"""Where the app keeps its own small files (settings, the recent-files list, autosaves) and the recent-files list
itself. Plain Python on top of platformdirs, with no Qt, so that it can be tested alone; it lives in ``designer.ui``
because only the window uses it. The folders can be moved with the environment variables ``DESIGNER_CONFIG_DIR``
and ``DESIGNER_DATA_DIR`` (tests and portable installs use them). The recent list is a convenience: reading a
broken list gives an empty one and a failed write is logged, never raised, so it can never stop a file opening.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import platformdirs

from designer.core.project_files import write_text_atomic

APP_NAME = "network-designer"
MAX_RECENT = 10

log = logging.getLogger(__name__)


def config_dir() -> Path:
    """The folder for settings (created if missing): $DESIGNER_CONFIG_DIR, else the platform's config folder."""
    return _folder("DESIGNER_CONFIG_DIR", platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    """The folder for the app's own data such as autosaves (created if missing): $DESIGNER_DATA_DIR, else the
    platform's data folder."""
    return _folder("DESIGNER_DATA_DIR", platformdirs.user_data_dir(APP_NAME))


def _folder(variable: str, default: str) -> Path:
    path = Path(os.environ.get(variable) or default).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _same(a: str, b: str) -> bool:
    # normcase: on Windows C:\A.json and c:\a.json are one file and must be one entry
    return os.path.normcase(a) == os.path.normcase(b)


class RecentFiles:
    """The recently opened or saved project files, most recent first, at most MAX_RECENT, absolute, no repeats.

    Stored as ``{"recent": [...]}`` in ``config_dir()/recent.json`` (or in `path`, for tests). The file is read on
    every call rather than cached, so two open windows do not overwrite each other's additions with stale lists.
    """

    def __init__(self, path: Path | None = None) -> None:
        self._path = Path(path) if path is not None else None

    @property
    def path(self) -> Path:
        # resolved late: the config folder is only created when the list is first used
        return self._path if self._path is not None else config_dir() / "recent.json"

    def paths(self) -> list[str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # missing, unreadable, not UTF-8 or not JSON: start afresh
            return []
        entries = data.get("recent") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            return []
        # a hand-edited file may hold anything: keep absolute path strings only, in order, without repeats
        return self._tidy(e for e in entries if isinstance(e, str) and e and "\0" not in e and os.path.isabs(e))

    def add(self, path: str | os.PathLike) -> None:
        """Put `path` first (moving it up if already listed)."""
        self._write([os.path.abspath(os.fspath(path)), *self.paths()])

    def remove(self, path: str | os.PathLike) -> None:
        gone = os.path.abspath(os.fspath(path))
        self._write([p for p in self.paths() if not _same(p, gone)])

    def clear(self) -> None:
        self._write([])

    @staticmethod
    def _tidy(candidates) -> list[str]:
        kept: list[str] = []
        for candidate in candidates:
            if not any(_same(candidate, k) for k in kept):
                kept.append(candidate)
            if len(kept) == MAX_RECENT:
                break
        return kept

    def _write(self, paths: list[str]) -> None:
        try:
            target = self.path
            target.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(target, json.dumps({"recent": self._tidy(paths)}, indent=2, ensure_ascii=False) + "\n")
        except (OSError, ValueError) as error:  # a read-only home must not stop the user opening a project
            log.warning("could not update the recent-files list: %s", error)


class _SettingsFile:
    """A small JSON object of settings in ``config_dir()/<FILE_NAME>`` (or `path`): read on every use (two windows
    do not overwrite each other with stale values), a broken file reads as {}, a failed write is logged."""

    FILE_NAME = ""
    WHAT = "the settings"

    def __init__(self, path: Path | None = None) -> None:
        self._path = Path(path) if path is not None else None

    @property
    def path(self) -> Path:
        return self._path if self._path is not None else config_dir() / self.FILE_NAME

    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, data: dict) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(self.path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        except (OSError, ValueError) as error:
            log.warning("could not save %s: %s", self.WHAT, error)


class RunPreferences(_SettingsFile):
    """How new runs are recorded on this machine: whether each run keeps its weights with its record, and the
    folder TensorBoard logs go to (None: none are written; off by default). Stored in
    ``config_dir()/runs.json`` (or `path`); a broken file reads as the defaults, a failed write is logged."""

    FILE_NAME = "runs.json"
    WHAT = "the run preferences"

    @property
    def keep_weights(self) -> bool:
        return self._read().get("keep_weights") is True

    @property
    def tensorboard_folder(self) -> str | None:
        folder = self._read().get("tensorboard_folder")
        return folder if isinstance(folder, str) and folder and "\0" not in folder else None

    def set(self, keep_weights: bool | None = None, tensorboard_folder: str | None | bool = False) -> None:
        """Change one or both (`tensorboard_folder` None turns the logs off; False leaves it as it is)."""
        data = {"keep_weights": self.keep_weights, "tensorboard_folder": self.tensorboard_folder}
        if keep_weights is not None:
            data["keep_weights"] = bool(keep_weights)
        if tensorboard_folder is not False:
            data["tensorboard_folder"] = tensorboard_folder
        self._write(data)


class ExerciseProgress(_SettingsFile):
    """A student's progress through the exercises on this machine: per exercise, "tried" or "passed", how many
    hints were shown and whether the solution was; and the folder of exercises last opened (None: the built-in
    ones). Stored in ``config_dir()/exercises.json`` (or `path`); a broken file reads as no progress, a failed
    write is logged."""

    FILE_NAME = "exercises.json"
    WHAT = "the exercise progress"

    def _entry(self, key: str) -> dict:
        entries = self._read().get("exercises")
        entry = entries.get(key) if isinstance(entries, dict) else None
        return entry if isinstance(entry, dict) else {}

    def status(self, key: str) -> str:
        """"passed", "tried" or "" (not checked yet)."""
        status = self._entry(key).get("status")
        return status if status in ("passed", "tried") else ""

    def hints_shown(self, key: str) -> int:
        shown = self._entry(key).get("hints")
        return shown if isinstance(shown, int) and not isinstance(shown, bool) and shown > 0 else 0

    def solution_seen(self, key: str) -> bool:
        return self._entry(key).get("solution") is True

    @property
    def folder(self) -> str | None:
        folder = self._read().get("folder")
        return folder if isinstance(folder, str) and folder and "\0" not in folder else None

    def checked(self, key: str, passed: bool) -> None:
        """A check ran: passed once stays passed."""
        self._change(key, status="passed" if passed or self.status(key) == "passed" else "tried")

    def set_hints_shown(self, key: str, count: int) -> None:
        self._change(key, hints=max(count, self.hints_shown(key)))

    def saw_solution(self, key: str) -> None:
        self._change(key, solution=True)

    def set_folder(self, folder: str | None) -> None:
        data = self._read()
        data["folder"] = folder
        self._write(data)

    def _change(self, key: str, **values) -> None:
        data = self._read()
        entries = data.get("exercises") if isinstance(data.get("exercises"), dict) else {}
        entries[key] = {**self._entry(key), **values}
        data["exercises"] = entries
        self._write(data)
