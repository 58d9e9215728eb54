"""Loading TensorFlow without its C++ start-up chatter, and saying which device training will use.

TensorFlow's native code writes "Could not find cuda drivers..." and absl banners straight to the process's
stderr while it is imported, before any Python setting can silence it (TF_CPP_MIN_LOG_LEVEL does not reach
them). `import_tensorflow_quietly` points file descriptor 2 at /dev/null for the import and the first look at the devices only: a failed import
still raises its Python exception.
"""

from __future__ import annotations

import os
import sys


def import_tensorflow_quietly():
    """Import TensorFlow (once) with its native start-up messages hidden; returns the module."""
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real stderr (a GUI launched without a console)
        import tensorflow

        return tensorflow
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            import tensorflow
            import keras  # noqa: F401  (Keras registers with TensorFlow here; its import is quiet after this)

            # device discovery prints "failed call to cuInit" on machines without a GPU: do it now, muted
            tensorflow.config.list_physical_devices("GPU")
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    return tensorflow


def training_device() -> str:
    """"GPU: <name>" for the first GPU TensorFlow sees, else "CPU only"."""
    names = gpu_names()
    return f"GPU: {names[0]}" if names else "CPU only"


def gpu_names() -> list[str]:
    """The names of the GPUs TensorFlow sees, in its order (the "gpu:N" training setting counts in it)."""
    tf = import_tensorflow_quietly()
    names = []
    for gpu in tf.config.list_physical_devices("GPU"):
        names.append(tf.config.experimental.get_device_details(gpu).get("device_name", gpu.name))
    return names
