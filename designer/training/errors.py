"""The error of a run that cannot start, in plain words."""


class TrainingError(ValueError):
    """The run cannot start (settings that do not fit the model or the data); plain words."""
