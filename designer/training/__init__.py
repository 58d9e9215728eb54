"""Training: a plain function that trains a project's model and reports to a small `state` object.

The window implements the state with Qt signals from a worker thread; the command line implements it with a
progress bar; tests implement it with plain Python. No Qt here; Keras only inside functions.
"""
