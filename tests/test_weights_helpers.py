"""Weight statistics shared with helper processes give the rows this thread gives, and fail safe.

The helpers read the weights file themselves: a file replaced since the model was opened is never read by
them, and a helper that dies leaves its blocks to the calling thread.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from models_weights import flagged_model, save, square_chain_model

from ovexplorer.core.model.document import open_model
from ovexplorer.core.weights import stats_pool
from ovexplorer.core.weights.statistics import compute_weight_stats

pytestmark = pytest.mark.skipif(not stats_pool.usable(), reason="helpers need Linux /proc and two cores")


def _weights() -> list[np.ndarray]:
    rng = np.random.default_rng(7)
    ws = [(rng.standard_normal((48, 48)) * 0.1).astype(np.float32) for _ in range(5)]
    ws[2][3] = 0.0
    ws[2][4, :4] = -0.0
    return ws


@pytest.fixture
def counted_pool(monkeypatch: pytest.MonkeyPatch) -> tuple[stats_pool.StatsPool, list[int]]:
    """A fresh shared pool whose submissions are counted."""
    pool = stats_pool.StatsPool(1)
    monkeypatch.setattr(stats_pool, "_shared", pool)
    calls: list[int] = []
    submit = pool.submit

    def counted(fn, *args):
        calls.append(len(args[2]) if fn is stats_pool.block_stats else 0)
        return submit(fn, *args)

    monkeypatch.setattr(pool, "submit", counted)
    yield pool, calls
    pool.shutdown()


def test_helper_processes_give_the_rows_of_this_thread(tmp_path: Path, counted_pool) -> None:
    _, calls = counted_pool
    for model, name in ((square_chain_model(_weights()), "f32"), (square_chain_model(_weights(), "u8"), "u8"),
                        (square_chain_model(_weights(), "u4"), "u4"), (flagged_model(), "flagged")):
        doc = open_model(save(model, tmp_path / f"{name}.xml"))
        here = compute_weight_stats(doc, helpers=False)
        calls.clear()
        shared = compute_weight_stats(doc, helpers=True)
        assert sum(calls) == len(here), name  # every constant went to the helper (one small block)
        assert shared == here, name  # the same numbers, histograms, notes and flags, in node order
    f32 = next(r for r in here if r.stats is not None)
    assert f32.stats.count > 0


def test_helpers_never_read_a_weights_file_replaced_since_opening(tmp_path: Path, counted_pool) -> None:
    _, calls = counted_pool
    ws = _weights()
    doc = open_model(save(square_chain_model(ws), tmp_path / "m.xml"))
    fresh = tmp_path / "other.bin"
    fresh.write_bytes(np.full(doc.weights_path.stat().st_size // 4, 7.0, np.float32).tobytes())
    os.replace(fresh, doc.weights_path)  # a new export over the old one, while the model is open
    rows = compute_weight_stats(doc, helpers=True)
    assert calls == []  # the mapped file is not the one on disk any more: all computed here, from the mapping
    assert rows[0].stats.mean == pytest.approx(float(np.float64(ws[0]).mean()), abs=1e-7)
    assert rows[0].stats.max == float(ws[0].max()) != 7.0


def test_a_helper_refuses_a_file_that_changed(tmp_path: Path) -> None:
    doc = open_model(save(square_chain_model(_weights()), tmp_path / "m.xml"))
    st = doc.weights_path.stat()
    stale = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns - 1)
    with pytest.raises(stats_pool.FileChanged, match=r"m\.bin changed on disk"):
        stats_pool.block_stats(str(doc.weights_path), stale, [], {})


def test_a_helper_that_dies_leaves_its_blocks_to_this_thread(tmp_path: Path, counted_pool) -> None:
    pool, calls = counted_pool
    doc = open_model(save(square_chain_model(_weights()), tmp_path / "m.xml"))
    here = compute_weight_stats(doc, helpers=False)
    assert pool.wait_ready(timeout=60)
    for pid in pool._pings[0].result(), :
        os.kill(pid, signal.SIGKILL)  # the helper is gone (out of memory, killed by the user)
    rows = compute_weight_stats(doc, helpers=True)
    assert calls  # the block went to the dead helper first
    assert rows == here
    assert pool.broken
    assert stats_pool.shared_pool() is not pool  # the next statistics start new helpers


def test_helpers_import_neither_openvino_nor_qt() -> None:
    code = ("import sys, ovexplorer.core.weights.stats_pool; "
            "print(sorted(m for m in ('openvino', 'PySide6') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_helpers_end_when_the_app_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "app.py"
    script.write_text(
        "import time\n"
        "from ovexplorer.core.weights import stats_pool\n"
        "if __name__ == '__main__':\n"
        "    pool = stats_pool.shared_pool()\n"
        "    assert pool.wait_ready(60)\n"
        "    print(pool._pings[0].result(), flush=True)\n"
        "    time.sleep(120)\n")
    app = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        helper = int(app.stdout.readline())
    finally:
        app.kill()  # no atexit, no executor shutdown: the helper must notice by itself
        app.communicate()  # waits and closes the pipe
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(helper, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(helper, signal.SIGKILL)
    pytest.fail("the helper process outlived the killed app")
