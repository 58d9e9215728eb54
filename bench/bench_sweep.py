"""What a sweep saves over training each setting on its own (run: python bench/bench_sweep.py).

One `designer sweep` of N trials (template binary_classifier on the bundled sum_threshold data, learning rates
0.1, 0.03, 0.01, 0.003, 3 epochs each) against N separate `designer train` runs with the same settings (the same
learning rates, the same seed, fresh weights, 3 epochs), all as the person runs them: fresh processes. The sweep
starts Python and TensorFlow and loads the data once for all trials; each `designer train` does that again.
A third row times what every process pays before it trains (interpreter, the command line, TensorFlow) to show
where the difference comes from. The three are timed in turn, `BENCH_ROUNDS` rounds (default 3), so that they
see the same machine load; medians are printed, with the ratio sweep / separate runs. The goal: below 1. Exits 1
when it is missed.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
RATES = (0.1, 0.03, 0.01, 0.003)
EPOCHS = 3
SEED = 1  # the seed a sweep fixes when the project fixes none (designer.training.sweep.SWEEP_SEED)

STARTUP = ("import designer.cli; from designer.keras_bridge.runtime import import_tensorflow_quietly; "
           "import_tensorflow_quietly()")


def timed(*args: str) -> float:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=900)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return seconds


def project_file(folder: Path, name: str, **training) -> Path:
    from designer.core.project_files import save_project
    from designer.core.templates import load_template

    project = load_template("binary_classifier")
    project.training.update(seed=SEED, **training)
    path = folder / name
    save_project(project, path)
    return path


def sweep_once(folder: Path) -> float:
    path = project_file(folder, "sweep.json")
    seconds = timed("-m", "designer", "sweep", str(path), "--vary", "learning_rate=" + ",".join(map(str, RATES)),
                    "--epochs", str(EPOCHS))
    _check_runs(path, len(RATES))
    return seconds


def separate_once(folder: Path) -> float:
    seconds = 0.0
    for index, rate in enumerate(RATES):
        path = project_file(folder, f"train{index}.json", learning_rate=rate)
        seconds += timed("-m", "designer", "train", str(path), "--epochs", str(EPOCHS))
        _check_runs(path, 1)
    return seconds


def _check_runs(path: Path, count: int) -> None:
    from designer.core.project_files import load_project

    runs = load_project(path).runs
    assert len(runs) == count and all(r.epochs == EPOCHS and r.training["seed"] == SEED for r in runs), path


def main() -> int:
    times: dict[str, list[float]] = {"sweep": [], "separate": [], "startup": []}
    for round_ in range(ROUNDS):
        with tempfile.TemporaryDirectory() as folder:
            # the order turns each round, so that no row always runs first on a machine warming up
            jobs = [("sweep", lambda: sweep_once(Path(folder))), ("separate", lambda: separate_once(Path(folder))),
                    ("startup", lambda: timed("-c", STARTUP))]
            for name, job in jobs[round_ % 3:] + jobs[:round_ % 3]:
                times[name].append(job())
        print(f"round {round_ + 1}/{ROUNDS}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()),
              file=sys.stderr)
    sweep, separate, startup = (statistics.median(times[k]) for k in ("sweep", "separate", "startup"))
    n = len(RATES)
    print(f"{n} trials of binary_classifier on sum_threshold, {EPOCHS} epochs each, learning rates "
          f"{', '.join(map(str, RATES))}; median of {ROUNDS} rounds")
    print(f"{'':34}{'total s':>9}{'per trial s':>13}")
    print(f"{'designer sweep (one process)':34}{sweep:9.2f}{sweep / n:13.2f}")
    print(f"{f'{n} x designer train (one each)':34}{separate:9.2f}{separate / n:13.2f}")
    print(f"{'process start + TensorFlow import':34}{startup:9.2f}")
    ratio = sweep / separate
    met = ratio < 1
    print(f"sweep / separate runs: {ratio:.2f}  (saved {separate - sweep:.1f} s; {n - 1} process starts would be "
          f"~{(n - 1) * startup:.1f} s)")
    print(f"goal: the sweep costs less than the separate runs (ratio < 1): {'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
