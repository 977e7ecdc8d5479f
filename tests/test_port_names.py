"""One naming of inputs and outputs everywhere (info, Summary, run, the Run tab): the model's own output names (not
the producing tensor's), an unnamed input called by its Parameter's name, names holding commas shown unambiguously."""

from __future__ import annotations

import json
from pathlib import Path

import openvino as ov
import openvino.opset13 as ops
import pytest

from ovexplorer.cli import main
from ovexplorer.core.model.document import open_model
from ovexplorer.core.model.summary import summarize
from ovexplorer.core.run.ports import model_inputs, port_specs


def make_named_ir(path: Path) -> Path:
    """``x`` [2] f32 with no tensor name -> Relu whose tensor is ``relu_t``; the model's output is named
    ``custom, name`` and ``other`` (on the Result, as OpenVINO 2025+ keeps them)."""
    x = ops.parameter([2], ov.Type.f32)
    x.set_friendly_name("audio")
    relu = ops.relu(x, name="relu")
    model = ov.Model([ops.result(relu, name="out")], [x], "named")
    path.parent.mkdir(parents=True, exist_ok=True)
    ov.save_model(model, str(path))
    text = path.read_text()
    text = text.replace(' names="audio"', "")  # no tensor name on the input
    text = text.replace('<port id="1" precision="FP32">', '<port id="1" precision="FP32" names="relu_t">', 1)
    text = text.replace('type="Result" version="opset1"', 'type="Result" version="opset1" output_names="custom\\, '
                        'name,other"', 1)
    path.write_text(text)
    model = ov.Core().read_model(str(path))
    assert model.inputs[0].get_names() == set() and model.outputs[0].get_names() == {"custom, name", "other"}
    return path


@pytest.fixture
def named(tmp_path: Path) -> Path:
    return make_named_ir(tmp_path / "named.xml")


def test_summary_names_outputs_by_the_model_outputs(named: Path, capsys: pytest.CaptureFixture[str]) -> None:
    summary = summarize(open_model(named))
    assert summary.outputs[0].names == ("custom, name", "other")
    assert summary.inputs[0].name == "audio"
    assert main(["info", str(named)]) == 0
    out = capsys.readouterr().out
    assert '  "custom, name", other  [2]  f32' in out and "relu_t" not in out
    assert main(["info", str(named), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["outputs"][0]["names"] == ["custom, name", "other"] and data["outputs"][0]["name"] == "custom, name"


def test_run_and_info_call_the_ports_the_same(named: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = open_model(named)
    summary = summarize(doc)
    specs_in = model_inputs(doc.model)
    specs_out = port_specs(list(doc.model.outputs), "output")
    assert [s.name for s in specs_in] == [t.name for t in summary.inputs] == ["audio"]
    assert [s.name for s in specs_out] == [t.name for t in summary.outputs]
    assert main(["run", str(named), "--input", "audio=1,-1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data["inputs"]) == ["audio"] and list(data["outputs"]) == ["custom, name"]
    assert data["outputs"]["custom, name"]["values"] == [1.0, 0.0]
    assert main(["run", str(named), "--input", "audio=1,-1"]) == 0
    assert '  "custom, name"  [2]  f32' in capsys.readouterr().out


def test_summary_tab_shows_the_model_output_names(qtbot, window, named: Path) -> None:
    with qtbot.waitSignal(window.document_changed, timeout=30000):
        window.open_path(named)
    text = window.summary_panel.text()
    assert '"custom, name", other' in text and "relu_t" not in text and "audio" in text
