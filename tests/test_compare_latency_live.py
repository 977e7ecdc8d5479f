"""Latency A/B shows each round as it arrives: the overlaid plot and the speed-up so far while the next rounds
run, then the final figure."""

from __future__ import annotations

from pathlib import Path

from models_compare import mlp, save
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_compare_ui import TIMEOUT, settled

from ovexplorer.ui.compare.compare_window import CompareWindow


def test_rounds_show_while_the_next_ones_run(qtbot, tmp_path: Path) -> None:
    compare = CompareWindow(save(mlp(), tmp_path / "a.xml"), save(mlp(), tmp_path / "b.xml", fp16=True))
    qtbot.addWidget(compare)
    compare.show()
    settled(qtbot, compare)
    view = compare.latency
    view.rounds.setValue(3)
    view.seconds.setValue(0.5)
    compare.tabs.setCurrentWidget(view)
    qtbot.mouseClick(view.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "So far" in view.result.text(), timeout=TIMEOUT)
    assert compare.busy  # still running: the rounds left are not in yet
    assert "of 3 rounds" in view.result.text() and "Speed-up of B" in view.result.text()
    assert len(view.plot.getPlotItem().listDataItems()) == 2
    QApplication.processEvents()
    compare.grab().save("/work/shots/compare2/latency_live.png")
    qtbot.waitUntil(lambda: not compare.busy, timeout=TIMEOUT)
    assert "So far" not in view.result.text() and "3 rounds on CPU" in view.result.text()
    assert len(compare.state.latency.rounds_a) == 3 and compare.state.latency.complete
    compare.close()
