"""Folders of images, one subfolder per class (the class names are the subfolder names).

PNG, JPEG, GIF and BMP images are decoded with TensorFlow (no other image library needed), resized to the chosen
size and kept as 8-bit values. A folder whose decoded images would take more than `MEMORY_LIMIT_BYTES` is not loaded at once: it
becomes an `ImageStream` that reads and decodes the images batch by batch through tf.data while training, and only
its first images are decoded for the preview. A file that is no image, or a damaged one, is named in plain words
(`unreadable_image`) when the folder is read, or, if only decoding it shows the damage, when training fails on it.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from designer.data.dataset import DataError
from designer.data.user_files import RawData

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
