"""The entry script of the PyInstaller bundle (packaging/build_bundle.py): the ``designer`` command, frozen.

In the bundle ``sys.executable`` is the bundle's own program, not a Python interpreter, yet the app starts Python
children with it: an export's check runs ``sys.executable -P rerun.py ...`` (designer/exchange/verify.py) and an
exported script's check runs ``sys.executable -c BOOTSTRAP script ...`` (designer/exchange/script_check.py). So
when the first argument is ``-P`` or ``-c`` this program does what ``python`` would; otherwise it is ``designer``.
"""

import multiprocessing
import runpy
import sys


def _as_python(argv: list[str]) -> int:
    """``python -P SCRIPT ARGS...`` or ``python -c CODE ARGS...``, the two forms the app uses."""
    if argv[0] == "-P":  # the script's folder stays off sys.path, which a frozen program never adds anyway
        if len(argv) < 2:
            print("usage: network-designer -P SCRIPT [ARGS...]", file=sys.stderr)
            return 2
        sys.argv = argv[1:]
        runpy.run_path(argv[1], run_name="__main__")
        return 0
    if len(argv) < 2:
        print("usage: network-designer -c CODE [ARGS...]", file=sys.stderr)
        return 2
    sys.argv = ["-c", *argv[2:]]
    sys.path.insert(0, "")  # as `python -c` has it: the current folder first (script_check's bootstrap replaces it)
    exec(compile(argv[1], "<string>", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})
    return 0


def main() -> int:
    multiprocessing.freeze_support()  # a frozen program must call it before anything starts a child process
    argv = sys.argv[1:]
    if argv and argv[0] in ("-P", "-c"):
        return _as_python(argv)
    from designer.__main__ import main as designer_main

    return designer_main()


if __name__ == "__main__":
    sys.exit(main())
