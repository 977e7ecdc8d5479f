"""Helpers for the Run panel tests: open a model in a window, drop files on rows, run, draw pictures."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter
from qt_helpers import drop_files

from ovexplorer.ui.run.inputs_table import COL_NAME
from ovexplorer.ui.run.run_panel import RunPanel
from ovexplorer.ui.shell.main_window import MainWindow


def open_in(qtbot, window: MainWindow, path: Path) -> RunPanel:
    with qtbot.waitSignal(window.document_changed, timeout=30000):
        window.open_path(path)
    window.show_panel(window.run_panel)
    return window.run_panel


def drop_on_row(qtbot, panel: RunPanel, row: int, path: Path, *, ok: bool = True) -> None:
    """Drop ``path`` on an input's row and wait until it is read (or refused with a message)."""
    table = panel.table
    pos = table.visualRect(table.model().index(row, COL_NAME)).center()
    signal = panel.inputs_changed if ok else panel.failed
    with qtbot.waitSignal(signal, timeout=20000):
        assert drop_files(table.viewport(), [path], pos)
    qtbot.waitUntil(lambda: panel._loads == 0, timeout=20000)


def drop_on_window(qtbot, window: MainWindow, path: Path, *, ok: bool = True) -> None:
    panel = window.run_panel
    signal = panel.inputs_changed if ok else panel.failed
    with qtbot.waitSignal(signal, timeout=20000):
        assert drop_files(window, [path])
    qtbot.waitUntil(lambda: panel._loads == 0, timeout=20000)


def run(qtbot, panel: RunPanel, key: str = "F5") -> None:
    """Press F5 (or Ctrl+R) in the window and wait for the outputs."""
    with qtbot.waitSignal(panel.ran, timeout=30000):
        if key == "F5":
            qtbot.keyClick(panel.window(), Qt.Key.Key_F5)
        else:
            qtbot.keyClick(panel.window(), Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)


def run_fails(qtbot, panel: RunPanel) -> str:
    with qtbot.waitSignal(panel.failed, timeout=30000) as blocker:
        panel.run_button.click()
    qtbot.waitUntil(lambda: panel.run_button.isEnabled(), timeout=30000)
    return blocker.args[0]


def output_text(panel: RunPanel, output: str | None = None) -> str:
    """Everything the outputs view shows as text: header, table, and the statistics, values and top classes
    of the selected output (``output`` selects one first)."""
    view = panel.outputs
    if output is not None:
        view.select_output(output)
    table = view.table
    cells = [table.item(r, c).text() for r in range(table.rowCount()) for c in range(table.columnCount())]
    return "\n".join([view.header.text(), *cells, view.stats_label.text(), view.values.toPlainText(),
                      *view.top_labels()])


def draw_picture(path: Path, size: tuple[int, int], color: QColor, shape: str = "circle") -> Path:
    """A white picture with one filled circle (or square) in the middle, saved by Qt."""
    w, h = size
    image = QImage(w, h, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QBrush(color))
    painter.setPen(Qt.PenStyle.NoPen)
    d = int(min(w, h) * 0.65)
    x, y = (w - d) // 2, (h - d) // 2
    if shape == "circle":
        painter.drawEllipse(x, y, d, d)
    else:
        painter.drawRect(x, y, d, d)
    painter.end()
    assert image.save(str(path))
    return path


def fill_picture(path: Path, color: QColor, size: tuple[int, int] = (24, 16)) -> Path:
    image = QImage(*size, QImage.Format.Format_RGB32)
    image.fill(color)
    assert image.save(str(path))
    return path


def huge_png_header(path: Path, width: int, height: int) -> Path:
    """A PNG that claims ``width`` x ``height`` pixels (header only): refused before any decoding."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 16))
                     + chunk(b"IEND", b""))
    return path
