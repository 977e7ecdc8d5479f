"""The window's menus come from one table (ui/shell/menus.py); a feature adds its entry with one call."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from ovexplorer.ui.shell.main_window import MainWindow
from ovexplorer.ui.shell.menus import WINDOW_MENUS, ActionSpec, add_menu_action


def _texts(menu: QMenu) -> list[str]:
    return [a.text().replace("&", "") if not a.isSeparator() else "—" for a in menu.actions()]


def test_the_menu_bar_is_the_table(window: MainWindow) -> None:
    titles = [a.text() for a in window.menuBar().actions()]
    table = [title for title, _ in WINDOW_MENUS]
    assert [t for t in titles if t in table] == table  # in the table's order (panels add menus of their own)
    for title, items in WINDOW_MENUS:
        menu = window.menus[title.replace("&", "")]
        for spec in (i for i in items if isinstance(i, ActionSpec)):
            action = getattr(window, spec.attr)
            assert action in menu.actions(), spec.attr
            assert hasattr(window, spec.slot), spec.slot  # every entry calls a method the window has
    assert _texts(window.file_menu)[:4] == ["Open…", "Open Recent", "Save as IR…", "Close Model"]
    assert _texts(window.file_menu)[-2:] == ["Close Window", "Quit"]
    assert window.open_action in window.toolbar.actions()


def test_a_feature_entry_goes_above_close_window_and_follows_the_model(qtbot, window: MainWindow,
                                                                        tiny_ir: Path) -> None:
    compare = QAction("&Compare With…", window)
    add_menu_action(window, "File", compare, needs_model=True)
    tools = QMenu("&Tools", window)
    add_menu_action(window, "Help", tools)
    texts = _texts(window.file_menu)
    assert texts.index("Compare With…") < texts.index("—", texts.index("Compare With…")) < texts.index("Quit")
    assert _texts(window.menus["Help"])[-1] == "Tools"
    assert not compare.isEnabled() and window.save_as_action.isEnabled() is False
    with qtbot.waitSignal(window.document_changed, timeout=30000):
        window.open_path(tiny_ir)
    assert compare.isEnabled() and window.save_as_action.isEnabled() and window.close_action.isEnabled()
    window.close_action.trigger()
    assert window.document is None and not compare.isEnabled() and not window.close_action.isEnabled()
