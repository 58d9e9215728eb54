"""One input of the person's own, to try a trained model on: an image file, rows of a CSV file or a NumPy array
(`read_input`), or rows of a table whose header names the training file's columns (`read_table_rows`, which also
gives the words of the columns a model reads as words), read in the data's own units (pixel values up to the
dataset's largest, a table's raw numbers) so that the dataset's `scale_inputs` prepares it exactly as the training
rows were prepared."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from designer.data.dataset import DataError, Dataset
from designer.data.numbers import column_numbers, looks_like_number

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp")
MAX_INPUT_BYTES = 64 * 1024**2


def read_input(path: str | Path, dataset: Dataset) -> np.ndarray:
    """Rows shaped like the dataset's samples, in its raw units; DataError in plain words when the file does not
    hold such an input."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    if path.stat().st_size > MAX_INPUT_BYTES:
        raise DataError(f"{path} is {path.stat().st_size / 1e6:.0f} MB: too big for one input to try")
    suffix = path.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return _image(path, dataset)
    if suffix == ".csv":
        return _rows(_csv_numbers(path), dataset, path)
    if suffix == ".npy":
        try:
            array = np.load(path, allow_pickle=False)
        except (ValueError, OSError) as error:
            raise DataError(f"{path} is not a NumPy array file ({error})") from None
        return _rows(array, dataset, path)
    raise DataError(f"{path.name}: give an image ({', '.join(IMAGE_SUFFIXES)}), a .csv file of rows or a .npy array")


def read_rows(path: str | Path, dataset: Dataset) -> tuple[np.ndarray, np.ndarray | None]:
    """(numbers, words) to try a model on: a CSV with a header, for data read from a CSV, by its column names
    (`read_table_rows`: words as they are in the file); anything else as `read_input` reads it, without words. A
    model that reads words needs them by name: a CSV of numbers only is refused then."""
    path = Path(path).expanduser()
    if dataset.columns and path.suffix.lower() == ".csv" and path.is_file() and _has_header(path):
        return read_table_rows(path, dataset)
    if dataset.word_columns:
        raise DataError(f"the model reads the words of {', '.join(dataset.word_columns)}: give a .csv file whose first "
                        "line names the columns as the training file did, with the words as they are in the file")
    return read_input(path, dataset), None


def _has_header(path: Path) -> bool:
    from designer.data.user_files import _read_rows

    if path.stat().st_size > MAX_INPUT_BYTES:
        return False  # read_input says it is too big
    lines, _ = _read_rows(path)
    first = next((row for row in lines if any(cell.strip() for cell in row)), None)
    return first is not None and not all(looks_like_number(cell) for cell in first)


def read_table_rows(path: str | Path, dataset: Dataset) -> tuple[np.ndarray, np.ndarray | None]:
    """Rows of a CSV whose header names the columns as the training file did (in any order; the target column may
    be there and is ignored), for a dataset read from a CSV: (numbers, words). `numbers`: float32, one row per
    row, in the training file's order of number inputs (feature_names), in the data's own units (`scale_inputs`
    prepares them); with one-hot text columns the words are encoded here as they were in training. `words`: the
    cells of `dataset.word_columns` (unicode, rows × columns) when the model reads the words itself, else None.
    DataError in plain words for an unknown or missing column, a word where a number belongs, a missing value."""
    from designer.data.user_files import _read_rows

    path = Path(path).expanduser()
    if not dataset.columns:
        raise DataError(f"{dataset.title} was not read from a CSV file, so rows of a table cannot be tried on it")
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    if path.stat().st_size > MAX_INPUT_BYTES:
        raise DataError(f"{path} is {path.stat().st_size / 1e6:.0f} MB: too big for rows to try")
    lines, separator = _read_rows(path)
    rows = [(line, row) for line, row in enumerate(lines, start=1) if any(cell.strip() for cell in row)]
    if not rows:
        raise DataError(f"{path.name} holds no values: it needs a header line and at least one row to try")
    header, body = [cell.strip() for cell in rows[0][1]], rows[1:]
    target = dataset.options.get("target") or dataset.columns[-1]
    word_values = dataset.word_values or {}
    words_read = dataset.word_columns or []
    # in file order, without the target: what a row must give (one-hot columns of words count as columns here)
    needed = [name for name in dataset.columns if name != target]
    if all(looks_like_number(cell) for cell in header):
        raise DataError(f"{path.name} starts with a row of numbers; its first line must name the columns, as the "
                        f"training file's did: {', '.join(needed)}")
    unknown = [name for name in header if name not in dataset.columns]
    if unknown:
        raise DataError(f"{path.name}: the training file had no column {_names(unknown)}; its columns are "
                        f"{', '.join(needed)} (delete the others)")
    twice = sorted({name for name in header if header.count(name) > 1})
    if twice:
        raise DataError(f"{path.name}: the column {_names(twice)} comes twice in the header; keep one")
    missing = [name for name in needed if name not in header]
    if missing:
        raise DataError(f"{path.name} lacks the column{'s' * (len(missing) > 1)} {_names(missing)}, which the "
                        "model was trained on: add it with a value in every row")
    if not body:
        raise DataError(f"{path.name} has a header but no rows of values: add at least one row to try")
    for line, row in body:
        if len(row) != len(header):
            raise DataError(f"{path.name}, line {line}: {len(row)} values, but the header has {len(header)} columns")
    cells = {name: [row[header.index(name)].strip() for _, row in body] for name in needed}
    for name in needed:
        empty = next((line for (line, _), cell in zip(body, cells[name]) if not cell), None)
        if empty is not None:
            raise DataError(f"{path.name}, line {empty}, column {name!r}: the value is missing; fill it in")

    numbers = []
    for name in needed:
        if name in words_read:
            continue
        if name in word_values:  # text columns one-hot: encoded as training encoded them
            numbers.append(_one_hot(path, name, cells[name], word_values[name], [line for line, _ in body]))
            continue
        read = column_numbers(cells[name], separator)
        if read is None:
            bad = next(((line, cell) for (line, _), cell in zip(body, cells[name]) if not looks_like_number(cell)), None)
            if bad is not None:
                raise DataError(f"{path.name}, line {bad[0]}, column {name!r}: {bad[1]!r} is not a number")
            raise DataError(f"{path.name}, column {name!r} mixes ways of writing numbers (a decimal point in some "
                            "rows, a decimal comma in others): write them all one way")
        numbers.append(np.asarray(read[0], dtype=np.float32)[:, None])
    x = np.concatenate(numbers, axis=1).astype(np.float32)
    if dataset.feature_names and len(dataset.feature_names) != x.shape[1]:
        raise DataError(f"{path.name}: its columns give {x.shape[1]} numbers a row, but {dataset.title} has "
                        f"{len(dataset.feature_names)}; load the data again and retry")
    words = np.array([cells[name] for name in words_read], dtype=str).T if words_read else None
    return x, words


def _one_hot(path: Path, name: str, cells: list[str], known: list[str], lines: list[int]) -> np.ndarray:
    """A column of words as the one-hot inputs training made of it (one per known word, in sorted order)."""
    index = {word: i for i, word in enumerate(known)}
    new = next(((line, cell) for line, cell in zip(lines, cells) if cell not in index), None)
    if new is not None:
        raise DataError(f"{path.name}, line {new[0]}, column {name!r}: {new[1]!r} was not in the training file, whose "
                        f"values there are {', '.join(known)}")
    return np.eye(len(known), dtype=np.float32)[[index[cell] for cell in cells]]


def _names(names: list[str]) -> str:
    return ", ".join(repr(name) for name in names)


def _image(path: Path, dataset: Dataset) -> np.ndarray:
    from designer.data.image_folders import decode_image

    shape = dataset.sample_shape
    if dataset.image_max is None or len(shape) not in (2, 3):
        raise DataError(f"{dataset.title} is not made of images (its samples are {_shape(shape)}), so an image "
                        "cannot be tried on it: give a .csv row or a .npy array")
    channels = shape[2] if len(shape) == 3 else 1
    if channels not in (1, 3):
        raise DataError(f"the samples of {dataset.title} have {channels} channels; an image file has 1 or 3")
    pixels = decode_image(path, (shape[0], shape[1]), channels).astype(np.float32)
    pixels *= dataset.image_max / 255.0  # a picture's 0..255 in the data's own range (the 8x8 digits go to 16)
    return pixels.reshape((1, *shape))


def _csv_numbers(path: Path) -> np.ndarray:
    """The rows of numbers of a CSV, read as the training file was: its separator sniffed, each column's
    convention (a decimal comma, thousands separators) found from its own cells."""
    from designer.data.user_files import _read_rows

    lines, separator = _read_rows(path)
    rows = [r for r in lines if any(cell.strip() for cell in r)]
    if rows and not all(looks_like_number(c) for c in rows[0]):
        rows = rows[1:]  # a header
    if not rows or len({len(r) for r in rows}) != 1:
        raise DataError(f"{path.name} must hold rows of numbers, all of the same length")
    columns = []
    for index, cells in enumerate(zip(*rows)):
        read = column_numbers(list(cells), separator)
        if read is None:
            bad = next(((n, c) for n, c in enumerate(cells, start=1) if not looks_like_number(c)), None)
            if bad is not None:
                raise DataError(f"{path.name}, row {bad[0]}, column {index + 1}: {bad[1].strip()!r} is not a number")
            raise DataError(f"{path.name}, column {index + 1} mixes ways of writing numbers (a decimal point in some "
                            "rows, a decimal comma in others): write them all one way")
        columns.append(read[0])
    return np.asarray(columns, dtype=np.float32).T


def _rows(array: np.ndarray, dataset: Dataset, path: Path) -> np.ndarray:
    shape = dataset.sample_shape
    if not np.issubdtype(array.dtype, np.number) or not np.all(np.isfinite(array)):
        raise DataError(f"{path.name} must hold finite numbers")
    if tuple(array.shape) == shape:
        return array.reshape((1, *shape)).astype(np.float32)
    per_row = math.prod(shape)
    if array.ndim >= 1 and math.prod(array.shape[1:]) == per_row and array.ndim > 1:
        return array.reshape((len(array), *shape)).astype(np.float32)
    if array.ndim == 1 and array.size == per_row:
        return array.reshape((1, *shape)).astype(np.float32)
    raise DataError(f"{path.name} holds {_shape(tuple(array.shape))}, but a sample of {dataset.title} is "
                    f"{_shape(shape)} ({per_row} numbers a row)")


def _shape(shape: tuple) -> str:
    return "×".join(str(d) for d in shape) + (" numbers" if len(shape) == 1 else "")
