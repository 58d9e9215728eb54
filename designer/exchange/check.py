"""The verdict on an export: the written file re-run in its own runtime (in a separate process) and compared with
the model it came from, in one line a person can read."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CheckResult:
    #: the format's key: keras, savedmodel, tflite, onnx, python, notebook
    format: str
    #: the file or folder that was written (kept even when the check fails)
    path: str
    #: True when the file re-ran and gave the same outputs (within `tolerance`), or, for a quantized TFLite file,
    #: re-ran at all (its outputs differ by design: see `accuracy_before`/`accuracy_after`)
    ok: bool
    #: one line for the dialog and the command line, e.g. "ONNX: same outputs, largest difference 8e-08 over 64 rows"
    summary: str
    #: the largest absolute difference between the export's outputs and the model's, over `rows` rows
    largest_difference: float | None = None
    rows: int = 0
    tolerance: float | None = None
    #: classifiers: the share of rows classified right by the model and by the export (quantized TFLite)
    accuracy_before: float | None = None
    accuracy_after: float | None = None
    #: what else the person should know about the file (e.g. "needs TensorFlow's Flex delegate"), one line each
    notes: list[str] = field(default_factory=list)
