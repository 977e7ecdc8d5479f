"""The ``ovexplorer`` command: no subcommand opens the window; ``info`` (and friends) are headless.

``ovexplorer [MODEL]`` opens the app (on the bundled sample model when no path is given).
``ovexplorer info MODEL [--json]`` prints a model summary; a load error is one line on stderr, exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from ovexplorer import __version__, cli_bench, cli_devices, cli_run
from ovexplorer.cli_stats import add_parser as _add_stats
from ovexplorer.core.util.errors import OvexplorerError

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def _cmd_info(args: argparse.Namespace) -> int:
    from ovexplorer.core.model.document import open_model
    from ovexplorer.core.model.summary import format_summary, summarize

    doc = open_model(args.model, args.weights)
    summary = summarize(doc)
    if args.json:
        print(json.dumps(summary.to_dict(), indent=2))
    else:
        print(format_summary(summary))
    return EXIT_OK


def _add_info(sub: argparse._SubParsersAction) -> Callable[[argparse.Namespace], int]:
    p = sub.add_parser("info", help="print a model summary: ops, inputs/outputs, parameters, weights")
    p.add_argument("model", help="model file (.xml IR, .onnx, .tflite, .pdmodel, .pb)")
    p.add_argument("--weights", help="weights file, when it is not the .bin beside the .xml")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    return _cmd_info


#: Subcommand name -> function that adds its parser and returns its handler.
COMMANDS: dict[str, Callable[[argparse._SubParsersAction], Callable[[argparse.Namespace], int]]] = {
    "info": _add_info,
    "stats": _add_stats,
    "devices": cli_devices.add_parser,
    "run": cli_run.add_parser,
    "bench": cli_bench.add_parser,
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
