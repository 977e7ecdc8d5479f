"""How long a full collection in a worker (``validate_ir``'s ``empty_free_lists``, when a model needs the full IR
check) holds the GIL while the window opens a model again and again, with start-up's objects frozen (as the window
does) and without (the baseline, in the same command). Each variant runs in a fresh process that opens MODEL
``--opens`` times in one main window (offscreen); per open it prints the objects the full collection walked, its
duration and the longest gap of a 5 ms UI timer during it (the stall a user sees; noisy on a loaded machine). When
the open ran no full IR check (the byte scan cleared the file), the same collection is run in a thread right after.

    python benchmarks/gc_stall.py [--opens 5] [MODEL]

Without MODEL: a 5,000-op generated transformer-like IR (tests/models_graph.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import gc, json, os, sys, time
os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from ovexplorer.core.model import ir_check
from ovexplorer.core.util import gc_pause
from ovexplorer.ui.shell import main_window

if sys.argv[3] == 'baseline':
    main_window.freeze_start_up = lambda: False
walks = []
collect = ir_check.empty_free_lists
def timed():
    walked = sum(len(gc.get_objects(g)) for g in range(3))
    seconds = collect()
    walks.append((walked, seconds * 1e3))
    return seconds
ir_check.empty_free_lists = timed
app = QApplication([])
window = main_window.MainWindow()
window.show()
end = time.perf_counter() + 1.0
while time.perf_counter() < end:
    app.processEvents()
    time.sleep(0.005)
gaps = []
last = [0.0]
def tick():
    now = time.perf_counter()
    gaps.append((now - last[0]) * 1e3)
    last[0] = now
timer = QTimer()
timer.setTimerType(Qt.TimerType.PreciseTimer)
timer.setInterval(5)
timer.timeout.connect(tick)
out = []
for i in range(int(sys.argv[2])):
    shown = []
    window.document_changed.connect(shown.append)
    gaps.clear()
    last[0] = time.perf_counter()
    timer.start()
    window.open_path(sys.argv[1])
    while not shown:
        app.processEvents()
        time.sleep(0.001)
    window.document_changed.disconnect(shown.append)
    if len(walks) <= i:  # no full IR check in this open: the same collection, in a worker, now
        import threading
        gaps.clear()
        last[0] = time.perf_counter()
        worker = threading.Thread(target=timed)
        worker.start()
        while worker.is_alive():
            app.processEvents()
            time.sleep(0.001)
    timer.stop()
    walked, ms = walks[-1]
    out.append({'walked': walked, 'collect_ms': ms, 'longest_gap_ms': max(gaps, default=0.0)})
    end = time.perf_counter() + 0.5
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.005)
print(json.dumps(out))
"""


def measure(model: Path, opens: int, variant: str) -> list[dict]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
               OPENVINO_TELEMETRY_DISABLE="1")
    proc = subprocess.run([sys.executable, "-c", CHILD, str(model), str(opens), variant], env=env,
                          capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        raise SystemExit(f"{variant} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", type=Path)
    parser.add_argument("--opens", type=int, default=5)
    args = parser.parse_args(argv)
    folder = None
    model = args.model
    if model is None:
        sys.path.insert(0, str(ROOT / "tests"))
        from models_graph import blocks_for_ops, make_transformer_ir

        folder = Path(tempfile.mkdtemp(prefix="ovexplorer-gc-"))
        model = make_transformer_ir(folder / "transformer_5000.xml", blocks_for_ops(5000))
    try:
        print(f"model: {model.name}")
        for variant in ("baseline", "frozen"):
            rows = measure(model, args.opens, variant)
            label = "start-up not frozen (baseline)" if variant == "baseline" else "start-up frozen (the window)"
            print(f"{label}:")
            for i, r in enumerate(rows, 1):
                print(f"  open {i}: collection walked {r['walked']} objects in {r['collect_ms']:.1f} ms; "
                      f"longest UI gap {r['longest_gap_ms']:.0f} ms")
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
