"""``ovexplorer bench MODEL``: a latency benchmark measured as benchmark_app measures it, printed as statistics.

Ctrl+C stops the run early; the statistics of what ran are still printed.
"""

from __future__ import annotations

import argparse
import json
import threading
from collections.abc import Callable

from ovexplorer.cli import llm
from ovexplorer.core.util.errors import InputError

HINTS = {"latency": "LATENCY", "throughput": "THROUGHPUT", "cumulative_throughput": "CUMULATIVE_THROUGHPUT"}
DEFAULT_SECONDS = 10.0


def _parse_shapes(items: list[str]) -> dict[str, tuple[int, ...]]:
    shapes: dict[str, tuple[int, ...]] = {}
    for item in items:
        name, sep, text = item.partition("=")
        try:
            dims = tuple(int(d) for d in text.replace("x", ",").split(",") if d.strip())
        except ValueError:
            dims = ()
        if not sep or not name or not dims:
            raise InputError(f"--shape {item!r}: expected NAME=d1,d2,... like image=1,3,224,224.")
        shapes[name] = dims
    return shapes


def _cmd_bench(args: argparse.Namespace) -> int:
    if args.prompt_tokens is not None:
        return llm.bench_llm(args)
    from ovexplorer.core.bench.benchmark import BenchConfig, BenchmarkRun, default_inputs
    from ovexplorer.core.model.document import open_model
    from ovexplorer.core.run.session import CompileOptions, compile_session

    if args.niter is not None and args.niter <= 0:
        raise InputError(f"--niter {args.niter}: give a positive number of iterations.")
    if args.time is not None and args.time <= 0:
        raise InputError(f"--time {args.time}: give a positive number of seconds.")
    hint = HINTS[args.hint]
    mode = args.api or ("sync" if hint == "LATENCY" else "async")
    doc = open_model(args.model)
    options = CompileOptions(device=args.device, performance_hint=hint, precision_hint=args.precision,
                             num_streams=args.streams, num_requests=args.requests or 0)
    session = compile_session(doc.model, options, _parse_shapes(args.shape), fixed_shapes=True,  # like -shape
                              model_name=doc.name)
    seconds = args.time if args.time is not None else (0.0 if args.niter else DEFAULT_SECONDS)
    config = BenchConfig(mode=mode, iterations=args.niter or 0, seconds=seconds, requests=args.requests or 0)
    run = BenchmarkRun(session, default_inputs(session, args.seed), config, label=f"{doc.name} {options.describe()}")
    failure: list[BaseException] = []

    def work() -> None:
        try:
            run.run()
        except Exception as exc:  # noqa: BLE001 - reported below, after the statistics so far
            failure.append(exc)

    thread = threading.Thread(target=work, name="ovexplorer-bench", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            thread.join(0.2)
    except KeyboardInterrupt:
        run.stop()
        thread.join()
    stats = run.stats()
    if args.json:
        report = {
            "model": str(doc.path), "device": args.device, "execution_devices": session.execution_devices,
            "compile_options": options.config(), "compile_seconds": session.compile_seconds, "mode": mode,
            "requests": run.requests, "state": run.state, "warmup_ms": run.warmup_ms, "stats": stats.to_dict(),
            "error": run.error.message if run.error else None,
        }
        print(json.dumps(report, indent=2))
    else:
        print(f"Model: {doc.path}\nDevice: {args.device} ({', '.join(session.execution_devices)}), "
              f"{options.describe()}\nCompile: {session.compile_seconds * 1000:.2f} ms\n"
              f"Mode: {mode}, {run.requests} infer request(s), {run.state}")
        if run.warmup_ms:
            print(f"First inference (warm-up): {run.warmup_ms[0]:.2f} ms")
        print(stats.format())
    if failure:
        raise failure[0]
    return 0


def add_parser(sub: argparse._SubParsersAction) -> Callable[[argparse.Namespace], int]:
    p = sub.add_parser("bench", help="measure latency and throughput the way benchmark_app does")
    p.add_argument("model", help="model file (.xml IR, .onnx, ...)")
    p.add_argument("-d", "--device", default="CPU", help="device to compile for (default CPU)")
    p.add_argument("--hint", choices=tuple(HINTS), default="latency", type=str.lower,
                   help="performance hint (default latency); latency runs sync, the others async")
    limit = p.add_mutually_exclusive_group()
    limit.add_argument("--niter", type=int, help="number of measured inferences")
    limit.add_argument("--time", type=float, help=f"seconds to run (default {DEFAULT_SECONDS:g} without --niter)")
    p.add_argument("--requests", type=int, help="infer requests for async runs (default: the device's optimum)")
    p.add_argument("--streams", type=int, help="number of streams (default: the hint's choice)")
    p.add_argument("--api", choices=("sync", "async"), help="override the mode the hint picks")
    p.add_argument("--precision", choices=("f32", "f16", "bf16"), help="inference precision hint")
    p.add_argument("--shape", action="append", default=[], metavar="NAME=d1,d2,...",
                   help="static shape for a dynamic input (repeatable)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random input data")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    llm.add_bench_options(p)
    return _cmd_bench
