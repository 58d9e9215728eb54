"""The window's file commands: New from the gallery, Open, Save, Save As, recent files, autosave and recovery.

A mixin of `MainWindow`, kept apart so the window module stays about panels and editing. It relies on the
window's `project`, `path`, `undo_stack`, `recent`, `recovery`, `set_project`, `show_message` and
`_update_title`. Opening never replaces the open project unless the new one loaded completely.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from designer.core.graph import LayerGraph
from designer.core.project import Project
from designer.core.project_files import ProjectError, load_project, save_project
from designer.core.templates import load_template

APP_NAME = "Network Designer"
FILE_FILTER = "Network Designer projects (*.json);;All files (*)"
OPEN_FILTER = ("Projects and Keras models (*.json *.keras *.h5);;Network Designer projects (*.json);;"
               "Keras models (*.keras *.h5);;All files (*)")


class ProjectFilesMixin:
    #: the project the window put up itself when it started, and how to name it ("the example “…”"): while it is
    #: open and unchanged, the person had no project of their own open (see `mark_start_project`)
    _start_project: tuple[Project, str] | None = None

    def mark_start_project(self, words: str) -> None:
        """Say that the open project is the one the window starts with, named by `words`: a file that then fails to
        open (`designer open broken.json`, a recovery that cannot be read) is not said to leave "the project you had
        open" in place."""
        self._start_project = (self.project, words)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        paths = self.recent.paths()
        if not paths:
            self.recent_menu.addAction("No recent projects").setEnabled(False)
            return
        for path in paths:
            action = self.recent_menu.addAction(Path(path).name)
            action.setStatusTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_file_if_saved(p))
        self.recent_menu.addSeparator()
        self.recent_menu.addAction("Clear list", self.recent.clear)

    # ================================================================== files
    def ask_save_changes(self) -> bool:
        """If there are unsaved changes, ask; True means go on (saved or discarded), False means cancel."""
        if not self.is_modified:
            return True
        answer = QMessageBox.question(
            self,
            APP_NAME,
            f"Save the changes to “{Path(self.path).name if self.path else self.project.name}” first?",
            QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel,
            QMessageBox.Save,
        )
        if answer == QMessageBox.Save:
            return self.save()
        return answer == QMessageBox.Discard

    def new_from_gallery(self) -> None:
        from designer.ui.templates_dialog import TemplatesDialog

        if not self.ask_save_changes():
            return
        dialog = TemplatesDialog(self)
        if dialog.exec() != TemplatesDialog.Accepted:
            return
        self.new_project(dialog.selected_key())

    def new_project(self, template_key: str | None) -> None:
        """A blank project (key "" or None) or a copy of a template, not yet saved anywhere."""
        if template_key:
            project = load_template(template_key)
        else:
            project = Project([LayerGraph()], name="Untitled")
        self.set_project(project, None)

    def open_dialog(self) -> None:
        if not self.ask_save_changes():
            return
        folder = str(Path(self.path).parent) if self.path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Open a project or a Keras model", folder, OPEN_FILTER)
        if path:
            self.open_file(path)

    def open_file_if_saved(self, path: str) -> None:
        if self.ask_save_changes():
            self.open_file(path)

    def open_file(self, path: str) -> bool:
        """Open a project file; a broken one is explained in a dialog and the open project stays as it was. A Keras
        model (.keras, .h5) is imported as a new project, in the background (`import_model_file`)."""
        from designer.ui.window_import import is_model_file

        if is_model_file(path):
            self.import_model_file(path)
            return True
        try:
            project = load_project(path)
        except ProjectError as error:
            self._explain_open_failure(path, str(error))
            return False
        except OSError as error:
            self._explain_open_failure(path, f"{path}: {error.strerror or error}")
            if not Path(path).exists():
                self.recent.remove(path)
            return False
        self.set_project(project, str(Path(path).resolve()))
        self.recent.add(self.path)
        self.show_message(f"Opened {path}")
        return True

    def _explain_open_failure(self, path: str, message: str) -> None:
        box = QMessageBox(QMessageBox.Warning, APP_NAME, f"“{Path(path).name}” could not be opened.", QMessageBox.Ok, self)
        start, words = self._start_project or (None, "")
        if self.project is start and not self.is_modified:
            after = f"The window shows {words} instead."
        else:
            after = "Nothing was changed: the project you had open is still here."
        box.setInformativeText(f"{message}\n\n{after}")
        box.setObjectName("open_failure")
        box.exec()

    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        return self.save_to(self.path)

    def save_folder(self) -> Path:
        """Where Save As… opens for a project never saved: the folder of the file opened or saved last (where the
        person keeps their projects), else the home folder."""
        for recent in self.recent.paths():
            if Path(recent).parent.is_dir():
                return Path(recent).parent
        return Path.home()

    def save_as(self) -> bool:
        suggested = self.path or str(self.save_folder() / f"{file_stem(self.project.name)}.json")
        path, _ = QFileDialog.getSaveFileName(self, "Save project", suggested, FILE_FILTER)
        if not path:
            return False
        if not Path(path).suffix:
            path += ".json"
        return self.save_to(path)

    def save_to(self, path: str) -> bool:
        try:
            save_project(self.project, path)
        except OSError as error:
            QMessageBox.warning(
                self, APP_NAME,
                f"The project could not be saved to {path}: {error.strerror or error}.\n"
                "Choose another folder with File → Save As; nothing was lost.",
            )
            return False
        self.path = str(Path(path).resolve())
        self.undo_stack.setClean()
        self.recovery.clear()
        self.recent.add(self.path)
        self._update_title()
        self.show_message(f"Saved {self.path}")
        return True

    # ================================================================== recovery
    def autosave(self) -> None:
        """Write the project to the recovery file if it has unsaved changes (every 30 s)."""
        if not self.is_modified:
            return
        try:
            self.recovery.save(self.project, self.path)
        except OSError as error:
            self.show_message(f"Autosave failed: {error.strerror or error}")

    def offer_recovery(self) -> bool:
        """After a crash, offer the newest recovery file; True if a project was recovered."""
        entries = self.recovery.orphans()
        if not entries:
            return False
        entry = entries[0]
        when = entry.saved_at.strftime("%d %b %Y %H:%M:%S")
        box = QMessageBox(QMessageBox.Question, APP_NAME, "Network Designer did not close properly last time.", parent=self)
        box.setObjectName("recovery_offer")
        box.setInformativeText(
            f"Unsaved changes to “{entry.name}” were kept at {when}. Recover them?"
            + (f"\n\nThe file was {entry.source_path}; it is not changed until you save." if entry.source_path else "")
        )
        recover = box.addButton("Recover", QMessageBox.AcceptRole)
        box.addButton("Discard", QMessageBox.DestructiveRole)
        box.setDefaultButton(recover)
        box.exec()
        if box.clickedButton() is not recover:
            for stale in entries:
                self.recovery.discard(stale)
            return False
        try:
            project = entry.load()
        except (ProjectError, OSError) as error:
            self._explain_open_failure(str(entry.project_path), str(error))
            return False
        self.set_project(project, entry.source_path, clean=False)
        for stale in entries:
            self.recovery.discard(stale)
        self.autosave()  # the recovered work now lives in this session's recovery file
        return True



def file_stem(name: str) -> str:
    stem = "".join(c if c.isalnum() or c in "-_ " else "_" for c in name).strip().replace(" ", "_")
    return stem or "project"
