"""Every bad input listed in the foundation issue gives its own error type and a message naming the file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ovexplorer.core.model.document import open_model
from ovexplorer.core.util import errors


def _edit(ir: Path, old: str, new: str) -> Path:
    text = ir.read_text()
    assert old in text, f"{old!r} not in the test IR"
    ir.write_text(text.replace(old, new, 1))
    return ir


def _expect(path: Path, kind: type[errors.ModelLoadError], *words: str) -> errors.ModelLoadError:
    with pytest.raises(kind) as info:
        open_model(path)
    exc = info.value
    assert path.name in exc.message, exc.message
    assert "Exception from src" not in exc.message
    for word in words:
        assert word.lower() in exc.message.lower(), exc.message
    return exc


def test_file_not_found(tmp_path: Path) -> None:
    _expect(tmp_path / "missing.xml", errors.ModelFileNotFound, "does not exist")


def test_directory(tmp_path: Path) -> None:
    d = tmp_path / "folder.xml"
    d.mkdir()
    _expect(d, errors.ModelIsDirectory, "folder")


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.xml"
    p.write_bytes(b"")
    _expect(p, errors.EmptyModelFile, "empty")


def test_svg_is_not_an_ir(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "picture.xml"
    p.write_text('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>')
    _expect(p, errors.NotAModel, "<svg>")
    assert capfd.readouterr().err == ""  # no frontend noise


def test_renamed_bin_is_not_an_ir(tiny_ir: Path, tmp_path: Path) -> None:
    p = tmp_path / "renamed.xml"
    p.write_bytes(tiny_ir.with_suffix(".bin").read_bytes())
    _expect(p, errors.NotAModel, "not an xml")


def test_lone_bin_file(tmp_path: Path) -> None:
    p = tmp_path / "weights.bin"
    p.write_bytes(b"\x00" * 16)
    _expect(p, errors.NotAModel, ".xml")


def test_doctype_opens_with_its_entities_unexpanded_as_openvino_reads_it(tiny_ir: Path) -> None:
    _edit(tiny_ir, '<?xml version="1.0"?>', '<?xml version="1.0"?>\n<!DOCTYPE net [<!ENTITY a "aaaa">]>')
    _edit(tiny_ir, 'name="tiny"', 'name="&a;"')
    assert open_model(tiny_ir).name == "&a;"  # OpenVINO's parser ignores the DOCTYPE; the pre-check never expands


def test_malformed_xml_reports_line_and_column(tiny_ir: Path) -> None:
    text = tiny_ir.read_text()
    tiny_ir.write_text(text[: len(text) // 2])
    exc = _expect(tiny_ir, errors.MalformedXml, "line")
    assert exc.line > 1 and exc.column > 0
    assert re.search(r"line \d+, column \d+", exc.message)


def test_weights_file_missing(tiny_ir: Path) -> None:
    tiny_ir.with_suffix(".bin").unlink()
    _expect(tiny_ir, errors.WeightsMissing, "tiny.bin", "missing")


def test_weights_file_truncated(tiny_ir: Path) -> None:
    b = tiny_ir.with_suffix(".bin")
    b.write_bytes(b.read_bytes()[:100])
    _expect(tiny_ir, errors.WeightsTruncated, "conv.weight", "100 bytes")


def test_offset_past_end_of_weights(tiny_ir: Path) -> None:
    _edit(tiny_ir, 'offset="0"', 'offset="4096"')
    _expect(tiny_ir, errors.WeightsTruncated, "conv.weight")


def test_unsupported_ir_version(tiny_ir: Path) -> None:
    _edit(tiny_ir, 'version="11"', 'version="7"')
    _expect(tiny_ir, errors.UnsupportedIrVersion, "version 7")


def test_unknown_operation_type(tiny_ir: Path) -> None:
    _edit(tiny_ir, 'type="ReLU"', 'type="FancyNewOp"')
    exc = _expect(tiny_ir, errors.UnknownOperation, "FancyNewOp")
    assert exc.op_type == "FancyNewOp"
    assert exc.detail  # OpenVINO's raw text kept for the details view


def test_edge_to_missing_layer(tiny_ir: Path) -> None:
    _edit(tiny_ir, 'from-layer="0"', 'from-layer="77"')
    _expect(tiny_ir, errors.BrokenGraph, "77")


def test_edge_to_missing_port(tiny_ir: Path) -> None:
    _edit(tiny_ir, 'from-layer="0" from-port="0"', 'from-layer="0" from-port="9"')
    _expect(tiny_ir, errors.BrokenGraph, "port 9")


def test_shapes_that_do_not_fit(tiny_ir: Path) -> None:
    _edit(tiny_ir, 'shape="1,3,8,8"', 'shape="1,5,8,8"')
    _expect(tiny_ir, errors.BrokenGraph, "shapes")


def test_not_a_model_of_another_format(tmp_path: Path) -> None:
    p = tmp_path / "garbage.onnx"
    p.write_bytes(b"\x08\x07garbage that is not protobuf \xff\xfe")
    with pytest.raises(errors.ModelLoadError) as info:
        open_model(p)
    assert "garbage.onnx" in info.value.message
    assert "Exception from src" not in info.value.message


def test_openvino_reason_skips_source_locations() -> None:
    from ovexplorer.core.util.errors import openvino_reason

    text = ("Exception from src/core/src/model.cpp:42:\n"
            "Check 'false' failed at src/frontends/ir/src/ir_deserializer.cpp:1:\n"
            "Input 'x' has no consumer\n")
    assert openvino_reason(text) == "Input 'x' has no consumer"
    assert openvino_reason("Check 'rank == 2' failed at src/a.cpp:1:\n") == (
        "an internal consistency check failed (rank == 2)")
    assert openvino_reason("") == "unknown error"


def test_openvino_reason_is_kept_past_the_first_line() -> None:
    """The CPU plugin and shape inference put the reason on later lines: it is kept, only source locations go."""
    from ovexplorer.core.model.document import _first_message

    read_value = ("Exception from src/inference/src/cpp/core.cpp:109:\n"
                  "Exception from src/plugins/intel_cpu/src/node.cpp:1510:\n"
                  "Node ReadValue_3 of type ReadValueWithSubgraph\ndoesn't have sibling output\n\n")
    assert _first_message(read_value) == "Node ReadValue_3 of type ReadValueWithSubgraph doesn't have sibling output"


def test_reshape_error_says_why(tmp_path: Path) -> None:
    import numpy as np
    import openvino as ov
    import openvino.opset13 as ops

    from ovexplorer.core.run.session import reshape_inputs

    x = ops.parameter([-1, 3], ov.Type.f32, name="x")
    model = ov.Model([ops.result(ops.reshape(x, ops.constant(np.int64([3, 3])), False))], [x])
    with pytest.raises(errors.InputError) as info:
        reshape_inputs(model, {"x": (2, 3)})
    message = info.value.message
    assert "Requested output shape [3,3] is incompatible with input shape" in message
    assert "friendly_name 'Reshape" in message and "src/core" not in message and ".hpp" not in message
