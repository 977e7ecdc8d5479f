"""The ``ovexplorer`` command: no subcommand opens the window; ``info`` (and friends) are headless.

One module per subcommand (``info``, ``stats``, ``devices``, ``run``, ``bench``), each with ``add_parser``; the
table of commands is :data:`COMMANDS` below.

``ovexplorer [MODEL]`` opens the app (on the bundled sample model when no path is given), once the platform
check says Qt can start here. ``ovexplorer info MODEL [--json]`` prints a model summary; a load error is one
line on stderr, exit 2. A first word that is neither a command nor a model path is an unknown command (exit 2);
a closed stdout (``| head``) ends quietly with exit code 141.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ovexplorer import __version__
from ovexplorer.cli import bench, compare, devices, info, optimize, run, stats
from ovexplorer.core.util.errors import OvexplorerError

EXIT_OK = 0
EXIT_BAD_INPUT = 2
#: Exit code when stdout was closed early (``ovexplorer info m.xml | head -3``): 128 + SIGPIPE, as a shell reports
#: a command killed by the closed pipe; ``head`` has what it asked for, so no message is printed.
EXIT_BROKEN_PIPE = 141

#: Subcommand name -> function that adds its parser and returns its handler.
COMMANDS: dict[str, Callable[[argparse._SubParsersAction], Callable[[argparse.Namespace], int]]] = {
    "info": info.add_parser,
    "stats": stats.add_parser,
    "devices": devices.add_parser,
    "run": run.add_parser,
    "bench": bench.add_parser,
    "compare": compare.add_parser,
    "optimize": optimize.add_parser,
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


def unknown_command(word: str) -> str | None:
    """The error line for a first word that is neither a subcommand, an option nor a model path; else None.

    A word that names an existing file or folder, or looks like a model path (a model suffix, a folder part,
    a ``file:`` URL), opens in the window, which says when it does not exist.
    """
    if word in COMMANDS or word.startswith("-") or word.startswith("file:"):
        return None
    path = Path(word).expanduser()
    if path.exists() or os.sep in word or "/" in word:
        return None
    from ovexplorer.core.model.document import MODEL_SUFFIXES

    if path.suffix.lower() in (*MODEL_SUFFIXES, ".bin"):
        return None
    close = difflib.get_close_matches(word, list(COMMANDS), n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else f"commands: {', '.join(COMMANDS)}; or a model file to open"
    return f"ovexplorer: unknown command '{word}' ({hint})"


def open_window(argv: list[str]) -> int:
    """``ovexplorer [MODEL ...]`` and ``--smoke``: the platform check, then Qt (imported only when it can start)."""
    from ovexplorer.ui.shell.platform_check import library_problem

    problem = library_problem(smoke="--smoke" in argv)
    if problem:
        print(f"ovexplorer: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from ovexplorer.ui.shell.app import run_app

    return run_app(argv)


def gui_main() -> int:
    """``ovexplorer-gui``: the window without a console (Windows shortcuts)."""
    return open_window(sys.argv[1:])


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        status = _main(argv)
        sys.stdout.flush()  # a pipe closed early shows here when the output fitted in the buffer
        return status
    except BrokenPipeError:
        return _closed_stdout()


def _closed_stdout() -> int:
    """The reader of stdout went away: no traceback, and no second error when Python flushes at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return EXIT_BROKEN_PIPE


def _main(argv: list[str]) -> int:
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        error = unknown_command(argv[0]) if argv else None
        if error:
            print(error, file=sys.stderr)
            return EXIT_BAD_INPUT
        return open_window(argv)
    parser, handlers = build_parser()
    args = parser.parse_args(argv)
    try:
        return handlers[args.command](args)
    except OvexplorerError as exc:
        print(f"ovexplorer: {exc.message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
