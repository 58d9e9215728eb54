"""Whether the training-health checks keep quiet on sound networks (run: python bench/bench_health.py).

Every template that trains without a download is trained as it is — its settings, its epochs, seed 0 — through
the product's engine with the health checks on (`designer.training.health`), on its own data, or, for the MNIST
templates, on the bundled 8×8 digits (784 → 64 pixels, as bench_quality.py does). A finding on one of these is a
false alarm, except on the templates whose data is random vectors with random labels ("for trying an
architecture, not for learning"): there the only thing a network can learn is its training rows, so overfitting
and not learning are the truth, and allowed. One line per template: its findings (or none), PASS or FAIL; the
exit status is 1 when any template raises a finding it should not. About 5 minutes on 2 cores.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from designer.core.project import DatasetChoice  # noqa: E402
from designer.core.templates import load_template  # noqa: E402
from designer.data.registry import load_dataset  # noqa: E402
from designer.training.engine import train  # noqa: E402
from designer.training.state import TrainingState  # noqa: E402

SEED = 0
#: templates on their own data (generated or bundled)
OWN_DATA = ("perceptron", "binary_classifier", "linear_regression", "digits_mlp", "lstm_forecaster", "simple_rnn")
#: MNIST templates, moved to the bundled digits
ON_DIGITS = ("autoencoder", "denoising_autoencoder", "sparse_autoencoder", "vae", "conv_autoencoder", "mlp_gan",
             "fashion_mnist_mlp")
#: templates on random vectors with random labels, and what is true of them
RANDOM_LABELS = ("feedforward_binary", "feedforward_multiclass", "rnn_classifier", "stacked_lstm_classifier")
ALLOWED_ON_RANDOM_LABELS = {"overfitting", "not_learning"}


class Findings(TrainingState):
    wants_health = True


def on_digits(project):
    """An MNIST template moved to the 8×8 digits: 28×28 inputs and 784-unit outputs become 8×8 and 64."""
    for graph in project.graphs:
        for node in graph.nodes():
            shape = list(node.params.get("shape") or [])
            if node.kind == "Input" and shape[:2] == [28, 28]:
                graph.set_param(node.id, "shape", [8, 8, *shape[2:]])
            elif node.kind == "Input" and shape == [784]:
                graph.set_param(node.id, "shape", [64])
            elif node.kind == "Dense" and node.params.get("units") == 784:
                graph.set_param(node.id, "units", 64)
            elif node.kind == "Reshape" and list(node.params.get("target_shape", []))[:2] == [28, 28]:
                graph.set_param(node.id, "target_shape", [8, 8, *node.params["target_shape"][2:]])
    options = {k: v for k, v in project.dataset.options.items() if k not in ("validation", "validation_rows")}
    project.dataset = DatasetChoice("digits", options)
    return project


def templates():
    """(name, project ready to train, allowed finding keys)."""
    for name in OWN_DATA + ON_DIGITS + RANDOM_LABELS:
        project = load_template(name)
        project.training["seed"] = SEED
        if name in ON_DIGITS:
            project = on_digits(project)
        yield name, project, ALLOWED_ON_RANDOM_LABELS if name in RANDOM_LABELS else set()


def main() -> int:
    started = time.perf_counter()
    failed = []
    for name, project, allowed in templates():
        began = time.perf_counter()
        result = train(project, load_dataset(project.dataset), Findings())
        epochs = len(next(iter(result.history.values())))
        keys = [f.key for f in result.findings]
        ok = set(keys) <= allowed
        said = "; ".join(f"{f.title} (epoch {f.epoch})" for f in result.findings) or "none"
        print(f"{name} ({epochs} epochs, {time.perf_counter() - began:.0f} s): findings: {said}"
              f"{' (random labels: allowed ' + ', '.join(sorted(allowed)) + ')' if allowed else ''} "
              f"{'PASS' if ok else 'FAIL'}", flush=True)
        if not ok:
            failed.append(name)
            for finding in result.findings:
                print(f"  {finding.line()}")
    print(f"\n{len(failed)} false alarms in {time.perf_counter() - started:.0f} s" +
          (f": {', '.join(failed)}" if failed else ""))
    print("re-run: python bench/bench_health.py")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
