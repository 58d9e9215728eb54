"""How the canvas keeps up with a big graph (run: QT_QPA_PLATFORM=offscreen python bench/bench_canvas.py).

Opens the real designer window on a graph of N layers (an Input, then Dense/BatchNormalization/Dropout blocks
laid out top to bottom, every block with its own number of units so the analyser's cache cannot share answers)
and measures, for N = 50 (the baseline) and N = 500:

- add+connect: a palette double-click with a layer selected (AddNode + Connect in one undo step, the scene items
  made), GUI-thread time only;
- edit refresh: from a parameter edit (SetParameter on a Dense in the middle) until the new shapes, counts and
  summary table are on screen: the analysis thread's work plus applying the report on the GUI thread;
- apply report: the GUI-thread part of that (nodes, edge labels, summary table);
- pan frame / zoom frame: one synchronous repaint of the canvas after panning 40 px or zooming by 10 %;
- whole-graph frame: the same after fit-to-view, with every layer on screen (the most a frame paints).

Goals from the issue: at most 50 ms per edit refresh and at most 16 ms per frame at N = 500. Each line prints the
median and 90th percentile in ms and the ratio of the N = 500 median to the N = 50 median measured in this run.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer, qInstallMessageHandler  # noqa: E402

from designer.core.commands import SetParameter  # noqa: E402
from designer.core.graph import LayerGraph  # noqa: E402
from designer.core.project import Project  # noqa: E402
from designer.ui.app import make_application  # noqa: E402
from designer.ui.main_window import MainWindow  # noqa: E402

REPETITIONS = 40


def build_graph(layers: int) -> tuple[LayerGraph, str]:
    graph = LayerGraph()
    last = graph.add("Input", shape=[32], position=(0.0, 0.0))
    middle = last
    for i in range(1, layers):
        kind = ("Dense", "BatchNormalization", "Dropout")[i % 3]
        params = {"units": 8 + i} if kind == "Dense" else {}
        last = graph.add(kind, last, position=(0.0, 150.0 * i), **params)
        if kind == "Dense" and i < layers // 2:
            middle = last
    return graph, middle


def process_events_until(condition, timeout: float = 60.0) -> None:
    """Run the event loop until `condition()` holds, checked every millisecond.

    The GUI thread sleeps in Qt's event loop between checks, as it does in the app; a busy loop of
    processEvents() would hold the interpreter lock and slow the analysis thread down several times over.
    """
    deadline = time.perf_counter() + timeout
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(1)

    def check() -> None:
        if condition():
            loop.quit()
        elif time.perf_counter() > deadline:
            loop.quit()

    timer.timeout.connect(check)
    QCoreApplication.processEvents()
    if not condition():
        timer.start()
        loop.exec()
        timer.stop()
    if not condition():
        raise TimeoutError("the canvas did not settle")


def settled(window: MainWindow) -> bool:
    graph = window.current_editor().graph
    return not window._pending and window.analysis.up_to_date(id(graph))


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.9 * (len(ordered) - 1))]


def measure(window: MainWindow, layers: int) -> dict[str, list[float]]:
    graph, middle = build_graph(layers)
    window.set_project(Project([graph]), None)
    process_events_until(lambda: settled(window))
    editor = window.current_editor()
    editor.view.resetTransform()
    editor.view.centerOn(editor.scene.nodes[middle])
    QCoreApplication.processEvents()
    results: dict[str, list[float]] = {k: [] for k in ("add+connect", "edit refresh", "apply report", "pan frame", "zoom frame", "whole-graph frame")}

    apply_times: list[float] = []
    original = window._on_report

    def timed_on_report(*args):
        start = time.perf_counter()
        original(*args)
        apply_times.append((time.perf_counter() - start) * 1000)

    window.analysis.report_ready.disconnect(window._on_report)
    window.analysis.report_ready.connect(timed_on_report)
    try:
        for repetition in range(REPETITIONS):
            editor.scene.select_nodes([middle])
            start = time.perf_counter()
            new_id = editor.add_after_selection("Dropout")
            results["add+connect"].append((time.perf_counter() - start) * 1000)
            process_events_until(lambda: settled(window))
            window.undo_action.trigger()  # untimed: take it away again
            process_events_until(lambda: settled(window))
            assert new_id not in graph

            apply_times.clear()
            start = time.perf_counter()
            editor.run(SetParameter(middle, "units", 1000 + repetition))
            process_events_until(lambda: settled(window))
            results["edit refresh"].append((time.perf_counter() - start) * 1000)
            results["apply report"].append(sum(apply_times))

        viewport = editor.view.viewport()
        for repetition in range(REPETITIONS):
            editor.view.pan_by(0, -40 if repetition % 2 else 40)
            start = time.perf_counter()
            viewport.repaint()
            results["pan frame"].append((time.perf_counter() - start) * 1000)
        for repetition in range(REPETITIONS):
            editor.view.zoom_by(1.1 if repetition % 2 else 1 / 1.1)
            start = time.perf_counter()
            viewport.repaint()
            results["zoom frame"].append((time.perf_counter() - start) * 1000)
        editor.view.fit_to_view()  # every layer on screen at once: the most painting a frame can need
        for repetition in range(REPETITIONS):
            editor.view.pan_by(0, -40 if repetition % 2 else 40)
            start = time.perf_counter()
            viewport.repaint()
            results["whole-graph frame"].append((time.perf_counter() - start) * 1000)
    finally:
        window.analysis.report_ready.disconnect(timed_on_report)
        window.analysis.report_ready.connect(window._on_report)
    return results


def _quiet_offscreen_warning(mode, context, message) -> None:
    # the offscreen platform warns once per window that it cannot propagate size hints; nothing to act on
    if "propagateSizeHints" not in message:
        sys.stderr.write(message + "\n")


def main() -> None:
    qInstallMessageHandler(_quiet_offscreen_warning)
    os.environ.setdefault("DESIGNER_DATA_DIR", str(Path("/tmp") / "designer-bench-data"))
    app = make_application()
    window = MainWindow()
    window.resize(1400, 880)
    window.show()
    window.analysis.start()
    process_events_until(lambda: window.analysis.ready)
    baseline = measure(window, 50)
    big = measure(window, 500)
    goals = {"edit refresh": 50.0, "pan frame": 16.0, "zoom frame": 16.0, "add+connect": 50.0, "apply report": 50.0, "whole-graph frame": 16.0}
    print(f"{'':17} {'50 layers':>20} {'500 layers':>20} {'ratio':>7}   goal at 500")
    for key in baseline:
        b_med, b_p90 = percentiles(baseline[key])
        m_med, m_p90 = percentiles(big[key])
        verdict = "ok" if m_med <= goals[key] else "MISSED"
        print(
            f"{key:17} {b_med:8.1f} (p90 {b_p90:6.1f}) {m_med:8.1f} (p90 {m_p90:6.1f}) {m_med / b_med:7.2f}"
            f"   <= {goals[key]:.0f} ms: {verdict}"
        )
    window.undo_stack.setClean()
    window.close()
    app.quit()


if __name__ == "__main__":
    main()
