"""The Graph feature's state without Qt: navigation into bodies and back, layouts kept per frame, options,
expansion, selection of folded constants, colouring only on the model's graph, and search hits."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from models_graph import loop_model, transformer_model

from ovexplorer.core.layout.graph_layout import GraphLayouter
from ovexplorer.core.layout.graph_view_state import GraphViewState
from ovexplorer.core.layout.grouping import ROOT
from ovexplorer.core.layout.search import SearchHits
from ovexplorer.core.model.graph import extract_graph


def _doc(model, name: str) -> SimpleNamespace:
    return SimpleNamespace(graph=extract_graph(model)[0], name=name)


@pytest.fixture
def state() -> GraphViewState:
    s = GraphViewState()
    s.set_document(_doc(transformer_model(2), "tiny"))
    return s


def _lay_out(state: GraphViewState, expanded=None) -> None:
    frame = state.frame
    layouter = state.reusable_layouter() or GraphLayouter(frame.graph, state.options)
    state.laid_out(frame, layouter, layouter.layout(expanded), canvas="picture")


def test_bodies_open_and_the_breadcrumb_leads_back() -> None:
    state = GraphViewState()
    entered: list[int] = []
    state.frame_changed.connect(lambda: entered.append(len(state.stack)))
    state.set_document(_doc(loop_model(), "loop"))
    loop = next(n for n in state.frame.graph.nodes if n.subgraphs)
    assert not state.open_body(loop.id + 10_000) and not state.open_body(0 if loop.id else 1)
    assert state.open_body(loop.id) and not state.at_top and entered == [1, 2]
    crumbs, _ = state.breadcrumb()
    assert crumbs[0] == ("loop", "frame:0") and crumbs[-1][1] is None
    assert state.follow("frame:0") and state.at_top and entered == [1, 2, 1]
    assert not state.follow("nonsense:1") and entered == [1, 2, 1]
    state.open_body(loop.id)
    assert state.back_to_top(loop.id) and state.frame.selected == loop.id and not state.back_to_top(loop.id)


def test_a_layout_is_kept_per_frame_until_the_options_change(state: GraphViewState) -> None:
    assert state.shown_layout() is None and state.reusable_layouter() is None
    _lay_out(state)
    layout = state.shown_layout()
    assert layout is not None and state.frame.canvas == "picture" and state.frame.expanded == layout.expanded
    assert state.set_option(horizontal=True)  # the frame must be laid out again
    assert state.shown_layout() is None and state.reusable_layouter() is None
    assert state.frame.expanded == layout.expanded  # the expansion is kept...
    state.set_option(grouped=False)
    assert state.frame.expanded is None  # ...unless the grouping changed
    empty = GraphViewState()
    assert not empty.set_option(horizontal=True) and empty.options.horizontal


def test_expanding_and_collapsing_groups(state: GraphViewState) -> None:
    assert state.toggled(1) is None and state.all_expanded() is None  # nothing laid out yet
    _lay_out(state, frozenset({ROOT}))
    groups = state.frame.layouter.grouping
    child = groups.groups[ROOT].children[0]
    opened = state.toggled(child)
    assert opened == frozenset({ROOT, child}) and state.toggled(ROOT) is None
    _lay_out(state, state.all_expanded())
    assert state.frame.expanded == frozenset(range(len(groups.groups)))
    closed = state.toggled(child)
    assert child not in closed and all(child not in groups.ancestors[g] for g in closed)


def test_selecting_a_folded_constant_selects_its_consumer(state: GraphViewState) -> None:
    graph = state.frame.graph
    const = next(n for n in graph.nodes if n.type == "Constant" and graph.consumers(n.id))
    assert state.select(const.id) == graph.consumers(const.id)[0] and state.frame.selected == const.id
    state.set_option(fold_constants=False)
    assert state.select(const.id) == const.id
    assert state.select(len(graph.nodes)) is None and state.frame.selected == const.id
    _lay_out(state, frozenset({ROOT}))
    assert state.expansion_showing(const.id) >= state.frame.layouter.expand_to(frozenset({ROOT}), const.id)
    state.clear_selection()
    assert state.frame.selected is None
    assert state.describe_node(const.id).startswith("Constant") and state.describe_node(-1) == ""


def test_colouring_is_painted_on_the_model_graph_only() -> None:
    state = GraphViewState()
    state.set_document(_doc(loop_model(), "loop"))
    changes: list[bool] = []
    state.coloring_changed.connect(lambda: changes.append(True))
    coloring = SimpleNamespace(mode="latency", colors={0: "#ff0000"}, legend=None)
    state.set_coloring(coloring)
    assert state.shown_coloring() is coloring and changes == [True]
    state.open_body(next(n.id for n in state.frame.graph.nodes if n.subgraphs))
    assert state.shown_coloring() is None
    state.set_coloring(SimpleNamespace(mode="", colors={}, legend=None))  # mode "": back to categories
    assert state.coloring is None
    state.set_coloring(coloring)
    state.set_document(None)
    assert state.coloring is None and state.frame is None


def test_search_hits_step_round_and_say_where_they_are(state: GraphViewState) -> None:
    hits = SearchHits()
    assert hits.search(None, "x") is None and hits.label() == "no match"
    graph = state.frame.graph
    first = hits.search(graph, "MatMul")
    assert first == hits.hits[0] and len(hits.hits) > 2 and hits.label() == f"1 of {len(hits.hits)}"
    assert hits.step(1) == hits.hits[1] and hits.step(-2) == hits.hits[-1]
    assert hits.search(graph, "  ") is None and hits.label() == "" and hits.step(1) is None


def test_the_selection_drawn_and_where_a_hidden_node_is_looked_for(state: GraphViewState) -> None:
    assert state.selected_target() is None
    graph = state.frame.graph
    const = next(n for n in graph.nodes if n.type == "Constant" and graph.consumers(n.id))
    state.select(const.id)
    assert state.selected_target() == graph.consumers(const.id)[0]  # folded: drawn as its consumer
    _lay_out(state, frozenset({ROOT}))
    layout = state.frame.layout
    hidden = next(n.id for n in graph.nodes if n.id not in layout.node_index)
    holder = next(g for g in reversed(state.frame.layouter.grouping.holding_groups(hidden))
                  if g in layout.group_index)
    box = layout.groups[layout.group_index[holder]]
    x, y = state.group_centre_holding(hidden, layout)
    assert x == box.x + box.w / 2 and box.y <= y <= box.y + 20
    assert GraphViewState().group_centre_holding(hidden, layout) is None  # nothing open


def test_collapsed_groups_are_filled_for_the_colouring_on_the_model_graph(state: GraphViewState) -> None:
    colors = {"time_color": lambda t, lo, hi: "#ff0000" if t == hi else "#00ff00", "text_color": lambda c: "#000000"}
    _lay_out(state, frozenset({ROOT}))
    layout = state.frame.layout
    assert state.shown_group_fills(layout, **colors) == {}  # no colouring
    state.set_coloring(SimpleNamespace(mode="time", colors={n.id: "#ff0000" for n in state.frame.graph.nodes},
                                       values={n.id: 1.0 for n in state.frame.graph.nodes}, legend=None))
    fills = state.shown_group_fills(layout, **colors)
    collapsed = {g.id for g in layout.groups if not g.expanded}
    assert fills and set(fills) <= collapsed and all(f.note.endswith(" ms") for f in fills.values())
    assert state.shown_group_fills(None, **colors) == {}


def test_a_long_graph_starts_at_its_inputs_and_a_short_one_fitted() -> None:
    from ovexplorer.core.layout.layout_records import LayoutOptions
    from ovexplorer.core.layout.start_view import OUTLINE_SCALE, READABLE_START, SMALLEST_FIT, start_view

    graph = extract_graph(transformer_model(2))[0]
    flat = GraphLayouter(graph, LayoutOptions(grouped=False)).layout()  # every op drawn
    bounds = (0.0, 0.0, flat.width, flat.height)
    assert start_view(flat, bounds, SMALLEST_FIT, (800, 600)) is None  # fitted, boxes and arrows show
    start = start_view(flat, bounds, SMALLEST_FIT / 2, (800, 600))
    inputs = [b for b in flat.nodes if b.category == "input"]
    assert start.scale == max(READABLE_START, min(1.0, 800 / (flat.width + 40)))
    assert start.x == sum(b.x + b.w / 2 for b in inputs) / len(inputs)  # at the inputs...
    assert start.y == 600 / start.scale / 2 - 20  # ...from the top
    grouped = GraphLayouter(graph).layout(frozenset({ROOT}))  # an outline: fitted down to OUTLINE_SCALE
    assert start_view(grouped, (0.0, 0.0, grouped.width, grouped.height), SMALLEST_FIT / 2, (800, 600)) is None
    sideways = start_view(None, (10.0, 0.0, 5000.0, 100.0), OUTLINE_SCALE / 2, (800, 600))
    assert sideways == (1.0, 10.0 + 800 / 2 - 20, 50.0)  # no layout: wider than tall reads left to right
