"""Guard against the PySide6 build that corrupts the reference count of True on every signal emit.

PySide6 6.12.0 on CPython 3.11 drops one reference to ``True`` each time a signal is emitted (with or without a
bool argument); once the count reaches zero Python aborts with "bool_dealloc". The training worker emits
progress signals thousands of times, so the project pins 6.11.3 on Python 3.11.

The test emits 10,000 times and requires the reference counts of True and False to be exactly what they were:
the loop creates no lasting reference to either (the slot only adds to an int), so any difference is a leak.
It checks after every batch of 100 emits and, on a leak, gives the lost references back before failing, so a bad
PySide6 shows up as one failed test instead of a crash that takes the whole test session down.
On CPython 3.12+ True and False are immortal and their counts never move; the test then passes trivially.
"""

from __future__ import annotations

import ctypes
import gc
import sys

import pytest
from PySide6.QtCore import QObject, Signal

EMITS = 10_000
BATCH = 100


class Emitter(QObject):
    flag = Signal(bool)
    ping = Signal()


class Receiver:
    def __init__(self) -> None:
        self.calls = 0

    def on_flag(self, value: bool) -> None:
        self.calls += 1

    def on_ping(self) -> None:
        self.calls += 1


def _bool_refcounts() -> tuple[int, int]:
    return sys.getrefcount(True), sys.getrefcount(False)


def _give_back_lost_references(before: tuple[int, int], after: tuple[int, int]) -> None:
    for value, had, has in zip((True, False), before, after):
        for _ in range(had - has):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(value))


@pytest.mark.parametrize("signal_name", ["flag", "ping"])
def test_emitting_leaves_the_reference_counts_of_true_and_false_unchanged(qapp, signal_name: str) -> None:
    emitter, receiver = Emitter(), Receiver()
    signal = getattr(emitter, signal_name)
    signal.connect(receiver.on_flag if signal_name == "flag" else receiver.on_ping)
    emit = signal.emit
    arguments = (True,) if signal_name == "flag" else ()

    gc.collect()
    before = _bool_refcounts()
    for batch in range(EMITS // BATCH):
        for _ in range(BATCH):
            emit(*arguments)
        after = _bool_refcounts()
        if after != before:
            _give_back_lost_references(before, after)
            pytest.fail(
                f"{(batch + 1) * BATCH} emits of Signal({'bool' if arguments else ''}) changed the reference counts "
                f"of (True, False) from {before} to {after}: this PySide6 build leaks references to bools "
                "(PySide6 6.12.0 on Python 3.11 does; use 6.11.3)."
            )

    assert receiver.calls == EMITS
    assert _bool_refcounts() == before
