"""The project's data, loaded in the background: the service beside the analysis service that owns loading the
chosen dataset, the loaded `Dataset` and its error.

The window tells it the project's dataset choice (from the project's events); the Data panel only shows what it
holds, the model-against-data check and training read the loaded data from here, so nothing is loaded twice.
Loading runs in a daemon thread (a download can take a while and must neither freeze the window nor hold up
its closing); the result comes back through a queued signal and is kept only if it is still the current choice.
A choice is loaded when someone asks (`load`: the Data panel coming into view, training), or at once when that
needs no download (`preload`: the window has TensorFlow ready and marks a model that does not fit its data).
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal

from designer.core.project import DatasetChoice


class _Bridge(QObject):
    """Carries a result from the loading thread to the GUI thread."""

    loaded = Signal(object, object)  # DatasetChoice, Dataset
    failed = Signal(object, str)


class DataService(QObject):
    #: another choice (or none): nothing of it is loaded yet
    choice_changed = Signal()
    #: the current choice is loaded (`dataset`) or could not be (`error`)
    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.choice: DatasetChoice | None = None
        #: the loaded designer.data Dataset of the current choice, once loaded
        self.dataset = None
        #: why the current choice could not be loaded, in plain words
        self.error: str | None = None
        self._started = False
        self._bridge = _Bridge(self)
        self._bridge.loaded.connect(self._on_loaded)
        self._bridge.failed.connect(self._on_failed)

    def set_choice(self, choice: DatasetChoice | None) -> None:
        """The project's choice now. Data loaded (or loading) for an equal choice is kept: reopening the project,
        or a step undone and redone, loads nothing again; another choice, or one that failed, starts again."""
        if choice is not None and choice == self.choice and self.error is None:
            self.choice_changed.emit()
            if self.dataset is not None:
                self.finished.emit()
            return
        self.choice = choice
        self.dataset = None
        self.error = None
        self._started = False
        self.choice_changed.emit()

    def load(self) -> None:
        """Load the current choice in the background, unless that has begun already."""
        if self.choice is None or self._started:
            return
        self._started = True
        threading.Thread(target=self._load, args=(self.choice,), daemon=True, name="dataset-loading").start()

    def preload(self) -> None:
        """Load the current choice now, unless that means a download."""
        from designer.data.registry import DATASETS

        info = DATASETS.get(self.choice.name) if self.choice else None
        if info is None or info.source != "download":
            self.load()

    def dataset_for(self, choice: DatasetChoice | None):
        """The loaded data when it is that of `choice`, else None."""
        return self.dataset if choice is not None and choice == self.choice else None

    # ------------------------------------------------------------------ the loading thread
    def _load(self, choice: DatasetChoice) -> None:
        from designer.data.dataset import DataError
        from designer.data.registry import load_dataset

        try:
            self._bridge.loaded.emit(choice, load_dataset(choice))
        except DataError as error:
            self._bridge.failed.emit(choice, str(error))
        except Exception as error:  # a loader bug must show as a message, not end the thread silently
            self._bridge.failed.emit(choice, f"The data could not be loaded ({type(error).__name__}: {error}).")

    def _on_failed(self, choice, message: str) -> None:
        if choice is not self.choice:
            return  # an older choice answered late
        self.error = message
        self.finished.emit()

    def _on_loaded(self, choice, dataset) -> None:
        if choice is not self.choice:
            return
        self.dataset = dataset
        self.finished.emit()
