"""Opening a Keras model made elsewhere (File → Open… on a ``.keras`` or ``.h5`` file): a mixin of `MainWindow`.

The file is read in a `BackgroundTask`, the window staying live; the imported project then replaces the open one,
unsaved (its weights go beside the project file when it is saved), and a summary says what became what. A second
task then runs the file's model and the canvas's side by side (seconds for a big model) and the summary says how
that went. A file that cannot be imported is explained in the same dialog as a broken project, and the open project
stays as it was.
"""

from __future__ import annotations

from pathlib import Path

from designer.ui.background import BackgroundTask

#: file name endings opened as Keras models rather than projects
MODEL_SUFFIXES = (".keras", ".h5", ".hdf5")


def is_model_file(path: str) -> bool:
    return path.lower().endswith(MODEL_SUFFIXES)


class ModelImportMixin:
    def _init_import(self) -> None:
        self._import_task: BackgroundTask | None = None
        #: a file asked for while TensorFlow was still loading
        self._import_waiting: str | None = None
        self.import_summary = None
        self.analysis.keras_ready.connect(lambda _device: self._import_after_tensorflow())
        self.analysis.keras_failed.connect(lambda _message: self._import_after_tensorflow())

    def import_model_file(self, path: str) -> None:
        """Import `path` in the background; the result (or why not) is shown when it is ready."""
        if self._import_task is not None or self._import_waiting:
            self.show_message("A model is being imported already: wait for it to open.")
            return
        if not self.analysis.ready:
            # TensorFlow is loading in the analysis thread; loading it in a second thread at once breaks it
            self.show_message(f"{Path(path).name} opens once TensorFlow has loaded…")
            self._import_waiting = path
            return
        self._start_import(path)

    def _import_after_tensorflow(self) -> None:
        """TensorFlow is ready (or failed): the import asked for before then goes ahead (or is explained)."""
        path, self._import_waiting = self._import_waiting, None
        if path is None:
            return
        if self.analysis.ready:
            self._start_import(path)
        else:
            self._explain_open_failure(path, "TensorFlow could not be loaded, so Keras models cannot be read; see "
                                             "the message in the status bar.")

    def _start_import(self, path: str) -> None:
        from designer.exchange.model_import import import_model

        self.show_message(f"Importing {Path(path).name}: Keras is reading the model…")
        edits_before = self.undo_stack.index()
        task = BackgroundTask(lambda: import_model(path), self)
        task.done.connect(lambda result: self._show_import(path, result, edits_before))
        task.failed.connect(lambda message: self._explain_open_failure(path, message))
        task.failed.connect(lambda _message: self.show_message(f"{Path(path).name} was not imported."))
        task.finished.connect(self._import_ended)
        task.finished.connect(task.deleteLater)
        self._import_task = task
        task.start()

    def import_busy(self) -> bool:
        """A model is being imported or checked."""
        return self._import_task is not None or self._import_waiting is not None

    def _show_import(self, path: str, result, edits_before: int) -> None:
        # edits made while the import ran are the person's work: ask again before replacing them
        if self.undo_stack.index() != edits_before and not self.ask_save_changes():
            self.show_message(f"{Path(path).name} was imported, but your project stays open as you asked.")
            return
        self.set_project(result.project, None, clean=False)
        self.show_message(f"Imported {Path(path).name}: save it as a project (Ctrl+S) to keep it with its weights.")
        from designer.ui.import_dialog import ImportSummaryDialog

        if self.import_summary is not None:
            self.import_summary.close()
        self.import_summary = ImportSummaryDialog(result, self)
        self.import_summary.show()
        self._check_import(result)

    def _check_import(self, result) -> None:
        """Run the file's model and the canvas's side by side (seconds); the summary says how it went."""
        from designer.exchange.model_import import check_import

        dialog = self.import_summary
        task = BackgroundTask(lambda: check_import(result), self)
        task.done.connect(lambda _check: dialog.show_result(result))
        task.done.connect(lambda check: self.show_message(check.lines()[0]) if self.project is result.project else None)
        task.failed.connect(lambda message: dialog.show_check_failure(message))
        task.finished.connect(self._import_ended)
        task.finished.connect(task.deleteLater)
        self._import_task = task
        task.start()

    def _import_ended(self) -> None:
        if self._import_task is not None and self._import_task.isFinished():
            self._import_task = None

    def wait_for_import(self) -> None:
        """Before the window goes: the import in flight ends first (a QThread destroyed while it runs ends the
        process)."""
        if self._import_task is not None:
            self._import_task.wait()
