"""FLOPs of a dynamic model for the shapes the user sets (``stats --shape``, the Run tab), saying which were used."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import openvino as ov
import openvino.opset13 as ops
import pytest

from ovexplorer.cli import main
from ovexplorer.core.model.document import open_model
from ovexplorer.core.run.session import reshape_inputs
from ovexplorer.core.weights.flops import model_totals, totals_at_shapes


def make_dynamic_matmul_ir(path: Path) -> Path:
    """``tokens`` [?,?,16] f32 -> MatMul with a [16,32] weight -> ``hidden`` [?,?,32] (MACs = batch*seq*16*32)."""
    x = ops.parameter(ov.PartialShape([-1, -1, 16]), ov.Type.f32, name="tokens")
    w = ops.constant(np.ones((16, 32), np.float32), name="proj.weight")
    y = ops.matmul(x, w, False, False, name="proj")
    y.output(0).get_tensor().set_names({"hidden"})
    path.parent.mkdir(parents=True, exist_ok=True)
    ov.save_model(ov.Model([ops.result(y)], [x], "dyn"), str(path), compress_to_fp16=False)
    return path


@pytest.fixture
def dyn(tmp_path: Path) -> Path:
    return make_dynamic_matmul_ir(tmp_path / "dyn.xml")


def test_totals_for_shapes(dyn: Path) -> None:
    doc = open_model(dyn)
    assert model_totals(doc.graph).dynamic_layers == ("proj",)
    shapes = {"tokens": (2, 128, 16)}
    totals = totals_at_shapes(model_totals(doc.graph), reshape_inputs(doc.model, shapes), shapes)
    assert totals.macs == 2 * 128 * 16 * 32 and not totals.dynamic_layers
    assert totals.shapes == {"tokens": (2, 128, 16)}
    assert "for tokens=[2,128,16]" in totals.macs_text()
    assert totals.parameters == 16 * 32  # the weights do not change with the shapes


def test_stats_shape_option(dyn: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", str(dyn)]) == 0
    assert "dynamic (1 layers with dynamic shapes)" in capsys.readouterr().out
    assert main(["stats", str(dyn), "--shape", "tokens=1,10,16"]) == 0
    out = capsys.readouterr().out
    assert "MACs:        5,120 (for tokens=[1,10,16])" in out and "FLOPs:       10,240 (for tokens=[1,10,16])" in out
    assert main(["stats", str(dyn), "--shape", "tokens=1,10,16", "--json"]) == 0
    totals = json.loads(capsys.readouterr().out)["totals"]
    assert totals["macs"] == 5120 and totals["shapes"] == {"tokens": [1, 10, 16]}
    assert main(["stats", str(dyn), "--shape", "tokens=1,10,17"]) == 2
    assert "tokens" in capsys.readouterr().err


def test_run_tab_shapes_give_the_weights_tab_flops(qtbot, window, dyn: Path) -> None:
    from run_helpers import open_in

    panel = open_in(qtbot, window, dyn)
    weights = window.weights_panel
    with qtbot.waitSignal(weights.stats_finished, timeout=30000):
        window.tabs.setCurrentWidget(weights)
    assert "dynamic (1 layers)" in weights.summary_label.text()
    window.show_panel(panel)
    with qtbot.waitSignal(weights.shape_totals_ready, timeout=30000):
        assert panel.set_shape("tokens", "1,10,16")
    text = weights.summary_label.text()
    assert "10.24 k FLOPs" in text and "tokens=[1,10,16]" in text and "Run tab" in text
