"""Comparing two models: matching speed and share, layer-wise comparison cost and memory, FP16 match share.

1. matching: a ~20,000-op transformer-like IR (the tests' generator) against a copy whose weights NNCF compressed
   to INT8 and whose every node and tensor was then renamed; time of ``match_graphs`` + ``compare_structure``
   (statuses, differences, byte comparison of plain weights), both models already open; baseline: opening B
   (``open_model``) in the same process. Targets: <= 2 s and >= 99 % of A's layers matched.
2. layer-wise: a ~3,000-op model against its FP16-compressed copy on one seeded input; ``compare_layers`` (every
   matched layer output exposed, in batches) against the baseline of compiling and running A once plus B once
   (what running both costs anyway). Target: ratio <= 5, peak RSS added <= 500 MB (sampled every 5 ms).
3. an FP16-compressed copy of the 20,000-op model: share of layers matched (target 100 %).

    python benchmarks/compare.py [--ops 20000] [--layer-ops 3000] [--keep DIR] [--layers-only]

Prints ``name: value unit (ratio vs baseline)`` lines. Needs NNCF (the ``compare`` extra).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import openvino as ov  # noqa: E402
from models_compare import renamed  # noqa: E402
from models_graph import blocks_for_ops, transformer_model  # noqa: E402

from ovexplorer.core.compare.activations import compare_layers, make_inputs  # noqa: E402
from ovexplorer.core.compare.differences import compare_structure  # noqa: E402
from ovexplorer.core.compare.matching import match_graphs  # noqa: E402
from ovexplorer.core.model.document import open_model, shared_core  # noqa: E402


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


class PeakRss:
    """The highest RSS seen while the block runs, sampled every 5 ms."""

    def __enter__(self) -> PeakRss:
        self.start = self.peak = rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, rss())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss())

    @property
    def added_mb(self) -> float:
        return (self.peak - self.start) / 1e6


def build(folder: Path, ops: int) -> tuple[Path, Path, Path]:
    import nncf

    model = transformer_model(blocks_for_ops(ops))
    a = folder / f"a_{ops}.xml"
    ov.save_model(model, str(a), compress_to_fp16=False)
    fp16 = folder / f"a_{ops}_fp16.xml"
    ov.save_model(model, str(fp16), compress_to_fp16=True)
    t = time.perf_counter()
    compressed = nncf.compress_weights(model.clone(), mode=nncf.CompressWeightsMode.INT8_ASYM)
    print(f"# NNCF INT8 compression of A: {time.perf_counter() - t:.1f} s", file=sys.stderr)
    b = folder / f"b_{ops}_int8_renamed.xml"
    ov.save_model(renamed(compressed), str(b), compress_to_fp16=False)
    return a, b, fp16


def matching(a: Path, b: Path, label: str) -> None:
    doc_a, doc_b = open_model(a), open_model(b)
    t = time.perf_counter()
    open_model(b)
    base = time.perf_counter() - t
    t, cpu = time.perf_counter(), time.thread_time()
    comparison = compare_structure(match_graphs(doc_a.graph, doc_b.graph), (doc_a, doc_b))
    took, cpu = time.perf_counter() - t, time.thread_time() - cpu
    s = comparison.summary()
    print(f"{label} matching ({len(doc_a.graph.nodes)} vs {len(doc_b.graph.nodes)} ops): {took:.3f} s wall, "
          f"{cpu:.3f} s CPU ({took / base:.2f}x opening B, {base:.3f} s; target <= 2 s)")
    print(f"{label} layers matched: {s['matched_share'] * 100:.2f} % ({s['layers_matched']} of {s['layers_a']}; "
          f"statuses {s['counts']})")


def layer_wise(folder: Path, ops: int) -> None:
    model = transformer_model(blocks_for_ops(ops))
    a, b = folder / f"l_{ops}.xml", folder / f"l_{ops}_fp16.xml"
    ov.save_model(model, str(a), compress_to_fp16=False)
    ov.save_model(model, str(b), compress_to_fp16=True)
    doc_a, doc_b = open_model(a), open_model(b)
    comparison = compare_structure(match_graphs(doc_a.graph, doc_b.graph), (doc_a, doc_b))
    inputs = make_inputs(doc_a, doc_b, seed=0)
    core = shared_core()
    t = time.perf_counter()
    for doc, feeds in ((doc_a, inputs.a), (doc_b, inputs.b)):
        compiled = core.compile_model(doc.model, "CPU")
        compiled(feeds)
        del compiled
    base = time.perf_counter() - t
    with PeakRss() as peak:
        t = time.perf_counter()
        rows = compare_layers(doc_a, doc_b, comparison, inputs)
        took = time.perf_counter() - t
    compared = sum(1 for r in rows if r.metrics is not None)
    print(f"layer-wise comparison ({len(doc_a.graph.nodes)} ops, {compared} layer outputs compared): {took:.2f} s "
          f"({took / base:.2f}x compiling and running A once plus B once, {base:.2f} s)")
    print(f"layer-wise peak RSS added: {peak.added_mb:.0f} MB (target <= 500 MB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ops", type=int, default=20000)
    parser.add_argument("--layer-ops", type=int, default=3000)
    parser.add_argument("--keep", type=Path, help="build the models here and keep them")
    parser.add_argument("--layers-only", action="store_true", help="only the layer-wise figures")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if not args.layers_only:
            a, b, fp16 = build(folder, args.ops)
            matching(a, b, "renamed INT8 copy")
            matching(a, fp16, "FP16 copy")
        layer_wise(folder, args.layer_ops)
    print(f"# load average while measuring: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
