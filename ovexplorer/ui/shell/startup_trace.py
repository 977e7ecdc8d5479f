"""Start-up milestones on stderr, for ``benchmarks/open_to_graph.py`` and for finding where start-up time goes.

With ``OVEXPLORER_STARTUP_TRACE`` set, the app prints ``startup: <milestone> t=<epoch seconds> ...`` lines: the
application created, the first paint of a main window, the model read, and the first paint of the graph view
with a layout (with the op nodes painted in it, the process's RSS and the CPU time all its threads used so far).
With the value ``quit`` the app quits after that paint; with ``panels`` it first shows every tab once (the RSS
with every panel opened).
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

ENV = "OVEXPLORER_STARTUP_TRACE"


def enabled() -> bool:
    return bool(os.environ.get(ENV))


def rss_mb() -> float:
    """The process's resident set size in MB (0 where /proc is not available)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def mark(name: str, **fields: Any) -> None:
    """Print one milestone (only when tracing)."""
    if enabled():
        extra = "".join(f" {k}={v}" for k, v in fields.items())
        print(f"startup: {name} t={time.time():.6f}{extra}", file=sys.stderr, flush=True)


def painted_op_nodes(view: Any) -> int:
    """Op nodes of ``view``'s layout (group boxes not counted) that lie in its visible part."""
    layout = view.layout_data
    if layout is None:
        return 0
    rect = view.mapToScene(view.viewport().rect()).boundingRect()
    x0, y0, x1, y1 = rect.left(), rect.top(), rect.right(), rect.bottom()
    return sum(1 for b in layout.nodes if b.x < x1 and b.x + b.w > x0 and b.y < y1 and b.y + b.h > y0)


class StartupTrace(QObject):
    """Watches paints: the first of a main window, the first of a graph view showing a layout."""

    def __init__(self, app: QApplication, then: str) -> None:
        super().__init__(app)
        self.app = app
        self.then = then
        self.window_seen = False
        self.graph_seen = False
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            if not self.window_seen and watched.inherits("QMainWindow"):
                self.window_seen = True
                mark("window_painted", title=repr(watched.windowTitle()))
            elif not self.graph_seen and type(watched.parent()).__name__ == "GraphView":
                view = watched.parent()
                if view.layout_data is not None:
                    self.graph_seen = True
                    QTimer.singleShot(0, lambda v=view: self._graph_painted(v))
        return False

    def _graph_painted(self, view: Any) -> None:
        layout = view.layout_data
        mark("graph_painted", drawn_nodes=painted_op_nodes(view), laid_nodes=len(layout.nodes),
             groups=len(layout.groups), rss_mb=f"{rss_mb():.0f}", cpu_s=f"{time.process_time():.3f}")
        if self.then == "panels":
            self._open_panels(view.window())
        elif self.then == "quit":
            self.app.quit()

    def _open_panels(self, window: Any) -> None:
        tabs = window.tabs
        steps = list(range(tabs.count()))

        def step() -> None:
            if steps:
                tabs.setCurrentIndex(steps.pop(0))
                QTimer.singleShot(1500, step)
                return
            mark("panels_opened", rss_mb=f"{rss_mb():.0f}")
            self.app.quit()

        step()


def install(app: QApplication) -> StartupTrace | None:
    """Trace this start-up when ``OVEXPLORER_STARTUP_TRACE`` is set."""
    value = os.environ.get(ENV, "")
    if not value:
        return None
    return StartupTrace(app, value)
