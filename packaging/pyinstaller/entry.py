"""Entry point of the frozen app: the ``ovexplorer`` command (window, ``--smoke`` and the subcommands)."""

import multiprocessing
import os
import sys

if sys.stdout is None:  # the windowed Windows exe has no console: printing must not fail
    sys.stdout = open(os.devnull, "w")
if sys.stderr is None:
    sys.stderr = open(os.devnull, "w")

# A helper process started from this exe (benchmark loop, weight statistics) runs its task here and exits,
# before the app's own modules are imported.
multiprocessing.freeze_support()

from ovexplorer.cli import main  # noqa: E402

sys.exit(main())
