"""Responsiveness guard: the UI thread never stalls long while a large model opens.

The bound is generous (CI has two busy cores); the measured figures are printed for the record.
"""

from __future__ import annotations

import gc
import os
import time
from pathlib import Path

import pytest
from models_reliability import make_chain_ir
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication
from ui_stall import StallMeter

from ovexplorer.ui.shell.main_window import MainWindow

MAX_STALL_MS = 100.0  # 20k ops: the collector pausing (gc_pause) measured 35-80 ms, without it 115-150 ms
LARGE_OPS = int(os.environ.get("OVEXPLORER_STALL_OPS", "20000"))


@pytest.fixture(scope="module")
def large_ir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_chain_ir(tmp_path_factory.mktemp("large") / "chain.xml", LARGE_OPS)


def test_stall_meter_sees_a_blocked_event_loop(qtbot) -> None:
    with StallMeter() as meter:
        qtbot.wait(60)
        time.sleep(0.15)  # the UI thread blocked: what a slow slot would do
        qtbot.wait(30)
    assert meter.ticks > 5
    assert 140 <= meter.longest_ms < 1000
    assert meter.stalls(100) == 1


def _measure_open(qtbot, window: MainWindow, path: Path, attempt: int) -> StallMeter:
    window.close_document()
    qtbot.wait(50)  # let the repaint after closing settle
    # Earlier tests' windows are deleted later (deferred deletes) and leave garbage: clear both first, so
    # that only this window's opening is measured.
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    qtbot.wait(20)
    with StallMeter(label=f"open {LARGE_OPS}-op model, attempt {attempt}") as meter:
        with qtbot.waitSignal(window.document_changed, timeout=120000):
            window.open_path(path)
        qtbot.wait(100)  # and the repaint after it
    return meter


def test_opening_a_large_model_does_not_stall_the_ui(qtbot, qt_settings, large_ir: Path, capsys) -> None:
    """Longest UI-thread stall while a large model opens < 100 ms.

    Other processes on a busy CI machine can deschedule the UI thread for a moment, so a failing measurement
    is taken again (up to three); a real stall (work on the UI thread, a collection holding the GIL) fails all.
    """
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    meters = []
    for attempt in (1, 2, 3):
        meters.append(_measure_open(qtbot, window, large_ir, attempt))
        with capsys.disabled():
            print(f"\n{meters[-1].summary()}")
        if meters[-1].longest_ms < MAX_STALL_MS:
            break
    assert window.document is not None and len(window.document.graph.nodes) >= LARGE_OPS - 3
    assert "Relu" in window.summary_panel.text()
    assert min(m.longest_ms for m in meters) < MAX_STALL_MS, "; ".join(m.summary() for m in meters)
    window.close()
