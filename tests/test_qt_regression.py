"""PySide6 6.12.0 aborts on Python 3.11 after thousands of void-method calls; pyproject excludes it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_many_void_qt_calls_do_not_abort() -> None:
    code = "from PySide6.QtCore import QRectF; r = QRectF(); any(r.setX(i) for i in range(200000)); print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]


def test_pyproject_excludes_pyside6_6_12_0() -> None:
    text = (Path(__file__).parents[1] / "pyproject.toml").read_text()
    pyside = [line for line in text.splitlines() if line.strip().lower().startswith('"pyside6')]
    assert len(pyside) == 1 and "!=6.12.0" in pyside[0].replace(" ", "")
