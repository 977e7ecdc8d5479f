"""Statistics of stored tensors, computed in chunks over zero-copy views of their raw bytes.

No Qt and no OpenVINO here (only numpy), so helper processes (:mod:`ovexplorer.core.weights.stats_pool`) import it
cheaply and compute statistics straight from the weights file.

Memory stays bounded: values are decoded ``CHUNK_ELEMENTS`` at a time, and on Linux the pages of the
weights file that a chunk touched are handed back to the kernel (``madvise(MADV_DONTNEED)`` on the
read-only file mapping: the page cache keeps them, the process's RSS does not grow with the model).

A whole float32 tensor in one chunk (the common case) takes five numpy passes over cached values after the
first one from memory: min, max, sum (einsum), sum of squares (BLAS sdot), zero count (compare + count),
plus a histogram of an evenly strided sample of ``HIST_SAMPLES`` values.

De-quantized statistics of per-channel chains with long rows come from per-row reductions of the codes
(min, max, sum, sum of squares per row, combined with each row's scale and zero point), so the de-quantized
values are never materialised; other chains (short groups, odd broadcasts) are de-quantized chunk by chunk.

This module holds the knobs and the walk over a tensor's chunks (:func:`tensor_values`, :func:`tensors_values`);
the parts live beside it: :mod:`.value_summary` (the statistics record and the reductions), :mod:`.histograms`,
:mod:`.decompression` (chains and their per-row statistics), :mod:`.page_releaser` (the weights file's pages) and
:mod:`.batch_stats` (many small constants at once).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import numpy as np

from ovexplorer.core.util.tasks import CancelToken
from ovexplorer.core.weights.batch_stats import batch_stats, dequantize
from ovexplorer.core.weights.decompression import Chain, RowDequant, chain_rows
from ovexplorer.core.weights.dtypes import ElementCodec, codec_for
from ovexplorer.core.weights.page_releaser import PageReleaser
from ovexplorer.core.weights.value_summary import CHUNK_ELEMENTS, Accumulator, ValueStats, quick_stats

#: Histogram bins.
HIST_BINS = 64
#: By default a histogram counts an evenly strided sample of at most this many values per constant, and at
#: most 1 in 8 of mid-size ones (every value up to ``SMALL_ELEMENTS``); ``exact_histograms=True`` counts all.
HIST_SAMPLES = 1 << 13
#: De-quantized statistics come from per-row reductions of the codes when rows (values sharing one scale)
#: are at least this long; numpy's reductions along short rows are slower than de-quantizing the chunk.
ROW_PATH_MIN_COLS = 2048
#: Constants up to this size are mapped in ahead as a whole; bigger ones a chunk at a time.
CHUNK_BYTES = CHUNK_ELEMENTS * 4
#: Histograms count every value of constants up to this size.
SMALL_ELEMENTS = 4096
#: Constants of at most this many values are computed together (:func:`tensors_values`): real models hold
#: thousands of tiny shape, axis and bias constants. Beyond, the batch's per-value work (float64, exact
#: histogram) costs more than one constant's dozen numpy calls (4,000 zero points of 3,872 values: 0.39 s).
BATCH_ELEMENTS = 512
#: Bytes of small constants whose pages are mapped in ahead of their statistics, in one call.
POPULATE_AHEAD = 16 << 20

#: The note of a string constant: text has no value statistics (and nothing to flag).
STRING_NOTE = "string values (text): no statistics"


def windows(items: list[TensorItem]) -> Iterator[tuple[int, int]]:
    """Index ranges ``[i, j)`` of consecutive items whose bytes to map in ahead add up to about
    ``POPULATE_AHEAD``: one :func:`tensors_values` call each (so the pages mapped at once stay bounded)."""
    sizes = [0 if a is None else a.size for a in map(_ahead_bytes, items)]
    i = 0
    while i < len(sizes):
        j, size = i, 0
        while j < len(sizes) and (j == i or size + sizes[j] <= POPULATE_AHEAD):
            size += sizes[j]
            j += 1
        yield i, j
        i = j


class TensorStats(NamedTuple):
    """What :func:`tensor_values` found: the stored values' statistics (None on a problem, told by ``note``)
    and, for the head of a decompression chain, the de-quantized values' statistics."""

    stats: ValueStats | None
    note: str = ""
    dequant: ValueStats | None = None


def _never_raises(fn: Callable[..., TensorStats]) -> Callable[..., TensorStats]:
    """Statistics never raise on bad values or shapes (only :class:`Cancelled`): a problem becomes the note."""

    @functools.wraps(fn)
    def safe(*args: Any, **kwargs: Any) -> TensorStats:
        try:
            return fn(*args, **kwargs)
        except (ArithmeticError, ValueError, TypeError, IndexError, MemoryError) as exc:
            return TensorStats(None, f"statistics could not be computed: {type(exc).__name__}: {exc}")

    return safe


@_never_raises
def tensor_values(
    raw: np.ndarray | None,
    element_type: str,
    shape: tuple[int, ...],
    chain: Chain | None = None,
    *,
    bins: int = HIST_BINS,
    hist_samples: int = HIST_SAMPLES,
    exact: bool = False,
    cancel: CancelToken | None = None,
    releaser: PageReleaser | None = None,
) -> TensorStats:
    """Statistics of one stored tensor from its raw bytes (a flat uint8 view, read in chunks, never copied)."""
    count = math.prod(shape)
    codec = codec_for(element_type)
    problem = _unreadable(raw, codec, element_type, shape, count)
    if problem:
        return TensorStats(None, problem)
    # At most hist_samples values, and at most 1 in 8 of a mid-size constant (at least SMALL_ELEMENTS, which
    # are counted exactly): the histogram of 8,192 strided values cost a quarter of a 128 KiB constant's time.
    stride = 1 if exact else max(1, -(-count // min(hist_samples, max(SMALL_ELEMENTS, count // 8))))
    chain = chain if shape else None
    if chain is None and count <= CHUNK_ELEMENTS:  # the common case, kept lean: one chunk, no de-quantization
        return _one_chunk(raw, codec, shape, count, bins, stride, releaser)
    keep = (count // stride) <= CHUNK_ELEMENTS if exact else True
    acc = Accumulator(count, bins, stride, keep)
    row_elems = int(np.prod(shape[1:], dtype=np.int64)) if len(shape) > 1 else 1
    if chain is not None and chain.scale_rows is not None and chain.cols >= ROW_PATH_MIN_COLS and not exact:
        return _by_rows(raw, codec, shape, count, chain, acc, row_elems, bins, cancel, releaser)
    return _by_chunks(raw, codec, shape, count, chain, acc, row_elems, keep, cancel, releaser)


def _unreadable(raw: np.ndarray | None, codec: ElementCodec | None, element_type: str, shape: tuple[int, ...],
                count: int) -> str:
    """Why a tensor has no statistics (its type, shape or bytes), or "" when it can have them."""
    if codec is None:
        if element_type == "string":
            return STRING_NOTE
        return f"unsupported element type {element_type}"
    if any(d < 0 for d in shape):
        return f"invalid shape {list(shape)}: a negative dimension"
    if count == 0:
        return f"zero-size constant (shape {list(shape)}): no values"
    if raw is None:
        return "the stored bytes could not be read"
    need = codec.byte_size(count)
    if raw.size < need:
        return f"holds {raw.size} bytes but shape {list(shape)} of {element_type} needs {need}"
    return ""


def _one_chunk(raw: np.ndarray, codec: ElementCodec, shape: tuple[int, ...], count: int, bins: int, stride: int,
               releaser: PageReleaser | None) -> TensorStats:
    """Statistics of a tensor decoded in one chunk (no de-quantization): the quick float32 path when it can."""
    need = codec.byte_size(count)
    values = codec.decode(raw, 0, count)
    if values.dtype == np.float32:
        quick = quick_stats(values, count, bins, stride)
        if quick is not None:
            if releaser is not None:
                releaser.release(raw[:need])
            return TensorStats(quick, "" if shape else "scalar")
    acc = Accumulator(count, bins, stride, True)
    acc.add(values, 0)
    precise = acc.needs_precise_var
    if precise:
        acc.add_second(values, True)
    stats = acc.finish(precise)
    if releaser is not None:
        releaser.release(raw[:need])
    return TensorStats(stats, _note(stats, shape))


def _by_chunks(
    raw: np.ndarray,
    codec: ElementCodec,
    shape: tuple[int, ...],
    count: int,
    chain: Chain | None,
    acc: Accumulator,
    row_elems: int,
    keep: bool,
    cancel: CancelToken | None,
    releaser: PageReleaser | None,
) -> TensorStats:
    """Stored (and, for a chain, de-quantized) statistics chunk by chunk: whole rows per chunk for a chain; a
    second pass when the variance needs precision or the histogram its range."""
    need = codec.byte_size(count)
    if chain is not None:
        step_rows = max(1, CHUNK_ELEMENTS // max(1, row_elems))
        bounds = [(r * row_elems, min(count, (r + step_rows) * row_elems)) for r in range(0, shape[0], step_rows)]
    else:
        bounds = [(i, min(count, i + CHUNK_ELEMENTS)) for i in range(0, count, CHUNK_ELEMENTS)]
    dacc = Accumulator(count, acc.bins, acc.stride, keep) if chain is not None else None
    single = len(bounds) == 1
    kept: list[tuple[np.ndarray, np.ndarray | None]] = []

    mapped = [0]  # values whose pages are mapped in (a big constant: 4 chunks at a time, fewer calls)

    def chunk(i0: int, i1: int) -> tuple[np.ndarray, np.ndarray | None]:
        if releaser is not None and need > CHUNK_BYTES and (i1 > mapped[0] or i0 < mapped[0] - 4 * (i1 - i0)):
            mapped[0] = min(count, i0 + 4 * (i1 - i0))  # (smaller constants were mapped in with their block)
            releaser.populate([raw[i0 * codec.bits // 8:-(-mapped[0] * codec.bits // 8)]])
        values = codec.decode(raw, i0, i1 - i0)
        dq = None
        if chain is not None:
            r0, r1 = i0 // row_elems, i1 // row_elems
            w = values.reshape((r1 - r0, *shape[1:]))
            if chain.zero_point is not None:
                dq = w - chain_rows(chain.zero_point, r0, r1)
                dq *= chain_rows(chain.scale, r0, r1)  # in place: one temporary, not two
            else:
                dq = w * chain_rows(chain.scale, r0, r1)
            dq = dq.reshape(-1)
        return values, dq

    def release(i0: int, i1: int) -> None:
        if releaser is not None:
            releaser.release(raw[i0 * codec.bits // 8:-(-i1 * codec.bits // 8)])

    for i0, i1 in bounds:
        if cancel is not None:
            cancel.check()
        values, dq = chunk(i0, i1)
        acc.add(values, i0)
        if dacc is not None and dq is not None:
            dacc.add(dq, i0)
        if single:
            kept.append((values, dq))
        else:
            release(i0, i1)
    accs = [(acc, 0)] + ([(dacc, 1)] if dacc is not None else [])
    precise = {k: a.needs_precise_var for a, k in accs}
    if any(precise.values()) or any(a.needs_hist_pass for a, _ in accs):
        for i0, i1 in bounds:
            if cancel is not None:
                cancel.check()
            pair = kept[0] if single else chunk(i0, i1)
            for a, k in accs:
                if pair[k] is not None and (precise[k] or a.needs_hist_pass):
                    a.add_second(pair[k], precise[k])
            if not single:
                release(i0, i1)
    stats = acc.finish(precise[0])
    if single:
        release(*bounds[0])
    dstats = dacc.finish(precise[1]) if dacc is not None else None
    return TensorStats(stats, _note(stats, shape), dstats)


def _by_rows(
    raw: np.ndarray,
    codec: ElementCodec,
    shape: tuple[int, ...],
    count: int,
    chain: Chain,
    acc: Accumulator,
    row_elems: int,
    bins: int,
    cancel: CancelToken | None,
    releaser: PageReleaser | None,
) -> TensorStats:
    """Stored and de-quantized statistics of a decompression chain with per-row scales (one pass of reductions)."""
    deq = RowDequant(chain, acc)
    step = max(1, CHUNK_ELEMENTS // max(1, row_elems)) * row_elems
    for i0 in range(0, count, step):
        if cancel is not None:
            cancel.check()
        i1 = min(count, i0 + step)
        if releaser is not None and codec.byte_size(count) > CHUNK_BYTES:
            releaser.populate([raw[i0 * codec.bits // 8:-(-i1 * codec.bits // 8)]])
        deq.add(codec.decode(raw, i0, i1 - i0), i0)
        if releaser is not None:
            releaser.release(raw[i0 * codec.bits // 8:-(-i1 * codec.bits // 8)])
    stats = acc.finish(False)
    return TensorStats(stats, _note(stats, shape), deq.finish(bins))


def _note(stats: ValueStats, shape: tuple[int, ...]) -> str:
    if stats.nan_count == stats.count:
        return "all values are NaN"
    return "" if shape else "scalar"




class TensorItem(NamedTuple):
    """One stored tensor for :func:`tensors_values`."""

    raw: np.ndarray | None
    element_type: str
    shape: tuple[int, ...]
    chain: Chain | None = None


def tensors_values(
    items: list[TensorItem],
    *,
    bins: int = HIST_BINS,
    hist_samples: int = HIST_SAMPLES,
    exact: bool = False,
    cancel: CancelToken | None = None,
    releaser: PageReleaser | None = None,
) -> list[TensorStats]:
    """:func:`tensor_values` of each item; small ones (up to ``BATCH_ELEMENTS`` values, with their de-quantized
    values for chain heads) are computed together, with a few numpy calls for all instead of a dozen each.

    The pages of the items up to ``CHUNK_BYTES`` are mapped in together first and handed back together after;
    bigger ones go a chunk at a time."""
    out: list[TensorStats | None] = [None] * len(items)
    small: list[tuple[int, np.ndarray]] = []
    dequantized: list[tuple[int, np.ndarray]] = []  # small heads of decompression chains: their values
    ahead = [_ahead_bytes(item) for item in items]
    window = [a for a in ahead if a is not None]
    spans = releaser.populate(window) if releaser is not None else []
    for k, item in enumerate(items):
        codec = codec_for(item.element_type)
        count = math.prod(item.shape)
        if (codec is not None and 0 < count <= min(BATCH_ELEMENTS, hist_samples) and item.raw is not None
                and item.raw.size >= codec.byte_size(count) and (item.chain is None or item.shape)):
            values = codec.decode(item.raw, 0, count)
            small.append((k, values))
            if item.chain is not None:
                dequantized.append((k, dequantize(values.reshape(item.shape), item.chain)))
    if small:
        try:
            stored = dict(zip((k for k, _ in small), batch_stats([v for _, v in small], bins), strict=True))
            deq = dict(zip((k for k, _ in dequantized), batch_stats([v for _, v in dequantized], bins),
                           strict=True))
        except (ArithmeticError, ValueError, MemoryError):  # one at a time below, each with its own note
            stored, deq = {}, {}
        for k, found in stored.items():
            if found is not None and (items[k].chain is None or deq[k] is not None):
                out[k] = TensorStats(found, "" if items[k].shape else "scalar", deq.get(k))
    for k, item in enumerate(items):
        if out[k] is None:  # big, compressed, unreadable, or with values the batch leaves to the general path
            if cancel is not None:
                cancel.check()
            out[k] = tensor_values(item.raw, item.element_type, item.shape, item.chain, bins=bins,
                                   hist_samples=hist_samples, exact=exact, cancel=cancel,
                                   releaser=releaser if ahead[k] is None else None)
    if releaser is not None:
        releaser.release_spans(spans, window)
    return out  # type: ignore[return-value]


def _ahead_bytes(item: TensorItem) -> np.ndarray | None:
    """The bytes of a constant small enough to be mapped in with its neighbours (None: a big one, mapped in a
    chunk at a time, or no bytes)."""
    codec = codec_for(item.element_type)
    if codec is None or item.raw is None:
        return None
    need = codec.byte_size(math.prod(item.shape))
    return item.raw[:need] if 0 < need <= min(item.raw.size, CHUNK_BYTES) else None
