"""The document layer stays light: importing it (and every layer kind) loads no TensorFlow, Keras, numpy or Qt,
and the import-linter contracts of pyproject.toml hold."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

HEAVY = ("tensorflow", "keras", "numpy", "PySide6")

PROBE = f"""
import json, sys
import designer.core, designer.core.project, designer.core.analysis, designer.core.commands, designer.core.templates
from designer.core import catalogue
kinds = [kind.key for kind in catalogue.all_kinds()]
loaded = sorted(name for name in sys.modules if name.split(".")[0] in {HEAVY!r})
print(json.dumps({{"kinds": len(kinds), "heavy": loaded}}))
"""


def test_core_imports_nothing_heavy() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["kinds"] >= 27, "the layer kinds were not all loaded"
    assert found["heavy"] == [], f"designer.core pulled in {found['heavy']}"


#: import-linter's command, run by this interpreter: the suite may be started as /path/to/venv/bin/python -m pytest
#: with that environment's scripts folder not on PATH
LINT_IMPORTS = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def test_import_linter_contracts_are_kept() -> None:
    assert importlib.util.find_spec("importlinter"), "import-linter is not installed in this environment"
    result = subprocess.run(
        [sys.executable, "-c", LINT_IMPORTS, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300,
        check=False, env={**os.environ, "PATH": os.defpath},  # nothing found through PATH
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " 0 broken" in result.stdout
