"""Whether the templates learn what the product promises (run: python bench/bench_quality.py).

Every figure comes from the product's own engine (`designer.training.engine.train`) on bundled or generated data,
with the template's settings and a fixed seed, so a run here is a run a person would make in the app:

- digits MLP (`digits_mlp`, bundled 8×8 digits): best validation accuracy >= 0.95;
- sine forecaster (`lstm_forecaster`, sine_waves): validation MSE < 0.01;
- linear regression (`linear_regression`, linear_5x_plus_3): the Dense kernel and bias recover y = 5x + 3 within
  0.1 (the template's scale option is "auto", which leaves this data unscaled, so these are the raw line's w and b);
- GAN (`mlp_gan` moved from 28×28 MNIST to the bundled 8×8 digits: 784 → 64 inputs/outputs, scale -1..1): the
  16 images the live panel generates from its fixed noise (`Snapshot.generated`, 0..1) move by more than 0.02 on
  average between the first and the last epoch, and d_loss and g_loss stay finite every epoch;
- GAN variety (no mode collapse): a small classifier trained here on the digits (Dense 64 → 64 relu → 10 softmax,
  -1..1 like the GAN's data) reaches >= 0.95 accuracy on held-out digits, and the 64 samples the trained generator
  makes from fixed noise fall into at least 6 of its 10 classes (a collapsed generator draws one digit, over and
  over); context lines give the count per class and, every few epochs, d_loss, g_loss and the diversity ratio
  (mean pairwise distance of the panel's 16 images over that of 16 real digits: about 1 when varied, near 0.1
  when collapsed);
- autoencoder (`autoencoder` moved to the digits the same way): the validation loss falls to under half of the
  first epoch's.

One line per goal says PASS or FAIL, indented lines under it give context (not goals); the exit status is 1 when
any goal fails. Epochs are the templates' own (all five templates together take about 2 minutes on 2 cores);
`EPOCHS` below can cut them.
"""

from __future__ import annotations

import math
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from designer.core.project import DatasetChoice, Project  # noqa: E402
from designer.core.templates import load_template  # noqa: E402
from designer.data.registry import DATASETS, load_dataset  # noqa: E402
from designer.training.engine import train  # noqa: E402
from designer.training.health_probe import variety  # noqa: E402
from designer.training.state import TrainingState  # noqa: E402

SEED = 0
#: epochs where the template's own are cut (None: the template's)
EPOCHS: dict[str, int | None] = {"digits_mlp": None, "lstm_forecaster": None, "linear_regression": None,
                                 "mlp_gan": None, "autoencoder": None}
#: the GAN's images (0..1, as the panel shows them) must move by more than this on average: an untrained generator
#: gives the same images from the same noise (0), and 0.02 is ~5 of 256 grey levels, about the least one sees
GAN_MIN_CHANGE = 0.02
#: the generator's 64 samples must fall into at least this many of the 10 digit classes, as told by a classifier
#: that reaches CLASSIFIER_MIN_ACCURACY on held-out digits (a collapsed generator draws one or two digits)
GAN_MIN_CLASSES = 6
GAN_SAMPLES = 64
CLASSIFIER_MIN_ACCURACY = 0.95
AE_MAX_RATIO = 0.5


class Watch(TrainingState):
    """Keeps every epoch's logs and, for a GAN, the images generated from the panel's fixed noise (the state
    never sees the model, so the images come through the snapshots the engine takes for the panels)."""

    def __init__(self, insights: bool = False) -> None:
        self.wants_insights = insights
        self.logs: list[dict[str, float]] = []
        self.generated: dict[int, np.ndarray] = {}

    def epoch_end(self, epoch, logs):
        self.logs.append(dict(logs))

    def insights(self, snapshot):
        if snapshot.generated is not None:
            self.generated[snapshot.epoch] = snapshot.generated


def template(key: str) -> Project:
    project = load_template(key)
    project.training["seed"] = SEED
    return project


def on_digits(project: Project) -> Project:
    """A 28×28 (784-pixel) template moved to the bundled 8×8 digits: inputs, outputs and reshapes of 784 → 64."""
    for graph in project.graphs:
        for node in graph.nodes():
            if node.kind == "Input" and list(node.params["shape"]) == [784]:
                graph.set_param(node.id, "shape", [64])
            elif node.kind == "Dense" and node.params.get("units") == 784:
                graph.set_param(node.id, "units", 64)
            elif node.kind == "Reshape" and list(node.params.get("target_shape", []))[:2] == [28, 28]:
                graph.set_param(node.id, "target_shape", [8, 8, *node.params["target_shape"][2:]])
    options = dict(project.dataset.options) if project.dataset else {}
    project.dataset = DatasetChoice("digits", {**options, "flatten": True})
    return project


def run(key: str, project: Project, state: TrainingState | None = None):
    started = time.perf_counter()
    dataset = load_dataset(project.dataset)
    result = train(project, dataset, state, epochs=EPOCHS[key])
    epochs = len(next(iter(result.history.values())))
    print(f"  [{key}: {epochs} epochs, {time.perf_counter() - started:.1f} s]", flush=True)
    return result


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def digits_mlp() -> bool:
    result = run("digits_mlp", template("digits_mlp"))
    accuracy = result.history["val_accuracy"]
    best, last = max(accuracy), accuracy[-1]
    ok = best >= 0.95
    print(f"digits MLP: val accuracy best {best:.3f} (epoch {accuracy.index(best) + 1}), last {last:.3f} "
          f"(goal best >= 0.95) {verdict(ok)}")
    # Keras holds out the last 20 % of the rows, and the bundled digits keep the order of their source (probably
    # grouped by writer), so those are harder than a random 20 %: the same run on shuffled rows, to compare
    shuffled = template("digits_mlp")
    shuffled.dataset = DatasetChoice("digits", {**shuffled.dataset.options, "shuffle": True})
    accuracy = run("digits_mlp", shuffled).history["val_accuracy"]
    print(f"  for comparison, dataset option shuffle true: val accuracy best {max(accuracy):.3f}, "
          f"last {accuracy[-1]:.3f}")
    return ok


def sine_lstm() -> bool:
    project = template("lstm_forecaster")
    result = run("lstm_forecaster", project)
    last, best = result.history["val_loss"][-1], min(result.history["val_loss"])
    ok = result.loss == "mse" and last < 0.01
    print(f"sine LSTM: val MSE last {last:.5f}, best {best:.5f} (loss {result.loss}; goal last < 0.01) {verdict(ok)}")
    return ok


def linear_regression() -> bool:
    project = template("linear_regression")
    # the template's scale is "auto": no rescaling for data that is not images, so the fit is of the raw line
    scale = project.dataset.options.get("scale", "auto")
    unscaled = scale == "none" or (scale == "auto" and not DATASETS[project.dataset.name].image_max)
    result = run("linear_regression", project)
    kernel, bias = result.model.layers[-1].get_weights()
    w, b = kernel.item(), bias.item()
    ok = unscaled and abs(w - 5) <= 0.1 and abs(b - 3) <= 0.1
    print(f"linear regression: w {w:.3f}, b {b:.3f} (scale {scale!r}: data unscaled: {unscaled}; "
          f"goal w = 5 ± 0.1, b = 3 ± 0.1) {verdict(ok)}")
    return ok


def gan() -> list[bool]:
    project = on_digits(template("mlp_gan"))
    state = Watch(insights=True)
    result = run("mlp_gan", project, state)
    finite = all(math.isfinite(logs[k]) for logs in state.logs for k in ("d_loss", "g_loss"))
    first, last = min(state.generated), max(state.generated)
    change = float(np.mean(np.abs(state.generated[last] - state.generated[first])))
    ok = finite and last > first and change > GAN_MIN_CHANGE and result.stopped_reason is None
    d, g = result.history["d_loss"], result.history["g_loss"]
    print(f"GAN on digits: generated images change {change:.3f} between epochs {first + 1} and {last + 1} "
          f"(goal > {GAN_MIN_CHANGE}); d_loss {d[0]:.3f} → {d[-1]:.3f}, g_loss {g[0]:.3f} → {g[-1]:.3f}, "
          f"finite every epoch: {finite} {verdict(ok)}")
    # context, not goals: how far each image is from the nearest real digit (as far as real digits are from
    # one another means digit-like), and how much the 16 images differ from one another (pixel spread; about 0
    # when every noise vector gives the same image: the generator has collapsed onto one mode)
    real = ((load_dataset(project.dataset).x_train + 1) / 2).reshape(-1, 64)  # -1..1 back to the panel's 0..1
    near = [nearest(state.generated[e].reshape(-1, 64), real) for e in (first, last)]
    spread = float(state.generated[last].reshape(-1, 64).std(axis=0).mean())
    print(f"  mean |image − nearest real digit| {near[0]:.3f} → {near[1]:.3f} (real digits among themselves "
          f"{nearest(real[:16], real[16:]):.3f}); pixel spread across the 16 images {spread:.3f} "
          f"(16 real digits {float(real[:16].std(axis=0).mean()):.3f})")
    # every few epochs (those the panel took a snapshot of): the losses and how varied the panel's 16 images are,
    # as a share of how varied 16 real digits are (same 0..1 scale)
    # (the measure the health checks' mode-collapse finding reads: designer.training.health_probe.variety)
    shown = sorted({max(e for e in state.generated if e <= t) for t in (*range(0, last, 5), last)})
    print("  diversity ratio = mean pairwise distance of the 16 panel images / that of 16 real digits:")
    for e in shown:
        ratio = variety(state.generated[e].reshape(-1, 64), real[:16])
        print(f"    epoch {e + 1:3d}: d_loss {d[e]:.3f}, g_loss {g[e]:.3f}, diversity ratio {ratio:.3f}")
    return [ok, gan_variety(project, result.model)]


def gan_variety(project: Project, generator) -> bool:
    """The goal against mode collapse: how many digit classes the generator's samples fall into."""
    import keras

    dataset = load_dataset(project.dataset)  # -1..1, the scale the generator draws at
    x, y = dataset.x_train, dataset.y_train
    order = np.random.default_rng(SEED).permutation(len(x))
    held = order[: len(x) // 5]
    fit = order[len(x) // 5:]
    keras.utils.set_random_seed(SEED)
    classifier = keras.Sequential([keras.Input((64,)), keras.layers.Dense(64, activation="relu"),
                                   keras.layers.Dense(10, activation="softmax")])
    classifier.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    classifier.fit(x[fit], y[fit], epochs=60, batch_size=32, verbose=0)
    accuracy = float(classifier.evaluate(x[held], y[held], verbose=0)[1])
    latent = tuple(generator.inputs[0].shape[1:])
    noise = np.random.default_rng(SEED).standard_normal((GAN_SAMPLES, *latent)).astype(np.float32)
    samples = np.asarray(generator(noise, training=False)).reshape(GAN_SAMPLES, -1)
    probabilities = classifier.predict(samples, verbose=0)
    counts = np.bincount(probabilities.argmax(axis=1), minlength=10)
    classes = int(np.count_nonzero(counts))
    ok = accuracy >= CLASSIFIER_MIN_ACCURACY and classes >= GAN_MIN_CLASSES
    print(f"GAN variety: {GAN_SAMPLES} generated samples fall into {classes} of 10 digit classes "
          f"(goal >= {GAN_MIN_CLASSES}); classifier accuracy on {len(held)} held-out digits {accuracy:.3f} "
          f"(goal >= {CLASSIFIER_MIN_ACCURACY}) {verdict(ok)}")
    print("  samples per class: " + ", ".join(f"{digit}: {count}" for digit, count in enumerate(counts))
          + f"; the classifier's mean confidence in them {float(probabilities.max(axis=1).mean()):.2f}")
    return ok


def autoencoder() -> bool:
    project = on_digits(template("autoencoder"))
    result = run("autoencoder", project)
    loss, val = result.history["loss"], result.history["val_loss"]
    ratio = val[-1] / val[0]
    ok = ratio < AE_MAX_RATIO
    print(f"autoencoder on digits ({result.loss}): loss {loss[0]:.4f} → {loss[-1]:.4f}, val_loss {val[0]:.4f} → "
          f"{val[-1]:.4f}, ratio {ratio:.3f} (goal < {AE_MAX_RATIO}) {verdict(ok)}")
    # grey pixels make cross-entropy's minimum their own entropy, not 0; and a net that learnt nothing but the
    # average digit would score the second figure: both put the val_loss above in context
    x = load_dataset(project.dataset).x_train.astype(np.float64)
    held = len(x) - int(len(x) * project.training["validation_split"])
    floor = float(np.mean(bce(x[held:], x[held:])))
    average = float(np.mean(bce(x[held:], np.broadcast_to(x[:held].mean(axis=0), x[held:].shape))))
    print(f"  validation floor (the pixels' own entropy) {floor:.4f}; "
          f"the average digit as output scores {average:.4f}")
    return ok


def nearest(images: np.ndarray, real: np.ndarray) -> float:
    """Mean over `images` of the mean absolute pixel difference to the closest row of `real`."""
    return float(np.mean([np.abs(real - image).mean(axis=1).min() for image in images]))


def bce(target: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """Binary cross-entropy per value, clipped as Keras clips it."""
    p = np.clip(predicted, 1e-7, 1 - 1e-7)
    return -(target * np.log(p) + (1 - target) * np.log(1 - p))


def main() -> int:
    started = time.perf_counter()
    passed = []
    for check in (digits_mlp, sine_lstm, linear_regression, gan, autoencoder):
        outcome = check()  # one goal's verdict, or a list of them
        passed.extend(outcome if isinstance(outcome, list) else [outcome])
    print(f"\n{sum(passed)} of {len(passed)} goals met in {time.perf_counter() - started:.0f} s")
    print("re-run: python bench/bench_quality.py")
    return 0 if all(passed) else 1


if __name__ == "__main__":
    sys.exit(main())
