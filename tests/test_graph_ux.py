"""The Graph tab as a user sees it: first view, labels when zoomed out, Find, ▸ clicks, minimap (pytest-qt)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication
from qt_helpers import open_graph

from ovexplorer.ui.graph.graph_canvas import SELECT_COLOR, TEXT_LOD, toggle_rect
from ovexplorer.ui.graph.graph_panel import GraphPanel
from ovexplorer.ui.shell.main_window import MainWindow

TIMEOUT = 30000
WINDOW_SIZE = (1200, 800)  # the shared `window` fixture (conftest) uses it


@pytest.fixture
def outline_first(monkeypatch):
    """First views open as the grouped outline, as those of graphs too costly to lay out whole do."""
    from ovexplorer.core.layout import graph_layout

    monkeypatch.setattr(graph_layout, "FIRST_VIEW_COST", 0)


def _visible(panel: GraphPanel):
    return panel.view.mapToScene(panel.view.viewport().rect()).boundingRect()


def _group(panel: GraphPanel, path: str):
    return next(g for g in panel.layout_data.groups if g.path == path)


def _node(window: MainWindow, op_type: str, contains: str = "") -> int:
    return next(n.id for n in window.document.graph.nodes if n.type == op_type and contains in n.name)


def _screen_pos(panel: GraphPanel, node_id: int):
    return panel.view.mapFromScene(panel.view.scene_pos_of_node(node_id))


# -- 1. first view and re-layouts ------------------------------------------------------------------
def test_a_graph_opens_whole_with_nothing_cut_off(qtbot, window: MainWindow, transformer_dir: Path) -> None:
    from ovexplorer.resources import sample_model

    panel = open_graph(qtbot, window, sample_model("regression"))
    bounds = panel.view.item.boundingRect()
    assert _visible(panel).contains(bounds)  # top and bottom both on screen
    assert not panel.view.minimap.isVisible()  # nothing out of view: no minimap over the graph
    panel = open_graph(qtbot, window, transformer_dir / "t12.xml")
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        panel.collapse_all()  # the outline: a few boxes
    panel.view.show_start()
    assert _visible(panel).contains(panel.view.item.boundingRect())


def test_a_tall_graph_opens_fitted_to_width_with_its_ops_readable(qtbot, window: MainWindow,
                                                                  transformer_dir: Path) -> None:
    panel = open_graph(qtbot, window, transformer_dir / "t12.xml")  # every op drawn: 40,000 px tall
    bounds, visible = panel.view.item.boundingRect(), _visible(panel)
    assert len(panel.layout_data.nodes) == sum(1 for n in window.document.graph.nodes if n.type != "Constant")
    assert bounds.height() > 10 * visible.height()
    assert visible.left() <= bounds.left() and visible.right() >= bounds.right()  # across: fitted to width
    assert visible.top() <= bounds.top() + 1  # from the start
    on_screen = [b for b in panel.layout_data.nodes if visible.contains(QRectF(b.x, b.y, b.w, b.h))]
    assert len(on_screen) >= 5 and panel.view.current_scale() >= TEXT_LOD  # ops on screen, with their text


def test_relayout_keeps_the_selected_node_where_it_was(qtbot, window: MainWindow, transformer_dir: Path) -> None:
    panel = open_graph(qtbot, window, transformer_dir / "t12.xml")
    target = _node(window, "MatMul", "layers.5.self_attn.q_proj")
    window.select_node(target)
    qtbot.waitUntil(lambda: target in panel.layout_data.node_index, timeout=TIMEOUT)
    panel.view.resetTransform()
    panel.view.centerOn(panel.view.scene_pos_of_node(target))
    before = _screen_pos(panel, target)
    for toggle in (panel.names_action, panel.constants_action):
        with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
            toggle.trigger()
        after = _screen_pos(panel, target)
        assert (after - before).manhattanLength() <= 4, toggle.text()
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        panel.expand_all()
    assert (_screen_pos(panel, target) - before).manhattanLength() <= 4


def test_relayout_without_selection_keeps_the_centre_not_the_top_left(qtbot, window: MainWindow,
                                                                      transformer_dir: Path) -> None:
    panel = open_graph(qtbot, window, transformer_dir / "t12.xml")
    middle = _group(panel, "model/layers.6")
    panel.view.resetTransform()
    panel.view.centerOn(middle.x + middle.w / 2, middle.y + middle.h / 2)
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        panel.grouping_action.trigger()  # Groups off: a flat layout
    shown = [n.id for n in panel.layout_data.nodes if _visible(panel).contains(
        QPointF(n.x + n.w / 2, n.y + n.h / 2))]
    names = [window.document.graph.nodes[i].name for i in shown]
    assert shown and any("layers.6." in name for name in names), names[:5]
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        panel.horizontal_action.trigger()  # direction
    names = [window.document.graph.nodes[n.id].name for n in panel.layout_data.nodes
             if _visible(panel).contains(QPointF(n.x + n.w / 2, n.y + n.h / 2))]
    assert any("layers.6." in name for name in names), names[:5]


# -- 2. labels at every zoom -------------------------------------------------------------------------
def test_group_titles_stay_legible_when_zoomed_out(qtbot, window: MainWindow, transformer_dir: Path,
                                                    outline_first) -> None:
    panel = open_graph(qtbot, window, transformer_dir / "t12.xml")
    panel.view.fit()
    assert panel.view.current_scale() < TEXT_LOD  # node text is gone at this zoom
    image = panel.view.viewport().grab().toImage()
    labels = {text: (rect, px) for text, rect, px, _gid in panel.view.item.screen_labels}
    for k in (0, 5, 11):
        rect, px = labels[f"▾ layers.{k}"]
        assert px >= 11  # pixels on screen, whatever the zoom
        dark = sum(1 for x in range(int(rect.left()), int(rect.right()))
                   for y in range(int(rect.top()), int(rect.bottom()))
                   if image.pixelColor(x, y).lightness() < 100)
        assert dark > 20, f"layers.{k}: no text drawn"  # the title's letters are on screen
    panel.view.zoom(0.3)  # further out: titles keep their size
    panel.view.viewport().grab()
    assert any(px >= 11 for text, _r, px, _g in panel.view.item.screen_labels if text == "▾ model")


# -- 3. Find, zoom keys, Esc -------------------------------------------------------------------------
def test_find_zooms_to_a_readable_scale_and_esc_clears_the_highlight(qtbot, window: MainWindow,
                                                                     transformer_dir: Path) -> None:
    panel = open_graph(qtbot, window, transformer_dir / "t12.xml")
    panel.view.fit()
    assert panel.view.current_scale() < TEXT_LOD
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    target = _node(window, "MatMul", "layers.9.mlp.up_proj")
    qtbot.keyClicks(panel.search.edit, "layers.9.mlp.up_proj/aten::linear/MatMul")
    qtbot.waitUntil(lambda: panel.view.item.selected == target, timeout=TIMEOUT)
    assert panel.view.current_scale() >= TEXT_LOD  # node text is drawn: the hit can be read
    assert _visible(panel).contains(panel.view.scene_pos_of_node(target))
    assert panel.view.item.highlight == target
    qtbot.keyClick(panel.search.edit, Qt.Key.Key_Escape)
    assert not panel.search.isVisible() and panel.view.item.highlight is None
    # a hit never carries into another model
    qtbot.keyClick(panel.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(panel.search.edit, "MatMul")
    qtbot.waitUntil(lambda: panel.view.item.highlight is not None, timeout=TIMEOUT)
    window.open_path(transformer_dir / "t2.xml")
    qtbot.waitUntil(lambda: window.document is not None and window.document.name == "transformer_2"
                    and panel.frame is not None and panel.frame.graph is window.document.graph
                    and panel.view.layout_data is panel.frame.layout, timeout=TIMEOUT)
    qtbot.wait(200)  # any late answer of the first model's layout
    assert panel.view.item.highlight is None and panel.view.item.selected is None


def test_zoom_keys_zoom_around_the_selected_node(qtbot, window: MainWindow, transformer_dir: Path) -> None:
    panel = open_graph(qtbot, window, transformer_dir / "t2.xml")
    target = _node(window, "MatMul", "layers.1.mlp.down_proj")
    window.select_node(target)
    qtbot.waitUntil(lambda: panel.view.item.selected == target, timeout=TIMEOUT)
    view = panel.view
    view.resetTransform()
    pos = view.scene_pos_of_node(target)
    view.centerOn(pos.x() + 150, pos.y() + 100)  # the node is on screen, away from the centre
    before = _screen_pos(panel, target)
    assert (before - view.viewport().rect().center()).manhattanLength() > 100
    for key in (Qt.Key.Key_Plus, Qt.Key.Key_Plus, Qt.Key.Key_Minus):
        qtbot.keyClick(view, key, Qt.KeyboardModifier.ControlModifier)
        assert (_screen_pos(panel, target) - before).manhattanLength() <= 2
    assert view.current_scale() == pytest.approx(1.25)


# -- 4. ▸ clicks and the group in the Inspector -----------------------------------------------------
def test_a_single_click_on_the_arrow_expands_and_collapses(qtbot, window: MainWindow, transformer_dir: Path) -> None:
    panel = open_graph(qtbot, window, transformer_dir / "t2.xml")
    box = _group(panel, "model/layers.0/mlp")
    assert box.expanded  # a small model opens expanded: ▾ collapses, then ▸ expands
    view = panel.view
    view.resetTransform()
    arrow = toggle_rect(box).center()
    view.centerOn(arrow)
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(arrow))
    box = _group(panel, "model/layers.0/mlp")
    assert not box.expanded
    qtbot.wait(QApplication.doubleClickInterval() + 50)  # a second click, not a double-click
    arrow = toggle_rect(box).center()
    view.centerOn(arrow)
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(arrow))
    assert _group(panel, "model/layers.0/mlp").expanded


def test_a_clicked_group_shows_its_contents_in_the_inspector(qtbot, window: MainWindow, transformer_dir: Path) -> None:
    panel = open_graph(qtbot, window, transformer_dir / "t2.xml")
    box = _group(panel, "model/layers.0/mlp")
    view = panel.view
    view.resetTransform()
    inside = QPointF(box.x + box.w * 0.6, box.y + 12)  # on the frame's title bar, away from its ▾
    view.centerOn(inside)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(inside))
    text = window.inspector.text()
    assert "Group model/layers.0/mlp" in text
    assert "MatMul\n3" in text, text  # gate, up and down projections
    graph = window.document.graph
    grouping = panel.frame.layouter.grouping
    gid = box.id
    members = grouping.subtree_nodes(gid)
    weights = sum(graph.nodes[v].const.element_count for v in members if graph.nodes[v].const is not None)
    assert f"{weights:,}" in text
    assert "Inputs (1)" in text and "Outputs (1)" in text


# -- 6. minimap -------------------------------------------------------------------------------------
def test_minimap_is_small_top_right_and_only_when_part_is_out_of_view(qtbot, window: MainWindow,
                                                                     transformer_dir: Path) -> None:
    panel = open_graph(qtbot, window, transformer_dir / "t12.xml")
    view = panel.view
    view.fit()
    assert not view.minimap.isVisible()
    view.zoom(4.0)
    assert view.minimap.isVisible()
    vp = view.viewport().geometry()
    mm = view.minimap.geometry()
    assert mm.width() * mm.height() <= 0.05 * vp.width() * vp.height()
    assert mm.top() - vp.top() < 20 and vp.right() - mm.right() < 20  # top-right corner
    window.view_actions["minimap"].trigger()  # View > Minimap off
    assert not view.minimap.isVisible()
    window.view_actions["minimap"].trigger()
    assert view.minimap.isVisible()


# -- 7. export ----------------------------------------------------------------------------------------
def _menu(window: MainWindow, title: str):
    return next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == title)


def _export_entry(window: MainWindow, text: str):
    file_menu = _menu(window, "File")
    export = next(a.menu() for a in file_menu.actions() if a.menu() and a.text().replace("&", "") == "Export Graph")
    return next(a for a in export.actions() if a.text() == text)


def test_export_from_the_file_menu_says_what_it_writes_and_where(qtbot, window: MainWindow, transformer_dir: Path,
                                                                 tmp_path: Path, monkeypatch, outline_first) -> None:
    import ovexplorer
    from ovexplorer.ui.graph import export_dialog as panel_module

    panel = open_graph(qtbot, window, transformer_dir / "t12.xml")
    asked: list[tuple[str, str]] = []
    out = tmp_path / "pictures"
    out.mkdir()
    answers = iter([out / "shown.png", out / "all.svg"])

    def save_dialog(parent, caption, start, filters):
        asked.append((caption, start))
        return str(next(answers)), filters

    monkeypatch.setattr(panel_module.QFileDialog, "getSaveFileName", save_dialog)
    target = _node(window, "MatMul", "layers.3.mlp.up_proj")
    window.select_node(target)  # a selection and a search hit are on screen
    qtbot.waitUntil(lambda: panel.view.item.selected == target, timeout=TIMEOUT)
    _export_entry(window, "Whole graph, groups as shown now as PNG…").trigger()
    caption, start = asked[0]
    assert "groups as shown now" in caption
    app_dir = Path(ovexplorer.__file__).resolve().parent.parent
    assert not Path(start).resolve().is_relative_to(app_dir)  # never inside the app's own files
    assert not Path(start).resolve().is_relative_to(transformer_dir)
    assert window.statusBar().currentMessage() == f"Exported whole graph, groups as shown now to {out / 'shown.png'}"
    image = QImage(str(out / "shown.png"))
    select = SELECT_COLOR
    pink = sum(1 for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)
               if abs(image.pixelColor(x, y).red() - select.red()) < 12
               and abs(image.pixelColor(x, y).green() - select.green()) < 12
               and abs(image.pixelColor(x, y).blue() - select.blue()) < 12)
    assert pink == 0  # no selection outline in the picture
    assert panel.view.item.selected == target  # ... while the view keeps it
    # every group expanded: the dialog starts where the last export went, the SVG holds every op
    _export_entry(window, "Whole graph, every group expanded as SVG…").trigger()
    assert "every group expanded" in asked[1][0] and Path(asked[1][1]).parent == out
    qtbot.waitUntil(lambda: (out / "all.svg").exists(), timeout=TIMEOUT)
    svg = (out / "all.svg").read_text()
    shown = sum(1 for n in panel.layout_data.nodes if window.document.graph.nodes[n.id].type == "Swish")
    assert shown < 12 and svg.count(">Swish<") == 12  # one per block, most inside collapsed groups on screen
    assert window.statusBar().currentMessage().startswith("Exported whole graph, every group expanded to ")


# -- 5. colouring reaches collapsed groups -------------------------------------------------------------
def _group_screen_rect(panel: GraphPanel, path: str):
    g = _group(panel, path)
    return panel.view.mapFromScene(QRectF(g.x, g.y, g.w, g.h)).boundingRect()


def test_time_colouring_paints_collapsed_groups_by_their_total(qtbot, window: MainWindow,
                                                               transformer_dir: Path) -> None:
    from ovexplorer.core.bench.profiling import Legend, NodeColoring, text_color, time_color

    panel = open_graph(qtbot, window, transformer_dir / "t2.xml")
    graph = window.document.graph
    # block 1 is ten times slower than block 0: its group is the hottest colour, block 0 the coolest
    values = {n.id: (1.0 if ".layers.1." in n.name else 0.1) for n in graph.nodes
              if ".layers." in n.name and n.type != "Constant"}
    lo, hi = min(values.values()), max(values.values())
    coloring = NodeColoring("time", {i: time_color(v, lo, hi) for i, v in values.items()},
                            Legend("time", "Time per node (ms)", ()), values)
    panel.set_node_coloring(coloring)
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        panel.collapse_all()
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        panel.toggle_group(_group(panel, "model").id)  # model open, its blocks collapsed
    view = panel.view
    view.resetTransform()
    hot, cold = _group(panel, "model/layers.1"), _group(panel, "model/layers.0")
    assert not hot.expanded and not cold.expanded
    hot_color = time_color(1.0, 1.0, 1.0)  # the top of the scale
    for box, expected in ((hot, hot_color), (cold, time_color(0.1, 0.1, 1.0))):
        view.centerOn(box.x + box.w / 2, box.y + box.h / 2)
        image = view.viewport().grab().toImage()
        rect = _group_screen_rect(panel, box.path)
        corner = image.pixelColor(rect.left() + 8, rect.bottom() - 4)  # inside the box, away from the text
        assert corner.name() == QColor(expected).name(), box.path
    assert text_color(hot_color) == "#ffffff"  # a dark red: the titles turn white to stay readable
    view.centerOn(hot.x + hot.w / 2, hot.y + hot.h / 2)
    image = view.viewport().grab().toImage()
    rect = _group_screen_rect(panel, hot.path)
    title = [image.pixelColor(x, y) for x in range(rect.left() + 24, rect.right() - 4)
             for y in range(rect.top() + 5, rect.top() + 20)]
    assert sum(1 for c in title if c.lightness() > 200) > 15  # white letters on the dark box
    view.fit()
    view.zoom(0.15 / view.current_scale())  # zoomed out: labels at screen size
    view.viewport().grab()
    notes = [t for t, _r, _p, _g in view.item.screen_labels]
    members = panel.frame.layouter.grouping.subtree_nodes(cold.id)
    expected_ms = sum(values.get(i, 0.0) for i in members)
    assert any(f"{expected_ms:.3g} ms" in t for t in notes), notes  # the total, legible when zoomed out


def test_precision_colouring_shows_a_groups_mix(qtbot, window: MainWindow, transformer_dir: Path) -> None:
    from ovexplorer.core.bench.profiling import Legend, NodeColoring

    panel = open_graph(qtbot, window, transformer_dir / "t2.xml")
    graph = window.document.graph
    ops = [n.id for n in graph.nodes if ".layers.0." in n.name and n.type != "Constant"]
    colors = {i: ("#1f77b4" if n.type == "MatMul" else "#ff7f0e") for i, n in
              ((i, graph.nodes[i]) for i in ops)}
    panel.set_node_coloring(NodeColoring("precision", colors, Legend("precision", "Runtime precision",
                                                                     (("i8", "#1f77b4"), ("f32", "#ff7f0e")))))
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        panel.collapse_all()
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        panel.toggle_group(_group(panel, "model").id)
    box = _group(panel, "model/layers.0")
    view = panel.view
    view.resetTransform()
    view.centerOn(box.x + box.w / 2, box.y + box.h / 2)
    image = view.viewport().grab().toImage()
    rect = _group_screen_rect(panel, box.path)
    row = {image.pixelColor(x, rect.bottom() - 4).name() for x in range(rect.left() + 4, rect.right() - 4)}
    assert {"#1f77b4", "#ff7f0e"} <= row  # both precisions, side by side
    matmuls = sum(1 for i in ops if graph.nodes[i].type == "MatMul")
    assert f"i8 {matmuls / len(ops):.0%}" in view.item.group_fills[box.id].note
