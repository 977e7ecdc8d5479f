"""The first view of a graph (issue 18, issue 14's graph items): every op drawn where the layout is cheap, the
outline with its start open beyond; inputs and outputs outside automatic parts; constants and decompression
chains folded into the op they feed, listed in its inspector."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openvino as ov
import pytest
from models_graph import transformer_model, unnamed_resnet_model
from models_weights import save, square_chain_model
from PySide6.QtCore import QPointF, QRectF, Qt
from qt_helpers import open_graph

from ovexplorer.core.layout.graph_layout import GraphLayouter, LayoutOptions, first_view
from ovexplorer.core.layout.graph_view_state import GraphViewState
from ovexplorer.core.layout.grouping import ROOT, group_by_scope
from ovexplorer.core.layout.weight_chains import chain_types, constant_derived, folded_inputs, shown_for
from ovexplorer.core.model.graph import extract_graph
from ovexplorer.ui.shell.main_window import MainWindow

TIMEOUT = 30000


def _chain_graph(mode: str, layers: int = 3):
    rng = np.random.default_rng(7)
    weights = [rng.standard_normal((64, 64)).astype(np.float32) for _ in range(layers)]
    return extract_graph(square_chain_model(weights, mode))[0]


@pytest.mark.parametrize(("mode", "stored", "chain"), [
    ("f16", "64×64", ["Convert"]),
    ("u8", "64×64", ["Convert", "Subtract", "Multiply", "Convert"]),
    ("u4", "64×2×32", ["Convert", "Subtract", "Multiply", "Reshape", "Convert"]),  # groups of 32
])
def test_decompression_chains_fold_into_the_matmul_they_feed(mode: str, stored: str, chain: list[str]) -> None:
    graph = _chain_graph(mode)
    lay = GraphLayouter(graph).layout()
    drawn = sorted(graph.nodes[b.id].type for b in lay.nodes)
    assert drawn == ["MatMul"] * 3 + ["Parameter", "Result"]  # no Convert/Subtract/Multiply/Reshape box
    for b in lay.nodes:
        if graph.nodes[b.id].type == "MatMul":
            assert b.lines[1] == f"weight ⟨{stored}⟩ {mode}", b.lines  # the weight, as stored
            (head,) = folded_inputs(graph, b.id)
            assert chain_types(graph, head) == chain
    # shown unfolded when constants are shown
    unfolded = GraphLayouter(graph, LayoutOptions(fold_constants=False)).layout()
    assert {graph.nodes[b.id].type for b in unfolded.nodes} >= set(chain)


def test_only_constant_computations_fold() -> None:
    graph = _chain_graph("u8", layers=1)
    derived = constant_derived(graph)
    for node in graph.nodes:
        if node.type in ("Parameter", "MatMul", "Result"):
            assert not derived[node.id]
        else:
            assert derived[node.id], node.type
    # an activation converted, then multiplied, is not a weight
    x = ov.opset13.parameter([1, 4], ov.Type.f16, name="x")
    y = ov.opset13.multiply(ov.opset13.convert(x, "f32"), ov.opset13.constant(np.float32(2.0)))
    act = extract_graph(ov.Model([ov.opset13.result(y)], [x], "act"))[0]
    assert [n.type for n in act.nodes if constant_derived(act)[n.id]] == ["Constant"]


def test_selecting_a_folded_node_selects_the_op_it_feeds() -> None:
    graph = _chain_graph("u8", layers=1)
    matmul = next(n.id for n in graph.nodes if n.type == "MatMul")
    for node in graph.nodes:
        if constant_derived(graph)[node.id]:
            assert shown_for(graph, node.id) == matmul
    state = GraphViewState()
    state.set_document(type("Doc", (), {"graph": graph, "name": "chain"})())
    subtract = next(n.id for n in graph.nodes if n.type == "Subtract")
    assert state.select(subtract) == matmul


def test_inputs_and_outputs_show_their_tensor_name_and_shape() -> None:
    graph = extract_graph(transformer_model(1))[0]
    lay = GraphLayouter(graph).layout(frozenset(range(100)))
    lines = {graph.nodes[b.id].type + ":" + b.lines[1]: b.lines for b in lay.nodes
             if graph.nodes[b.id].type in ("Parameter", "Result")}
    assert lines["Parameter:input_ids"][2] == "[1,?]"
    assert lines["Result:logits"][2] == "[1,?,64]"


def test_a_cheap_graph_opens_with_every_op_drawn() -> None:
    graph = extract_graph(unnamed_resnet_model(240))[0]  # 1,200 ops, no name scopes: a chain, cheap to lay out
    _, lay = first_view(graph)
    assert not lay.groups and len(lay.nodes) == sum(1 for n in graph.nodes if n.type != "Constant")
    small = extract_graph(transformer_model(4))[0]  # named scopes: all groups open, every op drawn
    _, lay = first_view(small)
    assert len(lay.nodes) == sum(1 for n in small.nodes if n.type != "Constant")
    assert all(g.expanded for g in lay.groups)


def test_a_costly_graph_opens_as_an_outline_whose_start_is_open() -> None:
    graph = extract_graph(transformer_model(60))[0]  # ~4,000 ops in 600 groups: a second or more to lay out
    full = GraphLayouter(graph, grouping=group_by_scope(graph))
    assert full.expansion_cost(frozenset(range(len(full.grouping.groups)))) > 10_000
    _, lay = first_view(graph)
    assert 40 <= len(lay.nodes) <= 250 and len(lay.groups) >= 55
    top = min(lay.nodes, key=lambda b: b.y).y
    assert sum(1 for b in lay.nodes if b.y < top + 2000) >= 20  # ops at the start, where the first view looks
    assert {graph.nodes[b.id].type for b in lay.nodes} >= {"Parameter", "Result"}


def test_the_choice_follows_the_cost_not_the_op_count() -> None:
    graph = extract_graph(unnamed_resnet_model(240))[0]
    _, cheap = first_view(graph, max_cost=10**6)
    _, costly = first_view(graph, max_cost=0)
    assert not cheap.groups
    parts = [g for g in costly.groups if g.depth == 1]
    assert len(parts) > 5 and not parts[-1].expanded
    # the model's input and output stay outside the parts, named distinctly
    assert sorted(graph.nodes[b.id].type for b in costly.nodes if b.group == ROOT) == ["Parameter", "Result"]
    assert len({g.label for g in parts}) == len(parts)


def test_the_inspector_of_a_matmul_lists_its_folded_weight(qtbot, window: MainWindow, tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    path = save(square_chain_model([rng.standard_normal((64, 64)).astype(np.float32)], "u8"), tmp_path / "u8.xml")
    panel = open_graph(qtbot, window, path)
    graph = window.document.graph
    matmul = next(n.id for n in graph.nodes if n.type == "MatMul")
    assert {graph.nodes[b.id].type for b in panel.layout_data.nodes} == {"Parameter", "MatMul", "Result"}
    pos = panel.view.scene_pos_of_node(matmul)
    panel.view.centerOn(pos)
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=panel.view.mapFromScene(pos))
    qtbot.waitUntil(lambda: "Weights" in window.inspector.text(), timeout=TIMEOUT)
    text = window.inspector.text()
    assert "layer0.weight" in text and "64×64" in text
    assert "u8 → Convert → Subtract → Multiply → Convert" in text


def test_a_cnn_without_name_scopes_shows_its_ops_in_the_first_view(qtbot, window: MainWindow,
                                                                   tmp_path: Path) -> None:
    path = tmp_path / "cnn.xml"
    ov.save_model(unnamed_resnet_model(240), str(path), compress_to_fp16=True)  # f16 weights: Const→Convert
    panel = open_graph(qtbot, window, path)
    graph, lay = window.document.graph, panel.layout_data
    visible = panel.view.mapToScene(panel.view.viewport().rect()).boundingRect()
    painted = [b for b in lay.nodes if visible.intersects(QRectF(b.x, b.y, b.w, b.h))]
    types = {graph.nodes[b.id].type for b in painted}
    assert len(painted) >= 8 and "Convolution" in types and "Parameter" in types
    assert "Convert" not in {graph.nodes[b.id].type for b in lay.nodes}  # f16 weights folded
    assert not lay.groups
    centre = visible.center()
    assert panel.view.item.boundingRect().contains(QPointF(centre.x(), centre.y()))
