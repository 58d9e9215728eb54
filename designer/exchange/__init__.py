"""Taking trained models out of the app: exports to .keras, SavedModel, TFLite (LiteRT), ONNX, a Python script and
a notebook, each re-run in its own runtime right after it is written and compared with the model it came from.

Sits above `designer.training` (a script export repeats the project's training) and below `designer.ui`; no Qt.
"""
