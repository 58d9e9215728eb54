"""Small pieces of feedback wording: ordinals, numbers with thousands separators, a parameter's value as a
student reads it ("64 units", "activation relu")."""

from __future__ import annotations

from typing import Any

_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def ordinal(n: int) -> str:
    """1 -> "first", 11 -> "11th", -1 -> "last"."""
    if n == -1:
        return "last"
    if 1 <= n <= len(_ORDINALS):
        return _ORDINALS[n - 1]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def count(n: int | float) -> str:
    return f"{n:,}" if isinstance(n, int) else f"{n:,.4g}"


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


#: parameters said as "<value> <word>" ("64 units") rather than "<name> <value>"
_COUNTED = {"units": "unit", "filters": "filter", "latent_dim": "latent dimension"}


def param_value(name: str, value: Any) -> str:
    """A parameter's value in words: "64 units", "activation relu", "kernel_size (3, 3)", "trainable off"."""
    if name in _COUNTED and isinstance(value, int):
        return plural(value, _COUNTED[name])
    if isinstance(value, bool):
        return f"{name.replace('_', ' ')} {'on' if value else 'off'}"
    if isinstance(value, list):
        value = tuple(value)
    return f"{name.replace('_', ' ')} {value}"


def expectation(name: str, expected: Any) -> str:
    """What an exercise asks of a parameter, in words: "75 units", "at most 32 units", "activation relu or tanh"."""
    if isinstance(expected, dict):
        if "one_of" in expected:
            values = expected["one_of"]
            return " or ".join(param_value(name, v) for v in values[:1]) + "".join(
                f" or {v}" for v in values[1:])
        if "at_most" in expected:
            return f"at most {param_value(name, expected['at_most'])}"
        if "at_least" in expected:
            return f"at least {param_value(name, expected['at_least'])}"
    return param_value(name, expected)


def meets(value: Any, expected: Any) -> bool:
    """Whether a value meets what an exercise asks: equal, `{"one_of": [...]}`, `{"at_most": n}`, `{"at_least": n}`
    (numbers compare as numbers; lists and tuples alike)."""
    if isinstance(expected, dict):
        if "one_of" in expected:
            return any(meets(value, v) for v in expected["one_of"])
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return False
        if "at_most" in expected and value > expected["at_most"]:
            return False
        if "at_least" in expected and value < expected["at_least"]:
            return False
        return True
    if isinstance(value, (list, tuple)) and isinstance(expected, (list, tuple)):
        return len(value) == len(expected) and all(meets(a, b) for a, b in zip(value, expected))
    if isinstance(expected, bool) or isinstance(value, bool):
        return value is expected
    if isinstance(expected, (int, float)) and isinstance(value, (int, float)):
        return abs(value - expected) <= 1e-9 * max(1.0, abs(expected))
    return value == expected
