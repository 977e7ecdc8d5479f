"""The document core: opening models, the extracted graph, Save as IR, memory-mapped weights."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import openvino as ov
import pytest
from models import counting_loop_model, make_big_weights_ir

from ovexplorer.core.model.categories import CATEGORIES, CATEGORY_COLORS, category_of
from ovexplorer.core.model.document import open_model, resolve_model_path
from ovexplorer.core.model.graph import parse_dims


def test_open_ir_extracts_nodes_ports_edges(tiny_ir: Path) -> None:
    doc = open_model(tiny_ir)
    g = doc.graph
    assert doc.format == "OpenVINO IR v11"
    assert doc.weights_path == tiny_ir.with_suffix(".bin")
    assert [n.type for n in g.nodes] == ["Parameter", "Constant", "Convolution", "Relu", "Result"]
    conv = g.find("__module.conv1/aten::conv2d/Convolution")
    assert conv is not None and conv.opset == "opset1" and conv.category == "layer"
    assert conv.attributes["strides"] == [1, 1]
    assert conv.inputs[0].shape == "[1,3,8,8]" and conv.inputs[0].dims == (1, 3, 8, 8)
    assert conv.outputs[0].element_type == "f32"
    assert [g.nodes[p].name for p in g.producers(conv.id)] == ["input", "conv.weight"]
    assert [g.nodes[c].type for c in g.consumers(conv.id)] == ["Relu"]
    edge = next(e for e in g.edges if e.dst == conv.id and e.dst_port == 1)
    assert g.nodes[edge.src].name == "conv.weight" and edge.src_port == 0
    const = g.find("conv.weight").const
    assert const.shape == (4, 3, 3, 3) and const.element_type == "f32" and const.byte_size == 4 * 108
    assert g.nodes[g.inputs[0]].name == "input" and g.nodes[g.outputs[0]].type == "Result"
    assert g.nodes[g.inputs[0]].outputs[0].names == ("input",)
    assert g.rt_info["model_info"]["description"] == "tiny test model"
    assert len(g.edges) == 4 and g.edge_array().shape == (4, 2)


def test_node_ids_are_stable_across_reads(tiny_ir: Path) -> None:
    a, b = open_model(tiny_ir).graph, open_model(tiny_ir).graph
    assert [(n.id, n.name) for n in a.nodes] == [(n.id, n.name) for n in b.nodes]


def test_if_bodies_become_child_graphs(if_ir: Path) -> None:
    g = open_model(if_ir).graph
    node = g.find("branch")
    assert node.type == "If" and node.category == "control"
    then_body, else_body = node.subgraphs
    assert then_body.name == "branch/then" and else_body.name == "branch/else"
    assert "Relu" in [n.type for n in then_body.nodes]
    assert "Negative" in [n.type for n in else_body.nodes]
    assert len(then_body.inputs) == 1 and len(then_body.outputs) == 1


def test_loop_body_is_a_child_graph(tmp_path: Path) -> None:
    path = tmp_path / "loop.xml"
    ov.save_model(counting_loop_model(), str(path))
    g = open_model(path).graph
    (body_graph,) = g.find("loop").subgraphs
    assert body_graph.name == "loop/body" and "Add" in [n.type for n in body_graph.nodes]


def test_bin_path_resolves_to_xml(tiny_ir: Path) -> None:
    assert resolve_model_path(tiny_ir.with_suffix(".bin")) == tiny_ir


def test_explicit_weights_path(tiny_ir: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere" / "weights.bin"
    other.parent.mkdir()
    tiny_ir.with_suffix(".bin").rename(other)
    doc = open_model(tiny_ir, other)
    assert doc.weights_path == other and doc.graph.find("conv.weight") is not None


def test_open_onnx_through_openvino(tmp_path: Path) -> None:
    onnx_path = Path(__file__).parent / "data" / "add.onnx"
    doc = open_model(onnx_path)
    assert doc.format == "ONNX"
    assert [n.type for n in doc.graph.nodes].count("Add") == 1


def test_save_as_ir_with_and_without_fp16(tiny_ir: Path, tmp_path: Path) -> None:
    doc = open_model(tiny_ir)
    plain = doc.save_ir(tmp_path / "out" / "plain.xml")
    half = doc.save_ir(tmp_path / "out" / "half", compress_to_fp16=True)
    assert plain.exists() and plain.with_suffix(".bin").exists() and half.suffix == ".xml"
    assert open_model(plain).graph.find("conv.weight").const.element_type == "f32"
    half_graph = open_model(half).graph
    assert any(n.const is not None and n.const.element_type == "f16" for n in half_graph.nodes)
    # the open document is unchanged by the compressed save
    assert doc.graph.find("conv.weight").const.element_type == "f32"
    core = ov.Core()
    x = np.random.default_rng(1).standard_normal((1, 3, 8, 8)).astype(np.float32)
    a = core.compile_model(str(tiny_ir), "CPU")(x)[0]
    b = core.compile_model(str(half), "CPU")(x)[0]
    np.testing.assert_allclose(a, b, rtol=2e-2, atol=5e-2)  # fp16 weights
    assert not list((tmp_path / "out").glob(".ovexplorer-save-*"))


def test_save_as_refuses_to_overwrite_the_open_model(tiny_ir: Path) -> None:
    from ovexplorer.core.util.errors import OvexplorerError

    doc = open_model(tiny_ir)
    before = tiny_ir.read_bytes()
    with pytest.raises(OvexplorerError, match="open"):
        doc.save_ir(tiny_ir)
    assert tiny_ir.read_bytes() == before


def test_weights_stay_memory_mapped(tmp_path: Path) -> None:
    """Opening a model with 1 GiB of weights adds far less than 1 GiB of resident memory."""
    path = make_big_weights_ir(tmp_path / "big.xml", 1024)
    code = f"""
import sys
def rss():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS'):
            return int(line.split()[1]) * 1024
from ovexplorer.core.model.document import open_model, shared_core
shared_core()
before = rss()
doc = open_model({str(path)!r})
assert doc.graph.find('w').const.byte_size == 1 << 30
print(rss() - before)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    added = int(out.stdout.strip().splitlines()[-1])
    assert added < 150 * 1024 * 1024, f"opening added {added / 2**20:.0f} MiB"


def test_parse_dims() -> None:
    assert parse_dims("[1,?,3..8,224]") == (1, -1, -1, 224)
    assert parse_dims("[...]") is None
    assert parse_dims("[]") == ()


def test_categories_cover_common_ops() -> None:
    assert category_of("Convolution") == "layer"
    assert category_of("Relu") == "activation"
    assert category_of("MVN") == "normalization"
    assert category_of("MaxPool") == "pooling"
    assert category_of("Reshape") == "shape"
    assert category_of("Concat") == "tensor"
    assert category_of("Add") == "arithmetic"
    assert category_of("Loop") == "control"
    assert category_of("FakeQuantize") == "quantization"
    assert category_of("SomethingNew") == "other"
    assert set(CATEGORIES) == set(CATEGORY_COLORS)


def test_core_imports_no_qt() -> None:
    code = (
        "import sys, ovexplorer.core, ovexplorer.core.model.document, ovexplorer.core.model.graph\n"
        "import ovexplorer.core.model.summary\n"
        "import ovexplorer.cli\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'pyqtgraph'))]\n"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
