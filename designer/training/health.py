"""Why a network does not learn: training-health findings in plain words, with their evidence and their fix.

The engine's observer (`designer.training.insights.Observer`) measures each layer when it takes a snapshot — the
share of a ReLU layer's units that stay at 0 for every sampled row, the share of a sigmoid or tanh layer's
outputs pinned at its bounds, the mean absolute gradient of its weights, how much its weights moved since the
last snapshot, how varied a GAN's samples are — into a `HealthSample`. `HealthMonitor` reads those and the
epoch's logs (loss, val_loss, accuracy, a GAN's d_loss and g_loss) and raises a `Finding` the first time a
problem shows: where it is (the graph and the layer), what it is in words that contain the usual term (dead
ReLU, saturated, vanishing gradients, exploding gradients, overfitting, learning rate too high / too low, not
learning, unscaled inputs, mode collapse, one network winning, code mostly zeros), the evidence (a small plot's
series), and the edits that fix it (`designer.core.fixes.Fix`). A finding stays once raised; its evidence
follows the run.

Thresholds start from MindInsight's training-health checks (vanishing below a mean absolute gradient of 1e-9,
dead ReLU when nearly every value is <= 0, saturation of tanh and sigmoid) and were tuned on networks built to
show each problem and on the bundled templates (tests/training/test_health.py) so that a finding is rare and
right: each asks for the sign to last (two snapshots, several epochs) before it speaks. Numpy only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from designer.core.fixes import Fix

#: a ReLU layer is reported when at least this share of its units output 0 for every sampled row
DEAD_SHARE = 0.5
#: a sigmoid/tanh layer is reported when at least this share of its outputs lie within 1% of its bounds
SATURATED_SHARE = 0.6
#: a layer's mean absolute gradient below this, absolutely (MindInsight's threshold) ...
VANISHING_ABSOLUTE = 1e-9
#: ... or below this fraction of the output layer's, is vanishing
VANISHING_RATIO = 1e-4
#: the largest layer gradient growing by this factor over the smallest seen before is exploding
EXPLODING_GROWTH = 100.0
#: ... and reaching at least this mean absolute gradient
EXPLODING_LEVEL = 1.0
#: weights that moved by less than this (relative to their size) between two snapshots did not change
UNCHANGED = 1e-9
#: epochs of rising validation loss after the best before overfitting is said
OVERFIT_EPOCHS = 3
#: ... and how much above the best it must be by then (the mean of the last 3 epochs), while the training loss has
#: fallen by as much since
OVERFIT_RISE = 0.1
OVERFIT_GIVEN_BACK = 0.02
#: ... and rising as a trend: the rank correlation of the validation loss with the epochs since the best
OVERFIT_TREND = 0.6
#: the training loss climbing to this factor above its lowest (and staying there) means the steps are too big
CLIMB = 1.5
#: a rise of the training loss counts when it gives back more than this share of what the run gained
GIVEN_BACK = 0.1
#: loss moving by less than this share over the last LOW_EPOCHS epochs while still near guessing, and weights
#: moving by less than SMALL_STEPS of their size an epoch: steps too small
HARDLY_MOVING = 0.02
LOW_EPOCHS = 5
SMALL_STEPS = 1e-3
#: accuracy within this of the biggest class's share, for several epochs: the network guesses that class
CHANCE_MARGIN = 0.02
#: inputs whose 99th percentile of |value| is above this are unscaled
UNSCALED = 10.0
#: a GAN whose samples are less varied than this share of the real data's variety has collapsed (measured on the
#: GAN template on the digits, bench/bench_quality.py: collapsing runs fall to 0.08-0.16 by a quarter of their
#: epochs, healthy ones start at 0.25-0.3 and pass 0.5 by then)
COLLAPSED = 0.2
#: the discriminator's loss, over the last 3 epochs, under this while the generator's is above G_LOSES and twice
#: its lowest: the discriminator wins (collapsing runs: d 0.05-0.3, g 3.5-6; healthy: d 0.44-0.55, g 1.2-1.7)
D_WINS = 0.25
G_LOSES = 3.0
#: an autoencoder's code with this share of its units always 0 or constant
DULL_CODE = 0.5
#: consecutive snapshots a per-layer sign must show
PERSIST = 2


#: the badge's words per finding
TAGS = {"dead_relu": "dead ReLU", "saturated": "saturated", "vanishing_gradients": "vanishing gradients",
        "unchanged_weights": "weights still", "dull_code": "code mostly zeros", "discriminator_wins": "winning",
        "overfitting": "overfitting"}


@dataclass
class LayerStats:
    """What a snapshot measured of one layer; None where it does not apply."""

    name: str
    role: str = "model"
    #: "relu", "sigmoid", "tanh" when the layer's output is that activation's, else None
    activation: str | None = None
    units: int = 0
    #: share of units that output 0 (or less) for every sampled row
    dead: float | None = None
    #: share of outputs within 1% of the activation's bounds
    saturated: float | None = None
    #: share of units whose output is the same for every sampled row
    constant: float | None = None
    #: mean absolute gradient of the layer's trainable weights
    gradient: float | None = None
    #: mean absolute change of its weights since the last snapshot, relative to their mean absolute size
    change: float | None = None
    #: the layer is an output of its network / the code (bottleneck) of an autoencoder
    output: bool = False
    code: bool = False


@dataclass
class HealthSample:
    """One snapshot's measurements (`epoch` from 0)."""

    epoch: int
    layers: list[LayerStats] = field(default_factory=list)
    #: GAN: mean distance between generated samples over that between real ones (1: as varied as the data)
    variety: float | None = None


@dataclass
class Evidence:
    """A small plot: named series of (x, y) points, and an x to mark (the best epoch)."""

    title: str
    x_label: str
    y_label: str
    series: list[tuple[str, list[float], list[float]]] = field(default_factory=list)
    log_y: bool = False
    mark: float | None = None
    #: the y axis's range when it is a share (0..1); None: fitted to the data
    y_range: tuple[float, float] | None = None


@dataclass
class Finding:
    key: str
    #: one line naming the problem and where: "Dead ReLU units in dense_1"
    title: str
    #: what was seen and what to do, in plain words
    advice: str
    #: the epoch (from 1) it was first seen
    epoch: int
    role: str = "model"
    #: the layer it is about (its name on the canvas), "" for the whole run
    layer: str = ""
    evidence: Evidence | None = None
    fixes: tuple[Fix, ...] = ()

    @property
    def tag(self) -> str:
        """A few words for the badge on the layer's node."""
        return TAGS.get(self.key, self.key.replace("_", " "))

    @property
    def ident(self) -> tuple[str, str, str]:
        return (self.key, self.role, self.layer)

    def line(self) -> str:
        """The command line's report: `health: ...`, one line."""
        return f"health: {self.title} (epoch {self.epoch}): {self.advice}"


@dataclass
class RunFacts:
    """What the monitor knows of the run before it starts."""

    mode: str = "supervised"
    learning_rate: float = 0.001
    epochs: int = 1
    #: the loss of always answering the same (the class shares, the mean): None when unknown
    guessing_loss: float | None = None
    #: classification: the biggest class's share of the training rows
    biggest_class: float | None = None
    early_stopping: bool = False
    #: the dataset's scale option and the inputs' 99th percentile of |value|
    scale: str = "auto"
    input_extent: float | None = None
    #: the largest hidden Dense layer of the model (where Dropout helps most), and the discriminator's first layer
    widest_hidden: str = ""
    discriminator_first: str = ""
    #: hidden layers with sigmoid or tanh (a vanishing-gradient fix switches them)
    squashing_hidden: tuple[str, ...] = ()
    #: layers that are not to be judged as ReLU or code (an activity regularizer asks for zeros)
    sparse_by_design: tuple[str, ...] = ()


class HealthMonitor:
    """Raises findings from a run's epochs and snapshots; see the module docstring."""

    def __init__(self, facts: RunFacts) -> None:
        self.facts = facts
        self.findings: dict[tuple[str, str, str], Finding] = {}
        self.history: dict[str, list[float]] = {}
        self.samples: list[HealthSample] = []

    # ------------------------------------------------------------------ feeding
    def start(self) -> list[Finding]:
        """Findings before the first batch (unscaled inputs)."""
        facts, new = self.facts, []
        if facts.input_extent is not None and facts.input_extent > UNSCALED and facts.scale in ("auto", "none"):
            new.append(Finding(
                "unscaled_inputs", "Unscaled inputs",
                f"The inputs reach {facts.input_extent:,.4g}, far outside -1..1; big inputs make big, erratic steps "
                "and saturate units. Scale them: standardize them (mean 0, spread 1) in the Data tab.",
                1, fixes=(Fix("scale_inputs", "Standardize the inputs", value="standardize"),)))
        return self._raise(new)

    def epoch_end(self, epoch: int, logs: dict[str, float], sample: HealthSample | None = None) -> list[Finding]:
        """The findings that appear at this epoch (from 0); the evidence of the others is brought up to date."""
        for key, value in logs.items():
            self.history.setdefault(key, []).append(float(value))
        if sample is not None:
            self.samples.append(sample)
        new: list[Finding] = []
        if sample is not None:
            new += self._layers(epoch)
        layer_found = any(f.layer for f in new) or any(f.layer for f in self.findings.values())
        if self.facts.mode == "gan":
            new += self._gan(epoch)
        else:
            new += self._run(epoch, layer_found)
        return self._raise(new)

    def all(self) -> list[Finding]:
        return list(self.findings.values())

    def _raise(self, found: list[Finding]) -> list[Finding]:
        new = []
        for finding in found:
            known = self.findings.get(finding.ident)
            if known is None:
                self.findings[finding.ident] = finding
                new.append(finding)
            else:
                # the plot and the figures in the words follow the run; the epoch it was first seen stays
                known.evidence, known.advice = finding.evidence, finding.advice
        return new

    # ------------------------------------------------------------------ the run's curves
    def _run(self, epoch: int, layer_found: bool) -> list[Finding]:
        """The run's curves; `layer_found`: a layer has a finding, which then explains a loss that hardly moves
        better than the learning rate does."""
        found = []
        loss, val = self.history.get("loss", []), self.history.get("val_loss", [])
        if not loss or not all(math.isfinite(v) for v in loss):
            return found
        steps = self._learning_rate(loss, layer_found)
        found += steps
        if not steps:
            found += self._not_learning(loss)
        # a training loss that jumps moves the validation loss with it: that is the learning rate's finding
        if not any(f.key == "learning_rate_high" for f in [*steps, *self.findings.values()]):
            found += self._overfitting(loss, val)
        return found

    def _overfitting(self, loss: list[float], val: list[float]) -> list[Finding]:
        if len(val) < OVERFIT_EPOCHS + 2 or not all(math.isfinite(v) for v in val):
            return []
        best = int(np.argmin(val))
        since = len(val) - 1 - best
        # the last epochs' validation loss well above its best (their mean: one noisy epoch is not a trend) while
        # the training loss went on falling well below where it was then
        # (and by more than a sliver of what the run gained: near 0, a validation loss wobbles by large factors)
        rise = float(np.mean(val[-3:])) - val[best]
        risen = rise > val[best] * OVERFIT_RISE and rise > OVERFIT_GIVEN_BACK * (val[0] - val[best])
        # and rising as a trend since the best epoch, not a few noisy epochs above it (a small validation set's
        # loss jumps about by 20-40 % from epoch to epoch once the network has learnt)
        trend = _rank_correlation(val[best:]) >= OVERFIT_TREND if since >= OVERFIT_EPOCHS else 0.0
        if not (since >= OVERFIT_EPOCHS and risen and trend and loss[-1] < loss[best] * (1 - OVERFIT_RISE)):
            return []
        fixes = [] if self.facts.early_stopping else [
            Fix("early_stopping", "Turn on early stopping (keeps the best epoch's weights)", value=None)]
        if self.facts.widest_hidden:
            fixes.append(Fix("dropout_after", f"Add Dropout after {self.facts.widest_hidden}",
                             layer=self.facts.widest_hidden))
        return [Finding(
            "overfitting", "Overfitting",
            f"The validation loss was lowest at epoch {best + 1} ({val[best]:.4g}) and has risen since, while the "
            "training loss kept falling: the network learns its training rows by heart. Stop at the best epoch "
            "(early stopping restores its weights), add Dropout, or give it more data.",
            len(val), evidence=self._curves("Loss: training and validation", mark=best + 1),
            fixes=tuple(fixes))]

    def _learning_rate(self, loss: list[float], layer_found: bool) -> list[Finding]:
        facts = self.facts
        rate = facts.learning_rate
        lowest = min(loss)
        lowest_at = loss.index(lowest)
        # a rise counts when it gives back a real part of what the run gained: near a loss of 0 (a model that has
        # learnt its data) the loss wobbles by large factors of very little
        gained = max(loss[0] - lowest, 0.0)

        def matters(rise: float) -> bool:
            return rise > GIVEN_BACK * gained or gained < 1e-12

        climbing = (len(loss) >= 3 and lowest_at <= len(loss) - 3 and all(v > CLIMB * lowest for v in loss[-2:])
                    and matters(loss[-1] - lowest))
        rises = [b > a * 1.1 for a, b in zip(loss[-7:], loss[-6:])]
        jumping = len(loss) >= 6 and sum(rises) >= 3 and matters(max(loss[-6:]) - min(loss[-6:]))
        wild = (facts.guessing_loss is not None and len(loss) >= 3 and
                all(v > 3 * facts.guessing_loss for v in loss[-2:]))
        if climbing or jumping or wild:
            if climbing:
                what = f"climbing: lowest {lowest:.4g} at epoch {lowest_at + 1}, now {loss[-1]:.4g}"
            elif jumping:
                what = f"jumping up and down: it rose in {sum(rises)} of the last {len(rises)} epochs"
            else:
                what = (f"{loss[-1]:.4g}, far above the {facts.guessing_loss:.3g} that always giving the same answer "
                        "scores")
            return [Finding(
                "learning_rate_high", "Learning rate too high",
                f"The training loss is {what}: each step overshoots. Divide the learning rate ({rate:g}) by 10.",
                len(loss), evidence=self._curves("Training loss", only=("loss",)),
                fixes=(Fix("learning_rate", f"Divide the learning rate by 10 ({rate:g} → {rate / 10:.3g})",
                           value=0.1),))]
        steps = self._step_size()
        if len(loss) >= LOW_EPOCHS and not layer_found and steps is not None and facts.guessing_loss is not None:
            recent = loss[-LOW_EPOCHS:]
            moved = (recent[0] - recent[-1]) / max(abs(recent[0]), 1e-12)
            falling = sum(b < a for a, b in zip(recent, recent[1:])) >= LOW_EPOCHS - 2
            near_guessing = loss[-1] > 0.8 * facts.guessing_loss
            # the weights hardly move either: a loss that is slow because there is little to learn (random
            # labels) moves weights of a sound learning rate by far more
            if 0 <= moved < HARDLY_MOVING and falling and near_guessing and steps < SMALL_STEPS:
                return [Finding(
                    "learning_rate_low", "Learning rate too low",
                    f"The training loss hardly moves ({recent[0]:.4g} → {recent[-1]:.4g} over the last {LOW_EPOCHS} "
                    f"epochs) while it is still near what guessing scores: the steps are too small. Multiply the "
                    f"learning rate ({rate:g}) by 10.",
                    len(loss), evidence=self._curves("Training loss", only=("loss",)),
                    fixes=(Fix("learning_rate", f"Multiply the learning rate by 10 ({rate:g} → {rate * 10:.3g})",
                               value=10.0),))]
        return []

    def _step_size(self) -> float | None:
        """The median over layers of how much their weights moved per epoch at the last snapshot (relative)."""
        if len(self.samples) < 2:
            return None
        last, before = self.samples[-1], self.samples[-2]
        changes = [s.change for s in last.layers if s.change is not None]
        if not changes:
            return None
        return float(np.median(changes)) / max(1, last.epoch - before.epoch)

    def _not_learning(self, loss: list[float]) -> list[Finding]:
        facts = self.facts
        accuracy = self.history.get("accuracy") or self.history.get("binary_accuracy") or []
        # a network often sits at the biggest class for a few epochs before it finds its way: a quarter of the
        # run (at least 5 epochs, or the whole of a shorter run), the last fifth of them at that share
        if facts.biggest_class is None or len(accuracy) < min(facts.epochs, max(5, facts.epochs // 4)):
            return []
        if not all(a <= facts.biggest_class + CHANCE_MARGIN for a in accuracy[-max(3, facts.epochs // 5):]):
            return []
        return [Finding(
            "not_learning", "Not learning at all",
            f"The accuracy stays at {accuracy[-1]:.0%}, the share of the biggest class ({facts.biggest_class:.0%}): "
            "the network answers that class for everything. Check that the output layer and the loss suit the "
            "labels, that the inputs are scaled, and try a smaller learning rate.",
            len(accuracy), evidence=Evidence("Training accuracy", "epoch", "accuracy", [
                ("accuracy", list(range(1, len(accuracy) + 1)), accuracy),
                ("biggest class", [1, len(accuracy)], [facts.biggest_class] * 2)]),
            fixes=(Fix("learning_rate", f"Divide the learning rate by 10 ({facts.learning_rate:g} → "
                                        f"{facts.learning_rate / 10:.3g})", value=0.1),))]

    # ------------------------------------------------------------------ a GAN
    def _gan(self, epoch: int) -> list[Finding]:
        found = []
        d, g = self.history.get("d_loss", []), self.history.get("g_loss", [])
        if len(d) >= 4 and all(math.isfinite(v) for v in d + g):
            if float(np.mean(d[-3:])) < D_WINS and g[-1] > max(G_LOSES, 2 * min(g)):
                first = self.facts.discriminator_first
                found.append(Finding(
                    "discriminator_wins", "One network winning: the discriminator",
                    f"The discriminator's loss is near 0 ({float(np.mean(d[-3:])):.3g} over the last 3 epochs) while "
                    f"the generator's climbs ({min(g):.3g} → {g[-1]:.3g}): the discriminator tells every made sample "
                    "apart, so the generator gets no useful "
                    "signal. Weaken the discriminator (Dropout, fewer units) or lower the learning rate.",
                    len(d), role="discriminator", layer=first, evidence=Evidence(
                        "GAN losses", "epoch", "loss", [("d_loss", _epochs(d), d), ("g_loss", _epochs(g), g)]),
                    fixes=(Fix("dropout_after", f"Add Dropout after {first}", role="discriminator", layer=first),)
                    if first else ()))
        varieties = [(s.epoch + 1, s.variety) for s in self.samples if s.variety is not None]
        # every GAN starts from samples alike; it has a quarter of its epochs to make them varied
        settled = max(3, self.facts.epochs // 4)
        if len(varieties) >= PERSIST and all(v < COLLAPSED for _, v in varieties[-PERSIST:]) and \
                varieties[-1][0] >= settled:
            first = self.facts.discriminator_first
            found.append(Finding(
                "mode_collapse", "Mode collapse",
                f"The generated samples are nearly identical: they vary {varieties[-1][1]:.0%} as much as the real "
                "data. The generator found one answer that fools the discriminator and keeps making it. Lower the "
                "learning rate, add Dropout to the discriminator, or train again from fresh weights.",
                varieties[-1][0], role="generator", evidence=Evidence(
                    "Variety of the generated samples (1 = as varied as the real data)", "epoch", "variety",
                    [("generated", [e for e, _ in varieties], [v for _, v in varieties]),
                     ("collapse below", [varieties[0][0], varieties[-1][0]], [COLLAPSED, COLLAPSED])]),
                fixes=tuple(f for f in (
                    Fix("learning_rate", f"Divide the learning rate by 10 ({self.facts.learning_rate:g} → "
                                         f"{self.facts.learning_rate / 10:.3g})", value=0.1),
                    Fix("dropout_after", f"Add Dropout after {first}", role="discriminator", layer=first)
                    if first else None) if f is not None)))
        return found

    # ------------------------------------------------------------------ each layer
    def _layers(self, epoch: int) -> list[Finding]:
        found = []
        last = self.samples[-1]
        for stats in last.layers:
            found += self._layer(stats, epoch)
        found += self._gradients(epoch)
        # dead units (a ReLU layer's, a code's) stop the gradient of every layer before them and the weights after
        # them: the dead layer is the cause, the vanishing gradients and still weights of its network consequences
        dead = {f.role for f in [*found, *self.findings.values()] if f.key in ("dead_relu", "dull_code")}
        return [f for f in found if not (f.role in dead and f.key in ("vanishing_gradients", "unchanged_weights"))]

    def _series(self, role: str, name: str, attribute: str) -> list[tuple[int, float]]:
        points = []
        for sample in self.samples:
            for stats in sample.layers:
                value = getattr(stats, attribute)
                if stats.role == role and stats.name == name and value is not None:
                    points.append((sample.epoch + 1, float(value)))
        return points

    def _persists(self, stats: LayerStats, attribute: str, test) -> list[tuple[int, float]] | None:
        points = self._series(stats.role, stats.name, attribute)
        if len(points) >= min(PERSIST, len(self.samples)) and len(self.samples) >= PERSIST and \
                all(test(v) for _, v in points[-PERSIST:]):
            return points
        return None

    def _layer(self, stats: LayerStats, epoch: int) -> list[Finding]:
        found = []
        where = f" in {stats.name}" if stats.role == "model" else f" in {stats.name} ({stats.role})"
        sparse = stats.name in self.facts.sparse_by_design
        # an autoencoder's code has its own finding, in its own words
        if stats.activation == "relu" and not stats.output and not stats.code and not sparse and stats.units >= 4:
            points = self._persists(stats, "dead", lambda v: v >= DEAD_SHARE)
            if points:
                share = points[-1][1]
                found.append(Finding(
                    "dead_relu", f"Dead ReLU units{where}",
                    f"{share:.0%} of its {stats.units} units output 0 for every sampled row: a ReLU whose input "
                    "stays below 0 gets no gradient and never comes back. Switch the layer to LeakyReLU (a small "
                    "slope below 0 keeps units alive) or lower the learning rate.",
                    epoch + 1, stats.role, stats.name,
                    _shares(f"Dead units of {stats.name}", "share of units", "dead", points),
                    fixes=(Fix("activation", f"Switch {stats.name} to LeakyReLU", stats.role, stats.name,
                               "leaky_relu"),
                           Fix("learning_rate", f"Divide the learning rate by 10 ({self.facts.learning_rate:g} → "
                                                f"{self.facts.learning_rate / 10:.3g})", value=0.1))))
        if stats.activation in ("sigmoid", "tanh") and not stats.output:
            points = self._persists(stats, "saturated", lambda v: v >= SATURATED_SHARE)
            if points:
                found.append(Finding(
                    "saturated", f"Saturated {stats.activation}{where}",
                    f"{points[-1][1]:.0%} of its outputs are pinned at the ends of the {stats.activation} curve, "
                    "where its slope is almost 0: little gradient passes. Put a BatchNormalization before the "
                    "activation, scale the inputs, or lower the learning rate.",
                    epoch + 1, stats.role, stats.name,
                    _shares(f"Saturated outputs of {stats.name}", "share of outputs", "saturated", points),
                    fixes=(Fix("batchnorm_before_activation",
                               f"Put BatchNormalization before {stats.name}'s {stats.activation}", stats.role,
                               stats.name),)))
        if stats.code and not sparse and stats.units >= 2:
            points = self._persists(stats, "constant", lambda v: v >= DULL_CODE)
            if points:
                fixes = (Fix("activation", f"Switch {stats.name} to LeakyReLU", stats.role, stats.name, "leaky_relu"),
                         ) if stats.activation == "relu" else ()
                found.append(Finding(
                    "dull_code", f"Code mostly zeros or constant{where}",
                    f"{points[-1][1]:.0%} of the code's {stats.units} units are 0 or the same for every input: they "
                    "carry nothing about the input, so the decoder rebuilds from fewer numbers than you gave it. "
                    "Use an activation that is not cut at 0 for the code, or fewer code units.",
                    epoch + 1, stats.role, stats.name,
                    _shares(f"Units of {stats.name} that carry nothing", "share of units", "always 0 or constant",
                            points),
                    fixes=fixes))
        unchanged = self._persists(stats, "change", lambda v: v < UNCHANGED)
        # weights of a model that has converged also stop moving, but their gradient is small, not exactly 0
        if unchanged and stats.gradient is not None and stats.gradient == 0.0:
            found.append(Finding(
                "unchanged_weights", f"Weights that do not change{where}",
                f"{stats.name}'s weights are trainable but stayed the same between snapshots: no gradient reaches "
                "them (units before it are dead, or a layer in between blocks the gradient).",
                epoch + 1, stats.role, stats.name,
                Evidence(f"How much {stats.name}'s weights moved", "epoch", "relative change", [
                    ("change", [e for e, _ in unchanged], [v for _, v in unchanged])])))
        return found

    def _gradients(self, epoch: int) -> list[Finding]:
        found = []
        last = self.samples[-1]
        for role in sorted({s.role for s in last.layers}):
            layers = [s for s in last.layers if s.role == role and s.gradient is not None]
            if not layers:
                continue
            output = next((s for s in reversed(layers) if s.output), layers[-1])
            for stats in layers if len(layers) >= 2 else ():
                if stats is output:
                    continue
                # exactly 0 is no gradient at all, not a small one: the still weights say that
                def low(v, top=output.gradient):
                    return 0 < v and (v < VANISHING_ABSOLUTE or v < VANISHING_RATIO * top)

                points = self._persists(stats, "gradient", low) if output.gradient > 0 else None
                known = next((f for f in self.findings.values()
                              if f.key == "vanishing_gradients" and f.role == role), None)
                if points and known is not None:
                    known.evidence = self._vanishing(self._stats(role, known.layer) or stats, output, epoch).evidence
                    break
                if points:
                    found.append(self._vanishing(stats, output, epoch))
                    break  # the first (closest to the input) says it; the ones after it share the cause
            biggest = [max((s.gradient for s in sample.layers if s.role == role and s.gradient is not None),
                           default=0.0) for sample in self.samples]
            smallest_before = min(biggest[:-1], default=0.0)
            growing = len(biggest) >= 3 and biggest[-1] > biggest[-2] > biggest[-3]
            # from a gradient that was about 0 (dead units), any growth is large: only a real size counts
            if growing and smallest_before > VANISHING_ABSOLUTE and biggest[-1] > EXPLODING_LEVEL and \
                    biggest[-1] > EXPLODING_GROWTH * smallest_before:
                rate = self.facts.learning_rate
                found.append(Finding(
                    "exploding_gradients", "Exploding gradients" + ("" if role == "model" else f" ({role})"),
                    f"The largest gradient grew {biggest[-1] / smallest_before:,.0f}-fold since the start of the run "
                    f"({smallest_before:.3g} → {biggest[-1]:.3g}): each step is bigger than the last, and the loss "
                    "will soon be NaN. Divide the learning rate by 10, scale the inputs, or add BatchNormalization.",
                    epoch + 1, role, evidence=Evidence(
                        "Largest mean |gradient| of a layer", "epoch", "mean |gradient|",
                        [("largest", [s.epoch + 1 for s in self.samples], biggest)], log_y=True),
                    fixes=(Fix("learning_rate", f"Divide the learning rate by 10 ({rate:g} → {rate / 10:.3g})",
                               value=0.1),)))
        return found

    def _stats(self, role: str, name: str) -> LayerStats | None:
        return next((s for s in self.samples[-1].layers if s.role == role and s.name == name), None)

    def _vanishing(self, stats: LayerStats, output: LayerStats, epoch: int) -> Finding:
        series = []
        for sample in self.samples:
            for layer in sample.layers:
                if layer.role == stats.role and layer.gradient is not None and layer.name in (stats.name, output.name):
                    series.append((layer.name, sample.epoch + 1, max(layer.gradient, 1e-30)))
        plot = [(name, [e for n, e, _ in series if n == name], [g for n, _, g in series if n == name])
                for name in (stats.name, output.name)]
        fixes = [Fix("batchnorm_after", f"Add BatchNormalization after {stats.name}", stats.role, stats.name)]
        fixes += [Fix("activation", f"Switch {name} to LeakyReLU", stats.role, name, "leaky_relu")
                  for name in self.facts.squashing_hidden[:1]]
        factor = output.gradient / max(stats.gradient, 1e-30)
        how_small = (f"({stats.gradient:.2g}) is {factor:,.0f} times smaller than the output layer's "
                     f"({output.gradient:.2g})")
        return Finding(
            "vanishing_gradients", f"Vanishing gradients in {stats.name}",
            f"Its gradient {how_small}: the layers near the input hardly learn. Sigmoid and "
            "tanh layers shrink the gradient at each step back; use ReLU or LeakyReLU in hidden layers, or add "
            "BatchNormalization.",
            epoch + 1, stats.role, stats.name,
            Evidence("Mean |gradient| per layer", "epoch", "mean |gradient|", plot, log_y=True),
            tuple(fixes))

    def _curves(self, title: str, mark: int | None = None, only: tuple[str, ...] = ("loss", "val_loss")) -> Evidence:
        series = [(key, _epochs(self.history[key]), list(self.history[key])) for key in only if key in self.history]
        # on a log scale a validation loss that creeps up shows beside a training loss that heads for 0
        positive = all(v > 0 for _, _, values in series for v in values)
        return Evidence(title, "epoch", "loss", series, mark=mark, log_y=positive and mark is not None)


def _rank_correlation(values: list[float]) -> float:
    """Spearman's rank correlation of `values` with their order: 1 when each is above the one before."""
    if len(values) < 3:
        return 0.0
    ranks = np.argsort(np.argsort(np.asarray(values)))
    order = np.arange(len(values))
    return float(np.corrcoef(ranks, order)[0, 1])


def _shares(title: str, y_label: str, name: str, points: list[tuple[int, float]]) -> Evidence:
    """A share (0..1) over the epochs of the snapshots."""
    return Evidence(title, "epoch", y_label, [(name, [e for e, _ in points], [v for _, v in points])],
                    y_range=(0.0, 1.0))


def _epochs(values: list[float]) -> list[float]:
    return list(range(1, len(values) + 1))
