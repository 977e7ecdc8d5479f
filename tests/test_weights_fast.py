"""The fast paths of the weight statistics give the same rows as the general ones.

The lean one-chunk float32 path against the chunked accumulator, and block-wise work (pages mapped in ahead,
blocks shared with a helper process) against one constant at a time.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import numpy as np
import pytest
from models_weights import flagged_model, save, square_chain_model

from ovexplorer.core.model.document import open_model
from ovexplorer.core.weights import histograms, value_stats
from ovexplorer.core.weights import statistics as weights_module
from ovexplorer.core.weights.statistics import compute_weight_stats, tensor_stats


def _awkward_weights() -> list[np.ndarray]:
    rng = np.random.default_rng(21)
    ws = [(rng.standard_normal((48, 48)) * 0.05).astype(np.float32) for _ in range(9)]
    ws[1][:4] = 0.0
    ws[1][4, :3] = -0.0  # negative zeros count as zeros
    ws[2] = (1000.0 + rng.standard_normal((48, 48)) * 1e-3).astype(np.float32)  # the mean dominates the spread
    ws[3] = np.full((48, 48), 2.5, np.float32)  # one value: a widened histogram range
    ws[4] = np.abs(ws[4]) + 0.5  # no zero possible: zeros are not counted
    ws[5] = (rng.standard_normal((48, 48)) * 1e37).astype(np.float32)  # float32 sums overflow
    ws[6] = (rng.standard_normal((48, 48)) * 1e18).astype(np.float32)  # float32 sums of squares overflow
    return ws


def _same(a, b) -> None:
    assert (a.count, a.min, a.max, a.zero_count, a.nan_count, a.inf_count) == (
        b.count, b.min, b.max, b.zero_count, b.nan_count, b.inf_count)
    assert a.mean == pytest.approx(b.mean, rel=1e-6, abs=1e-9)
    assert a.std == pytest.approx(b.std, rel=1e-4, abs=1e-9)
    assert (a.hist_counts, a.hist_range, a.hist_stride) == (b.hist_counts, b.hist_range, b.hist_stride)


def test_quick_path_matches_the_accumulator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = open_model(save(square_chain_model(_awkward_weights()), tmp_path / "m.xml"))
    quick = compute_weight_stats(doc, hist_samples=1000)
    monkeypatch.setattr(value_stats, "quick_stats", lambda *args: None)  # always the general path
    general = compute_weight_stats(doc, hist_samples=1000)
    assert [r.name for r in quick] == [r.name for r in general]
    for a, b in zip(quick, general, strict=True):
        _same(a.stats, b.stats)
    by_name = {r.name: r.stats for r in quick}
    assert by_name["layer1.weight"].zero_count == 4 * 48 + 3
    assert by_name["layer2.weight"].std == pytest.approx(1e-3, rel=0.05)  # not lost to E[x²] - E[x]²
    assert by_name["layer3.weight"].hist_range == (2.0, 3.0) and by_name["layer3.weight"].std == 0.0
    for i in (5, 6):
        assert by_name[f"layer{i}.weight"].std == pytest.approx(np.float64(_awkward_weights()[i]).std(), rel=1e-4)


def test_quick_path_leaves_nan_and_inf_to_the_general_path() -> None:
    values = np.array([1.0, np.nan, -2.0, np.inf, 0.0], np.float32)
    stats, _ = tensor_stats(values.view(np.uint8), "f32", (5,))
    assert (stats.nan_count, stats.inf_count, stats.min, stats.max, stats.zero_count) == (1, 1, -2.0, 1.0, 1)
    assert stats.mean == pytest.approx(-1 / 3)


@pytest.mark.parametrize("helpers", [False, True])
def test_blocks_and_helpers_give_the_same_rows_in_node_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              helpers: bool) -> None:
    doc = open_model(save(flagged_model(), tmp_path / "flagged.xml"))
    ws = _awkward_weights()
    chain = open_model(save(square_chain_model(ws), tmp_path / "m.xml"))
    reference = {d: compute_weight_stats(d, helpers=False, release_pages=False) for d in (doc, chain)}
    monkeypatch.setattr(weights_module, "BLOCK_BYTES", 20_000)  # blocks of a few constants
    monkeypatch.setattr(value_stats, "POPULATE_AHEAD", 20_000)  # pages mapped in a few constants at a time
    monkeypatch.setattr(value_stats, "CHUNK_ELEMENTS", 1000)  # 48x48 weights: several mapped-in chunks
    monkeypatch.setattr(value_stats, "CHUNK_BYTES", 4000)
    monkeypatch.setattr(weights_module, "CHUNK_BYTES", 4000)
    for d in (doc, chain):
        rows = compute_weight_stats(d, helpers=helpers)
        assert [r.name for r in rows] == [r.name for r in reference[d]]
        for a, b in zip(rows, reference[d], strict=True):
            assert (a.note, a.flags) == (b.note, b.flags)
            if a.stats is None:
                assert b.stats is None
                continue
            assert (a.stats.min, a.stats.max, a.stats.zero_count, a.stats.nan_count) == (
                b.stats.min, b.stats.max, b.stats.zero_count, b.stats.nan_count)
            assert a.stats.mean == pytest.approx(b.stats.mean, rel=1e-5, abs=1e-7)
            assert a.stats.std == pytest.approx(b.stats.std, rel=1e-4, abs=1e-7)
    assert chain.ov_nodes[reference[chain][0].node_id].get_data()[0, :3].tolist() == ws[0][0, :3].tolist()


@pytest.mark.skipif(sys.platform != "linux", reason="madvise on the weights mapping")
def test_pages_are_mapped_in_only_inside_the_weights_file(tmp_path: Path) -> None:
    doc = open_model(save(square_chain_model(_awkward_weights()[:2]), tmp_path / "m.xml"))
    pages = value_stats.PageReleaser(doc.weights_path)
    outside = np.ones(1 << 16, np.float32)  # not in the mapping: never advised
    assert pages._pages(outside.view(np.uint8)) is None
    raw = doc.ov_nodes[doc.graph.nodes[next(n.id for n in doc.graph.nodes if n.const is not None)].id].get_data()
    span = pages._pages(raw.reshape(-1).view(np.uint8))
    assert span is not None and span[0] % pages._page == 0 and span[1] - span[0] >= raw.nbytes
    pages.populate([raw.reshape(-1).view(np.uint8), outside.view(np.uint8)])
    pages.release(raw.reshape(-1).view(np.uint8))
    pages.flush()
    assert raw.reshape(-1)[:2].tolist() == _awkward_weights()[0].reshape(-1)[:2].tolist()  # read again


@pytest.mark.skipif(sys.platform != "linux", reason="madvise on the weights mapping")
def test_statistics_of_a_mapped_model_leave_no_garbage_cycles(tmp_path: Path) -> None:
    """Each statistics run looked libc up again (a ctypes library handle: a reference cycle of 14 objects), which
    the window's next gc.freeze moved to the permanent generation for good: the permanent generation grew with
    every model opened."""
    doc = open_model(save(square_chain_model(_awkward_weights()[:2]), tmp_path / "m.xml"))
    assert value_stats.PageReleaser(doc.weights_path)._ranges  # the weights are mapped: the madvise path runs
    compute_weight_stats(doc)
    gc.collect()
    garbage = []
    for _ in range(3):
        compute_weight_stats(doc)
        garbage.append(gc.collect())  # unreachable objects found: the cycles the run left behind
    assert garbage == [0, 0, 0]


def test_small_constants_computed_together_match_one_at_a_time() -> None:
    rng = np.random.default_rng(5)
    arrays = [
        rng.standard_normal(n).astype(np.float32) for n in (1, 7, 300, 4096)
    ] + [
        np.array(3.5, np.float32),  # a scalar
        np.array([0.0, -0.0, 2.0, 0.0], np.float32),  # both zeros
        np.array([4.0, 4.0, 4.0], np.float32),  # one value: the histogram spans it +- 0.5
        np.array([1, 2**63 - 1, -7], np.int64),  # Slice's "to the end"
        np.array([True, False, True]),
        np.array([1e308, -1e308], np.float64),  # the range overflows float64: left to the one-at-a-time path
        np.array([5e-324, 1e-323], np.float64),  # denormals: the bin scale overflows
        np.array([1.0, np.nan, -np.inf], np.float32),  # NaN/Inf: one at a time
        np.full(5, np.nan, np.float32),
        1000.0 + rng.standard_normal(500).astype(np.float32) * 1e-3,  # the mean dominates the spread
    ]
    types = {np.float32: "f32", np.float64: "f64", np.int64: "i64", np.bool_: "boolean"}
    items = [value_stats.TensorItem(a.reshape(-1).view(np.uint8), types[a.dtype.type], a.shape) for a in arrays]
    together = value_stats.tensors_values(items)
    for a, item, got in zip(arrays, items, together, strict=True):
        alone = value_stats.tensor_values(item.raw, item.element_type, item.shape)
        assert got.note == alone.note
        g, w = got.stats, alone.stats
        assert (g.count, g.zero_count, g.nan_count, g.inf_count, g.hist_stride) == (
            w.count, w.zero_count, w.nan_count, w.inf_count, w.hist_stride), a
        assert (g.min, g.max, g.hist_range) == (w.min, w.max, w.hist_range) or np.isnan(w.min), a
        assert g.mean == pytest.approx(w.mean, rel=1e-6, nan_ok=True), a
        assert g.std == pytest.approx(w.std, rel=1e-3, abs=1e-9, nan_ok=True), a
        # Same counts, up to values on a bin edge (float64 here, float32 there): cumulative counts agree within 1%.
        assert sum(g.hist_counts) == sum(w.hist_counts), a
        assert np.abs(np.cumsum(g.hist_counts) - np.cumsum(w.hist_counts)).max() <= max(1, 0.01 * g.count), a
        finite = a.reshape(-1)[np.isfinite(a.reshape(-1))].astype(np.float64)
        if finite.size and np.abs(finite).max() < 1e150:  # (beyond, the sum of squares overflows float64)
            assert g.std == pytest.approx(finite.std(), rel=1e-3, abs=1e-9), a
    assert together[5].stats.zero_count == 3 and together[4].note == "scalar"
    assert together[9].stats.hist_counts[0] == together[9].stats.hist_counts[-1] == 1  # -1e308 and 1e308
    assert together[10].stats.hist_counts[0] == together[10].stats.hist_counts[-1] == 1  # the two denormals
    assert together[-1].stats.std == pytest.approx(np.float64(arrays[-1]).std(), rel=1e-3)


def test_values_and_shapes_found_by_the_fuzzer_give_rows_not_exceptions() -> None:
    # Flipped bytes of an f64 constant: values near 1e300 overflowed E[x]**2 (OverflowError, not inf).
    huge = np.array([1.5e300, 1.7e300, 1.6e300, 1.55e300], np.float64)
    stats, note = tensor_stats(huge.view(np.uint8), "f64", (4,))
    assert stats is not None and stats.min == 1.5e300 and stats.max == 1.7e300 and note == ""
    # A constant whose shape has a negative dimension (an IR edited by hand): a row that says so.
    for shape in ((-1,), (2, -1)):
        stats, note = tensor_stats(np.zeros(8, np.uint8), "f32", shape)
        assert stats is None and note == f"invalid shape {list(shape)}: a negative dimension"


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_histogram_of_equal_values_needs_no_nan(dtype) -> None:
    """A constant whose values are all equal: its one-value range (lo == hi once widened by 0.5 for values as
    big as 1e17) counts every value in the first bin, with no 'invalid value' warning (errors under pytest)."""
    big = np.full(6, 1e17 if dtype is not np.float16 else 6e4, dtype=dtype)
    lo = hi = float(big[0])
    assert histograms.histogram(big, lo, hi, 8).tolist() == [6, 0, 0, 0, 0, 0, 0, 0]
    element_type = {np.float32: "f32", np.float64: "f64", np.float16: "f16"}[dtype]
    stats = value_stats.tensor_values(big.view(np.uint8), element_type, (6,)).stats
    assert sum(stats.hist_counts) == 6 and stats.min == stats.max == float(big[0]) and stats.std == 0
