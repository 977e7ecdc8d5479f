"""Run A and B on the same input and compare what they compute: every output, and layer by layer.

Layer by layer, matched intermediate tensors are exposed as extra outputs (``Model.add_outputs``) of clones of
both models, a batch at a time so that at most about ``batch_bytes`` of activations per model are held; each
batch runs A then B and only the metrics are kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import openvino as ov

from ovexplorer.core.compare.differences import Comparison
from ovexplorer.core.compare.metrics import Metrics, average_metrics, tensor_metrics, top_k_agreement
from ovexplorer.core.model.document import ModelDocument, shared_core
from ovexplorer.core.run.inputs import default_random_source, make_tensor
from ovexplorer.core.run.outputs import is_classification
from ovexplorer.core.run.ports import PortSpec, find_port, model_inputs, port_specs, shape_misfit
from ovexplorer.core.util import errors
from ovexplorer.core.util.errors import openvino_reason
from ovexplorer.core.util.tasks import CancelToken, ProgressFn, no_progress

#: A dynamic dimension of an input gets this size when nothing else says (sequence length, picture side...).
DYNAMIC_DIM = 8
#: Bytes of exposed activations per model per batch.
BATCH_BYTES = 256 << 20
_BYTES = {"f32": 4, "f16": 2, "bf16": 2, "f64": 8, "i64": 8, "i32": 4, "i8": 1, "u8": 1, "boolean": 1}
_NUMERIC = frozenset(("f32", "f16", "bf16", "f64", "i64", "i32", "i8", "u8", "i16", "u16", "u32", "u64"))


@dataclass(frozen=True, slots=True)
class OutputDiff:
    """One output of A against B's matching output."""

    name_a: str
    name_b: str
    shape_a: tuple[int, ...]
    shape_b: tuple[int, ...]
    metrics: Metrics | None  # None when the shapes differ
    top1_agrees: bool | None = None  # classifiers only
    topk_overlap: float | None = None
    note: str = ""
    strings_equal: bool | None = None  # text outputs only (no metrics): every string of B equals A's


    def to_dict(self) -> dict[str, Any]:
        return {"a": self.name_a, "b": self.name_b, "shape_a": list(self.shape_a), "shape_b": list(self.shape_b),
                "metrics": self.metrics.to_dict() if self.metrics else None, "top1_agrees": self.top1_agrees,
                "topk_overlap": self.topk_overlap, "note": self.note, "strings_equal": self.strings_equal}


@dataclass(frozen=True, slots=True)
class LayerDiff:
    """One matched layer output: its depth in A and the error of B's activation against A's."""

    a: int
    b: int
    name: str
    type: str
    depth: int
    port: int
    metrics: Metrics | None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "name": self.name, "type": self.type, "depth": self.depth,
                "port": self.port, "metrics": self.metrics.to_dict() if self.metrics else None, "note": self.note}


@dataclass
class InputPair:
    """The arrays fed to A and B, and what differs between them."""

    a: dict[str, np.ndarray]
    b: dict[str, np.ndarray]
    notes: list[str] = field(default_factory=list)


def _concrete(spec: PortSpec) -> tuple[int, ...] | None:
    if spec.bounds is None:
        return None
    return tuple(lo if lo == hi else max(lo, min(DYNAMIC_DIM, hi) if hi >= 0 else DYNAMIC_DIM)
                 for lo, hi in spec.bounds)


#: What a text input (a tokenizer's strings) gets when the user gives none: random strings mean nothing.
SAMPLE_TEXT = "The quick brown fox jumps over the lazy dog."


def _random_inputs(model: ov.Model, seed: int) -> dict[str, np.ndarray]:
    out = {}
    for spec in model_inputs(model):
        if spec.element_type == "string":
            out[spec.name] = np.full(_concrete(spec) or (1,), SAMPLE_TEXT)
            continue
        out[spec.name] = make_tensor(default_random_source(spec, model, seed), spec, _concrete(spec))
    return out


def make_inputs(doc_a: ModelDocument, doc_b: ModelDocument, given: Mapping[str, np.ndarray] | None = None,
                seed: int = 0) -> InputPair:
    """The same data for both models where their inputs agree: ``given`` arrays (by A's input names) or seeded
    random data; an input of B that cannot take A's array (another shape) gets its own data, and a note says so."""
    if doc_a.model is None or doc_b.model is None:
        raise errors.OvexplorerError("A model of the comparison is closed.")
    specs_a, specs_b = model_inputs(doc_a.model), model_inputs(doc_b.model)
    feeds_a = _random_inputs(doc_a.model, seed)
    for name, array in (given or {}).items():
        spec = find_port(specs_a, name)
        if spec is None:
            raise errors.InputError(f"{doc_a.path.name} has no input named {name}; its inputs: "
                                    f"{', '.join(s.name for s in specs_a)}.")
        feeds_a[spec.name] = np.asarray(array)
    own_b = _random_inputs(doc_b.model, seed)
    feeds_b: dict[str, np.ndarray] = {}
    notes = []
    for k, spec in enumerate(specs_b):
        match = next((s for s in specs_a if set(s.names) & set(spec.names)), None)
        if match is None and len(specs_a) == len(specs_b):
            match = specs_a[k]
        array = feeds_a.get(match.name) if match is not None else None
        if array is not None and not shape_misfit(spec, tuple(array.shape)):
            feeds_b[spec.name] = array.astype(spec.dtype) if spec.dtype is not None else array
        else:
            feeds_b[spec.name] = own_b[spec.name]
            notes.append(f"input {spec.name} of B takes {spec.partial_shape}: it gets its own data (seed {seed})")
    return InputPair(feeds_a, feeds_b, notes)


def _compile(model: ov.Model, device: str, label: str) -> ov.CompiledModel:
    try:
        return shared_core().compile_model(model, device)
    except (RuntimeError, ValueError, TypeError) as exc:
        raise errors.DeviceError(f"{device} could not compile {label}: {openvino_reason(str(exc))}",
                                 detail=str(exc)) from None


def _infer(compiled: ov.CompiledModel, feeds: Mapping[str, np.ndarray], label: str) -> ov.InferRequest:
    specs = port_specs(list(compiled.inputs), "input")
    tensors = {}
    for name, array in feeds.items():
        spec = find_port(specs, name)
        if spec is not None:
            tensors[spec.index] = np.asarray(array, dtype=spec.dtype, order="C")  # rank 0 stays rank 0
    request = compiled.create_infer_request()
    try:
        request.infer(tensors)
    except (RuntimeError, ValueError, TypeError) as exc:
        raise errors.DeviceError(f"Inference of {label} failed: {openvino_reason(str(exc))}", detail=str(exc)) from None
    return request


def _values(request: ov.InferRequest, index: int) -> np.ndarray:
    tensor = request.get_output_tensor(index)
    if tensor.get_element_type() == ov.Type.string:  # a detokenizer's text (``data`` would warn and give bytes)
        return np.asarray(tensor.str_data)
    return np.array(tensor.data)


def _is_text(a: np.ndarray) -> bool:
    return a.dtype.kind in "USO"


def string_note(a: np.ndarray, b: np.ndarray) -> tuple[bool, str]:
    """Strings (a detokenizer's output) have no error metrics: whether every string of B equals A's, and a note
    naming the first that differs."""
    fa, fb = np.asarray(a).reshape(-1).tolist(), np.asarray(b).reshape(-1).tolist()
    differ = [k for k, (x, y) in enumerate(zip(fa, fb, strict=True)) if x != y]
    if not differ:
        return True, f"text: {len(fa)} of {len(fa)} strings equal (strings have no error metrics)"
    k = differ[0]
    return False, (f"text: {len(differ)} of {len(fa)} strings differ (strings have no error metrics); "
                   f"first at {k}: {fa[k]!r} vs {fb[k]!r}")


def _pairs(inputs: InputPair | list[InputPair]) -> list[InputPair]:
    pairs = [inputs] if isinstance(inputs, InputPair) else list(inputs)
    if not pairs:
        raise errors.InputError("No inputs to run the models on.")
    first = {k: v.shape for k, v in pairs[0].a.items()}
    for pair in pairs[1:]:
        if {k: v.shape for k, v in pair.a.items()} != first:
            raise errors.InputError("The inputs do not all have the same shapes; compare them one at a time.")
    return pairs


def compare_outputs(doc_a: ModelDocument, doc_b: ModelDocument, inputs: InputPair | list[InputPair], *,
                    device: str = "CPU", progress: ProgressFn = no_progress,
                    cancel: CancelToken | None = None) -> list[OutputDiff]:
    """Run both models and compare every output of A with B's (same name, else same position); with several
    inputs, the metrics are averaged (top-1 agreement: the share of inputs where it agrees)."""
    samples = _pairs(inputs)
    compiled = []
    for label, doc in (("A", doc_a), ("B", doc_b)):
        progress(-1.0, f"Compiling {label}: {doc.path.name}")
        compiled.append(_compile(doc.model, device, doc.path.name))
    specs_a, specs_b = (port_specs(list(c.outputs), "output") for c in compiled)
    match = {}
    for k, spec in enumerate(specs_a):
        j = next((i for i, s in enumerate(specs_b) if set(s.names) & set(spec.names)), None)
        match[k] = k if j is None and len(specs_a) == len(specs_b) else j
    found: dict[int, list[tuple[Metrics, bool | None, float | None]]] = {k: [] for k in match}
    shapes: dict[int, tuple[tuple[int, ...], tuple[int, ...], str]] = {}
    strings: dict[int, list[tuple[bool, str]]] = {k: [] for k in match}
    for n, sample in enumerate(samples):
        if cancel is not None:
            cancel.check()
        progress(n / len(samples), f"Running A and B on input {n + 1}/{len(samples)}")
        out_a = _all_values(compiled[0], sample.a, doc_a.path.name, specs_a)
        out_b = _all_values(compiled[1], sample.b, doc_b.path.name, specs_b)
        for k, j in match.items():
            if j is None:
                shapes[k] = (tuple(out_a[k].shape), (), "only in A")
                continue
            va, vb = out_a[k], out_b[j]
            if va.shape == vb.shape and _is_text(va) and _is_text(vb):
                shapes[k] = (tuple(va.shape), tuple(vb.shape), "")
                strings[k].append(string_note(va, vb))
                continue
            if va.shape != vb.shape or va.dtype.kind not in "fiub" or vb.dtype.kind not in "fiub":
                shapes[k] = (va.shape, vb.shape, "shapes differ" if va.shape != vb.shape else "not numbers")
                continue
            shapes[k] = (tuple(va.shape), tuple(vb.shape), "")
            top1 = overlap = None
            if is_classification(tuple(va.shape)) and va.size > 1:
                top1, overlap = top_k_agreement(va, vb)
            found[k].append((tensor_metrics(va, vb), top1, overlap))
        del out_a, out_b
    diffs = []
    for k, spec in enumerate(specs_a):
        j = match[k]
        shape_a, shape_b, note = shapes[k]
        rows = found[k]
        if strings[k] and not note:
            equal = sum(e for e, _ in strings[k])
            text = strings[k][0][1] if len(strings[k]) == 1 else next(
                (t for e, t in strings[k] if not e), strings[k][0][1]) + \
                f"; equal on {equal} of {len(strings[k])} inputs"
            diffs.append(OutputDiff(spec.name, specs_b[j].name, shape_a, shape_b, None, note=text,
                                    strings_equal=equal == len(strings[k])))
            continue
        if note or not rows:
            diffs.append(OutputDiff(spec.name, specs_b[j].name if j is not None else "", shape_a, shape_b, None,
                                    note=note))
            continue
        tops = [t for _, t, _ in rows if t is not None]
        overlaps = [o for _, _, o in rows if o is not None]
        diffs.append(OutputDiff(spec.name, specs_b[j].name, shape_a, shape_b, average_metrics([m for m, _, _ in rows]),
                                (sum(tops) / len(tops) >= 0.5) if tops else None,
                                float(np.mean(overlaps)) if overlaps else None,
                                note=f"averaged over {len(rows)} inputs; top-1 agrees on {sum(tops)}"
                                     if len(rows) > 1 and tops else (f"averaged over {len(rows)} inputs"
                                                                    if len(rows) > 1 else "")))
    progress(1.0, "Outputs compared")
    return diffs


def _all_values(compiled: ov.CompiledModel, feeds: Mapping[str, np.ndarray], label: str,
                specs: tuple[PortSpec, ...]) -> list[np.ndarray]:
    request = _infer(compiled, feeds, label)
    return [_values(request, s.index) for s in specs]


def layer_pairs(comparison: Comparison) -> list[tuple[int, int, int]]:
    """(A id, B id, output port) of matched layers whose outputs can be compared (numbers, same port count)."""
    a, b, m = comparison.a, comparison.b, comparison.matching
    pairs = []
    for ia in a.ops:
        ib = m.a_to_b.get(ia)
        na = a.graph.nodes[ia]
        if ib is None or na.type in ("Parameter", "Result") or not na.outputs:
            continue
        nb = b.graph.nodes[ib]
        for port in range(min(len(na.outputs), len(nb.outputs))):
            if na.outputs[port].element_type in _NUMERIC and nb.outputs[port].element_type in _NUMERIC:
                pairs.append((ia, ib, port))
    return pairs


def _sized_clone(doc: ModelDocument, feeds: Mapping[str, np.ndarray]) -> tuple[ov.Model, list[ov.Node]]:
    """A clone with static input shapes (those of ``feeds``) and its ops, indexed like the document's graph."""
    clone = doc.model.clone()
    specs = model_inputs(clone)
    shapes = {}
    for spec in specs:
        array = feeds.get(spec.name)
        if array is not None and not spec.is_static:
            shapes[clone.inputs[spec.index]] = ov.PartialShape(list(array.shape))
    if shapes:
        clone.reshape(shapes)
    ops = list(clone.get_ordered_ops())
    graph = doc.graph
    if len(ops) != len(graph.nodes) or any(o.get_friendly_name() != n.name for o, n in zip(ops, graph.nodes,
                                                                                              strict=True)):
        raise errors.OvexplorerError(f"The clone of {doc.path.name} does not keep its node order; "
                                     "layer-wise comparison is not possible.")
    return clone, ops


def _port_bytes(node: ov.Node, port: int) -> int:
    ps = node.get_output_partial_shape(port)
    size = _BYTES.get(node.get_output_element_type(port).get_type_name(), 4)
    if ps.is_static:
        return int(np.prod([d.get_length() for d in ps], dtype=np.int64)) * size
    return 4 << 20


def _output_indexes(model: ov.Model, added: list[ov.Output]) -> list[int]:
    """The model output index of each added output (an output that already was one keeps its index)."""
    index: dict[tuple[str, int], int] = {}
    for k, out in enumerate(model.outputs):
        index.setdefault((out.get_node().get_name(), out.get_index()), k)
    return [index[(out.get_node().get_name(), out.get_index())] for out in added]


def compare_layers(doc_a: ModelDocument, doc_b: ModelDocument, comparison: Comparison,
                   inputs: InputPair | list[InputPair], *, device: str = "CPU", batch_bytes: int = BATCH_BYTES,
                   progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> list[LayerDiff]:
    """Metrics per matched layer output, in A's order (see the module docstring); averaged over several inputs."""
    samples = _pairs(inputs)
    pairs = layer_pairs(comparison)
    if not pairs:
        return []
    progress(0.0, "Preparing the layer-wise run")
    _, ops_a = _sized_clone(doc_a, samples[0].a)
    _, ops_b = _sized_clone(doc_b, samples[0].b)
    batches: list[list[tuple[int, int, int]]] = [[]]
    held = 0
    for pair in pairs:
        size = max(_port_bytes(ops_a[pair[0]], pair[2]), _port_bytes(ops_b[pair[1]], pair[2]))
        if batches[-1] and held + size > batch_bytes:
            batches.append([])
            held = 0
        batches[-1].append(pair)
        held += size
    del ops_a, ops_b
    a = comparison.a
    rows: list[LayerDiff] = []
    for k, batch in enumerate(batches):
        found: list[list[Metrics]] = [[] for _ in batch]
        notes = [""] * len(batch)

        def prepare(side: int, doc: ModelDocument, k: int = k, batch: list = batch) -> tuple[Any, list[int]]:
            if cancel is not None:
                cancel.check()
            progress(k / len(batches), f"Layer batch {k + 1}/{len(batches)}: compiling {'AB'[side]}")
            clone, ops = _sized_clone(doc, samples[0].a if side == 0 else samples[0].b)
            added = clone.add_outputs([ops[p[side]].output(p[2]) for p in batch])
            where = _output_indexes(clone, added)
            del ops, added
            return _compile(clone, device, doc.path.name), where

        # one input: A is released before B compiles (half the memory); several: both stay compiled
        compiled_a, where_a = prepare(0, doc_a)
        compiled_b, where_b = (None, []) if len(samples) == 1 else prepare(1, doc_b)
        for n, sample in enumerate(samples):
            if cancel is not None:
                cancel.check()
            progress(k / len(batches), f"Layer batch {k + 1}/{len(batches)}: input {n + 1}/{len(samples)}")
            request = _infer(compiled_a, sample.a, doc_a.path.name)
            values = [_values(request, where_a[j]) for j in range(len(batch))]
            del request
            if compiled_b is None:
                compiled_a = None
                compiled_b, where_b = prepare(1, doc_b)
            request = _infer(compiled_b, sample.b, doc_b.path.name)
            for j in range(len(batch)):
                va, vb = values[j], request.get_output_tensor(where_b[j]).data
                if va.shape != vb.shape:
                    notes[j] = f"shapes differ: {list(va.shape)} vs {list(vb.shape)}"
                else:
                    found[j].append(tensor_metrics(va, vb))
                values[j] = np.empty(0)
            del request, values
        del compiled_a, compiled_b
        for j, (ia, ib, port) in enumerate(batch):
            node = a.graph.nodes[ia]
            metrics = average_metrics(found[j]) if found[j] and not notes[j] else None
            rows.append(LayerDiff(ia, ib, node.name, node.type, a.depth.get(ia, 0), port, metrics, notes[j]))
    progress(1.0, "Layers compared")
    return rows
