"""What a window remembers between launches (QSettings): geometry and maximised state, docks and toolbars,
every panel's splitter positions, and the tab shown. A new window starts from what was saved last."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QSplitter, QTabWidget, QWidget

GROUP = "window"
#: The first size of a window when nothing was saved, shrunk to fit the screen (a 1280x720 laptop).
DEFAULT_SIZE = (1200, 800)


def _splitters(tabs: QTabWidget, only: int | None = None) -> dict[str, QSplitter]:
    """Each panel's splitters (or those of tab ``only``) by a stable key: the tab's title and the splitter's rank
    in that panel (those with the property ``rememberSizes`` False are left out: they size themselves)."""
    found: dict[str, QSplitter] = {}
    for i in range(tabs.count()) if only is None else (only,):
        title = tabs.tabText(i).replace("&", "")
        kept = [s for s in tabs.widget(i).findChildren(QSplitter) if s.property("rememberSizes") is not False]
        for rank, splitter in enumerate(kept):
            found[f"{title}/{rank}"] = splitter
    return found


def restore_panel_splitters(tabs: QTabWidget, panel: QWidget) -> None:
    """The saved splitter positions of a panel built after its window (a deferred tab: Run, Weights, Latency)."""
    index = tabs.indexOf(panel)
    if index < 0:
        return
    settings = QSettings()
    settings.beginGroup(GROUP)
    try:
        for key, splitter in _splitters(tabs, index).items():
            value = settings.value(f"splitters/{key}")
            if isinstance(value, QByteArray):
                splitter.restoreState(value)
    finally:
        settings.endGroup()


def save_window_state(window: QMainWindow, tabs: QTabWidget) -> None:
    settings = QSettings()
    settings.beginGroup(GROUP)
    settings.setValue("geometry", window.saveGeometry())
    settings.setValue("state", window.saveState())
    settings.setValue("tab", tabs.tabText(tabs.currentIndex()).replace("&", ""))
    for key, splitter in _splitters(tabs).items():
        settings.setValue(f"splitters/{key}", splitter.saveState())
    settings.endGroup()
    settings.sync()


def default_size() -> tuple[int, int]:
    """:data:`DEFAULT_SIZE`, at most 90 % of the screen's available area."""
    screen = QGuiApplication.primaryScreen()
    width, height = DEFAULT_SIZE
    if screen is not None:
        area = screen.availableGeometry()
        width, height = min(width, int(area.width() * 0.9)), min(height, int(area.height() * 0.9))
    return width, height


def restore_window_state(window: QMainWindow, tabs: QTabWidget) -> bool:
    """Apply what was saved; False (and a default size) when nothing was."""
    settings = QSettings()
    settings.beginGroup(GROUP)
    try:
        geometry = settings.value("geometry")
        restored = isinstance(geometry, QByteArray) and window.restoreGeometry(geometry)
        if not restored:
            window.resize(*default_size())
        state = settings.value("state")
        if isinstance(state, QByteArray):
            window.restoreState(state)
        for key, splitter in _splitters(tabs).items():
            value = settings.value(f"splitters/{key}")
            if isinstance(value, QByteArray):
                splitter.restoreState(value)
        tab = settings.value("tab")
        titles = [tabs.tabText(i).replace("&", "") for i in range(tabs.count())]
        tabs.setCurrentIndex(titles.index(tab) if tab in titles else 0)
        return restored
    finally:
        settings.endGroup()
