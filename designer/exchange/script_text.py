"""How values are written into an exported script as Python source, and the error raised when something of a
project cannot be written there (`designer.exchange.python_script` and the modules that make its pieces)."""

from __future__ import annotations

import json
from typing import Any

from designer.exchange.formats import ExportError


class ScriptExportError(ExportError):
    """The project cannot be written as a script; the message says why in plain words (an ExportError, so it is
    shown like any export's)."""


def literal(value: Any) -> str:
    """`value` as Python source: strings in double quotes, tuples as tuples."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple):
        inner = ", ".join(literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    raise ScriptExportError(f"a parameter value {value!r} cannot be written in a script")
