"""How long importing a Keras model takes, step by step, beside the time Keras takes just to load the same file
(run: python bench/bench_import.py).

The model is ResNet50 (177 layers, 25.6 million weights, built with weights=None so nothing is downloaded), saved
as a .keras file here. In the same process and alternating, so that both see the same machine load, it times:

- baseline: ``keras.models.load_model(path, compile=False)``, Keras reading the file into a model;
- import: `designer.exchange.model_import.import_model`, everything the window waits for before the project is on
  the canvas (read and check the file, the graph, the layout, every layer's shapes and counts from Keras, the
  weights kept), with the time of each step;
- on the canvas: the window showing the imported project (its scene of 177 layers and connections, laid out), on
  Qt's offscreen platform unless $QT_QPA_PLATFORM says otherwise;
- check: `check_import`, which the window runs afterwards in the background (Keras loads the file, the canvas's
  model is built with the kept weights and both run on the same inputs).

Prints the median of each step and of each total, and the ratio import / Keras load. The goal of the issue:
importing and laying out a 150-layer model within 3 s on this machine.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

SAMPLES = int(os.environ.get("BENCH_SAMPLES", "5"))


def main() -> None:
    import keras

    from designer.exchange.model_import import check_import, import_model

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from designer.ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    window = MainWindow()
    window.show()

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "resnet50.keras")
        model = keras.applications.ResNet50(weights=None)
        model.save(path)
        print(f"ResNet50: {len(model.layers)} layers, {model.count_params():,} weights, "
              f"{os.path.getsize(path) / 2**20:.0f} MB file")
        del model
        import_model(path)  # first call: imports and caches of Keras's own, as the window's analysis thread has them
        keras_times, import_times, show_times, check_times, steps = [], [], [], [], {}
        for _ in range(SAMPLES):
            start = time.perf_counter()
            keras.models.load_model(path, compile=False)
            keras_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            result = import_model(path)
            import_times.append(time.perf_counter() - start)
            for step, seconds in result.timings.items():
                steps.setdefault(step, []).append(seconds)
            start = time.perf_counter()
            window.set_project(result.project, None)
            app.processEvents()
            show_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            check = check_import(result)
            check_times.append(time.perf_counter() - start)
            assert check.same_outputs and check.keras_params == check.canvas_params
        print(f"\nmedian of {SAMPLES} runs")
        for step, seconds in steps.items():
            print(f"  {step:<46} {statistics.median(seconds) * 1000:8.0f} ms")
        keras_median, import_median = statistics.median(keras_times), statistics.median(import_times)
        show_median = statistics.median(show_times)
        print(f"import, all steps{'':<30}{import_median * 1000:8.0f} ms")
        print(f"on the canvas (the window's scene){'':<13}{show_median * 1000:8.0f} ms")
        print(f"import and on the canvas{'':<23}{(import_median + show_median) * 1000:8.0f} ms   (goal: under 3,000 ms)")
        print(f"Keras's own load_model (baseline){'':<14}{keras_median * 1000:8.0f} ms")
        print(f"check afterwards (in the background){'':<11}{statistics.median(check_times) * 1000:8.0f} ms")
        print(f"\nratio import / Keras load: {import_median / keras_median:.2f}")
        window.undo_stack.setClean()
        window.close()


if __name__ == "__main__":
    main()
