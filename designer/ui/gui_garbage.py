"""Reference cycles that hold Qt objects are collected in the GUI thread, before a worker thread starts.

Python collects cycles in whichever thread happens to allocate when a collection is due. A worker building a
Keras model allocates a great deal, so it is often that thread that collects what the window left behind (a closed
dialog, the pages of a panel shown again, pyqtgraph items): the Qt objects in those cycles are then destroyed off
the GUI thread. Seen: the training thread, destroying such an object, waited for the interpreter lock while holding
a Qt lock that the GUI thread, destroying a menu, waited for — both stood still. Collecting here first leaves the
worker no such cycles to collect (training then freezes what exists: `TrainingRun`'s gc.freeze).
"""

from __future__ import annotations

import gc


def collect_before_worker() -> None:
    """A full collection, in the calling (GUI) thread. Tens of milliseconds once TensorFlow is loaded; called when
    a person starts something that takes seconds anyway."""
    gc.collect()
