"""Compile options, reshape of dynamic inputs, compile errors with the device's message, inference."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from models_run import make_classifier_ir, make_dynamic_ir, make_linear_ir

from ovexplorer.core.model.document import open_model
from ovexplorer.core.run.session import CompileOptions, compile_session, reshape_inputs
from ovexplorer.core.util import errors


def test_options_config() -> None:
    assert CompileOptions().config() == {}
    opts = CompileOptions("CPU", "THROUGHPUT", "f32", 2, 4, True, "/tmp/c", True)
    assert opts.config() == {
        "PERFORMANCE_HINT": "THROUGHPUT",
        "INFERENCE_PRECISION_HINT": "f32",
        "NUM_STREAMS": "2",
        "PERFORMANCE_HINT_NUM_REQUESTS": "4",
        "CACHE_DIR": "/tmp/c",
        "PERF_COUNT": "YES",
    }
    with pytest.raises(AttributeError):
        opts.device = "GPU"  # type: ignore[misc]


def test_compile_and_infer_linear(tmp_path: Path) -> None:
    doc = open_model(make_linear_ir(tmp_path / "linear.xml"))
    session = compile_session(doc.model, CompileOptions("CPU", precision_hint="f32"))
    assert session.compile_seconds > 0
    assert [s.name for s in session.inputs] == ["x"] and [s.name for s in session.outputs] == ["y"]
    result = session.infer({"x": np.array([[2, 3]], np.float32)})
    assert result.outputs["y"].tolist() == [[19.0]]
    assert result.seconds > 0
    again = session.infer({"x": np.array([[1, 1]], np.int32)})  # ints are cast to f32
    assert again.outputs["y"].tolist() == [[8.0]] and result.outputs["y"].tolist() == [[19.0]]


def test_infer_rejects_bad_inputs(tmp_path: Path) -> None:
    doc = open_model(make_linear_ir(tmp_path / "linear.xml"))
    session = compile_session(doc.model, CompileOptions("CPU"))
    with pytest.raises(errors.InputError, match=r"x expects shape \[1,2\]; dimension 1 cannot be 3"):
        session.infer({"x": np.zeros((1, 3), np.float32)})
    with pytest.raises(errors.InputError, match="no input named z"):
        session.infer({"z": np.zeros((1, 2), np.float32)})
    with pytest.raises(errors.InputError, match="No data for input x"):
        session.infer({})
    assert compile_session(doc.model, CompileOptions("CPU", num_requests=3)).request_count == 3


def test_reshape_dynamic_input_validated(tmp_path: Path) -> None:
    doc = open_model(make_dynamic_ir(tmp_path / "dyn.xml"))
    clone = reshape_inputs(doc.model, {"data": (4, 3)})
    assert clone.inputs[0].get_partial_shape().to_string() == "[4,3]"
    assert doc.model.inputs[0].get_partial_shape().is_dynamic  # the document's model is untouched
    with pytest.raises(errors.InputError, match=r"data expects shape \[\?,3\]; dimension 1 cannot be 5"):
        reshape_inputs(doc.model, {"data": (4, 5)})
    with pytest.raises(errors.InputError, match="expects 2 dimensions"):
        reshape_inputs(doc.model, {"data": (4,)})
    session = compile_session(doc.model, CompileOptions("CPU"), {"data": (2, 3)})
    out = session.infer({"data": np.ones((2, 3), np.float32), "ids": np.array([1, 2])})
    assert out.outputs["doubled"].tolist() == [[2.0] * 3] * 2
    assert out.outputs["ids_out"].tolist() == [2, 3] and out.outputs["ids_out"].dtype == np.int64
    with pytest.raises(errors.InputError, match="ids expects i64"):
        session.infer({"data": np.ones((2, 3), np.float32), "ids": np.array([1.5, 2])})


def test_compile_failure_carries_device_message(tmp_path: Path) -> None:
    doc = open_model(make_linear_ir(tmp_path / "linear.xml"))
    with pytest.raises(errors.DeviceError) as info:
        compile_session(doc.model, CompileOptions("NOPE"))
    assert info.value.message.startswith("NOPE could not compile linear:")
    assert "not registered" in info.value.message
    with pytest.raises(errors.DeviceError, match="Wrong value i8"):
        compile_session(doc.model, CompileOptions("CPU", precision_hint="i8"))


def test_cache_dir_and_virtual_device(tmp_path: Path) -> None:
    doc = open_model(make_classifier_ir(tmp_path / "c.xml"))
    cache = tmp_path / "cache"
    opts = CompileOptions("AUTO", "LATENCY", cache=True, cache_dir=str(cache), profiling=True)
    session = compile_session(doc.model, opts)
    assert cache.is_dir() and any(cache.iterdir())
    assert session.execution_devices and session.optimal_requests >= 1
    assert session.request_count == session.optimal_requests
    image = np.zeros((1, 3, 8, 8), np.float32)
    image[:, 2] = 255
    assert session.infer({"image": image}).outputs["scores"].tolist() == [[0.0, 0.0, 255.0]]


def test_run_core_and_cli_import_no_qt(tmp_path: Path) -> None:
    """The core modules of this feature and ``ovexplorer run`` on a non-picture input never load Qt."""
    import subprocess
    import sys

    model = make_linear_ir(tmp_path / "linear.xml")
    code = (
        "import sys\n"
        "import ovexplorer.core.run.devices, ovexplorer.core.run.session\n"
        "import ovexplorer.core.run.inputs, ovexplorer.core.run.outputs\n"
        "from ovexplorer.cli import main\n"
        f"assert main(['run', {str(model)!r}, '--input', 'x=2,3']) == 0\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'pyqtgraph'))]\n"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "[[19.]]" in out.stdout
