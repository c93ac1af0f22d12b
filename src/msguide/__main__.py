"""`python -m msguide`: the command line, or the desktop app when no command is given."""

import sys

from msguide.cli import main

if __name__ == "__main__":
    sys.exit(main())
