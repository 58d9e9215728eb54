"""Every dataset the app offers, and loading one from a project's `DatasetChoice` with its options applied.

A dataset name may also be the path of the person's own file (CSV, .npz, .npy; see `designer.data.user_files`),
which adds the options ``target``, ``task`` and ``text_columns`` (a CSV's columns of words one-hot here, or read by
the model). Options shared by every dataset: ``scale`` ("0..1", "-1..1" for GANs, "standardize", "none"), ``flatten``,
``labels`` ("integer" or "one-hot"), ``validation`` ("split": the trainer holds out its validation_split;
"last": keep the last ``validation_rows`` rows, as notes 002 keeps the last 5,000) and ``seed``. Generated
datasets add their own (samples, noise, target, shape, classes). An unknown option or a bad value is a
`DataError` naming it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, Callable

import numpy as np

from designer.core.catalogue import ParameterError, ParamSpec
from designer.core.project import DatasetChoice
from designer.core.templates import resources_dir
from designer.data import downloads, generated
from designer.data.dataset import DataError, Dataset
from designer.data.fit import reshape_fits
from designer.data.user_files import is_user_file, load_user_file

COMMON_OPTIONS = (
    ParamSpec("scale", "choice", "auto", "Rescale inputs, each column on its own: 0..1, -1..1 (GANs with tanh), standardize, none; "
              "auto picks 0..1 for images and standardize for tables.",
              choices=("auto", "0..1", "-1..1", "standardize", "none")),
    ParamSpec("flatten", "bool", False, "Lay each sample out as one flat vector."),
    ParamSpec("labels", "choice", "integer", "Integer class numbers, or one-hot vectors (for categorical cross-entropy).",
              choices=("integer", "one-hot")),
    ParamSpec("validation", "choice", "split", "\"split\": hold out the training settings' validation fraction; \"last\": the last rows.",
              choices=("split", "last")),
    ParamSpec("validation_rows", "int", 5000, "With validation \"last\": how many rows to keep for validation.", minimum=1, maximum=10_000_000),
    ParamSpec("seed", "int", 0, "Seed for generated data and shuffling.", minimum=0, maximum=2**31 - 1),
    ParamSpec("shuffle", "bool", True, "Shuffle the rows (with the seed) before the validation and test rows are set aside "
              "(sequences: off, so the validation rows come after the training rows in time)."),
    ParamSpec("test_fraction", "float", 0.0, "Fraction of the rows kept apart as a test set, never seen in training (0: none).",
              minimum=0.0, maximum=0.5),
    ParamSpec("test_rows", "int", 0, "Keep the last rows as a test set, never seen in training (0: use test_fraction).",
              minimum=0, maximum=10_000_000),
    ParamSpec("input_noise", "float", 0.0, "Denoising autoencoders: Gaussian noise of this standard deviation added to the "
              "inputs only; the targets stay clean (0: none).", minimum=0.0, maximum=10.0),
)


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    title: str
    description: str
    task: str
    source: str  # "generated", "bundled" or "download"
    sample_shape: tuple
    label_shape: tuple
    #: largest raw pixel value for image sets (scaled to 0..1 by default), None for other data
    image_max: float | None = None
    options: tuple[ParamSpec, ...] = ()
    loader: Callable[..., tuple] | None = field(default=None, repr=False, compare=False)


def _bundled(name: str) -> Callable[..., tuple]:
    def load(rng: np.random.Generator) -> tuple:
        path = Path(resources_dir()) / "datasets" / f"{name}.npz"
        try:
            with np.load(path, allow_pickle=False) as data:
                return data["x"], data["y"].astype(np.int64), [str(c) for c in data["class_names"]]
        except (OSError, KeyError, ValueError) as error:
            raise DataError(f"The bundled file {path} is missing or damaged ({error}); reinstall Network Designer.") from error

    return load


def _download(name: str) -> Callable[..., tuple]:
    def load(rng: np.random.Generator) -> tuple:
        (x_train, y_train), (x_test, y_test) = downloads.fetch(name)
        # the training split is what the notes train on; the test split stays out of sight
        return x_train, np.asarray(y_train).reshape(-1).astype(np.int64), CLASS_NAMES.get(name)

    return load


CLASS_NAMES = {
    "mnist": [str(i) for i in range(10)],
    "fashion_mnist": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
    "cifar10": ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"],
    "cifar100": [f"class {i}" for i in range(100)],
}

_SAMPLES = ParamSpec("samples", "int", 500, "How many samples to generate.", minimum=4, maximum=1_000_000)
_NOISE = ParamSpec("noise", "float", 0.1, "Standard deviation of the noise added.", minimum=0.0, maximum=10.0)

DATASETS: dict[str, DatasetInfo] = {
    info.name: info
    for info in (
        DatasetInfo("sum_threshold", "x0 + x1 > 1", "Two numbers in [0, 1]; is their sum above 1? (notes 004)", "classification",
                    "generated", (2,), (1,), options=(_SAMPLES,), loader=generated.sum_threshold),
        DatasetInfo("linear_5x_plus_3", "y = 5x + 3 + noise", "Points on a line with a little noise, for linear regression (notes 004).",
                    "regression", "generated", (1,), (1,),
                    options=(ParamSpec("samples", "int", 200, "How many points.", minimum=4, maximum=1_000_000), _NOISE),
                    loader=generated.linear_5x_plus_3),
        DatasetInfo("sine_waves", "Sine-wave sequences", "20 steps of a sine wave with a random period; predict what comes next (notes 000, 003).",
                    "forecasting", "generated", (20, 1), (1,),
                    options=(ParamSpec("samples", "int", 1000, "How many sequences.", minimum=4, maximum=1_000_000),
                             ParamSpec("steps", "int", 20, "Time steps per sequence.", minimum=2, maximum=10_000),
                             ParamSpec("target", "choice", "next", "\"next\": the value after the sequence; \"sequence\": every next value.",
                                       choices=("next", "sequence"))),
                    loader=generated.sine_waves),
        DatasetInfo("moons", "Two moons", "Two interleaving half circles in 2-D.", "classification", "generated", (2,), (1,),
                    options=(_SAMPLES, _NOISE), loader=generated.moons),
        DatasetInfo("circles", "Circles", "A circle inside another in 2-D: not separable by a line.", "classification", "generated",
                    (2,), (1,), options=(_SAMPLES, ParamSpec("noise", "float", 0.05, "Noise.", minimum=0.0, maximum=10.0)),
                    loader=generated.circles),
        DatasetInfo("xor", "XOR", "Points in four quadrants; the label is whether the two coordinates differ in sign.",
                    "classification", "generated", (2,), (1,),
                    options=(_SAMPLES, ParamSpec("noise", "float", 0.0, "Noise.", minimum=0.0, maximum=10.0)), loader=generated.xor),
        DatasetInfo("spiral", "Spiral", "Three interleaved spiral arms in 2-D.", "classification", "generated", (2,), (),
                    options=(ParamSpec("samples", "int", 600, "Samples.", minimum=6, maximum=1_000_000),
                             ParamSpec("classes", "int", 3, "Arms.", minimum=2, maximum=20),
                             ParamSpec("noise", "float", 0.2, "Noise.", minimum=0.0, maximum=10.0)),
                    loader=generated.spiral),
        DatasetInfo("random_vectors", "Random vectors", "Random inputs of a chosen shape with random labels: to try an architecture.",
                    "classification", "generated", (10,), (1,),
                    options=(ParamSpec("samples", "int", 256, "Samples.", minimum=4, maximum=1_000_000),
                             ParamSpec("shape", "shape", [10], "Shape of one sample.", minimum=1, maximum=100_000),
                             ParamSpec("classes", "int", 2, "Number of classes.", minimum=2, maximum=1000)),
                    loader=generated.random_vectors),
        DatasetInfo("digits", "Handwritten digits 8×8", "1,797 small images of handwritten digits 0–9 (UCI, bundled).",
                    "classification", "bundled", (8, 8), (), image_max=16.0, loader=_bundled("digits")),
        DatasetInfo("iris", "Iris flowers", "150 flowers, 4 measurements, 3 species (bundled).", "classification", "bundled",
                    (4,), (), loader=_bundled("iris")),
        DatasetInfo("breast_cancer", "Breast cancer", "569 tumours, 30 measurements, malignant or benign (bundled).",
                    "classification", "bundled", (30,), (), loader=_bundled("breast_cancer")),
        DatasetInfo("wine", "Wine", "178 wines, 13 chemical measurements, 3 cultivars (bundled).", "classification", "bundled",
                    (13,), (), loader=_bundled("wine")),
        DatasetInfo("mnist", "MNIST digits", "70,000 handwritten digits 28×28 (downloaded once, 11 MB).", "classification", "download",
                    (28, 28), (), image_max=255.0, loader=_download("mnist")),
        DatasetInfo("fashion_mnist", "Fashion-MNIST", "70,000 clothing images 28×28 in 10 classes (notes 002; downloaded once).",
                    "classification", "download", (28, 28), (), image_max=255.0, loader=_download("fashion_mnist")),
        DatasetInfo("cifar10", "CIFAR-10", "60,000 colour images 32×32 in 10 classes (notes 000, 003; downloaded once, 170 MB).",
                    "classification", "download", (32, 32, 3), (), image_max=255.0, loader=_download("cifar10")),
        DatasetInfo("cifar100", "CIFAR-100", "60,000 colour images 32×32 in 100 classes (downloaded once, 170 MB).",
                    "classification", "download", (32, 32, 3), (), image_max=255.0, loader=_download("cifar100")),
    )
}


def list_datasets() -> list[DatasetInfo]:
    return list(DATASETS.values())


#: sequences are not shuffled: their validation rows must come after the training rows in time
_IN_TIME_ORDER = replace(next(s for s in COMMON_OPTIONS if s.name == "shuffle"), default=False)


def _common_options(info: DatasetInfo | None) -> tuple[ParamSpec, ...]:
    if info is not None and info.task == "forecasting":
        return tuple(_IN_TIME_ORDER if spec.name == "shuffle" else spec for spec in COMMON_OPTIONS)
    return COMMON_OPTIONS


def _check_options(info: DatasetInfo, options: dict[str, Any]) -> dict[str, Any]:
    specs = {spec.name: spec for spec in _common_options(info) + info.options}
    result = {name: (list(s.default) if isinstance(s.default, list) else s.default) for name, s in specs.items()}
    for key, value in options.items():
        if key not in specs:
            raise DataError(f"The dataset {info.name} has no option {key!r}; its options are: {', '.join(specs)}.")
        try:
            result[key] = specs[key].coerce(value)
        except ParameterError as error:
            raise DataError(f"Dataset option {error}.") from None
    return result


USER_FILE_OPTIONS = (
    ParamSpec("target", "str", "", "CSV: the column to predict (empty: the last column)."),
    ParamSpec("task", "choice", "auto", "CSV: classification or regression; auto decides from the target column.",
              choices=("auto", "classification", "regression")),
    ParamSpec("text_columns", "choice", "auto",
              "CSV: how columns of words reach the network: one-hot here (region=east, region=west… as numbers), or as "
              "words read by the model itself (a text input and a lookup per column: the trained model then takes "
              "rows as they are in the file). auto: one-hot until Fit model to data puts them in the model.",
              choices=("auto", "one-hot", "in model")),
    ParamSpec("image_size", "pair", [64, 64], "Image folders: every image is resized to this height and width.",
              minimum=4, maximum=1024),
    ParamSpec("color", "choice", "rgb", "Image folders: rgb (3 channels) or grayscale (1).", choices=("rgb", "grayscale")),
)


def option_specs(name: str) -> tuple[ParamSpec, ...]:
    """Every option a dataset (or a person's file) takes: the common ones, then its own."""
    info = DATASETS.get(name)
    if info is not None:
        return _common_options(info) + info.options
    if not is_user_file(name):
        return COMMON_OPTIONS
    # only what applies to this kind of file: a CSV's task, an image folder's size and colour
    wanted = ("image_size", "color") if Path(name).expanduser().is_dir() else (
        ("target", "task", "text_columns") if Path(name).suffix.lower() in (".csv", ".tsv", ".txt") else ())
    return COMMON_OPTIONS + tuple(spec for spec in USER_FILE_OPTIONS if spec.name in wanted)


def user_file_info(path: str) -> DatasetInfo:
    """The entry for a person's own file (its shapes are known once it is read)."""
    return DatasetInfo(path, Path(path).name, f"Your file {path}", "classification", "file", (), (),
                       options=USER_FILE_OPTIONS, loader=None)


def load_dataset(choice: DatasetChoice | str) -> Dataset:
    """Load and prepare a dataset; DataError (plain words) for unknown names, bad options, failed downloads
    and unreadable user files (CSV, .npz, .npy given by path)."""
    if isinstance(choice, str):
        choice = DatasetChoice(choice)
    info = DATASETS.get(choice.name)
    if info is None and is_user_file(choice.name):
        info = user_file_info(choice.name)
        options = _check_options(info, choice.options)
        raw = load_user_file(choice.name, options["target"], options["task"], options["image_size"], options["color"],
                             options["text_columns"])
        if raw.stream is not None:
            return _prepare_stream(replace(info, description=raw.description, task=raw.task, image_max=255.0), options, raw)
        dataset = _prepare(
            replace(info, description=raw.description, task=raw.task, image_max=raw.image_max),
            options, raw.x, raw.y, raw.class_names, raw.x_val, raw.y_val, words=raw.words,
        )
        dataset.columns, dataset.feature_names = raw.columns, raw.feature_names
        dataset.word_columns, dataset.word_values = raw.word_columns, raw.word_values
        return dataset
    if info is None:
        raise DataError(
            f"There is no dataset {choice.name!r}. The datasets are: {', '.join(DATASETS)}; "
            "or give the path of your own .csv, .npz or .npy file."
        )
    options = _check_options(info, choice.options)
    rng = np.random.default_rng(options["seed"])
    own = {spec.name: options[spec.name] for spec in info.options}
    x, y, class_names = info.loader(rng, **own)
    return _prepare(info, options, x, y, class_names)


def where_from(name: str | None) -> str:
    """Where a dataset comes from, in a sentence for the templates gallery: whether it works offline or is a
    download (and how big)."""
    info = next((i for i in list_datasets() if i.name == name), None)
    if info is None:
        return "It chooses no dataset: choose one in the Data panel." if name is None else ""
    if info.source == "download":
        return f"Its data, {info.title}, is a download the first time it trains: {info.description}"
    if info.source == "bundled":
        return f"Its data, {info.title}, comes with the app: it works offline."
    return f"Its data, {info.title}, is made on this computer: it works offline."


def project_choice(project, project_file: str | None = None) -> DatasetChoice:
    """The data a project chooses, its own files found beside the project file wherever the command runs from;
    DataError when it chooses none."""
    choice = project.dataset
    if choice is None:
        where = f"{project_file} chooses" if project_file else "the project chooses"
        raise DataError(f"{where} no dataset; choose one in the Data panel (or pass --data NAME_OR_FILE)")
    if project_file and is_user_file(choice.name) and not Path(choice.name).expanduser().is_absolute():
        return DatasetChoice(str(Path(project_file).parent / choice.name), choice.options)
    return choice


def _prepare(info: DatasetInfo, options: dict[str, Any], x, y, class_names, x_val=None, y_val=None,
             words: np.ndarray | None = None) -> Dataset:
    """Apply the common options: scaling, flattening, label encoding, validation rows. `words`: a CSV's columns of
    words read by the model, row for row beside x: shuffled and split with it, never scaled."""
    raw_x = np.asarray(x)
    scale = resolved_scale(options["scale"], info.image_max, table=_is_table(info, raw_x))
    statistics = _statistics(raw_x, scale, info.image_max)
    x = _scale_like(raw_x, statistics, flatten=False)
    if x_val is not None:
        x_val = _scale_like(np.asarray(x_val), statistics, flatten=False)
    if options["flatten"]:
        x = x.reshape(len(x), -1)
        x_val = None if x_val is None else x_val.reshape(len(x_val), -1)
    if options["labels"] == "one-hot":
        if not class_names:
            raise DataError(
                f"Dataset option labels: {info.name} has numbers to predict, not classes, so its labels cannot be "
                f"one-hot; use labels \"integer\"."
            )
        eye = np.eye(len(class_names), dtype=np.float32)
        y = eye[np.asarray(y).reshape(-1).astype(np.int64)]
        y_val = None if y_val is None else eye[np.asarray(y_val).reshape(-1).astype(np.int64)]
    rng = np.random.default_rng(options["seed"])
    if options["shuffle"]:
        order = rng.permutation(len(x))
        x = x[order]
        y = None if y is None else np.asarray(y)[order]
        words = None if words is None else words[order]
    x_test = y_test = words_test = words_val = None
    rows = _test_rows(options, len(x))
    if rows:
        x, x_test = x[:-rows], x[-rows:]
        if y is not None:
            y, y_test = y[:-rows], y[-rows:]
        if words is not None:
            words, words_test = words[:-rows], words[-rows:]
    if options["validation"] == "last":
        rows = options["validation_rows"]
        if rows >= len(x):
            raise DataError(f"validation_rows is {rows:,} but {info.name} has only {len(x):,} rows: choose fewer.")
        x, x_val = x[:-rows], x[-rows:]
        if y is not None:
            y, y_val = y[:-rows], y[-rows:]
        if words is not None:
            words, words_val = words[:-rows], words[-rows:]
    description = info.description
    if info.task == "forecasting" and not options["shuffle"]:
        description += " Rows kept in their order: the validation rows are the last ones, later in time."
    dataset = Dataset(info.name, info.title, description, info.task, x, y, x_val, y_val, class_names, options,
                      x_test=x_test, y_test=y_test, image_max=info.image_max,
                      words_train=words, words_val=words_val, words_test=words_test)
    dataset.scale_inputs = partial(_scale_like, statistics=statistics, flatten=options["flatten"])
    dataset.applied_scale = scale
    if options["input_noise"] > 0:
        dataset.noisy_train = _add_noise(x, options["input_noise"], rng)
        dataset.noisy_val = None if x_val is None else _add_noise(x_val, options["input_noise"], rng)
    return dataset


def _is_table(info: DatasetInfo, x: np.ndarray) -> bool:
    """Rows of measurements (a person's CSV or table, the bundled iris, wine, breast cancer), as against images,
    sequences and the generated teaching sets (kept in their own units, as the notes draw them)."""
    return info.source in ("file", "bundled") and not info.image_max and x.ndim == 2


def _prepare_stream(info: DatasetInfo, options: dict[str, Any], raw) -> Dataset:
    """A folder read from disk while training: the options become file-list splits and pipeline steps; the
    decoded first images stand in for the data in the preview and the shape checks."""
    for name, refused in (("scale", "standardize"), ("input_noise", None)):
        value = options[name]
        if (refused is not None and value == refused) or (refused is None and value):
            raise DataError(
                f"Dataset option {name} {value!r} needs every image in memory, and this folder is read from disk "
                "while training: choose scale 0..1 or -1..1 and no input noise, or a smaller image size."
            )
    stream = raw.stream
    rng = np.random.default_rng(options["seed"])
    if options["shuffle"]:
        stream = stream.subset(rng.permutation(len(stream)))
    test = validation = None
    rows = _test_rows(options, len(stream))
    if rows:
        stream, test = stream.subset(slice(0, len(stream) - rows)), stream.subset(slice(len(stream) - rows, None))
    if options["validation"] == "last":
        rows = options["validation_rows"]
        if rows >= len(stream):
            raise DataError(f"validation_rows is {rows:,} but {info.name} has only {len(stream):,} images: choose fewer.")
        stream, validation = stream.subset(slice(0, len(stream) - rows)), stream.subset(slice(len(stream) - rows, None))
    sample = _prepare(info, {**options, "validation": "split", "test_fraction": 0.0, "test_rows": 0, "shuffle": False},
                      raw.x, raw.y, raw.class_names)
    sample.stream_train, sample.stream_val, sample.stream_test = stream, validation, test
    return sample


def _test_rows(options: dict[str, Any], total: int) -> int:
    """How many last rows make the test set: test_rows if given, else the test_fraction of `total`."""
    if options["test_rows"]:
        rows, asked = options["test_rows"], f"test_rows {options['test_rows']:,}"
    elif options["test_fraction"] > 0:
        rows, asked = int(round(total * options["test_fraction"])), f"test_fraction {options['test_fraction']:g}"
    else:
        return 0
    if not 0 < rows < total:
        raise DataError(f"{asked} of {total:,} rows leaves no test rows or no training rows: choose a smaller test set.")
    return rows


def _add_noise(x: np.ndarray, stddev: float, rng: np.random.Generator) -> np.ndarray:
    """x plus Gaussian noise, kept within x's own range (as the denoising notes clip to [0, 1])."""
    noisy = x + rng.normal(0.0, stddev, size=x.shape).astype(np.float32)
    return np.clip(noisy, float(x.min()), float(x.max())).astype(np.float32)


def resolved_scale(scale: str, image_max: float | None, table: bool) -> str:
    """What "auto" means for this data: images 0..1, tables (rows of numbers: a CSV, the bundled measurements)
    standardized column by column, anything else (generated points, sequences) as it is."""
    if scale != "auto":
        return scale
    return "0..1" if image_max else ("standardize" if table else "none")


def _statistics(raw_x: np.ndarray, scale: str, image_max: float | None) -> dict[str, Any]:
    """What scaling takes from the data (each column on its own), kept so that a new input is scaled the same
    way. `scale` is already resolved (no "auto")."""
    stats: dict[str, Any] = {"scale": scale, "image_max": image_max}
    x = np.asarray(raw_x, dtype=np.float32)
    if scale == "standardize":
        stats.update(mean=x.mean(axis=0), std=x.std(axis=0) + 1e-7)
    elif scale in ("0..1", "-1..1") and not image_max:
        # a column's own range: one range for the whole table would shrink the small columns to nothing
        low, high = x.min(axis=0), x.max(axis=0)
        stats.update(low=low, span=np.where(high > low, high - low, 1.0).astype(np.float32))
    return stats


def _scale_like(raw: np.ndarray, statistics: dict[str, Any], flatten: bool) -> np.ndarray:
    """Rows of raw inputs (pixel values up to the data's image_max, a CSV's numbers) prepared as the dataset's
    own rows were: the same scaling, with the dataset's numbers, then flattened if the dataset was."""
    x = np.asarray(raw, dtype=np.float32)
    scale, image_max = statistics["scale"], statistics["image_max"]
    if scale == "standardize":
        x = (x - statistics["mean"]) / statistics["std"]
    elif scale in ("0..1", "-1..1"):
        x = x / image_max if image_max else (x - statistics["low"]) / statistics["span"]
        if scale == "-1..1":
            x = x * 2.0 - 1.0
    x = x.astype(np.float32)
    return x.reshape(len(x), -1) if flatten else x


def fit_to_input(data: Dataset | np.ndarray, input_shape: tuple):
    """Reshape samples to the model's Input when only a trailing 1-axis or flattening differs; else DataError.

    Takes a Dataset (returns a copy whose training and validation inputs fit) or one array of samples."""
    if isinstance(data, Dataset):
        x_val = None if data.x_val is None else fit_to_input(data.x_val, input_shape)
        # only the number inputs' shape changes: the rows stay, so words_* (copied by replace) still match them
        return replace(data, x_train=fit_to_input(data.x_train, input_shape), x_val=x_val)
    x = data
    sample = tuple(x.shape[1:])
    wanted = tuple(input_shape)
    if sample == wanted:
        return x
    if reshape_fits(sample, wanted):
        return x.reshape((len(x),) + wanted)
    raise DataError(
        f"The data's samples have shape {sample} but the model's Input expects {wanted}. "
        f"Set the Input shape to {list(sample)}, or choose data that fits."
    )
