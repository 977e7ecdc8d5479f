"""Closing or replacing a model returns its memory: documents, graphs, compiled models and statistics go.

RSS bounds follow issue 19: after the 10th open RSS is within 10 % (or 30 MB) of RSS after the 1st, and the
collector's permanent generation (``gc.freeze`` after loading) does not grow. The generated model is smaller
than the benchmark's 20,000 ops (``benchmarks/large_model_memory.py --reopen generated``) to keep CI quick.
"""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest
from models_graph import blocks_for_ops, make_transformer_ir
from models_run import make_linear_ir
from run_helpers import open_in, run

from ovexplorer.core.model.document import open_model
from ovexplorer.core.model.graph import Graph
from ovexplorer.core.model.summary import summarize
from ovexplorer.core.run.session import CompiledSession
from ovexplorer.core.weights.statistics import iter_weight_stats
from ovexplorer.ui.shell.main_window import MainWindow

OPS = 1500
OPENS = 10
MB = 1024 * 1024


def rss() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def alive(kind: type, ids: set[int]) -> int:
    """How many of the objects ``ids`` of type ``kind`` still exist (frozen ones included)."""
    gc.unfreeze()
    try:
        return sum(1 for o in gc.get_objects() if type(o) is kind and id(o) in ids)
    finally:
        gc.freeze()


def assert_flat(label: str, rss_values: list[int], frozen: list[int], kept_per_open: int = 0,
                bounded: int = 0) -> None:
    """RSS within 10 % (or 30 MB) from the second open to the last; the permanent generation grows by no more than
    the ``kept_per_open`` objects the test itself holds per open (its weak references), the objects of caches
    known to be bounded (``bounded``), plus a few."""
    # the first open also pays for what is made once, after the first screen (the Weights and Latency panels and
    # their imports, the statistics helpers): growth is counted from the second
    rss_values = rss_values[1:] if len(rss_values) > 2 else rss_values
    frozen = frozen[1:] if len(frozen) > 2 else frozen
    first, last = rss_values[0], rss_values[-1]
    allowed = max(0.10 * first, 30 * MB)
    curve = " ".join(f"{r / MB:.0f}" for r in rss_values)
    assert last - first <= allowed, f"{label}: RSS grew {(last - first) / MB:.0f} MB over {len(rss_values)} opens " \
                                    f"({curve} MB)"
    # objects freed by reference counting leave the permanent generation; leaked ones stay and pile up
    print(label, "frozen", frozen)
    assert frozen[-1] - frozen[0] <= 1000, f"{label}: permanent generation {frozen}"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    return make_transformer_ir(tmp_path_factory.mktemp("memory") / "transformer.xml", blocks_for_ops(OPS))


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """~600 ops: each open in the window also lays out the graph and compiles the model."""
    return make_transformer_ir(tmp_path_factory.mktemp("memory") / "small.xml", blocks_for_ops(600))


pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="RSS read from /proc (Linux)")


def test_core_open_close_ten_times_returns_memory(generated: Path) -> None:
    docs, graphs, sizes, frozen = [], set(), [], []
    for _ in range(OPENS):
        doc = open_model(generated)
        summarize(doc)
        for _row in iter_weight_stats(doc):
            pass
        docs.append(weakref.ref(doc))
        graphs.add(id(doc.graph))
        doc.close()
        del doc
        sizes.append(rss())
        frozen.append(gc.get_freeze_count())
    assert [d() is None for d in docs] == [True] * OPENS
    assert alive(Graph, graphs) == 0
    assert_flat("core", sizes, frozen, kept_per_open=1)


def _visit_every_panel(qtbot, window: MainWindow, path: Path) -> None:
    with qtbot.waitSignal(window.document_changed, timeout=60000):
        window.open_path(path)
    window.show_panel(window.graph_panel)
    layouts = window.graph_panel.layouts
    qtbot.waitUntil(lambda: layouts.task is None or layouts.task.done, timeout=60000)
    window.show_panel(window.weights_panel)
    qtbot.waitUntil(lambda: window.weights_panel.state.computed_for is window.document
                    and not window.weights_panel.running, timeout=60000)
    panel = window.run_panel
    window.show_panel(panel)
    for row in panel.rows:
        if not row.spec.is_static:
            panel.set_shape(row.spec.name, ",".join("1" for _ in row.spec.bounds or ((1, 1),)))
    run(qtbot, panel)
    qtbot.wait(50)


def test_window_reopening_a_model_ten_times_holds_memory_flat(qtbot, window: MainWindow, small: Path) -> None:
    sizes, frozen, docs, sessions, graphs = [], [], [], [], set()
    for _ in range(OPENS):
        _visit_every_panel(qtbot, window, small)
        docs.append(weakref.ref(window.document))
        graphs.add(id(window.document.graph))
        sessions.append(weakref.ref(window.run_panel.session))
        gc.collect()
        sizes.append(rss())
        frozen.append(gc.get_freeze_count())
    gc.collect()
    # only the model shown (and its compiled session) is alive
    assert [d() is not None for d in docs] == [False] * (OPENS - 1) + [True]
    assert [s() is not None for s in sessions] == [False] * (OPENS - 1) + [True]
    assert alive(Graph, graphs) == 1
    assert_flat("window", sizes, frozen, kept_per_open=2)
    window.close_action.trigger()  # File > Close model
    assert window.document is None
    gc.collect()
    assert (docs[-1]() is None, sessions[-1]() is None, alive(Graph, graphs)) == (True, True, 0)


def test_each_run_keeps_only_the_current_compiled_model(qtbot, window: MainWindow, tmp_path: Path) -> None:
    panel = open_in(qtbot, window, make_linear_ir(tmp_path / "linear.xml"))
    sessions: list[weakref.ref[CompiledSession]] = []
    for i in range(8):
        panel.profiling_check.setChecked(i % 2 == 1)  # new options: the next run compiles again
        run(qtbot, panel)
        sessions.append(weakref.ref(panel.session))
    gc.collect()
    assert [s() is not None for s in sessions] == [False] * 7 + [True]
    window.close()
    gc.collect()
    assert sessions[-1]() is None  # nothing compiled stays after the window closed (.bin unlocked on Windows)


def test_weights_statistics_switching_models_holds_memory_flat(qtbot, window: MainWindow, generated: Path,
                                                               tmp_path: Path) -> None:
    other = make_transformer_ir(tmp_path / "other.xml", 4)
    sizes, frozen, docs = [], [], []
    for i in range(2 * OPENS):
        with qtbot.waitSignal(window.document_changed, timeout=60000):
            window.open_path(generated if i % 2 == 0 else other)
        window.show_panel(window.weights_panel)  # the graph comes to the front on open: visit the statistics
        qtbot.waitUntil(lambda: window.weights_panel.state.computed_for is window.document
                        and not window.weights_panel.running and window.weights_panel.model.rowCount() > 0,
                        timeout=60000)
        docs.append(weakref.ref(window.document))
        if i % 2 == 0:
            gc.collect()
            sizes.append(rss())
            frozen.append(gc.get_freeze_count())
    gc.collect()
    assert sum(d() is not None for d in docs) == 1
    assert_flat("weights", sizes, frozen, kept_per_open=2)
