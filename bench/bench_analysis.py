"""How fast the live analysis answers after one edit on a 200-layer graph (run: python bench/bench_analysis.py).

The canvas re-analyses the whole graph after every edit; the Keras oracle is only asked about layers whose
kind, parameters or input shapes changed (everything else comes from the analyser's cache). This script builds a
200-layer graph (Input, Dense/BatchNormalization/Dropout blocks, a few two-branch Concatenate blocks), analyses it
once with an empty cache (cold), then times `ShapeAnalyzer.analyse` after each of three kinds of edit, many times,
each repetition with a new value so that the edit really misses the cache. Every block has its own number of units,
so no two layers share a cache entry (a graph of identical blocks would make every figure smaller):

- param:  the units of one Dense in the middle of the graph (the goal: median <= 50 ms);
- input:  the number of time steps of the Input, which changes the shape of every layer (the worst case);
- append: a new Dense after the last layer (removed again, untimed, before the next repetition).

Each sample is a sequence of (time steps, 16) values, so Dense layers act on every time step and a change of the
time steps reaches all 200 layers. Figures are printed as median and 90th percentile in ms, with the oracle calls
per edit and the ratio of the median to the cold analysis measured in the same run. It also times
``import designer.core`` in a fresh interpreter and checks that it leaves TensorFlow unloaded.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from designer.core.graph import LayerGraph  # noqa: E402

LAYERS = 200
REPETITIONS = 60
GOAL_MS = 50.0
TIME_STEPS = 8


def build_graph() -> tuple[LayerGraph, str, str]:
    """A 200-layer graph; returns it with the id of its Input and of a Dense near the middle."""
    graph = LayerGraph("bench")
    source = graph.add("Input", shape=[TIME_STEPS, 16], name="input")
    x = source
    block = 0
    middle = None
    while len(graph) < LAYERS:
        room = LAYERS - len(graph)
        if block % 8 == 7 and room >= 4:
            # two branches joined again: (Dense, Dense) -> Concatenate -> Dropout
            left = graph.add("Dense", x, units=16 + block, activation="relu")
            right = graph.add("Dense", x, units=8 + block, activation="tanh")
            x = graph.add("Concatenate", left, right)
            x = graph.add("Dropout", x, rate=0.1)
        elif room >= 3:
            x = graph.add("Dense", x, units=32 + block, activation="relu")
            if middle is None and len(graph) >= LAYERS // 2:
                middle = x
            x = graph.add("BatchNormalization", x)
            x = graph.add("Dropout", x, rate=0.2)
        else:
            x = graph.add("Dense", x, units=10, activation="softmax")
        block += 1
    assert len(graph) == LAYERS and middle is not None
    return graph, source, middle


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def time_edits(analyzer, graph: LayerGraph, edit, undo=None) -> tuple[list[float], list[int]]:
    times, calls = [], []
    for repetition in range(REPETITIONS):
        edit(repetition)
        before = analyzer.oracle_calls
        start = time.perf_counter()
        report = analyzer.analyse(graph)
        times.append((time.perf_counter() - start) * 1000)
        calls.append(analyzer.oracle_calls - before)
        assert report.ok, report.errors(graph)[:3]
        if undo:
            undo(repetition)
    return times, calls


def import_core_probe() -> dict:
    probe = (
        "import json, sys, time\n"
        "start = time.perf_counter()\n"
        "import designer.core, designer.core.analysis\n"
        "from designer.core import catalogue\n"
        "catalogue.all_kinds()\n"
        "elapsed = time.perf_counter() - start\n"
        "print(json.dumps({'ms': elapsed * 1000, 'tensorflow': 'tensorflow' in sys.modules,"
        " 'keras': 'keras' in sys.modules}))\n"
    )
    runs = []
    for _ in range(5):
        out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {
        "ms": statistics.median(r["ms"] for r in runs),
        "tensorflow": any(r["tensorflow"] for r in runs),
        "keras": any(r["keras"] for r in runs),
    }


def main() -> None:
    core = import_core_probe()
    print(f"import designer.core (+ all layer kinds), fresh interpreter, median of 5: {core['ms']:.1f} ms")
    print(f"  tensorflow in sys.modules afterwards: {core['tensorflow']}; keras: {core['keras']}")

    start = time.perf_counter()
    from designer.keras_bridge.shape_oracle import make_analyzer

    graph, source, middle = build_graph()
    make_analyzer().analyse(graph)  # loads TensorFlow and Keras's lazy modules: not part of any figure below
    print(f"first analysis in this process (imports TensorFlow): {(time.perf_counter() - start) * 1000:.0f} ms")

    analyzer = make_analyzer()
    start = time.perf_counter()
    report = analyzer.analyse(graph)
    cold_ms = (time.perf_counter() - start) * 1000
    assert report.ok, report.errors(graph)[:3]
    print(
        f"\n{LAYERS}-layer graph, cold analysis (empty cache): {cold_ms:.0f} ms, {analyzer.oracle_calls} oracle calls, "
        f"{report.total_params:,} parameters"
    )
    start = time.perf_counter()
    analyzer.analyse(graph)
    print(f"re-analysis with nothing changed: {(time.perf_counter() - start) * 1000:.1f} ms")

    def change_units(i: int) -> None:
        graph.set_param(middle, "units", 1_000 + i)

    def change_input(i: int) -> None:
        graph.set_param(source, "shape", [TIME_STEPS + 1 + i, 16])

    last = graph.sinks()[0]
    appended: list[str] = []

    def append(i: int) -> None:
        appended.append(graph.add("Dense", last, units=1_000 + i))

    def remove_appended(i: int) -> None:
        graph.delete_node(appended.pop())

    results = {
        "param": time_edits(analyzer, graph, change_units),
        "input": time_edits(analyzer, graph, change_input),
        "append": time_edits(analyzer, graph, append, remove_appended),
    }
    print(f"\none edit, then analyse(); {REPETITIONS} repetitions each")
    print(f"{'edit':<8}{'median ms':>11}{'p90 ms':>9}{'oracle calls':>14}{'median/cold':>13}")
    for name, (times, calls) in results.items():
        median = statistics.median(times)
        print(
            f"{name:<8}{median:>11.1f}{percentile(times, 0.9):>9.1f}{statistics.median(calls):>14.0f}"
            f"{median / cold_ms:>13.3f}"
        )
    param_median = statistics.median(results["param"][0])
    verdict = "met" if param_median <= GOAL_MS else "NOT met"
    print(f"\ngoal: one-parameter edit median <= {GOAL_MS:.0f} ms: {verdict} ({param_median:.1f} ms)")
    if core["tensorflow"]:
        print("PROBLEM: import designer.core loaded TensorFlow")
        sys.exit(1)


if __name__ == "__main__":
    main()
