"""Live analysis off the GUI thread: shapes, parameter counts and messages for the graphs on the canvas.

The first Keras call imports TensorFlow (seconds), and a big graph takes tens of milliseconds to analyse, so
the work runs in one background thread that owns the Keras-backed `ShapeAnalyzer` (its cache is touched by that
thread only). The GUI thread sends a *copy* of a graph after each edit; the worker coalesces requests so only
the newest copy of each graph is analysed, and the report comes back through a queued signal tagged with the
graph's revision. Until TensorFlow is ready, the GUI shows the structural report (loops, missing inputs, bad
values), which needs no Keras and is computed at once.

The same thread loads TensorFlow as its first job, so the window can say which device training will use.
"""

from __future__ import annotations

import queue
import threading

from PySide6.QtCore import QObject, QThread, Signal

from designer.core.analysis import GraphReport, Message, structural_report
from designer.core.graph import LayerGraph


class _AnalysisThread(QThread):
    keras_ready = Signal(str)  # the training device, e.g. "CPU only"
    keras_failed = Signal(str)
    report_ready = Signal(object, int, object)  # graph key, revision, GraphReport

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._requests: queue.Queue = queue.Queue()
        self._stopping = threading.Event()

    def submit(self, key: object, revision: int, graph: LayerGraph) -> None:
        self._requests.put((key, revision, graph))

    def stop(self) -> None:
        self._stopping.set()
        self._requests.put(None)

    def run(self) -> None:
        try:
            from designer.keras_bridge.runtime import training_device
            from designer.keras_bridge.shape_oracle import make_analyzer

            device = training_device()
            analyzer = make_analyzer()
        except Exception as error:  # a broken TensorFlow install must not take the window down
            self.keras_failed.emit(f"TensorFlow could not be loaded: {error}")
            return
        self.keras_ready.emit(device)
        while not self._stopping.is_set():
            newest = self._take_newest()
            for key, (revision, graph) in newest.items():
                try:
                    report = analyzer.analyse(graph)
                except Exception as error:  # analysis never raises by design; if it does, say so on the graph
                    report = structural_report(graph)
                    report.messages.append(_internal_error(error))
                self.report_ready.emit(key, revision, report)

    def _take_newest(self) -> dict:
        """Block for one request, then drain the queue keeping the newest request per graph."""
        newest: dict = {}
        item = self._requests.get()
        while True:
            if item is None:
                self._stopping.set()
                return newest
            key, revision, graph = item
            newest[key] = (revision, graph)
            try:
                item = self._requests.get_nowait()
            except queue.Empty:
                return newest


def _internal_error(error: Exception) -> Message:
    return Message("error", f"The live analysis failed unexpectedly ({type(error).__name__}: {error}).")


class AnalysisService(QObject):
    """Front of the analysis thread for the window: `request(key, graph)` after an edit, `report_ready` back."""

    #: graph key, GraphReport — only for the graph's current revision; `complete` is False for a structural-only report
    report_ready = Signal(object, object, bool)
    keras_ready = Signal(str)
    keras_failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        #: key -> the graph revision of the newest request (moves change the revision but need no analysis)
        self._requested: dict[object, int] = {}
        self._answered: dict[object, int] = {}
        self.ready = False
        self._thread = _AnalysisThread(self)
        self._thread.keras_ready.connect(self._on_keras_ready)
        self._thread.keras_failed.connect(self.keras_failed)
        self._thread.report_ready.connect(self._on_report)

    def start(self) -> None:
        self._thread.start()

    def shutdown(self) -> None:
        """Stop the thread and wait for it: a QThread destroyed while running aborts the whole process. If it
        is still importing TensorFlow (the first seconds), that import cannot be interrupted and is waited for."""
        self._thread.stop()
        self._thread.wait()

    def request(self, key: object, graph: LayerGraph) -> None:
        """Analyse `graph` (identified by `key`) as it is now."""
        self._requested[key] = graph.revision
        if not self.ready:
            self.report_ready.emit(key, structural_report(graph), False)
        self._thread.submit(key, graph.revision, graph.copy())

    def forget(self, key: object) -> None:
        self._requested.pop(key, None)
        self._answered.pop(key, None)

    def up_to_date(self, key: object) -> bool:
        """True once Keras has answered the newest request for this graph."""
        return key in self._requested and self._answered.get(key) == self._requested[key]

    def _on_keras_ready(self, device: str) -> None:
        self.ready = True
        self.keras_ready.emit(device)

    def _on_report(self, key: object, revision: int, report: GraphReport) -> None:
        # a report for an older request is dropped: a newer one is already on its way
        if self._requested.get(key) == revision:
            self._answered[key] = revision
            self.report_ready.emit(key, report, True)
