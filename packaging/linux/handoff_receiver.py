"""Stand in for a running ovexplorer in the install test: listen on its single-instance name, print what arrives.

    python handoff_receiver.py OUT_FILE [TIMEOUT_S]

Writes the paths of the first request to OUT_FILE (one per line, UTF-8) and exits 0; exits 1 on timeout.
The install test launches the installed .desktop entry on a file while this listens, which proves that the
file manager's ``Exec=ovexplorer %f`` reaches the app with the path whole (spaces, non-ASCII).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QTimer

from ovexplorer.ui.shell.single_instance import InstanceServer


def main() -> int:
    out = Path(sys.argv[1])
    timeout = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
    app = QCoreApplication(sys.argv[:1])
    server = InstanceServer(parent=app)
    if not server.listen():
        print("handoff_receiver: the name is taken by a running ovexplorer", file=sys.stderr)
        return 2
    result = {"code": 1}

    def received(paths: list[str]) -> None:
        out.write_text("".join(p + "\n" for p in paths), encoding="utf-8")
        result["code"] = 0
        QTimer.singleShot(200, app.quit)

    server.open_requested.connect(received)
    QTimer.singleShot(int(timeout * 1000), app.quit)
    Path(str(out) + ".ready").touch()
    app.exec()
    server.close()
    return result["code"]


if __name__ == "__main__":
    sys.exit(main())
