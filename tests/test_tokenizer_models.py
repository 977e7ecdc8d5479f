"""Models using openvino-tokenizers operations open when that package is installed (OpenVINO's Python API reads them
once it is imported), and the error names the package when it is not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _make_extension_ir(path: Path) -> Path:
    tokenizers = pytest.importorskip("openvino_tokenizers")
    import openvino as ov
    import openvino.opset13 as ops

    factory = tokenizers._get_factory()
    text = ops.parameter([-1], ov.Type.string, name="text")
    unpacked = factory.create("StringTensorUnpack", [text.output(0)]).outputs()
    packed = factory.create("StringTensorPack", unpacked).outputs()
    ov.save_model(ov.Model([ops.result(packed[0], name="same")], [text], "strings_ext"), str(path))
    return path


def test_a_tokenizer_model_opens_in_a_fresh_process(tmp_path: Path) -> None:
    xml = _make_extension_ir(tmp_path / "ext.xml")
    env = {**os.environ, "OPENVINO_TELEMETRY_DISABLE": "1"}
    out = subprocess.run([sys.executable, "-m", "ovexplorer", "info", str(xml)], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "StringTensorUnpack" in out.stdout and "text  [?]  string" in out.stdout


def test_unknown_extension_op_names_openvino_tokenizers(tmp_path: Path) -> None:
    from ovexplorer.core.model.document import map_openvino_error

    raw = "Cannot create StringTensorUnpack layer StringTensorUnpack_2 id:1 from unsupported opset: extension"
    message = map_openvino_error(RuntimeError(raw), tmp_path / "m.xml").message
    assert "openvino-tokenizers" in message
