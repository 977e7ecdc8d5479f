"""The comparison core on model pairs with known differences (no Qt)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from models_compare import conv_net, mlp, nncf_compressed, renamed, save

from ovexplorer.core.compare.activations import compare_layers, compare_outputs, make_inputs
from ovexplorer.core.compare.differences import CHANGED, IDENTICAL, ONLY_A, ONLY_B, OPTIMIZED, compare_structure
from ovexplorer.core.compare.matching import BY_NAME, BY_POSITION, BY_STRUCTURE, match_graphs
from ovexplorer.core.compare.metrics import tensor_metrics, top_k_agreement
from ovexplorer.core.compare.weights_diff import weight_diffs
from ovexplorer.core.model.document import ModelDocument, open_model


def pair(tmp_path: Path, a, b, *, fp16_b: bool = False) -> tuple[ModelDocument, ModelDocument]:
    return open_model(save(a, tmp_path / "a.xml")), open_model(save(b, tmp_path / "b.xml", fp16=fp16_b))


def compared(doc_a: ModelDocument, doc_b: ModelDocument):
    return compare_structure(match_graphs(doc_a.graph, doc_b.graph), (doc_a, doc_b))


def test_a_copy_is_identical_everywhere(tmp_path: Path) -> None:
    a, b = pair(tmp_path, conv_net(), conv_net())
    c = compared(a, b)
    assert c.summary()["matched_share"] == 1.0
    assert c.differences == []
    assert set(c.status_a.values()) == {IDENTICAL} and set(c.status_b.values()) == {IDENTICAL}
    assert set(c.matching.how.values()) == {BY_NAME}


def test_a_renamed_copy_matches_by_structure(tmp_path: Path) -> None:
    a, b = pair(tmp_path, conv_net(), renamed(conv_net()))
    assert a.graph.find("conv2") is not None and b.graph.find("conv2") is None
    c = compared(a, b)
    s = c.summary()
    assert s["layers_matched"] == s["layers_a"] == 11
    assert c.differences == []
    how = c.matching.how
    assert set(how.values()) <= {BY_POSITION, BY_STRUCTURE} and BY_STRUCTURE in how.values()
    conv2_b = c.matching.a_to_b[a.graph.find("conv2").id]
    assert b.graph.nodes[conv2_b].type == "Convolution"
    assert [n.name for n in b.graph.nodes if n.id == conv2_b] == [b.graph.nodes[conv2_b].name]
    # the third conv of A is the third conv of B
    convs_a = [n.id for n in a.graph.nodes if n.type == "Convolution"]
    convs_b = [n.id for n in b.graph.nodes if n.type == "Convolution"]
    assert [c.matching.a_to_b[i] for i in convs_a] == convs_b


def test_an_fp16_copy_matches_every_layer_as_optimized(tmp_path: Path) -> None:
    a, b = pair(tmp_path, conv_net(), conv_net(), fp16_b=True)
    assert any(n.type == "Convert" for n in b.graph.nodes)
    c = compared(a, b)
    assert c.summary()["matched_share"] == 1.0
    conv1 = a.graph.find("conv1").id
    assert c.status_a[conv1] == OPTIMIZED
    assert not [d for d in c.differences if d.status in (CHANGED, ONLY_A, ONLY_B)]
    weights = weight_diffs(c, a.ov_nodes, b.ov_nodes)
    assert len(weights) == 7  # 3 conv weights, 3 biases, the fc weight: not the reduction axes
    assert all(w.stored_a == "f32" and w.stored_b == "f16 → f32" for w in weights)
    assert all(w.metrics is not None and 50 < w.metrics.snr_db < 90 and w.metrics.rel_l2 < 1e-3 for w in weights)


@pytest.mark.parametrize(("mode", "stored", "snr"), [("int8", "u8", (35, 60)), ("int4", "i4", (15, 30))])
def test_nncf_weight_compression_is_the_same_layer_optimized(tmp_path: Path, mode: str, stored: str, snr) -> None:
    kwargs = {"group_size": 16, "ratio": 1.0} if mode == "int4" else {}
    model = mlp(layers=4)
    a, b = pair(tmp_path, model, nncf_compressed(model, mode, **kwargs))
    c = compared(a, b)
    assert c.summary()["matched_share"] == 1.0
    for i in range(4):
        layer = a.graph.find(f"fc{i}").id
        assert c.status_a[layer] == OPTIMIZED, i
        assert c.status_b[c.matching.a_to_b[layer]] == OPTIMIZED
    # every hidden node of B's decompression chains is coloured as its weight
    chain_nodes = [n.id for n in b.graph.nodes if n.type in ("Convert", "Multiply", "Subtract", "Reshape")]
    assert chain_nodes and all(c.status_b[i] == OPTIMIZED for i in chain_nodes)
    rows = weight_diffs(c, a.ov_nodes, b.ov_nodes)
    compressed = [w for w in rows if w.stored_b.startswith(stored)]
    assert compressed, [w.stored_b for w in rows]
    for w in compressed:
        assert snr[0] < w.metrics.snr_db < snr[1], (w.name, w.metrics)
        assert w.metrics.cosine > 0.98
        assert int(w.hist[0].sum()) == w.metrics.count


def test_int4_values_are_decoded_as_openvino_computes_them(tmp_path: Path) -> None:
    """The de-quantized INT4 weight (packed nibbles, group-wise scale, reshape) equals what the model computes:
    fc0 of B on the identity matrix gives back its weights."""
    model = mlp(layers=1, width=32)
    a, b = pair(tmp_path, model, nncf_compressed(model, "int4_asym", group_size=8, ratio=1.0))
    c = compared(a, b)
    from ovexplorer.core.compare.const_values import weight_values
    frontier = next(iter(c.matching.a_to_b[i] for i in c.a.weights))
    values = weight_values(c.b, b.ov_nodes, frontier)
    compiled = __import__("openvino").Core().compile_model(b.model, "CPU")
    eye = np.eye(32, dtype=np.float32)
    rows = np.stack([compiled(eye[k:k + 1])[0][0] for k in range(32)])  # relu(W x) for x = e_k
    assert np.allclose(np.maximum(values.T, 0), rows, atol=2e-3)


def test_a_perturbed_layer_is_pointed_at(tmp_path: Path) -> None:
    a, b = pair(tmp_path, conv_net(), conv_net(perturb="conv2"))
    c = compared(a, b)
    changed = [d for d in c.differences if d.status == CHANGED]
    assert {d.name for d in changed} == {"conv2.weight", "conv2"}
    assert weight_diffs(c, a.ov_nodes, b.ov_nodes)[0].name == "conv2.weight"
    inputs = make_inputs(a, b)
    layers = compare_layers(a, b, c, inputs, batch_bytes=40_000)
    first_bad = next(row for row in layers if row.metrics.rel_l2 > 1e-3)
    assert first_bad.name == "conv2"
    assert all(row.metrics.rel_l2 == 0 for row in layers if row.depth < first_bad.depth)
    outputs = compare_outputs(a, b, inputs)
    assert outputs[0].metrics.rel_l2 > 0.1 and outputs[0].topk_overlap is not None


def test_layer_batches_bound_what_is_held_and_agree_with_one_batch(tmp_path: Path) -> None:
    a, b = pair(tmp_path, conv_net(), conv_net(), fp16_b=True)
    c = compared(a, b)
    inputs = make_inputs(a, b)
    one = compare_layers(a, b, c, inputs)
    progress = []
    many = compare_layers(a, b, c, inputs, batch_bytes=70_000, progress=lambda f, t: progress.append(t))
    assert any("batch 3/" in t for t in progress)  # several batches ran
    assert [(r.name, r.metrics.count) for r in one] == [(r.name, r.metrics.count) for r in many]
    # exposing other outputs changes which ops the CPU plugin fuses, so the FP16 error moves a little
    ratio = np.array([r.metrics.rel_l2 for r in one]) / np.array([r.metrics.rel_l2 for r in many])
    assert np.all((ratio > 0.5) & (ratio < 2)), ratio
    assert all(0 < r.metrics.rel_l2 < 0.02 for r in one)


def test_unrelated_models_say_how_little_matched(tmp_path: Path) -> None:
    a, b = pair(tmp_path, conv_net(), mlp())
    c = compared(a, b)
    s = c.summary()
    assert s["layers_matched"] == 0 and s["layers_a"] == 11 and s["layers_b"] == 8
    assert "0 of 11 layers of A matched (0%" in c.summary_text()
    assert s["counts"][ONLY_A] >= 11 and s["counts"][ONLY_B] >= 8
    inputs = make_inputs(a, b)
    assert inputs.notes and "gets its own data" in inputs.notes[0]
    out = compare_outputs(a, b, inputs)
    assert out[0].metrics is None and out[0].note == "shapes differ"


def test_a_different_input_size_is_compared_where_shapes_agree(tmp_path: Path) -> None:
    a, b = pair(tmp_path, conv_net(size=32), conv_net(size=48))
    c = compared(a, b)
    assert c.summary()["matched_share"] == 1.0
    image = a.graph.inputs[0]
    assert c.status_a[image] == CHANGED
    assert c.status_a[a.graph.find("conv1").id] == CHANGED  # its output shape changed
    assert c.status_a[a.graph.find("fc").id] == IDENTICAL
    inputs = make_inputs(a, b)
    layers = {r.name: r for r in compare_layers(a, b, c, inputs)}
    assert layers["conv1"].metrics is None and "shapes differ" in layers["conv1"].note
    assert layers["fc"].metrics is not None and layers["pool"].metrics is not None
    outputs = compare_outputs(a, b, inputs)
    assert outputs[0].metrics is not None and outputs[0].shape_a == outputs[0].shape_b == (1, 10)


def test_given_inputs_feed_both_models(tmp_path: Path) -> None:
    a, b = pair(tmp_path, conv_net(), conv_net())
    x = np.full((1, 3, 32, 32), 0.25, np.float32)
    inputs = make_inputs(a, b, {"image": x})
    assert np.array_equal(inputs.a["image"], x) and np.array_equal(inputs.b["image"], x)
    assert compare_outputs(a, b, inputs)[0].metrics.max_abs == 0.0


def test_metrics_are_what_the_formulas_say() -> None:
    a = np.array([1.0, 2.0, 3.0, 4.0])
    b = a + np.array([0.0, 0.5, 0.0, -0.5])
    m = tensor_metrics(a, b, chunk=3)
    assert m.max_abs == 0.5 and m.mean_abs == 0.25
    assert math.isclose(m.rel_l2, math.sqrt(0.5 / 30))
    assert math.isclose(m.snr_db, 10 * math.log10(30 / 0.5))
    assert math.isclose(m.cosine, float(a @ b / np.linalg.norm(a) / np.linalg.norm(b)))
    assert tensor_metrics(a, a).snr_db == math.inf and json.dumps(tensor_metrics(a, a).to_dict())
    assert top_k_agreement(np.arange(10.0), np.arange(10.0)[::-1], k=5) == (False, 0.0)
    assert top_k_agreement(np.arange(10.0), np.arange(10.0), k=3) == (True, 1.0)


def test_several_inputs_average_the_metrics(tmp_path: Path) -> None:
    a, b = pair(tmp_path, conv_net(), conv_net(perturb="conv3"))
    c = compared(a, b)
    rng = np.random.default_rng(5)
    pairs = [make_inputs(a, b, {"image": rng.random((1, 3, 32, 32), dtype=np.float32)}) for _ in range(3)]
    alone = [compare_outputs(a, b, p)[0].metrics for p in pairs]
    together = compare_outputs(a, b, pairs)[0]
    assert math.isclose(together.metrics.rel_l2, sum(m.rel_l2 for m in alone) / 3)
    assert together.metrics.max_abs == max(m.max_abs for m in alone)
    assert together.metrics.count == sum(m.count for m in alone)
    assert together.note.startswith("averaged over 3 inputs")
    layers_alone = [{r.name: r.metrics.rel_l2 for r in compare_layers(a, b, c, p)} for p in pairs]
    layers = {r.name: r.metrics.rel_l2 for r in compare_layers(a, b, c, pairs)}
    for name, value in layers.items():
        assert math.isclose(value, sum(d[name] for d in layers_alone) / 3, rel_tol=1e-9, abs_tol=1e-12), name


def test_inputs_of_different_shapes_are_not_averaged(tmp_path: Path) -> None:
    from ovexplorer.core.util.errors import InputError

    model = conv_net()
    a, b = pair(tmp_path, model, model)
    first = make_inputs(a, b)
    other = make_inputs(a, b)
    other.a["image"] = np.zeros((2, 3, 32, 32), np.float32)
    with pytest.raises(InputError, match="same shapes"):
        compare_outputs(a, b, [first, other])
