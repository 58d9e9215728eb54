"""How fast `match_kind` turns a saved model's layers into catalogue kinds (run: python bench/bench_kind_match.py).

The model importer asks `designer.keras_bridge.kind_match.match_kind` about every layer of a model, and each
answer makes the app's layer once to compare configurations. This script saves keras.applications models
(weights=None) as JSON, as a .keras file holds them, and times matching all their layers, against the baseline of
Keras itself making the same layers from their configurations (``keras.layers.deserialize``) in the same run: the
ratio says what matching costs over reading the model at all. Median of 5 rounds per model; the goal is a
200-layer model in well under a second.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ROUNDS = 5
MODELS = ("ResNet50", "MobileNetV2", "DenseNet121", "EfficientNetB0")


def median_seconds(work) -> float:
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    import keras

    from designer.keras_bridge.kind_match import match_kind

    print(f"match_kind over every layer of a saved model, median of {ROUNDS} rounds")
    print(f"{'model':<16}{'layers':>7}{'matched':>9}{'match ms':>10}{'ms/layer':>10}{'deserialize ms':>16}{'ratio':>7}")
    for name in MODELS:
        saved = json.loads(json.dumps(keras.saving.serialize_keras_object(getattr(keras.applications, name)(weights=None))))
        layers = [layer for layer in saved["config"]["layers"] if layer["class_name"] != "InputLayer"]
        matched = sum(match_kind(layer["class_name"], layer["config"]) is not None for layer in layers)
        matching = median_seconds(lambda: [match_kind(layer["class_name"], layer["config"]) for layer in layers])
        baseline = median_seconds(lambda: [keras.layers.deserialize(layer) for layer in layers])
        print(f"{name:<16}{len(layers):>7}{matched:>9}{matching * 1000:>10.0f}{matching * 1000 / len(layers):>10.2f}"
              f"{baseline * 1000:>16.0f}{matching / baseline:>7.2f}")


if __name__ == "__main__":
    main()
