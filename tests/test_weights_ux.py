"""The Weights panel's first hour (issue 14), driven as a user: type in the filter, click headers and rows, follow
the Inspector's link, and check what the table, labels, check boxes and plot axes show."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openvino as ov
import openvino.opset13 as ops
import pytest
from models_weights import _weight, save
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter, QTextCursor
from test_weights_panel import _click_header, _click_row, _names, _open_and_compute

from ovexplorer.ui.shell.main_window import MainWindow
from ovexplorer.ui.weights.stats_table import COL_BYTES, COL_READ_BY, COLUMNS, SORT_ROLE
from ovexplorer.ui.weights.weights_panel import WeightsPanel

WINDOW_SIZE = (1300, 800)  # the shared `window` fixture (conftest) uses it
WIDE_RANGE = (-0.73, 0.88)  # the f32 weight's values: the histogram axis must read them as they are


def blocks_model() -> ov.Model:
    """Three blocks named by scope. Block 11's weight is an f16 constant named like OpenVINO's compressed
    transposes (no scope in its name); block 2's is f32 with values in WIDE_RANGE; block 3's is u4 compressed."""
    rng = np.random.default_rng(5)
    x = ops.parameter([1, 64], ov.Type.f32, name="x")
    f16_weight = ops.constant((rng.standard_normal((64, 64)) * 0.05).astype(np.float16),
                              name="Transpose_16212_compressed")
    h = ops.matmul(x, ops.convert(f16_weight, "f32", name="Convert_16213"), False, True,
                   name="__module.h.11.attn/aten::linear/MatMul")
    wide = np.linspace(*WIDE_RANGE, 64 * 64, dtype=np.float32).reshape(64, 64)
    h = ops.matmul(h, ops.constant(wide, name="h.2.mlp.weight"), False, True,
                   name="__module.h.2.mlp/aten::linear/MatMul")
    h = ops.add(h, ops.constant(np.zeros((1, 64), np.float32), name="h.2.mlp.bias"), name="__module.h.2.mlp/aten::add")
    u4 = _weight((rng.standard_normal((64, 64)) * 0.05).astype(np.float32), "u4", "h.3.mlp.weight")
    h = ops.matmul(h, u4, False, True, name="__module.h.3.mlp/aten::linear/MatMul")
    return ov.Model([ops.result(h, name="y")], [x], "blocks")


@pytest.fixture
def blocks(tmp_path: Path) -> Path:
    return save(blocks_model(), tmp_path / "blocks.xml")


def _open(qtbot, window: MainWindow, path: Path) -> None:
    with qtbot.waitSignal(window.document_changed, timeout=30000):
        window.open_path(path)


def _cell(panel: WeightsPanel, name: str, header: str) -> str:
    row = _names(panel).index(name)
    return panel.proxy.index(row, [c[0] for c in COLUMNS].index(header)).data()


def _type_filter(qtbot, panel: WeightsPanel, text: str) -> None:
    panel.filter_edit.selectAll()
    if text:
        qtbot.keyClicks(panel.filter_edit, text)
    else:
        qtbot.keyClick(panel.filter_edit, Qt.Key.Key_Delete)


def test_filter_matches_the_consumer_name_and_the_table_shows_it(qtbot, window: MainWindow, blocks: Path) -> None:
    panel = _open_and_compute(qtbot, window, blocks)
    total = panel.proxy.rowCount()
    assert panel.status.text() == f"{total} constants"
    _type_filter(qtbot, panel, "h.11")
    assert _names(panel) == ["Transpose_16212_compressed"]  # matched through its consumer's name scope
    assert _cell(panel, "Transpose_16212_compressed", "Read by") == "__module.h.11.attn/aten::linear/MatMul"
    assert COLUMNS[COL_READ_BY][0] == "Read by"
    assert panel.status.text() == f"1 of {total} constants"
    _type_filter(qtbot, panel, "h.2 mlp")
    assert sorted(_names(panel)) == ["h.2.mlp.bias", "h.2.mlp.weight"]
    assert panel.status.text() == f"2 of {total} constants"
    qtbot.mouseClick(panel.flagged_check, Qt.MouseButton.LeftButton, pos=panel.flagged_check.rect().center())
    assert panel.status.text() == f"0 of {total} constants"  # the all-zero bias is not flagged
    qtbot.mouseClick(panel.flagged_check, Qt.MouseButton.LeftButton, pos=panel.flagged_check.rect().center())
    _type_filter(qtbot, panel, "")
    assert panel.status.text() == f"{total} constants" and panel.proxy.rowCount() == total


def test_filtering_keeps_the_selection_everywhere(qtbot, window: MainWindow, blocks: Path) -> None:
    panel = _open_and_compute(qtbot, window, blocks)
    graph = window.graph_panel
    weight = window.document.graph.find("h.2.mlp.weight").id
    with qtbot.waitSignal(window.node_selected, timeout=5000):
        _click_row(qtbot, panel, "h.2.mlp.weight")
    title = panel.hist_title.text()
    assert "h.2.mlp.weight" in title and window.inspector.node_id == weight
    in_graph = graph.view.item.selected if graph.view.item is not None else None
    selections: list[int] = []
    window.node_selected.connect(selections.append)

    for text in ("h.", "h.11", "h.1", "h.2.mlp.w", "nothing matches this", "h.3", ""):
        _type_filter(qtbot, panel, text)
        assert selections == [], text  # typing never selects another node in the graph or the Inspector
        assert panel.state.selected.name == "h.2.mlp.weight" and panel.hist_title.text() == title, text
        assert window.inspector.node_id == weight, text
        shown = "h.2.mlp.weight" in _names(panel)
        current = panel.selected_row()
        # the table's current row is the selected constant when shown, and no row when it is filtered out
        assert (current.name if current else None) == ("h.2.mlp.weight" if shown else None), text
        assert (graph.view.item.selected if graph.view.item is not None else None) == in_graph, text


def test_sort_arrow_points_up_for_ascending(qtbot, window: MainWindow, blocks: Path) -> None:
    panel = _open_and_compute(qtbot, window, blocks)
    header = panel.table.horizontalHeader()

    def arrow_rows() -> list[int]:
        """Dark pixels per row of the arrow drawn in the Bytes header section (top to bottom)."""
        image = header.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
        left = header.sectionViewportPosition(COL_BYTES)
        text_right = left + header.sectionSize(COL_BYTES) // 2 + header.fontMetrics().horizontalAdvance("Bytes") // 2
        right = min(left + header.sectionSize(COL_BYTES) - 2, image.width())
        assert text_right + 2 < right, "the Bytes section is on screen"
        counts = [sum(1 for x in range(text_right + 2, right) if QColorLike(image.pixel(x, y)).dark())
                  for y in range(image.height() - 2)]  # not the bottom border line
        return [c for c in counts if c]

    panel.table.scrollTo(panel.proxy.index(0, COL_BYTES))
    _click_header(qtbot, panel, COL_BYTES)
    sizes = [panel.proxy.index(i, COL_BYTES).data(SORT_ROLE) for i in range(panel.proxy.rowCount())]
    assert sizes == sorted(sizes)  # ascending: small first
    up = arrow_rows()
    assert len(up) >= 2 and up[0] < up[-1], up  # narrow at the top: ▲
    _click_header(qtbot, panel, COL_BYTES)
    sizes = [panel.proxy.index(i, COL_BYTES).data(SORT_ROLE) for i in range(panel.proxy.rowCount())]
    assert sizes == sorted(sizes, reverse=True)
    down = arrow_rows()
    assert len(down) >= 2 and down[0] > down[-1], down  # ▼


class QColorLike:
    """A pixel's darkness (the arrow is drawn in the text colour)."""

    def __init__(self, rgb: int) -> None:
        self.r, self.g, self.b = (rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255

    def dark(self) -> bool:
        return (self.r + self.g + self.b) / 3 < 200


def test_dequantized_columns_and_box_for_f16_and_u4_not_f32(qtbot, window: MainWindow, blocks: Path) -> None:
    panel = _open_and_compute(qtbot, window, blocks)
    f16 = "Transpose_16212_compressed"
    assert _cell(panel, f16, "Deq. min") == _cell(panel, f16, "Min") != ""  # f16 -> f32: the same values
    assert _cell(panel, "h.3.mlp.weight", "Deq. min") not in ("", _cell(panel, "h.3.mlp.weight", "Min"))
    assert _cell(panel, "h.2.mlp.weight", "Deq. min") == ""
    box = panel.dequant_check
    assert not box.isEnabled() and not box.isChecked()  # nothing selected
    _click_row(qtbot, panel, f16)
    assert box.isEnabled() and box.isChecked() and "Convert_16213" in box.toolTip()
    assert "computed as f32" in panel.hist_title.text()
    _click_row(qtbot, panel, "h.2.mlp.weight")
    assert not box.isEnabled() and not box.isChecked()  # not checked where it does not apply
    assert "stored f32 values are used as they are" in box.toolTip()
    _click_row(qtbot, panel, "h.3.mlp.weight")
    assert box.isEnabled() and box.isChecked() and "de-quantized" in panel.hist_title.text()
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=box.rect().center())
    assert "stored u4" in panel.hist_title.text()
    _click_row(qtbot, panel, f16)
    assert box.isEnabled() and not box.isChecked()  # the user's choice carries to the next constant


def _drawn_ticks(axis) -> list[str]:
    """The tick labels the axis paints now."""
    image = QImage(max(1, int(axis.width())), max(1, int(axis.height())), QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [text for *_, text in specs[2]]


def test_histogram_and_chart_axes_read_values_not_multipliers(qtbot, window: MainWindow, blocks: Path) -> None:
    panel = _open_and_compute(qtbot, window, blocks)
    _click_row(qtbot, panel, "h.2.mlp.weight")
    qtbot.wait(50)
    axis = panel.histogram.plot.getAxis("bottom")
    ticks = _drawn_ticks(axis)
    values = [float(t) for t in ticks]
    assert ticks and all(WIDE_RANGE[0] - 0.1 <= v <= WIDE_RANGE[1] + 0.1 for v in values), ticks
    assert "0.5" in ticks or "-0.5" in ticks, ticks
    assert "(x" not in axis.labelString() and "value" in axis.labelString()
    chart_axis = panel.params.chart.getAxis("bottom")
    chart_ticks = _drawn_ticks(chart_axis)
    assert chart_ticks and "(x" not in chart_axis.labelString()
    assert any(t.endswith(" k") for t in chart_ticks), chart_ticks  # 12,288 parameters: "2 k", "4 k"...


def test_show_statistics_from_the_inspector_selects_the_constant_the_first_time(qtbot, window: MainWindow,
                                                                               blocks: Path) -> None:
    _open(qtbot, window, blocks)
    panel = window.weights_panel
    assert panel.state.needs_statistics  # the Weights tab was never shown
    weight = window.document.graph.find("h.3.mlp.weight").id
    window.select_node(weight)
    browser = window.inspector.browser
    cursor = browser.document().find("Show statistics")
    assert not cursor.isNull()
    cursor.setPosition(cursor.selectionStart() + 3, QTextCursor.MoveMode.MoveAnchor)
    with qtbot.waitSignal(panel.stats_finished, timeout=30000):
        qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=browser.cursorRect(cursor).center())
    assert window.tabs.currentWidget() is panel
    qtbot.waitUntil(lambda: panel.selected_row() is not None, timeout=5000)
    assert panel.selected_row().name == "h.3.mlp.weight" and panel.state.selected.name == "h.3.mlp.weight"
    assert "h.3.mlp.weight" in panel.hist_title.text()
