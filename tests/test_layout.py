"""Graph layout core (no Qt): layering, overlaps, determinism, grouping, bad inputs."""

from __future__ import annotations

import itertools
import time
import xml.etree.ElementTree as ET
from types import MappingProxyType

import numpy as np
import pytest
from models_graph import fan_in_model, loop_model, transformer_model, unnamed_duplicates_model, unnamed_resnet_model

from ovexplorer.core.layout.graph_layout import GraphLayout, GraphLayouter, LayoutOptions, layout_graph
from ovexplorer.core.layout.grouping import ROOT, SECTIONS_MAX, add_sections, group_by_scope, scope_of
from ovexplorer.core.layout.layered import inversions, layered_layout
from ovexplorer.core.layout.layout_svg import layout_to_svg
from ovexplorer.core.model.graph import Edge, Graph, Node, Port, extract_graph
from ovexplorer.core.util.atomic import atomic_write_bytes


@pytest.fixture(scope="module")
def small_graph() -> Graph:
    return extract_graph(transformer_model(2))[0]


@pytest.fixture(scope="module")
def medium_graph() -> Graph:
    return extract_graph(transformer_model(12))[0]


def _disjoint(boxes: list[tuple[float, float, float, float]]) -> bool:
    if len(boxes) < 2:
        return True
    a = np.array(boxes)
    x0, y0, x1, y1 = a[:, 0], a[:, 1], a[:, 0] + a[:, 2], a[:, 1] + a[:, 3]
    overlap = (x0[:, None] < x1[None, :] - 0.01) & (x0[None, :] < x1[:, None] - 0.01) & (
        y0[:, None] < y1[None, :] - 0.01) & (y0[None, :] < y1[:, None] - 0.01)
    np.fill_diagonal(overlap, False)
    return not overlap.any()


def _inside(inner, outer) -> bool:
    return (inner[0] >= outer[0] - 0.01 and inner[1] >= outer[1] - 0.01
            and inner[0] + inner[2] <= outer[0] + outer[2] + 0.01 and inner[1] + inner[3] <= outer[1] + outer[3] + 0.01)


def _check_geometry(lay: GraphLayout, layouter: GraphLayouter) -> None:
    """Leaf boxes never overlap, every box lies in its group's frame, sibling frames never overlap."""
    leaves = [(n.x, n.y, n.w, n.h) for n in lay.nodes] + [(g.x, g.y, g.w, g.h) for g in lay.groups if not g.expanded]
    assert _disjoint(leaves)
    frames = {g.id: (g.x, g.y, g.w, g.h) for g in lay.groups}
    for n in lay.nodes:
        if n.group != ROOT:
            assert _inside((n.x, n.y, n.w, n.h), frames[n.group])
    by_parent: dict[int, list] = {}
    for g in lay.groups:
        parent = layouter.grouping.groups[g.id].parent
        by_parent.setdefault(parent, []).append(frames[g.id])
        if parent != ROOT:
            assert _inside(frames[g.id], frames[parent])
    for sibling_frames in by_parent.values():
        assert _disjoint(sibling_frames)


def test_scope_of_pytorch_onnx_and_plain_names() -> None:
    assert scope_of("__module.model.layers.0.self_attn.q_proj/aten::linear/MatMul") == (
        "model", "layers.0", "self_attn", "q_proj")
    assert scope_of("/model/layers.3/mlp/MatMul") == ("model", "layers.3", "mlp")
    assert scope_of("model/dense/MatMul") == ("model", "dense")
    assert scope_of("Relu_12") == ()
    assert scope_of("") == ()


def test_grouping_keeps_every_node_exactly_once(medium_graph: Graph) -> None:
    grouping = group_by_scope(medium_graph)
    members = [v for g in grouping.groups for v in g.nodes]
    assert sorted(members) == list(range(len(medium_graph.nodes)))
    for g in grouping.groups:
        for v in g.nodes:
            assert grouping.node_group[v] == g.id
    assert sorted(grouping.subtree_nodes(ROOT)) == list(range(len(medium_graph.nodes)))
    names = {g.path for g in grouping.groups}
    assert {"model", "model/layers.0", "model/layers.11/self_attn", "model/layers.0/input_layernorm"} <= names
    assert "model/layers.0/self_attn/q_proj" not in names  # a one-op scope dissolves into its parent
    ops = sum(1 for n in medium_graph.nodes if n.type != "Constant")
    assert grouping.groups[ROOT].op_count == ops


def test_every_edge_goes_downward_flat(medium_graph: Graph) -> None:
    layouter = GraphLayouter(medium_graph, LayoutOptions(grouped=False))
    lay = layouter.layout()
    assert len(lay.nodes) == sum(1 for n in medium_graph.nodes if n.type != "Constant")
    boxes = {n.id: n for n in lay.nodes}
    for e in lay.edges:
        ys = [p[1] for p in e.points]
        assert all(b >= a - 0.01 for a, b in itertools.pairwise(ys)), e
        src, dst = boxes[e.src], boxes[e.dst]
        assert src.y + src.h <= dst.y  # the consumer is on a lower rank
    _check_geometry(lay, layouter)
    # Shared rotary cos/sin feed every block: detached into proxies that name them.
    labels = {p.label for p in lay.proxies}
    assert any("Cos" in t for t in labels) and any("Sin" in t for t in labels)


def test_horizontal_edges_go_right(small_graph: Graph) -> None:
    lay = layout_graph(small_graph, LayoutOptions(grouped=False, horizontal=True))
    for e in lay.edges:
        xs = [p[0] for p in e.points]
        assert all(b >= a - 0.01 for a, b in itertools.pairwise(xs))
    assert lay.width > lay.height


def test_grouped_layouts_have_no_overlaps(medium_graph: Graph) -> None:
    layouter = GraphLayouter(medium_graph)
    default = layouter.layout()
    _check_geometry(default, layouter)
    everything = layouter.layout(frozenset(range(len(layouter.grouping.groups))))
    _check_geometry(everything, layouter)
    assert len(everything.nodes) == sum(1 for n in medium_graph.nodes if n.type != "Constant")
    for e in everything.edges:  # downward inside every level, including pieces through frames
        ys = [p[1] for p in e.points]
        assert ys[-1] >= ys[0]


def test_layout_is_deterministic() -> None:
    a = layout_graph(extract_graph(transformer_model(3))[0])
    b = layout_graph(extract_graph(transformer_model(3))[0])
    assert a.nodes == b.nodes and a.groups == b.groups and a.edges == b.edges and a.proxies == b.proxies


def test_default_view_of_a_large_model_is_an_outline() -> None:
    graph = extract_graph(transformer_model(60))[0]
    layouter = GraphLayouter(graph)
    lay = layouter.layout()
    collapsed = [g for g in lay.groups if not g.expanded]
    assert len(collapsed) >= 55 and len(lay.nodes) < 250
    # the start of the graph (where a tall outline's first view looks) is open: its ops are drawn
    first_layer = next(g for g in lay.groups if g.label == "layers.0")
    assert first_layer.expanded
    assert any(first_layer.y < b.y < first_layer.y + first_layer.h for b in lay.nodes)
    layer = next(g for g in collapsed if g.label == "layers.7")
    assert layer.op_count > 30 and layer.group_count >= 3


def test_expanding_a_group_lays_out_only_what_changed(medium_graph: Graph) -> None:
    layouter = GraphLayouter(medium_graph)
    model = next(g.id for g in layouter.grouping.groups if g.path == "model")
    first = layouter.layout(frozenset({ROOT, model}))
    layer = next(g.id for g in layouter.grouping.groups if g.path == "model/layers.5")
    assert layer not in first.expanded
    steps: list[float] = []
    second = layouter.layout(first.expanded | {layer}, progress=lambda f, t: steps.append(f))
    assert layer in second.expanded
    # The layer and the levels holding it (model, root) are new; every other level came from the cache.
    assert len(layouter._cache) == len(first.expanded) + 3
    _check_geometry(second, layouter)
    assert steps[-1] == 1.0
    node = next(n for n in medium_graph.nodes if n.name.startswith("__module.model.layers.9.mlp/"))
    assert set(layouter.expand_to(second.expanded, node.id)) >= set(layouter.grouping.holding_groups(node.id))


def test_constants_can_be_shown(small_graph: Graph) -> None:
    folded = layout_graph(small_graph, LayoutOptions(grouped=False))
    shown = layout_graph(small_graph, LayoutOptions(grouped=False, fold_constants=False))
    assert len(shown.nodes) == len(small_graph.nodes) > len(folded.nodes)
    matmul = next(n for n in folded.nodes if n.lines[0] == "MatMul")
    assert any("weight" in line for line in matmul.lines)


def test_crossings_are_reported_and_no_worse_than_plain_barycenter(medium_graph: Graph) -> None:
    ours = layout_graph(medium_graph, LayoutOptions(grouped=False))
    plain = layout_graph(medium_graph, LayoutOptions(grouped=False, reference=True))
    assert 0 <= ours.crossings <= plain.crossings


def test_inversion_count_matches_brute_force() -> None:
    rng = np.random.default_rng(3)
    for n in (0, 1, 2, 9, 40):
        a = rng.integers(0, 6, n)
        assert inversions(a) == sum(1 for i in range(n) for j in range(i + 1, n) if a[i] > a[j])


def test_thousands_of_edges_into_one_node() -> None:
    graph = extract_graph(fan_in_model(3000))[0]
    start = time.perf_counter()
    lay = layout_graph(graph, LayoutOptions(grouped=False))
    assert time.perf_counter() - start < 20  # generous: it must finish, not hang
    assert len(lay.nodes) == 3002
    outline = layout_graph(graph)  # the default view: the 3,000 inputs in collapsed parts
    assert sum(g.op_count for g in outline.groups if not g.expanded) + len(outline.nodes) == 3002
    assert 1 < len(outline.groups) <= 120


def test_unnamed_and_duplicate_names() -> None:
    graph = extract_graph(unnamed_duplicates_model())[0]
    layouter = GraphLayouter(graph)
    lay = layouter.layout()
    assert len(lay.nodes) == len(graph.nodes)
    _check_geometry(lay, layouter)


def _node(i: int, kind: str, name: str) -> Node:
    port = Port(0, "[2]", (2,), "f32", ())
    return Node(i, name, kind, "opset1", "other", MappingProxyType({}), MappingProxyType({}), (port,), (port,))


def _graph(nodes: list[Node], pairs: list[tuple[int, int]]) -> Graph:
    edges = tuple(Edge(s, 0, d, 0) for s, d in pairs)
    ins = tuple(tuple(i for i, e in enumerate(edges) if e.dst == v) for v in range(len(nodes)))
    outs = tuple(tuple(i for i, e in enumerate(edges) if e.src == v) for v in range(len(nodes)))
    return Graph("g", tuple(nodes), edges, (), (), in_edges=ins, out_edges=outs)


def test_empty_graph_and_body_without_results() -> None:
    empty = layout_graph(_graph([], []))
    assert empty.nodes == () and empty.edges == ()
    body = layout_graph(_graph([_node(0, "Parameter", "p"), _node(1, "Relu", "r")], [(0, 1)]))
    assert len(body.nodes) == 2 and len(body.edges) == 1


def test_cycle_still_lays_out() -> None:
    graph = _graph([_node(i, "Add", f"a{i}") for i in range(4)], [(0, 1), (1, 2), (2, 3), (3, 1)])
    lay = layout_graph(graph)
    assert len(lay.nodes) == 4 and len(lay.edges) == 4
    res = layered_layout(3, [(0, 1), (1, 2), (2, 0)], [10, 10, 10], [10, 10, 10])
    assert len(set(res.rank)) == 3


def test_loop_body_lays_out() -> None:
    graph = extract_graph(loop_model())[0]
    loop = next(n for n in graph.nodes if n.type == "Loop")
    (body,) = loop.subgraphs
    lay = layout_graph(body)
    assert {n.lines[0] for n in lay.nodes} >= {"Parameter", "Add", "Result"}
    assert len(layout_graph(graph).nodes) == 3  # Parameter, Loop, Result (trip count and condition folded)


def test_svg_export_parses(small_graph: Graph, tmp_path) -> None:
    lay = layout_graph(small_graph)
    text = layout_to_svg(lay, show_edge_labels=True)
    root = ET.fromstring(text)
    assert root.tag.endswith("svg")
    part = ET.fromstring(layout_to_svg(lay, rect=(0, 0, 300, 300)))
    assert len(part) < len(root)
    out = atomic_write_bytes(tmp_path / "g.svg", text.encode())
    assert out.read_text().startswith("<svg") and list(tmp_path.iterdir()) == [out]


def test_layout_core_imports_no_qt() -> None:
    import subprocess
    import sys

    code = (
        "import sys, ovexplorer.core.layout.graph_layout, ovexplorer.core.layout.layered, "
        "ovexplorer.core.layout.grouping, ovexplorer.core.layout.layout_svg, ovexplorer.core.layout.search\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'pyqtgraph'))]\n"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr


def test_search_by_name_type_and_tensor(small_graph: Graph) -> None:
    from ovexplorer.core.layout.search import find_nodes

    assert len(find_nodes(small_graph, "scaleddotproductattention")) == 2
    logits = find_nodes(small_graph, "logits")
    assert small_graph.nodes[logits[0]].outputs[0].names == ("logits",)
    assert find_nodes(small_graph, "layers.1.mlp.down_proj/aten::linear/MatMul") == [
        n.id for n in small_graph.nodes if n.name == "__module.model.layers.1.mlp.down_proj/aten::linear/MatMul"]
    assert find_nodes(small_graph, "  ") == [] and find_nodes(small_graph, "no such thing") == []


def test_a_large_graph_without_name_scopes_opens_as_an_outline_of_parts() -> None:
    graph = extract_graph(unnamed_resnet_model(300))[0]  # 1,500 ops, no scopes
    grouping = add_sections(group_by_scope(graph), graph)
    parts = [g for g in grouping.groups if g.parent == ROOT]
    assert 1 < len(parts) <= SECTIONS_MAX
    for k, g in enumerate(parts):  # named by their commonest op types that compute, and the shape they end with
        number, types = g.name.split(" · ")[:2]
        assert number == f"part {k + 1}" and types.startswith(("Convolution ×", "Relu ×")) and "→ 1×4×8×8" in types
    # named alike (the same ops, the same shape), they are told apart by the op they end with
    assert len({g.name for g in parts}) == len(parts)
    # the model's input and output stay outside the parts
    io = [n.id for n in graph.nodes if n.type in ("Parameter", "Result")]
    assert [grouping.node_group[i] for i in io] == [ROOT, ROOT]
    # Every node in exactly one group; each part a run of consecutive operations; constants beside their consumer.
    members = sorted(i for g in grouping.groups for i in g.nodes)
    assert members == list(range(len(graph.nodes)))
    ops = [n.id for n in graph.nodes if n.type != "Constant"]
    spans = [[ops.index(i) for i in g.nodes if graph.nodes[i].type != "Constant"] for g in parts]
    assert all(s == list(range(s[0], s[-1] + 1)) for s in spans)
    assert [s[0] for s in spans] == sorted(s[0] for s in spans)
    for node in graph.nodes:
        if node.type == "Constant":
            consumer = graph.edges[graph.out_edges[node.id][0]].dst
            assert grouping.node_group[node.id] == grouping.node_group[consumer]
    # Parts are cut where few edges cross: at most the two of a residual block's boundary.
    part_of = grouping.node_group
    crossing = [sum(1 for e in graph.edges if part_of[e.src] == g.id != part_of[e.dst]) for g in parts[:-1]]
    assert max(crossing) <= 2
    # The outline: the parts, collapsed but for the first (where the first view looks); expanding one lays out
    # its operations. The model's input and output are drawn.
    layouter = GraphLayouter(graph)
    first = layouter.layout(layouter.default_expanded())
    assert {b.label for b in first.groups} >= {parts[0].name, parts[-1].name}
    assert {b.id for b in first.nodes if b.group == ROOT} == set(io)
    assert parts[0].id in first.expanded and parts[-1].id not in first.expanded
    opened = layouter.layout(layouter.default_expanded() | {parts[-1].id})
    inside = [b for b in opened.nodes if layouter.grouping.contains(parts[-1].id, b.id)]
    assert len(inside) == parts[-1].op_count  # constants fold into their consumers


def test_named_groups_are_not_cut_into_parts(medium_graph: Graph) -> None:
    grouping = group_by_scope(medium_graph)
    assert add_sections(grouping, medium_graph) is grouping


def test_decompression_chains_sit_beside_the_matmul_they_feed() -> None:
    from models_weights import square_chain_model

    rng = np.random.default_rng(4)
    graph = extract_graph(square_chain_model([rng.standard_normal((4, 4)).astype(np.float32) for _ in range(300)],
                                             "u8"))[0]
    lay = layout_graph(graph, LayoutOptions(grouped=False, fold_constants=False))
    # Longest-path ranks put every chain on the first ranks with an edge down to its MatMul: ~45,000 dummies.
    assert lay.dummies < len(graph.nodes)
    box = {b.id: b for b in lay.nodes}
    for node in graph.nodes:
        if node.type == "Multiply":
            (matmul,) = graph.consumers(node.id)
            assert 0 < box[matmul].y - box[node.id].y < 3 * box[matmul].h + 3 * 40  # the next rank or so


def test_hundreds_of_sibling_groups_are_gathered_into_parts() -> None:
    from models_weights import square_chain_model

    rng = np.random.default_rng(5)
    graph = extract_graph(square_chain_model([rng.standard_normal((4, 4)).astype(np.float32) for _ in range(500)],
                                             "u8"))[0]
    plain = group_by_scope(graph)
    assert len(plain.groups[ROOT].children) == 500  # layer0 .. layer499
    grouping = add_sections(plain, graph)
    parts = [grouping.groups[c] for c in grouping.groups[ROOT].children]
    assert 1 < len(parts) <= SECTIONS_MAX
    assert parts[0].name == f"part 1 · layer0 … {grouping.groups[parts[0].children[-1]].name}"
    layers = [grouping.groups[c].name for p in parts for c in p.children]
    assert layers == [f"layer{i}" for i in range(500)]  # in order, each once
    for g in grouping.groups[1:]:
        assert g.parent < g.id and grouping.ancestors[g.id] == (*grouping.ancestors[g.parent], g.id)
        assert g.depth == grouping.groups[g.parent].depth + 1
    assert sorted(i for g in grouping.groups for i in g.nodes) == list(range(len(graph.nodes)))
    assert grouping.groups[ROOT].op_count == plain.groups[ROOT].op_count
    assert sum(p.op_count for p in parts) + sum(
        1 for i in grouping.groups[ROOT].nodes if graph.nodes[i].type != "Constant") == plain.groups[ROOT].op_count
    layouter = GraphLayouter(graph)
    first = layouter.layout(layouter.default_expanded())
    assert len([g for g in first.groups if g.depth == 1]) <= SECTIONS_MAX


def test_a_resnet_skip_path_stays_one_straight_column() -> None:
    graph = extract_graph(unnamed_resnet_model(12))[0]
    lay = layout_graph(graph, LayoutOptions(grouped=False))
    box = {b.id: b for b in lay.nodes}
    adds = {round(box[n.id].x + box[n.id].w / 2) for n in graph.nodes if n.type == "Add"}
    assert len(adds) == 1  # each block's conv branch steps aside and comes back: no drift block after block
