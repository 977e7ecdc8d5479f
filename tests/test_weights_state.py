"""The Weights feature's state without Qt: a run's rows and totals, the filter, selection (also before the row
arrives), the de-quantized toggle, the chart, export, and runs that a newer one replaced."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from models_weights import flagged_model, save, square_chain_model

from ovexplorer.core.model.document import open_model
from ovexplorer.core.util.tasks import CancelToken, no_progress
from ovexplorer.core.weights.weights_state import WeightsState


class Recorder:
    """Every event of a state, in order, with its arguments."""

    def __init__(self, state: WeightsState) -> None:
        self.calls: list[tuple] = []
        for name in ("document_changed", "rows_reset", "rows_added", "totals_changed", "filter_changed",
                     "selection_changed", "dequant_changed", "chart_changed", "run_changed", "status_changed"):
            getattr(state, name).connect(lambda *args, n=name: self.calls.append((n, *args)))

    def names(self) -> list[str]:
        return [c[0] for c in self.calls]


def _run(state: WeightsState) -> int:
    generation, work = state.begin_run()
    count = work(no_progress, CancelToken())
    state.finish(generation)
    return count


@pytest.fixture
def flagged(tmp_path: Path) -> WeightsState:
    state = WeightsState()
    state.set_document(open_model(save(flagged_model(), tmp_path / "flagged.xml")))
    return state


def test_a_run_brings_rows_totals_and_a_status(flagged: WeightsState) -> None:
    events = Recorder(flagged)
    assert flagged.needs_statistics and not flagged.running
    assert _run(flagged) == 8
    assert len(flagged.rows) == 8 and flagged.totals is not None and flagged.totals.parameters == 273
    assert not flagged.running and not flagged.needs_statistics
    assert flagged.status == "8 constants — 3 flagged"
    names = events.names()
    assert names[:3] == ["rows_reset", "run_changed", "status_changed"]  # begin_run
    assert names.index("totals_changed") < names.index("rows_added") < names.index("run_changed", 2)
    assert ("run_changed", False) in events.calls and flagged.chart_items()[0] == ("MatMul", 256)


def test_filter_text_and_flagged_only(flagged: WeightsState) -> None:
    _run(flagged)
    flagged.set_filter_text("  BIAS ")
    assert sorted(r.name for r in flagged.rows if flagged.accepts(r)) == ["bf16.bias", "i4.bias"]
    flagged.set_filter_text("")
    flagged.set_flagged_only(True)
    assert sorted(r.name for r in flagged.rows if flagged.accepts(r)) == ["empty", "inf.weight", "nan.weight",
                                                                         "zero.weight"]


def test_selecting_a_node_before_its_row_arrives(flagged: WeightsState) -> None:
    node = flagged.document.graph.find("zero.weight").id
    _, work = flagged.begin_run()
    flagged.select_node(node)  # the worker has not produced it yet: remembered while running
    assert flagged.selected is None and flagged.pending_select == node
    work(no_progress, CancelToken())
    flagged.drain()
    assert flagged.selected is not None and flagged.selected.name == "zero.weight"
    edges, counts = flagged.shown_histogram()
    assert counts.sum() > 0 and len(edges) == len(counts) + 1
    flagged.set_filter_text("nan")
    flagged.select_node(flagged.document.graph.find("good.weight").id)  # filtered out: selection stays
    assert flagged.selected.name == "zero.weight"


def test_dequantized_toggle_picks_the_statistics_shown(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    ws = [(rng.standard_normal((16, 16)) * 0.05).astype(np.float32)]
    state = WeightsState()
    state.set_document(open_model(save(square_chain_model(ws, "u4"), tmp_path / "u4.xml")))
    _run(state)
    state.select_node(state.document.graph.find("layer0.weight").id)
    row = state.selected
    assert row.dequant is not None and state.shown_stats() is row.dequant
    state.set_show_dequant(False)
    assert state.shown_stats() is row.stats and (state.shown_histogram()[0][0], state.shown_histogram()[0][-1]) == (
        0.0, 15.0)


def test_an_older_run_is_ignored_and_a_new_document_resets(flagged: WeightsState, tmp_path: Path) -> None:
    old_generation, old_work = flagged.begin_run()
    generation, work = flagged.begin_run()  # restarted: the first run's rows go to a sink nobody reads
    old_work(no_progress, CancelToken())
    assert not flagged.finish(old_generation, "old") and flagged.rows == [] and flagged.running
    work(no_progress, CancelToken())
    assert flagged.finish(generation, "done") and len(flagged.rows) == 8
    events = Recorder(flagged)
    flagged.set_document(None)
    assert flagged.rows == [] and flagged.totals is None and flagged.selected is None
    assert flagged.status == "No model is open." and flagged.begin_run() is None
    assert "document_changed" in events.names() and ("run_changed", False) in events.calls


def test_chart_by_scope_and_export(flagged: WeightsState, tmp_path: Path) -> None:
    _run(flagged)
    by_type = flagged.chart_items()
    flagged.set_chart_by_scope(True)
    assert flagged.chart_items() != by_type and sum(v for _, v in flagged.chart_items()) == 273
    rows = [r for r in flagged.rows if r.flags]
    flagged.export(str(tmp_path / "w.json"), "json", rows)
    data = json.loads((tmp_path / "w.json").read_text())
    assert [c["name"] for c in data["constants"]] == [r.name for r in rows] and data["totals"]["parameters"] == 273
    flagged.export(str(tmp_path / "w.csv"), "csv", rows)
    assert (tmp_path / "w.csv").read_text().count("\n") == len(rows) + 1


def test_an_event_calls_its_callbacks_in_order_until_disconnected() -> None:
    from ovexplorer.core.util.events import Event

    seen: list[tuple] = []
    event = Event()
    first = event.connect(lambda *a: seen.append(("first", *a)))
    event.connect(lambda *a: seen.append(("second", *a)))
    event.emit(1, "x")
    event.disconnect(first)
    event.emit(2)
    assert seen == [("first", 1, "x"), ("second", 1, "x"), ("second", 2)]


def test_compute_at_chosen_shapes_keeps_only_the_latest_count(flagged: WeightsState) -> None:
    events = Recorder(flagged)
    first = flagged.begin_shape_totals({"x": (2, 8)})
    second = flagged.begin_shape_totals({"x": (4, 8)})
    assert first is not None and second is not None and first != second
    assert not flagged.shape_totals_done(first, None, "old") and flagged.shape_note == ""
    assert flagged.shape_totals_done(second, None, "failed: why") and flagged.shape_note == "failed: why"
    assert flagged.begin_shape_totals({}) is None and flagged.shape_note == "" and flagged.shape_totals is None
    assert events.names().count("totals_changed") == 2  # the failed count, then the count dropped
    flagged.set_document(None)
    assert flagged.begin_shape_totals({"x": (2, 8)}) is None


def test_the_status_counts_through_the_filter(flagged: WeightsState) -> None:
    _run(flagged)
    flagged.set_filter_text("bias")
    assert flagged.status == "2 of 8 constants — 3 flagged" and flagged.count_text() == "2 of 8 constants"
    flagged.set_filter_text("")
    flagged.set_flagged_only(True)
    assert flagged.status == "4 of 8 constants — 3 flagged"
    flagged.set_flagged_only(False)
    assert flagged.status == "8 constants — 3 flagged"
    generation, _ = flagged.begin_run()
    assert flagged.status == "Computing statistics…"
    flagged.finish(generation, "Statistics cancelled")
    assert flagged.status == "Statistics cancelled"


def test_a_node_selected_before_the_first_run_is_selected_when_its_row_arrives(flagged: WeightsState) -> None:
    """Inspector > Show statistics before the Weights tab ever computed: the run starts after the selection."""
    assert flagged.needs_statistics and not flagged.running
    flagged.select_node(flagged.document.graph.find("nan.weight").id)
    _run(flagged)
    assert flagged.selected is not None and flagged.selected.name == "nan.weight"


def test_the_filter_matches_consumer_names(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    state = WeightsState()
    state.set_document(open_model(save(square_chain_model([rng.standard_normal((8, 8)).astype(np.float32)] * 2),
                                       tmp_path / "c.xml")))
    _run(state)
    assert [r.name for r in state.rows if state.accepts(r)] == [r.name for r in state.rows]
    state.set_filter_text("layer1/matmul")  # the consumer's name, not the constant's
    assert [r.name for r in state.rows if state.accepts(r)] == ["layer1.weight"]
