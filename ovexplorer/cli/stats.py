"""``ovexplorer stats MODEL [--json | --csv] [--top N]``: weight statistics and model totals, headless."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the heavy modules load only when the command runs
    from ovexplorer.core.weights.statistics import WeightStats

def _fmt(v: float) -> str:
    from ovexplorer.core.weights.numbers import format_value

    return format_value(v)


def format_text(name: str, rows: list[WeightStats], totals: Any, top: int) -> str:
    from ovexplorer.core.model.summary import human_bytes, human_count

    by_type = ", ".join(f"{t} {human_bytes(b)}" for t, b in totals.bytes_by_type.items()) or "none"
    lines = [
        f"Model:       {name}",
        f"Parameters:  {totals.parameters:,} ({human_count(totals.parameters)})",
        f"Constants:   {totals.constants} ({human_bytes(totals.total_bytes)}: {by_type})",
        f"MACs:        {totals.macs_text()}",
        f"FLOPs:       {totals.flops_text()}",
    ]
    flagged = [r for r in rows if r.flags]
    lines.append(f"Flagged:     {len(flagged)} constants" + (
        " (" + ", ".join(f"{r.label}: {'/'.join(r.flags)}" for r in flagged[:5]) + (", …" if len(flagged) > 5 else "")
        + ")" if flagged else ""))
    shown = sorted(rows, key=lambda r: -r.nbytes)[:top] if top > 0 else []
    if shown:
        lines.append(f"Largest {len(shown)} constants:")
        lines.append(f"  {'bytes':>10}  {'type':6} {'shape':18} {'min':>10} {'max':>10} {'mean':>10} {'std':>10} "
                     f"{'zeros':>6}  name")
        for r in shown:
            s = r.stats
            shape = "x".join(map(str, r.shape)) or "scalar"
            if s is None:
                nums = f"{r.note:>52}"
            else:
                nums = (f"{_fmt(s.min):>10} {_fmt(s.max):>10} {_fmt(s.mean):>10} {_fmt(s.std):>10} "
                        f"{s.zero_fraction:>6.1%}")
            flags = f"  [{', '.join(r.flags)}]" if r.flags else ""
            lines.append(f"  {human_bytes(r.nbytes):>10}  {r.element_type:6} {shape:18} {nums}  {r.label}{flags}")
            if r.dequant is not None:
                d = r.dequant
                lines.append(f"  {'':>10}  {'→ deq':6} {'':18} {_fmt(d.min):>10} {_fmt(d.max):>10} "
                             f"{_fmt(d.mean):>10} {_fmt(d.std):>10} {d.zero_fraction:>6.1%}")
    return "\n".join(lines)


def _cmd_stats(args: argparse.Namespace) -> int:
    from ovexplorer.core.model.document import open_model
    from ovexplorer.core.run.session import reshape_inputs
    from ovexplorer.core.weights import stats_pool
    from ovexplorer.core.weights.flops import model_totals, totals_at_shapes
    from ovexplorer.core.weights.statistics import POOL_MIN_VALUES, compute_weight_stats, warm_up_helpers

    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    helpers = {"auto": None, "on": True, "off": False}[args.helpers]
    weights = Path(args.weights) if args.weights else Path(args.model).with_suffix(".bin")
    if helpers is not False and weights.is_file() and weights.stat().st_size * 2 >= POOL_MIN_VALUES:
        stats_pool.warm_up()  # a big weights file (int4: 2 values a byte): helpers start while the model is read
    doc = open_model(args.model, args.weights)
    if helpers is None:
        warm_up_helpers(doc)  # (a model read some other way) they take blocks once started
    rows = compute_weight_stats(doc, exact_histograms=args.exact_histograms, helpers=helpers)
    totals = model_totals(doc.graph)
    if args.shape:
        shapes = _shapes(args.shape, doc)
        totals = totals_at_shapes(totals, reshape_inputs(doc.model, shapes), shapes)
    try:
        _print_report(args, doc, rows, totals)
    except BrokenPipeError:  # `ovexplorer stats m.xml | head`
        sys.stdout = open(os.devnull, "w")  # silences the flush at exit
    return 0


def _shapes(items: list[str], doc: Any) -> dict[str, tuple[int, ...]]:
    """``--shape NAME=d1,d2`` options as input shapes (NAME may be left out when the model has one input)."""
    from ovexplorer.cli.run import _parse_shape, _split
    from ovexplorer.core.run.ports import find_port, model_inputs
    from ovexplorer.core.util.errors import InputError

    specs = model_inputs(doc.model)
    names = ", ".join(s.name for s in specs)
    shapes: dict[str, tuple[int, ...]] = {}
    for item in items:
        name, value = _split(item, "--shape")
        if not name:
            if len(specs) != 1:
                raise InputError(f"--shape {item}: say which input (NAME=d1,d2,...); inputs: {names}.")
            name = specs[0].name
        spec = find_port(specs, name)
        if spec is None:
            raise InputError(f"--shape {item}: the model has no input named {name}; its inputs: {names}.")
        shapes[spec.name] = _parse_shape(value, name)
    return shapes


def _print_report(args: argparse.Namespace, doc: Any, rows: list[WeightStats], totals: Any) -> None:
    from ovexplorer.core.weights.weights_export import report_dict, write_csv

    if args.json:
        shown = sorted(rows, key=lambda r: -r.nbytes)[:args.top] if args.top else rows
        json.dump(report_dict(doc.name, str(doc.path), shown, totals), sys.stdout, indent=1, allow_nan=False)
        sys.stdout.write("\n")
    elif args.csv:
        write_csv(sorted(rows, key=lambda r: -r.nbytes)[:args.top] if args.top else rows, sys.stdout)
    else:
        print(format_text(doc.name, rows, totals, args.top if args.top else 20))


def add_parser(sub: argparse._SubParsersAction) -> Callable[[argparse.Namespace], int]:
    """Add the ``stats`` subcommand; return its handler."""
    p = sub.add_parser("stats", help="weight statistics per constant, parameters, bytes, MACs/FLOPs")
    p.add_argument("model", help="model file (.xml IR, .onnx, ...)")
    p.add_argument("--weights", help="weights file, when it is not the .bin beside the .xml")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON (totals and every constant)")
    fmt.add_argument("--csv", action="store_true", help="print one CSV row per constant")
    p.add_argument("--top", type=int, default=0, metavar="N",
                   help="only the N largest constants (text output shows 20 by default)")
    p.add_argument("--exact-histograms", action="store_true",
                   help="count every value in the histograms (default: an even sample, at most 8192 values and 1 in 8 "
                        "per constant, every value of constants up to 4096)")
    p.add_argument("--shape", action="append", default=[], metavar="NAME=d1,d2,...",
                   help="count MACs/FLOPs of a dynamic model for this input shape (repeat for each input)")
    p.add_argument("--helpers", choices=("auto", "on", "off"), default="auto",
                   help="share the work with helper processes: auto (64 M values or more), on, off")
    p.add_argument("-v", "--verbose", action="store_true", help="say how the work was shared, and its time, on stderr")
    return _cmd_stats
