"""A Git LFS pointer saved in place of a model or weights file (a clone without git-lfs) is named as such."""

from __future__ import annotations

from pathlib import Path

import pytest
from models import make_tiny_ir

from ovexplorer.cli import main
from ovexplorer.core.model.document import open_model
from ovexplorer.core.util import errors

POINTER = ("version https://git-lfs.github.com/spec/v1\n"
           "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize {size}\n")


@pytest.mark.parametrize("which", ["xml", "bin", "onnx"])
def test_lfs_pointer_is_named(tmp_path: Path, which: str, capsys: pytest.CaptureFixture[str]) -> None:
    xml = make_tiny_ir(tmp_path / "model.xml")
    target = {"xml": xml, "bin": xml.with_suffix(".bin"), "onnx": tmp_path / "model.onnx"}[which]
    target.write_text(POINTER.format(size=123456789))
    with pytest.raises(errors.ModelLoadError) as info:
        open_model(target if which == "onnx" else xml)
    message = info.value.message
    assert f"{target.name} is a Git LFS pointer" in message and "117.7 MiB" in message
    assert "git lfs pull" in message
    assert main(["info", str(target if which == "onnx" else xml)]) == 2
    assert "Git LFS pointer" in capsys.readouterr().err
