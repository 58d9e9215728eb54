"""The console state: Keras's progress bar drawn on the stream it is given, never on stdout."""

import io

from designer.core.graph import LayerGraph
from designer.core.project import Project, check_training
from designer.data.registry import load_dataset
from designer.training.engine import train
from designer.training.state import ConsoleState, StopAfter


def test_console_state_draws_every_epoch_on_its_stream_and_leaves_stdout_alone(capsys):
    stream = io.StringIO()
    state = ConsoleState(stream)
    state.begin(2, 3)
    for epoch in range(2):
        for step in range(3):
            state.batch_end(epoch, step, {"loss": 1.0 / (step + 1)})
        state.epoch_end(epoch, {"loss": 0.5, "val_loss": 0.25})
    text = stream.getvalue()
    assert "Epoch 1/2" in text and "Epoch 2/2" in text
    assert text.count("3/3") >= 2 and "val_loss: 0.2500" in text
    assert capsys.readouterr().out == ""


def test_console_state_shows_how_far_a_stopped_epoch_got():
    stream = io.StringIO()
    g = LayerGraph()
    g.add("Dense", g.add("Input", shape=[2]), units=1, activation="sigmoid")

    class StoppedConsole(ConsoleState):
        def __init__(self):
            super().__init__(stream)
            self.stopper = StopAfter(2)

        def batch_end(self, epoch, step, logs):
            super().batch_end(epoch, step, logs)
            self.stopper.batch_end(epoch, step, logs)

        def should_stop(self):
            return self.stopper.should_stop()

    state = StoppedConsole()
    train(Project.single(g, training=check_training({"epochs": 3, "seed": 0})), load_dataset("sum_threshold"), state)
    text = stream.getvalue()
    assert "Epoch 1/3" in text and "Epoch 2/3" not in text
    assert " 2/13" in text  # the bar ends where the run stopped, not at the full epoch
