"""Where a run trains: the device setting ("auto", "cpu", "gpu:N", "all_gpus") as a TensorFlow scope, and the one
MirroredStrategy over every GPU (TensorFlow's engine for several GPUs, never our own)."""

from __future__ import annotations

from designer.training.errors import TrainingError


def device_scope(device: str):
    """TensorFlow's device scope for the setting: "auto" (TensorFlow's choice: the first GPU when there is
    one), "cpu", "gpu:N", or "all_gpus" (the scope of a MirroredStrategy over every GPU: the model built and
    compiled in it trains on all of them, each batch split between them); TrainingError when they are not there."""
    from contextlib import nullcontext

    import tensorflow as tf

    if device == "auto":
        return nullcontext()
    if device == "cpu":
        return tf.device("/CPU:0")
    if device == "all_gpus":
        return mirrored_strategy().scope()
    index = int(device.split(":")[1])
    gpus = tf.config.list_logical_devices("GPU")
    if index >= len(gpus):
        seen = f"TensorFlow sees {len(gpus)} GPU{'s' * (len(gpus) != 1)} here" if gpus else "TensorFlow sees no GPU here"
        raise TrainingError(
            f"The training settings ask for GPU {index}, but {seen}. Choose \"auto\" or \"cpu\" as the device in "
            "the Settings tab, and train again."
        )
    return tf.device(gpus[index].name)


_MIRRORED: list = []


def mirrored_strategy():
    """TensorFlow's MirroredStrategy over every GPU, made once per process (a model keeps the strategy it was
    built in). Without GPUs it mirrors over the logical CPUs when several were set up
    (`tf.config.set_logical_device_configuration`: how the tests run it); TrainingError otherwise."""
    import tensorflow as tf

    if not _MIRRORED:
        devices = [d.name for d in tf.config.list_logical_devices("GPU")]
        if not devices:
            cpus = [d.name for d in tf.config.list_logical_devices("CPU")]
            if len(cpus) < 2:
                raise TrainingError("The training settings ask for all GPUs, but TensorFlow sees no GPU here. Choose "
                                    "\"auto\" or \"cpu\" as the device in the Settings tab, and train again.")
            devices = cpus
        _MIRRORED.append(tf.distribute.MirroredStrategy(devices))
    return _MIRRORED[0]
