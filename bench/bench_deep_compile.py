"""How long deep chains take to compile, and why `recursion_room` is needed (run: python bench/bench_deep_compile.py).

Compiles chains of 500, 1,000 and 1,500 small Dense layers with `compile_graph` and prints the time per layer.
Keras walks a functional graph recursively (several Python frames per layer), so at Python's default recursion
limit of 1,000 plain Keras cannot make a model of 1,000 chained layers; `compile_graph` raises the limit for the
duration of the build (`recursion_room`) and puts it back afterwards. Both are run here at that default limit.

Note: importing Keras also imports IPython (from keras.src.saving.file_editor) and so jedi, when they are
installed; jedi raises the limit of the whole process to 3,000 as a side effect. At 3,000 plain Keras happens to
manage 1,500 layers, as the last line shows. The app cannot rely on that accident, so the comparison is made at
Python's own default.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PYTHON_DEFAULT_LIMIT = 1_000
DEPTHS = (500, 1_000, 1_500)
UNITS = 4


def chain_graph(depth: int):
    from designer.core.graph import LayerGraph

    graph = LayerGraph(f"chain_{depth}")
    x = graph.add("Input", shape=[UNITS], name="x")
    for _ in range(depth):
        x = graph.add("Dense", x, units=UNITS)
    return graph


def plain_keras_chain(depth: int) -> str:
    """Build the same chain with plain Keras; 'ok' or the error it stopped with."""
    import keras

    try:
        inputs = keras.Input(shape=(UNITS,))
        x = inputs
        for _ in range(depth):
            x = keras.layers.Dense(UNITS)(x)
        keras.Model(inputs, x)
        return "ok"
    except RecursionError as error:
        return f"RecursionError ({error})"


def main() -> None:
    import keras  # noqa: F401  (loaded first so no figure includes the TensorFlow import)

    from designer.keras_bridge.models import compile_graph

    process_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(PYTHON_DEFAULT_LIMIT)
    try:
        print(f"compile_graph at Python's default recursion limit ({PYTHON_DEFAULT_LIMIT:,})")
        print(f"{'layers':>8}{'seconds':>10}{'ms per layer':>14}{'limit after':>13}")
        for depth in DEPTHS:
            graph = chain_graph(depth)
            start = time.perf_counter()
            model = compile_graph(graph)
            seconds = time.perf_counter() - start
            assert len(model.layers) == depth + 1
            print(f"{depth:>8,}{seconds:>10.2f}{seconds / depth * 1000:>14.2f}{sys.getrecursionlimit():>13,}")

        start = time.perf_counter()
        outcome = plain_keras_chain(1_500)
        print(
            f"\nplain Keras, 1,500 layers, limit {sys.getrecursionlimit():,}, no recursion_room: {outcome} "
            f"after {time.perf_counter() - start:.1f} s"
        )
    finally:
        sys.setrecursionlimit(process_limit)
    outcome = plain_keras_chain(1_500)
    print(f"plain Keras, 1,500 layers, at this process's limit ({process_limit:,}, see the note above): {outcome}")


if __name__ == "__main__":
    main()
