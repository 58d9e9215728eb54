"""Undoable edits of the runs recorded with a project (designer.core.runs): record one, delete some, write a
note, and bring back a run's settings (`restore_run`, one undo step of the project commands in
`designer.core.commands`). Records are never changed in place: each command replaces the project's list, so a
copy of the project taken for a run or a save keeps the records it had."""

from __future__ import annotations

from dataclasses import dataclass, replace

from designer.core.commands import Command, Compound, ReplaceGraph, SetAllTraining, SetDataset, SetTrained
from designer.core.project import Project
from designer.core.runs import RunRecord
from designer.core.trained import graph_fingerprint


@dataclass
class AddRun(Command):
    """Record a run with the project (a training run that ended, a sweep's trial)."""

    record: RunRecord

    def __post_init__(self) -> None:
        self.text = f"Record run {self.record.number}"

    def do(self, project: Project) -> None:
        if any(r.number == self.record.number for r in project.runs):
            raise ValueError(f"the project already has a run {self.record.number}")
        project.set_runs([*project.runs, self.record])

    def undo(self, project: Project) -> None:
        project.set_runs([r for r in project.runs if r.number != self.record.number])


@dataclass
class DeleteRuns(Command):
    """Delete run records (and the weights kept with them, once saved)."""

    numbers: list[int]

    def __post_init__(self) -> None:
        self.text = f"Delete run{'s' * (len(self.numbers) != 1)} " + ", ".join(str(n) for n in sorted(self.numbers))
        self._old: list[RunRecord] = []

    def do(self, project: Project) -> None:
        self._old = list(project.runs)
        project.set_runs([r for r in project.runs if r.number not in set(self.numbers)])

    def undo(self, project: Project) -> None:
        project.set_runs(self._old)


@dataclass
class SetRunNote(Command):
    """Write a note on a run ("tried without dropout")."""

    number: int
    note: str

    def __post_init__(self) -> None:
        self.text = f"Note on run {self.number}"
        self._old: list[RunRecord] = []

    def do(self, project: Project) -> None:
        self._old = list(project.runs)
        record = project.run(self.number)  # KeyError for a run that is not there
        project.set_runs([replace(r, note=self.note.strip()[:10_000]) if r is record else r for r in project.runs])

    def undo(self, project: Project) -> None:
        project.set_runs(self._old)


def restore_run(project: Project, record: RunRecord, text: str | None = None) -> Compound:
    """One undo step that brings back a run's settings: its dataset choice, its training settings, its network
    where it differed from today's, and the weights it reached when they were kept with it."""
    steps: list[Command] = [SetDataset(record.dataset), SetAllTraining(record.training)]
    for graph in record.graphs:
        mine = next((g for g in project.graphs if g.role == graph.role), None)
        if mine is not None and graph_fingerprint(mine) != graph_fingerprint(graph):
            steps.append(ReplaceGraph(graph.role, graph.copy()))
    if record.weights:
        steps.append(SetTrained(dict(record.weights)))
    return Compound(text or f"Restore run {record.number}", steps)
