"""Weight statistics checked against numpy, hand-computed values and OpenVINO's own decoding."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import openvino as ov
import openvino.opset13 as ops
import pytest
from models import make_big_weights_ir, make_tiny_ir
from models_weights import flagged_model, packed_constant, save, square_chain_model
from openvino.op import Constant

from ovexplorer.core.model.document import open_model
from ovexplorer.core.util.errors import Cancelled, OvexplorerError
from ovexplorer.core.util.tasks import CancelToken
from ovexplorer.core.weights import value_stats
from ovexplorer.core.weights.dtypes import CODECS, decode_all
from ovexplorer.core.weights.flops import layer_macs, model_totals
from ovexplorer.core.weights.statistics import HIST_BINS, compute_weight_stats, iter_weight_stats, tensor_stats


def _check_against_numpy(stats, values: np.ndarray) -> None:
    v = values.astype(np.float64)
    finite = v[np.isfinite(v)]
    assert stats.count == v.size
    assert stats.min == pytest.approx(finite.min())
    assert stats.max == pytest.approx(finite.max())
    assert stats.mean == pytest.approx(finite.mean(), rel=1e-5, abs=1e-6 * max(1.0, np.abs(finite).max()))
    assert stats.std == pytest.approx(finite.std(), rel=1e-4, abs=1e-7)
    assert stats.zero_count == int(np.count_nonzero(v == 0))
    assert stats.nan_count == int(np.isnan(v).sum())
    assert stats.inf_count == int(np.isinf(v).sum())
    lo, hi = stats.hist_range
    expected, _ = np.histogram(finite[:: stats.hist_stride] if stats.hist_stride == 1 else finite, HIST_BINS, (lo, hi))
    if stats.hist_stride == 1:
        assert sum(stats.hist_counts) == finite.size
        assert np.abs(np.array(stats.hist_counts) - expected).max() <= 1  # rounding at a bin edge at most


@pytest.mark.parametrize(
    ("element_type", "dtype"),
    [("f32", np.float32), ("f64", np.float64), ("f16", np.float16), ("i8", np.int8), ("u8", np.uint8),
     ("i16", np.int16), ("u16", np.uint16), ("i32", np.int32), ("u32", np.uint32), ("i64", np.int64),
     ("boolean", np.bool_)],
)
def test_plain_types_match_numpy(element_type: str, dtype: type) -> None:
    rng = np.random.default_rng(3)
    if dtype is np.bool_:
        values = rng.random(1000) < 0.3
    elif np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        values = rng.integers(max(info.min, -1000), min(info.max, 1000), size=(40, 25), endpoint=True).astype(dtype)
    else:
        values = (rng.standard_normal((40, 25)) * 3).astype(dtype)
        values[0, :7] = 0
    stats, note = tensor_stats(values.view(np.uint8).reshape(-1), element_type, values.shape)
    assert note == ""
    _check_against_numpy(stats, values)


def test_bf16_against_hand_computed_values() -> None:
    # 1.0, -2.0, 3.0, 0.0, NaN, -inf, 0.5 as bfloat16 bit patterns.
    bits = np.array([0x3F80, 0xC000, 0x4040, 0x0000, 0x7FC0, 0xFF80, 0x3F00], dtype=np.uint16)
    stats, _ = tensor_stats(bits.view(np.uint8), "bf16", (7,))
    assert (stats.min, stats.max) == (-2.0, 3.0)
    assert stats.mean == pytest.approx((1 - 2 + 3 + 0 + 0.5) / 5)
    assert (stats.nan_count, stats.inf_count, stats.zero_count) == (1, 1, 1)
    assert list(decode_all(bits.view(np.uint8), "bf16", 4)) == [1.0, -2.0, 3.0, 0.0]


def test_i4_and_u4_against_hand_computed_values() -> None:
    raw = np.array([0x8F, 0x71, 0x0A], dtype=np.uint8)  # low nibble first
    assert list(decode_all(raw, "i4", 5)) == [-1, -8, 1, 7, -6]
    assert list(decode_all(raw, "u4", 5)) == [15, 8, 1, 7, 10]
    assert list(CODECS["i4"].decode(raw, 1, 3)) == [-8, 1, 7]  # a chunk starting on a high nibble
    stats, _ = tensor_stats(raw, "i4", (5,))
    assert (stats.min, stats.max, stats.mean) == (-8.0, 7.0, pytest.approx(-7 / 5))
    assert stats.std == pytest.approx(np.std([-1, -8, 1, 7, -6]))


@pytest.mark.parametrize("element_type", ["f8e4m3", "f8e5m2", "f8e8m0", "nf4", "f4e2m1", "u1", "u2", "i4", "u4",
                                          "bf16"])
def test_decoders_agree_with_openvino_convert(element_type: str) -> None:
    et = getattr(ov.Type, element_type)
    count = {"u1": 256 * 8, "u2": 256 * 4, "bf16": 128}.get(element_type, 256 if et.bitwidth == 8 else 512)
    tensor = ov.Tensor(et, ov.Shape([count]))
    raw = tensor.data.view(np.uint8).reshape(-1)
    raw[:] = np.arange(raw.size, dtype=np.uint64).astype(np.uint8) if element_type != "bf16" else \
        np.random.default_rng(0).integers(0, 256, raw.size, dtype=np.uint8)
    model = ov.Model([ops.result(ops.convert(Constant(tensor), "f32"))], [], "decode")
    expected = ov.Core().compile_model(model, "CPU")({})[0]
    ours = decode_all(raw, element_type, count)
    if element_type == "f8e8m0":  # the CPU flushes 2**-127 (code 0) to zero
        ours, expected = ours[1:], expected[1:]
    np.testing.assert_array_equal(ours, expected)


def test_many_chunks_and_second_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(value_stats, "CHUNK_ELEMENTS", 1000)
    rng = np.random.default_rng(5)
    values = (1.0 + rng.standard_normal(25_003) * 1e-3).astype(np.float32)  # mean dominates: shifted variance
    values[17] = np.nan
    values[12_345] = -np.inf
    values[20_000:20_010] = 0
    exact, _ = tensor_stats(values.view(np.uint8), "f32", values.shape, exact_histograms=True)
    _check_against_numpy(exact, values)
    assert exact.hist_stride == 1
    sampled, _ = tensor_stats(values.view(np.uint8), "f32", values.shape, hist_samples=1000)
    assert sampled.hist_stride == 26 and 0 < sum(sampled.hist_counts) <= 1000
    assert (sampled.min, sampled.max, sampled.mean, sampled.std) == (exact.min, exact.max, exact.mean, exact.std)


@pytest.mark.parametrize(
    ("raw", "etype", "shape", "text"),
    [
        (np.zeros(10, np.uint8), "f32", (4,), "holds 10 bytes but shape [4] of f32 needs 16"),
        (np.zeros(0, np.uint8), "f32", (0, 3), "zero-size constant"),
        (np.zeros(8, np.uint8), "u3", (8,), "unsupported element type u3"),
        (np.zeros(8, np.uint8), "string", (1,), "string values (text): no statistics"),
    ],
)
def test_bad_input_rows_say_why(raw: np.ndarray, etype: str, shape: tuple, text: str) -> None:
    stats, note = tensor_stats(raw, etype, shape)
    assert stats is None and text in note


def test_scalar_and_all_nan_rows() -> None:
    stats, note = tensor_stats(np.array(2.5, np.float32).reshape(1).view(np.uint8), "f32", ())
    assert note == "scalar" and (stats.min, stats.max, stats.std) == (2.5, 2.5, 0.0)
    nan = np.full(6, np.nan, np.float32)
    stats, note = tensor_stats(nan.view(np.uint8), "f32", (6,))
    assert note == "all values are NaN" and stats.nan_count == 6 and np.isnan(stats.mean)


def test_model_rows_flag_problems(tmp_path: Path) -> None:
    doc = open_model(save(flagged_model(), tmp_path / "flagged.xml"))
    rows = {r.name: r for r in compute_weight_stats(doc)}
    assert rows["nan.weight"].flags == ("NaN",) and rows["nan.weight"].stats.nan_count == 3
    assert rows["inf.weight"].flags == ("Inf",)
    assert rows["zero.weight"].flags == ("all zero",)
    assert rows["good.weight"].flags == () and rows["good.weight"].consumer_types == ("MatMul",)
    assert rows["half"].note == "scalar"
    assert rows["empty"].stats is None and "zero-size" in rows["empty"].note
    assert (rows["bf16.bias"].stats.min, rows["bf16.bias"].stats.max) == (-2.0, 3.0)
    assert (rows["i4.bias"].stats.min, rows["i4.bias"].stats.max, rows["i4.bias"].stats.mean) == (-8, 7, 1.0)


@pytest.mark.parametrize("mode", ["f16", "u8", "u4"])
def test_compressed_model_matches_uncompressed_twin(tmp_path: Path, mode: str) -> None:
    rng = np.random.default_rng(7)
    ws = [(rng.standard_normal((64, 64)) * 0.05).astype(np.float32) for _ in range(3)]
    twin = {r.name: r for r in compute_weight_stats(open_model(save(square_chain_model(ws), tmp_path / "f.xml")))}
    doc = open_model(save(square_chain_model(ws, mode), tmp_path / f"{mode}.xml"))
    rows = {r.name: r for r in compute_weight_stats(doc)}
    for i in range(3):
        name = f"layer{i}.weight"
        ref, row = twin[name].stats, rows[name]
        assert row.element_type == mode and row.consumer_types == ("MatMul",)
        got = row.stats if mode == "f16" else row.dequant
        assert got is not None
        step = (ref.max - ref.min) / (255 if mode == "u8" else 15)
        assert got.min == pytest.approx(ref.min, abs=step)
        assert got.max == pytest.approx(ref.max, abs=step)
        assert got.mean == pytest.approx(ref.mean, abs=step / 4)
        assert got.std == pytest.approx(ref.std, rel=0.03)
        if mode != "f16":
            assert row.dequant_chain[-1] == f"{name}/multiply" and row.stats.max <= (255 if mode == "u8" else 15)


def test_rows_stream_with_progress_and_cancel(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    ws = [rng.standard_normal((16, 16)).astype(np.float32) for _ in range(6)]
    doc = open_model(save(square_chain_model(ws), tmp_path / "m.xml"))
    seen: list[float] = []
    rows = iter_weight_stats(doc, progress=lambda f, t: seen.append(f), helpers=True)
    first = next(rows)
    assert first.name == "layer0.weight" and seen[0] == 0.0
    assert [r.name for r in rows] == [f"layer{i}.weight" for i in range(1, 6)]
    assert seen == sorted(seen) and seen[-1] == 1.0
    token = CancelToken()
    gen = iter_weight_stats(doc, cancel=token, helpers=False)
    next(gen)
    token.cancel()
    with pytest.raises(Cancelled):
        list(gen)


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc/self/status")
def test_big_weights_stay_out_of_memory(tmp_path: Path) -> None:
    def rss_mb() -> float:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024

    doc = open_model(make_big_weights_ir(tmp_path / "big.xml", 192))
    before = rss_mb()
    (row,) = compute_weight_stats(doc)
    assert rss_mb() - before < 64  # 192 MiB of weights were read
    assert row.count == 192 * 1024 * 1024 // 4 and row.stats.zero_count == row.count
    assert row.flags == ()  # zeros added to the input (a bias or offset) are normal, not a defect
    assert doc.ov_nodes[row.node_id].get_data()[:4].tolist() == [0, 0, 0, 0]  # still readable afterwards


def test_totals_and_macs(tmp_path: Path) -> None:
    totals = model_totals(open_model(make_tiny_ir(tmp_path / "t.xml")).graph)
    assert totals.parameters == 108 and totals.bytes_by_type == {"f32": 432}
    assert totals.macs == 1 * 4 * 8 * 8 * 3 * 3 * 3 and totals.flops == 2 * totals.macs
    assert totals.params_by_consumer_type == {"Convolution": 108}

    x = ops.parameter([2, 8, 10, 10], ov.Type.f32, name="x")
    g = ops.group_convolution(x, ops.constant(np.ones((2, 4, 4, 3, 3), np.float32)), [1, 1], [0, 0], [0, 0], [1, 1])
    b = ops.convolution_backprop_data(g, ops.constant(np.ones((8, 3, 2, 2), np.float32)), [2, 2])
    d = ops.parameter([-1, 16], ov.Type.f32, name="d")
    m = ops.matmul(d, ops.constant(np.ones((16, 5), np.float32)), False, False)
    model = ov.Model([ops.result(b), ops.result(m)], [x, d], "mix")
    doc = open_model(save(model, tmp_path / "mix.xml"))
    macs = {n.type: layer_macs(n) for n in doc.graph.nodes if n.type in ("GroupConvolution",
                                                                          "ConvolutionBackpropData", "MatMul")}
    assert macs["GroupConvolution"] == 2 * 8 * 8 * 8 * (4 * 3 * 3)
    assert macs["ConvolutionBackpropData"] == 2 * 8 * 8 * 8 * (3 * 2 * 2)
    assert macs["MatMul"] is None  # dynamic batch
    totals = model_totals(doc.graph)
    assert len(totals.dynamic_layers) == 1 and "dynamic" in totals.macs_text()


def test_packed_constant_round_trip() -> None:
    node = packed_constant(np.array([-8, -1, 0, 7, 3]), "i4", "c")
    raw = node.get_data().reshape(-1).view(np.uint8)
    assert list(decode_all(raw, "i4", 5)) == [-8, -1, 0, 7, 3]


def test_dequantized_chunks_on_odd_nibble_offsets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(9)
    ws = [rng.standard_normal((7, 7)).astype(np.float32)]
    doc = open_model(save(square_chain_model(ws, "u4"), tmp_path / "odd.xml"))
    whole = next(r for r in compute_weight_stats(doc) if r.name == "layer0.weight")
    monkeypatch.setattr(value_stats, "CHUNK_ELEMENTS", 10)  # one 7-value row per chunk: odd nibble starts
    rows = next(r for r in compute_weight_stats(doc) if r.name == "layer0.weight")
    assert whole.dequant is not None and rows.dequant is not None
    for a, b in ((whole.stats, rows.stats), (whole.dequant, rows.dequant)):
        assert (a.min, a.max, a.zero_count) == (b.min, b.max, b.zero_count)
        assert a.mean == pytest.approx(b.mean) and a.std == pytest.approx(b.std)
    assert whole.dequant.min == pytest.approx(ws[0].min(), abs=0.3) and whole.stats.max <= 15


def test_symmetric_int8_chain_with_scale_first(tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    w = (rng.standard_normal((16, 32)) * 0.1).astype(np.float32)
    scale = (np.abs(w).max(axis=1, keepdims=True) / 127).astype(np.float16)
    q = np.clip(np.round(w / scale.astype(np.float32)), -127, 127).astype(np.int8)
    x = ops.parameter([1, 32], ov.Type.f32, name="x")
    conv = ops.convert(ops.constant(q, name="w.int8"), "f16", name="w/convert")
    mul = ops.multiply(ops.constant(scale, name="w/scale"), conv, name="w/multiply")  # scale on port 0
    y = ops.matmul(x, ops.convert(mul, "f32", name="w/to_f32"), False, True, name="mm")
    doc = open_model(save(ov.Model([ops.result(y)], [x], "sym"), tmp_path / "sym.xml"))
    row = next(r for r in compute_weight_stats(doc) if r.name == "w.int8")
    assert row.dequant_chain == ("w/convert", "w/multiply") and row.consumer_types == ("MatMul",)
    expected = q.astype(np.float32) * scale.astype(np.float32)
    assert row.dequant.min == pytest.approx(expected.min()) and row.dequant.max == pytest.approx(expected.max())
    assert row.dequant.mean == pytest.approx(expected.mean(), abs=1e-6)
    assert row.dequant.std == pytest.approx(expected.std(), rel=1e-4)
    assert row.stats.min >= -127 and row.stats.max <= 127


@pytest.mark.parametrize("mode", ["u8", "u4"])
def test_per_row_dequantization_matches_materialized_values(tmp_path: Path, mode: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(value_stats, "ROW_PATH_MIN_COLS", 1)  # the per-row path even for short rows
    rng = np.random.default_rng(12)
    ws = [(rng.standard_normal((64, 64)) * 0.05).astype(np.float32) for _ in range(2)]
    ws[1][5] = 0.0  # a row of zeros: its scale is (almost) zero
    doc = open_model(save(square_chain_model(ws, mode), tmp_path / f"{mode}.xml"))
    fast = {r.name: r for r in compute_weight_stats(doc)}
    slow = {r.name: r for r in compute_weight_stats(doc, exact_histograms=True)}  # materialises (q - z) * s
    for name in ("layer0.weight", "layer1.weight"):
        for a, b in ((fast[name].stats, slow[name].stats), (fast[name].dequant, slow[name].dequant)):
            assert (a.min, a.max, a.zero_count) == pytest.approx((b.min, b.max, b.zero_count), rel=1e-6)
            # (the materialised path sums float32 squares of whole chunks: ~1e-5 relative error on u8 codes)
            assert a.mean == pytest.approx(b.mean, rel=1e-5, abs=1e-8) and a.std == pytest.approx(b.std, rel=1e-4)
            assert sum(a.hist_counts) == sum(b.hist_counts) == 64 * 64
            assert np.abs(np.array(a.hist_counts) - np.array(b.hist_counts)).sum() <= 8  # rounding at bin edges


def test_weights_core_imports_no_qt() -> None:
    import subprocess

    code = (
        "import sys, ovexplorer.core.weights.statistics, ovexplorer.core.weights.flops\n"
        "import ovexplorer.core.weights.weights_export\n"
        "import ovexplorer.core.weights.dtypes, ovexplorer.cli.stats\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'pyqtgraph'))]\n"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr


def test_weights_rewritten_in_place_give_an_error_not_rows(tmp_path: Path) -> None:
    weights = [np.random.default_rng(7).standard_normal((48, 48)).astype(np.float32)]
    doc = open_model(save(square_chain_model(weights), tmp_path / "m.xml"))
    with open(doc.weights_path, "r+b") as f:  # same file, new bytes: the mapping would show them
        f.write(np.zeros(16, np.float32).tobytes())
    os.utime(doc.weights_path, ns=(1, 1))
    with pytest.raises(OvexplorerError, match=r"m\.bin was rewritten on disk after m\.xml was opened"):
        compute_weight_stats(doc)


def _zero_consts_model() -> ov.Model:
    """All-zero constants where they are normal (bias, offset) and where they are a defect (weights)."""
    x = ops.parameter([1, 2, 4, 4], ov.Type.f32, name="x")
    conv = ops.convolution(x, ops.constant(np.zeros((3, 2, 1, 1), np.float32), name="conv.weight"),
                           [1, 1], [0, 0], [0, 0], [1, 1], name="conv")
    h = ops.add(conv, ops.constant(np.zeros((1, 3, 1, 1), np.float32), name="conv.bias"), name="conv/add")
    h = ops.reshape(h, ops.constant(np.array([1, 48], np.int64), name="flat"), False, name="flatten")
    f16 = ops.constant(np.zeros((5, 48), np.float16), name="fc.weight.f16")
    w = ops.convert(f16, "f32", name="fc.weight/convert")
    h = ops.matmul(h, w, False, True, name="fc")
    h = ops.add(h, ops.constant(np.full((1, 5), -0.0, np.float32), name="fc.bias"), name="fc/add")
    h = ops.subtract(h, ops.constant(np.zeros((1, 5), np.float32), name="offset"), name="shift")
    return ov.Model([ops.result(h, name="y")], [x], "zeros")


def test_only_zero_weights_of_matmul_and_convolution_are_flagged(tmp_path: Path) -> None:
    doc = open_model(save(_zero_consts_model(), tmp_path / "zeros.xml"))
    rows = {r.name: r for r in compute_weight_stats(doc)}
    assert rows["conv.weight"].flags == ("all zero",) and rows["conv.weight"].is_layer_weight
    assert rows["fc.weight.f16"].flags == ("all zero",)  # through its decompression Convert
    for normal in ("conv.bias", "fc.bias", "offset"):
        assert rows[normal].stats.zero_count == rows[normal].count and rows[normal].flags == (), normal
    assert not rows["flat"].is_layer_weight


def test_negative_zero_prints_as_zero() -> None:
    from ovexplorer.core.weights.numbers import format_value

    assert format_value(-0.0) == "0" and format_value(0.0) == "0"
    assert format_value(-1e-9) == "-1e-09" and format_value(-0.7312) == "-0.7312"
    assert format_value(float("nan")) == "nan" and format_value(None) == ""
    assert format_value(float("-inf")) == "-inf"
