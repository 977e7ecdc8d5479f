"""Statistics of a model's constants: one row per ``Constant``, streamed as they are computed.

For every ``Constant``: shape, stored element type, element count, bytes, min, max, mean, std, zero
fraction, NaN and Inf counts, and a fixed-bin histogram; for compressed weights (low-precision Const ->
Convert -> optional Subtract(zero point) -> Multiply(scale)) the same statistics of the de-quantized values.
The numbers come from :mod:`ovexplorer.core.weights.value_stats` (chunked, zero-copy, bounded memory).

Constants are taken in blocks of about ``BLOCK_BYTES`` bytes. With big weights files, blocks are shared
between this thread and helper processes (:mod:`ovexplorer.core.weights.stats_pool`) that read the same weights
file; rows still come out in node order.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from ovexplorer.core.model.categories import WEIGHT_PORTS
from ovexplorer.core.model.document import ModelDocument
from ovexplorer.core.model.graph import Graph, Node, body_ov_nodes, iter_bodies
from ovexplorer.core.util.errors import Cancelled, OvexplorerError
from ovexplorer.core.util.tasks import CancelToken, ProgressFn, no_progress
from ovexplorer.core.weights import stats_pool
from ovexplorer.core.weights.decompression import Chain, padded_to_rank, with_rows
from ovexplorer.core.weights.dtypes import ElementCodec, codec_for
from ovexplorer.core.weights.histograms import histogram
from ovexplorer.core.weights.page_releaser import PageReleaser
from ovexplorer.core.weights.value_stats import (
    CHUNK_BYTES,
    HIST_BINS,
    HIST_SAMPLES,
    TensorItem,
    TensorStats,
    tensor_values,
    tensors_values,
    windows,
)
from ovexplorer.core.weights.value_summary import CHUNK_ELEMENTS, ValueStats

log = logging.getLogger(__name__)

#: Bytes of constants per block of work when no helper shares it.
BLOCK_BYTES = 16 << 20
#: Helper processes are used (by default) when the constants hold at least this many values (256 MiB of
#: float32; int4 weights cost more per byte): below, the whole job takes a few tens of milliseconds here.
POOL_MIN_VALUES = 64 << 20
#: Blocks queued per helper (at least): it must not run dry while this thread does a block.
POOL_QUEUE = 2
#: Bounds of a block's size when helpers share the work.
POOL_BLOCK_MIN, POOL_BLOCK_MAX = 4 << 20, 64 << 20
#: Ops a decompression chain may pass through between the stored constant and its real consumer.
_CHAIN_OPS = frozenset({"Convert", "Subtract", "Multiply", "Reshape", "Transpose", "Unsqueeze", "Squeeze"})


class WeightStats(NamedTuple):
    """One row: a constant and its statistics (``stats`` is None when ``note`` says why there are none).
    A NamedTuple like the graph records: thousands are made, 5x cheaper than a frozen dataclass."""

    node_id: int
    name: str
    consumers: tuple[str, ...]
    consumer_types: tuple[str, ...]
    shape: tuple[int, ...]
    element_type: str
    count: int
    nbytes: int
    stats: ValueStats | None
    note: str = ""
    #: Statistics of the de-quantized values when this constant starts a decompression chain.
    dequant: ValueStats | None = None
    dequant_chain: tuple[str, ...] = ()
    #: The If / Loop body holding the constant ("" at the top level); ``node_id`` is then the top-level node
    #: holding that body.
    body: str = ""
    #: The constant is the weights of a MatMul or convolution (see :data:`WEIGHT_PORTS`).
    is_layer_weight: bool = False

    @property
    def label(self) -> str:
        """The name with its body: ``then.weight (in branch/then)``."""
        return f"{self.name} (in {self.body})" if self.body else self.name

    @property
    def flags(self) -> tuple[str, ...]:
        """What is likely a defect: ``NaN`` or ``Inf`` anywhere, ``all zero`` weights of a MatMul or convolution
        (an all-zero bias is normal), ``error`` when the values could not be read."""
        out: list[str] = []
        if self.stats is None:
            return ("error",) if self.note and self.count and self.element_type != "string" else ()
        for s in (self.stats, self.dequant):
            if s is None:
                continue
            if s.nan_count and "NaN" not in out:
                out.append("NaN")
            if s.inf_count and "Inf" not in out:
                out.append("Inf")
        if (self.is_layer_weight and self.stats.count and self.stats.zero_count == self.stats.count
                and self.count > 1):
            out.append("all zero")
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "node_id": self.node_id, "name": self.name, "consumers": list(self.consumers),
            "consumer_types": list(self.consumer_types), "shape": list(self.shape),
            "element_type": self.element_type, "count": self.count, "bytes": self.nbytes,
            "note": self.note, "flags": list(self.flags),
            "stats": self.stats.to_dict() if self.stats else None,
        }
        if self.body:
            data["body"] = self.body
        if self.dequant is not None:
            data["dequantized"] = self.dequant.to_dict()
            data["dequant_chain"] = list(self.dequant_chain)
        return data


# -- decompression chains -----------------------------------------------------------------------
def _const_values(doc: ModelDocument, node_id: int) -> np.ndarray | None:
    """The full value of a small constant, possibly behind Converts (used for scales and zero points)."""
    graph = doc.graph
    node = graph.nodes[node_id]
    while node.type == "Convert":
        producers = graph.producers(node.id)
        if not producers:
            return None
        node = graph.nodes[producers[0]]
    if node.const is None:
        return None
    codec = codec_for(node.const.element_type)
    raw = _raw_bytes(doc, node.id)
    if codec is None or raw is None or raw.size < codec.byte_size(node.const.element_count):
        return None
    return codec.decode(raw, 0, node.const.element_count).astype(np.float32).reshape(node.const.shape)


def _find_chain(doc: ModelDocument, node: Node) -> Chain | None:
    graph = doc.graph
    consumers = graph.consumers(node.id)
    convert = next((c for c in consumers if graph.nodes[c].type == "Convert"), None)
    if convert is None:
        return None
    names = [graph.nodes[convert].name]
    current = convert
    zero_point = None
    nxt = graph.consumers(current)
    if len(nxt) == 1 and graph.nodes[nxt[0]].type == "Subtract" and graph.producers(nxt[0])[0] == current:
        sub = nxt[0]
        zero_point = _const_values(doc, graph.producers(sub)[1])
        if zero_point is None:
            return None
        names.append(graph.nodes[sub].name)
        current = sub
        nxt = graph.consumers(current)
    if len(nxt) != 1 or graph.nodes[nxt[0]].type != "Multiply":
        return None
    mul = nxt[0]
    producers = graph.producers(mul)
    other = producers[1] if producers[0] == current else producers[0]
    scale = _const_values(doc, other)
    if scale is None:
        return None
    names.append(graph.nodes[mul].name)
    shape = node.const.shape if node.const else ()
    if graph.nodes[mul].outputs[0].dims != tuple(shape):
        return None  # the scale broadcasts the weight to a bigger shape: not a plain decompression
    rank = len(shape)
    try:
        if zero_point is not None:
            zero_point = padded_to_rank(zero_point, rank, shape)
        scale = padded_to_rank(scale, rank, shape)
    except ValueError:
        return None
    return with_rows(Chain(tuple(names), zero_point, scale), tuple(shape))


#: Stored types a ``Convert`` widens to f32/f64 without changing a value (the model computes with the same numbers).
_LOSSLESS_UPCAST = frozenset({"f16", "bf16"})


def _upcast_convert(graph: Graph, node: Node) -> str:
    """The name of the ``Convert`` that widens an f16/bf16 constant to f32 or f64 for its consumers (its
    de-quantized values are the stored ones), or ""."""
    if node.const is None or node.const.element_type not in _LOSSLESS_UPCAST:
        return ""
    for c in graph.consumers(node.id):
        convert = graph.nodes[c]
        if convert.type == "Convert" and convert.outputs and convert.outputs[0].element_type in ("f32", "f64"):
            return convert.name
    return ""


# -- one constant ------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Job:
    node: Node
    raw: np.ndarray | None
    codec: ElementCodec | None
    consumers: tuple[str, ...]
    consumer_types: tuple[str, ...]
    chain: Chain | None = None
    body: str = ""
    is_layer_weight: bool = False
    #: The Convert widening an f16/bf16 constant without a scale (see :func:`_upcast_convert`).
    upcast: str = ""


def _stored_bytes(job: _Job) -> int:
    """Bytes the constant's values take (0 when its element type is unknown)."""
    info = job.node.const
    return job.codec.byte_size(info.element_count) if job.codec is not None and info is not None else 0


def _raw_bytes(doc: ModelDocument, node_id: int) -> np.ndarray | None:
    """The stored bytes of a Constant as a flat uint8 view (no copy), or None if unavailable."""
    if node_id >= len(doc.ov_nodes):
        return None
    return _node_bytes(doc.ov_nodes[node_id])


def _node_bytes(node: Any) -> np.ndarray | None:
    try:
        data = node.get_data()
    except (RuntimeError, TypeError, ValueError):
        return None
    if not isinstance(data, np.ndarray) or not data.flags.c_contiguous:
        return None
    return data.reshape(-1).view(np.uint8)


def tensor_stats(
    raw: np.ndarray,
    element_type: str,
    shape: tuple[int, ...],
    *,
    bins: int = HIST_BINS,
    hist_samples: int = HIST_SAMPLES,
    exact_histograms: bool = False,
) -> tuple[ValueStats | None, str]:
    """Statistics of one stored tensor given its raw bytes: ``(stats, note)``; ``stats`` is None on a problem."""
    found = tensor_values(np.asarray(raw).reshape(-1).view(np.uint8), element_type, tuple(shape),
                          bins=bins, hist_samples=hist_samples, exact=exact_histograms)
    return found.stats, found.note


def _row(job: _Job, found: TensorStats) -> WeightStats:
    node = job.node
    info = node.const
    assert info is not None
    dequant, chain = found.dequant, job.chain.nodes if job.chain is not None and found.dequant is not None else ()
    if dequant is None and job.upcast and found.stats is not None:
        dequant, chain = found.stats, (job.upcast,)  # f16 -> f32: the same values, which the model computes with
    return WeightStats(
        node_id=node.id, name=node.name, consumers=job.consumers, consumer_types=job.consumer_types,
        shape=info.shape, element_type=info.element_type, count=info.element_count, nbytes=info.byte_size,
        stats=found.stats, note=found.note, dequant=dequant, dequant_chain=chain, body=job.body,
        is_layer_weight=job.is_layer_weight,
    )


def _item(job: _Job) -> TensorItem:
    info = job.node.const
    assert info is not None
    return TensorItem(job.raw, info.element_type, info.shape, job.chain)


# -- the model --------------------------------------------------------------------------------------
def const_derived(graph: Graph) -> list[bool]:
    """For each node, whether its value depends on constants only (weights and their decompression)."""
    derived = [False] * len(graph.nodes)
    for node in graph.nodes:  # ids are in topological order
        if node.type == "Constant":
            derived[node.id] = True
        elif node.type not in ("Parameter", "Result", "ReadValue") and graph.in_edges[node.id]:
            derived[node.id] = all(derived[p] for p in graph.producers(node.id))
    return derived


def real_consumers(graph: Graph, node_id: int, derived: list[bool]) -> list[int]:
    """The first non-constant nodes reading the value of ``node_id`` (through decompression chains)."""
    out: list[int] = []
    seen = {node_id}
    stack = [node_id]
    while stack:
        for c in graph.consumers(stack.pop()):
            if c in seen:
                continue
            seen.add(c)
            if derived[c] and graph.nodes[c].type in _CHAIN_OPS:
                stack.append(c)
            else:
                out.append(c)
    return sorted(out)


def feeds_layer_weights(graph: Graph, node_id: int, derived: list[bool]) -> bool:
    """Whether the value of ``node_id`` reaches a weights port of a MatMul or convolution (through
    decompression chains), as :func:`real_consumers` walks."""
    seen = {node_id}
    stack = [node_id]
    while stack:
        for e_index in graph.out_edges[stack.pop()]:
            edge = graph.edges[e_index]
            c = edge.dst
            if derived[c] and graph.nodes[c].type in _CHAIN_OPS:
                if c not in seen:
                    seen.add(c)
                    stack.append(c)
            elif edge.dst_port in WEIGHT_PORTS.get(graph.nodes[c].type, ()):
                return True
    return False


def _plan(doc: ModelDocument, releaser: PageReleaser | None = None) -> Iterator[_Job]:
    """A job per Constant, made as they are needed (helpers start on the first block while the rest is
    planned); reading chains' scales and zero points maps pages in, handed back as it goes."""
    graph = doc.graph
    derived = const_derived(graph)
    chains = 0
    for node in graph.nodes:
        if node.const is None:
            continue
        consumers = real_consumers(graph, node.id, derived)
        job = _Job(
            node=node,
            raw=None,
            codec=codec_for(node.const.element_type),
            consumers=tuple(graph.nodes[c].name for c in consumers),
            consumer_types=tuple(sorted({graph.nodes[c].type for c in consumers})),
            is_layer_weight=feeds_layer_weights(graph, node.id, derived),
        )
        if job.codec is not None and node.const.element_type not in ("f32", "f64", "i32", "i64", "boolean"):
            job.chain = _find_chain(doc, node)
            if job.chain is None:
                job.upcast = _upcast_convert(graph, node)
            chains += 1
            if releaser is not None and chains % 64 == 0:
                releaser.release_everything()
        yield job
    if releaser is not None:
        releaser.release_everything()


def _body_rows(doc: ModelDocument, options: dict[str, Any], cancel: CancelToken | None) -> Iterator[WeightStats]:
    """Rows of the constants inside If / Loop / TensorIterator bodies (here, without helpers: bodies are small)."""
    for ref in iter_bodies(doc.graph):
        consts = [n for n in ref.graph.nodes if n.const is not None]
        if not consts:
            continue
        try:
            ov_nodes = body_ov_nodes(doc.ov_nodes, ref.path)
        except (RuntimeError, IndexError, TypeError):
            ov_nodes = []
        derived = const_derived(ref.graph)
        jobs = []
        for node in consts:
            consumers = real_consumers(ref.graph, node.id, derived)
            jobs.append(_Job(node=node, raw=_node_bytes(ov_nodes[node.id]) if node.id < len(ov_nodes) else None,
                             codec=codec_for(node.const.element_type),
                             consumers=tuple(ref.graph.nodes[c].name for c in consumers),
                             consumer_types=tuple(sorted({ref.graph.nodes[c].type for c in consumers})),
                             body=ref.label, is_layer_weight=feeds_layer_weights(ref.graph, node.id, derived),
                             upcast=_upcast_convert(ref.graph, node)))
        items = [_item(job) for job in jobs]
        for i, j in windows(items):
            if cancel is not None:
                cancel.check()
            found = tensors_values(items[i:j], cancel=cancel, releaser=None, **options)
            for job, f in zip(jobs[i:j], found, strict=True):
                yield _row(job, f)._replace(node_id=ref.holder)


def _block_bytes(block: list[_Job]) -> int:
    return sum(_stored_bytes(job) for job in block)


def _helper_items(block: list[_Job], mapping: PageReleaser) -> list[stats_pool.BlockItem] | None:
    """Where a helper process finds the block's constants in the weights file (None: not all are there)."""
    items = []
    for job in block:
        info = job.node.const
        if info is None:
            return None
        if job.raw is None:  # the row says the bytes could not be read
            items.append(stats_pool.BlockItem(-1, 0, info.element_type, info.shape, job.chain))
            continue
        offset = mapping.file_offset(job.raw) if job.raw.size else 0
        if offset is None:
            return None
        items.append(stats_pool.BlockItem(offset, int(job.raw.size), info.element_type, info.shape, job.chain))
    return items


def _pool_for(helpers: bool | None, values: int, mapping: PageReleaser) -> stats_pool.StatsPool | None:
    if helpers is False or mapping.identity is None or not stats_pool.usable():
        return None
    if helpers is None and values < POOL_MIN_VALUES:
        return None
    pool = stats_pool.shared_pool()
    if helpers:
        return pool if pool.wait_ready(timeout=60) else None
    pool.start()  # used as soon as it is ready; until then this thread does all the work
    return None if pool.broken else pool


def iter_weight_stats(
    doc: ModelDocument,
    *,
    bins: int = HIST_BINS,
    hist_samples: int = HIST_SAMPLES,
    exact_histograms: bool = False,
    helpers: bool | None = None,
    release_pages: bool = True,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> Iterator[WeightStats]:
    """Yield a :class:`WeightStats` per Constant of the top-level graph, in node order, as they are computed.

    ``helpers``: share the work with helper processes: None (default) when the constants hold at least
    ``POOL_MIN_VALUES`` values (the helpers are started if needed and take blocks once ready); True always (waits
    for them to start); False never. A block a helper cannot do (it died, the file changed) is done here.
    """
    changed = doc.weights_changed_in_place()
    if changed:
        raise OvexplorerError(changed, path=doc.weights_path)
    options: dict[str, Any] = {"bins": bins, "hist_samples": hist_samples, "exact": exact_histograms}
    run = _StatsRun(doc, options, helpers, release_pages, progress, cancel)
    progress(0.0, "Computing weight statistics")
    try:
        for block in run.blocks():
            run.check_cancel()
            run.dispatch(block)
            yield from run.finished_rows()
        yield from run.remaining_rows()
        yield from _body_rows(doc, options, cancel)
    finally:
        run.close()
    progress(1.0, "Weight statistics done")
    run.log_summary()


class _StatsRun:
    """One run of :func:`iter_weight_stats` over the top-level constants, in steps: cut the constants into
    blocks, hand each block to a helper process or compute it here, and emit the rows in order as blocks finish."""

    def __init__(self, doc: ModelDocument, options: dict[str, Any], helpers: bool | None, release_pages: bool,
                 progress: ProgressFn, cancel: CancelToken | None) -> None:
        self.doc, self.options, self.progress, self.cancel = doc, options, progress, cancel
        self.mapping = PageReleaser(doc.weights_path)
        self.releaser = self.mapping if release_pages else None
        self.jobs = _plan(doc, self.releaser)
        consts = [n.const for n in doc.graph.nodes if n.const is not None]
        self.const_count = len(consts)
        self.total = sum(c.byte_size for c in consts) or 1
        self.pool = _pool_for(helpers, sum(c.element_count for c in consts), self.mapping)
        self.path = str(doc.weights_path)
        #: Blocks handed out, in order, with their rows (done here) or the helper's future.
        self.pending: deque[tuple[list[_Job], Future | list[WeightStats]]] = deque()
        self.done_bytes = 0
        self.blocks_here = self.blocks_by_helpers = 0
        self.started = time.perf_counter()

    def check_cancel(self) -> None:
        if self.cancel is not None:
            self.cancel.check()

    # -- step 1: blocks -----------------------------------------------------------------------
    def block_target(self, left: int) -> int:
        """With helpers, guided sizes: big blocks first (few round trips), small ones last (a short tail)."""
        if self.pool is None:
            return BLOCK_BYTES
        return max(POOL_BLOCK_MIN, min(POOL_BLOCK_MAX, left // (2 * (self.pool.processes + 1))))

    def blocks(self) -> Iterator[list[_Job]]:
        """Runs of consecutive jobs of about :meth:`block_target` bytes (or one bigger constant)."""
        block: list[_Job] = []
        size = 0
        left = self.total
        target = self.block_target(left)
        for job in self.jobs:
            job.raw = _raw_bytes(self.doc, job.node.id)
            need = _stored_bytes(job)
            block.append(job)
            size += need
            left -= need
            if size >= target:
                yield block
                block, size = [], 0
                target = self.block_target(left)
        if block:
            yield block

    # -- step 2: who computes a block ---------------------------------------------------------
    def helpers_wanted(self, block: list[_Job]) -> bool:
        """The helpers get this block while they have fewer than two blocks each queued (never idle while this
        thread works), or less work queued than this thread is about to do: blocks range from a few KiB to a
        100 MiB embedding."""
        pool = self.pool
        if pool is None or pool.broken or not pool.ready:
            return False
        queue = [b for b, r in self.pending if isinstance(r, Future) and not r.done()]
        return (len(queue) < POOL_QUEUE * pool.processes
                or sum(map(_block_bytes, queue)) < pool.processes * (_block_bytes(block) + POOL_BLOCK_MIN))

    def submit(self, block: list[_Job]) -> Future | None:
        """Hand ``block`` to a helper process (None: it cannot take it)."""
        items = _helper_items(block, self.mapping) if self.helpers_wanted(block) else None
        if items is None:
            return None
        try:
            return self.pool.submit(stats_pool.block_stats, self.path, self.mapping.identity, items, self.options)
        except Exception:  # noqa: BLE001 - a helper died (broken pool): this thread goes on alone
            self.pool.mark_broken()
            return None

    def compute_here(self, block: list[_Job]) -> list[WeightStats]:
        """The rows of ``block``, computed in this thread."""
        rows = []
        items = [_item(job) for job in block]
        for i, j in windows(items):
            self.check_cancel()
            found = tensors_values(items[i:j], cancel=self.cancel, releaser=self.releaser, **self.options)
            rows += [_row(job, f) for job, f in zip(block[i:j], found, strict=True)]
        return rows

    def dispatch(self, block: list[_Job]) -> None:
        """Queue ``block``: with a helper if one takes it, else computed here now."""
        future = self.submit(block)
        if future is not None:
            self.pending.append((block, future))
            self.blocks_by_helpers += 1
        else:
            self.pending.append((block, self.compute_here(block)))
            self.blocks_here += 1

    # -- step 3: rows, in order ---------------------------------------------------------------
    def rows_of(self, block: list[_Job], result: Future | list[WeightStats]) -> list[WeightStats]:
        """A queued block's rows: waits for its helper (cancellable); what the helper could not do is done here."""
        if isinstance(result, list):
            return result
        while True:
            self.check_cancel()
            try:
                found = result.result(timeout=0.05)
                break
            except FutureTimeout:
                continue
            except Exception as exc:  # noqa: BLE001 - the helper could not do it (died, file changed): do it here
                if self.pool is not None and isinstance(exc, BrokenProcessPool):
                    self.pool.mark_broken()
                return self.compute_here(block)
        return [_row(job, f) for job, f in zip(block, found, strict=True)]

    def emit_first(self) -> Iterator[WeightStats]:
        """The rows of the first queued block, with progress."""
        for row in self.rows_of(*self.pending.popleft()):
            self.check_cancel()
            self.done_bytes += row.nbytes
            self.progress(self.done_bytes / self.total, f"Statistics of {row.name}")
            yield row

    def finished_rows(self) -> Iterator[WeightStats]:
        """The rows of the queued blocks that are done, up to the first one still with a helper."""
        while self.pending and (isinstance(self.pending[0][1], list) or self.pending[0][1].done()):
            yield from self.emit_first()

    def remaining_rows(self) -> Iterator[WeightStats]:
        """The rows of every queued block, waiting for the helpers."""
        while self.pending:
            yield from self.emit_first()

    # -- the end --------------------------------------------------------------------------------
    def close(self) -> None:
        """Cancel what the helpers still have queued and hand back the mapped pages."""
        for *_, result in self.pending:
            if isinstance(result, Future):
                result.cancel()
        if self.releaser is not None:
            self.releaser.release_everything()

    def log_summary(self) -> None:
        log.info("weight statistics: %d constants, %.1f MiB in %.3f s; %d blocks here, %d by %d helper process(es)",
                 self.const_count, self.total / 2**20, time.perf_counter() - self.started, self.blocks_here,
                 self.blocks_by_helpers, self.pool.processes if self.pool is not None else 0)


def warm_up_helpers(doc: ModelDocument) -> None:
    """Start the helper processes ahead (in the background) when ``doc``'s constants are big enough to use them."""
    if sum(n.const.element_count for n in doc.graph.nodes if n.const is not None) >= POOL_MIN_VALUES:
        stats_pool.warm_up()


def compute_weight_stats(
    doc: ModelDocument,
    *,
    on_row: Callable[[WeightStats], None] | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    **options: Any,
) -> list[WeightStats]:
    """All rows as a list; ``on_row`` sees each row as soon as it is computed."""
    rows = []
    for row in iter_weight_stats(doc, progress=progress, cancel=cancel, **options):
        rows.append(row)
        if on_row is not None:
            on_row(row)
    return rows


__all__ = [
    "CHUNK_BYTES", "CHUNK_ELEMENTS", "HIST_BINS", "HIST_SAMPLES", "Cancelled", "ValueStats", "WeightStats",
    "compute_weight_stats", "histogram", "iter_weight_stats", "tensor_stats", "warm_up_helpers",
]
