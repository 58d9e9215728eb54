"""The one error of the command line: a failure reported as one plain line (`designer: error: ...`)."""


class CliError(Exception):
    """A failure to report as one line."""
