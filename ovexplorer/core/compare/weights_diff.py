"""Per matched weight: the de-quantized values of A and B compared (max abs, relative L2, SNR, cosine) with a
histogram of B - A; worst first. One weight pair is decoded at a time (memory stays bounded)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ovexplorer.core.compare.const_values import NotDecoded, weight_values
from ovexplorer.core.compare.differences import Comparison
from ovexplorer.core.compare.metrics import Metrics, diff_histogram, tensor_metrics
from ovexplorer.core.util.tasks import CancelToken, ProgressFn, no_progress


@dataclass(frozen=True, slots=True)
class WeightDiff:
    """One matched weight: where it is, how each side stores it, and the error of B's values against A's."""

    a: int
    b: int
    name: str
    layer: str  # the first layer reading it (in A)
    shape: str
    stored_a: str
    stored_b: str
    metrics: Metrics | None
    hist: tuple[np.ndarray, float, float] | None = None
    note: str = ""

    def sort_key(self) -> float:
        """Worst first: the relative L2 error, undecoded last."""
        return -self.metrics.rel_l2 if self.metrics is not None else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "name": self.name, "layer": self.layer, "shape": self.shape,
                "stored_a": self.stored_a, "stored_b": self.stored_b,
                "metrics": self.metrics.to_dict() if self.metrics is not None else None, "note": self.note}


def weight_pairs(comparison: Comparison) -> list[tuple[int, int]]:
    """Matched weights whose values are floating point (shape and index constants are left out)."""
    a, b, m = comparison.a, comparison.b, comparison.matching
    return [(ia, ib) for ia, ib in m.a_to_b.items()
            if ia in a.weights and a.is_float_weight(ia) and b.is_float_weight(ib)
            and a.graph.nodes[a.weights[ia].root].const is not None
            and a.graph.nodes[a.weights[ia].root].const.element_count > 1]


def iter_weight_diffs(comparison: Comparison, ov_nodes_a: list[Any], ov_nodes_b: list[Any], *,
                      progress: ProgressFn = no_progress, cancel: CancelToken | None = None
                      ) -> Iterator[WeightDiff]:
    """A :class:`WeightDiff` per float weight pair, in A's order."""
    a, b = comparison.a, comparison.b
    pairs = weight_pairs(comparison)
    for k, (ia, ib) in enumerate(pairs):
        if cancel is not None:
            cancel.check()
        if k % 16 == 0:
            progress(k / max(1, len(pairs)), f"Comparing weights {k}/{len(pairs)}")
        consumers = a.consumers.get(ia, [])
        layer = a.label(consumers[0][0]) if consumers else ""
        common = dict(a=ia, b=ib, name=a.label(ia), layer=layer, shape=a.graph.nodes[ia].outputs[0].shape,
                      stored_a=a.stored_type(ia), stored_b=b.stored_type(ib))
        try:
            va = weight_values(a, ov_nodes_a, ia)
            vb = weight_values(b, ov_nodes_b, ib)
        except NotDecoded as exc:
            yield WeightDiff(**common, metrics=None, note=f"not decoded: {exc}")
            continue
        if va.size != vb.size:
            yield WeightDiff(**common, metrics=None, note=f"{va.size} values against {vb.size}")
            continue
        yield WeightDiff(**common, metrics=tensor_metrics(va, vb), hist=diff_histogram(va, vb))
        del va, vb
    progress(1.0, "Comparing weights")


def weight_diffs(comparison: Comparison, ov_nodes_a: list[Any], ov_nodes_b: list[Any], *,
                 progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> list[WeightDiff]:
    """Every weight diff, worst first."""
    rows = list(iter_weight_diffs(comparison, ov_nodes_a, ov_nodes_b, progress=progress, cancel=cancel))
    rows.sort(key=WeightDiff.sort_key)
    return rows
