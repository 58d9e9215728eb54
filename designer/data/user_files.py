"""The person's own data files: CSV tables and NumPy arrays, read with messages that name the file and the place.

A CSV has one row per sample; one column (by default the last) is the target. Columns of numbers become
features as they are; columns of words (categories) become one-hot features. The target decides the task: words,
or whole numbers with few distinct values, make a classification (class names from the values), other numbers a
regression. Missing values, text in a column of numbers and rows of the wrong length are refused with the row and
column, counted from 1 as a spreadsheet shows them.

A ``.npz`` holds ``x`` and ``y`` (or ``x_train``/``y_train``, optionally ``x_val``/``y_val`` and ``class_names``);
a ``.npy`` holds inputs only, for an autoencoder. Pickled objects are never loaded.

An image folder has one subfolder per class (the class names are the subfolder names); PNG, JPEG, GIF and BMP
images are decoded with TensorFlow (no other image library needed), resized to the chosen size and kept as
8-bit values. A folder whose decoded images would take more than `MEMORY_LIMIT_BYTES` is not loaded at once: it
becomes an `ImageStream` that reads and decodes the images batch by batch through tf.data while training, and only
its first images are decoded for the preview. A file that is no image, or a damaged one, is named in plain words
(`unreadable_image`) when the folder is read, or, if only decoding it shows the damage, when training fails on it.
"""

from __future__ import annotations

import csv
import re
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

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
    #: a folder too big for memory: `x`/`y` hold its first images only, the stream holds them all
    stream: "ImageStream | None" = None
    #: a CSV's columns, in file order (the target is one of them)
    columns: list[str] | None = None


def is_user_file(name: str) -> bool:
    """True when a dataset name is a path to a file of a kind this module reads, or to a folder."""
    return Path(name).suffix.lower() in USER_FILE_SUFFIXES or Path(name).expanduser().is_dir()


def load_user_file(
    path: str | Path, target: str = "", task: str = "auto", image_size=(64, 64), color: str = "rgb"
) -> RawData:
    path = Path(path).expanduser()
    if path.is_dir():
        return load_image_folder(path, tuple(image_size), color)
    if not path.exists():
        raise DataError(f"{path}: there is no such file. Check the path, or choose the file again.")
    suffix = path.suffix.lower()
    if suffix == ".npz":
        return _load_npz(path)
    if suffix == ".npy":
        return _load_npy(path)
    return load_csv(path, target, task)


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


def load_csv(path: Path, target: str = "", task: str = "auto") -> RawData:
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

    features, feature_names = [], []
    for name in header:
        if name == target:
            continue
        if kinds[name] == "number":
            features.append(np.array(numbers[name][0], dtype=np.float32)[:, None])
            feature_names.append(name)
        else:
            _refuse_names_as_categories(path, name, columns[name])
            categories = sorted(set(columns[name]))
            index = {c: i for i, c in enumerate(categories)}
            features.append(np.eye(len(categories), dtype=np.float32)[[index[v] for v in columns[name]]])
            feature_names += [f"{name}={c}" for c in categories]
    x = np.concatenate(features, axis=1)

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
    description = (
        f"Your file {path.name}: {len(body):,} rows, {len(feature_names)} input values per row, "
        f"target {target!r} ({task}{f', {len(class_names)} classes' if class_names else ''}).{said}"
    )
    return RawData(x, y, class_names, task, description, feature_names=feature_names, columns=header)


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


# ------------------------------------------------------------------------------------------------ image folders
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp"}
MEMORY_LIMIT_BYTES = 2 * 1024**3  # decoded images beyond this are refused rather than filling the memory


def load_image_folder(path: Path, size: tuple[int, int] = (64, 64), color: str = "rgb") -> RawData:
    """Images from one subfolder per class, resized to `size` (height, width); uint8 values."""
    folders = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
    loose = [p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES]
    if not folders:
        if loose:
            raise DataError(
                f"{path} holds images but no subfolders: put the images of each class in a subfolder named after the "
                "class (e.g. cats/, dogs/)."
            )
        raise DataError(f"{path} is empty: it needs one subfolder of images per class.")
    files = _folder_images(folders)
    channels = 1 if color == "grayscale" else 3
    labels = np.array([label for _, label in files], dtype=np.int64)
    class_names = [folder.name for folder in folders]
    one_class = len(class_names) == 1  # images to reconstruct or generate, nothing to classify
    needed = len(files) * size[0] * size[1] * channels
    stream = None
    if needed > MEMORY_LIMIT_BYTES:
        _check_image_headers(files)
        stream = ImageStream([str(f) for f, _ in files], None if one_class else labels, tuple(size), channels)
        files = files[:PREVIEW_IMAGES]
    x = np.empty((len(files), size[0], size[1], channels), dtype=np.uint8)
    for i, (image, _) in enumerate(files):
        x[i] = decode_image(image, size, channels)
    y = labels[: len(files)]
    total = len(stream) if stream else len(files)
    streamed = (
        f" Read from disk while training ({needed / 1024**3:.1f} GB decoded is more than is loaded at once)."
        if stream else ""
    )
    if one_class:
        description = f"Your folder {path.name}: {total:,} images {size[0]}×{size[1]}, one class ({class_names[0]}).{streamed}"
        return RawData(x, None, None, "generation", description, image_max=255.0, stream=stream)
    counts = ", ".join(f"{name} {int((labels == i).sum()):,}" for i, name in enumerate(class_names))
    description = (
        f"Your folder {path.name}: {total:,} images {size[0]}×{size[1]} in {len(class_names)} classes ({counts}).{streamed}"
    )
    return RawData(x, y, class_names, "classification", description, image_max=255.0, stream=stream)


def _folder_images(folders: list[Path]) -> list[tuple[Path, int]]:
    """Every image file under each class folder, with the class number (the folder's place in `folders`)."""
    files: list[tuple[Path, int]] = []
    for label, folder in enumerate(folders):
        images = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
        if not images:
            raise DataError(f"{folder} holds no images (PNG, JPEG, GIF or BMP): add some, or remove the folder.")
        files += [(image, label) for image in images]
    return files


PREVIEW_IMAGES = 64  # decoded at once from a streamed folder, for the preview and the shapes
_IMAGE_MAGIC = {"PNG": b"\x89PNG", "JPEG": b"\xff\xd8\xff", "GIF": b"GIF8", "BMP": b"BM"}
#: a PNG's last chunk; a file copied or downloaded only in part lacks it. Looked for in the last bytes, not at
#: the very end: decoders stop at it, so bytes some tools append after it do no harm
_PNG_END = b"IEND"
_TAIL_BYTES = 4096
#: how long `unreadable_while_training` may look for the damaged file of a folder that failed while training
SEARCH_SECONDS = 30.0


def _image_kind(head: bytes) -> str | None:
    """"PNG", "JPEG", "GIF" or "BMP" from a file's first bytes; None when it starts like none of them."""
    return next((kind for kind, magic in _IMAGE_MAGIC.items() if head.startswith(magic)), None)


def unreadable_image(image: Path) -> str:
    """Why `image` cannot be decoded, in plain words naming the file, and what to do. TensorFlow's own message
    names neither the file nor the problem in words a person can act on ("Invalid PNG. Failed to initialize
    decoder"), so this looks at the file's first bytes instead."""
    try:
        with open(image, "rb") as handle:
            head = handle.read(8)
    except OSError as error:
        return f"{image} cannot be read ({error.strerror or error})."
    if not head:
        return f"{image} is empty (0 bytes): it may not have finished copying. Delete it, or copy it again."
    kind = _image_kind(head)
    if kind is None:
        return (f"{image} is not an image: it does not start like a PNG, JPEG, GIF or BMP file (is it another kind "
                "of file with an image's name?). Delete or replace it.")
    return (f"{image} is not a readable {kind} image (it looks damaged or cut short). Open it in an image viewer to "
            "check, and delete or replace it.")


def _check_image_headers(files: list[tuple[Path, int]]) -> None:
    """Before streaming, make sure every file starts like an image (and a PNG ends like one), so a stray or
    half-copied file is named now and not halfway through an epoch. Only a few bytes of each file are read: a file
    damaged in the middle is found when it fails while training (`unreadable_while_training`)."""
    for image, _ in files:
        try:
            with open(image, "rb") as handle:
                kind = _image_kind(handle.read(8))
                if kind == "PNG":
                    handle.seek(max(0, image.stat().st_size - _TAIL_BYTES))
                    cut_short = _PNG_END not in handle.read()
        except OSError as error:
            raise DataError(f"{image} cannot be read ({error.strerror or error}).") from None
        if kind is None or (kind == "PNG" and cut_short):
            raise DataError(unreadable_image(image))


def unreadable_while_training(folder: str, error: Exception) -> str:
    """What to say when TensorFlow failed to decode an image of the streamed `folder` while training. Its message
    names no file (tf.data cannot catch a failure per file), so the folder's images are decoded again, in parallel
    and for at most `SEARCH_SECONDS`, and the first one that fails is named."""
    import tensorflow as tf

    plain = _tensorflow_words(error)
    unnamed = (f"One of the images of {folder} could not be read while training (it looks damaged or cut short: "
               f"{plain}). Open the folder's images in an image viewer to find it, and delete or replace it.")
    root = Path(folder).expanduser()
    try:
        folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
        files = [str(image) for image, _ in _folder_images(folders)]
    except (OSError, DataError):  # the folder changed since it was read
        return unnamed
    if not files:
        return unnamed

    def decodes(index, path):
        # the shape goes along, unused: a decoding that nothing reads is pruned from the traced map
        return index, tf.shape(tf.io.decode_image(tf.io.read_file(path), expand_animations=False))

    # a file that fails is dropped by ignore_errors: the first index missing from the sequence is the damaged one
    data = (tf.data.Dataset.from_tensor_slices(files).enumerate()
            .map(decodes, num_parallel_calls=tf.data.AUTOTUNE).ignore_errors().batch(256))
    expected, started = 0, time.monotonic()
    for indices, _ in data:
        for index in indices.numpy().tolist():
            if index != expected:
                return f"While training on {folder}: {unreadable_image(Path(files[expected]))}"
            expected += 1
        if time.monotonic() - started > SEARCH_SECONDS:
            return unnamed
    if expected < len(files):  # the last files failed
        return f"While training on {folder}: {unreadable_image(Path(files[expected]))}"
    return f"The images of {folder} could not be read while training: {plain}"  # every one decodes now


def _tensorflow_words(error: Exception) -> str:
    """TensorFlow's message without its internals ("{{function_node …}}", "[[{{node …}}]]", "[Op:…]", the tf.data
    iterator's name): "Invalid PNG. Failed to initialize decoder."."""
    text = str(getattr(error, "message", error))
    text = re.sub(r"\{\{function_node [^}]*\}\}|\[\[.*?\]\]|\[Op:[^\]]*\].*", " ", text, flags=re.S)
    text = re.sub(r"Error in user-defined function passed to .*? transformation with iterator: \S+: ", "", text)
    return " ".join(text.split()) or type(error).__name__


@dataclass
class ImageStream:
    """The images of a folder too big for memory, read batch by batch. Plain data until `tf_dataset` is called."""

    files: list[str]
    labels: np.ndarray | None
    size: tuple[int, int]
    channels: int

    def __len__(self) -> int:
        return len(self.files)

    def subset(self, rows: np.ndarray | slice) -> "ImageStream":
        files = list(np.asarray(self.files, dtype=object)[rows])
        labels = None if self.labels is None else self.labels[rows]
        return ImageStream(files, labels, self.size, self.channels)

    def tf_dataset(self, batch_size: int, scale: str, x_only: bool = False, one_hot: int = 0,
                   input_shape: tuple | None = None, shuffle_seed: int | None = None):
        """A tf.data pipeline of (images, labels) batches (or (images, images) with `x_only`), decoded and resized
        in parallel, scaled like the in-memory data, reshaped to the model's Input, prefetched."""
        import tensorflow as tf

        height, width = self.size
        channels = self.channels

        def load(path):
            pixels = tf.io.decode_image(tf.io.read_file(path), channels=channels, expand_animations=False)
            pixels = tf.image.resize(tf.ensure_shape(pixels, [None, None, channels]), (height, width),
                                     method="area", antialias=True)
            pixels = tf.clip_by_value(tf.round(pixels), 0.0, 255.0)
            if scale == "-1..1":
                pixels = pixels / 127.5 - 1.0
            elif scale in ("0..1", "auto"):
                pixels = pixels / 255.0
            return tf.reshape(pixels, input_shape) if input_shape else pixels

        def label(y):
            return tf.one_hot(y, one_hot) if one_hot else y

        unlabelled = x_only or self.labels is None
        data = tf.data.Dataset.from_tensor_slices(self.files if unlabelled else (self.files, self.labels))
        if shuffle_seed is not None:  # shuffle the file names, not decoded images: the buffer stays small
            data = data.shuffle(len(self.files), seed=shuffle_seed, reshuffle_each_iteration=True)
        if unlabelled:
            data = data.map(lambda path: _pair(load(path)), num_parallel_calls=tf.data.AUTOTUNE)
        else:
            data = data.map(lambda path, y: (load(path), label(y)), num_parallel_calls=tf.data.AUTOTUNE)
        return data.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def _pair(x):
    """An autoencoder's example: the image is both the input and the target."""
    return x, x


def decode_image(image: Path, size: tuple[int, int], channels: int) -> np.ndarray:
    import tensorflow as tf  # the CLI and the window have imported it quietly before any dataset loads
    try:
        pixels = tf.io.decode_image(tf.io.read_file(str(image)), channels=channels, expand_animations=False)
    except (tf.errors.InvalidArgumentError, tf.errors.NotFoundError, tf.errors.UnknownError):
        raise DataError(unreadable_image(image)) from None
    resized = tf.image.resize(pixels, size, method="area", antialias=True)
    return np.clip(np.rint(resized.numpy()), 0, 255).astype(np.uint8)
