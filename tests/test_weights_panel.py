"""The Weights panel driven as a user would: open a model, sort, filter, select, see the histogram, export."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from models_weights import flagged_model, save, square_chain_model
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from ovexplorer.ui.shell.main_window import MainWindow
from ovexplorer.ui.weights.weights_panel import COL_BYTES, COL_NAME, COLUMNS, FLAG_COLOR, SORT_ROLE, WeightsPanel

WINDOW_SIZE = (1300, 800)  # the shared `window` fixture (conftest) uses it


def _open_and_compute(qtbot, window: MainWindow, path: Path) -> WeightsPanel:
    with qtbot.waitSignal(window.document_changed, timeout=30000):
        window.open_path(path)
    panel = window.weights_panel
    with qtbot.waitSignal(panel.stats_finished, timeout=30000):
        window.tabs.setCurrentWidget(panel)  # statistics start when the tab is first shown
    return panel


def _names(panel: WeightsPanel) -> list[str]:
    return [panel.proxy.index(i, COL_NAME).data() for i in range(panel.proxy.rowCount())]


def _click_header(qtbot, panel: WeightsPanel, column: int) -> None:
    header = panel.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=header.rect().center().__class__(x, 5))


def _click_row(qtbot, panel: WeightsPanel, name: str) -> None:
    row = _names(panel).index(name)
    panel.table.scrollTo(panel.proxy.index(row, 0))
    rect = panel.table.visualRect(panel.proxy.index(row, COL_NAME))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_sort_filter_select_and_histogram(qtbot, window: MainWindow, tmp_path: Path) -> None:
    panel = _open_and_compute(qtbot, window, save(flagged_model(), tmp_path / "flagged.xml"))
    assert panel.model.rowCount() == 8 and "3 flagged" in panel.status.text()
    assert "Parameters</b> 273" in panel.summary_label.text()
    assert panel.chart_items()[0] == ("MatMul", 256)

    # Flagged rows are coloured, with an icon and a tooltip saying why.
    names = _names(panel)
    nan_row = panel.proxy.index(names.index("nan.weight"), COL_NAME)
    assert nan_row.data(Qt.ItemDataRole.BackgroundRole).color() == FLAG_COLOR
    assert nan_row.data(Qt.ItemDataRole.DecorationRole) is not None
    assert "3 NaN values" in nan_row.data(Qt.ItemDataRole.ToolTipRole)
    good_row = panel.proxy.index(names.index("good.weight"), COL_NAME)
    assert good_row.data(Qt.ItemDataRole.BackgroundRole) is None

    # Sort by bytes (ascending, then descending) with clicks on the header.
    def column(col: int) -> list:
        return [panel.proxy.index(i, col).data(SORT_ROLE) for i in range(panel.proxy.rowCount())]

    _click_header(qtbot, panel, COL_BYTES)
    assert column(COL_BYTES) == [0, 4, 4, 16, 256, 256, 256, 256] and _names(panel)[0] == "empty"
    _click_header(qtbot, panel, COL_BYTES)
    assert column(COL_BYTES) == [256, 256, 256, 256, 16, 4, 4, 0] and _names(panel)[-1] == "empty"
    min_col = [c[0] for c in COLUMNS].index("Min")
    _click_header(qtbot, panel, min_col)
    assert column(min_col) == sorted(column(min_col)) and _names(panel)[0] == "empty"  # no value sorts first
    assert panel.proxy.index(1, min_col).data() == "-8"

    # Filter by typing, then flagged only.
    qtbot.keyClicks(panel.filter_edit, "bias")
    assert sorted(_names(panel)) == ["bf16.bias", "i4.bias"]
    panel.filter_edit.clear()
    qtbot.mouseClick(panel.flagged_check, Qt.MouseButton.LeftButton, pos=panel.flagged_check.rect().center())
    assert sorted(_names(panel)) == ["empty", "inf.weight", "nan.weight", "zero.weight"]
    qtbot.mouseClick(panel.flagged_check, Qt.MouseButton.LeftButton, pos=panel.flagged_check.rect().center())
    assert panel.proxy.rowCount() == 8

    # Selecting a row shows its histogram and selects the node in the window.
    nan_id = window.document.graph.find("nan.weight").id
    with qtbot.waitSignal(window.node_selected, timeout=5000) as sig:
        _click_row(qtbot, panel, "nan.weight")
    assert sig.args == [nan_id]
    row = panel.selected_row()
    assert row.name == "nan.weight"
    edges, counts = panel.shown_histogram()
    assert counts.sum() == 61 and edges[0] == row.stats.min and edges[-1] == row.stats.max
    assert list(panel.hist_bars.opts["height"]) == list(counts)
    assert "3 NaN" in panel.hist_title.text()
    qtbot.mouseClick(panel.log_check, Qt.MouseButton.LeftButton, pos=panel.log_check.rect().center())
    np.testing.assert_allclose(panel.hist_bars.opts["height"], np.log10(counts + 1))

    # Another panel selecting a node selects its row.
    window.select_node(window.document.graph.find("zero.weight").id)
    assert panel.selected_row().name == "zero.weight"
    assert "zeros 100.0%" in panel.hist_title.text()


def test_dequantized_histogram_and_export(qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    rng = np.random.default_rng(2)
    ws = [(rng.standard_normal((64, 64)) * 0.05).astype(np.float32) for _ in range(2)]
    panel = _open_and_compute(qtbot, window, save(square_chain_model(ws, "u4"), tmp_path / "u4.xml"))
    _click_row(qtbot, panel, "layer1.weight")
    row = panel.selected_row()
    assert panel.dequant_check.isEnabled() and panel.dequant_check.isChecked()
    edges, _ = panel.shown_histogram()
    assert edges[0] == pytest.approx(row.dequant.min) and abs(edges[0]) < 1  # real values, not 0..15 codes
    qtbot.mouseClick(panel.dequant_check, Qt.MouseButton.LeftButton, pos=panel.dequant_check.rect().center())
    edges, _ = panel.shown_histogram()
    assert (edges[0], edges[-1]) == (0.0, 15.0)

    qtbot.keyClicks(panel.filter_edit, "layer0")
    out = tmp_path / "out.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    panel.export_csv_action.trigger()
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert [r["name"] for r in rows] == _names(panel) and all(r["name"].startswith("layer0") for r in rows)
    panel.export(str(tmp_path / "out.json"), "json")
    data = json.loads((tmp_path / "out.json").read_text())
    assert data["totals"]["parameters"] > 0 and len(data["constants"]) == len(rows)
    assert not list(tmp_path.glob(".out*.tmp"))


def test_closing_the_model_clears_the_panel(qtbot, window: MainWindow, tmp_path: Path) -> None:
    panel = _open_and_compute(qtbot, window, save(flagged_model(), tmp_path / "flagged.xml"))
    window.close_document()
    assert panel.model.rowCount() == 0 and not panel.compute_button.isEnabled()
    assert panel.shown_histogram() is None


def test_rows_arrive_while_computing_and_cancel(qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    import time

    from ovexplorer.ui.weights import weights_panel as module

    real = module.iter_weight_stats

    def slow(doc, *, progress, cancel, **options):  # the real rows, one every 50 ms
        for row in real(doc, progress=progress, cancel=cancel, **options):
            cancel.check()
            time.sleep(0.05)
            yield row
        cancel.check()

    monkeypatch.setattr(module, "iter_weight_stats", slow)
    rng = np.random.default_rng(0)
    path = save(square_chain_model([rng.standard_normal((8, 8)).astype(np.float32) for _ in range(40)]),
                tmp_path / "many.xml")
    with qtbot.waitSignal(window.document_changed, timeout=30000):
        window.open_path(path)
    panel = window.weights_panel
    window.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=10000)
    assert panel.running and panel.compute_button.text() == "Cancel" and panel.progress.isVisible()
    with qtbot.waitSignal(panel.stats_finished, timeout=10000):
        qtbot.mouseClick(panel.compute_button, Qt.MouseButton.LeftButton)
    assert panel.status.text().startswith("Statistics cancelled")
    assert 0 < panel.model.rowCount() < 40 and panel.compute_button.text() == "Compute"
    assert not panel.progress.isVisible()


def test_closing_the_window_cancels_the_statistics(qtbot, qt_settings, tmp_path: Path, monkeypatch) -> None:
    import time

    from ovexplorer.ui.weights import weights_panel as module

    started = []

    def endless(doc, *, progress, cancel, **options):  # never yields a row until cancelled
        started.append(True)
        while True:
            cancel.check()
            time.sleep(0.01)
        yield

    monkeypatch.setattr(module, "iter_weight_stats", endless)
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.document_changed, timeout=30000):
        w.open_path(save(flagged_model(), tmp_path / "f.xml"))
    w.tabs.setCurrentWidget(w.weights_panel)
    qtbot.waitUntil(lambda: bool(started), timeout=5000)
    task = w.weights_panel.task
    w.close()
    assert task.token.cancelled
    qtbot.waitUntil(lambda: task.done, timeout=5000)


def test_opening_another_model_mid_run_shows_only_its_rows(qtbot, window: MainWindow, tmp_path: Path,
                                                           monkeypatch) -> None:
    import time

    from ovexplorer.ui.weights import weights_panel as module

    real = module.iter_weight_stats

    def slow(doc, *, progress, cancel, **options):
        for row in real(doc, progress=progress, cancel=cancel, **options):
            time.sleep(0.03 if doc.name == "chain" else 0)
            yield row

    monkeypatch.setattr(module, "iter_weight_stats", slow)
    rng = np.random.default_rng(0)
    many = save(square_chain_model([rng.standard_normal((8, 8)).astype(np.float32) for _ in range(30)]),
                tmp_path / "many.xml")
    with qtbot.waitSignal(window.document_changed, timeout=30000):
        window.open_path(many)
    panel = window.weights_panel
    window.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=10000)
    with qtbot.waitSignal(window.document_changed, timeout=30000):
        window.open_path(save(flagged_model(), tmp_path / "flagged.xml"))
    qtbot.waitUntil(lambda: not panel.running, timeout=10000)
    qtbot.wait(300)  # anything the first run still had buffered would have arrived by now
    assert sorted(_names(panel)) == sorted(["good.weight", "nan.weight", "inf.weight", "zero.weight", "half",
                                            "bf16.bias", "i4.bias", "empty"])


def test_weights_rewritten_on_disk_are_refused_not_shown(qtbot, window: MainWindow, tmp_path: Path) -> None:
    path = save(square_chain_model([np.full((8, 8), 0.5, np.float32)]), tmp_path / "m.xml")
    with qtbot.waitSignal(window.document_changed, timeout=30000):
        window.open_path(path)
    panel = window.weights_panel
    bin_path = path.with_suffix(".bin")
    with open(bin_path, "r+b") as f:  # an exporter writing over the open model's weights
        f.write(np.full(64, 9.0, np.float32).tobytes())
    with qtbot.waitSignal(panel.stats_finished, timeout=30000):
        window.tabs.setCurrentWidget(panel)
    assert "m.bin was rewritten on disk after m.xml was opened" in panel.status.text()
    assert panel.model.rowCount() == 0  # no row of the new bytes under the old graph
    window.weights_panel.set_document(None)
    with qtbot.waitSignal(window.document_changed, timeout=30000):
        window.open_path(path)  # reopened: the new weights are shown
    if not panel.running:  # the visible tab computes by itself on reopening; else the user presses Compute
        qtbot.mouseClick(panel.compute_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.running, timeout=30000)
    assert panel.model.rowCount() == 1, (panel.status.text(), panel.running)
    assert panel.proxy.index(0, COLUMNS.index(next(c for c in COLUMNS if c[0] == "Max"))).data() == "9"


def test_bundled_sample_greets_without_flags_and_prints_zero(qtbot, window: MainWindow) -> None:
    """The regression sample's all-zero bias is normal: no "flagged constants", and its min/max read 0."""
    from ovexplorer.resources import sample_model
    from ovexplorer.ui.weights.weights_panel import COL_FLAGS

    panel = _open_and_compute(qtbot, window, sample_model("regression"))
    assert "flagged" not in panel.summary_label.text() and "flagged" not in panel.status.text()
    header = [panel.proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(panel.proxy.columnCount())]
    lo, hi = header.index("Min"), header.index("Max")
    shown = [[panel.proxy.index(r, c).data() for c in range(panel.proxy.columnCount())]
             for r in range(panel.proxy.rowCount())]
    zero_rows = [row for row in shown if row[lo] in ("0", "-0") and row[hi] in ("0", "-0")]
    assert zero_rows, "the sample has an all-zero bias"
    assert all(row[lo] == "0" and row[hi] == "0" and not row[COL_FLAGS] for row in zero_rows)
    assert not any(cell == "-0" for row in shown for cell in row)
