"""The device "all_gpus" trains under TensorFlow's MirroredStrategy (each batch split across the devices). On a
machine without GPUs the test splits the CPU into two logical devices, in a process of its own (that must happen
before TensorFlow starts), and checks that both held the model and that the result matches one device's."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

_RUN = textwrap.dedent("""
    import json, os
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    import numpy as np
    from designer.core.graph import LayerGraph
    from designer.core.project import DatasetChoice, Project, check_training
    from designer.data.registry import load_dataset
    from designer.training.engine import train

    graph = LayerGraph()
    x = graph.add("Dense", graph.add("Input", shape=[2]), units=8, activation="relu")
    graph.add("Dense", x, units=1, activation="sigmoid")
    data = load_dataset(DatasetChoice("sum_threshold", {"samples": 256}))
    report = {}
    for device in ("cpu", "all_gpus"):
        settings = {"epochs": 3, "seed": 5, "batch_size": 32, "device": device, "optimizer": "sgd", "learning_rate": 0.1}
        result = train(Project.single(graph.copy(), training=check_training(settings)), data)
        report[device] = result.history["loss"]
        if device == "all_gpus":
            weights = result.model.trainable_variables[0].value  # a MirroredVariable: one copy per device
            report["replicas"] = result.model.distribute_strategy.num_replicas_in_sync
            report["devices"] = [copy.device for copy in weights.values]
            report["in_step"] = all(np.array_equal(c.numpy(), weights.values[0].numpy()) for c in weights.values)
            report["kept"] = sorted(result.trained)
    print(json.dumps(report))
""")


@pytest.mark.slow
def test_all_gpus_mirrors_the_model_and_trains_as_one_device_does():
    done = subprocess.run([sys.executable, "-c", _RUN], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["replicas"] == 2 and report["in_step"] and report["kept"] == ["model"]
    assert [d.rsplit("/", 1)[-1] for d in report["devices"]] == ["device:CPU:0", "device:CPU:1"]
    for one, mirrored in zip(report["cpu"], report["all_gpus"]):
        assert abs(one - mirrored) < 1e-4  # the same gradient, summed over the two halves of each batch


def test_all_gpus_without_gpus_says_so_plainly():
    done = subprocess.run([sys.executable, "-c", textwrap.dedent("""
        from designer.training.devices import mirrored_strategy
        from designer.training.engine import TrainingError
        try:
            mirrored_strategy()
        except TrainingError as error:
            print(error)
    """)], capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT), "CUDA_VISIBLE_DEVICES": ""})
    assert "TensorFlow sees no GPU here" in done.stdout, done.stderr[-2000:]
