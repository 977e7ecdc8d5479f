"""Per-layer profiling: where the time goes, layer by layer, mapped back to the IR's nodes.

The model is compiled with ``PERF_COUNT``; a few inferences run and ``InferRequest.profiling_info`` is averaged
over them. The compiled (runtime) graph, ``CompiledModel.get_runtime_model()``, says for each runtime layer which
original layers it came from (``originalLayersNames``: a fused layer lists them all), its runtime precision and
output precisions. Layers the plugin inserted (reorders between layouts or precisions) name no original; they
are charged to the layer they feed (else the one feeding them). The result gives every IR node id its share of
the time and its runtime precision, plus colours and legend data for painting the graph.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import openvino as ov

from ovexplorer.core.model.graph import Graph
from ovexplorer.core.util import errors
from ovexplorer.core.util.errors import openvino_reason
from ovexplorer.core.util.tasks import CancelToken, ProgressFn, no_progress

if TYPE_CHECKING:  # imported where used: the graph's colours (text_color, time_color) load with the first screen
    from ovexplorer.core.run.session import CompiledSession, CompileOptions

COLOR_MODES = ("time", "precision")
#: Colours of runtime precisions (others get a neutral grey).
PRECISION_COLORS: dict[str, str] = {
    "f32": "#4c72b0", "bf16": "#dd8452", "f16": "#55a868", "i8": "#c44e52", "u8": "#8172b3",
    "i32": "#937860", "i64": "#da8bc3", "u1": "#8c8c8c", "i4": "#ccb974", "u4": "#64b5cd",
}
OTHER_PRECISION_COLOR = "#b0b0b0"
#: Time scale stops, cool to hot (a perceptual yellow-orange-red ramp).
TIME_STOPS: tuple[str, ...] = ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026")


@dataclass(frozen=True, slots=True)
class LayerTiming:
    """One runtime layer: what it is, how long it took (ms, averaged), which IR nodes it came from."""

    name: str
    layer_type: str
    exec_type: str
    runtime_precision: str
    output_precisions: str
    real_ms: float
    cpu_ms: float
    status: str  # EXECUTED, NOT_RUN, OPTIMIZED_OUT
    exec_order: int
    originals: tuple[str, ...]  # original layer names (fused layers list all)
    node_ids: tuple[int, ...]  # IR node ids in the document's graph
    inserted: bool = False  # added by the plugin (no original layer); charged to a neighbour

    @property
    def executed(self) -> bool:
        return self.status == "EXECUTED"


@dataclass(frozen=True, slots=True)
class TypeTiming:
    """Time of every layer of one runtime type."""

    layer_type: str
    count: int
    real_ms: float
    cpu_ms: float
    share: float  # of the total real time


@dataclass(frozen=True, slots=True)
class NodeProfile:
    """What one IR node costs: its share of the runtime layers it went into, and their precision."""

    node_id: int
    real_ms: float
    runtime_precision: str
    layers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ProfileResult:
    """Per-layer timings, per-type totals and per-IR-node profile of one compiled model."""

    device: str
    iterations: int
    layers: tuple[LayerTiming, ...]
    by_type: tuple[TypeTiming, ...]
    nodes: Mapping[int, NodeProfile]
    total_ms: float
    unmapped: tuple[str, ...] = field(default=())  # executed runtime layers with no IR node

    def node_colors(self, mode: str = "time") -> dict[int, str]:
        """``{node_id: '#rrggbb'}`` by time (log scale) or runtime precision."""
        if mode == "precision":
            return {i: precision_color(p.runtime_precision) for i, p in self.nodes.items() if p.runtime_precision}
        times = [p.real_ms for p in self.nodes.values() if p.real_ms > 0]
        if not times:
            return {}
        lo, hi = min(times), max(times)
        return {i: time_color(p.real_ms, lo, hi) for i, p in self.nodes.items() if p.real_ms > 0}

    def legend(self, mode: str = "time") -> Legend:
        if mode == "precision":
            seen = sorted({p.runtime_precision for p in self.nodes.values() if p.runtime_precision})
            return Legend("precision", "Runtime precision", tuple((s, precision_color(s)) for s in seen))
        times = [p.real_ms for p in self.nodes.values() if p.real_ms > 0]
        if not times:
            return Legend("time", "Time per node (ms)", ())
        lo, hi = min(times), max(times)
        stops = np.geomspace(lo, hi, 5) if hi > lo else np.array([lo])
        return Legend("time", "Time per node (ms, log scale)",
                      tuple((f"{v:.3g}", time_color(float(v), lo, hi)) for v in stops))

    def table_rows(self, executed_only: bool = False) -> list[LayerTiming]:
        return [la for la in self.layers if la.executed or not executed_only]


@dataclass(frozen=True, slots=True)
class Legend:
    """Legend data for a coloured graph: mode, title and ``(label, colour)`` entries."""

    mode: str
    title: str
    entries: tuple[tuple[str, str], ...]


# -- colours ----------------------------------------------------------------------------------
def _hex(rgb: Iterable[float]) -> str:
    r, g, b = (max(0, min(255, round(c))) for c in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def color_scale(fraction: float, stops: tuple[str, ...] = TIME_STOPS) -> str:
    """The colour at ``fraction`` (0..1, clamped) along ``stops``, linearly interpolated."""
    if math.isnan(fraction):
        fraction = 0.0
    x = max(0.0, min(1.0, fraction)) * (len(stops) - 1)
    i = min(int(x), len(stops) - 2)
    t = x - i
    a, b = _rgb(stops[i]), _rgb(stops[i + 1])
    return _hex(a[k] + (b[k] - a[k]) * t for k in range(3))


def time_color(value: float, lo: float, hi: float) -> str:
    """Colour of ``value`` on a log scale from ``lo`` to ``hi`` (both > 0)."""
    if value <= 0 or hi <= lo:
        return color_scale(1.0 if value > 0 else 0.0)
    return color_scale(math.log(value / lo) / math.log(hi / lo))


def text_color(background: str) -> str:
    """Black or white, whichever reads better on ``background``."""
    r, g, b = _rgb(background)
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#ffffff"


def precision_color(precision: str) -> str:
    return PRECISION_COLORS.get(precision.lower(), OTHER_PRECISION_COLOR)


# -- collecting -------------------------------------------------------------------------------
def _text(rt, key: str) -> str:
    if key not in rt:
        return ""
    value = rt[key]
    try:
        return str(value.astype(str)) if hasattr(value, "astype") else str(value)
    except (RuntimeError, TypeError):
        return str(value)


def _ms(delta) -> float:
    return delta.total_seconds() * 1000.0 if hasattr(delta, "total_seconds") else float(delta) / 1000.0


def profile_session(
    session: CompiledSession,
    graph: Graph,
    inputs: Mapping[str, np.ndarray] | None = None,
    *,
    iterations: int = 10,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> ProfileResult:
    """Run ``iterations`` inferences (after one warm-up) on a session compiled with profiling and map the
    layers to ``graph``'s nodes."""
    if not session.options.profiling:
        raise errors.DeviceError("Profiling needs a model compiled with profiling on (PERF_COUNT).")
    request = session.create_request()
    from ovexplorer.core.bench.benchmark import default_inputs

    tensors = session.check_inputs(inputs if inputs is not None else default_inputs(session))
    for index, array in tensors.items():
        request.set_input_tensor(index, ov.Tensor(array))
    real: dict[str, float] = defaultdict(float)
    cpu: dict[str, float] = defaultdict(float)
    info: dict[str, tuple[str, str, str]] = {}
    try:
        request.infer()
        for k in range(iterations):
            if cancel is not None:
                cancel.check()
            progress(k / iterations, "Profiling")
            request.infer()
            for p in request.profiling_info:
                real[p.node_name] += _ms(p.real_time)
                cpu[p.node_name] += _ms(p.cpu_time)
                info[p.node_name] = (p.node_type, p.exec_type, str(p.status).rsplit(".", 1)[-1])
        runtime = session.compiled.get_runtime_model()
    except (RuntimeError, ValueError, TypeError) as exc:
        raise errors.DeviceError(
            f"Profiling on {session.options.device} failed: {openvino_reason(str(exc))}", detail=str(exc)
        ) from None
    progress(1.0, "Profiling")
    mean_real = {k: v / iterations for k, v in real.items()}
    mean_cpu = {k: v / iterations for k, v in cpu.items()}
    return build_profile(session.options.device, iterations, runtime, graph, mean_real, mean_cpu, info)


def build_profile(
    device: str,
    iterations: int,
    runtime: ov.Model,
    graph: Graph,
    real: Mapping[str, float],
    cpu: Mapping[str, float],
    info: Mapping[str, tuple[str, str, str]],
) -> ProfileResult:
    """Join averaged profiling counters with the runtime graph and map runtime layers to ``graph``'s node ids."""
    ids_by_name: dict[str, list[int]] = defaultdict(list)
    for node in graph.nodes:
        ids_by_name[node.name].append(node.id)
    ops = list(runtime.get_ordered_ops())
    layers: list[LayerTiming] = []
    index = {op.get_friendly_name(): i for i, op in enumerate(ops)}
    for order, op in enumerate(ops):
        rt = op.get_rt_info()
        name = op.get_friendly_name()
        originals = tuple(s for s in _text(rt, "originalLayersNames").split(",") if s)
        node_ids = tuple(dict.fromkeys(i for o in originals for i in ids_by_name.get(o, ())))
        layer_type, exec_type, status = info.get(name, ("", "", ""))
        exec_mcs = _text(rt, "execTimeMcs")
        if not status:
            status = "NOT_RUN" if exec_mcs in ("", "not_executed") else "EXECUTED"
        real_ms = real.get(name)
        if real_ms is None:
            real_ms = float(exec_mcs) / 1000.0 if exec_mcs.isdigit() else 0.0
        exec_order = int(_text(rt, "execOrder")) if _text(rt, "execOrder").lstrip("-").isdigit() else order
        layers.append(LayerTiming(
            name=name, layer_type=_text(rt, "layerType") or layer_type,
            exec_type=exec_type or _text(rt, "primitiveType"),
            runtime_precision=_text(rt, "runtimePrecision"), output_precisions=_text(rt, "outputPrecisions"),
            real_ms=real_ms, cpu_ms=cpu.get(name, real_ms), status=status, exec_order=exec_order,
            originals=originals, node_ids=node_ids,
        ))
    # Layers with no IR node of their own (inserted reorders, plugin-made constants) go to a neighbour.
    for i, layer in enumerate(layers):
        if layer.node_ids:
            continue
        op = ops[i]
        neighbours = [index[t.get_node().get_friendly_name()] for out in op.outputs() for t in out.get_target_inputs()]
        neighbours += [index[inp.get_source_output().get_node().get_friendly_name()] for inp in op.inputs()]
        ids = _nearest_ids(layers, ops, index, neighbours)
        if ids:
            layers[i] = replace(layer, node_ids=ids, inserted=True)
    layers.sort(key=lambda la: la.exec_order)
    total = sum(la.real_ms for la in layers if la.executed)
    by_type: dict[str, list[LayerTiming]] = defaultdict(list)
    for la in layers:
        if la.executed:
            by_type[la.layer_type].append(la)
    types = sorted(
        (TypeTiming(t, len(ls), sum(x.real_ms for x in ls), sum(x.cpu_ms for x in ls),
                    sum(x.real_ms for x in ls) / total if total > 0 else 0.0) for t, ls in by_type.items()),
        key=lambda t: -t.real_ms,
    )
    return ProfileResult(device, iterations, tuple(layers), tuple(types), _node_profiles(layers), total,
                         tuple(la.name for la in layers if la.executed and not la.node_ids))


def _nearest_ids(layers: list[LayerTiming], ops: list, index: dict[str, int], start: list[int]) -> tuple[int, ...]:
    """IR node ids of the nearest runtime layers (consumers first, then producers) that have some."""
    seen = set(start)
    frontier = list(start)
    for _ in range(8):
        for j in frontier:
            if layers[j].node_ids and not layers[j].inserted:
                return layers[j].node_ids
        nxt: list[int] = []
        for j in frontier:
            op = ops[j]
            for out in op.outputs():
                for t in out.get_target_inputs():
                    k = index[t.get_node().get_friendly_name()]
                    if k not in seen:
                        seen.add(k)
                        nxt.append(k)
            for inp in op.inputs():
                k = index[inp.get_source_output().get_node().get_friendly_name()]
                if k not in seen:
                    seen.add(k)
                    nxt.append(k)
        frontier = nxt
    return ()


def _node_profiles(layers: list[LayerTiming]) -> dict[int, NodeProfile]:
    """Each IR node's share of the layers it went into (a fused layer's time split evenly among its nodes)."""
    time: dict[int, float] = defaultdict(float)
    names: dict[int, list[str]] = defaultdict(list)
    precision: dict[int, str] = {}
    for la in layers:
        if not la.node_ids:
            continue
        share = la.real_ms / len(la.node_ids) if la.executed else 0.0
        for i in la.node_ids:
            time[i] += share
            names[i].append(la.name)
            if not la.inserted and (i not in precision or la.executed):
                precision[i] = la.runtime_precision
    return {i: NodeProfile(i, time[i], precision.get(i, ""), tuple(names[i])) for i in names}


def compile_and_profile(
    model: ov.Model,
    graph: Graph,
    options: CompileOptions,
    inputs: Mapping[str, np.ndarray] | None = None,
    shapes: Mapping[str, tuple[int, ...]] | None = None,
    *,
    iterations: int = 10,
    model_name: str = "",
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> ProfileResult:
    """Compile ``model`` with profiling on and profile it (the worker function of the Profile view)."""
    from ovexplorer.core.run.session import compile_session

    session = compile_session(model, replace(options, profiling=True), shapes, fixed_shapes=True,
                              model_name=model_name, progress=progress, cancel=cancel)
    try:
        return profile_session(session, graph, inputs, iterations=iterations, progress=progress, cancel=cancel)
    finally:
        session.close()


@dataclass(frozen=True, slots=True)
class NodeColoring:
    """What a graph view paints: ``{node_id: '#rrggbb'}`` and the legend; mode ``""`` clears the colours."""

    mode: str
    colors: Mapping[int, str]
    legend: Legend | None = None
    values: Mapping[int, float] = field(default_factory=dict)  # per node: milliseconds in "time" mode


def node_coloring(result: ProfileResult | None, mode: str) -> NodeColoring:
    """The colouring of ``result`` in ``mode`` (``"time"``, ``"precision"``; anything else clears)."""
    if result is None or mode not in COLOR_MODES:
        return NodeColoring("", {}, None)
    values = {i: p.real_ms for i, p in result.nodes.items() if p.real_ms > 0} if mode == "time" else {}
    return NodeColoring(mode, result.node_colors(mode), result.legend(mode), values)
