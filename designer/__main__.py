"""Entry point of the ``designer`` command (and ``python -m designer``): the headless command line for now."""

import sys


def main() -> int:
    from designer.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
