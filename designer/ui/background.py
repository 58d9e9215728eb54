"""One slow job (building and scoring a trained model, writing and checking an export) run in a QThread, its
result or its failure delivered to the GUI thread by signal. A failure is one plain line: the engine's errors
already are; anything else is logged with its traceback and said by its message."""

from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QThread, Signal

from designer.ui.gui_garbage import collect_before_worker

log = logging.getLogger(__name__)


class BackgroundTask(QThread):
    done = Signal(object)
    failed = Signal(str)

    def __init__(self, job: Callable[[], Any], parent=None) -> None:
        super().__init__(parent)
        self._job = job

    def start(self, *args) -> None:
        collect_before_worker()  # the window's cycles are not this thread's to collect (gui_garbage)
        super().start(*args)

    def run(self) -> None:
        try:
            result = self._job()
        except ValueError as error:  # the engine's plain-words errors (TrainingError, DataError, ExportError...)
            self.failed.emit(" ".join(str(error).split()) or type(error).__name__)
        except Exception as error:  # a bug: keep the traceback for the log, say the message
            log.exception("a background task failed")
            self.failed.emit(f"{type(error).__name__}: {' '.join(str(error).split())}")
        else:
            self.done.emit(result)
