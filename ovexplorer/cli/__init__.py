"""The ``ovexplorer`` command: no subcommand opens the window; ``info`` (and friends) are headless.

One module per subcommand (``info``, ``stats``, ``devices``, ``run``, ``bench``), each with ``add_parser``; the
table of commands is :data:`COMMANDS` below.

``ovexplorer [MODEL]`` opens the app (on the bundled sample model when no path is given).
``ovexplorer info MODEL [--json]`` prints a model summary; a load error is one line on stderr, exit 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from ovexplorer import __version__
from ovexplorer.cli import bench, devices, info, run, stats
from ovexplorer.core.util.errors import OvexplorerError

EXIT_OK = 0
EXIT_BAD_INPUT = 2

#: Subcommand name -> function that adds its parser and returns its handler.
COMMANDS: dict[str, Callable[[argparse._SubParsersAction], Callable[[argparse.Namespace], int]]] = {
    "info": info.add_parser,
    "stats": stats.add_parser,
    "devices": devices.add_parser,
    "run": run.add_parser,
    "bench": bench.add_parser,
}


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Callable[[argparse.Namespace], int]]]:
    parser = argparse.ArgumentParser(
        prog="ovexplorer",
        description="Explore OpenVINO models. Without a command, open the window (on MODEL if given).",
    )
    parser.add_argument("--version", action="version", version=f"ovexplorer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    handlers = {name: add(sub) for name, add in COMMANDS.items()}
    return parser, handlers


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        from ovexplorer.ui.shell.app import run_app

        return run_app(argv)
    parser, handlers = build_parser()
    args = parser.parse_args(argv)
    try:
        return handlers[args.command](args)
    except OvexplorerError as exc:
        print(f"ovexplorer: {exc.message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
