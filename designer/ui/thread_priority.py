"""Training gives way to the window: the training thread and TensorFlow's own worker threads run at a lower
scheduling priority than the window's thread, so that when both want a processor core, the window is served first.

Why: training keeps every core busy (TensorFlow's thread pool has a thread per core). A redraw that takes 10 ms of
processor time then waited its turn behind them: on a 2-core machine a 10 ms timer in the window fired 30-45 ms
late now and then (p99), in a fair share of the cores. Training loses almost nothing, since the window is idle most
of the time, and it still has every core to itself then.

On Linux the priority is the thread's "nice" value (per thread there; threads inherit it from the thread that
starts them, so the threads TensorFlow starts later from a training thread are lowered too). Raising it back needs
privileges an ordinary user lacks, so TensorFlow's threads stay lowered for the rest of the session: they only
work when the app trains or evaluates. Elsewhere Qt's thread priority is the best there is (`LOW_PRIORITY`), and
TensorFlow's pool keeps its priority.
"""

from __future__ import annotations

import os
import sys
import threading

from PySide6.QtCore import QThread

#: the niceness of training threads on Linux (0 normal, 19 lowest): the window (0) gets ~10x their share of a core
NICENESS = 10
#: what a training QThread is started with (Windows and macOS honour it; Linux's default scheduler ignores it)
LOW_PRIORITY = QThread.Priority.LowPriority
_TENSORFLOW_THREADS = "tf_"  # TensorFlow names its threads tf_Compute, tf_graph_runner, tf_data_...


def _lower(thread_id: int) -> None:
    try:
        if os.getpriority(os.PRIO_PROCESS, thread_id) < NICENESS:
            os.setpriority(os.PRIO_PROCESS, thread_id, NICENESS)
    except OSError:  # the thread ended meanwhile, or the system refuses: training just keeps its priority
        pass


def lower_this_thread() -> None:
    """Lower the calling thread (and the threads it starts from now on)."""
    if sys.platform.startswith("linux"):
        _lower(threading.get_native_id())


def lower_tensorflow_threads() -> int:
    """Lower TensorFlow's threads that exist now (its pools may have been started by another thread, e.g. when a
    model was built in the window's thread). Returns how many threads of it were found."""
    if not sys.platform.startswith("linux"):
        return 0
    found = 0
    try:
        thread_ids = os.listdir("/proc/self/task")
    except OSError:
        return 0
    for thread_id in thread_ids:
        try:
            with open(f"/proc/self/task/{thread_id}/comm", encoding="utf-8") as name:
                if not name.read().startswith(_TENSORFLOW_THREADS):
                    continue
        except OSError:
            continue
        found += 1
        _lower(int(thread_id))
    return found
