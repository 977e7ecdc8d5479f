"""Nothing lost: every export goes through ``core/util/atomic.py``, so a failing write keeps the old file intact.

Each export (weights CSV and JSON, graph PNG and SVG, an output's .npy, *Save as IR*) is written once, then
written again while the disk "fails" — at the rename (``os.replace``) or while the data is flushed (``fsync``)
— and the old file must be there, unchanged, with no temporary file beside it.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from models_graph import make_transformer_ir

from ovexplorer.core.run.outputs import save_npy
from ovexplorer.core.util import atomic
from ovexplorer.core.util.errors import OvexplorerError
from ovexplorer.ui.shell.main_window import MainWindow

TIMEOUT = 30000


def _fail_rename(monkeypatch: pytest.MonkeyPatch) -> None:
    def replace(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", replace)


def _fail_flush(monkeypatch: pytest.MonkeyPatch) -> None:
    def fsync(path):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(atomic, "fsync_path", fsync)


FAILURES: dict[str, Callable[[pytest.MonkeyPatch], None]] = {"rename": _fail_rename, "flush": _fail_flush}


WINDOW_SIZE = (1000, 700)  # the shared `window` fixture (conftest) uses it


def _exports(qtbot, window: MainWindow, model: Path) -> dict[str, Callable[[Path], object]]:
    """name -> function writing that export at a path, driven through the panels that offer it."""
    with qtbot.waitSignal(window.graph_panel.layout_ready, timeout=TIMEOUT):
        window.open_path(model)
    weights = window.weights_panel
    with qtbot.waitSignal(weights.stats_finished, timeout=TIMEOUT):
        window.tabs.setCurrentWidget(weights)
    assert weights.visible_rows()
    doc = window.document
    return {
        "weights.csv": lambda p: weights.export(str(p), "csv"),
        "weights.json": lambda p: weights.export(str(p), "json"),
        "graph.png": lambda p: window.graph_panel.export(p, whole=True),
        "view.svg": lambda p: window.graph_panel.export(p, whole=False),
        "output.npy": lambda p: save_npy(p, np.arange(6, dtype=np.float32)),
        "saved.xml": lambda p: doc.save_ir(p),
    }


def test_a_failing_export_keeps_the_old_file(qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    model = make_transformer_ir(tmp_path / "model" / "t2.xml", 2)
    exports = _exports(qtbot, window, model)
    out = tmp_path / "out"
    out.mkdir()
    before: dict[str, bytes] = {}
    for name, write in exports.items():
        write(out / name)
        before[name] = (out / name).read_bytes()
        assert before[name], name
    before["saved.bin"] = (out / "saved.bin").read_bytes()
    window.graph_panel.view.scale(0.5, 0.5)  # the new view export differs from the old one
    for failure, fail in FAILURES.items():
        with monkeypatch.context() as patch:
            fail(patch)
            for name, write in exports.items():
                with pytest.raises((OSError, OvexplorerError)):
                    write(out / name)
        assert sorted(p.name for p in out.iterdir()) == sorted(before), failure  # no temporary file left
        for name, data in before.items():
            assert (out / name).read_bytes() == data, f"{name} changed after a failed {failure}"
    assert not [p for p in os.listdir(out) if atomic.is_temp_name(p)]


def test_no_export_writes_files_on_its_own() -> None:
    """The export modules hold no temporary-file code of their own: everything goes through core/util/atomic.py."""
    root = Path(__file__).resolve().parent.parent / "ovexplorer"
    offenders = []
    for path in root.rglob("*.py"):
        if path.name == "atomic.py":
            continue
        text = path.read_text(encoding="utf-8")
        for needle in ("os.replace(", "mkstemp(", "os.rename("):
            if needle in text:
                offenders.append(f"{path.relative_to(root)}: {needle}")
    assert not offenders, offenders


def test_a_failing_latency_export_keeps_the_old_file(qtbot, window: MainWindow, tmp_path: Path,
                                                     monkeypatch) -> None:
    from PySide6.QtCore import Qt

    from ovexplorer.resources import sample_model

    with qtbot.waitSignal(window.document_changed, timeout=TIMEOUT):
        window.open_path(sample_model("regression"))
    panel = window.latency_panel
    window.show_panel(panel)
    panel.limit_combo.setCurrentIndex(panel.limit_combo.findData("iterations"))
    panel.iterations_spin.setValue(50)
    with qtbot.waitSignal(panel.run_finished, timeout=TIMEOUT):
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    exports = {
        "latency.csv": lambda p: panel.export_run(panel.series[0], p),
        "latency.json": lambda p: panel.export_run(panel.series[0], p),
        "latency.png": lambda p: panel.save_plot(p),
    }
    out = tmp_path / "out"
    out.mkdir()
    before = {}
    for name, write in exports.items():
        write(out / name)
        before[name] = (out / name).read_bytes()
    for failure, fail in FAILURES.items():
        with monkeypatch.context() as patch:
            fail(patch)
            for name, write in exports.items():
                with pytest.raises(OSError):
                    write(out / name)
        assert sorted(p.name for p in out.iterdir()) == sorted(before), failure
        for name, data in before.items():
            assert (out / name).read_bytes() == data, f"{name} changed after a failed {failure}"
