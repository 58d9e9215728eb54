"""Numbers as spreadsheets write them: "52340.5", a European "52 340,5" or "52.340,5" (decimal comma, a space or a
dot between thousands), an English "52,340.5". A column is read with one convention for all its cells, chosen from
the cells themselves and the file's separator, so that "1,5" in a ';'-separated European file is one and a half,
not a word — read as words, every distinct value became a one-hot input of its own and the network learned the
rows by heart without a word said.
"""

from __future__ import annotations

import math
import re

#: thousands separators a spreadsheet may write: a space, a no-break space, a narrow no-break space, an apostrophe
_SPACES = " \u00a0\u202f'"
_EUROPEAN = re.compile(r"^[+-]?(\d{1,3}([ \u00a0\u202f'.]\d{3})+|\d+)(,\d+)?$")
_ENGLISH = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def plain_number(text: str) -> float | None:
    """The cell as Python reads a number ("52340.5", "1e-3"), or None; never NaN or infinity."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def column_numbers(values: list[str], separator: str = ",") -> tuple[list[float], str] | None:
    """The column's cells as numbers with the convention they share, ("plain" / "decimal comma" / "thousands
    commas"), or None when they are not all numbers written one way. `separator`: the file's column separator
    (a comma-separated file cannot hold an unquoted decimal comma, so "1,234" there is a thousand)."""
    plain = [plain_number(v) for v in values]
    if all(p is not None for p in plain):
        return plain, "plain"
    stripped = [v.strip() for v in values]
    european = all(_EUROPEAN.match(v) for v in stripped) and any("," in v for v in stripped)
    english = all(_ENGLISH.match(v) for v in stripped) and any("," in v for v in stripped)
    if european and english:  # only "1,234"-like cells: the file's separator decides
        european = separator != ","
    if european:
        return [float(_without_thousands(v).replace(".", "").replace(",", ".")) for v in stripped], "decimal comma"
    if english:
        return [float(v.replace(",", "")) for v in stripped], "thousands commas"
    return None


def _without_thousands(text: str) -> str:
    for space in _SPACES:
        text = text.replace(space, "")
    return text


def looks_like_number(text: str) -> bool:
    """Whether a cell is a number in any of the conventions (to tell a stray word in a number column from a
    column of words)."""
    text = text.strip()
    return plain_number(text) is not None or bool(_EUROPEAN.match(text)) or bool(_ENGLISH.match(text))
