"""The window's single undo stack: core commands wrapped as QUndoCommands.

A core command is done *before* it is pushed, so a refused edit (a `GraphError` or `ParameterError` in plain
words) never reaches the stack; the wrapper then skips the redo that `QUndoStack.push` performs at once.
Every later undo/redo simply calls the command's own `undo`/`do` on the graph it was made for.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand, QUndoStack

from designer.core.commands import Command
from designer.core.graph import LayerGraph


class GraphUndoCommand(QUndoCommand):
    """One core command on one graph, already done when pushed."""

    def __init__(self, graph: LayerGraph, command: Command) -> None:
        super().__init__(command.text)
        self.graph = graph
        self.command = command
        self._first_redo = True

    def redo(self) -> None:
        if self._first_redo:  # QUndoStack.push calls redo(); the command was done already
            self._first_redo = False
            return
        self.command.do(self.graph)

    def undo(self) -> None:
        self.command.undo(self.graph)


def execute(stack: QUndoStack, graph: LayerGraph, command: Command) -> Command:
    """Do `command` on `graph` and record it; exceptions propagate and nothing is recorded."""
    command.do(graph)
    stack.push(GraphUndoCommand(graph, command))
    return command


class ValueUndoCommand(QUndoCommand):
    """A project setting outside the graphs (e.g. the dataset): `apply(value)` sets it; undo puts the old back."""

    def __init__(self, text: str, apply, old, new) -> None:
        super().__init__(text)
        self._apply = apply
        self._old = old
        self._new = new

    def redo(self) -> None:
        self._apply(self._new)

    def undo(self) -> None:
        self._apply(self._old)
