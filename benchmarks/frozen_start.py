"""Start-up of the frozen app versus the source install: wall time of ``ovexplorer --smoke`` (process start to exit).

    python benchmarks/frozen_start.py [--bundle dist/ovexplorer/ovexplorer] [--runs 5] [--cold]

Baseline: ``python -m ovexplorer --smoke`` from this checkout, measured in the same run. The first run of each
is reported separately ("first": page cache as the build left it; with ``--cold``, as root, the system's caches
are dropped before it, a true cold start: it slows everything else on the machine for a moment), then the
median of the following runs ("warm").
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def drop_caches() -> bool:
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0 or "smoke: passed" not in result.stdout:
        raise SystemExit(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bundle", default=str(ROOT / "dist" / "ovexplorer" / "ovexplorer"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold", action="store_true", help="drop the page cache before each first run (root)")
    args = parser.parse_args()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "OPENVINO_TELEMETRY_DISABLE": "1",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    commands = {"source": [sys.executable, "-m", "ovexplorer", "--smoke"], "frozen": [args.bundle, "--smoke"]}
    first: dict[str, float] = {}
    cold = False
    for name, cmd in commands.items():
        cold = args.cold and drop_caches()
        first[name] = timed(cmd, env)
    # Warm runs alternate between the two, so that a change in the machine's load hits both alike.
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            samples[name].append(timed(cmd, env))
    warm = {name: statistics.median(values) for name, values in samples.items()}
    kind = "cold" if cold else "first"
    base_first, base_warm = first["source"], warm["source"]
    for name in commands:
        print(f"{name}_smoke_{kind}: {first[name]:.2f} s ({first[name] / base_first:.2f}x vs source {kind})")
        print(f"{name}_smoke_warm: {warm[name]:.2f} s ({warm[name] / base_warm:.2f}x vs source warm, "
              f"median of {args.runs})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
