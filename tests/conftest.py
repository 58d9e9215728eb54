"""Suite-wide settings: headless Qt and quiet TensorFlow, set before either is imported; Hypothesis's examples the
same on every run; a fixture that moves a 784-pixel template to the bundled 8×8 digits (MNIST is a download, the
tests work offline)."""

import os

import pytest
from hypothesis import settings

# the same examples on every run and every machine: a property test that fails found a bug, not an unlucky draw
# (explore new ones with `pytest --hypothesis-seed=N`)
settings.register_profile("repeatable", derandomize=True)
settings.load_profile("repeatable")

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _for_8x8_digits(template):
    from designer.core.templates import load_template

    project = load_template(template)
    for graph in project.graphs:
        for node in graph.nodes():
            if node.params.get("shape") == [784]:
                graph.set_param(node.id, "shape", [64])
            if node.params.get("units") == 784:
                graph.set_param(node.id, "units", 64)
    return project


@pytest.fixture(scope="session")  # a function without state: module fixtures that train once may use it too
def for_8x8_digits():
    """`for_8x8_digits(template)`: the template's project with its Input and 784-unit Dense layers sized for 64 pixels."""
    return _for_8x8_digits


def _run_designer(*args, cwd=None, timeout=300):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "designer", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout)


def _assert_one_line_error(run, *words):
    assert run.returncode != 0
    assert "Traceback" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("designer: error: "), run.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture(scope="session")
def run_designer():
    """`run_designer(*args, cwd=None)`: the `designer` command line run as a real process (text output)."""
    return _run_designer


@pytest.fixture(scope="session")
def assert_one_line_error():
    """`assert_one_line_error(run, *words)`: the process failed with one `designer: error:` line naming `words`."""
    return _assert_one_line_error


def _house_prices(path, rows=240, seed=3):
    """A house-price CSV written to `path`: prices in the hundreds of thousands from an area (m², tens to hundreds)
    and a count of rooms. Returns (area, rooms, price)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    area = rng.uniform(40, 250, rows)
    rooms = rng.integers(1, 7, rows)
    price = 150_000 + 1_800 * area + 12_000 * rooms + rng.normal(0, 8_000, rows)
    lines = ["area,rooms,price"] + [f"{a:.1f},{r},{p:.0f}" for a, r, p in zip(area, rooms, price)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return area, rooms, price


@pytest.fixture(scope="session")  # a function without state: module fixtures that train once may use it too
def house_prices():
    return _house_prices
