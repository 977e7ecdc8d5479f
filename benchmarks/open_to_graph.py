"""Process launch to a drawn graph, against a bare PySide6 + OpenVINO start measured in the same run.

    python benchmarks/open_to_graph.py [MODEL.xml ...] [--generate DIR] [--sample] [--rounds 3] [--xvfb]
                                       [--panels] [--compare OTHER_CHECKOUT]

For each model, ``--rounds`` fresh processes of ``python -m ovexplorer --new-instance MODEL`` (median), timed
from launch to the first paint of the graph view with the model's ops laid out (the app's own start-up trace,
``OVEXPLORER_STARTUP_TRACE``, see ovexplorer/ui/shell/startup_trace.py); and as many bare starts (import
PySide6.QtWidgets and openvino, create the QApplication, show an empty QMainWindow, until its first paint),
alternating with them so that the machine's load hits both alike. One line per model::

    model=<name> ops=<n> bare_s=<t> window_s=<t> open_s=<t> ratio=<open/bare> window_ratio=<window/bare>
    bare_cpu_s=<t> cpu_s=<t> cpu_ratio=<cpu/bare_cpu> drawn_nodes=<n> laid_nodes=<n> groups=<n> rss_mb=<MB>
    [rss_panels_mb=<MB>]

``cpu_s``: the CPU time all the process's threads used until that paint (less disturbed by a loaded machine than
the wall time; on two free cores the wall time can be below it, as the model is read while Qt starts).

``window_s``: the first paint of the main window; ``drawn_nodes``: op nodes (not group boxes) of the first view
that lie in the visible part of the graph view; ``rss_panels_mb`` (``--panels``): the RSS after every tab was
shown once. ``--generate DIR`` writes (once) and adds generated models: transformer-like IRs of ~500, 5,000 and
20,000 ops, a CNN of ~1,200 ops without name scopes, and a ~3,400-op transformer with f16-compressed weights.
``--sample`` adds the bundled sample. ``--xvfb`` runs every process on a private Xvfb display (real xcb
platform) instead of the offscreen one. ``--compare DIR`` also times the app of another checkout (say the
commit before a change) in the same rounds, alternating with this one: ``base_open_s``, ``base_ratio``...

Every measured process (bare and app alike) finds its modules compiled, as an installed app does (pip writes the
``.pyc`` files): byte code goes to a private ``PYTHONPYCACHEPREFIX`` written by one warm-up launch of each command
before the timed rounds, whatever ``PYTHONDONTWRITEBYTECODE`` says (with it and no cache, every start compiled
ovexplorer's ~150 modules: ~0.5 s).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 300
BARE = """
import sys, time
from PySide6.QtWidgets import QApplication, QMainWindow
import openvino
from PySide6.QtCore import QEvent, QObject, QTimer

class First(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and watched is window:
            print(f"startup: window_painted t={time.time():.6f} cpu_s={time.process_time():.3f}", file=sys.stderr,
                  flush=True)
            QTimer.singleShot(0, app.quit)
            watched.removeEventFilter(self)
        return False

app = QApplication(["bare"])
window = QMainWindow()
window.resize(1280, 800)
first = First()
window.installEventFilter(first)
window.show()
app.exec()
"""


def _ops(model) -> int:
    return sum(1 for op in model.get_ordered_ops() if op.get_type_name() != "Constant")


def generate(folder: Path) -> list[Path]:
    """The generated models; sizes count operations without constants."""
    sys.path.insert(0, str(ROOT / "tests"))
    import openvino as ov
    from models_graph import transformer_model, unnamed_resnet_model

    one, two = _ops(transformer_model(1)), _ops(transformer_model(2))

    def blocks_for_ops(target: int) -> int:
        return max(1, round((target - (2 * one - two)) / (two - one)))

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for target in (500, 5000, 20000):
        path = folder / f"transformer_{target}.xml"
        if not path.exists():
            ov.save_model(transformer_model(blocks_for_ops(target)), str(path), compress_to_fp16=False)
        paths.append(path)
    cnn = folder / "cnn_no_scopes_1200.xml"
    if not cnn.exists():
        ov.save_model(unnamed_resnet_model(240), str(cnn), compress_to_fp16=False)
    paths.append(cnn)
    llm = folder / "llm_f16_3400.xml"
    if not llm.exists():
        ov.save_model(transformer_model(blocks_for_ops(3400)), str(llm), compress_to_fp16=True)
    paths.append(llm)
    return paths


def count_ops(path: Path) -> int:
    import openvino as ov

    return _ops(ov.Core().read_model(str(path)))


def milestones(stderr: str) -> dict[str, dict[str, str]]:
    out = {}
    for line in stderr.splitlines():
        m = re.match(r"startup: (\w+) (.*)", line)
        if m:
            out[m.group(1)] = dict(re.findall(r"(\w+)=('[^']*'|\S+)", m.group(2)))
    return out


def launch(cmd: list[str], env: dict[str, str], needed: str, cwd: Path | None = None
           ) -> tuple[float, dict[str, dict[str, str]]]:
    start = time.time()
    # (``python -m`` puts the working folder first on the module path: the app's checkout is the working folder)
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False, cwd=cwd)
    marks = milestones(result.stderr)
    if needed not in marks:
        raise SystemExit(f"{cmd[-1]}: no {needed!r} milestone (exit {result.returncode}):\n{result.stderr[-3000:]}")
    return start, marks


def since(start: float, marks: dict[str, dict[str, str]], name: str) -> float:
    return float(marks[name]["t"]) - start


class Xvfb:
    """A private Xvfb display for the measured processes."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.display = ""

    def __enter__(self) -> str:
        read, write = os.pipe()
        self.proc = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1920x1080x24", "-nolisten",
                                      "tcp"], pass_fds=(write,), stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as f:
            self.display = ":" + f.readline().strip()
        return self.display

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)


def with_root(env: dict[str, str], root: Path) -> dict[str, str]:
    """``env`` with ``root`` first on the module path."""
    return {**env, "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])}


def measure(models: list[Path], rounds: int, env: dict[str, str], panels: bool, compare: Path | None) -> None:
    bare_cmd = [sys.executable, "-c", BARE]
    roots = [ROOT] if compare is None else [ROOT, compare]
    for model in models:
        bare, window, graph = [], [], []
        base_window, base_graph = [], []
        bare_cpu, cpu, base_cpu = [], [], []
        last: dict[str, dict[str, str]] = {}
        app_cmd = [sys.executable, "-m", "ovexplorer", "--new-instance", str(model)]
        for root in roots:  # warm-up: the byte code of every module used, in the private cache
            launch(app_cmd, with_root({**env, "OVEXPLORER_STARTUP_TRACE": "quit"}, root), "graph_painted", root)
        launch(bare_cmd, env, "window_painted")
        for _ in range(rounds):
            start, marks = launch(bare_cmd, env, "window_painted")
            bare.append(since(start, marks, "window_painted"))
            bare_cpu.append(float(marks["window_painted"]["cpu_s"]))
            for root in roots:
                app_env = with_root({**env, "OVEXPLORER_STARTUP_TRACE": "quit"}, root)
                start, marks = launch(app_cmd, app_env, "graph_painted", root)
                if root is ROOT:
                    window.append(since(start, marks, "window_painted"))
                    graph.append(since(start, marks, "graph_painted"))
                    cpu.append(float(marks["graph_painted"].get("cpu_s", "nan")))
                    last = marks
                else:
                    base_window.append(since(start, marks, "window_painted"))
                    base_graph.append(since(start, marks, "graph_painted"))
                    base_cpu.append(float(marks["graph_painted"].get("cpu_s", "nan")))
            roots.reverse()  # alternate which checkout goes first
        extra = ""
        if panels:
            _, marks = launch(app_cmd, with_root({**env, "OVEXPLORER_STARTUP_TRACE": "panels"}, ROOT),
                              "panels_opened", ROOT)
            extra = f" rss_panels_mb={marks['panels_opened']['rss_mb']}"
        if base_graph:
            bw, bg = statistics.median(base_window), statistics.median(base_graph)
            b0 = statistics.median(bare)
            bc = statistics.median(base_cpu)
            extra += (f" base_window_s={bw:.2f} base_open_s={bg:.2f} base_ratio={bg / b0:.2f} base_cpu_s={bc:.2f}"
                      f" base_cpu_ratio={bc / statistics.median(bare_cpu):.2f}")
        b, w, g = statistics.median(bare), statistics.median(window), statistics.median(graph)
        bc, c = statistics.median(bare_cpu), statistics.median(cpu)
        p = last["graph_painted"]
        name = f"{model.parent.name}/{model.name}" if model.name == "openvino_model.xml" else model.name
        print(f"model={name} ops={count_ops(model)} bare_s={b:.2f} window_s={w:.2f} open_s={g:.2f} "
              f"ratio={g / b:.2f} window_ratio={w / b:.2f} bare_cpu_s={bc:.2f} cpu_s={c:.2f} cpu_ratio={c / bc:.2f} "
              f"drawn_nodes={p['drawn_nodes']} "
              f"laid_nodes={p['laid_nodes']} groups={p['groups']} rss_mb={p['rss_mb']}{extra}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="*", type=Path)
    parser.add_argument("--generate", type=Path, help="folder for the generated models (written once)")
    parser.add_argument("--sample", action="store_true", help="add the bundled sample")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--xvfb", action="store_true", help="a private Xvfb display instead of offscreen")
    parser.add_argument("--panels", action="store_true", help="also the RSS with every tab shown once")
    parser.add_argument("--compare", type=Path, help="another checkout whose app is timed in the same rounds")
    args = parser.parse_args()
    models = list(args.models)
    if args.generate:
        models += generate(args.generate)
    if args.sample:
        sys.path.insert(0, str(ROOT))
        from ovexplorer.resources import sample_model

        models.append(Path(sample_model("regression")))
    if not models:
        parser.error("no model: give MODEL.xml, --generate DIR or --sample")
    config = Path(tempfile.mkdtemp(prefix="open_to_graph_"))  # the same fresh settings for every round
    env = {**os.environ, "OPENVINO_TELEMETRY_DISABLE": "1", "XDG_CONFIG_HOME": str(config),
           "PYTHONPYCACHEPREFIX": str(config / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    compare = args.compare.resolve() if args.compare else None
    try:
        if args.xvfb:
            with Xvfb() as display:
                env.pop("QT_QPA_PLATFORM", None)
                env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
                measure(models, args.rounds, env, args.panels, compare)
        else:
            env["QT_QPA_PLATFORM"] = "offscreen"
            measure(models, args.rounds, env, args.panels, compare)
    finally:
        shutil.rmtree(config, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
