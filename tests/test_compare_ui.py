"""The comparison window driven as a user drives it: File > Compare with…, a click on a difference, a click on a
node, Run both, colour by error, Latency A/B, and Tools > Optimize… (NNCF) ending in a comparison."""

from __future__ import annotations

from pathlib import Path

import pytest
from models_compare import conv_net, mlp, save
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QPushButton
from qt_helpers import open_graph

from ovexplorer.core.compare.differences import CHANGED, STATUS_COLORS
from ovexplorer.ui.compare.compare_window import CompareWindow

WINDOW_SIZE = (1200, 800)
TIMEOUT = 120_000


def settled(qtbot, compare: CompareWindow) -> CompareWindow:
    """Wait until the comparison, its weights and both first layouts are in."""
    qtbot.waitUntil(lambda: compare.state.comparison is not None and not compare.busy
                    and bool(compare.state.weights) and not compare._expanding
                    and compare.side_a.panel.view.layout_data is not None
                    and compare.side_b.panel.view.layout_data is not None, timeout=TIMEOUT)
    return compare


def compare_via_menu(qtbot, window, monkeypatch, a: Path, b: Path) -> CompareWindow:
    open_graph(qtbot, window, a)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kw: (str(b), "OpenVINO IR (*.xml)"))
    assert window.compare_action.isEnabled()
    window.compare_action.trigger()
    compare = window.compare_windows[-1]
    qtbot.addWidget(compare)
    return settled(qtbot, compare)


def click_row(qtbot, tree, item) -> None:
    tree.scrollToItem(item)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(item).center())


def test_compare_with_menu_is_there_only_with_a_model(window) -> None:
    assert window.compare_action in window.file_menu.actions()
    assert window.optimize_action in window.menus["Tools"].actions()
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles.index("&Tools") < titles.index("&Help")
    assert not window.compare_action.isEnabled() and not window.optimize_action.isEnabled()


def test_a_click_on_a_difference_selects_the_layer_in_both_graphs(qtbot, window, monkeypatch, tmp_path: Path) -> None:
    a = save(conv_net(), tmp_path / "a.xml")
    b = save(conv_net(perturb="conv2"), tmp_path / "b.xml")
    compare = compare_via_menu(qtbot, window, monkeypatch, a, b)
    assert "11 of 11 layers of A matched (100%" in compare.differences.summary.text()
    tree = compare.differences.tree
    assert tree.topLevelItemCount() == 2
    item = compare.differences.item_named("conv2")
    assert item.text(0) == CHANGED
    click_row(qtbot, tree, item)
    doc_a, doc_b = compare.state.doc_a, compare.state.doc_b
    conv2_a, conv2_b = doc_a.graph.find("conv2").id, doc_b.graph.find("conv2").id
    qtbot.waitUntil(lambda: compare.selected_in_graphs() == (conv2_a, conv2_b), timeout=TIMEOUT)
    assert "weight values changed" in compare.side_a.caption.text()
    assert "Convolution" in compare.side_b.caption.text()
    # the graphs are painted by status: conv2 as changed, conv1 (same weights) as identical
    colors_a = compare.side_a.panel.state.shown_coloring().colors
    assert colors_a[conv2_a] == STATUS_COLORS[CHANGED]
    assert colors_a[doc_a.graph.find("conv1").id] == STATUS_COLORS["identical"]
    assert compare.side_a.panel.legend.isVisible() and "attributes/precision changed" in \
        compare.side_a.panel.legend.text()
    # the weights table puts the perturbed weight first
    assert compare.weights.table.item(0, 0).text() == "conv2.weight"


def test_a_click_on_a_node_selects_its_counterpart(qtbot, tmp_path: Path) -> None:
    from models_compare import renamed

    a = save(conv_net(), tmp_path / "a.xml")
    b = save(renamed(conv_net()), tmp_path / "b.xml")
    compare = CompareWindow(a, b)
    qtbot.addWidget(compare)
    compare.show()
    settled(qtbot, compare)
    assert compare.differences.tree.topLevelItemCount() == 0
    view = compare.side_a.panel.view
    relu = compare.state.doc_a.graph.find("conv3/relu").id
    compare.side_a.panel.select(relu, centre=True)
    qtbot.waitUntil(lambda: view.scene_pos_of_node(relu) is not None, timeout=TIMEOUT)
    QApplication.processEvents()
    where = view.mapFromScene(view.scene_pos_of_node(relu))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    partner = compare.state.comparison.matching.a_to_b[relu]
    assert compare.state.doc_b.graph.nodes[partner].type == "Relu"
    assert compare.state.doc_b.graph.nodes[partner].name != "conv3/relu"  # B was renamed
    qtbot.waitUntil(lambda: compare.selected_in_graphs() == (relu, partner), timeout=TIMEOUT)
    assert "identical" in compare.side_b.caption.text()


def test_run_both_plots_error_by_depth_and_colours_the_graph(qtbot, tmp_path: Path) -> None:
    a = save(conv_net(), tmp_path / "a.xml")
    b = save(conv_net(perturb="conv3"), tmp_path / "b.xml")
    compare = CompareWindow(a, b)
    qtbot.addWidget(compare)
    compare.show()
    settled(qtbot, compare)
    view = compare.activations
    qtbot.mouseClick(view.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(compare.state.layers) and not compare.busy, timeout=TIMEOUT)
    assert view.table.rowCount() == 1 and view.table.item(0, 7).text() in ("agrees", "differs")
    x, y = view.plotted()
    assert len(x) == 11
    assert y.max() > 1 and int((y == y.min()).sum()) == 6  # the exact layers at the bottom of the log axis
    assert "Worst layer" in view.notes.text() and "first passes 1% at <b>conv3</b>" in view.notes.text()
    assert "6 layers give exactly A's values" in view.notes.text()  # conv1 and conv2 with their add and relu
    assert view.color_check.isEnabled()
    qtbot.mouseClick(view.color_check, Qt.MouseButton.LeftButton)
    coloring = compare.side_a.panel.state.shown_coloring()
    assert coloring.mode == "error"
    conv3, conv1 = (compare.state.doc_a.graph.find(n).id for n in ("conv3", "conv1"))
    assert coloring.values[conv3] > 0.01 and coloring.values[conv1] == 0
    assert coloring.colors[conv3] != coloring.colors[conv1]
    assert "Relative L2 error" in compare.side_b.panel.legend.text()


def test_latency_ab_shows_a_speedup(qtbot, tmp_path: Path) -> None:
    a = save(mlp(), tmp_path / "a.xml")
    b = save(mlp(), tmp_path / "b.xml", fp16=True)
    compare = CompareWindow(a, b)
    qtbot.addWidget(compare)
    compare.show()
    settled(qtbot, compare)
    compare.latency.rounds.setValue(2)
    compare.latency.seconds.setValue(0.2)
    qtbot.mouseClick(compare.latency.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: compare.state.latency is not None, timeout=TIMEOUT)
    assert "Speed-up of B" in compare.latency.result.text()
    assert len(compare.latency.plot.getPlotItem().listDataItems()) == 2


def test_unrelated_models_still_show_both_graphs(qtbot, tmp_path: Path) -> None:
    compare = CompareWindow(save(conv_net(), tmp_path / "a.xml"), save(mlp(), tmp_path / "b.xml"))
    qtbot.addWidget(compare)
    compare.show()
    qtbot.waitUntil(lambda: compare.state.comparison is not None and not compare.busy
                    and compare.side_b.panel.view.layout_data is not None, timeout=TIMEOUT)
    assert "0 of 11 layers of A matched (0%" in compare.differences.summary.text()
    # each side lays out in its own worker: A's may end after B's (it did under load)
    qtbot.waitUntil(lambda: compare.side_a.panel.view.layout_data is not None, timeout=TIMEOUT)


def test_a_model_that_cannot_open_is_named_in_the_window(qtbot, tmp_path: Path) -> None:
    import time

    bad = tmp_path / "broken.xml"
    bad.write_text("<net><layers>")
    compare = CompareWindow(save(mlp(), tmp_path / "a.xml"), bad)
    qtbot.addWidget(compare)
    end = time.monotonic() + 60
    while not compare.task.done and time.monotonic() < end:  # the worker ends; its signal is not delivered yet
        time.sleep(0.01)
    assert compare.task.done and compare.busy  # still busy until the outcome reaches the window (was a race)
    qtbot.waitUntil(lambda: not compare.busy, timeout=TIMEOUT)
    assert "broken.xml" in compare.status.text()


def fill_optimize(window, out: Path, mode: int = 0):
    window.optimize_action.trigger()
    dialog = window.optimize_dialog_
    dialog.mode.setCurrentIndex(mode)
    dialog.output.setText(str(out))
    return dialog


def test_tools_optimize_makes_an_int8_copy_and_compares_it(qtbot, window, tmp_path: Path) -> None:
    a = save(mlp(), tmp_path / "a.xml")
    open_graph(qtbot, window, a)
    dialog = fill_optimize(window, tmp_path / "a_int8.xml")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled(), dialog.problem.text()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(window.compare_windows), timeout=TIMEOUT)
    compare = window.compare_windows[-1]
    qtbot.addWidget(compare)
    settled(qtbot, compare)
    assert compare.path_b == tmp_path / "a_int8.xml" and compare.path_a == a
    assert "4 same layer, optimized" in compare.differences.summary.text() or \
        "8 same layer, optimized" in compare.differences.summary.text()
    assert all(w.stored_b == "u8 → f32" for w in compare.state.weights)
    assert "Wrote" in window.statusBar().currentMessage()


def test_optimize_refuses_to_overwrite_the_open_model(qtbot, window, tmp_path: Path) -> None:
    a = save(mlp(), tmp_path / "a.xml")
    open_graph(qtbot, window, a)
    dialog = fill_optimize(window, a)
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    assert "would overwrite the model being optimized" in dialog.problem.text()
    dialog.reject()


def test_cancelling_optimize_writes_nothing(qtbot, window, tmp_path: Path) -> None:
    a = save(mlp(layers=6, width=256), tmp_path / "a.xml")
    open_graph(qtbot, window, a)
    before = sorted(p.name for p in tmp_path.iterdir())
    dialog = fill_optimize(window, tmp_path / "a_q.xml", mode=2)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "NNCF" in window.optimize_progress.labelText(), timeout=TIMEOUT)
    cancel = next(b for b in window.optimize_progress.findChildren(QPushButton) if b.text() == "Cancel")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.optimize_task.done, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: "cancelled" in window.statusBar().currentMessage(), timeout=TIMEOUT)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert not window.compare_windows


@pytest.fixture(autouse=True)
def _close_compare_windows(qtbot):
    yield
    for w in QApplication.topLevelWidgets():
        if isinstance(w, CompareWindow):
            w.close()


def test_optimize_without_nncf_says_how_to_install_it(qtbot, window, monkeypatch, tmp_path: Path) -> None:
    import sys

    a = save(mlp(), tmp_path / "a.xml")
    open_graph(qtbot, window, a)
    monkeypatch.setitem(sys.modules, "nncf", None)  # what an environment without NNCF gives find_spec
    dialog = fill_optimize(window, tmp_path / "a_int8.xml")
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    assert "NNCF is not installed" in dialog.problem.text() and 'pip install "ovexplorer[compare]"' in \
        dialog.problem.text()
    dialog.reject()
    assert not (tmp_path / "a_int8.xml").exists()


def test_run_both_on_a_folder_of_pictures(qtbot, monkeypatch, tmp_path: Path) -> None:
    import openvino as ov

    root = Path(__file__).resolve().parent.parent / "resources" / "samples"
    b = tmp_path / "shapes_fp16.xml"
    ov.save_model(ov.Core().read_model(root / "shapes.xml"), str(b), compress_to_fp16=True)
    compare = CompareWindow(root / "shapes.xml", b)
    qtbot.addWidget(compare)
    compare.show()
    settled(qtbot, compare)
    view = compare.activations
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kw: str(root / "images"))
    qtbot.mouseClick(view.folder_button, Qt.MouseButton.LeftButton)
    assert view.input_label.text() == "Input: images/" and not view.seed.isEnabled()
    qtbot.mouseClick(view.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(compare.state.layers) and not compare.busy, timeout=TIMEOUT)
    assert "metrics averaged over 3 inputs from images" in view.notes.text()
    assert view.table.item(0, 7).text() == "agrees"
    assert compare.state.outputs[0].note.startswith("averaged over 3 inputs")
