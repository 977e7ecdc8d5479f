"""Entry point of the frozen app: the ``ovexplorer`` command (window, ``--smoke`` and the subcommands)."""

import multiprocessing
import os
import sys

if sys.stdout is None:  # the windowed Windows exe has no console: printing must not fail
    sys.stdout = open(os.devnull, "w")
if sys.stderr is None:
    sys.stderr = open(os.devnull, "w")

from ovexplorer.cli import main

multiprocessing.freeze_support()  # helper processes (benchmark loop, weight statistics) run this exe
sys.exit(main())
