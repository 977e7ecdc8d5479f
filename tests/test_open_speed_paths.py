"""The shortcuts that make opening large models fast keep behaviour: rt_info, shared ports, IR checks, collector."""

from __future__ import annotations

import gc
from pathlib import Path

import numpy as np
import openvino as ov
import openvino.opset13 as ops
import pytest

from ovexplorer.core.model.document import open_model
from ovexplorer.core.model.graph import extract_graph
from ovexplorer.core.model.ir_check import validate_ir
from ovexplorer.core.util import errors


@pytest.fixture
def gc_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_opening_and_failing_leave_the_collector_on(gc_on, tiny_ir: Path, tmp_path: Path) -> None:
    open_model(tiny_ir).close()
    assert gc.isenabled()
    broken = tmp_path / "broken.xml"
    broken.write_text(tiny_ir.read_text().replace('from-layer="0"', 'from-layer="77"', 1))
    with pytest.raises(errors.BrokenGraph):
        validate_ir(broken, tiny_ir.with_suffix(".bin"))
    assert gc.isenabled()


def test_rt_info_of_constants_read_back_the_same_every_time(tiny_ir: Path) -> None:
    # Constants read from an IR carry an opaque rt_info entry; the second read takes a shortcut
    first = open_model(tiny_ir).graph.find("conv.weight").rt_info
    second = open_model(tiny_ir).graph.find("conv.weight").rt_info
    assert dict(first) == dict(second)
    assert any(k.startswith("WeightlessCacheAttribute") for k in first)


def test_rt_info_values_become_python_values() -> None:
    p = ops.parameter([1, 4], ov.Type.f32, name="x")
    r = ops.relu(p, name="relu")
    r.get_rt_info()["note"] = "kept"
    r.get_rt_info()["count"] = 3
    graph, _ = extract_graph(ov.Model([ops.result(r)], [p], "m"))
    info = graph.find("relu").rt_info
    assert info["note"] == "kept" and info["count"] == 3


def test_nodes_share_equal_ports_but_keep_their_own_tensor_names() -> None:
    p = ops.parameter([2, 3], ov.Type.f32, name="x")
    a = ops.relu(p, name="a")
    b = ops.relu(a, name="b")
    c = ops.negative(b, name="c")
    b.output(0).get_tensor().set_names({"middle"})
    graph, _ = extract_graph(ov.Model([ops.result(c)], [p], "m"))
    na, nb, nc = graph.find("a"), graph.find("b"), graph.find("c")
    assert na.outputs[0].names == () and nb.outputs[0].names == ("middle",)
    assert nc.inputs[0].names == () and nc.inputs[0].shape == "[2,3]" and nc.inputs[0].element_type == "f32"
    assert nb.inputs[0] == na.outputs[0]


def test_constant_info_without_numpy(tmp_path: Path) -> None:
    p = ops.parameter([2, 3], ov.Type.f32, name="x")
    w = ops.constant(np.ones((2, 3), dtype=np.float16), name="w")
    add = ops.add(p, ops.convert(w, ov.Type.f32), name="add")
    graph, _ = extract_graph(ov.Model([ops.result(add)], [p], "m"))
    const = graph.find("w").const
    assert const.shape == (2, 3) and const.element_type == "f16"
    assert const.element_count == 6 and const.byte_size == 12 and type(const.element_count) is int


def test_ir_check_reads_every_port_section(tiny_ir: Path) -> None:
    # ports listed in two <input> sections both count, as in the IR reader
    text = tiny_ir.read_text()
    assert validate_ir(tiny_ir, tiny_ir.with_suffix(".bin")).version == 11
    head, sep, tail = text.partition("</input>")
    assert sep
    tiny_ir.write_text(head + sep + "<input></input>" + tail)
    assert validate_ir(tiny_ir, tiny_ir.with_suffix(".bin")).version == 11


def test_ir_check_finds_a_bad_body_edge(tmp_path: Path) -> None:
    from models_graph import loop_model

    ir = tmp_path / "loop.xml"
    ov.save_model(loop_model(), str(ir), compress_to_fp16=False)
    text = ir.read_text()
    edge_at = text.index("<edge ", text.index("<body>"))
    ir.write_text(text[:edge_at] + text[edge_at:].replace('from-layer="', 'from-layer="99" x="', 1))
    with pytest.raises(errors.BrokenGraph) as info:
        validate_ir(ir, ir.with_suffix(".bin"))
    assert "in the body of" in info.value.message and "99" in info.value.message


def test_a_refused_ir_keeps_no_model_alive(tiny_ir: Path) -> None:
    # when the check refuses the file, nothing may keep an OpenVINO model of it (on Windows: a locked .bin)
    tiny_ir.write_text(tiny_ir.read_text().replace('from-layer="0"', 'from-layer="77"', 1))
    with pytest.raises(errors.BrokenGraph) as info:
        open_model(tiny_ir)
    tb = info.value.__traceback__
    while tb is not None:
        for value in tb.tb_frame.f_locals.values():
            assert not isinstance(value, ov.Model)
            assert getattr(value, "model", None) is None or not isinstance(value.model, ov.Model)
        tb = tb.tb_next


def test_an_ir_openvino_refuses_still_names_the_problem(gc_on, tiny_ir: Path) -> None:
    tiny_ir.write_text(tiny_ir.read_text().replace('type="ReLU"', 'type="FancyNewOp"', 1))
    with pytest.raises(errors.UnknownOperation):
        open_model(tiny_ir)
    assert gc.isenabled()


def _renumber(text: str, old: str, new: str) -> str:
    for attr in ("<layer id", "from-layer", "to-layer"):
        text = text.replace(f'{attr}="{old}"', f'{attr}="{new}"')
    return text


def test_ir_check_accepts_layers_numbered_out_of_order(tiny_ir: Path) -> None:
    # edges usually run from lower to higher ids (no cycle search needed); other numberings are searched
    text = _renumber(_renumber(_renumber(tiny_ir.read_text(), "0", "X"), "4", "0"), "X", "4")
    assert 'from-layer="4" from-port="0" to-layer="2"' in text and 'to-layer="0"' in text
    tiny_ir.write_text(text)
    assert validate_ir(tiny_ir, tiny_ir.with_suffix(".bin")).version == 11
    assert {n.type for n in open_model(tiny_ir).graph.nodes} >= {"Parameter", "Result", "Convolution"}


def test_ir_check_finds_a_cycle_among_out_of_order_ids(tiny_ir: Path) -> None:
    text = tiny_ir.read_text().replace('<edge from-layer="0" from-port="0" to-layer="2" to-port="0" />',
                                       '<edge from-layer="3" from-port="1" to-layer="2" to-port="0" />')
    tiny_ir.write_text(text)
    with pytest.raises(errors.BrokenGraph) as info:
        validate_ir(tiny_ir, tiny_ir.with_suffix(".bin"))
    assert "cycle" in info.value.message


def test_ir_check_names_the_first_element_past_the_depth_limit(tiny_ir: Path) -> None:
    from ovexplorer.core.model.ir_check import MAX_XML_DEPTH

    text = tiny_ir.read_text()
    deep = "<a>" * (MAX_XML_DEPTH - 3) + "<b><c/></b>" + "</a>" * (MAX_XML_DEPTH - 3)
    at = text.rindex("</rt_info>")  # the model's rt_info: <net> 1, <rt_info> 2, <a> 3..255, <b> 256, <c> 257
    tiny_ir.write_text(text[:at] + deep + text[at:])
    with pytest.raises(errors.NotAModel) as info:
        validate_ir(tiny_ir, tiny_ir.with_suffix(".bin"))
    assert "(at <c>)" in info.value.message


def test_layout_pauses_collection_without_freezing(gc_on) -> None:
    from models_graph import transformer_model

    from ovexplorer.core.layout.graph_layout import GraphLayouter, _collector_off

    graph, _ = extract_graph(transformer_model(2))
    frozen = gc.get_freeze_count()
    layout = GraphLayouter(graph).layout()
    assert layout.nodes and gc.isenabled()
    assert gc.get_freeze_count() == frozen  # layouts come and go: they stay collectable
    with pytest.raises(RuntimeError), _collector_off():
        with _collector_off():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner use does not switch collection back on
        raise RuntimeError("boom")
    assert gc.isenabled()
