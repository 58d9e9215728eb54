"""Training gives way to the window: the training thread and TensorFlow's threads run at a lower priority (Linux
"nice"), the window's thread keeps its own."""

import os
import sys
import threading

import pytest

from designer.ui import thread_priority

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="thread niceness is per thread on Linux")


def niceness(thread_id: int) -> int:
    return os.getpriority(os.PRIO_PROCESS, thread_id)


def named_thread(name: str):
    """A thread whose system name is `name` (as TensorFlow names its threads), waiting until released."""
    started, release = threading.Event(), threading.Event()
    ids = []

    def body():
        ids.append(threading.get_native_id())
        with open(f"/proc/self/task/{ids[0]}/comm", "w", encoding="utf-8") as comm:
            comm.write(name)
        started.set()
        release.wait(10)

    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    started.wait(10)
    return ids[0], release, thread


@linux_only
def test_tensorflow_threads_are_lowered_and_others_left_alone():
    window = niceness(threading.get_native_id())
    tf_thread, release_tf, tf_body = named_thread("tf_Compute")
    other, release_other, other_body = named_thread("QXcbEventQueue")
    try:
        assert thread_priority.lower_tensorflow_threads() >= 1
        assert niceness(tf_thread) == max(window, thread_priority.NICENESS)
        assert niceness(other) == window and niceness(threading.get_native_id()) == window
    finally:
        release_tf.set(), release_other.set()
        tf_body.join(), other_body.join()


@linux_only
def test_a_lowered_thread_passes_its_priority_to_the_threads_it_starts():
    seen = {}

    def worker():
        thread_priority.lower_this_thread()
        seen["worker"] = niceness(threading.get_native_id())
        child = threading.Thread(target=lambda: seen.setdefault("child", niceness(threading.get_native_id())))
        child.start()
        child.join()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen["worker"] >= thread_priority.NICENESS and seen["child"] == seen["worker"]
    assert niceness(threading.get_native_id()) < thread_priority.NICENESS  # the caller's thread is untouched


@linux_only
def test_a_training_run_lowers_its_threads_not_the_window(qtbot):
    from designer.core.graph import LayerGraph
    from designer.core.project import DatasetChoice, Project, check_training
    from designer.data.registry import load_dataset
    from designer.ui.training_run import TrainingRun

    g = LayerGraph()
    g.add("Dense", g.add("Input", shape=[2]), units=1, activation="sigmoid")
    project = Project.single(g, dataset=DatasetChoice("sum_threshold"),
                             training=check_training({"epochs": 1, "batch_size": 16}))
    run = TrainingRun(project, load_dataset(DatasetChoice("sum_threshold", {"samples": 64})))
    window = niceness(threading.get_native_id())
    at_begin = {}

    def look(*_):  # on the window's thread, as training begins: TensorFlow's pools exist by now
        for thread_id in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{thread_id}/comm", encoding="utf-8") as comm:
                    if comm.read().startswith("tf_"):
                        at_begin[int(thread_id)] = niceness(int(thread_id))
            except (FileNotFoundError, ProcessLookupError):  # a thread that ended since the folder was listed
                continue

    run.began.connect(look)
    with qtbot.waitSignal(run.finished, timeout=120_000):
        run.start()
    assert at_begin and all(value >= thread_priority.NICENESS for value in at_begin.values())
    assert niceness(threading.get_native_id()) == window
