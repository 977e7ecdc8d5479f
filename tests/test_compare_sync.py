"""The comparison window's two graphs move in step: panning/zooming one places the other at the counterpart
(same zoom), and opening/closing a group in one opens/closes the group holding the counterparts in the other;
"Sync views" off leaves the other graph where it is."""

from __future__ import annotations

from pathlib import Path

import openvino as ov
import pytest
from models_compare import conv_net, save
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication
from test_compare_ui import TIMEOUT, settled

from ovexplorer.ui.compare.compare_window import CompareWindow
from ovexplorer.ui.graph.graph_canvas import toggle_rect

SHOTS = Path("/work/shots/compare2")


def _open(qtbot, a: Path, b: Path) -> CompareWindow:
    compare = CompareWindow(a, b)
    qtbot.addWidget(compare)
    compare.resize(1200, 800)
    compare.show()
    return settled(qtbot, compare)


def _offset(view, scene: QPointF) -> QPointF:
    """Where ``scene`` shows relative to the centre of ``view``, in pixels."""
    return QPointF(view.mapFromScene(scene)) - QPointF(view.viewport().rect().center())


@pytest.fixture(autouse=True)
def _close(qtbot):
    yield
    for w in QApplication.topLevelWidgets():
        if isinstance(w, CompareWindow):
            w.close()


def test_panning_and_zooming_a_moves_b_to_the_counterpart(qtbot, tmp_path: Path) -> None:
    # B has one more block, so its layout differs from A's (the same node is not at the same place)
    compare = _open(qtbot, save(conv_net(), tmp_path / "a.xml"), save(conv_net(extra=True), tmp_path / "b.xml"))
    va, vb = compare.side_a.panel.view, compare.side_b.panel.view
    assert compare.sync_action.isChecked() and compare.sync_action.text() == "Sync views"
    pool_a = compare.state.doc_a.graph.find("pool").id
    pool_b = compare.state.doc_b.graph.find("pool").id
    assert compare.state.partner(0, pool_a) == pool_b
    # the user zooms in (Ctrl+=) and scrolls A so that the pooling is in the middle
    va.setFocus()
    for _ in range(3):
        qtbot.keyClick(va, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert vb.current_scale() == pytest.approx(va.current_scale())
    pos_a = va.scene_pos_of_node(pool_a)
    h, v = va.horizontalScrollBar(), va.verticalScrollBar()
    delta = va.mapFromScene(pos_a) - va.viewport().rect().center()
    h.setValue(h.value() + delta.x())
    v.setValue(v.value() + delta.y())
    assert _offset(va, pos_a).manhattanLength() <= 2
    pos_b = vb.scene_pos_of_node(pool_b)
    assert pos_b != pos_a  # the layouts differ: B really moved to its own node
    assert _offset(vb, pos_b).manhattanLength() <= 2
    assert vb.current_scale() == pytest.approx(va.current_scale())
    # the other way round: scrolling B moves A
    vb.verticalScrollBar().setValue(vb.verticalScrollBar().value() + 15)
    QApplication.processEvents()
    vb.grab().save(str(SHOTS / "sync_b.png"))
    compare.grab().save(str(SHOTS / "sync_window.png"))
    # "Sync views" off (its toolbar button): B stays where it is
    tool = compare.toolbar.widgetForAction(compare.sync_action)
    qtbot.mouseClick(tool, Qt.MouseButton.LeftButton)
    assert not compare.sync_action.isChecked()
    before = (vb.horizontalScrollBar().value(), vb.verticalScrollBar().value(), vb.current_scale())
    qtbot.keyClick(va, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    h.setValue(h.value() + 40)
    assert (vb.horizontalScrollBar().value(), vb.verticalScrollBar().value(), vb.current_scale()) == before
    assert va.current_scale() != pytest.approx(vb.current_scale())


def _group(panel, path: str):
    return next((g for g in panel.layout_data.groups if g.path == path), None)


def test_a_click_on_a_groups_arrow_in_a_folds_it_in_b(qtbot, tmp_path: Path, transformer_dir: Path) -> None:
    a = transformer_dir / "t2.xml"
    b = tmp_path / "t2_fp16.xml"
    ov.save_model(ov.Core().read_model(a), str(b), compress_to_fp16=True)  # Converts added: other node ids
    compare = _open(qtbot, a, b)
    pa, pb = compare.side_a.panel, compare.side_b.panel
    path = "model/layers.0/mlp"
    assert _group(pa, path).expanded and _group(pb, path).expanded
    view = pa.view
    box = _group(pa, path)
    view.resetTransform()
    arrow = toggle_rect(box).center()
    view.centerOn(arrow)
    with qtbot.waitSignal(pb.layout_ready, timeout=TIMEOUT):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(arrow))
    qtbot.waitUntil(lambda: not _group(pa, path).expanded, timeout=TIMEOUT)
    assert not _group(pb, path).expanded
    assert _group(pb, "model/layers.1/mlp").expanded  # only that group
    # Collapse all, then Expand all, from B's toolbar: A follows
    with qtbot.waitSignal(pa.layout_ready, timeout=TIMEOUT):
        next(x for x in pb.toolbar.actions() if x.text() == "Collapse all").trigger()
    qtbot.waitUntil(lambda: pa.frame.expanded == frozenset({0}), timeout=TIMEOUT)
    assert all(not g.expanded for g in pa.layout_data.groups)
    with qtbot.waitSignal(pa.layout_ready, timeout=TIMEOUT):
        next(x for x in pb.toolbar.actions() if x.text() == "Expand all").trigger()
    qtbot.waitUntil(lambda: all(g.expanded for g in pa.layout_data.groups), timeout=TIMEOUT)
    compare.grab().save(str(SHOTS / "sync_expand.png"))
    # with "Sync views" off, a group opened in A stays closed in B
    compare.sync_action.trigger()
    with qtbot.waitSignal(pa.layout_ready, timeout=TIMEOUT):
        next(x for x in pa.toolbar.actions() if x.text() == "Collapse all").trigger()
    qtbot.wait(300)
    assert all(g.expanded for g in pb.layout_data.groups)
