"""Grading a student's project against an exercise: `grade` runs the exercise's checks on a `Work` (the project,
Keras's report of each graph, and — only once the other checks pass — one training run of it), `grade_file`
grades a project file and never raises (a broken or hostile file is one failing grade), and `mark_book` writes
the grades of a class as CSV.

A training check trains the project afresh (not from weights kept with it), with its own seed or seed 1, so two
gradings of one file agree and a student cannot pass by training longer elsewhere; the state passed in sees the
run (a progress bar, a Stop button).
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field

from designer.core.project import Project
from designer.learn.checks import (EMPTY_CANVAS, Answer, AnyOf, CheckNotRun, DatasetChoice, HowMany, LayerMissing,
                                   LayerParameters, LayersInOrder, Outcome, TrainingSetting)
from designer.learn.exercise_files import Exercise

#: the seed of a grading run when the project fixes none: the same file always trains the same way
GRADING_SEED = 1
#: checks that read only the canvas, or only the settings and answers: they give feedback even when the network
#: does not build yet
_CANVAS_ONLY = (LayersInOrder, LayerParameters, HowMany)
_SETTINGS_ONLY = (TrainingSetting, DatasetChoice, Answer)


@dataclass
class TrainedRun:
    result: object
    dataset: object


class Work:
    """What the checks look at: the project, Keras's report of each of its graphs, and one training run (made on
    the first call of `trained`)."""

    def __init__(self, project: Project, project_file: str | os.PathLike | None = None, state=None,
                 analyzer=None, wants_health: bool = False) -> None:
        self.project = project
        self.project_file = str(project_file) if project_file is not None else None
        self.state = state
        self.wants_health = wants_health
        self._analyzer = analyzer
        self._reports: dict[str, object] = {}
        self._trained: TrainedRun | None = None

    def layers(self, role: str) -> list:
        graph = self._graph(role)
        if graph.find_cycle():
            raise CheckNotRun("your network goes round in a loop; connect the layers from the Input to the output")
        return [graph.node(n) for n in graph.topological_order()]

    def report(self, role: str):
        if role not in self._reports:
            if self._analyzer is None:
                from designer.keras_bridge.shape_oracle import make_analyzer

                self._analyzer = make_analyzer()
            self._reports[role] = self._analyzer.analyse(self._graph(role))
        return self._reports[role]

    def build_problem(self, role: str) -> str | None:
        """Why the graph does not build, as the canvas says it (its first error), or None."""
        graph = self._graph(role)
        report = self.report(role)
        if not len(graph):
            return EMPTY_CANVAS
        if report.ok:
            return None
        return f"your network does not build yet: {report.errors(graph)[0]}"

    def _graph(self, role: str):
        try:
            return self.project.graph(role)
        except KeyError:
            raise CheckNotRun(f"the project has no {role} network; this exercise is about one") from None

    def trained(self) -> TrainedRun:
        if self._trained is None:
            self._trained = self._train()
        return self._trained

    def _train(self) -> TrainedRun:
        from designer.data.dataset import DataError
        from designer.data.registry import load_dataset, project_choice
        from designer.training.engine import _first_words, fit, plan_training

        project = self.project.copy()
        project.trained = {}  # graded from fresh weights: the same file always grades the same
        if project.training["seed"] is None:
            project.training["seed"] = GRADING_SEED
        try:
            dataset = load_dataset(project_choice(project, self.project_file))
        except DataError as error:
            raise CheckNotRun(f"the data cannot be loaded: {error}") from None
        state = _Watching(self.state, self.wants_health)
        try:
            plan = plan_training(project, dataset, health=self.wants_health)
            result = fit(plan, state)
        except Exception as error:  # noqa: BLE001 - whatever stops training is feedback, never a crash
            raise CheckNotRun(f"the project does not train: {_first_words(error)}") from None
        if state.stopped:
            raise CheckNotRun("checking was stopped before training finished")
        return TrainedRun(result, dataset)


class _Watching:
    """The training state of a grading run: reports to the caller's state (a progress bar) and notes a stop."""

    wants_insights = False

    def __init__(self, outer, wants_health: bool) -> None:
        self.outer = outer
        self.wants_health = wants_health
        self.stopped = False

    def __getattr__(self, name):  # begin, batch_end, epoch_end, end, health, ...: the caller's, or nothing
        method = getattr(self.outer, name, None) if self.outer is not None else None
        return method if method is not None else (lambda *args, **kwargs: None)

    def should_stop(self) -> bool:
        if self.outer is not None and self.outer.should_stop():
            self.stopped = True
        return self.stopped

    def adjust(self, model) -> bool:
        return False


@dataclass(frozen=True)
class CheckResult:
    #: True, False, or None when it was not run (it waits for the others, or the network does not build)
    passed: bool | None
    feedback: str
    #: whether it is about a training result
    trains: bool = False
    #: the layer it looks at is not on the canvas
    missing: bool = False


@dataclass
class Grade:
    results: list[CheckResult] = field(default_factory=list)
    #: the file could not be read or checked at all: why, in one line
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and bool(self.results) and all(r.passed for r in self.results)

    @property
    def score(self) -> tuple[int, int]:
        """(checks passed, checks)."""
        return sum(1 for r in self.results if r.passed), len(self.results)

    def feedback(self) -> list[str]:
        """What to change, one line each: the failed checks, then why some were not run."""
        if self.error:
            return [self.error]
        failed = [r.feedback for r in self.results if r.passed is False]
        waiting = [r.feedback for r in self.results if r.passed is None]
        return list(dict.fromkeys(failed + waiting))

    def line(self, name: str) -> str:
        if self.passed:
            return f"{name}: pass"
        return f"{name}: fail: " + "; ".join(self.feedback())


def grade(exercise: Exercise, project: Project, project_file: str | os.PathLike | None = None, state=None,
          analyzer=None) -> Grade:
    """Run every check of `exercise` on `project`. Checks about a training result run only when all the others
    pass (no point training a network that is not yet the one asked for); `state` sees that training."""
    work = Work(project, project_file, state, analyzer,
                wants_health=any(_names(c) & {"NoHealthFinding"} for c in exercise.checks))
    problems: dict[str, str | None] = {}
    canvas_checks = [c for c in exercise.checks if not c.trains]
    results = [_run(check, work, problems) for check in canvas_checks]
    order_failed = any(isinstance(c, LayersInOrder) and not r.passed for c, r in zip(canvas_checks, results))
    results = [_missing(r, order_failed) for r in results]
    if all(r.passed for r in results):
        for check in exercise.checks:
            if check.trains:
                results.append(_run(check, work, problems))
    else:
        waiting = "the training checks wait until the points above are right"
        results += [CheckResult(None, waiting, True) for c in exercise.checks if c.trains]
    return Grade(results)


def _missing(result: CheckResult, order_failed: bool) -> CheckResult:
    """A layer's settings cannot be checked while the layer is missing: said by the check of the layers in order
    when it failed (one line, not one per layer), else by the layer's own check."""
    if not result.missing:
        return result
    if order_failed:
        return CheckResult(None, "each layer's settings are checked once the layers are in place")
    return CheckResult(False, result.feedback)


def _names(check) -> set[str]:
    return {type(check).__name__} | set().union(*(_names(c) for c in getattr(check, "checks", ())))


def _run(check, work: Work, problems: dict[str, str | None]) -> CheckResult:
    try:
        if not _reads_only(check, _CANVAS_ONLY + _SETTINGS_ONLY):
            for role in _roles(check, work.project):
                if role not in problems:
                    problems[role] = work.build_problem(role)
                if problems[role]:
                    return CheckResult(None, problems[role], check.trains)
        outcome: Outcome = check.run(work)
    except CheckNotRun as reason:
        return CheckResult(False if check.trains else None, str(reason), check.trains,
                           missing=isinstance(reason, LayerMissing))
    return CheckResult(outcome.passed, outcome.feedback, check.trains)


def _reads_only(check, kinds: tuple) -> bool:
    """Whether the check (each check of an any_of) is one of `kinds`."""
    if isinstance(check, AnyOf):
        return all(_reads_only(c, kinds) for c in check.checks)
    return isinstance(check, kinds)


def _roles(check, project: Project) -> list[str]:
    """The graphs that must build for the check: its own; both networks of a GAN for a check of the whole run."""
    if check.graph == "model" and project.is_gan:
        return [g.role for g in project.graphs]
    return [check.graph]


def grade_file(exercise: Exercise, path: str | os.PathLike, state=None, analyzer=None) -> Grade:
    """Grade the project file at `path`; never raises: a file that cannot be read or checked is a failing grade
    whose one line says why."""
    from designer.core.project_files import ProjectError, load_project

    try:
        project = load_project(path)
    except ProjectError as error:
        problem = error.problem.split("; known")[0]  # a mark book's line, not the list of every layer kind
        return Grade(error=f"not a project that can be opened: {problem}"
                           + (f" (at {error.location})" if error.location else ""))
    except Exception as error:  # noqa: BLE001 - a mark book goes on past any one file
        return Grade(error=f"not a project that can be opened: {error}")
    try:
        return grade(exercise, project, path, state, analyzer)
    except KeyboardInterrupt:
        raise
    except Exception as error:  # noqa: BLE001
        return Grade(error=f"could not be checked: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")


def mark_book(exercise: Exercise, grades: list[tuple[str, Grade]]) -> str:
    """The grades of a class as CSV: project, exercise, result, checks passed, of, feedback."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["project", "exercise", "result", "checks passed", "checks", "feedback"])
    for name, graded in grades:
        passed, total = graded.score
        total = total or len(exercise.checks)
        writer.writerow([name, exercise.id, "pass" if graded.passed else "fail", passed, total,
                         "; ".join(graded.feedback())])
    return out.getvalue()
