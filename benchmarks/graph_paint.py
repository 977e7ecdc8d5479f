"""Paint time of the graph canvas (``GraphItem.paint``) at the scales a user sees, against another version of it.

    python benchmarks/graph_paint.py [MODEL.xml] --baseline-src DIR [--repeat 15]

Lays out MODEL (default: a generated transformer-like IR of ~2,000 ops) twice: the default grouped view and every
group expanded. Each is painted into an offscreen 1200x800 image at four views: fitted to the window, 0.3
(boxes and arrows, no text), 0.6 (text) and 1.0 with the tensor shapes shown. ``--baseline-src`` is the root of
another checkout: its ``ovexplorer/ui/graph/graph_canvas.py`` is loaded beside this one and both items paint the
same layout, interleaved, best of ``--repeat`` (median too), wall time and CPU time of this thread. Lines:
``paint_<layout>_<view>_<wall|cpu>: <ms> ms (<ratio>x vs baseline <ms> ms; median ratio <r>x)``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENVINO_TELEMETRY_DISABLE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def baseline_item_class(src: Path):
    """``GraphItem`` of the checkout at ``src`` (its own module; the rest of ``ovexplorer`` is this one's)."""
    spec = importlib.util.spec_from_file_location("baseline_graph_canvas", src / "ovexplorer/ui/graph/graph_canvas.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module.GraphItem


def paint_once(item, image, scale: float, origin) -> tuple[float, float]:
    """Wall and CPU (this thread) milliseconds of one paint of ``item`` at ``scale`` from scene ``origin``."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QPainter, QTransform
    from PySide6.QtWidgets import QStyleOptionGraphicsItem

    image.fill(QColor("white"))
    option = QStyleOptionGraphicsItem()
    option.exposedRect = QRectF(origin[0], origin[1], image.width() / scale, image.height() / scale)
    start, cpu = time.perf_counter(), time.thread_time()
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    painter.setTransform(QTransform(scale, 0, 0, scale, -origin[0] * scale, -origin[1] * scale))
    item.paint(painter, option, None)
    painter.end()
    return (time.perf_counter() - start) * 1000, (time.thread_time() - cpu) * 1000


def views(layout, image) -> list[tuple[str, float, tuple[float, float], bool]]:
    """(name, scale, scene origin, shapes shown): fitted, then three zoomed-in views at the graph's top middle."""
    fit = min(image.width() / max(layout.width, 1.0), image.height() / max(layout.height, 1.0))
    top = (max(layout.width / 2 - 600, 0.0), 0.0)
    return [("fit", fit, (0.0, 0.0), False), ("boxes_0.3", 0.3, top, False), ("text_0.6", 0.6, top, False),
            ("shapes_1.0", 1.0, top, True)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", nargs="?", type=Path)
    parser.add_argument("--baseline-src", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    from ovexplorer.core.layout.graph_layout import GraphLayouter
    from ovexplorer.core.model.document import open_model
    from ovexplorer.ui.graph.canvas_data import prepare_canvas
    from ovexplorer.ui.graph.graph_canvas import GraphItem

    app = QApplication.instance() or QApplication([])  # noqa: F841 (fonts need it)
    Baseline = baseline_item_class(args.baseline_src)
    with tempfile.TemporaryDirectory(prefix="ovx-paint-bench-") as tmp:
        path = args.model
        if path is None:
            from models_graph import blocks_for_ops, make_transformer_ir

            path = make_transformer_ir(Path(tmp) / "transformer_2000.xml", blocks_for_ops(2000))
        doc = open_model(path)
        layouter = GraphLayouter(doc.graph)
        default = layouter.layout()
        expanded = layouter.layout(frozenset(range(len(layouter.grouping.groups))))
        image = QImage(1200, 800, QImage.Format.Format_ARGB32)
        print(f"model: {path} ({len(doc.graph.nodes)} ops)")
        for name, layout in (("default", default), ("expanded", expanded)):
            data = prepare_canvas(layout)
            ours, theirs = GraphItem(), Baseline()
            ours.set_layout(layout, data)
            theirs.set_layout(layout, data)
            for view, scale, origin, shapes in views(layout, image):
                ours.show_edge_labels = theirs.show_edge_labels = shapes
                a, b = [], []
                for _ in range(args.repeat):
                    b.append(paint_once(theirs, image, scale, origin))
                    a.append(paint_once(ours, image, scale, origin))
                for k, what in ((0, "wall"), (1, "cpu")):
                    ours_ms, base_ms = min(t[k] for t in a), min(t[k] for t in b)
                    median_ratio = statistics.median(t[k] for t in a) / max(statistics.median(t[k] for t in b), 1e-9)
                    print(f"paint_{name}_{view}_{what}: {ours_ms:.2f} ms ({ours_ms / max(base_ms, 1e-9):.2f}x vs "
                          f"baseline {base_ms:.2f} ms; median ratio {median_ratio:.2f}x)", flush=True)
        doc.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
