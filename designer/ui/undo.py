"""The window's single undo stack: core commands wrapped as QUndoCommands, each with the document it edits.

Every entry is a `designer.core.commands.Command` and the document it was done on (one graph of the project,
or the project itself), exactly as the core `History` keeps them, so the window and scripts behave the same.
A core command is done *before* it is pushed, so a refused edit (a `GraphError` or `ParameterError` in plain
words) never reaches the stack; the wrapper then skips the redo that `QUndoStack.push` performs at once.
Every later undo/redo calls the command's own `undo`/`do` on its document, which emits the events the canvas
and the panels redraw from.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand, QUndoStack

from designer.core.catalogue import ParameterError
from designer.core.commands import Command
from designer.core.graph import GraphError


class CoreUndoCommand(QUndoCommand):
    """One core command on one document, already done when pushed."""

    def __init__(self, target, command: Command) -> None:
        super().__init__(command.text)
        self.target = target
        self.command = command
        self._first_redo = True

    def redo(self) -> None:
        if self._first_redo:  # QUndoStack.push calls redo(); the command was done already
            self._first_redo = False
            return
        self.command.do(self.target)

    def undo(self) -> None:
        self.command.undo(self.target)


def execute(stack: QUndoStack, target, command: Command) -> Command:
    """Do `command` on `target` and record it; exceptions propagate and nothing is recorded."""
    command.do(target)
    stack.push(CoreUndoCommand(target, command))
    return command


def run(stack: QUndoStack, target, command: Command) -> str | None:
    """Do and record `command`; None when done, else the reason it was refused, as a sentence."""
    try:
        execute(stack, target, command)
    except (GraphError, ParameterError, KeyError) as error:
        return sentence(str(error).strip("'\""))
    return None


def sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
