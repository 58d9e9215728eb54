"""The person's own data files: CSV tables, NumPy arrays and folders of images (read by
`designer.data.image_folders`), with messages that name the file and the place.

A CSV has one row per sample; one column (by default the last) is the target. Columns of numbers become
features as they are; columns of words (categories) become one-hot features, or, with text_columns "in model", are
kept as words for the model to read itself (a text input and a lookup per column). The target decides the task: words,
or whole numbers with few distinct values, make a classification (class names from the values), other numbers a
regression. Missing values, text in a column of numbers and rows of the wrong length are refused with the row and
column, counted from 1 as a spreadsheet shows them.

A ``.npz`` holds ``x`` and ``y`` (or ``x_train``/``y_train``, optionally ``x_val``/``y_val`` and ``class_names``);
a ``.npy`` holds inputs only, for an autoencoder. Pickled objects are never loaded.
"""

from __future__ import annotations

import csv
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from designer.data.dataset import DataError
from designer.data.numbers import column_numbers, looks_like_number, plain_number

USER_FILE_SUFFIXES = (".csv", ".tsv", ".txt", ".npz", ".npy")
MISSING = {"", "na", "n/a", "nan", "null", "none", "?", "-"}
MAX_CLASSES_FROM_NUMBERS = 20
#: what numpy raises for a damaged or foreign .npz/.npy (it is a zip archive of .npy files)
UNREADABLE = (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error)  # whole-number targets with at most this many values are read as classes


@dataclass
class RawData:
    """What a file holds, before the dataset options (scaling, labels, validation) are applied."""

    x: np.ndarray
    y: np.ndarray | None
    class_names: list[str] | None
    task: str
    description: str
    x_val: np.ndarray | None = None
    y_val: np.ndarray | None = None
    feature_names: list[str] | None = None
    image_max: float | None = None
    #: a folder too big for memory (designer.data.image_folders.ImageStream): `x`/`y` hold its first images only,
    #: the stream holds them all
    stream: Any = None
    #: a CSV's columns, in file order (the target is one of them)
    columns: list[str] | None = None
    #: text_columns "in model": the cells of the columns of words (unicode, rows × columns), row for row beside x
    words: np.ndarray | None = None
    #: ... and those columns' names, in file order
    word_columns: list[str] | None = None
    #: every input column of words (whatever text_columns says): its distinct values, sorted; None when there is none
    word_values: dict[str, list[str]] | None = None


def is_user_file(name: str) -> bool:
    """True when a dataset name is a path to a file of a kind this module reads, or to a folder."""
    return Path(name).suffix.lower() in USER_FILE_SUFFIXES or Path(name).expanduser().is_dir()


#: how a CSV's columns of words reach the network (dataset option text_columns)
TEXT_COLUMNS = ("auto", "one-hot", "in model")  # auto: one-hot, until Fit model to data puts them in the model


def load_user_file(
    path: str | Path, target: str = "", task: str = "auto", image_size=(64, 64), color: str = "rgb",
    text_columns: str = "one-hot",
) -> RawData:
    path = Path(path).expanduser()
    if path.is_dir():
        from designer.data.image_folders import load_image_folder

        return load_image_folder(path, tuple(image_size), color)
    if not path.exists():
        raise DataError(f"{path}: there is no such file. Check the path, or choose the file again.")
    suffix = path.suffix.lower()
    if suffix == ".npz":
        return _load_npz(path)
    if suffix == ".npy":
        return _load_npy(path)
    return load_csv(path, target, task, text_columns)


# ------------------------------------------------------------------------------------------------ CSV
def _read_rows(path: Path) -> tuple[list[list[str]], str]:
    """The rows of a CSV and its column separator (sniffed: ',', ';' or a tab)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError(
            f"{path}: this is not a text file in UTF-8 (byte {error.start + 1} cannot be read). "
            "Save it from your spreadsheet as \"CSV UTF-8\"."
        ) from None
    except OSError as error:
        raise DataError(f"{path}: cannot be read ({error.strerror or error}).") from None
    if not text.strip():
        raise DataError(f"{path} is empty: it needs a header line and at least one row of values.")
    delimiter = _separator(text, path)
    return [row for row in csv.reader(text.splitlines(), delimiter=delimiter)], delimiter


def _separator(text: str, path: Path) -> str:
    """The column separator of a CSV's text: ',', ';' or a tab, sniffed from its beginning."""
    try:
        return csv.Sniffer().sniff(text[:8192], delimiters=",;\t").delimiter
    except csv.Error:
        return "\t" if path.suffix.lower() == ".tsv" else ","


def _column_names(first_row: list[str]) -> tuple[list[str], bool]:
    """A CSV's column names and whether its first row is a header: a file that starts with a row of numbers has
    none, and its columns are named as a spreadsheet would ("column 1", …)."""
    if any(_number(cell.strip()) is None for cell in first_row):
        return [cell.strip() for cell in first_row], True
    return [f"column {i + 1}" for i in range(len(first_row))], False


def read_columns(path: str | Path, characters: int = 65_536) -> list[str] | None:
    """A CSV's column names from its beginning only (quick, for choosing the column to predict); None when it
    cannot be read."""
    path = Path(path).expanduser()
    try:
        with open(path, encoding="utf-8-sig") as handle:
            head = handle.read(characters)
    except (OSError, UnicodeDecodeError):
        return None
    lines = head.splitlines()
    if not lines or not lines[0].strip():
        return None
    return _column_names(next(csv.reader(lines[:1], delimiter=_separator(head, path))))[0]


_number = plain_number


def load_csv(path: Path, target: str = "", task: str = "auto", text_columns: str = "one-hot") -> RawData:
    """A CSV's rows as inputs and targets; `text_columns` (see TEXT_COLUMNS) says whether its columns of words become
    one-hot numbers here ("auto", "one-hot") or stay words for the model ("in model")."""
    if text_columns not in TEXT_COLUMNS:
        raise DataError(f"Dataset option text_columns: {text_columns!r} is not one of {', '.join(TEXT_COLUMNS)}.")
    rows, separator = _read_rows(path)
    header, has_header = _column_names(rows[0])
    first_line = 2 if has_header else 1
    body = [(line, row) for line, row in enumerate(rows[first_line - 1:], start=first_line) if any(c.strip() for c in row)]
    if not body:
        raise DataError(f"{path} has a header but no rows of values: add at least one sample.")
    if len(header) < 2:
        raise DataError(f"{path} has only one column; it needs at least one input column and the target column.")
    for line, row in body:
        if len(row) != len(header):
            raise DataError(
                f"{path}, line {line}: {len(row)} values, but the header has {len(header)} columns. "
                "Every row needs one value per column (check for a missing or extra separator)."
            )
    missing = [(line, header[c]) for line, row in body for c, cell in enumerate(row) if cell.strip().lower() in MISSING]
    if missing:
        line, column = missing[0]
        more = f" ({len(missing)} missing values in all)" if len(missing) > 1 else ""
        raise DataError(
            f"{path}, line {line}, column {column!r}: the value is missing{more}. "
            "Fill in the missing values or delete those rows, then load the file again."
        )
    target = target or header[-1]
    if target not in header:
        raise DataError(f"{path} has no column {target!r}; its columns are: {', '.join(header)}.")
    columns = {name: [row[i].strip() for _, row in body] for i, name in enumerate(header)}
    lines = [line for line, _ in body]
    numbers = {name: column_numbers(values, separator) for name, values in columns.items()}
    kinds = {name: "number" if numbers[name] else _column_kind(path, name, values, lines)
             for name, values in columns.items()}
    written = sorted({numbers[n][1] for n in header if numbers[n] and numbers[n][1] != "plain"})

    in_model = text_columns == "in model"
    features, feature_names, word_values = [], [], {}
    for name in header:
        if name == target:
            continue
        if kinds[name] == "number":
            features.append(np.array(numbers[name][0], dtype=np.float32)[:, None])
            feature_names.append(name)
            continue
        # names or ids would be learned by heart, as one-hot inputs or as a lookup's entries alike
        _refuse_names_as_categories(path, name, columns[name])
        categories = sorted(set(columns[name]))
        word_values[name] = categories  # known in both modes, so the model's lookups can be fitted to the data later
        if not in_model:
            index = {c: i for i, c in enumerate(categories)}
            features.append(np.eye(len(categories), dtype=np.float32)[[index[v] for v in columns[name]]])
            feature_names += [f"{name}={c}" for c in categories]
    word_columns = list(word_values) if in_model and word_values else None
    if not features:
        raise DataError(
            f"{path} has no column of numbers besides the target {target!r}, only columns of words "
            f"({', '.join(word_values)}); the network needs at least one number per row beside the words. "
            "Set text columns to \"one-hot\" (each word becomes a number), or add a column of numbers."
        )
    x = np.concatenate(features, axis=1)
    # numpy unicode ('<U…'), row for row beside x: what a Keras text Input takes
    words = np.array([columns[name] for name in word_columns], dtype=str).T if word_columns else None

    values = columns[target]
    if task == "auto":
        task = _guess_task(numbers[target][0] if numbers[target] else None)
    if task == "classification":
        if kinds[target] == "number":
            read = numbers[target][0]
            distinct = sorted(set(read))
            class_names = [_format_number(n) for n in distinct]
            index = {n: i for i, n in enumerate(distinct)}
            y = np.array([index[v] for v in read], dtype=np.int64)
        else:
            class_names = sorted(set(values))
            index = {c: i for i, c in enumerate(class_names)}
            y = np.array([index[v] for v in values], dtype=np.int64)
        if len(class_names) < 2:
            raise DataError(f"{path}: the target column {target!r} holds one value only ({class_names[0]!r}); a classifier needs two classes or more.")
    else:
        if kinds[target] != "number":
            raise DataError(f"{path}: the target column {target!r} holds words, so it cannot be a regression target; choose the task \"classification\".")
        class_names = None
        y = np.array(numbers[target][0], dtype=np.float32)[:, None]
    said = f" Numbers read with {' and '.join(written)}." if written else ""
    if word_columns:
        per_row = (f"{_count(len(feature_names), 'number', 'numbers')} and "
                   f"{_count(len(word_columns), 'column of words', 'columns of words')} (read by the model) per row")
    else:
        per_row = f"{len(feature_names)} input values per row"
    description = (
        f"Your file {path.name}: {len(body):,} rows, {per_row}, "
        f"target {target!r} ({task}{f', {len(class_names)} classes' if class_names else ''}).{said}"
    )
    return RawData(x, y, class_names, task, description, feature_names=feature_names, columns=header,
                   words=words, word_columns=word_columns, word_values=word_values or None)


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


#: a column of words with at least this many rows ...
MANY_ROWS = 20
#: ... and more distinct values than this share of its rows is names or ids, not categories
MOSTLY_DISTINCT = 0.5


def _refuse_names_as_categories(path: Path, name: str, values: list[str]) -> None:
    """A column of words where almost every row has its own word (names, ids, numbers written some unknown way)
    would become one one-hot input per row, which a network can only learn by heart: say so instead."""
    distinct = len(set(values))
    if len(values) >= MANY_ROWS and distinct > MOSTLY_DISTINCT * len(values):
        raise DataError(
            f"{path}, column {name!r}: {distinct:,} different values in {len(values):,} rows (e.g. {values[0]!r}). "
            "As words, each would become an input of its own that only its row has, and the network would learn "
            "the rows by heart. If the column holds numbers, write them one way (1234.5 or 1 234,5); if it is a "
            "name or an id, delete the column."
        )


def _column_kind(path: Path, name: str, values: list[str], lines: list[int]) -> str:
    """"category" for a column of words; a column of numbers with a few words in it is refused where the word is
    (columns of numbers are read by `column_numbers`)."""
    words = [i for i, v in enumerate(values) if not looks_like_number(v)]
    if not words:
        # every cell is a number, but not all written one way (1.5 beside 2,5)
        first = next((i for i, v in enumerate(values) if plain_number(v) is None), 0)
        raise DataError(
            f"{path}, line {lines[first]}, column {name!r}: {values[first]!r} is written differently from the other "
            "numbers of this column (a decimal comma beside decimal points?). Write them all one way."
        )
    if not words:
        return "number"
    if len(words) * 2 >= len(values):
        return "category"
    first = words[0]
    raise DataError(
        f"{path}, line {lines[first]}, column {name!r}: {values[first]!r} is not a number, but most of this "
        f"column's values are numbers ({len(words)} value{'s' * (len(words) > 1)} are not). "
        "Correct the value, or delete the row."
    )


def _guess_task(read: list[float] | None) -> str:
    """Words, or whole numbers with few distinct values: a classification; other numbers: a regression."""
    if read is None:
        return "classification"
    numbers = set(read)
    if all(n.is_integer() for n in numbers) and len(numbers) <= MAX_CLASSES_FROM_NUMBERS:
        return "classification"
    return "regression"


def _format_number(number: float) -> str:
    return str(int(number)) if number.is_integer() else f"{number:g}"


# ------------------------------------------------------------------------------------------------ NumPy
NPZ_LAYOUTS = (("x", "y"), ("x_train", "y_train"))
NPZ_OPTIONAL = {"x_val", "y_val", "x_test", "y_test", "class_names"}


def _load_npz(path: Path) -> RawData:
    try:
        archive = np.load(path, allow_pickle=False)
    except UNREADABLE as error:
        raise DataError(f"{path} is not a NumPy .npz archive that can be read safely ({error}).") from None
    with archive:
        keys = set(archive.files)
        layout = next((pair for pair in NPZ_LAYOUTS if pair[0] in keys), None)
        allowed = NPZ_OPTIONAL | {k for pair in NPZ_LAYOUTS for k in pair}
        unexpected = sorted(keys - allowed)
        if layout is None or unexpected:
            found = ", ".join(sorted(keys)) or "no arrays"
            raise DataError(
                f"{path} holds {found}; expected arrays named x and y (or x_train and y_train, optionally x_val, "
                "y_val and class_names). Save them with numpy.savez(path, x=inputs, y=labels)."
            )
        try:
            arrays = {key: archive[key] for key in keys}
        except ValueError as error:
            if "pickle" in str(error):  # object arrays need pickle, which is never allowed
                raise DataError(f"{path}: an array holds Python objects, which are not loaded for safety.") from None
            raise DataError(f"{path} is damaged and cannot be read safely ({error}).") from None
        except UNREADABLE as error:
            raise DataError(f"{path} is damaged and cannot be read safely ({error}).") from None
    x_key, y_key = layout
    x = _numeric(path, x_key, arrays[x_key])
    y = _numeric(path, y_key, arrays[y_key]) if y_key in arrays else None
    x_val = arrays.get("x_val", arrays.get("x_test"))
    y_val = arrays.get("y_val", arrays.get("y_test"))
    if y is not None and len(y) != len(x):
        raise DataError(f"{path}: {x_key} has {len(x):,} rows but {y_key} has {len(y):,}; they must match row for row.")
    class_names = [str(c) for c in arrays["class_names"]] if "class_names" in arrays else None
    task, y = _labels_task(y, class_names)
    if task == "classification" and class_names is None:
        class_names = [str(i) for i in range(int(y.max()) + 1)]
    image_max = 255.0 if x.dtype == np.uint8 else None
    description = f"Your file {path.name}: {len(x):,} samples of shape {tuple(x.shape[1:])}" + (
        f", {len(class_names)} classes." if class_names else "."
    )
    raw = RawData(x, y, class_names, task, description, image_max=image_max)
    if x_val is not None:
        raw.x_val = _numeric(path, "x_val", x_val)
        raw.y_val = None if y_val is None else _labels_task(_numeric(path, "y_val", y_val), class_names)[1]
    return raw


def _load_npy(path: Path) -> RawData:
    try:
        x = np.load(path, allow_pickle=False)
    except UNREADABLE as error:
        raise DataError(f"{path} is not a NumPy .npy array that can be read safely ({error}).") from None
    x = _numeric(path, "the array", x)
    image_max = 255.0 if x.dtype == np.uint8 else None
    description = f"Your file {path.name}: {len(x):,} samples of shape {tuple(x.shape[1:])}, no labels (for an autoencoder)."
    return RawData(x, None, None, "generation", description, image_max=image_max)


def _numeric(path: Path, key: str, array: np.ndarray) -> np.ndarray:
    if array.ndim == 0 or len(array) == 0:
        raise DataError(f"{path}: {key} holds no samples (shape {array.shape}); it needs at least one row.")
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_):
        raise DataError(f"{path}: {key} holds {array.dtype} values, not numbers.")
    if np.issubdtype(array.dtype, np.floating) and not np.isfinite(array).all():
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise DataError(f"{path}: {key} has a missing or infinite value at index {where}; fill it in first.")
    return array


def _labels_task(y: np.ndarray | None, class_names: list[str] | None) -> tuple[str, np.ndarray | None]:
    if y is None:
        return "generation", None
    flat = y.reshape(len(y), -1)
    if np.issubdtype(y.dtype, np.integer) and flat.shape[1] == 1:
        return "classification", flat[:, 0].astype(np.int64)
    if class_names and flat.shape[1] == len(class_names):  # one-hot labels: back to class numbers
        return "classification", flat.argmax(axis=1).astype(np.int64)
    return "regression", y.astype(np.float32)
