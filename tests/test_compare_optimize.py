"""Optimizing with NNCF (a child process): weight compression, INT8 quantization, and what happens when NNCF is
missing, fails or is cancelled (the original and any older output stay untouched)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from models_compare import conv_net, mlp, save

from ovexplorer.core.compare import optimize
from ovexplorer.core.compare.differences import IDENTICAL, OPTIMIZED, compare_structure
from ovexplorer.core.compare.matching import match_graphs
from ovexplorer.core.compare.optimize import OptimizeRequest, nncf_missing, optimize_model
from ovexplorer.core.model.document import open_model
from ovexplorer.core.util.errors import Cancelled, OvexplorerError


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_int4_weight_compression_writes_a_model_that_matches_its_original(tmp_path: Path) -> None:
    source = save(mlp(layers=3), tmp_path / "m.xml")
    seen: list[str] = []
    result = optimize_model(OptimizeRequest(str(source), str(tmp_path / "out" / "m_int4.xml"), weights="int4",
                                            group_size=16, ratio=1.0), progress=lambda f, t: seen.append(t))
    assert result.path == tmp_path / "out" / "m_int4.xml" and result.path.with_suffix(".bin").is_file()
    assert any("Compressing weights to INT4" in t for t in seen)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["m_int4.bin", "m_int4.xml"]  # no temp left
    a, b = open_model(source), open_model(result.path)
    assert {n.outputs[0].element_type for n in b.graph.nodes if n.type == "Constant"} >= {"i4"}
    c = compare_structure(match_graphs(a.graph, b.graph), (a, b))
    assert c.summary()["matched_share"] == 1.0
    assert all(c.status_a[a.graph.find(f"fc{i}").id] == OPTIMIZED for i in range(3))


def test_int8_quantization_from_an_npz_inserts_fake_quantize_the_comparison_sees_through(tmp_path: Path) -> None:
    source = save(conv_net(), tmp_path / "c.xml")
    rng = np.random.default_rng(1)
    np.savez(tmp_path / "calib.npz", image=rng.random((6, 1, 3, 32, 32), dtype=np.float32))
    result = optimize_model(OptimizeRequest(str(source), str(tmp_path / "c_q.xml"), quantize="int8",
                                            calibration=str(tmp_path / "calib.npz"), subset=4))
    assert result.warnings == []
    a, b = open_model(source), open_model(result.path)
    fqs = [n.id for n in b.graph.nodes if n.type == "FakeQuantize"]
    assert fqs
    c = compare_structure(match_graphs(a.graph, b.graph), (a, b))
    assert c.summary()["matched_share"] == 1.0
    conv2 = a.graph.find("conv2").id
    assert c.status_a[conv2] == OPTIMIZED
    assert "FakeQuantize on inputs" in next(d.what for d in c.differences if d.a == conv2)
    assert all(c.status_b[i] == OPTIMIZED for i in fqs)


def test_quantization_without_calibration_data_warns(tmp_path: Path) -> None:
    source = save(mlp(layers=2), tmp_path / "m.xml")
    result = optimize_model(OptimizeRequest(str(source), str(tmp_path / "q.xml"), quantize="int8", subset=4))
    assert result.path.is_file()
    assert result.warnings and "random data" in result.warnings[0]


def test_missing_nncf_is_named_with_its_install_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = save(mlp(layers=1), tmp_path / "m.xml")
    before = _files(tmp_path)
    monkeypatch.setitem(sys.modules, "nncf", None)  # what an environment without NNCF gives find_spec
    assert "NNCF is not installed" in nncf_missing()
    with pytest.raises(OvexplorerError, match=r"NNCF is not installed.*pip install \"ovexplorer\[compare\]\""):
        optimize_model(OptimizeRequest(str(source), str(tmp_path / "o.xml"), weights="int8"))
    assert _files(tmp_path) == before


def test_a_failing_nncf_leaves_the_original_and_an_older_output_untouched(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    source = save(mlp(layers=1), tmp_path / "m.xml")
    (tmp_path / "o.xml").write_text("older xml")
    (tmp_path / "o.bin").write_bytes(b"older bin")
    before = _files(tmp_path)
    monkeypatch.setattr(optimize, "child_command", lambda job: [
        sys.executable, "-c", "import sys; print('noise'); print('@@error RuntimeError: simulated failure'); "
                              "sys.exit(1)"])
    with pytest.raises(OvexplorerError, match="NNCF failed: RuntimeError: simulated failure"):
        optimize_model(OptimizeRequest(str(source), str(tmp_path / "o.xml"), weights="int8"))
    assert _files(tmp_path) == before
    assert not [p for p in tmp_path.iterdir() if p.is_dir()]  # the work folder is gone


def test_cancel_ends_the_nncf_process_and_writes_nothing(tmp_path: Path) -> None:
    source = save(mlp(layers=2), tmp_path / "m.xml")
    before = _files(tmp_path)
    from ovexplorer.core.util.tasks import CancelToken

    token = CancelToken()
    seen = []

    def progress(fraction: float, text: str) -> None:
        seen.append(text)
        if "s" in text and "…" in text:  # the child is running: the user presses Cancel
            token.cancel()

    with pytest.raises(Cancelled, match="cancelled; nothing was written"):
        optimize_model(OptimizeRequest(str(source), str(tmp_path / "o.xml"), weights="int8"), progress=progress,
                       cancel=token)
    assert _files(tmp_path) == before
    assert not [p for p in tmp_path.iterdir() if p.is_dir()]


@pytest.mark.parametrize("target", ["m.xml", "m.bin", "M_OPEN.xml"])
def test_overwriting_the_model_is_refused(tmp_path: Path, target: str) -> None:
    source = save(mlp(layers=1), tmp_path / "m.xml")
    other = save(mlp(layers=1), tmp_path / "M_OPEN.xml")
    before = _files(tmp_path)
    with pytest.raises(OvexplorerError, match="Refusing to write"):
        optimize_model(OptimizeRequest(str(source), str(tmp_path / target), weights="int8"), open_paths=(other,))
    assert _files(tmp_path) == before


def test_calibration_that_does_not_fit_is_refused_before_nncf_runs(tmp_path: Path) -> None:
    source = save(conv_net(), tmp_path / "c.xml")
    np.savez(tmp_path / "bad.npz", image=np.zeros((2, 3, 5, 5), np.float32))
    with pytest.raises(OvexplorerError, match=r"bad.npz: image expects shape \[1,3,32,32\]"):
        optimize_model(OptimizeRequest(str(source), str(tmp_path / "q.xml"), quantize="int8",
                                       calibration=str(tmp_path / "bad.npz")))
    assert not (tmp_path / "q.xml").exists()


def test_statuses_of_an_untouched_layer_stay_identical(tmp_path: Path) -> None:
    """INT8 weight compression leaves layers without weights (ReLU, pooling) identical."""
    source = save(conv_net(), tmp_path / "c.xml")
    result = optimize_model(OptimizeRequest(str(source), str(tmp_path / "c8.xml"), weights="int8"))
    a, b = open_model(source), open_model(result.path)
    c = compare_structure(match_graphs(a.graph, b.graph), (a, b))
    assert c.status_a[a.graph.find("conv1/relu").id] == IDENTICAL
    assert c.status_a[a.graph.find("pool").id] == IDENTICAL
    assert c.status_a[a.graph.find("conv1").id] == OPTIMIZED
