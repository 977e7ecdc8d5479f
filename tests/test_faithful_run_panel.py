"""The Run tab runs a stateful model as OpenVINO does: pressing F5 twice gives the same answer (each run starts
from a reset state), equal to OpenVINO's own inference on a fresh request."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openvino as ov
from models_run import make_stateful_ir
from run_helpers import open_in, run

from ovexplorer.ui.shell.main_window import MainWindow


def test_f5_twice_on_a_stateful_model_answers_the_same(qtbot, window: MainWindow, tmp_path: Path) -> None:
    path = make_stateful_ir(tmp_path / "stateful.xml")
    panel = open_in(qtbot, window, path)
    assert panel.set_shape("x", "1,3,16") and panel.set_shape("beam_idx", "1")
    panel.set_values("beam_idx", "0")
    run(qtbot, panel, "F5")
    first = panel.outputs.result.outputs["logits"].copy()
    feeds = {k: v.copy() for k, v in panel.last_inputs.items()}
    run(qtbot, panel, "F5")
    second = panel.outputs.result.outputs["logits"]
    core = ov.Core()
    oracle = core.compile_model(core.read_model(str(path)), "CPU").create_infer_request().infer(feeds)[0]
    np.testing.assert_array_equal(first, oracle)
    np.testing.assert_array_equal(second, oracle)
