"""``python -m ovexplorer``: same as the ``ovexplorer`` command."""

import sys

from ovexplorer.cli import main

if __name__ == "__main__":
    sys.exit(main())
