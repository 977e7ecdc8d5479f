"""``ovexplorer info MODEL [--json]``: print a model summary; a load error is one line on stderr, exit 2."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable


def _cmd_info(args: argparse.Namespace) -> int:
    from ovexplorer.core.model.document import open_model
    from ovexplorer.core.model.summary import format_summary, summarize

    doc = open_model(args.model, args.weights)
    summary = summarize(doc)
    if args.json:
        print(json.dumps(summary.to_dict(), indent=2))
    else:
        print(format_summary(summary))
    return 0


def add_parser(sub: argparse._SubParsersAction) -> Callable[[argparse.Namespace], int]:
    p = sub.add_parser("info", help="print a model summary: ops, inputs/outputs, parameters, weights")
    p.add_argument("model", help="model file (.xml IR, .onnx, .tflite, .pdmodel, .pb)")
    p.add_argument("--weights", help="weights file, when it is not the .bin beside the .xml")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    return _cmd_info
