"""Datasets made on the fly from a seed: the toy problems of the course notes and classic 2-D shapes.

Each maker takes its options (already checked) and returns (x, y, class_names or None), deterministic for a
given seed.
"""

from __future__ import annotations

import numpy as np


def sum_threshold(rng: np.random.Generator, samples: int = 500) -> tuple:
    """Notes 004: two numbers in [0, 1]; the label says whether x0 + x1 > 1."""
    x = rng.random((samples, 2)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 1).astype(np.float32).reshape(-1, 1)
    return x, y, ["x0 + x1 ≤ 1", "x0 + x1 > 1"]


def linear_5x_plus_3(rng: np.random.Generator, samples: int = 200, noise: float = 0.1) -> tuple:
    """Notes 004: y = 5x + 3 plus normal noise, for a one-neuron linear regression."""
    x = rng.random((samples, 1)).astype(np.float32)
    y = (5 * x + 3 + rng.standard_normal((samples, 1)) * noise).astype(np.float32)
    return x, y, None


def sine_waves(rng: np.random.Generator, samples: int = 1000, steps: int = 20, target: str = "next") -> tuple:
    """Notes 000: sine sequences with a random period of 10–19 steps. target "next": the value after the
    sequence; "sequence": the sequence shifted by one step (predict every next value, as notes 003)."""
    periods = rng.integers(10, 20, size=(samples, 1))
    t = np.arange(steps + 1)[None, :]
    waves = np.sin(2 * np.pi * t / periods).astype(np.float32)
    x = waves[:, :-1, None]
    y = waves[:, -1:] if target == "next" else waves[:, 1:, None]
    return x, y, None


def moons(rng: np.random.Generator, samples: int = 500, noise: float = 0.1) -> tuple:
    half = samples // 2
    angle_a, angle_b = rng.random(half) * np.pi, rng.random(samples - half) * np.pi
    a = np.stack([np.cos(angle_a), np.sin(angle_a)], axis=1)
    b = np.stack([1 - np.cos(angle_b), 0.5 - np.sin(angle_b)], axis=1)
    return _shuffled(rng, [a, b], noise, ["upper moon", "lower moon"])


def circles(rng: np.random.Generator, samples: int = 500, noise: float = 0.05) -> tuple:
    half = samples // 2
    angle_a, angle_b = rng.random(half) * 2 * np.pi, rng.random(samples - half) * 2 * np.pi
    outer = np.stack([np.cos(angle_a), np.sin(angle_a)], axis=1)
    inner = 0.5 * np.stack([np.cos(angle_b), np.sin(angle_b)], axis=1)
    return _shuffled(rng, [outer, inner], noise, ["outer circle", "inner circle"])


def xor(rng: np.random.Generator, samples: int = 500, noise: float = 0.0) -> tuple:
    x = rng.uniform(-1, 1, (samples, 2))
    y = ((x[:, 0] > 0) != (x[:, 1] > 0)).astype(np.float32).reshape(-1, 1)
    x = x + rng.standard_normal(x.shape) * noise
    return x.astype(np.float32), y, ["same sign", "different signs"]


def spiral(rng: np.random.Generator, samples: int = 600, classes: int = 3, noise: float = 0.2) -> tuple:
    per_class = samples // classes
    xs, ys = [], []
    for k in range(classes):
        r = np.linspace(0.0, 1, per_class)
        t = np.linspace(k * 4, (k + 1) * 4, per_class) + rng.standard_normal(per_class) * noise
        xs.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1))
        ys.append(np.full(per_class, k))
    order = rng.permutation(per_class * classes)
    x = np.concatenate(xs)[order].astype(np.float32)
    y = np.concatenate(ys)[order].astype(np.int64)
    return x, y, [f"arm {k + 1}" for k in range(classes)]


def random_vectors(rng: np.random.Generator, samples: int = 256, shape: list | None = None, classes: int = 2) -> tuple:
    """Random inputs of any shape with random labels: for trying an architecture, not for learning."""
    shape = list(shape or [10])
    x = rng.standard_normal((samples, *shape)).astype(np.float32)
    y = rng.integers(0, classes, size=samples).astype(np.int64)
    if classes == 2:
        y = y.astype(np.float32).reshape(-1, 1)
    return x, y, [f"class {k}" for k in range(classes)]


def _shuffled(rng: np.random.Generator, groups: list, noise: float, names: list[str]) -> tuple:
    x = np.concatenate(groups)
    y = np.concatenate([np.full(len(g), k) for k, g in enumerate(groups)]).astype(np.float32).reshape(-1, 1)
    x = x + rng.standard_normal(x.shape) * noise
    order = rng.permutation(len(x))
    return x[order].astype(np.float32), y[order], names
