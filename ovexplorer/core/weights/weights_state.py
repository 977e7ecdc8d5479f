"""The Weights feature's state and commands, without Qt: the open document, the statistics run and its rows,
the filter, the selected constant, the sort, the de-quantized toggle, the chart's grouping, and export.

Widgets (:mod:`ovexplorer.ui.weights`) observe the events and render; a worker runs :func:`statistics_work`
and hands rows over through a :class:`RowSink` that :meth:`WeightsState.drain` empties on the UI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from ovexplorer.core.util.events import Event
from ovexplorer.core.util.tasks import CancelToken, ProgressFn
from ovexplorer.core.weights.flops import ModelTotals, model_totals
from ovexplorer.core.weights.statistics import ValueStats, WeightStats, iter_weight_stats
from ovexplorer.core.weights.weights_export import export_csv, export_json

if TYPE_CHECKING:
    from ovexplorer.core.model.document import ModelDocument

CHART_TOP = 15  # bars in the parameters chart (the rest summed in one)

StatsSource = Callable[..., Iterator[WeightStats]]


class RowSink:
    """Rows handed from the worker to the UI thread: the worker appends, a UI timer takes them in batches.

    Polling (rather than a queued signal per batch) keeps the worker from ever waiting on the UI thread, and
    measured fewer event-loop stalls while the statistics run.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[WeightStats] = []
        self.totals: ModelTotals | None = None

    def push(self, row: WeightStats) -> None:
        with self._lock:
            self._pending.append(row)

    def take(self) -> list[WeightStats]:
        with self._lock:
            rows, self._pending = self._pending, []
        return rows


def statistics_work(doc: ModelDocument, sink: RowSink, stats: StatsSource = iter_weight_stats,
                    **options: Any) -> Callable[[ProgressFn, CancelToken], int]:
    """The worker's job: the model's totals, then every constant's statistics, pushed into ``sink``."""

    def work(progress: ProgressFn, cancel: CancelToken) -> int:
        sink.totals = model_totals(doc.graph)
        count = 0
        for row in stats(doc, progress=progress, cancel=cancel, **options):
            sink.push(row)
            count += 1
        return count

    return work


def is_flagged(row: WeightStats) -> bool:
    """A row worth a look: NaN, Inf, all zero, or no statistics (with a note saying why)."""
    return bool(row.flags or (row.note and row.stats is None))


class WeightsState:
    """What the Weights panel shows; every change emits the matching event."""

    def __init__(self) -> None:
        self.document: ModelDocument | None = None
        self.rows: list[WeightStats] = []
        self.totals: ModelTotals | None = None
        #: The compute at the input shapes set in the Run tab (a dynamic model's MACs need sizes), or why not.
        self.shape_totals: ModelTotals | None = None
        self.shape_note = ""
        self.shapes_generation = 0
        self.filter_text = ""  # lower case, stripped
        self._shown = 0  # rows the filter lets through (kept as rows arrive: no pass over all rows per batch)
        self.flagged_only = False
        self.selected: WeightStats | None = None
        self.pending_select: int | None = None  # a node to select once its row arrives
        self.show_dequant = True
        self.chart_by_scope = False
        self.sort: tuple[int, bool] | None = None  # (column, ascending) of the table, None: as computed
        self.running = False
        self.end_note = ""  # why the last run did not complete (failed, cancelled), "" when it did
        self.status = ""
        self.generation = 0  # of the current run: results of older runs are dropped
        self.computed_for: ModelDocument | None = None
        self.sink: RowSink | None = None
        self.document_changed = Event()  # ()
        self.rows_reset = Event()  # ()
        self.rows_added = Event()  # (rows)
        self.totals_changed = Event()  # ()
        self.filter_changed = Event()  # ()
        self.selection_changed = Event()  # (row or None)
        self.dequant_changed = Event()  # () the histogram's de-quantized toggle
        self.chart_changed = Event()  # () the chart's grouping
        self.run_changed = Event()  # (running)
        self.progress_changed = Event()  # (fraction)
        self.status_changed = Event()  # (text)

    # -- document and run ---------------------------------------------------------------------------
    def set_document(self, doc: ModelDocument | None) -> None:
        """Show ``doc`` (or nothing): no rows, no totals, no run."""
        self.sink = None
        self.generation += 1
        self.document = doc
        self.totals = None
        self.shape_totals = None
        self.shape_note = ""
        self.shapes_generation += 1
        self.computed_for = None
        self.running = False
        self.pending_select = None
        self.end_note = ""
        self._clear_rows()
        self.select(None)
        self.document_changed.emit()
        self.totals_changed.emit()
        self.run_changed.emit(False)
        self._update_status()

    @property
    def needs_statistics(self) -> bool:
        """A document is open whose statistics were not started yet."""
        return self.document is not None and self.computed_for is not self.document

    def begin_run(self, stats: StatsSource = iter_weight_stats,
                  **options: Any) -> tuple[int, Callable[[ProgressFn, CancelToken], int]] | None:
        """Start over on the open document: returns (generation, the worker's job), or None with no document."""
        doc = self.document
        if doc is None:
            return None
        self.generation += 1
        self.computed_for = doc
        self._clear_rows()
        # A sink per run, so rows still buffered by a cancelled run never reach this one.
        sink = self.sink = RowSink()
        self.running = True
        self.end_note = ""
        self.progress_changed.emit(0.0)
        self.run_changed.emit(True)
        self._update_status()
        return self.generation, statistics_work(doc, sink, stats, **options)

    def progress(self, generation: int, fraction: float) -> None:
        if generation == self.generation:
            self.progress_changed.emit(max(0.0, fraction))

    def drain(self) -> None:
        """Take the rows (and totals) the worker produced since the last call."""
        sink = self.sink
        if sink is None:
            return
        if self.totals is None and sink.totals is not None:
            self.totals = sink.totals
            self.totals_changed.emit()
        rows = sink.take()
        if not rows:
            return
        self.rows.extend(rows)
        self._shown += sum(1 for r in rows if self.accepts(r)) if self.filtering() else len(rows)
        self.rows_added.emit(rows)
        self._update_status()
        if self.pending_select is not None:
            self.select_node(self.pending_select)

    def finish(self, generation: int, note: str = "") -> bool:
        """The run ``generation`` ended: completed (``note`` ""), or failed or cancelled (``note`` says which);
        False for an older run."""
        if generation != self.generation:
            return False
        self.drain()
        self.running = False
        self.end_note = note
        self.run_changed.emit(False)
        self._update_status()
        self.totals_changed.emit()
        return True

    def begin_shape_totals(self, shapes: dict[str, tuple[int, ...]]) -> int | None:
        """Count the compute again for these input shapes: the generation of that count (see
        :meth:`shape_totals_done`), or None when there is nothing to count (any earlier count is dropped)."""
        self.shapes_generation += 1
        if self.document is None or not shapes:
            self.shape_totals, self.shape_note = None, ""
            self.totals_changed.emit()
            return None
        return self.shapes_generation

    def shape_totals_done(self, generation: int, totals: ModelTotals | None, note: str = "") -> bool:
        """The count ``generation`` gave ``totals`` (or failed, ``note`` says why); False for an older count."""
        if generation != self.shapes_generation:
            return False
        self.shape_totals, self.shape_note = totals, note
        self.totals_changed.emit()
        return True

    def _clear_rows(self) -> None:
        self.rows = []
        self._shown = 0
        self.rows_reset.emit()

    def _set_status(self, text: str) -> None:
        self.status = text
        self.status_changed.emit(text)

    def _update_status(self) -> None:
        """The status line: what is computed so far or how the run ended, counted through the filter."""
        if self.document is None:
            text = "No model is open."
        elif self.running:
            text = f"{self.count_text()}…" if self.rows else "Computing statistics…"
        elif self.computed_for is None:
            text = ""
        else:
            flagged = self.flagged_count()
            parts = [self.end_note] if self.end_note else []
            if self.rows or not self.end_note:
                parts.append(self.count_text())
            if flagged:
                parts.append(f"{flagged} flagged")
            text = " — ".join(parts)
        self._set_status(text)

    def filtering(self) -> bool:
        """Whether the filter hides rows (typed text, or 'flagged only')."""
        return bool(self.filter_text) or self.flagged_only

    def shown_count(self) -> int:
        """The rows the filter lets through."""
        return self._shown

    def _count_shown(self) -> None:
        self._shown = sum(1 for r in self.rows if self.accepts(r)) if self.filtering() else len(self.rows)

    def count_text(self) -> str:
        """'340 constants', or '12 of 340 constants' when the filter hides some."""
        total = len(self.rows)
        noun = "constant" if total == 1 else "constants"
        return f"{self.shown_count():,} of {total:,} {noun}" if self.filtering() else f"{total:,} {noun}"

    def flagged_count(self) -> int:
        return sum(1 for r in self.rows if r.flags)

    # -- filter, sort, selection --------------------------------------------------------------------
    def set_filter_text(self, text: str) -> None:
        """Show only rows with every typed word (the selection stays what it was, shown or not)."""
        self.filter_text = text.strip().lower()
        self._count_shown()
        self.filter_changed.emit()
        self._update_status()

    def set_flagged_only(self, on: bool) -> None:
        self.flagged_only = on
        self._count_shown()
        self.filter_changed.emit()
        self._update_status()

    def accepts(self, row: WeightStats) -> bool:
        """Whether ``row`` passes the filter: every typed word in its name, type, consumers (their names and
        types: a compressed weight's own name may lack its block's name scope), flags or note."""
        if self.flagged_only and not is_flagged(row):
            return False
        if not self.filter_text:
            return True
        hay = " ".join((row.label, row.element_type, " ".join(row.consumers), " ".join(row.consumer_types),
                        " ".join(row.flags), row.note)).lower()
        return all(word in hay for word in self.filter_text.split())

    def set_sort(self, column: int, ascending: bool) -> None:
        self.sort = None if column < 0 else (column, ascending)

    def row_of_node(self, node_id: int) -> int:
        """Index in :attr:`rows` of the constant ``node_id``, or -1."""
        return next((i for i, r in enumerate(self.rows) if r.node_id == node_id), -1)

    def select(self, row: WeightStats | None) -> None:
        self.selected = row
        self.selection_changed.emit(row)

    def select_node(self, node_id: int) -> None:
        """Select the row of ``node_id`` (another panel selected that node); while the run goes on, once it
        arrives. A row hidden by the filter is not selected."""
        i = self.row_of_node(node_id)
        if i < 0:  # not computed yet: selected when its row arrives (the run starts when the tab is shown)
            self.pending_select = node_id if self.running or self.needs_statistics else None
            return
        self.pending_select = None
        if self.accepts(self.rows[i]):
            self.select(self.rows[i])

    # -- what the side shows ------------------------------------------------------------------------
    def set_show_dequant(self, on: bool) -> None:
        self.show_dequant = on
        self.dequant_changed.emit()

    def shown_stats(self) -> ValueStats | None:
        """The statistics the histogram shows: de-quantized when there are some and the toggle is on."""
        row = self.selected
        if row is None:
            return None
        if row.dequant is not None and self.show_dequant:
            return row.dequant
        return row.stats

    def shown_histogram(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(bin edges, counts) of the shown statistics, or None."""
        s = self.shown_stats()
        if s is None:
            return None
        return s.hist_edges(), np.array(s.hist_counts)

    def set_chart_by_scope(self, on: bool) -> None:
        self.chart_by_scope = on
        self.chart_changed.emit()

    def chart_items(self) -> list[tuple[str, int]]:
        """The (label, parameters) pairs the chart shows, largest first, by consumer op type or name scope."""
        if self.totals is None:
            return []
        data = self.totals.params_by_scope if self.chart_by_scope else self.totals.params_by_consumer_type
        items = [(k, v) for k, v in data.items() if v > 0]
        if len(items) > CHART_TOP:
            rest = sum(v for _, v in items[CHART_TOP - 1:])
            items = [*items[:CHART_TOP - 1], (f"{len(items) - CHART_TOP + 1} others", rest)]
        return items

    # -- export ---------------------------------------------------------------------------------------
    def export(self, path: str, kind: str, rows: list[WeightStats]) -> None:
        """Write ``rows`` (the table's order and filter) as ``csv`` or ``json`` (temporary file, then rename)."""
        if kind == "csv":
            export_csv(rows, path)
        else:
            doc = self.document
            export_json(doc.name if doc else "", str(doc.path) if doc else "", rows, self.totals, path)
