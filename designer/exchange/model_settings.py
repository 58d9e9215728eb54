"""Training settings from how a Keras model was compiled: optimizer, learning rate, loss and metrics, where the
app offers the same; what it cannot take over is said in one line each (a schedule, an optimizer it does not offer).
Reads Keras 3's ``compile_config`` and the legacy ``training_config`` of ``.h5`` files."""

from __future__ import annotations

from typing import Any

from designer.core.project import METRICS, OPTIMIZERS, check_training, default_training

_LOSS_NAMES = {
    "mse": "mse", "mean_squared_error": "mse", "meansquarederror": "mse",
    "mae": "mae", "mean_absolute_error": "mae", "meanabsoluteerror": "mae",
    "binary_crossentropy": "binary_crossentropy", "binarycrossentropy": "binary_crossentropy",
    "categorical_crossentropy": "categorical_crossentropy", "categoricalcrossentropy": "categorical_crossentropy",
    "sparse_categorical_crossentropy": "sparse_categorical_crossentropy",
    "sparsecategoricalcrossentropy": "sparse_categorical_crossentropy",
}
_METRIC_NAMES = {
    "accuracy": "accuracy", "acc": "accuracy", "categorical_accuracy": "accuracy", "categoricalaccuracy": "accuracy",
    "sparse_categorical_accuracy": "accuracy", "sparsecategoricalaccuracy": "accuracy",
    "binary_accuracy": "accuracy", "binaryaccuracy": "accuracy", "auc": "auc",
    "mae": "mae", "mean_absolute_error": "mae", "meanabsoluteerror": "mae",
    "mse": "mse", "mean_squared_error": "mse", "meansquarederror": "mse",
}


def _name(item: Any) -> str | None:
    """The lower-case name of a loss or metric written as a text or as a serialized object."""
    if isinstance(item, str):
        return item.lower()
    if isinstance(item, dict):
        config = item.get("config")
        if isinstance(config, str):  # a function: {"class_name": "function", "config": "mse"}
            return config.lower()
        if isinstance(item.get("class_name"), str):
            return item["class_name"].lower()
    return None


def _lookup(table: dict[str, str], item: Any) -> str | None:
    name = _name(item) or ""
    return table.get(name) or table.get(name.replace("_", ""))


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [v for item in value for v in _flatten(item)]
    if isinstance(value, dict) and "class_name" not in value:  # per output: {"out": "mse", ...}
        return [v for item in value.values() for v in _flatten(item)]
    return [] if value is None else [value]


def training_from_compile(compiled: dict[str, Any] | None) -> tuple[dict[str, Any], list[str]]:
    """(checked training settings, plain lines about what could not be taken over)."""
    settings = default_training()
    if not compiled:
        return settings, ["The file does not say how the model was compiled: the training settings are the app's "
                          "defaults."]
    notes: list[str] = []
    optimizer = compiled.get("optimizer") or compiled.get("optimizer_config")
    if isinstance(optimizer, str):
        optimizer = {"class_name": optimizer, "config": {}}
    if isinstance(optimizer, dict):
        name = str(optimizer.get("class_name", "")).lower()
        config = optimizer.get("config") if isinstance(optimizer.get("config"), dict) else {}
        if name in OPTIMIZERS:
            settings["optimizer"] = name
        else:
            notes.append(f"The file's optimizer {optimizer.get('class_name')} is not among the app's "
                         f"({', '.join(OPTIMIZERS)}): Adam is chosen.")
        rate = config.get("learning_rate")
        if isinstance(rate, (int, float)) and not isinstance(rate, bool) and 1e-7 <= rate <= 10:
            settings["learning_rate"] = float(f"{rate:.6g}")  # 0.0010000000474974513 (float32) reads as 0.001
        elif rate is not None:
            notes.append("The file's learning rate changes during training (a schedule); the app uses one rate: "
                         f"{settings['learning_rate']:g}.")
        if name == "sgd" and isinstance(config.get("momentum"), (int, float)):
            settings["momentum"] = min(0.999, max(0.0, float(config["momentum"])))
        if name == "adam" and isinstance(config.get("beta_1"), (int, float)):
            settings["beta_1"] = min(0.999, max(0.0, float(f"{config['beta_1']:.6g}")))
    losses = {_lookup(_LOSS_NAMES, item) for item in _flatten(compiled.get("loss"))}
    logits = any(isinstance(item, dict) and (item.get("config") or {}).get("from_logits") is True
                 for item in _flatten(compiled.get("loss")))
    if losses and None not in losses and len(losses) == 1 and not logits:
        settings["loss"] = losses.pop()
    elif compiled.get("loss") is not None:
        notes.append("The file's loss is not one the app offers as it is "
                     f"({'it reads logits' if logits else 'a loss per output or one of its own'}): \"auto\" is chosen.")
    metrics = []
    for item in _flatten(compiled.get("metrics")) + _flatten(compiled.get("weighted_metrics")):
        mapped = _lookup(_METRIC_NAMES, item)
        if mapped and mapped not in metrics:
            metrics.append(mapped)
    if compiled.get("metrics") is not None or compiled.get("weighted_metrics") is not None:
        settings["metrics"] = [m for m in METRICS if m in metrics]
    return check_training(settings), notes
