"""Training: plain functions that train a project's model and report to a small `state` object.

`engine` makes one plan (the model, the data as it reads it, the loss, the observer of the live panels) and runs
one fit; `losses` picks and checks losses and converts labels for them (the window's Settings use it too); `gan`
is the model that trains a generator against a discriminator; `progress` is the Keras callback that reports to the
state, honours pause and stop, and stops on a NaN loss; `insights` takes the snapshots of the live panels;
`state` is the protocol, with states for scripts and the command line.

The window implements the state with Qt signals from a worker thread; the command line implements it with a
progress bar; tests implement it with plain Python. No Qt here; Keras only inside functions.
"""
