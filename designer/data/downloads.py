"""The classic Keras datasets (MNIST, Fashion-MNIST, CIFAR-10/100), downloaded once and cached by Keras.

Keras keeps them in ``$KERAS_HOME/datasets`` (``~/.keras/datasets``) and checks each file's hash. Its fetch has
no timeout, so a dead network would hang: a socket timeout is set around the call, and every failure becomes a
`DataError` that says the data needs the internet once, what failed, and where a copy of the file can be put.
"""

from __future__ import annotations

import os
import socket
from contextlib import contextmanager

from designer.data.dataset import DataError

DOWNLOAD_TIMEOUT_S = 30

#: dataset name -> (keras.datasets module, the file Keras caches, approximate size)
SOURCES = {
    "mnist": ("mnist", "mnist.npz", "11 MB"),
    "fashion_mnist": ("fashion_mnist", "the four train-/t10k-*-ubyte.gz files (in a fashion-mnist folder)", "30 MB"),
    "cifar10": ("cifar10", "cifar-10-batches-py.tar.gz", "170 MB"),
    "cifar100": ("cifar100", "cifar-100-python.tar.gz", "170 MB"),
}


def keras_home() -> str:
    """The folder Keras caches downloads in (it reads $KERAS_HOME once, when Keras is imported)."""
    try:
        from keras.src.backend.config import keras_home as keras_own_home

        return keras_own_home()
    except ImportError:  # a Keras without this internal: the documented default
        return os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")


def keras_datasets_dir() -> str:
    return os.path.join(keras_home(), "datasets")


@contextmanager
def download_timeout(seconds: float = DOWNLOAD_TIMEOUT_S):
    """A socket timeout around a Keras download: keras.utils.get_file sets none, so a dead network hangs."""
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


def fetch(name: str):
    """((x_train, y_train), (x_test, y_test)) from Keras's cache, downloading once; DataError on failure."""
    module_name, file_name, size = SOURCES[name]
    import keras

    loader = getattr(keras.datasets, module_name).load_data
    try:
        with download_timeout():
            return loader()
    except Exception as error:  # URLError, timeouts, HTTP errors, bad hashes, corrupt archives
        raise DataError(
            f"The {name} dataset ({size}) is downloaded from the internet the first time it is used, and that "
            f"failed: {_reason(error)}. Connect to the internet and try again, or put a copy of {file_name} "
            f"in {keras_datasets_dir()}. Or train on the bundled 8×8 digits, which need no download: --data digits "
            f"on the command line, or \"Use the bundled 8×8 digits instead\" in the Data tab."
        ) from error


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text if len(text) <= 200 else text[:197] + "..."
