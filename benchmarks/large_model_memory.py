"""Resident memory while opening an IR with 2 GiB of weights (target: < 500 MiB until the weights are touched).

Builds the IR (eight Consts of 256 MiB feeding an Add chain) twice: with a sparse ``.bin`` (``truncate``)
and, disk allowing, with real non-zero data written in chunks. Each variant is opened in a fresh process,
which prints its resident set size after importing ovexplorer, after ``open_model`` and after ``summarize``.
The files are deleted at the end.

The sparse variant is also opened in the main window (offscreen), as a user would.

    python benchmarks/large_model_memory.py [--gib 2] [--sparse-only] [--touch] [--dir /tmp]

``--reopen MODEL`` instead opens MODEL in the main window 10 times, each replacing the last, with the Graph,
Weights and Run tabs visited (layout drawn, statistics computed, one inference run) and prints the RSS after each
open and ``growth per reopen: X MB`` (RSS after the 10th minus after the 2nd, divided by 8; target <= 3 MB), with the
least-squares slope over opens 2-10 and the C heap's bytes in use after each open (glibc) to tell a trend from noise.
``--reopen generated`` builds a 20,000-op transformer-like IR first (tests/models_graph.py).

    python benchmarks/large_model_memory.py --reopen generated [--opens 10]
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

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TARGET_MIB = 500
REOPEN_TARGET_MB = 3.0
CONSTS = 8
CHUNK = 64 * 1024 * 1024

CHILD = r"""
import json, sys, time
def rss():
    with open('/proc/self/status') as f:
        fields = dict(line.split(':', 1) for line in f)
    return {k: int(fields[k].split()[0]) * 1024 for k in ('VmRSS', 'VmHWM')}
out = {}
import numpy, openvino
from ovexplorer.core.model.document import open_model, shared_core
from ovexplorer.core.model.summary import summarize
shared_core()
out['import'] = rss()
t = time.perf_counter()
doc = open_model(sys.argv[1])
out['open_seconds'] = time.perf_counter() - t
out['open'] = rss()
s = summarize(doc)
out['summarize'] = rss()
out['weight_bytes'] = s.total_weight_bytes
if sys.argv[2] == 'touch':
    total = 0.0
    for node in doc.ov_nodes:
        if node.get_type_name() == 'Constant':
            total += float(node.get_data().sum(dtype='float64'))
    out['touch'] = rss()
print(json.dumps(out))
"""


GUI_CHILD = r"""
import json, os, sys, time
os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')
def rss():
    with open('/proc/self/status') as f:
        fields = dict(line.split(':', 1) for line in f)
    return {k: int(fields[k].split()[0]) * 1024 for k in ('VmRSS', 'VmHWM')}
out = {}
from PySide6.QtWidgets import QApplication
from ovexplorer.core.model.document import shared_core
from ovexplorer.ui.shell.main_window import MainWindow
app = QApplication([])
window = MainWindow()
window.show()
shared_core()
for _ in range(10):
    app.processEvents()
out['import'] = rss()
t = time.perf_counter()
window.open_path(sys.argv[1])
while window.document is None and time.perf_counter() - t < 300:
    app.processEvents()
    time.sleep(0.005)
out['open_seconds'] = time.perf_counter() - t
for _ in range(10):
    app.processEvents()
out['open'] = out['summarize'] = rss()  # the window summarises as it shows the document
out['weight_bytes'] = window.summary_panel.summary.total_weight_bytes
print(json.dumps(out))
"""


REOPEN_CHILD = r"""
import gc, json, os, sys, time
os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')
def rss():
    with open('/proc/self/status') as f:
        fields = dict(line.split(':', 1) for line in f)
    return int(fields['VmRSS'].split()[0]) * 1024
from PySide6.QtWidgets import QApplication
from ovexplorer.core.model.document import shared_core
from ovexplorer.ui.shell.main_window import MainWindow
app = QApplication([])
window = MainWindow()
window.resize(1200, 800)
window.show()
shared_core()

def wait(done, seconds=600.0):
    t = time.perf_counter()
    while not done():
        if time.perf_counter() - t > seconds:
            raise SystemExit('timed out')
        app.processEvents()
        time.sleep(0.005)

def settle(seconds=0.3):
    t = time.perf_counter()
    while time.perf_counter() - t < seconds:
        app.processEvents()
        time.sleep(0.01)

sys.path.insert(0, sys.argv[3])
from soak import heap_in_use
out = {'rss': [], 'freeze': [], 'ran': [], 'heap': []}
for i in range(int(sys.argv[2])):
    shown = []
    window.document_changed.connect(shown.append)
    window.open_path(sys.argv[1])
    wait(lambda: not window.is_loading() and any(d is not None for d in shown))
    window.document_changed.disconnect(shown.append)
    del shown
    window.show_panel(window.graph_panel)
    wait(lambda: window.graph_panel.layouts.task is None or window.graph_panel.layouts.task.done)
    window.show_panel(window.weights_panel)
    wait(lambda: window.weights_panel.state.computed_for is window.document and not window.weights_panel.running)
    window.show_panel(window.run_panel)
    for row in window.run_panel.rows:  # dynamic inputs: one token per dimension left open
        if not row.spec.is_static:
            window.run_panel.set_shape(row.spec.name, ','.join('1' for _ in row.spec.bounds or ((1, 1),)))
    ran = []
    window.run_panel.ran.connect(ran.append)
    window.run_panel.failed.connect(ran.append)
    window.run_panel.run()
    wait(lambda: bool(ran))
    window.run_panel.ran.disconnect(ran.append)
    window.run_panel.failed.disconnect(ran.append)
    out['ran'].append(not isinstance(ran[0], str))
    if isinstance(ran[0], str):
        print('# run failed: ' + ran[0], file=sys.stderr)
    settle()
    out['rss'].append(rss())
    out['freeze'].append(gc.get_freeze_count())
    out['heap'].append(heap_in_use())
    print(f"# open {i + 1}: {out['rss'][-1] / 1e6:.0f} MB, C heap in use {out['heap'][-1]:.0f} MB, "
          f"frozen objects {out['freeze'][-1]}", file=sys.stderr,
          flush=True)
print(json.dumps(out))
"""


def generated_model(folder: Path, ops: int = 20000) -> Path:
    """A transformer-like IR of about ``ops`` operations (the tests' generator)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from models_graph import blocks_for_ops, make_transformer_ir

    return make_transformer_ir(folder / f"transformer_{ops}.xml", blocks_for_ops(ops))


def reopen(model: Path, opens: int) -> int:
    """Open ``model`` ``opens`` times in one main window (offscreen) and report the RSS growth per reopen."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
               OPENVINO_TELEMETRY_DISABLE="1")
    proc = subprocess.run([sys.executable, "-c", REOPEN_CHILD, str(model), str(opens), str(ROOT / "benchmarks")],
                          env=env, capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        raise SystemExit(f"reopening {model} failed:\n{proc.stderr}")
    sys.stderr.write("".join(line for line in proc.stderr.splitlines(True) if line.startswith("#")))
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    rss = out["rss"]
    print(f"model: {model.name}")
    print("rss_after_each_open: " + " ".join(f"{r / 1e6:.0f}" for r in rss) + " MB")
    print("frozen_objects_after_each_open: " + " ".join(str(f) for f in out["freeze"]))
    print(f"runs_succeeded: {sum(out['ran'])}/{len(out['ran'])}")
    print("c_heap_in_use_after_each_open: " + " ".join(f"{h:.0f}" for h in out["heap"]) + " MB")
    growth = (rss[-1] - rss[1]) / (len(rss) - 2) / 1e6
    # One sample swings +-40 MB with what the open document holds at that moment, so two endpoints are noisy; the
    # least-squares slope over every open after the first, and the C heap's bytes in use (a leak grows those,
    # memory the allocator keeps free does not), say whether the trend is real.
    slope = float(np.polyfit(np.arange(1, len(rss)), np.asarray(rss[1:]) / 1e6, 1)[0])
    heap = float(np.polyfit(np.arange(1, len(rss)), np.asarray(out["heap"][1:]), 1)[0])
    print(f"slope per reopen (least squares, opens 2-{len(rss)}): RSS {slope:.1f} MB, C heap in use {heap:.2f} MB")
    print(f"growth per reopen: {growth:.1f} MB (target <= {REOPEN_TARGET_MB:.0f} MB)")
    return 0 if growth <= REOPEN_TARGET_MB else 1


def _xml(count: int) -> str:
    dims = f"<dim>{count}</dim>"
    layers = [
        f'<layer id="0" name="x" type="Parameter" version="opset1"><data shape="{count}" element_type="f32"/>'
        f'<output><port id="0" precision="FP32" names="x">{dims}</port></output></layer>'
    ]
    edges = []
    prev, prev_port, next_id = 0, 0, 1
    for i in range(CONSTS):
        const_id, add_id = next_id, next_id + 1
        next_id += 2
        layers.append(
            f'<layer id="{const_id}" name="w{i}" type="Const" version="opset1">'
            f'<data element_type="f32" shape="{count}" offset="{i * count * 4}" size="{count * 4}"/>'
            f'<output><port id="0" precision="FP32">{dims}</port></output></layer>'
        )
        layers.append(
            f'<layer id="{add_id}" name="add{i}" type="Add" version="opset1"><data auto_broadcast="numpy"/>'
            f'<input><port id="0" precision="FP32">{dims}</port><port id="1" precision="FP32">{dims}</port></input>'
            f'<output><port id="2" precision="FP32">{dims}</port></output></layer>'
        )
        edges.append(f'<edge from-layer="{prev}" from-port="{prev_port}" to-layer="{add_id}" to-port="0"/>')
        edges.append(f'<edge from-layer="{const_id}" from-port="0" to-layer="{add_id}" to-port="1"/>')
        prev, prev_port = add_id, 2
    layers.append(
        f'<layer id="{next_id}" name="y" type="Result" version="opset1">'
        f'<input><port id="0" precision="FP32">{dims}</port></input></layer>'
    )
    edges.append(f'<edge from-layer="{prev}" from-port="{prev_port}" to-layer="{next_id}" to-port="0"/>')
    return ('<?xml version="1.0"?>\n<net name="large" version="11">\n<layers>\n' + "\n".join(layers)
            + "\n</layers>\n<edges>\n" + "\n".join(edges) + "\n</edges>\n</net>\n")


def build(folder: Path, total_bytes: int, dense: bool) -> Path:
    """Write ``large.xml`` and a ``.bin`` of ``total_bytes`` (sparse, or real data written in chunks)."""
    import numpy as np

    count = total_bytes // CONSTS // 4
    xml = folder / "large.xml"
    xml.write_text(_xml(count))
    size = count * 4 * CONSTS
    with xml.with_suffix(".bin").open("wb") as f:
        if not dense:
            f.truncate(size)
        else:
            rng = np.random.default_rng(0)
            chunk = rng.standard_normal(CHUNK // 4).astype(np.float32)
            written = 0
            while written < size:
                n = min(CHUNK, size - written)
                chunk += 1.0  # every chunk differs, none is zero
                f.write(chunk.view(np.uint8)[:n].tobytes())
                written += n
    return xml


def measure(xml: Path, touch: bool, gui: bool = False) -> dict:
    """Open ``xml`` in a fresh process (headless, or in the main window offscreen) and return its RSS figures."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
               OPENVINO_TELEMETRY_DISABLE="1")
    code = GUI_CHILD if gui else CHILD
    out = subprocess.run([sys.executable, "-c", code, str(xml), "touch" if touch else "no"], env=env,
                         capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        raise SystemExit(f"measuring {xml} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(label: str, bin_size: int, m: dict) -> bool:
    mib = 1024 * 1024
    base = m["import"]["VmRSS"]
    print(f"bin_size[{label}]: {bin_size / mib:.0f} MiB")
    print(f"open_time[{label}]: {m['open_seconds']:.2f} s")
    for stage in ("import", "open", "summarize", "touch"):
        if stage in m:
            rss = m[stage]["VmRSS"]
            print(f"rss_after_{stage}[{label}]: {rss / mib:.0f} MiB ({rss / base:.2f}x vs after import, "
                  f"{rss / bin_size:.3f}x of .bin)")
    peak = m["summarize"]["VmHWM"]
    print(f"peak_rss_until_summarize[{label}]: {peak / mib:.0f} MiB ({peak / base:.2f}x vs after import)")
    ok = peak < TARGET_MIB * mib
    print(f"target_peak_below_{TARGET_MIB}_MiB[{label}]: {'PASS' if ok else 'FAIL'}")
    return ok


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gib", type=float, default=2.0, help="weights size in GiB (default 2)")
    parser.add_argument("--sparse-only", action="store_true", help="skip the variant with real data")
    parser.add_argument("--touch", action="store_true", help="also read every weight (statistics-like) and report")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--reopen", metavar="MODEL", help="open MODEL 10 times in one window ('generated': 20k ops)")
    parser.add_argument("--opens", type=int, default=10, help="how many opens for --reopen (at least 3)")
    args = parser.parse_args(argv)
    if args.reopen:
        if args.reopen != "generated":
            return reopen(Path(args.reopen), max(3, args.opens))
        folder = Path(tempfile.mkdtemp(prefix="ovexplorer-bench-", dir=args.dir))
        try:
            return reopen(generated_model(folder), max(3, args.opens))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    total = int(args.gib * 1024**3)
    variants = ["sparse"]
    free = shutil.disk_usage(args.dir).free
    if not args.sparse_only:
        if free > 3 * total:
            variants.append("dense")
        else:
            print(f"# skipping the dense variant: {free / 1024**3:.1f} GiB free in {args.dir}")
    ok = True
    for variant in variants:
        folder = Path(tempfile.mkdtemp(prefix="ovexplorer-bench-", dir=args.dir))
        try:
            xml = build(folder, total, dense=variant == "dense")
            bin_size = xml.with_suffix(".bin").stat().st_size
            ok &= report(variant, bin_size, measure(xml, args.touch))
            if variant == "sparse":
                ok &= report("sparse, main window", bin_size, measure(xml, False, gui=True))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
