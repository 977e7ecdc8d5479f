"""Render the main window offscreen on a sample model and save it as ``resources/screenshot.png``.

Run from the repository root: ``python examples/screenshot.py [MODEL] [OUT.png]``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer

from ovexplorer.resources import sample_model
from ovexplorer.ui.shell.app import make_application
from ovexplorer.ui.shell.main_window import MainWindow


def main() -> int:
    model = Path(sys.argv[1]) if len(sys.argv) > 1 else sample_model("regression")
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).parents[1] / "resources" / "screenshot.png"
    app = make_application()
    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    loop = QEventLoop()
    window.document_changed.connect(lambda _doc: QTimer.singleShot(1500, loop.quit))
    window.load_failed.connect(lambda _exc: loop.quit())
    window.open_path(model)
    QTimer.singleShot(60000, loop.quit)
    loop.exec()
    app.processEvents()
    window.grab().save(str(out))
    print(f"saved {out}")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
