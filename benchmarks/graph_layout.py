"""Measure the graph view on given IRs, or on generated transformer-like IRs of ~500, 2k, 5k and 20k ops.

    python benchmarks/graph_layout.py [MODEL.xml ...] [--keep DIR]

One line per model:
``model=<path> ops=<n> read_s=<t> default_view_s=<t> flat_layout_s=<t> frame_ms=<t> crossings=<n>``
where ``default_view_s`` runs from a read model to the first painted default (grouped) view (graph
extraction, layout, scene and one paint), ``flat_layout_s`` lays out every node with grouping off,
``frame_ms`` is one full paint of the fit-to-window default view into an offscreen 1200x800 image, and
``crossings`` are those of the flat layout. Then ``open_model`` (what opening the file in the app costs:
IR check, read, graph extraction), the parts of ``default_view_s``, and comparison lines against a plain
barycenter Sugiyama run on the same graph (the reference) and, when installed (``pip install grandalf``;
GPL, never a runtime dependency), grandalf's Sugiyama layout on the same graph, as
``name: value unit (ratio vs baseline)``.
"""

from __future__ import annotations

import argparse
import itertools
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

import openvino as ov  # noqa: E402

from ovexplorer.core.layout.graph_layout import GraphLayouter, LayoutOptions  # noqa: E402
from ovexplorer.core.model.document import open_model  # noqa: E402
from ovexplorer.core.model.graph import extract_graph  # noqa: E402

TARGETS = (500, 2000, 5000, 20000)
FLAT_LIMIT = 25000
GRANDALF_LIMIT = 2500  # grandalf is pure Python and 30-300x slower: compare on the small models only


def generate(folder: Path) -> list[Path]:
    from models_graph import blocks_for_ops, make_transformer_ir

    paths = []
    for target in TARGETS:
        path = folder / f"transformer_{target}.xml"
        if not path.exists():
            make_transformer_ir(path, blocks_for_ops(target))
        paths.append(path)
    return paths


def paint_ms(view, image, repeats: int = 5) -> float:
    from PySide6.QtGui import QColor, QPainter

    times = []
    for _ in range(repeats):
        image.fill(QColor("white"))
        start = time.perf_counter()
        painter = QPainter(image)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        view.render(painter)
        painter.end()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(path: Path, app) -> None:
    from PySide6.QtGui import QImage

    from ovexplorer.ui.graph.graph_view import GraphView

    core = ov.Core()
    start = time.perf_counter()
    model = core.read_model(str(path))
    read_s = time.perf_counter() - start
    # what the app does when a file is opened: check the IR, read it, extract the graph
    start = time.perf_counter()
    doc = open_model(path)
    open_s = time.perf_counter() - start
    open_parts = (open_s - doc.read_seconds - doc.extract_seconds, doc.read_seconds, doc.extract_seconds)
    doc.close()
    del doc

    image = QImage(1200, 800, QImage.Format.Format_ARGB32)
    view = GraphView()
    view.resize(1200, 800)
    start = time.perf_counter()
    graph, _ = extract_graph(model)
    extract_s = time.perf_counter() - start
    layouter = GraphLayouter(graph)
    layout = layouter.layout()
    layout_s = time.perf_counter() - start - extract_s
    view.set_layout(layout)
    view.show_start()
    paint_ms(view, image, repeats=1)
    default_view_s = time.perf_counter() - start
    view.fit()
    frame_ms = paint_ms(view, image)

    ops = len(graph.nodes)
    flat_s = float("nan")
    crossings = ref_crossings = -1
    ref_s = float("nan")
    if ops <= FLAT_LIMIT:
        start = time.perf_counter()
        flat = GraphLayouter(graph, LayoutOptions(grouped=False)).layout()
        flat_s = time.perf_counter() - start
        crossings = flat.crossings
        start = time.perf_counter()
        ref = GraphLayouter(graph, LayoutOptions(grouped=False, reference=True)).layout()
        ref_s = time.perf_counter() - start
        ref_crossings = ref.crossings
        view.set_layout(flat)
        view.fit()
        flat_frame_ms = paint_ms(view, image, repeats=3)
    print(f"model={path} ops={ops} read_s={read_s:.3f} default_view_s={default_view_s:.3f} "
          f"flat_layout_s={flat_s:.3f} frame_ms={frame_ms:.1f} crossings={crossings}", flush=True)
    print(f"  open_model: {open_s:.3f} s (IR check {open_parts[0]:.3f} s, OpenVINO's read {open_parts[1]:.3f} s, "
          f"graph extraction {open_parts[2]:.3f} s)")
    print(f"  default_view_parts: extract {extract_s:.3f} s, layout {layout_s:.3f} s "
          f"({len(layout.nodes)} nodes, {len(layout.groups)} groups shown, {layout.crossings} crossings)")
    if ops <= FLAT_LIMIT:
        ratio = crossings / ref_crossings if ref_crossings > 0 else (0.0 if crossings == 0 else float("inf"))
        print(f"  flat_crossings: {crossings} (vs plain barycenter Sugiyama {ref_crossings}: {ratio:.2f}x)")
        print(f"  flat_layout_time: {flat_s:.3f} s (vs plain barycenter Sugiyama {ref_s:.3f} s: "
              f"{flat_s / ref_s:.2f}x)")
        print(f"  flat_frame: {flat_frame_ms:.1f} ms (fit-to-window paint of the flat layout: "
              f"{flat_frame_ms / max(frame_ms, 1e-6):.1f}x the grouped frame)")
    if ops <= GRANDALF_LIMIT:
        ref = grandalf_reference(graph)
        if ref is not None:
            g_s, g_crossings = ref
            ratio = crossings / g_crossings if g_crossings else (0.0 if crossings == 0 else float("inf"))
            print(f"  grandalf_crossings: {crossings} (vs grandalf Sugiyama {g_crossings}: {ratio:.2f}x)")
            print(f"  grandalf_time: {flat_s:.3f} s (vs grandalf {g_s:.3f} s: {flat_s / g_s:.3f}x)")
    if ops <= 2500:  # what detaching saves: the same graph with every long edge kept
        start = time.perf_counter()
        full = GraphLayouter(graph, LayoutOptions(grouped=False, fan_out=10**9)).layout()
        full_s = time.perf_counter() - start
        print(f"  long_edges_kept: {full_s:.3f} s, {full.dummies} dummies, {full.crossings} crossings "
              f"(vs detached {flat_s:.3f} s, {flat.dummies} dummies: {full_s / flat_s:.1f}x time)")
    view.deleteLater()
    app.processEvents()


def visible_flat_graph(graph) -> tuple[int, list[tuple[int, int]], list[float], list[float]]:
    """The flat view's node graph (constants folded) with our detached edges removed."""
    from ovexplorer.core.layout.layered import layered_layout

    layouter = GraphLayouter(graph, LayoutOptions(grouped=False))
    ids = [v for v in range(len(graph.nodes)) if layouter.visible[v]]
    local = {v: i for i, v in enumerate(ids)}
    edges = sorted({(local[e.src], local[e.dst]) for e in graph.edges if e.src in local and e.dst in local})
    widths = [layouter.node_size(v)[0] for v in ids]
    heights = [layouter.node_size(v)[1] for v in ids]
    detached = set(layered_layout(len(ids), edges, widths, heights).detached)
    return len(ids), [e for e in edges if e not in detached], widths, heights


def grandalf_reference(graph) -> tuple[float, int] | None:
    """grandalf's Sugiyama layout (optional, GPL: benchmark only) on the same graph: (seconds, crossings)."""
    try:
        from grandalf.graphs import Edge, Graph, Vertex
        from grandalf.layouts import SugiyamaLayout
    except ImportError:
        return None
    import numpy as np

    from ovexplorer.core.layout.layered import inversions

    n, edges, widths, heights = visible_flat_graph(graph)

    class Box:
        def __init__(self, w: float, h: float) -> None:
            self.w, self.h = w, h

    start = time.perf_counter()
    vertices = [Vertex(i) for i in range(n)]
    for v, w, h in zip(vertices, widths, heights, strict=True):
        v.view = Box(w, h)
    g = Graph(vertices, [Edge(vertices[a], vertices[b]) for a, b in edges])
    crossings = 0
    for component in g.C:
        sug = SugiyamaLayout(component)
        sug.init_all()
        sug.draw(4)
        grx = sug.grx
        rows = []
        for e in component.sE:
            chain = [e.v[0], *(sug.ctrls.get(e, {}).get(r) for r in sorted(sug.ctrls.get(e, {}))), e.v[1]]
            chain = [c for c in chain if c is not None]
            if grx[chain[0]].rank > grx[chain[-1]].rank:
                chain.reverse()
            for a, b in itertools.pairwise(chain):
                rows.append((grx[a].rank, grx[a].pos, grx[b].pos))
        if rows:
            arr = np.array(sorted(rows), dtype=np.int64)
            big = int(arr[:, 2].max()) + 1
            crossings += inversions(arr[:, 0] * big + arr[:, 2])
    return time.perf_counter() - start, crossings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="*", type=Path, help="IR .xml files (default: generated ones)")
    parser.add_argument("--keep", type=Path, help="folder for the generated IRs (default: a temporary one)")
    args = parser.parse_args(argv)
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    if args.models:
        paths = args.models
        for p in paths:
            measure(p, app)
        return 0
    with tempfile.TemporaryDirectory(prefix="ovx-graph-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for p in generate(folder):
            measure(p, app)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
