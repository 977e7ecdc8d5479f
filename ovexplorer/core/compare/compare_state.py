"""The comparison view's state (no Qt): both documents, the comparison, the selected pair, the results of the
weights, activations, decoded answers and latency runs, and the colouring of each graph (by status or by layer
error)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ovexplorer.core.bench.profiling import Legend, color_scale
from ovexplorer.core.compare.activations import LayerDiff, OutputDiff
from ovexplorer.core.compare.answers import AnswersComparison, Decoders
from ovexplorer.core.compare.differences import STATUS_COLORS, STATUSES, Comparison, Difference
from ovexplorer.core.compare.latency_ab import LatencyAB
from ovexplorer.core.compare.weights_diff import WeightDiff
from ovexplorer.core.model.document import ModelDocument
from ovexplorer.core.util.events import Event

COLOR_BY_STATUS, COLOR_BY_ERROR = "status", "error"
#: Colour of a node without an error value (not matched, or not compared).
NO_DATA_COLOR = "#eeeeee"
ERROR_STOPS = ("#2e86de", "#54a0ff", "#feca57", "#ff9f43", "#ee5253")


@dataclass(frozen=True, slots=True)
class Coloring:
    """What a graph panel paints (the interface of ``GraphViewState.set_coloring``)."""

    mode: str
    colors: dict[int, str]
    legend: Legend | None = None
    values: dict[int, float] = field(default_factory=dict)


def error_color(value: float, lo: float, hi: float) -> str:
    """A relative error on a log scale from ``lo`` (blue) to ``hi`` (red)."""
    if not math.isfinite(value) or value <= 0:
        return ERROR_STOPS[0] if value == 0 else ERROR_STOPS[-1]
    if hi <= lo:
        return ERROR_STOPS[-1]
    return color_scale(math.log(max(value, lo) / lo) / math.log(hi / lo), ERROR_STOPS)


class CompareState:
    """Everything the comparison window shows; widgets observe the events."""

    def __init__(self) -> None:
        self.doc_a: ModelDocument | None = None
        self.doc_b: ModelDocument | None = None
        self.comparison: Comparison | None = None
        self.weights: list[WeightDiff] = []
        self.outputs: list[OutputDiff] = []
        self.layers: list[LayerDiff] = []
        self.input_notes: list[str] = []
        self.latency: LatencyAB | None = None
        self.answers: AnswersComparison | None = None
        self.decoders = Decoders()  # the answers' compiled decoders, kept while the pair is open
        self.answer_kind = ""  # "vision" or "text" when a feature decodes A's outputs (known at opening)
        self.color_mode = COLOR_BY_STATUS
        self.selected: tuple[int | None, int | None] = (None, None)
        self.comparison_changed = Event()  # ()
        self.selection_changed = Event()  # (a node or None, b node or None)
        self.weights_changed = Event()  # ()
        self.activations_changed = Event()  # ()
        self.latency_changed = Event()  # ()
        self.answers_changed = Event()  # ()
        self.coloring_changed = Event()  # ()

    # -- results ------------------------------------------------------------------------------
    def set_comparison(self, doc_a: ModelDocument, doc_b: ModelDocument, comparison: Comparison,
                       answer_kind: str = "") -> None:
        self.doc_a, self.doc_b, self.comparison = doc_a, doc_b, comparison
        self.answer_kind = answer_kind
        self.weights, self.outputs, self.layers, self.input_notes, self.latency = [], [], [], [], None
        self.answers = None
        self.decoders.clear()
        self.selected = (None, None)
        self.comparison_changed.emit()
        self.coloring_changed.emit()

    def set_weights(self, rows: list[WeightDiff]) -> None:
        self.weights = rows
        self.weights_changed.emit()

    def set_activations(self, outputs: list[OutputDiff], layers: list[LayerDiff], notes: list[str]) -> None:
        self.outputs, self.layers, self.input_notes = outputs, layers, notes
        self.activations_changed.emit()
        if self.color_mode == COLOR_BY_ERROR:
            self.coloring_changed.emit()

    def set_answers(self, answers: AnswersComparison | None) -> None:
        self.answers = answers
        self.answers_changed.emit()

    def set_latency(self, result: LatencyAB) -> None:
        self.latency = result
        self.latency_changed.emit()

    def close(self) -> None:
        self.decoders.clear()
        for doc in (self.doc_a, self.doc_b):
            if doc is not None:
                doc.close()
        self.comparison = None

    # -- selection ----------------------------------------------------------------------------
    def _logical(self, side: int, node_id: int) -> int | None:
        c = self.comparison
        if c is None:
            return None
        g = c.a if side == 0 else c.b
        if g.is_logical(node_id):
            return node_id
        return g.owner.get(node_id)

    def partner(self, side: int, node_id: int) -> int | None:
        """The node of the other model matched with ``node_id`` of ``side`` (0: A, 1: B), or None."""
        c = self.comparison
        logical = self._logical(side, node_id)
        if c is None or logical is None:
            return None
        return (c.matching.a_to_b if side == 0 else c.matching.b_to_a).get(logical)

    def select(self, side: int, node_id: int) -> tuple[int | None, int | None]:
        """The user picked ``node_id`` in graph ``side``: select it and its partner."""
        other = self.partner(side, node_id)
        self.selected = (node_id, other) if side == 0 else (other, node_id)
        self.selection_changed.emit(*self.selected)
        return self.selected

    def select_difference(self, diff: Difference) -> None:
        self.selected = (diff.a, diff.b)
        self.selection_changed.emit(*self.selected)

    def select_pair(self, a: int | None, b: int | None) -> None:
        self.selected = (a, b)
        self.selection_changed.emit(a, b)

    def describe(self, side: int, node_id: int) -> str:
        """Status and what differs, for the selected node's caption."""
        c = self.comparison
        if c is None:
            return ""
        status = (c.status_a if side == 0 else c.status_b).get(node_id, "")
        logical = self._logical(side, node_id)
        what = next((d.what for d in c.differences if (d.a if side == 0 else d.b) == logical), "")
        return status + (f": {what}" if what else "")

    # -- colouring ----------------------------------------------------------------------------
    def set_color_mode(self, mode: str) -> None:
        if mode != self.color_mode:
            self.color_mode = mode
            self.coloring_changed.emit()

    def coloring(self, side: int) -> Coloring | None:
        c = self.comparison
        if c is None:
            return None
        status = c.status_a if side == 0 else c.status_b
        if self.color_mode == COLOR_BY_STATUS or not self.layers:
            legend = Legend("status", "Compared with " + ("B" if side == 0 else "A"),
                            tuple((s, STATUS_COLORS[s]) for s in STATUSES if s in status.values()))
            return Coloring("status", {i: STATUS_COLORS[s] for i, s in status.items()}, legend)
        values: dict[int, float] = {}
        for row in self.layers:
            if row.metrics is not None and row.port == 0:
                values[row.a if side == 0 else row.b] = row.metrics.rel_l2
        finite = [v for v in values.values() if math.isfinite(v) and v > 0]
        lo, hi = (min(finite), max(finite)) if finite else (1e-6, 1.0)
        lo = max(lo, hi * 1e-4)
        colors = {i: NO_DATA_COLOR for i in status}
        colors.update({i: error_color(v, lo, hi) for i, v in values.items()})
        legend = Legend("error", "Relative L2 error of B's activations",
                        ((f"≤ {lo:.2g}", error_color(lo, lo, hi)), (f"{math.sqrt(lo * hi):.2g}",
                         error_color(math.sqrt(lo * hi), lo, hi)), (f"≥ {hi:.2g}", error_color(hi, lo, hi)),
                         ("no data", NO_DATA_COLOR)))
        return Coloring("error", colors, legend, values)

    def error_by_depth(self) -> tuple[list[int], list[float], list[LayerDiff]]:
        """(depths, relative errors, rows) of the compared layers, for the plot."""
        rows = [r for r in self.layers if r.metrics is not None and r.port == 0 and math.isfinite(r.metrics.rel_l2)]
        return [r.depth for r in rows], [r.metrics.rel_l2 for r in rows], rows

    def worst_layer(self) -> LayerDiff | None:
        rows = self.error_by_depth()[2]
        return max(rows, key=lambda r: r.metrics.rel_l2) if rows else None

    def summary(self) -> dict[str, Any]:
        return self.comparison.summary() if self.comparison is not None else {}
