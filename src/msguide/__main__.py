"""`python -m msguide`: the command line, or the desktop app when no command is given."""

import sys


def _main() -> int:
    # The desktop app skips the command line's imports: its window should paint at once.
    if len(sys.argv) == 1:
        from msguide.cli import run_gui

        return run_gui([])
    from msguide.cli import main

    return main()


if __name__ == "__main__":
    sys.exit(_main())
