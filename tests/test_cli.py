"""The ``ovexplorer info`` command, in process and as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ovexplorer.cli import main


def test_info_text(tiny_ir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", str(tiny_ir)]) == 0
    out = capsys.readouterr().out
    assert "Operations:  5 (5 types)" in out
    assert "Parameters:  108" in out
    assert "input  [1,3,8,8]  f32" in out
    assert "output  [1,4,8,8]  f32" in out
    assert "f32 432 B" in out
    assert "Compressed:  no" in out
    assert "model_info/description" in out


def test_info_json(tiny_ir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", str(tiny_ir), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["op_count"] == 5
    assert data["op_types"]["Convolution"] == 1
    assert data["inputs"] == [{"name": "input", "shape": "[1,3,8,8]", "element_type": "f32", "names": ["input"]}]
    assert data["parameter_count"] == 108
    assert data["weight_bytes"] == {"f32": 432}
    assert data["compressed"] is False


def test_info_reports_compressed_weights(tiny_ir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ovexplorer.core.model.document import open_model

    half = open_model(tiny_ir).save_ir(tmp_path / "half.xml", compress_to_fp16=True)
    assert main(["info", str(half), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["compressed"] is True and data["compressed_types"] == ["f16"]


def test_info_bad_file_is_one_line_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "picture.xml"
    bad.write_text("<svg/>")
    out = subprocess.run(
        [sys.executable, "-m", "ovexplorer", "info", str(bad)], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 2
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "picture.xml" in lines[0] and "Traceback" not in out.stderr


@pytest.mark.parametrize("name", ["missing.xml", "empty.xml"])
def test_info_missing_and_empty(tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    if name == "empty.xml":
        (tmp_path / name).write_bytes(b"")
    assert main(["info", str(tmp_path / name)]) == 2
    err = capsys.readouterr().err
    assert name in err and len(err.strip().splitlines()) == 1
