"""One input of the person's own, to try a trained model on: an image file, rows of a CSV file or a NumPy array,
read in the data's own units (pixel values up to the dataset's largest, a table's raw numbers) so that the
dataset's `scale_inputs` prepares it exactly as the training rows were prepared."""

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
