"""The Graph tab and the inspector, driven as a user would (pytest-qt, offscreen)."""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import openvino as ov
import pytest
from models_graph import unnamed_resnet_model
from PySide6.QtCore import QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QImage, QWheelEvent
from PySide6.QtWidgets import QApplication
from qt_helpers import open_graph

from ovexplorer.core.layout.graph_layout import GraphLayouter
from ovexplorer.core.model.graph import Graph
from ovexplorer.ui.graph.graph_panel import GraphPanel
from ovexplorer.ui.shell.main_window import MainWindow

TIMEOUT = 30000


WINDOW_SIZE = (1200, 800)  # the shared `window` fixture (conftest) uses it


def _node_id(window: MainWindow, op_type: str, contains: str = "") -> int:
    return next(n.id for n in window.document.graph.nodes if n.type == op_type and contains in n.name)


def _viewport_point(panel: GraphPanel, scene_point: QPointF):
    return panel.view.mapFromScene(scene_point)


def _click_node(qtbot, panel: GraphPanel, node_id: int, double: bool = False) -> None:
    pos = panel.view.scene_pos_of_node(node_id)
    assert pos is not None, "node is not drawn"
    panel.view.centerOn(pos)
    point = _viewport_point(panel, pos)
    if double:
        qtbot.mouseDClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    else:
        qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def _in_viewport(panel: GraphPanel, node_id: int) -> bool:
    pos = panel.view.scene_pos_of_node(node_id)
    return pos is not None and panel.visible_scene_rect().contains(pos)


def test_graph_is_the_first_tab_and_shown_after_loading(qtbot, window: MainWindow, transformer_dir: Path) -> None:
    panel = open_graph(qtbot, window, transformer_dir / "t2.xml")
    assert window.tabs.tabText(0) == "Graph" and window.tabs.currentWidget() is panel
    lay = panel.layout_data
    assert lay is not None and len(lay.nodes) > 20
    assert "crossings" in panel.status.text()
    assert "t2" in window.inspector.text() or "transformer_2" in window.inspector.text()


def test_layout_runs_off_the_ui_thread(qtbot, window: MainWindow, transformer_dir: Path, monkeypatch) -> None:
    threads: list[threading.Thread] = []
    original = GraphLayouter.layout

    def spy(self, *args, **kwargs):
        threads.append(threading.current_thread())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(GraphLayouter, "layout", spy)
    open_graph(qtbot, window, transformer_dir / "t2.xml")
    assert threads and all(t is not threading.main_thread() for t in threads)


def test_click_node_shows_it_in_the_inspector(qtbot, window: MainWindow, transformer_dir: Path) -> None:
    panel = open_graph(qtbot, window, transformer_dir / "t2.xml")
    sdpa = _node_id(window, "ScaledDotProductAttention", "layers.1")
    with qtbot.waitSignal(window.node_selected, timeout=TIMEOUT) as blocker:
        _click_node(qtbot, panel, sdpa)
    assert blocker.args == [sdpa]
    text = window.inspector.text()
    assert "ScaledDotProductAttention" in text and "opset13" in text
    assert "__module.model.layers.1.self_attn" in text
    assert "[1,2,?,4]" in text and "f32" in text
    assert panel.view.item.selected == sdpa
    lay = panel.layout_data
    empty = QPointF(lay.width + 30, lay.height + 30)  # outside every box
    panel.view.centerOn(empty)
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=_viewport_point(panel, empty))
    assert panel.view.item.selected is None and "Model rt_info" in window.inspector.text()


def test_inspector_links_navigate(qtbot, window: MainWindow, transformer_dir: Path) -> None:
    panel = open_graph(qtbot, window, transformer_dir / "t2.xml")
    sdpa = _node_id(window, "ScaledDotProductAttention", "layers.0")
    window.select_node(sdpa)
    producer = window.document.graph.producers(sdpa)[2]
    assert f"node:{producer}" in window.inspector.browser.toHtml()
    with qtbot.waitSignal(window.node_selected, timeout=TIMEOUT):
        window.inspector.browser.anchorClicked.emit(QUrl(f"node:{producer}"))
    assert window.inspector.node_id == producer
    assert window.document.graph.nodes[producer].type in window.inspector.text()
    qtbot.waitUntil(lambda: panel.view.item.selected == producer, timeout=TIMEOUT)
    assert _in_viewport(panel, producer)


def test_const_node_shows_size_and_statistics_link(qtbot, window: MainWindow, transformer_dir: Path) -> None:
    open_graph(qtbot, window, transformer_dir / "t2.xml")
    weight = next(n.id for n in window.document.graph.nodes if n.name == "self.model.layers.0.mlp.up_proj.weight")
    window.select_node(weight)
    text = window.inspector.text()
    assert "16×8" in text and "128" in text and "512 B" in text
    assert f"weights:{weight}" in window.inspector.browser.toHtml()
    with qtbot.waitSignal(window.node_selected, timeout=TIMEOUT):
        window.inspector.browser.anchorClicked.emit(QUrl(f"weights:{weight}"))


def test_search_expands_the_holding_group_and_centres_the_hit(qtbot, window: MainWindow, transformer_dir: Path) -> None:
    panel = open_graph(qtbot, window, transformer_dir / "t12.xml")
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        panel.collapse_all()
    target = _node_id(window, "MatMul", "layers.7.mlp.down_proj")
    assert target not in panel.layout_data.node_index
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert panel.search.isVisible() and panel.search.edit.hasFocus()
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        qtbot.keyClicks(panel.search.edit, "layers.7.mlp.down_proj/aten::linear/MatMul")
    assert target in panel.layout_data.node_index
    holding = panel.frame.layouter.grouping.holding_groups(target)
    assert set(holding) <= panel.layout_data.expanded
    assert panel.view.item.selected == target and _in_viewport(panel, target)
    assert window.inspector.node_id == target
    assert panel.search.count.text() == "1 of 1"
    panel.search.edit.setText("ScaledDotProductAttention")
    first = panel.view.item.selected
    qtbot.keyClick(panel.search.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.view.item.selected not in (None, first), timeout=TIMEOUT)
    assert panel.search.count.text() == "2 of 12"
    qtbot.keyClick(panel.search.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert panel.search.count.text() == "1 of 12"
    qtbot.keyClick(panel.search.edit, Qt.Key.Key_F3)
    assert panel.search.count.text() == "2 of 12"
    qtbot.keyClick(panel.search.edit, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert panel.search.count.text() == "1 of 12"
    qtbot.keyClick(panel.search.edit, Qt.Key.Key_Escape)
    assert not panel.search.isVisible()


def _group_box(panel: GraphPanel, path: str):
    lay = panel.layout_data
    return next(g for g in lay.groups if g.path == path)


def test_double_click_expands_and_collapses_a_group(qtbot, window: MainWindow, transformer_dir: Path) -> None:
    panel = open_graph(qtbot, window, transformer_dir / "t12.xml")
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        panel.collapse_all()
    box = _group_box(panel, "model")
    assert not box.expanded
    panel.view.fit()
    point = _viewport_point(panel, QPointF(box.x + box.w / 2, box.y + box.h / 2))
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        qtbot.mouseDClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    box = _group_box(panel, "model")
    assert box.expanded and any(g.path == "model/layers.3" for g in panel.layout_data.groups)
    panel.view.centerOn(box.x + 40, box.y + 12)
    point = _viewport_point(panel, QPointF(box.x + 40, box.y + 12))  # the title bar
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        qtbot.mouseDClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert not _group_box(panel, "model").expanded


def test_export_png_and_svg(qtbot, window: MainWindow, transformer_dir: Path, tmp_path: Path) -> None:
    panel = open_graph(qtbot, window, transformer_dir / "t2.xml")
    tmp_path = tmp_path / "out"
    whole_png = panel.export(tmp_path / "whole.png", whole=True)
    view_png = panel.export(tmp_path / "view.png", whole=False)
    for path in (whole_png, view_png):
        image = QImage(str(path))
        assert not image.isNull() and image.width() > 100
    whole_svg = panel.export(tmp_path / "whole.svg", whole=True)
    view_svg = panel.export(tmp_path / "view.svg", whole=False)
    for path in (whole_svg, view_svg):
        root = ET.parse(path).getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert ET.parse(whole_svg).getroot().findall(".//{http://www.w3.org/2000/svg}text")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["view.png", "view.svg", "whole.png", "whole.svg"]


def test_if_body_opens_as_a_nested_graph(qtbot, window: MainWindow, if_ir: Path) -> None:
    panel = open_graph(qtbot, window, if_ir)
    branch = _node_id(window, "If")
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        _click_node(qtbot, panel, branch, double=True)
    assert len(panel.stack) == 2
    assert {n.lines[0] for n in panel.layout_data.nodes} >= {"Parameter", "Relu", "Result"}
    assert "else" in panel.breadcrumb.text()
    relu = next(n.id for n in panel.frame.graph.nodes if n.type == "Relu")
    _click_node(qtbot, panel, relu)
    assert "then_relu" in window.inspector.text()
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        panel.breadcrumb.linkActivated.emit("body:1")
    assert any(n.lines[0] == "Negative" for n in panel.layout_data.nodes)
    panel.breadcrumb.linkActivated.emit("frame:0")
    assert len(panel.stack) == 1
    assert any(n.lines[0] == "If" for n in panel.layout_data.nodes)


def test_toggles_relayout(qtbot, window: MainWindow, transformer_dir: Path) -> None:
    panel = open_graph(qtbot, window, transformer_dir / "t2.xml")
    count = len(panel.layout_data.nodes)
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        panel.constants_action.trigger()
    assert len(panel.layout_data.nodes) > count
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        panel.names_action.trigger()
    assert any("__module" in line for n in panel.layout_data.nodes for line in n.lines)
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        panel.horizontal_action.trigger()
    lay = panel.layout_data
    assert lay.options.horizontal and lay.width > lay.height
    panel.shapes_action.trigger()
    assert panel.view.item.show_edge_labels
    panel.view.grab()  # paints with labels


def test_zoom_and_fit_keys(qtbot, window: MainWindow, transformer_dir: Path) -> None:
    panel = open_graph(qtbot, window, transformer_dir / "t2.xml")
    view = panel.view
    view.setFocus()
    view.fit()
    fitted = view.current_scale()
    qtbot.keyClick(view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert view.current_scale() > fitted
    zoomed = view.current_scale()
    qtbot.keyClick(view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert view.current_scale() > zoomed
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.current_scale() == pytest.approx(zoomed)
    qtbot.keyClick(view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert view.current_scale() == pytest.approx(fitted)
    assert not view.minimap.isVisible()  # the whole graph is in view: no minimap over it
    # wheel zooms around the cursor
    before = view.current_scale()
    centre = QPointF(view.viewport().rect().center())
    wheel = QWheelEvent(centre, view.viewport().mapToGlobal(centre), QPoint(0, 0), QPoint(0, 240),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), wheel)
    assert view.current_scale() > before
    # arrow keys and dragging pan
    bar = view.verticalScrollBar()
    start = bar.value()
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert bar.value() > start
    at = bar.value()
    mid = view.viewport().rect().center()
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=mid)
    qtbot.mouseMove(view.viewport(), pos=mid - QPoint(0, 120))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=mid - QPoint(0, 120))
    assert bar.value() > at


def test_empty_graph_shows_a_message(qtbot, qt_settings) -> None:
    panel = GraphPanel()
    qtbot.addWidget(panel)
    panel.show()
    doc = SimpleNamespace(graph=Graph("empty", (), (), (), ()), name="empty", path=Path("empty.xml"))
    panel.set_document(doc)  # type: ignore[arg-type]
    assert panel.message.isVisible() and "no operations" in panel.message.text()
    panel.set_document(None)
    assert "No model" in panel.message.text()


def test_proxy_marker_jumps_to_its_source(qtbot, window: MainWindow, transformer_dir: Path) -> None:
    panel = open_graph(qtbot, window, transformer_dir / "t12.xml")
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        panel.collapse_all()
    model = next(g for g in panel.layout_data.groups if g.path == "model")
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        panel.toggle_group(model.id)
    proxy = next(p for p in panel.layout_data.proxies if "rotary_emb" in p.label)
    centre = QPointF(proxy.x + proxy.w / 2, proxy.y + proxy.h / 2)
    panel.view.centerOn(centre)
    assert "Input from" in panel.view.tooltip_at(centre)
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):  # the source's group expands
        qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=_viewport_point(panel, centre))
    source = window.document.graph.nodes[proxy.source]
    assert source.type in ("Cos", "Sin") and window.inspector.node_id == proxy.source
    assert panel.view.item.selected == proxy.source and _in_viewport(panel, proxy.source)
    assert "rotary_emb" in panel.view.tooltip_at(panel.view.scene_pos_of_node(proxy.source))


def test_loop_body_opens_and_back(qtbot, window: MainWindow, tmp_path: Path) -> None:
    import openvino as ov
    from models_graph import loop_model

    path = tmp_path / "loop.xml"
    ov.save_model(loop_model(), str(path), compress_to_fp16=False)
    panel = open_graph(qtbot, window, path)
    loop = _node_id(window, "Loop")
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        _click_node(qtbot, panel, loop, double=True)
    assert {n.lines[0] for n in panel.layout_data.nodes} >= {"Parameter", "Add", "Result"}
    assert "loop_body" in panel.breadcrumb.text() or "body" in panel.breadcrumb.text()
    window.select_node(loop)  # selecting a model node elsewhere returns to the model's graph
    assert len(panel.stack) == 1 and panel.view.item.selected == loop
    assert any(n.lines[0] == "Loop" for n in panel.layout_data.nodes) and _in_viewport(panel, loop)


def test_a_cnn_without_name_scopes_opens_with_every_op_drawn(qtbot, window: MainWindow, tmp_path: Path) -> None:
    """Issue 14: a pose model without name scopes opened as 11 "part" boxes and no op. Its flat layout is cheap:
    every op is drawn, fitted to width from the model's input, which is on screen with its name and shape."""
    from PySide6.QtCore import QRectF

    path = tmp_path / "resnet.xml"
    ov.save_model(unnamed_resnet_model(200), str(path), compress_to_fp16=False)  # 1,000 ops, default names
    panel = open_graph(qtbot, window, path)
    lay, graph = panel.layout_data, window.document.graph
    assert not lay.groups and len(lay.nodes) == sum(1 for n in graph.nodes if n.type != "Constant")
    visible = panel.view.mapToScene(panel.view.viewport().rect()).boundingRect()
    painted = [b for b in lay.nodes if visible.intersects(QRectF(b.x, b.y, b.w, b.h))]
    assert len(painted) >= 5  # op nodes on screen in the first view
    inputs = [b for b in painted if graph.nodes[b.id].type == "Parameter"]
    assert len(inputs) == 1 and inputs[0].lines[2] == "[1,4,8,8]"
    # the weights of each convolution are folded into it
    conv = next(b for b in lay.nodes if graph.nodes[b.id].type == "Convolution")
    assert conv.lines[1].endswith("⟨4×4×3×3⟩")


def test_a_graph_without_name_scopes_opens_as_parts_and_search_opens_the_right_one(
        qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    from ovexplorer.core.layout import graph_layout

    monkeypatch.setattr(graph_layout, "FIRST_VIEW_COST", 0)  # as if the flat layout were too costly here
    path = tmp_path / "resnet.xml"
    ov.save_model(unnamed_resnet_model(200), str(path), compress_to_fp16=False)  # 1,000 ops, default names
    panel = open_graph(qtbot, window, path)
    labels = [g.label for g in panel.layout_data.groups]
    assert labels and all(label.startswith("part ") for label in labels)
    # the model's input and output stay outside the parts; the first part is open (the first view looks there)
    graph = window.document.graph
    outside = [b.id for b in panel.layout_data.nodes if b.group == 0]
    assert sorted(graph.nodes[i].type for i in outside) == ["Parameter", "Result"]
    parts = panel.layout_data.groups
    assert parts[0].expanded and not parts[-1].expanded
    start = panel.layout_data.expanded
    adds = [n for n in window.document.graph.nodes if n.type == "Add"]
    target = adds[len(adds) * 2 // 3]  # in a part two thirds of the way down
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        qtbot.keyClicks(panel.search.edit, target.name)
    assert target.id in panel.layout_data.node_index  # its part is open, the others stay closed
    part = panel.frame.layouter.grouping.holding_groups(target.id)[-1]
    assert part not in start and panel.layout_data.expanded == start | {part}
    assert panel.view.item.selected == target.id and _in_viewport(panel, target.id)
    assert window.inspector.node_id == target.id
