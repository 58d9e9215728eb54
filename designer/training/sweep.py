"""Sweeps: train a project several times with different values of one to three settings, and keep every trial.

The search is Optuna's (grid: `GridSampler`; random: `RandomSampler`; Bayesian: the `TPESampler`), driven trial by
trial through its ask-and-tell interface so that the window and the command line run trials their own way: a
`Sweep` hands out the next `Trial` (the values Optuna chose and the project to train with them), hears each epoch's
logs (Optuna's `MedianPruner` says when a trial is hopeless next to the others at the same epoch), and turns a
trial's result into a run record. Every trial trains with the same seed on the same loaded data and the same
validation rows, so trials differ only in what is varied. `run_sweep` is the loop the command line uses.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

from designer.core.project import Project
from designer.core.runs import RunRecord, best_score, next_number, next_sweep
from designer.core.sweeps import SEARCHES, SweepError, Varied, Vary, resolve, with_values
from designer.data.dataset import Dataset
from designer.training.run_records import RunClock, record_of
from designer.training.state import TrainingState

#: trials of a random or Bayesian search when none are asked for
DEFAULT_TRIALS = 10
#: the seed trials train with when the project fixes none (a sweep's trials must all start alike)
SWEEP_SEED = 1


@dataclass
class SweepSpec:
    """What a sweep tries: the `varies`, the search, how many trials (a grid: all its combinations unless fewer
    are asked for), epochs per trial (the project's when None), pruning, the sampler's seed, and whether each
    trial's weights are kept with its record."""

    varies: list[Vary]
    search: str = "grid"
    trials: int | None = None
    epochs: int | None = None
    prune: bool = False
    seed: int = 0
    keep_weights: bool = False


@dataclass
class Trial:
    number: int
    values: dict[str, Any]
    project: Project
    clock: RunClock = field(default_factory=RunClock)
    pruned: bool = False
    _optuna: Any = None


def check_sweep(project: Project, spec: SweepSpec) -> list[Varied]:
    """What a sweep of `project` varies, checked; SweepError in words for a sweep that cannot run as asked (called
    before the data is loaded, so that a typo is said at once)."""
    if spec.search not in SEARCHES:
        raise SweepError(f"the search is grid, random or bayes, not {spec.search!r}")
    if spec.trials is not None and spec.trials < 1:
        raise SweepError("a sweep needs at least one trial")
    if project.training["mode"] == "gan" or project.is_gan:
        raise SweepError("a GAN has no one score to compare trials by; sweep a network that learns labels or "
                         "copies its input")
    return resolve(project, spec.varies)


class Sweep:
    """One sweep over a loaded dataset: `next_trial`, `epoch_end` after each epoch, then `finish` (or `fail`)."""

    def __init__(self, project: Project, dataset: Dataset, spec: SweepSpec) -> None:
        import optuna

        self.spec = spec
        self.varied: list[Varied] = check_sweep(project, spec)
        self.base = project.copy()
        self.base.trained = {}  # every trial starts from fresh weights, the same ones (the same seed)
        if spec.epochs is not None:
            self.base.training["epochs"] = spec.epochs
        if self.base.training["seed"] is None:
            self.base.training["seed"] = SWEEP_SEED
        self.number = next_sweep(project.runs)
        self._next_run = next_number(project.runs)
        self.score_name = _score_name(self.base, dataset)
        self.maximize = self.score_name.endswith("accuracy")
        grid = {v.name: v.grid() for v in self.varied}
        combinations = math.prod(len(values) for values in grid.values())
        if spec.search == "grid":
            self.total = min(combinations, spec.trials or combinations)
            sampler = optuna.samplers.GridSampler(grid, seed=spec.seed)
        else:
            self.total = spec.trials or DEFAULT_TRIALS
            sampler = (optuna.samplers.RandomSampler(seed=spec.seed) if spec.search == "random" else
                       optuna.samplers.TPESampler(seed=spec.seed, n_startup_trials=min(10, max(2, self.total // 3))))
        # a trial is judged only after a third of its epochs: the first epochs of a good setting are often worse
        warmup = max(1, self.base.training["epochs"] // 3)
        pruner = (optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=warmup) if spec.prune
                  else optuna.pruners.NopPruner())
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        self.study = optuna.create_study(direction="maximize" if self.maximize else "minimize", sampler=sampler,
                                         pruner=pruner)
        self.records: list[RunRecord] = []
        self._asked = 0

    # ------------------------------------------------------------------ trial by trial
    def next_trial(self) -> Trial | None:
        """The next trial to train, or None when the sweep has run all of them."""
        if self._asked >= self.total:
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Optuna's "experimental" notes are not for the person sweeping
            chosen = self.study.ask()
            values = {v.name: self._suggest(chosen, v) for v in self.varied}
        self._asked += 1
        return Trial(self._asked, values, with_values(self.base, self.varied, values), _optuna=chosen)

    def _suggest(self, trial, varied: Varied) -> Any:
        vary = varied.vary
        if self.spec.search == "grid" or not vary.is_range:
            return trial.suggest_categorical(varied.name, varied.grid())
        if varied.spec.type == "int":
            return trial.suggest_int(varied.name, int(vary.low), int(vary.high), log=vary.log)
        return trial.suggest_float(varied.name, vary.low, vary.high, log=vary.log)

    def epoch_end(self, trial: Trial, epoch: int, logs: dict[str, float]) -> bool:
        """Hear an epoch's logs; True when the trial is hopeless and should stop now (pruning is on and its score
        is worse than the median of the trials before at this epoch)."""
        value = logs.get(self.score_name)
        last = epoch + 1 >= trial.project.training["epochs"]  # nothing is saved by stopping at the end
        if not self.spec.prune or last or value is None or not math.isfinite(value):
            return False
        trial._optuna.report(float(value), epoch)
        if trial._optuna.should_prune():
            trial.pruned = True
        return trial.pruned

    def finish(self, trial: Trial, result: Any, device: str) -> RunRecord:
        """The trial's record (its run number the next one), its score told to Optuna."""
        import optuna

        record = record_of(trial.project, result, trial.clock, device, number=self._next_run,
                           keep_weights=self.spec.keep_weights, sweep=self.number, trial=trial.number,
                           varied=dict(trial.values), pruned=trial.pruned)
        if trial.pruned:
            record.stopped = "Pruned: its score was worse than the median of the trials before at the same epoch."
        self._next_run += 1
        score = best_score(record.history, self.score_name)
        if trial.pruned:
            _tell(self.study, trial._optuna, state=optuna.trial.TrialState.PRUNED)
        elif score is None:
            _tell(self.study, trial._optuna, state=optuna.trial.TrialState.FAIL)
        else:
            _tell(self.study, trial._optuna, score.value)
        self.records.append(record)
        return record

    def fail(self, trial: Trial) -> None:
        """A trial that could not train (its values do not fit the network): Optuna hears it failed."""
        import optuna

        _tell(self.study, trial._optuna, state=optuna.trial.TrialState.FAIL)

    @property
    def next_run_number(self) -> int:
        """The run number the next finished trial's record gets."""
        return self._next_run

    # ------------------------------------------------------------------ results
    def score(self, record: RunRecord) -> float | None:
        score = best_score(record.history, self.score_name)
        return None if score is None or record.pruned else score.value

    @property
    def best(self) -> RunRecord | None:
        scored = [(self.score(r), r) for r in self.records if self.score(r) is not None]
        if not scored:
            return None
        return (max if self.maximize else min)(scored, key=lambda pair: pair[0])[1]


def _tell(study, trial, value: float | None = None, state=None) -> None:
    """Optuna's `tell`. Its grid sampler, once every point is tried, asks the study to stop, which only works inside
    `Study.optimize` and raises here; the trial is stored before that (Optuna's `_tell_with_warning`), and this
    sweep counts its own trials, so that request is let go."""
    try:
        study.tell(trial, value, state=state) if state is not None else study.tell(trial, value)
    except RuntimeError as error:
        if "Study.stop" not in str(error):
            raise


def _score_name(project: Project, dataset: Dataset) -> str:
    """The score trials are compared by: validation accuracy for a classifier scored on accuracy, else the
    validation loss; the training ones when the data holds nothing out."""
    from designer.training.losses import suggest_loss

    settings = project.training
    held_out = (dataset.stream_val is not None if dataset.streamed else dataset.x_val is not None)
    validated = held_out or settings["validation_split"] > 0
    loss = settings["loss"]
    if loss == "auto" and settings["mode"] == "supervised":
        loss = suggest_loss(project.graph("model"), "supervised", dataset.y_train)
    classifying = settings["mode"] == "supervised" and "accuracy" in settings["metrics"] and "crossentropy" in loss
    name = "accuracy" if classifying else "loss"
    return f"val_{name}" if validated else name


class TrialState(TrainingState):
    """The state one trial trains with on the command line: it hears epochs for pruning, stops when the sweep
    must, and keeps the health findings (they go in the record)."""

    wants_health = True

    def __init__(self, sweep: Sweep, trial: Trial, should_stop: Callable[[], bool] = lambda: False) -> None:
        self._sweep, self._trial, self._stop = sweep, trial, should_stop

    def epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        self._sweep.epoch_end(self._trial, epoch, logs)

    def should_stop(self) -> bool:
        return self._trial.pruned or self._stop()


def run_sweep(project: Project, dataset: Dataset, spec: SweepSpec, device: str,
              recorded: Callable[[Sweep, RunRecord], None], failed: Callable[[Trial, str], None] = lambda t, m: None,
              should_stop: Callable[[], bool] = lambda: False) -> Sweep:
    """Run every trial of the sweep in turn on the data loaded once; `recorded` hears each trial's record as soon
    as it is made (to save it before the next trial starts), `failed` each trial that could not train."""
    from designer.training.engine import TrainingError, train

    sweep = Sweep(project, dataset, spec)
    while not should_stop() and (trial := sweep.next_trial()) is not None:
        try:
            result = train(trial.project, dataset, TrialState(sweep, trial, should_stop))
        except TrainingError as error:
            sweep.fail(trial)
            failed(trial, str(error))
            continue
        if should_stop() and not trial.pruned:
            sweep.fail(trial)  # stopped in the middle: an unfinished trial is not a result
            break
        recorded(sweep, sweep.finish(trial, result, device))
    return sweep
