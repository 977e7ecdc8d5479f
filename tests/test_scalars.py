"""A scalar input (rank 0, shape ``[]``) is static: typed, random, ``.npy`` (0-d) and CSV values feed it in the
command line and in the Run tab."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from models_run import make_scalar_ir
from run_helpers import open_in, output_text, run

from ovexplorer.cli import main
from ovexplorer.core.model.document import open_model
from ovexplorer.core.run.inputs import InputSource, concrete_shape, make_tensor, parse_values
from ovexplorer.core.run.ports import model_inputs
from ovexplorer.ui.shell.main_window import MainWindow


@pytest.fixture
def scalar(tmp_path: Path) -> Path:
    return make_scalar_ir(tmp_path / "scalar.xml")


def test_a_scalar_input_is_static_and_takes_one_value(scalar: Path) -> None:
    sr = model_inputs(open_model(scalar).model)[0]
    assert sr.name == "sr" and sr.is_static and sr.static_shape == ()
    assert concrete_shape(sr) == ()
    value = parse_values("16000", sr)
    assert value.shape == () and value.dtype == np.int32 and int(value) == 16000
    assert make_tensor(InputSource(kind="random", low=1, high=9), sr).shape == ()
    assert make_tensor(InputSource(kind="ones"), sr).shape == ()


def test_cli_typed_scalar(scalar: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(scalar), "--input", "sr=16000", "--input", "x=1,2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["inputs"]["sr"]["shape"] == [] and data["outputs"]["y"]["values"] == [16000.0, 32000.0]


def test_cli_random_npy_and_csv_scalar(scalar: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(scalar)]) == 0  # random data for both inputs, the scalar included
    assert "sr  []  i32  <- random" in capsys.readouterr().out
    npy = tmp_path / "sr.npy"
    np.save(npy, np.array(8000, np.int32))
    assert main(["run", str(scalar), "--input", f"sr={npy}", "--input", "x=1,1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["outputs"]["y"]["values"] == [8000.0, 8000.0]
    csv = tmp_path / "sr.csv"
    csv.write_text("22050\n")
    assert main(["run", str(scalar), "--input", f"sr={csv}", "--input", "x=2,0", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["outputs"]["y"]["values"] == [44100.0, 0.0]


def test_run_tab_typed_scalar(qtbot, window: MainWindow, scalar: Path) -> None:
    panel = open_in(qtbot, window, scalar)
    assert panel.table.item(0, 0).text() == "sr"
    edit = panel.data_edit(0)
    edit.clear()
    qtbot.keyClicks(edit, "16000")
    edit.editingFinished.emit()
    assert panel.data_edit(0).text() == "16000"  # kept, not reverted
    panel.set_values("x", "1, 2")
    run(qtbot, panel, "F5")
    assert panel.last_inputs["sr"].shape == () and int(panel.last_inputs["sr"]) == 16000
    assert "[16000., 32000.]" in output_text(panel)


def test_run_tab_scalar_from_npy_csv_and_random(qtbot, window: MainWindow, scalar: Path, tmp_path: Path) -> None:
    from run_helpers import drop_on_row

    panel = open_in(qtbot, window, scalar)
    panel.set_values("x", "1, 1")
    npy = tmp_path / "rate.npy"
    np.save(npy, np.array(8000, np.int32))
    drop_on_row(qtbot, panel, 0, npy)
    run(qtbot, panel, "F5")
    assert panel.last_inputs["sr"].shape == () and "[8000., 8000.]" in output_text(panel)
    csv = tmp_path / "rate.csv"
    csv.write_text("22050\n")
    drop_on_row(qtbot, panel, 0, csv)
    run(qtbot, panel, "F5")
    assert "[22050., 22050.]" in output_text(panel)
    combo = panel.source_combo(0)
    combo.setCurrentIndex(combo.findData("random"))
    run(qtbot, panel, "F5")
    assert panel.last_inputs["sr"].shape == () and "Inference on CPU" in output_text(panel)
