"""Weights inside If / Loop / TensorIterator bodies are counted and listed with their body: info, Summary, the
weight statistics (CLI and Weights tab) and the FLOPs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import openvino as ov
import openvino.opset13 as ops
import pytest

from ovexplorer.cli import main
from ovexplorer.core.model.document import open_model
from ovexplorer.core.model.summary import summarize
from ovexplorer.core.weights.flops import model_totals
from ovexplorer.core.weights.statistics import compute_weight_stats

THEN_W = np.arange(4 * 3 * 3 * 3, dtype=np.float32).reshape(4, 3, 3, 3) / 100  # 108 values, 0..1.07
ELSE_W = -np.ones((4, 3, 1, 1), np.float32)  # 12 values


def make_if_conv_ir(path: Path) -> Path:
    """cond, x [1,3,8,8] -> If: then = Convolution 3x3 (THEN_W, padded), else = Convolution 1x1 (ELSE_W)."""
    cond = ops.parameter([], ov.Type.boolean, name="cond")
    x = ops.parameter([1, 3, 8, 8], ov.Type.f32, name="x")
    tp = ops.parameter([1, 3, 8, 8], ov.Type.f32, name="then_x")
    then_conv = ops.convolution(tp, ops.constant(THEN_W, name="then.weight"), [1, 1], [1, 1], [1, 1], [1, 1],
                                name="then_conv")
    then_body = ov.Model([ops.result(then_conv)], [tp], "then_body")
    ep = ops.parameter([1, 3, 8, 8], ov.Type.f32, name="else_x")
    else_conv = ops.convolution(ep, ops.constant(ELSE_W, name="else.weight"), [1, 1], [0, 0], [0, 0], [1, 1],
                                name="else_conv")
    else_body = ov.Model([ops.result(else_conv)], [ep], "else_body")
    node = ops.if_op(cond)
    node.set_friendly_name("branch")
    node.set_then_body(then_body)
    node.set_else_body(else_body)
    node.set_input(x.output(0), tp, ep)
    out = node.set_output(then_body.results[0], else_body.results[0])
    model = ov.Model([ops.result(out, name="y")], [cond, x], "if_conv")
    path.parent.mkdir(parents=True, exist_ok=True)
    ov.save_model(model, str(path), compress_to_fp16=False)
    return path


@pytest.fixture
def if_conv(tmp_path: Path) -> Path:
    return make_if_conv_ir(tmp_path / "if_conv.xml")


def test_summary_counts_body_weights_and_names_their_bodies(if_conv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    summary = summarize(open_model(if_conv))
    assert summary.parameter_count == 108 + 12
    assert summary.weight_bytes["f32"] == (108 + 12) * 4
    assert summary.body_parameters == {"branch/then": 108, "branch/else": 12}
    assert main(["info", str(if_conv)]) == 0
    out = capsys.readouterr().out
    assert "Parameters:  120 (120)" in out
    assert "branch/then: 108 parameters" in out and "branch/else: 12 parameters" in out


def test_weight_statistics_list_body_constants(if_conv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = open_model(if_conv)
    rows = {r.name: r for r in compute_weight_stats(doc, helpers=False)}
    then_row, else_row = rows["then.weight"], rows["else.weight"]
    assert then_row.body == "branch/then" and else_row.body == "branch/else"
    assert then_row.stats.min == pytest.approx(0.0) and then_row.stats.max == pytest.approx(1.07)
    assert else_row.stats.mean == pytest.approx(-1.0) and then_row.consumer_types == ("Convolution",)
    assert main(["stats", str(if_conv), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["totals"]["parameters"] == 120
    assert {c["name"]: c["body"] for c in data["constants"]} == {"then.weight": "branch/then",
                                                                "else.weight": "branch/else"}
    assert main(["stats", str(if_conv)]) == 0
    assert "then.weight (in branch/then)" in capsys.readouterr().out


def test_flops_count_body_layers(if_conv: Path) -> None:
    totals = model_totals(open_model(if_conv).graph)
    assert totals.parameters == 120
    then_macs = 4 * 8 * 8 * 3 * 3 * 3
    else_macs = 4 * 8 * 8 * 3
    assert {(x.name, x.body, x.macs) for x in totals.layers} == {("then_conv", "branch/then", then_macs),
                                                                 ("else_conv", "branch/else", else_macs)}
    assert totals.macs == then_macs + else_macs


def test_weights_tab_lists_body_constants_with_their_body(qtbot, window, if_conv: Path) -> None:
    from ovexplorer.ui.weights.weights_panel import COL_NAME

    with qtbot.waitSignal(window.document_changed, timeout=30000):
        window.open_path(if_conv)
    panel = window.weights_panel
    with qtbot.waitSignal(panel.stats_finished, timeout=30000):
        window.tabs.setCurrentWidget(panel)
    names = sorted(panel.proxy.index(i, COL_NAME).data() for i in range(panel.proxy.rowCount()))
    assert names == ["else.weight (in branch/else)", "then.weight (in branch/then)"]
    assert "120" in window.summary_panel.text() and "in branch/then: 108" in window.summary_panel.text()
